"""Read YAML files into validated models, remembering the line of every key.

PyYAML alone loses line numbers, overwrites duplicate keys and expands aliases without limit. This module composes
the node tree itself so that every problem can name its file, line and key path, and so that hostile or mistaken
input (tabs, binary junk, aliases, huge files) is refused with a message instead of a traceback.
"""

from __future__ import annotations

import difflib
import types
import typing
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, Discriminator, Tag, ValidationError

from .files import FileTooLargeError, describe_os_error, is_regular_file, read_file
from .plain_errors import in_plain_words
from .problems import ContentError, Problem

MAX_FILE_BYTES = 256 * 1024

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


def key_path(loc: Loc) -> str:
    """('sections', 2, 'blocks', 0) -> 'sections[2].blocks[0]'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class _Document:
    """Plain data plus the line where each key path starts."""

    def __init__(self, data: object, lines: dict[Loc, int]):
        self.data = data
        self.lines = lines

    def line_of(self, loc: Loc) -> int | None:
        while loc not in self.lines and loc:
            loc = loc[:-1]
        return self.lines.get(loc)


def _read_text(path: Path, shown: str) -> str:
    def fail(message: str, hint: str, line: int | None = None) -> ContentError:
        return ContentError([Problem(shown, line, "", message, hint)])

    try:
        raw = read_file(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        raise fail("file not found", "check the path") from None
    except FileTooLargeError:
        size = path.stat().st_size if is_regular_file(path) else 0
        raise fail(f"file is {size // 1024} KiB, over the {MAX_FILE_BYTES // 1024} KiB limit",
                   "split it into smaller handouts") from None
    except OSError as exc:
        cause, remedy = describe_os_error(exc)
        raise fail(f"cannot read the file: {cause}", remedy) from None
    if b"\0" in raw:
        line = raw[: raw.index(b"\0")].count(b"\n") + 1
        raise fail("file contains binary data, not text", "save it as plain UTF-8 text", line)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail("file is not valid UTF-8 text", "save the file with UTF-8 encoding", line) from None
    text = text.removeprefix("\ufeff")
    for number, row in enumerate(text.splitlines(), start=1):
        indent = row[: len(row) - len(row.lstrip(" \t"))]
        if "\t" in indent:
            raise fail("a tab is used for indentation; YAML needs spaces", "replace the tab with spaces", number)
    if not text.strip() or all(r.strip().startswith("#") or not r.strip() for r in text.splitlines()):
        raise fail("file is empty", "write the handout's keys, starting with id:")
    return text


def _compose(text: str, shown: str) -> _Document:
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ContentError([Problem(
                    shown, event.start_mark.line + 1, "",
                    "YAML anchors and aliases (& and *) are not allowed",
                    "write the text out in full where it is needed",
                )])
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = f"YAML syntax error: {_plain_yaml(exc.problem or exc.context or 'unreadable')}"
        if exc.context_mark and exc.problem_mark and 0 < exc.context_mark.line != exc.problem_mark.line:
            message += f" (the part that is open started on line {exc.context_mark.line + 1})"
        raise ContentError([Problem(
            shown, line, "", message,
            "check the indentation and quote text that contains a colon (:) or starts with a symbol",
        )]) from None
    except yaml.YAMLError as exc:
        raise ContentError([Problem(shown, None, "", f"YAML error: {exc}", "check the file's syntax")]) from None

    lines: dict[Loc, int] = {}
    problems: list[Problem] = []
    constructor = yaml.SafeLoader("")

    def build(node: yaml.Node, loc: Loc) -> object:
        lines[loc] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            result: dict = {}
            for key_node, value_node in node.value:
                key = constructor.construct_object(key_node, deep=True)
                if not isinstance(key, str):
                    problems.append(Problem(shown, key_node.start_mark.line + 1, key_path(loc),
                                            f"key {key!r} is not text", "keys are words such as title:"))
                    continue
                if key in result:
                    problems.append(Problem(shown, key_node.start_mark.line + 1, key_path(loc + (key,)),
                                            "this key appears twice", "keep only one of them"))
                    continue
                result[key] = build(value_node, loc + (key,))
                lines[loc + (key,)] = key_node.start_mark.line + 1
            return result
        if isinstance(node, yaml.SequenceNode):
            return [build(item, loc + (index,)) for index, item in enumerate(node.value)]
        try:
            return constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            problems.append(Problem(shown, node.start_mark.line + 1, key_path(loc), f"bad value: {exc}",
                                    "quote the value as text"))
            return None

    if node is None:
        raise ContentError([Problem(shown, None, "", "file is empty", "write the handout's keys, starting with id:")])
    data = build(node, ())
    if problems:
        raise ContentError(problems)
    if not isinstance(data, dict):
        raise ContentError([Problem(shown, 1, "", "the file must be a mapping of keys (like title: ...), "
                                    f"not a {type(data).__name__}", "start the file with id: and title:")])
    return _Document(data, lines)


YAML_WORDS = {
    "<block end>": "the end of an indented part",
    "<block mapping start>": "a new key",
    "<block sequence start>": "a list",
    "<scalar>": "text",
    "<stream end>": "the end of the file",
    "<block collection start>": "an indented part",
}


def _plain_yaml(problem: str) -> str:
    """PyYAML's token names, said in words an author knows."""
    for token, words in YAML_WORDS.items():
        problem = problem.replace(f"'{token}'", words).replace(token, words)
    return problem


