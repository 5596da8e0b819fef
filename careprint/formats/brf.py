"""BRF, the braille edition: a handout as a braille-ready file for an embosser or a refreshable braille display.

Why this format exists: a patient who reads braille gets nothing from a large-print PDF. The braille file is made
from the same reviewed content (the handout model, never the PDF), in the same order a sighted reader meets it:
the title and review status, the emergency box, the key messages, the sections, the sources and the numbers to
call. Each warning level is words alone, as braille has no colour or shape: its label, its action and the numbers,
then its signs; a level that runs onto another braille page repeats its label, "(continued)", and its action there.
Every word careprint adds comes from the handout's locale, which also names the braille tables (`braille:`); a
language whose locale has none gets no braille file, and the build says so once.

Translation, layout and the format checks are careprint.braille's; the checks run as the "brf" stage
(careprint.checks). Back-translation measures what the reader gets: the share of the handout's distinct printed
words (Handout.texts(), case-folded, as the locale counts words) found in the braille translated back to print.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import Format, Made

MIN_WORDS_FOUND = 95.0  # percent of the handout's distinct printed words back-translation must find
TABLE_DIRS = (Path("/usr/share/liblouis/tables"),)


@dataclass
class BrfFacts:
    pages: int
    longest_line_cells: int
    longest_page_lines: int
    words_found_percent: float
    code: str = ""


@dataclass
class BrfExpected:
    """What a braille file must say: the handout's distinct words, and each warning level's label and action."""

    words: set[str]
    levels: list[tuple[str, str]]  # (label, action) of each level, in reading order
    emergency: tuple[str, str]  # page 1's emergency label and action
    word_re: object  # the locale's word pattern


def table_files(table: str) -> list[Path]:
    """The liblouis table files a table list reads, its includes too: a new liblouis-data makes them again."""
    found: dict[Path, None] = {}
    todo = [name.strip() for name in table.split(",")]
    while todo:
        name = todo.pop()
        path = next((folder / name for folder in TABLE_DIRS if (folder / name).is_file()), None)
        if path is None or path in found:
            continue
        found[path] = None
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        todo += [line.split()[1] for line in lines if line.startswith("include") and len(line.split()) > 1]
    return sorted(found)


TABLE_LINE = re.compile(r"^braille:[^\n]*\n(?:[ \t]+[^\n]*\n)*?[ \t]+table:[ \t]*[\"']?([A-Za-z0-9_.,-]+)", re.M)


def inputs(project, edition, paper: str) -> list[Path]:
    """The liblouis table files every locale names: a new liblouis-data makes the braille files again. Found in the
    locale files' text, as planning must not parse YAML; the locale files themselves are hashed as careprint's own
    words (careprint.plan.code_fingerprint)."""
    locales = Path(__file__).resolve().parents[1] / "locales"  # careprint.locale.LOCALE_DIR, without pydantic
    names = [match.group(1) for path in sorted(locales.glob("*.yaml"))
             for match in TABLE_LINE.finditer(path.read_text(encoding="utf-8", errors="replace"))]
    return sorted({path for name in names for path in table_files(name)})


def summary(facts) -> str:
    from ..problems import plural

    return (f"{plural(facts.pages, 'braille page', 'braille pages')} ({facts.code}, lines up to "
            f"{facts.longest_line_cells} cells), back-translation finds {facts.words_found_percent:.1f}% of the "
            "handout's words")


def words_of(texts, word_re) -> set[str]:
    """Distinct words, case-folded, as the locale counts them; a soft hyphen is not a word's end."""
    from ..braille import plain

    return {word.casefold().replace("’", "'") for text in texts for word in word_re.findall(plain(text))}


def expected_of(handout, locale) -> BrfExpected:
    word_re = locale.plain_language.word_re
    levels = [(locale.triage[level.name].label, locale.triage[level.name].action)
              for level in handout.triage_levels()]
    emergency = locale.triage.emergency
    return BrfExpected(words_of((text for _, _, text in handout.texts()), word_re), levels,
                       (emergency.label, emergency.action), word_re)


