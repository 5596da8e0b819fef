"""Check, page by page, that a reader who sees a warning sign also sees what to do about it.

Why this module exists: the layout keeps each warning level on one page or repeats its label and action
(careprint.paginate), but a stylesheet or template change could undo that silently, and a frightened reader who
sees "trouble walking" on a page with no "what to do" and no number may do nothing. So every PDF careprint makes
is read back (its tagged text layer, page furniture excluded) and refused when:

- a page shows a warning sign without that sign's level label and action above it on the same page (label, then
  action, then the sign: action first); or
- page 1 does not say what to do in an emergency (the emergency action with 911) and how to reach the care team
  (a number from the clinic settings, or the write-in line). The words looked for are the handout language's
  (careprint/locales/).

Text is compared the way the "every sentence is in the PDF" check compares it (readback.as_read: no white
space, no hyphens), so a line break inside a sign does not matter. A sign counts where it
stands as a list item (after its bullet, not running on into a longer sentence), so a key message that names a
sign in passing is not mistaken for the sign.
"""

from __future__ import annotations

from collections.abc import Iterator

from .locale import DEFAULT_LANGUAGE, Locale, load_locale
from .model import URGENT_LEVELS, TriageLevel
from .problems import Problem, on_page
from .readback import as_read

BULLET = "\u2022"  # the list marker WeasyPrint draws before each sign


def _items(page: str, sign: str) -> list[int]:
    """Where the sign stands as a whole list item: after a bullet, and not running on into longer text."""
    found, position = [], page.find(BULLET + sign)
    while position >= 0:
        after = page[position + len(BULLET) + len(sign): position + len(BULLET) + len(sign) + 1]
        if not after or not (after.islower() or after in ",;:"):
            found.append(position)
        position = page.find(BULLET + sign, position + 1)
    return found


def _covered(page: str, sign: str, label: str, action: str) -> bool | None:
    """None if the sign is not on the page as a list item; else whether one has the label, then the action, above."""
    items = _items(page, sign)
    if not items:
        return None
    for position in items:
        # Every place the label stands before the sign: in some languages the action repeats the label's words
        # (Chinese: the next-visit action holds its label whole), so the last one may be inside the action.
        label_at = page.find(label, 0, position)
        while label_at >= 0:
            if page.find(action, label_at + len(label), position) >= 0 or \
                    page.find(action, label_at, position) == label_at:
                return True
            label_at = page.find(label, label_at + 1, position)
    return False


def triage(subject) -> Iterator[Problem]:
    """The "pdf"-stage check (careprint.checks): page 1 says what to do, and no sign is without its action."""
    expected = subject.expected
    if expected is None:  # a PDF that came by email: there is no content to know its signs from
        return
    locale = load_locale(expected.language)
    printed = [level for level in expected.levels
               if not subject.edition.triage_only or level.name in URGENT_LEVELS]
    texts = subject.read.facts.page_texts
    yield from check_first_page(texts[0] if texts else "", expected.numbers, locale)
    yield from check_triage_pages(texts, printed, locale=locale)


def check_triage_pages(page_texts: list[str], levels: list[TriageLevel], first_page: int = 1,
                       locale: Locale | None = None) -> list[Problem]:
    """One problem per page and level where a sign is shown without its level's label and action above it."""
    locale = locale or load_locale(DEFAULT_LANGUAGE)
    problems = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for level in levels:
        if (level.name, tuple(level.signs)) in seen:
            continue
        seen.add((level.name, tuple(level.signs)))
        about = locale.triage[level.name]
        label, action = as_read(about.label), as_read(about.action)
        for number, text in enumerate(page_texts, start=first_page):
            page = as_read(text)
            alone = [sign for sign in level.signs if _covered(page, as_read(sign), label, action) is False]
            if alone:
                more = f" and {len(alone) - 1} more" if len(alone) > 1 else ""
                problems.append(on_page(
                    number, f"the warning sign \"{alone[0][:60]}\"{more} is on this page without "
                    f"\"{about.label}\" and \"{about.action}\" above it, so a reader sees the sign but not "
                    f"what to do; keep the level on one page, or repeat its label and action where it continues "
                    f"(if the sign's words also appear elsewhere on the page, reword one of them)"))
    return problems


def check_first_page(page_text: str, numbers: list[str], locale: Locale | None = None) -> list[Problem]:
    """Page 1 says what to do in an emergency and how to reach the care team."""
    locale = locale or load_locale(DEFAULT_LANGUAGE)
    page = as_read(page_text)
    problems = []
    emergency = locale.triage.emergency
    write_in = locale.words.write_in
    if as_read(emergency.action) not in page or as_read(emergency.fallback) not in page:
        problems.append(on_page(
            1, f"it does not say what to do in an emergency (\"{emergency.action} {emergency.fallback}\"); "
               f"a frightened reader looks at page 1 first: keep the emergency box at the top of the handout"))
    if not any(as_read(number) in page for number in [*numbers, write_in] if number):
        problems.append(on_page(
            1, "it has no number for the care team and no line to write one on; keep the emergency box, with "
               f"the clinic's numbers (clinic.yaml) or the \"{write_in}\" write-in lines, on page 1"))
    return problems


def clinic_numbers(clinic) -> list[str]:
    """The care team's numbers as printed: any one of them on page 1 will do."""
    phones = clinic.phones
    return [phone.number for phone in (phones.day, phones.after_hours, phones.emergency) if phone.number]
