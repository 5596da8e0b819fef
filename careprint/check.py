"""The content quality gate: plain language, medical words, clear print, sources and review, before any render.

The schema (model.py) says a handout is well-formed; this module says whether it is fit to hand to a patient who
may be older, tired, low-vision or low-literacy. It runs as `check` and at the start of every build, and reports
each finding the way a compiler does (file:line: key path: message (hint)) so an author can go straight to it.
Each rule is one function of the "content" stage (one handout) or the "settings" stage (the source registry and
clinic settings the handouts print), listed in careprint.checks; the readability it holds against the limits is
measured once, in careprint.readability.

Rules, each in one place (the limits, how sentences are split and words counted, and which readability formulas
apply depend on the handout's language: careprint/locales/<language>.yaml, `plain_language`; English shown):
- Sentences: at most 20 words, in every piece of printed text (headings, bullets and signs included).
- Readability: Flesch-Kincaid grade at most 6 and SMOG at most 8 for a handout, measured with textstat on
  paragraph prose only (headings and list fragments are not sentences and distort the formulas). Per-section
  scores and the hardest sentences are reported to show what to rewrite; they are guidance, not limits.
- Medical words: where a handout first uses a glossary term, the same item must carry its plain words.
- Clear print: no capitals for emphasis (acronyms on the glossary's allow-list are fine), no italics, no underline,
  numbers as digits, no percentages.
- Sources: a handout with clinical content names its sources; a registry entry missing its address or retrieved
  date is a warning (unknown ids are caught when the library loads).
- Review: an overdue review is a warning (an error with release=True); release=True refuses drafts, and a packet
  or card of a draft says so (a warning); an approval cannot be dated in the future; a text changed since its
  approval, or an approval with no fingerprint (typed by hand), is a warning (an error with release=True), so an
  author can keep working on a text while it waits for its reviewers, and nothing unapproved reaches a patient.
  (Approved needs a name and a date: model.Review enforces that; the fingerprint: careprint.approval.)
"""

from __future__ import annotations

import re

from .fonts import character_advice, describe_character, families_shown, missing_characters
from .load import key_path
from .problems import Problem
from .readability import rules_of

CAPITALS = re.compile(r"\b[A-Z]{2,}\b")
ITALICS = (
    re.compile(r"<(i|em|cite|var)\b[^>]*>(?:.*?</\1\s*>)?", re.IGNORECASE),
    re.compile(r"(?<![\w*])\*(?![\s*])[^*\n]+?(?<![\s*])\*(?![\w*])"),
    re.compile(r"(?<![\w_])_(?![\s_])[^_\n]+?(?<![\s_])_(?![\w_])"),
)
UNDERLINE = (
    re.compile(r"<(u|ins)\b[^>]*>(?:.*?</\1\s*>)?", re.IGNORECASE),
    re.compile(r"(?<!\w)__(?!\s)[^_\n]+?(?<!\s)__(?!\w)"),
)
PERCENTAGE = re.compile(r"\d+(?:[.,]\d+)?\s*%|\bper\s?cent(?:age)?s?\b|\bpercentages?\b", re.IGNORECASE)
# "one" is left out on purpose: in plain English it is mostly a pronoun ("no one", "one of them").
NUMBER_WORDS = {
    "zero": "0", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
    "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20",
    "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
    "hundred": "100", "thousand": "1000", "million": "1000000",
}
NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------------------------
# The rules


