"""The content quality gate: plain language, medical words, clear print, sources and review, before any render.

The schema (model.py) says a handout is well-formed; this module says whether it is fit to hand to a patient who
may be older, tired, low-vision or low-literacy. It runs as `check` and at the start of every build, and reports
each finding the way a compiler does (file:line: key path: message (hint)) so an author can go straight to it.

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
- Review: an overdue review is a warning (an error with release=True); release=True refuses drafts; an approval
  cannot be dated in the future. (Approved needs a name and a date: model.Review enforces that.)

Sentence splitting is a deliberately simple regex, documented in the locale (`sentence_break`): a sentence ends
at . ! or ?
(optionally followed by a closing quote or bracket), then white space, then a capital letter, a digit or an
opening quote or bracket. Plain-language text avoids abbreviations such as "e.g.", which would fool it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from textstat.textstat import textstatistics

from .fonts import FONT_FAMILY, character_advice, describe_character, missing_characters
from .library import Library, LoadedHandout
from .load import key_path
from .locale import DEFAULT_LANGUAGE, PlainLanguage, load_locale
from .model import GlossaryTerm
from .problems import Problem

WORST_SHOWN = 3
SMOG_MIN_SENTENCES = 3  # textstat returns 0 below this; we report "not measured" instead of a flattering 0

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
CLINICAL_BLOCKS = ("paragraph", "bullets", "triage")

# textstat rounds its intermediate averages to 0.1 (0.1 syllables a word moves the grade by 1.2); measure unrounded.
_stats = textstatistics()
_stats.set_rounding(False)


# ---------------------------------------------------------------------------------------------------------------
# Sentences and readability


def rules_of(language: str = DEFAULT_LANGUAGE) -> PlainLanguage:
    """The plain-language rules of a language (its locale's `plain_language`)."""
    return load_locale(language).plain_language


def split_sentences(text: str, rules: PlainLanguage | None = None) -> list[str]:
    """Split text into sentences with the language's `sentence_break` (see the module docstring)."""
    pattern = (rules or rules_of()).sentence_break_re
    return [part.strip() for part in pattern.split(" ".join(text.split())) if part.strip()]


def count_words(sentence: str, rules: PlainLanguage | None = None) -> int:
    """Words as a reader sees them: "x-rays", "person's" and "911" are one word each; punctuation is not a word."""
    return len((rules or rules_of()).word_re.findall(sentence))


def _as_measured(sentence: str) -> str:
    """A lead-in ending in ':' (or with no end mark) is still a full sentence for the formulas."""
    sentence = sentence.rstrip()
    if sentence.endswith((":", ";", ",")):
        sentence = sentence[:-1]
    return sentence if sentence.endswith((".", "!", "?")) else sentence + "."


def fk_grade(sentences: list[str]) -> float | None:
    if not sentences:
        return None
    return round(_stats.flesch_kincaid_grade(" ".join(_as_measured(s) for s in sentences)), 1)


def smog_grade(sentences: list[str]) -> float | None:
    if len(sentences) < SMOG_MIN_SENTENCES:
        return None
    return round(_stats.smog_index(" ".join(_as_measured(s) for s in sentences)), 1)


@dataclass(frozen=True)
class Sentence:
    text: str
    words: int
    loc: tuple
    line: int | None
    kind: str
    grade: float | None = None  # Flesch-Kincaid grade of this sentence alone; only prose is graded

    def as_dict(self) -> dict:
        return {"line": self.line, "key": key_path(self.loc), "kind": self.kind, "words": self.words,
                "fk_grade": self.grade, "text": self.text}


@dataclass
class Score:
    """Readability of some prose: a whole handout or one section."""

    name: str
    key: str
    line: int | None
    sentences: int
    words: int
    fk: float | None
    smog: float | None

    def as_dict(self) -> dict:
        return {"name": self.name, "key": self.key, "line": self.line, "sentences": self.sentences,
                "words": self.words, "fk_grade": self.fk, "smog_grade": self.smog}


@dataclass
class Readability:
    handout: str
    file: str
    overall: Score
    sections: list[Score]
    worst: list[Sentence]  # the hardest prose sentences, hardest first
    longest: Sentence | None  # the longest sentence anywhere in the handout
    all_sentences: list[Sentence] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict:
        return {
            "handout": self.handout,
            "file": self.file,
            **{k: v for k, v in self.overall.as_dict().items() if k not in ("name", "key", "line")},
            "longest_sentence": self.longest.as_dict() if self.longest else None,
            "sections": [s.as_dict() for s in self.sections],
            "worst_sentences": [s.as_dict() for s in self.worst],
        }


def sentences_of(item: LoadedHandout) -> list[Sentence]:
    """Every sentence of the handout's printed text, in reading order; paragraph sentences carry their grade."""
    found = []
    rules = rules_of(item.handout.language)
    for loc, kind, text in item.handout.texts():
        line = item.line_of(*loc)
        for sentence in split_sentences(text, rules):
            grade = fk_grade([sentence]) if kind == "paragraph" else None
            found.append(Sentence(sentence, count_words(sentence, rules), loc, line, kind, grade))
    return found


def _score(name: str, loc: tuple, item: LoadedHandout, prose: list[Sentence]) -> Score:
    texts = [s.text for s in prose]
    return Score(name, key_path(loc), item.line_of(*loc), len(texts), sum(s.words for s in prose),
                 fk_grade(texts), smog_grade(texts))


def readability(item: LoadedHandout) -> Readability:
    """Flesch-Kincaid and SMOG for the handout's paragraph prose, overall and per section, and its worst sentences."""
    sentences = sentences_of(item)
    prose = [s for s in sentences if s.kind == "paragraph"]
    sections = []
    for index, section in enumerate(item.handout.sections):
        mine = [s for s in prose if s.loc[:2] == ("sections", index)]
        sections.append(_score(section.heading, ("sections", index), item, mine))
    worst = sorted(prose, key=lambda s: (-(s.grade or 0.0), -s.words))[:WORST_SHOWN]
    longest = max(sentences, key=lambda s: s.words, default=None)
    return Readability(item.handout.id, item.shown, _score(item.handout.id, ("sections",), item, prose),
                       sections, worst, longest, sentences)


def readability_report(library: Library) -> list[Readability]:
    return [readability(item) for item in library.handouts]


def format_readability(report: list[Readability]) -> list[str]:
    """The report as text lines: per handout, per section, and the sentences to rewrite first."""

    def grade(value: float | None) -> str:
        return "  -" if value is None else f"{value:4.1f}"

    rules = rules_of()
    limits = [f"{name} {limit:g}" for name, limit in (("Flesch-Kincaid grade", rules.readability.flesch_kincaid),
                                                       ("SMOG", rules.readability.smog)) if limit is not None]
    lines = [f"Readability of paragraph prose (limits: {', '.join(limits)}, "
             f"{rules.max_sentence_words} words a sentence; - means too little prose to measure)"]
    for entry in report:
        overall = entry.overall
        average = overall.words / overall.sentences if overall.sentences else 0.0
        longest = f", longest sentence {entry.longest.words} words" if entry.longest else ""
        lines.append(f"{entry.file}: {entry.handout}: FK {grade(overall.fk).strip()}, "
                     f"SMOG {grade(overall.smog).strip()} "
                     f"({overall.sentences} sentences, {average:.1f} words a sentence{longest})")
        for section in entry.sections:
            lines.append(f"    FK {grade(section.fk)}  SMOG {grade(section.smog)}  {section.sentences:2d} sentences  "
                         f"{section.name}")
        if entry.worst:
            lines.append("  hardest sentences (rewrite these first):")
            for s in entry.worst:
                lines.append(f"    {entry.file}:{s.line}: FK {s.grade:.1f}, {s.words} words: \"{s.text}\"")
    return lines


# ---------------------------------------------------------------------------------------------------------------
# The rules


def _excerpt(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")


def sentence_problems(item: LoadedHandout, sentences: list[Sentence]) -> list[Problem]:
    limit = rules_of(item.handout.language).max_sentence_words
    return [
        Problem(item.shown, s.line, key_path(s.loc), f"sentence has {s.words} words (limit {limit})",
                f"shorten it or split it in two: \"{_excerpt(s.text)}\"")
        for s in sentences if s.words > limit
    ]


def readability_problems(item: LoadedHandout, report: Readability) -> list[Problem]:
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


def _phrase(words: str) -> re.Pattern:
    """A whole-word, case-insensitive pattern for a word or phrase; any white space between its words."""
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words.split())) + r"(?!\w)", re.IGNORECASE)