def _walk(model: type[BaseModel], loc: Loc) -> tuple[Loc, object]:
    """Follow an error's location through the model: its key path in the file, and the type found there.

    Inside a tagged union (a section's blocks) pydantic puts the tag before the keys of the member it chose; the
    tag is not a key in the file, so it is left out of the key path.
    """
    annotation: object = model
    path: list[str | int] = []
    for index, part in enumerate(loc):
        annotation = _unwrap(annotation)
        members = _tagged_members(annotation)
        if members is not None and part in members:
            annotation = members[part]
            continue
        path.append(part)
        if isinstance(part, int):
            continue
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(part)
            if field is None:
                return (*path, *loc[index + 1:]), None
            annotation = field.annotation
    return tuple(path), annotation


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The keys allowed at a location, for a "did you mean" hint: a model's fields, or every member's in a union."""
    annotation = _unwrap(_walk(model, loc)[1])
    members = _tagged_members(annotation)
    candidates = [_unwrap(member) for member in members.values()] if members is not None else [annotation]
    return list(dict.fromkeys(name for candidate in candidates
                              if isinstance(candidate, type) and issubclass(candidate, BaseModel)
                              for name in candidate.model_fields))


def _tagged_members(annotation: object) -> dict[str, object] | None:
    """{tag: member type} of a tagged union, Annotated[Union[Annotated[A, Tag(...)], ...], Discriminator(...)]."""
    if typing.get_origin(annotation) is not typing.Annotated:
        return None
    if not any(isinstance(meta, Discriminator) for meta in getattr(annotation, "__metadata__", ())):
        return None
    members = {}
    for member in typing.get_args(typing.get_args(annotation)[0]):
        tag = next((meta.tag for meta in getattr(member, "__metadata__", ()) if isinstance(meta, Tag)), None)
        if tag is not None:
            members[tag] = member
    return members


def _unwrap(annotation: object) -> object:
    """list[X] | None -> X; a tagged union is kept whole."""
    for _ in range(4):
        if _tagged_members(annotation) is not None:
            break
        origin = typing.get_origin(annotation)
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if origin in (typing.Union, types.UnionType, list) and args or origin is typing.Annotated:
            annotation = args[0]
        else:
            break
    return annotation


def _problem_from_error(error: dict, doc: _Document, model: type[BaseModel], shown: str) -> Problem:
    raw: Loc = tuple(error["loc"])
    loc = _walk(model, raw)[0]
    kind = error["type"]
    line = doc.line_of(loc)
    if kind == "extra_forbidden":
        allowed = _fields_at(model, raw[:-1])
        near = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean '{near[0]}'?" if near else f"allowed keys: {', '.join(allowed)}"
        return Problem(shown, line, key_path(loc), f"unknown key '{loc[-1]}'", hint)
    if kind == "missing":
        return Problem(shown, line, key_path(loc), "this required key is missing", f"add {loc[-1]}: to the file")
    fields = _fields_at(model, raw) if kind in ("model_type", "dict_type", "model_attributes_type") else []
    message, hint = in_plain_words(kind, error["msg"], error.get("input"), error.get("ctx") or {}, fields)
    return Problem(shown, line, key_path(loc), message, hint)


def load_model(path: Path, model: type[M], shown: str | None = None) -> tuple[M, _Document]:
    """Load one YAML file into a model, or raise ContentError listing every problem in it."""
    shown = shown or str(path)
    doc = _compose(_read_text(path, shown), shown)
    try:
        return model.model_validate(doc.data), doc
    except ValidationError as exc:
        problems = [_problem_from_error(e, doc, model, shown) for e in exc.errors()]
        # A misspelt key also makes the right key "missing": say it once, as the misspelling.
        explained = {p.key.rsplit(".", 1)[0] + "." + p.hint.split("'")[1] for p in problems
                     if p.message.startswith("unknown key") and p.hint.startswith("did you mean")}
        problems = [p for p in problems if not (p.message.startswith("this required key") and p.key in explained)]
        raise ContentError(problems) from None