def _excerpt(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")


def sentence_problems(subject) -> list[Problem]:
    """No sentence longer than the language's limit, in any printed text."""
    item, sentences = subject.item, subject.readability.all_sentences
    limit, unit = rules_of(item.handout.language).max_sentence, rules_of(item.handout.language).unit
    return [
        Problem(item.shown, s.line, key_path(s.loc), f"sentence has {s.words} {unit} (limit {limit})",
                f"shorten it or split it in two: \"{_excerpt(s.text)}\"")
        for s in sentences if s.words > limit
    ]


def readability_problems(subject) -> list[Problem]:
    """The paragraphs' grade within the language's limits (Flesch-Kincaid and SMOG, for English)."""
    item, report = subject.item, subject.readability
    problems = []
    overall = report.overall
    hardest = report.worst[0] if report.worst else None
    hint = "use shorter words and sentences" + (
        f"; the hardest sentence, on line {hardest.line}, has grade {hardest.grade:.1f}: \"{_excerpt(hardest.text)}\""
        if hardest else "")
    limits = rules_of(item.handout.language).readability
    for name, value, limit in (("Flesch-Kincaid", overall.fk, limits.flesch_kincaid),
                               ("SMOG", overall.smog, limits.smog)):
        if value is not None and limit is not None and value > limit:
            problems.append(Problem(item.shown, overall.line, overall.key,
                                    f"{name} grade of the paragraphs is {value:.1f} (limit {limit:g})", hint))
    return problems


def _phrase(words: str, whole_words: bool = True) -> re.Pattern:
    """A whole-word, case-insensitive pattern for a word or phrase; any white space between its words. In a
    language written without spaces (Chinese: rules `unit: characters`) a word has no boundary to look for."""
    body = r"\s+".join(map(re.escape, words.split()))
    return re.compile(r"(?<!\w)" + body + r"(?!\w)" if whole_words else body, re.IGNORECASE)


def glossary_problems(subject) -> list[Problem]:
    """Where a glossary term is first used, the same item must say what it means in plain words."""
    item = subject.item
    terms = subject.library.glossary_for(item.handout.language).terms
    problems = []
    texts = list(item.handout.texts())
    whole = rules_of(item.handout.language).unit == "words"
    for term in terms:
        forms = [_phrase(form, whole) for form in term.forms]
        for loc, _kind, text in texts:
            match = min((m for m in (f.search(text) for f in forms) if m), key=lambda m: m.start(), default=None)
            if match is None:
                continue
            if not _phrase(term.plain, whole).search(text):
                used = match.group(0)
                named = f"\"{used}\"" if used.lower() == term.term.lower() else f"\"{used}\" ({term.term})"
                problems.append(Problem(
                    item.shown, item.line_of(*loc), key_path(loc),
                    f"{named} is not explained where it is first used; add the plain words \"{term.plain}\"",
                    "explain a medical word in the same sentence or bullet where it first appears",
                ))
            break
    return problems


def format_problems(subject) -> list[Problem]:
    """Clear-print rules: no capitals for emphasis, no italics, no underline, numbers as digits, no percentages."""
    item = subject.item
    acronyms = set(subject.library.glossary_for(item.handout.language).acronyms)
    problems = []
    english = item.handout.language.split("-")[0] == "en"
    loaded = getattr(item, "translation", None)  # a translation's acronyms are in its language's own glossary
    glossary = f"translations/{loaded.language}/glossary.yaml" if loaded else "reference/glossary.yaml"
    for loc, _kind, text in item.handout.texts():
        line, key = item.line_of(*loc), key_path(loc)

        def report(message: str, hint: str, line=line, key=key) -> None:
            problems.append(Problem(item.shown, line, key, message, hint))

        for match in CAPITALS.finditer(text):
            if match.group(0) not in acronyms:
                report(f"\"{match.group(0)}\" is in capitals",
                       "capitals are hard to read; write it in small letters, or if it is an acronym, "
                       f"add it to acronyms in {glossary}")
        for pattern in UNDERLINE:
            for match in pattern.finditer(text):
                report(f"underline (\"{match.group(0)}\") is not allowed", "clear print uses no underline; remove it")
        for pattern in ITALICS:
            for match in pattern.finditer(text):
                report(f"italics (\"{match.group(0)}\") are not allowed", "clear print uses no italics; remove it")
        for match in NUMBER_WORD.finditer(text) if english else ():  # the number words are English ones
            report(f"number \"{match.group(0)}\" is written as a word",
                   f"write numbers as digits: {NUMBER_WORDS[match.group(0).lower()]}")
        for match in PERCENTAGE.finditer(text):
            report(f"percentage \"{match.group(0)}\" is hard to picture",
                   "say it in whole numbers, such as \"9 out of 10 people\"")
    return problems


def source_problems(subject) -> list[Problem]:
    """A handout that states clinical facts must name where they come from."""
    item = subject.item
    handout = item.handout
    if handout.sources:
        return []
    clinical = next(((s, b) for s, section in enumerate(handout.sections) for b, block in enumerate(section.blocks)
                     if block.clinical), None)
    if clinical is None:
        return [Problem(item.shown, item.line_of("sources"), "sources", "the handout names no sources",
                        "list the sources it draws on under sources:", "warning")]
    where = key_path(("sections", clinical[0], "blocks", clinical[1]))
    return [Problem(item.shown, item.line_of("sources"), "sources",
                    f"the handout names no sources, but {where} states clinical facts",
                    "list the sources it draws on under sources:, using ids from reference/sources.yaml")]


def registry_problems(subject) -> list[Problem]:
    """Sources in use whose address or retrieved date is unknown: a warning, never a guessed value."""
    library, used = subject.library, subject.used_sources
    problems = []
    for index, source in enumerate(library.sources.values()):  # in the registry's order
        if source.id not in used:
            continue
        missing = [(name, fix) for name, value, fix in (
            ("address", source.address, "address: with the web page"),
            ("retrieved date", source.retrieved, "retrieved: with the date it was read, as YYYY-MM-DD"),
        ) if value is None]
        if missing:
            problems.append(Problem(library.sources_file, library.sources_doc.line_of(("sources", index)),
                                    f"sources[{index}]",
                                    f"source '{source.id}' has no {' and no '.join(name for name, _ in missing)}",
                                    f"add {' and '.join(fix for _, fix in missing)}, so a reviewer can check the facts",
                                    "warning"))
    return problems


def _glyph_problem(file: str, line: int | None, key: str, ch: str, language: str = "en") -> Problem:
    fonts = families_shown(language)  # the language's fonts (its locale's `fonts`)
    return Problem(file, line, key,
                   f"{describe_character(ch)} is not in the font {fonts}, so it cannot be printed (it would "
                   "come out in another font, or as an empty box)", character_advice(ch, fonts))


def glyph_problems(subject) -> list[Problem]:
    """Every printed character must be one the handout font has: a fallback font fails verification later, far
    from the line that caused it."""
    item = subject.item
    language = item.handout.language
    return [_glyph_problem(item.shown, item.line_of(*loc), key_path(loc), ch, language)
            for loc, _kind, text in item.handout.texts() for ch in missing_characters(text, language)]


def settings_glyph_problems(subject) -> list[Problem]:
    """The same for what the source registry and the clinic settings print on every handout."""
    library, used = subject.library, subject.used_sources
    problems = []
    for index, source in enumerate(library.sources.values()):
        if source.id not in used:
            continue
        for name in ("title", "publisher", "published", "address"):
            for ch in missing_characters(getattr(source, name) or ""):
                loc = ("sources", index, name)
                problems.append(_glyph_problem(library.sources_file, library.sources_doc.line_of(loc),
                                               key_path(loc), ch))
    clinic = library.clinic
    printed = [(("name",), clinic.name), (("website",), clinic.website)]
    for key in ("day", "after_hours", "emergency"):
        phone = getattr(clinic.phones, key)
        printed += [(("phones", key, "label"), phone.label), (("phones", key, "number"), phone.number)]
    for loc, text in printed:
        for ch in missing_characters(text or ""):
            line = library.clinic_doc.line_of(loc) if library.clinic_doc else None
            problems.append(_glyph_problem(library.clinic_file, line, key_path(loc), ch))
    return problems


def _approve_command(handout_id: str, by: str | None = None) -> str:
    return f"careprint approve {handout_id} --by \"{by or 'NAME'}\" --on YYYY-MM-DD"


def review_problems(subject) -> list[Problem]:
    """Drafts refused for release (and said when printed for a patient); no approval from the future; a text changed
    since its approval, or an approval that does not say which text it approved, said (errors for release); an
    overdue review said (an error for release)."""
    from .approval import CHANGED, UNCONFIRMED, state_of

    item, today, release = subject.item, subject.today, subject.release
    if getattr(item, "translation", None):
        return []  # the English handout's review is said on the English handout; the translation's own: translations
    handout = item.handout
    review = handout.review
    state = state_of(handout)
    problems = []
    if review.status == "draft" and (release or subject.for_patient):
        problems.append(Problem(
            item.shown, item.line_of("review", "status"), "review.status",
            "the handout is a draft; --release builds only approved handouts" if release else
            "the handout is a draft, not yet approved for patient use; what is printed says so",
            f"have it reviewed, then record the approval: {_approve_command(handout.id)}",
            "error" if release else "warning"))
    if review.approved_on and review.approved_on > today:
        problems.append(Problem(item.shown, item.line_of("review", "approved_on"), "review.approved_on",
                                f"approved_on {review.approved_on} is in the future",
                                "give the date the handout was actually approved"))
    if state == CHANGED:
        problems.append(Problem(
            item.shown, item.line_of("review", "fingerprint"), "review.fingerprint",
            f"the text has changed since {review.approved_by} approved it on {review.approved_on}, so it is not the "
            "approved text" + ("; --release builds only approved text" if release else
                               "; what is printed says so"),
            "have the changed text reviewed, then record the new approval: "
            + _approve_command(handout.id), "error" if release else "warning"))
    elif state == UNCONFIRMED:
        problems.append(Problem(
            item.shown, item.line_of("review", "status"), "review.status",
            "the approval does not record which text was approved (it has no fingerprint), so careprint cannot "
            "confirm this is the approved text" + ("; --release builds only approved text" if release else
                                                   "; what is printed says so"),
            f"have {review.approved_by} confirm this text, then record it: "
            + _approve_command(handout.id, review.approved_by), "error" if release else "warning"))
    if review.next_review < today:
        problems.append(Problem(item.shown, item.line_of("review", "next_review"), "review.next_review",
                                f"the review is overdue: next_review was {review.next_review}",
                                "have the handout reviewed again and set a new next_review",
                                "error" if release else "warning"))
    return problems
