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


def readability_report(items: Iterable[LoadedHandout]) -> list[Readability]:
    """Each handout's readability (the library's handouts, or a selection of them)."""
    return [readability(item) for item in items]


def format_readability(report: list[Readability]) -> list[str]:
    """The report as text lines: per handout, per section, and the sentences to rewrite first."""

    def grade(value: float | None) -> str:
        return "  -" if value is None else f"{value:4.1f}"

    rules = rules_of()
    limits = [f"{name} {limit:g}" for name, limit in (("Flesch-Kincaid grade", rules.readability.flesch_kincaid),
                                                       ("SMOG", rules.readability.smog)) if limit is not None]
    lines = [f"Readability of paragraph prose (limits: {', '.join(limits)}, "
             f"{rules.max_sentence} words a sentence; - means too little prose to measure)"]
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
