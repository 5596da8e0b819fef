"""What a handout's braille file says, block by block, in print: the same words and order as the printed handout.

Why apart from the format: this is the one place that decides the braille file's content, the way the templates
decide the PDF's, and it mirrors them (templates/handout.html.j2 and its sections and blocks): the masthead and
review status, page 1's emergency box, the key messages, each section's blocks, the page to read more online, the
sources, and how to reach the care team. Braille has no colour, symbol or bold, so each warning level is its label
as a heading, then its action and the numbers to call (or words saying where to write one), then its signs. The
words careprint adds are the locale's; a number the clinic settings leave out is never made up.
"""

from __future__ import annotations

from ..blocks import BulletsBlock, ImageBlock, ParagraphBlock, QuestionsBlock, TriageBlock
from ..braille import Block, Document


class _Writer:
    def __init__(self, locale, clinic):
        self.locale, self.clinic = locale, clinic
        self.document = Document([])
        self.groups = 0

    def add(self, style: str, text: str, keep: bool = False, group: int | None = None) -> None:
        if text and text.strip():
            self.document.blocks.append(Block(style, text, keep, group))

    def phone(self, entry, keep: bool = True, group: int | None = None) -> None:
        """'Daytime: 604-555-0100', or the words saying where to write the number in."""
        self.add("line", f"{entry.printed_label(self.locale)}: {entry.number or self.locale.braille.write_in}", keep,
                 group)

    def action(self, name: str, about, now: bool = False, group: int | None = None) -> None:
        """What to do at one level and the numbers to call (templates/macros/actions.html.j2, level_action)."""
        phones = self.clinic.phones
        if now:
            self.add("paragraph", about.now, True, group)
        self.add("paragraph", about.action, True, group)
        if name == "emergency" and phones.emergency.number:
            self.phone(phones.emergency, group=group)
        else:
            self.phone(phones.day, group=group)
            if name != "next_visit":
                self.phone(phones.after_hours, group=group)
        self.add("paragraph", about.fallback, True, group)

    def triage(self, block: TriageBlock) -> int | None:
        """Each level: its label, its action, then its signs; the first level's group."""
        words, first = self.locale.words, None
        self.add("paragraph", words.triage_intro, True)
        for level in block.triage.levels():
            about = self.locale.triage[level.name]
            self.groups += 1
            group = self.groups
            first = first or group
            self.document.repeat[group] = [Block("heading", f"{about.label} {words.continued}"),
                                           Block("paragraph", about.action)]
            self.add("heading", about.label, True, group)
            self.action(level.name, about, group=group)
            self.add("paragraph", about.lead, True, group)
            titled = sum(1 for g in level.groups if g.title) > 1
            for sign_group in level.groups:
                if titled:
                    self.add("minor", sign_group.title or words.other_signs, True, group)
                if sign_group.note:
                    self.add("paragraph", sign_group.note, True, group)
                for sign in sign_group.signs:
                    self.add("item", sign, group=group)
                if sign_group.why:
                    self.add("paragraph", f"{words.why_label} {sign_group.why}", group=group)
        return first


def content(handout, locale, clinic, sources) -> Document:
    """The handout's braille file, as blocks of print to translate."""
    from ..approval import state_of
    from ..qr import online_link

    writer = _Writer(locale, clinic)
    add, words, emergency = writer.add, locale.words, locale.triage.emergency
    state = state_of(handout)

    add("line", clinic.name or "")
    add("title", handout.title)
    add("paragraph", handout.subtitle or "")
    add("paragraph", locale.status_line(handout.version, handout.review, state))

    # Page 1: what to do in an emergency, kept on one page (templates/sections/get_help.html.j2).
    add("heading", emergency.label, True)
    writer.action("emergency", emergency, now=True)
    summaries = handout.emergency_summaries()
    if summaries:
        add("paragraph", f"{words.summary_lead} {words.sentences(summaries)}", True)
    reference = None
    if handout.most_urgent_level():
        reference = len(writer.document.blocks)
        # the braille page the signs start on, and the words after it, are added when it is known
        add("paragraph", words.signs_ref_parts[0].rstrip())

    add("heading", words.key_messages_heading, True)
    for message in handout.key_messages:
        add("item", message)
    add("paragraph", words.numbers_ref)

    first_group = None
    for section in handout.sections:
        add("heading", section.heading, True)
        for block in section.blocks:
            if isinstance(block, ParagraphBlock):
                add("paragraph", block.paragraph)
            elif isinstance(block, BulletsBlock | QuestionsBlock):
                for text in block.bullets if isinstance(block, BulletsBlock) else block.questions:
                    add("item", text)
            elif isinstance(block, TriageBlock):
                group = writer.triage(block)
                first_group = first_group or group
            elif isinstance(block, ImageBlock):  # the picture in words: its description, then its caption
                add("paragraph", f"{locale.braille.picture} {block.image.alt}")
                add("paragraph", block.image.caption or "")
            # notes: lines to write on by hand print no words
    if reference is not None and first_group is not None:
        writer.document.page_ref = (reference, first_group)

    online = online_link(clinic, sources, handout.read_more, locale)
    if online:
        add("heading", words.online_heading, True)
        add("paragraph", f"{online.about}.", True)
        add("line", online.shown)

    add("heading", words.sources_heading, True)
    add("paragraph", words.sources_disclaimer)
    if sources:
        publishers = sorted({source.publisher for source in sources})
        add("paragraph", f"{words.sources_lead} {'; '.join(publishers)}.")
    add("paragraph", locale.approval_line(handout.review, state))

    # Last, so that the final page holds the numbers to call (templates/sections/contacts.html.j2), all on one page
    # (the last block kept "with the next" keeps the whole section together).
    add("heading", words.contacts_heading, True)
    add("line", clinic.name or "", True)
    writer.phone(clinic.phones.day)
    writer.phone(clinic.phones.after_hours)
    if clinic.phones.emergency.number:
        writer.phone(clinic.phones.emergency)
    add("line", clinic.website or "", True)
    add("paragraph", f"{emergency.label}: {emergency.now} {emergency.action} {emergency.fallback}", True)
    return writer.document
