"""What the triage block holds: warning signs under the action to take, and the shared lists of signs.

A triage block is the most safety-critical content careprint prints, and the largest block type, so its shape lives
in a module of its own: the levels in order of urgency, the signs a handout writes itself, the shared lists
(reference/warning-signs.yaml) it may include, and the levels and groups as they are printed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, model_validator

from .fields import Identifier, ShortText, StrictModel, Text

TRIAGE_LEVEL_NAMES = ("emergency", "call_today", "next_visit")  # most urgent first

# The triage levels a quick-reference card prints: the ones that cannot wait for the next visit.
URGENT_LEVELS = ("emergency", "call_today")


class Include(StrictModel):
    """`- include: high-calcium`: a shared list of warning signs from reference/warning-signs.yaml.

    A list that several handouts print is written once, so the handouts can never disagree about a sign or its
    timing. The library replaces each include with the list itself (see resolve_triage) before anything checks or
    prints the handout.
    """

    include: Identifier


SignItem = Text | Include


@dataclass(frozen=True)
class SignGroup:
    """Signs printed together under a level: a shared list (with its title) or the handout's own signs."""

    title: str | None
    signs: tuple[str, ...]
    why: str | None = None
    note: str | None = None
    summary: str | None = None


@dataclass(frozen=True)
class TriageLevel:
    """One level of a triage block as printed: its name, its groups of signs and why acting fast matters."""

    name: str
    groups: tuple[SignGroup, ...]

    @property
    def signs(self) -> list[str]:
        return [sign for group in self.groups for sign in group.signs]

    @property
    def why(self) -> list[str]:
        return list(dict.fromkeys(group.why for group in self.groups if group.why))

    @property
    def notes(self) -> list[str]:
        return list(dict.fromkeys(group.note for group in self.groups if group.note))


class Triage(StrictModel):
    """When to get help: each warning sign sits under the action the reader should take.

    Each level lists signs (text) and shared lists (`include: ID`), most urgent level first.
    """

    emergency: list[SignItem] | None = Field(default=None, min_length=1)
    call_today: list[SignItem] | None = Field(default=None, min_length=1)
    next_visit: list[SignItem] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _has_a_level(self) -> Triage:
        if not (self.emergency or self.call_today or self.next_visit):
            raise ValueError("a triage block needs at least one of emergency, call_today, next_visit")
        return self

    def includes(self) -> Iterator[tuple[str, int, str]]:
        """(level, index, list id) of every `include:` in this block."""
        for level in TRIAGE_LEVEL_NAMES:
            for index, item in enumerate(getattr(self, level) or []):
                if isinstance(item, Include):
                    yield level, index, item.include

    def levels(self) -> list[TriageLevel]:
        """The levels present, most urgent first, with shared lists resolved (resolve_triage must have run)."""
        found = []
        for name in TRIAGE_LEVEL_NAMES:
            groups: list[SignGroup] = []
            for item in getattr(self, name) or []:
                if isinstance(item, SignList):
                    groups.append(SignGroup(item.title, tuple(item.signs), item.why, item.note, item.summary))
                elif isinstance(item, Include):
                    raise LookupError(f"the shared sign list '{item.include}' was not resolved")
                elif groups and groups[-1].title is None:
                    groups[-1] = SignGroup(None, groups[-1].signs + (item,))
                else:
                    groups.append(SignGroup(None, (item,)))
            if groups:
                found.append(TriageLevel(name, tuple(groups)))
        return found

    def emergency_summaries(self) -> list[str]:
        """What page 1's emergency box names for this block: its emergency lists' summaries (or titles), in order."""
        return list(dict.fromkeys(group.summary or group.title for level in self.levels()
                                  if level.name == "emergency" for group in level.groups
                                  if group.summary or group.title))


class SignList(StrictModel):
    """A list of warning signs shared by several handouts (reference/warning-signs.yaml).

    The list names its level, so every handout that includes it gives the same signs the same timing, and says in
    one sentence why acting fast matters.
    """

    id: Identifier
    level: Literal["emergency", "call_today", "next_visit"]
    title: ShortText = Field(description="shown above the list when a level holds more than one group of signs")
    why: Text | None = Field(default=None, description="one sentence: why acting fast matters")
    note: Text | None = Field(default=None, description="what to do for these signs besides the level's action, "
                                                          "printed above them")
    summary: ShortText | None = Field(default=None, description="the signs in a few words, for page 1's emergency "
                                                                 "box (emergency lists)")
    signs: list[Text] = Field(min_length=1)


class SignLists(StrictModel):
    lists: list[SignList] = Field(min_length=1)
