"""Readability of a handout's prose: sentences split and words counted by the language's rules, Flesch-Kincaid
and SMOG measured with textstat 0.7.4 on paragraph prose only, overall and per section, and the hardest sentences.

Why apart from the rules (careprint.check): `check` prints this report for authors as guidance, and the content
checks hold it against the limits; both use one measurement, made once per handout.

Sentence splitting is a deliberately simple regex, documented in the locale (`sentence_break`): a sentence ends
at . ! or ? (optionally followed by a closing quote or bracket), then white space, then a capital letter, a digit
or an opening quote or bracket. Plain-language text avoids abbreviations such as "e.g.", which would fool it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from textstat.textstat import textstatistics

from .library import LoadedHandout
from .load import key_path
from .locale import DEFAULT_LANGUAGE, PlainLanguage, load_locale

WORST_SHOWN = 3
SMOG_MIN_SENTENCES = 3  # textstat returns 0 below this; we report "not measured" instead of a flattering 0

# textstat rounds its intermediate averages to 0.1 (0.1 syllables a word moves the grade by 1.2); measure unrounded.
_stats = textstatistics()
_stats.set_rounding(False)


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


def fk_grade(sentences: list[str], rules: PlainLanguage | None = None) -> float | None:
    """Flesch-Kincaid grade, where the language's rules use it (English: validated there; none elsewhere)."""
    if not sentences or (rules is not None and rules.readability.flesch_kincaid is None):
        return None
    return round(_stats.flesch_kincaid_grade(" ".join(_as_measured(s) for s in sentences)), 1)


def smog_grade(sentences: list[str], rules: PlainLanguage | None = None) -> float | None:
    if len(sentences) < SMOG_MIN_SENTENCES or (rules is not None and rules.readability.smog is None):
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
    language: str = DEFAULT_LANGUAGE

    def as_dict(self) -> dict:
        return {
            "handout": self.handout,
            "file": self.file,
            "language": self.language,
            "rules": rules_applied(self.language),
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
            grade = fk_grade([sentence], rules) if kind == "paragraph" else None
            found.append(Sentence(sentence, count_words(sentence, rules), loc, line, kind, grade))
    return found


def _score(name: str, loc: tuple, item: LoadedHandout, prose: list[Sentence]) -> Score:
    texts = [s.text for s in prose]
    rules = rules_of(item.handout.language)
    return Score(name, key_path(loc), item.line_of(*loc), len(texts), sum(s.words for s in prose),
                 fk_grade(texts, rules), smog_grade(texts, rules))


def readability(item: LoadedHandout) -> Readability:
    """Flesch-Kincaid and SMOG for the handout's paragraph prose, overall and per section, and its worst sentences."""
    sentences = sentences_of(item)
    prose = [s for s in sentences if s.kind == "paragraph"]
    sections = []
    for index, section in enumerate(item.handout.sections):
        mine = [s for s in prose if s.loc[:2] == ("sections", index)]
        sections.append(_score(section.heading, ("sections", index), item, mine))
    graded = [s for s in prose if s.grade is not None]  # none where the language has no formula
    worst = sorted(graded, key=lambda s: (-(s.grade or 0.0), -s.words))[:WORST_SHOWN]
    longest = max(sentences, key=lambda s: s.words, default=None)
    return Readability(item.handout.id, item.shown, _score(item.handout.id, ("sections",), item, prose),
                       sections, worst, longest, sentences, item.handout.language)


def readability_report(items: Iterable[LoadedHandout]) -> list[Readability]:
    """Each handout's readability (the library's handouts, or a selection of them)."""
    return [readability(item) for item in items]


def rules_applied(language: str) -> str:
    """Which plain-language rules apply to a language, in words: the report says so for every handout."""
    rules = rules_of(language)
    formulas = [f"{name} at most {limit:g}" for name, limit in (("Flesch-Kincaid grade",
                rules.readability.flesch_kincaid), ("SMOG", rules.readability.smog)) if limit is not None]
    measured = ", ".join(formulas) if formulas else "no readability formula (none is validated for this language)"
    return (f"{load_locale(language).english_name}: sentences of at most {rules.max_sentence} {rules.unit}, "
            f"medical words explained from its glossary, {measured}")


def format_readability(report: list[Readability]) -> list[str]:
    """The report as text lines: per handout, which rules applied, per section, and the sentences to rewrite first."""

    def grade(value: float | None) -> str:
        return "  -" if value is None else f"{value:4.1f}"

    lines = ["Readability of paragraph prose (- means too little prose to measure, or no formula for the language)"]
    for language in dict.fromkeys(entry.language for entry in report):
        lines.append(f"  rules for {rules_applied(language)}")
    for entry in report:
        overall = entry.overall
        unit = rules_of(entry.language).unit
        average = overall.words / overall.sentences if overall.sentences else 0.0
        longest = f", longest sentence {entry.longest.words} {unit}" if entry.longest else ""
        lines.append(f"{entry.file}: {entry.handout}: FK {grade(overall.fk).strip()}, "
                     f"SMOG {grade(overall.smog).strip()} "
                     f"({overall.sentences} sentences, {average:.1f} {unit} a sentence{longest})")
        for section in entry.sections:
            lines.append(f"    FK {grade(section.fk)}  SMOG {grade(section.smog)}  {section.sentences:2d} sentences  "
                         f"{section.name}")
        if entry.worst:
            lines.append("  hardest sentences (rewrite these first):")
            for s in entry.worst:
                grade_shown = f"FK {s.grade:.1f}, " if s.grade is not None else ""
                lines.append(f"    {entry.file}:{s.line}: {grade_shown}{s.words} {unit}: \"{s.text}\"")
    return lines
