"""The block types a section is made of, each a class that declares the text it prints.

Every check of a handout's words reads them through `texts()`: the content checks (glossary, capitals, numbers),
the readability report and the check that every sentence is in the built PDF. A block type whose text were
forgotten there would be printed unchecked, so declaring it is required: a block class without its own texts() is
refused with a TypeError when it is defined, and a block that prints no text says so in its texts().

In a handout file a block is one key naming its type (`- paragraph: ...`, `- bullets: [...]`). The union AnyBlock
picks the class from that key; a block with no key, several keys or an unknown key gets a message naming the
block types. To add a block type: write its class here, add it to BLOCK_CLASSES, and add its template
(blocks/<type>.html.j2).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, ClassVar, Union

from pydantic import BeforeValidator, Discriminator, Field, Tag, ValidationError
from pydantic_core import PydanticCustomError

from .fields import Loc, PrintedText, StrictModel, Text
from .triage import SignList, Triage


class Image(StrictModel):
    """A picture from the project's images/ folder. Its alt text is what a screen reader says instead."""

    file: Annotated[str, Field(min_length=1, max_length=200,
                               description="path inside the project, e.g. images/spine.png")]
    alt: Text
    caption: Text | None = Field(default=None, description="printed under the picture: what it shows, in words")


class Block(StrictModel):
    """One block of a section. Each block type is a subclass with one field, its key, and its own texts()."""

    kind: ClassVar[str]  # the block's type: the name of its one field, e.g. "paragraph"
    clinical: ClassVar[bool]  # it can state clinical facts, so a handout with one must name its sources
    # A value of this block for the style gate's specimen handout (careprint.specimen); None: the specimen has its own.
    example: ClassVar[Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.texts is Block.texts:
            raise TypeError(f"block type {cls.__name__} does not declare the text it prints: define "
                            "texts(self, loc); a block that prints no text returns nothing and says why")

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if len(cls.model_fields) != 1:
            raise TypeError(f"block type {cls.__name__} must have exactly one field, the key naming its type; "
                            f"it has {', '.join(cls.model_fields) or 'none'}")
        cls.kind = next(iter(cls.model_fields))
        missing = [name for name in ("clinical", "example") if name not in vars(cls)]
        if missing:
            raise TypeError(f"block type {cls.__name__} must set {' and '.join(missing)}: clinical = True if it can "
                            "state clinical facts, and an example value the style gate's specimen handout shows")

    def texts(self, loc: Loc) -> Iterator[PrintedText]:
        """Every piece of text the block prints, in reading order, as (key path, kind, text).

        `loc` is the block's own key path, ("sections", 0, "blocks", 2); the key paths returned start with it.
        """
        raise NotImplementedError

    def pictures(self) -> list[Image]:
        """The pictures the block shows (each must be a file in the project)."""
        return []


def _each(loc: Loc, key: str, kind: str, items: list[str]) -> Iterator[PrintedText]:
    """The items of a list block, each at its own key path."""
    for index, item in enumerate(items):
        yield loc + (key, index), kind, item


class ParagraphBlock(Block):
    """`- paragraph: ...`: a paragraph of plain text."""

    paragraph: Text
    clinical: ClassVar[bool] = True
    example: ClassVar[Any] = "A specimen paragraph of body text."

    def texts(self, loc: Loc) -> Iterator[PrintedText]:
        yield loc + ("paragraph",), "paragraph", self.paragraph


class BulletsBlock(Block):
    """`- bullets: [...]`: a list of points, one per line starting with '- '."""

    bullets: list[Text] = Field(min_length=1)
    clinical: ClassVar[bool] = True
    example: ClassVar[Any] = ["A specimen bullet.", "Another specimen bullet."]

    def texts(self, loc: Loc) -> Iterator[PrintedText]:
        return _each(loc, "bullets", "bullet", self.bullets)


class TriageBlock(Block):
    """`- triage: ...`: the warning signs, each under the action to take (emergency, call_today, next_visit)."""

    triage: Triage
    clinical: ClassVar[bool] = True
    example: ClassVar[Any] = None  # the specimen's own: every level, a shared list, a level split in two

    def texts(self, loc: Loc) -> Iterator[PrintedText]:
        """Each level's group titles (printed when it has several titled groups), its signs, then its notes and why
        acting fast matters; the emergency level also names the summaries page 1's emergency box prints."""
        for level in self.triage.levels():
            where = loc + ("triage", level.name)
            titles = [group.title for group in level.groups if group.title]
            if len(titles) > 1:  # the rule careprint.paginate uses to print them
                for title in titles:
                    yield where, "heading", title
            for index, item in enumerate(getattr(self.triage, level.name)):
                for sign in item.signs if isinstance(item, SignList) else [item]:
                    yield where + (index,), "sign", sign
            for text in (*level.notes, *level.why):
                yield where, "why", text
            if level.name == "emergency":
                for text in self.triage.emergency_summaries():
                    yield where, "summary", text


class QuestionsBlock(Block):
    """`- questions: [...]`: questions the reader may want to ask the care team."""

    questions: list[Text] = Field(min_length=1)
    clinical: ClassVar[bool] = False
    example: ClassVar[Any] = ["A specimen question?"]

    def texts(self, loc: Loc) -> Iterator[PrintedText]:
        return _each(loc, "questions", "question", self.questions)


class NotesBlock(Block):
    """`- notes: 6`: lines for the reader to write on."""

    notes: int = Field(ge=1, le=20, description="number of write-in lines")
    clinical: ClassVar[bool] = False
    example: ClassVar[Any] = 2

    def texts(self, loc: Loc) -> Iterator[PrintedText]:
        # Empty write-in lines: the block prints no words of its own, so there is nothing to check.
        return iter(())


class ImageBlock(Block):
    """`- image: {file: ..., alt: ...}`: a picture, with its alt text and an optional caption."""

    image: Image
    clinical: ClassVar[bool] = False
    # The picture need not exist: the gate measures the text around it (its caption).
    example: ClassVar[Any] = {"file": "images/careprint-specimen-picture.png", "alt": "Specimen picture",
                              "caption": "A specimen caption under the picture."}

    def pictures(self) -> list[Image]:
        return [self.image]

    def texts(self, loc: Loc) -> Iterator[PrintedText]:
        # The alt text is not printed on the page: it is what a screen reader says instead of the picture.
        if self.image.caption:
            yield loc + ("image", "caption"), "caption", self.image.caption


# The registry: every block type, in the order an author's messages list them.
BLOCK_CLASSES: tuple[type[Block], ...] = (ParagraphBlock, BulletsBlock, TriageBlock, QuestionsBlock, NotesBlock,
                                          ImageBlock)
BLOCK_TYPES = tuple(cls.kind for cls in BLOCK_CLASSES)


def _one_key(data: object) -> object:
    """A block is a mapping with one key, and that key names a block type; anything else is refused here, with
    the message an author needs, before the key picks the class."""
    if isinstance(data, Block):
        return data
    if not isinstance(data, dict):
        raise PydanticCustomError("model_type", "Input should be a valid dictionary or instance of Block")
    if len(data) != 1:
        keys = ", ".join(map(str, data)) or "nothing"
        raise ValueError(f"a block has exactly one key naming its type ({', '.join(BLOCK_TYPES)}); found {keys}")
    key, value = next(iter(data.items()))
    if key not in BLOCK_TYPES:
        shown = key if isinstance(key, str | int) else str(key)
        raise ValidationError.from_exception_data(
            "Block", [{"type": "extra_forbidden", "loc": (shown,), "input": value}])
    return data


def _block_type(data: object) -> str | None:
    """The tag that picks a block's class: its one key (_one_key has checked the shape)."""
    if isinstance(data, Block):
        return data.kind
    return next(iter(data)) if isinstance(data, dict) and len(data) == 1 else None


AnyBlock = Annotated[
    Union[tuple(Annotated[cls, Tag(cls.kind)] for cls in BLOCK_CLASSES)],  # noqa: UP007 (built from the registry)
    Discriminator(_block_type),
    BeforeValidator(_one_key),
]