def glossary_problems(item: LoadedHandout, terms: list[GlossaryTerm]) -> list[Problem]:
    """Where a glossary term is first used, the same item must say what it means in plain words."""
    problems = []
    texts = list(item.handout.texts())
    for term in terms:
        forms = [_phrase(form) for form in term.forms]
        for loc, _kind, text in texts:
            match = min((m for m in (f.search(text) for f in forms) if m), key=lambda m: m.start(), default=None)
            if match is None:
                continue
            if not _phrase(term.plain).search(text):
                used = match.group(0)
                named = f"\"{used}\"" if used.lower() == term.term.lower() else f"\"{used}\" ({term.term})"
                problems.append(Problem(
                    item.shown, item.line_of(*loc), key_path(loc),
                    f"{named} is not explained where it is first used; add the plain words \"{term.plain}\"",
                    "explain a medical word in the same sentence or bullet where it first appears",
                ))
            break
    return problems


def format_problems(item: LoadedHandout, acronyms: set[str]) -> list[Problem]:
    """Clear-print rules: no capitals for emphasis, no italics, no underline, numbers as digits, no percentages."""
    problems = []
    for loc, _kind, text in item.handout.texts():
        line, key = item.line_of(*loc), key_path(loc)

        def report(message: str, hint: str, line=line, key=key) -> None:
            problems.append(Problem(item.shown, line, key, message, hint))

        for match in CAPITALS.finditer(text):
            if match.group(0) not in acronyms:
                report(f"\"{match.group(0)}\" is in capitals",
                       "capitals are hard to read; write it in small letters, or if it is an acronym, "
                       "add it to acronyms in reference/glossary.yaml")
        for pattern in UNDERLINE:
            for match in pattern.finditer(text):
                report(f"underline (\"{match.group(0)}\") is not allowed", "clear print uses no underline; remove it")
        for pattern in ITALICS:
            for match in pattern.finditer(text):
                report(f"italics (\"{match.group(0)}\") are not allowed", "clear print uses no italics; remove it")
        for match in NUMBER_WORD.finditer(text):
            report(f"number \"{match.group(0)}\" is written as a word",
                   f"write numbers as digits: {NUMBER_WORDS[match.group(0).lower()]}")
        for match in PERCENTAGE.finditer(text):
            report(f"percentage \"{match.group(0)}\" is hard to picture",
                   "say it in whole numbers, such as \"9 out of 10 people\"")
    return problems