class BrfMaker:
    """Braille files made in one process: the library, and the characters each table was found to have."""

    def __init__(self, library, paper: str):
        self.library = library
        self.known: dict[str, set[str]] = {}

    def make(self, item, edition) -> Made:
        from ..braille import BrailleError, read_brf
        from ..checks import BrfSubject, run_checks
        from ..locale import load_locale
        from ..problems import Problem, on_page
        from .brf_content import content

        handout = item.handout
        locale = load_locale(handout.language)
        words_file = f"careprint/locales/{handout.language}.yaml"
        if locale.braille is None:
            return Made(b"", skipped=f"no braille files for handouts in language {handout.language!r}: {words_file} "
                                     "names no braille table (braille: table:)")
        document = content(handout, locale, self.library.clinic, self.library.sources_of(handout))
        texts = [block.text for block in document.blocks]
        texts = list(dict.fromkeys(texts + [block.text for blocks in document.repeat.values() for block in blocks]))
        try:
            missing = self._undefined(locale.braille.table, set("".join(texts)))
            if missing:
                shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in missing)
                return Made(b"", [Problem(item.shown, None, "", f"braille ({locale.braille.code}) has no sign for "
                                          f"{shown}", "write it in words, or use another character")])
            data, numbers, back = self._lay_out(locale, document, texts)
        except BrailleError as error:
            where = Problem(words_file, None, "braille.table", str(error)) if error.table else on_page(None, str(error))
            return Made(b"", [where])
        read = read_brf(data, numbers)
        expected = expected_of(handout, locale)
        found = words_of((" ".join(page) for page in back), expected.word_re)
        percent = 100.0 * len(expected.words & found) / max(1, len(expected.words))
        facts = BrfFacts(len(read.pages), read.longest_line, read.longest_page, round(percent, 1),
                         locale.braille.code)
        return Made(data, run_checks("brf", BrfSubject(read, back, expected, percent)), facts)

    def close(self) -> None:
        """Nothing to release: each translation is a lou_translate process that has ended."""

    def _undefined(self, table: str, characters: set[str]) -> list[str]:
        from ..braille import undefined_characters

        known = self.known.setdefault(table, set())
        new = characters - known
        missing = undefined_characters(table, new) if new else []
        known |= new - set(missing)
        return missing

    def _lay_out(self, locale, document, texts):
        """(the BRF, each page's number in braille, each page's text lines translated back to print)."""
        from ..braille import logical_lines, page_text, paginate, translate

        table = locale.braille.table
        # Page numbers and the "signs start on page N." reference, for up to `most` pages, in the same call.
        most = 10 + sum(len(text) for text in texts) // 200
        numbers = [locale.braille.page_number.format(page=n) for n in range(1, most + 1)]
        refs = [f"{n}{locale.words.signs_ref_parts[1]}" for n in range(1, most + 1)]
        cells = translate(table, texts + numbers + refs)
        braille = dict(zip(texts, cells))
        page_cells, ref_cells = cells[len(texts):len(texts) + most], cells[len(texts) + most:]
        guess = 1
        for _ in range(4):  # the page the signs start on can move once the reference has its own width
            pages, starts = paginate(document, braille, ref_cells[guess - 1] if document.page_ref else "")
            start = starts.get(document.page_ref[1], 1) if document.page_ref else 1
            if start == guess or len(pages) > most:
                break
            guess = start
        if len(pages) > most or start != guess:
            from ..braille import BrailleError

            raise BrailleError(f"careprint bug: the braille pages could not be numbered ({len(pages)} pages; the "
                               f"warning signs start on page {start}, not {guess})")
        data = page_text(pages, page_cells)
        logical = logical_lines(pages)
        back_lines = translate(table, [line for page in logical for line in page], backward=True)
        back, at = [], 0
        for page in logical:
            back.append(back_lines[at:at + len(page)])
            at += len(page)
        return data, page_cells[: len(pages)], back


# ---------------------------------------------------------------------------------------------------------------
# The "brf" stage's checks (careprint.checks)


def page_format(subject):
    """40 cells a line, 25 lines a page, CRLF, form feeds between pages, each page's braille number."""
    from ..problems import on_page

    for page, message in subject.read.problems:
        yield on_page(page, message, "a careprint bug: report it to the careprint maintainers")


def words_found(subject):
    if subject.words_found_percent < MIN_WORDS_FOUND:
        missing = sorted(subject.expected.words - words_of((" ".join(p) for p in subject.back),
                                                            subject.expected.word_re))
        yield (f"translated back to print, the braille has only {subject.words_found_percent:.1f}% of the handout's "
               f"words (at least {MIN_WORDS_FOUND:g}% needed); not found: {', '.join(missing[:12])}")


NEAR = 30  # words: a level's action must start this close after its label ("now" may come between, on page 1)


def _after(words: list[str], label: list[str], action: list[str], start: int) -> int:
    """Where the first `label` from `start` that `action` follows closely ends in `words`; -1 if there is none."""
    for at in range(start, len(words) - len(label) + 1):
        if words[at:at + len(label)] == label:
            end = at + len(label)
            if any(words[i:i + len(action)] == action for i in range(end, end + NEAR)):
                return end
    return -1


def _sequence(subject, lines) -> list[str]:
    from ..braille import plain

    return [w.casefold().replace("’", "'") for w in subject.expected.word_re.findall(plain(" ".join(lines)))]


def levels_in_order(subject):
    """Each warning level's label, then its action, in reading order, in the braille translated back."""
    words, at = _sequence(subject, [line for page in subject.back for line in page]), 0
    for number, (label, action) in enumerate(subject.expected.levels, start=1):
        at = _after(words, _sequence(subject, [label]), _sequence(subject, [action]), at)
        if at < 0:
            yield (f"warning level {number}: the braille does not say {label!r} and then {action!r} (translated "
                   "back to print)")
            return


def emergency_first(subject):
    """Page 1 says what to do in an emergency, as the printed handout's does."""
    label, action = subject.expected.emergency
    words = _sequence(subject, subject.back[0] if subject.back else [])
    if _after(words, _sequence(subject, [label]), _sequence(subject, [action]), 0) < 0:
        yield f"page 1: the braille does not say {label!r} and then {action!r}"


BRF = Format("brf", ".brf", inputs, BrfMaker,
             facts=("pages", "longest_line_cells", "longest_page_lines", "words_found_percent"), summary=summary)