def source_problems(item: LoadedHandout) -> list[Problem]:
    """A handout that states clinical facts must name where they come from."""
    handout = item.handout
    if handout.sources:
        return []
    clinical = next(((s, b) for s, section in enumerate(handout.sections) for b, block in enumerate(section.blocks)
                     if block.kind in CLINICAL_BLOCKS), None)
    if clinical is None:
        return [Problem(item.shown, item.line_of("sources"), "sources", "the handout names no sources",
                        "list the sources it draws on under sources:", "warning")]
    where = key_path(("sections", clinical[0], "blocks", clinical[1]))
    return [Problem(item.shown, item.line_of("sources"), "sources",
                    f"the handout names no sources, but {where} states clinical facts",
                    "list the sources it draws on under sources:, using ids from reference/sources.yaml")]


def registry_problems(library: Library, used: set[str]) -> list[Problem]:
    """Sources in use whose address or retrieved date is unknown: a warning, never a guessed value."""
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


def _glyph_problem(file: str, line: int | None, key: str, ch: str) -> Problem:
    return Problem(file, line, key,
                   f"{describe_character(ch)} is not in the font {FONT_FAMILY}, so it cannot be printed (it would "
                   "come out in another font, or as an empty box)", character_advice(ch))


def glyph_problems(item: LoadedHandout) -> list[Problem]:
    """Every printed character must be one the handout font has: a fallback font fails verification later, far
    from the line that caused it."""
    return [_glyph_problem(item.shown, item.line_of(*loc), key_path(loc), ch)
            for loc, _kind, text in item.handout.texts() for ch in missing_characters(text)]


def settings_glyph_problems(library: Library, used: set[str]) -> list[Problem]:
    """The same for what the source registry and the clinic settings print on every handout."""
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


def review_problems(item: LoadedHandout, today: datetime.date, release: bool) -> list[Problem]:
    review = item.handout.review
    problems = []
    if release and review.status == "draft":
        problems.append(Problem(item.shown, item.line_of("review", "status"), "review.status",
                                "the handout is a draft; --release builds only approved handouts",
                                "have it reviewed, then set status: approved, approved_by and approved_on"))
    if review.approved_on and review.approved_on > today:
        problems.append(Problem(item.shown, item.line_of("review", "approved_on"), "review.approved_on",
                                f"approved_on {review.approved_on} is in the future",
                                "give the date the handout was actually approved"))
    if review.next_review < today:
        problems.append(Problem(item.shown, item.line_of("review", "next_review"), "review.next_review",
                                f"the review is overdue: next_review was {review.next_review}",
                                "have the handout reviewed again and set a new next_review",
                                "error" if release else "warning"))
    return problems


def content_gate(library: Library, handout_ids: list[str] | None, today: datetime.date, release: bool = False,
                 report=None) -> list[Problem]:
    """The content checks of the selected handouts (none named: all), as every command runs them."""
    from dataclasses import replace

    if handout_ids:
        library = replace(library, handouts=[i for i in library.handouts if i.handout.id in handout_ids])
    return check_library(library, today, release=release, report=report)


def check_library(library: Library, today: datetime.date, release: bool = False,
                  report: list[Readability] | None = None) -> list[Problem]:
    """Every quality problem of every handout in the library, errors and warnings, in file and line order.

    `report` is readability_report(library) when the caller has it already (the check command prints it too).
    """
    problems: list[Problem] = []
    acronyms = set(library.glossary.acronyms)
    for item, measured in zip(library.handouts, report or readability_report(library)):
        problems += sentence_problems(item, measured.all_sentences)
        problems += readability_problems(item, measured)
        problems += glossary_problems(item, library.glossary.terms)
        problems += format_problems(item, acronyms)
        problems += source_problems(item)
        problems += glyph_problems(item)
        problems += review_problems(item, today, release)
    handout_files = [item.shown for item in library.handouts]
    problems.sort(key=lambda p: (handout_files.index(p.file) if p.file in handout_files else -1, p.line or 0))
    used = {source for item in library.handouts for source in item.handout.sources}
    return problems + registry_problems(library, used) + settings_glyph_problems(library, used)
