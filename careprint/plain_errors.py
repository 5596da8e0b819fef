"""The schema's complaints, said in an author's words.

Why this module exists: pydantic says "String should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$'" and "Input should
be a valid dictionary or instance of Image"; a nurse editing a handout needs "use small letters, digits and
hyphens, like bone-metastases" and "this should be keys and values indented under it". careprint.load finds the
file, line and key; this turns the kind of mistake into what is wrong and what to write instead.
"""

from __future__ import annotations

import re

from .fields import ACRONYM_FORM, ADDRESS_FORM, FINGERPRINT_FORM, ID_FORM, PHONE_FORM, VERSION_FORM

# The forms careprint's keys ask for (careprint.fields), said as an author would: (what is wrong, what to write).
PATTERNS = {
    ID_FORM: ("it is not an id careprint can use", "use small letters, digits and single hyphens only, like "
                                                   "bone-metastases"),
    VERSION_FORM: ("it is not a version number", "write a version number such as 1.0 or 2.1.3, in quotes"),
    PHONE_FORM: ("it is not a phone number careprint can print", "write digits with spaces, dashes, brackets or +, "
                                                                 "and an extension as 'ext 123', like 604-555-0100"),
    ADDRESS_FORM: ("it is not a web address", "write the whole address, starting with https://"),
    ACRONYM_FORM: ("it is not an acronym", "write 2 to 12 capital letters or digits, like CT or MRI"),
    FINGERPRINT_FORM: ("it is not a fingerprint careprint wrote", "remove it, and record the approval with "
                                                                  "careprint approve"),
}


def _what(value: object) -> str:
    """What an author wrote, described: 'the number 1.0', 'a list', 'nothing'."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (a yes/no value)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "keys and values"
    text = str(value)
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def _choices(expected: str) -> str:
    """"'draft' or 'approved'" -> "draft or approved"."""
    return re.sub(r"'([^']*)'", r"\1", expected)


def in_plain_words(kind: str, message: str, value: object, context: dict, fields: list[str]) -> tuple[str, str]:
    """(message, hint) for one schema error of this kind; our own validators' messages are kept as they are."""
    got = _what(value)
    if kind in ("string_type", "str_type"):
        if value is None:
            return "this is empty", "write the text here, or remove the key"
        return f"this should be text, but it is {got}", "put quotes around it, e.g. \"1.0\""
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"this should be a whole number, but it is {got}", "write a whole number, like 6"
    if kind in ("float_type", "float_parsing"):
        return f"this should be a number, but it is {got}", "write a number, like 12 or 12.5"
    if kind in ("bool_type", "bool_parsing"):
        return f"this should be true or false, but it is {got}", "write true or false"
    if kind.startswith("date_") or kind.startswith("datetime_"):
        return f"this should be a date, but it is {got}", "write a date as YYYY-MM-DD, like 2027-05-24"
    if kind == "literal_error":
        choices = _choices(str(context.get("expected", "")))
        return f"{got} is not one of the choices here: {choices}", "use one of them, spelled exactly so"
    if kind == "string_pattern_mismatch":
        what, hint = PATTERNS.get(str(context.get("pattern", "")), ("it is not in the form this key needs",
                                                                    "see the README for the form to use"))
        return f"{got}: {what}", hint
    if kind == "string_too_short":
        return "this is empty", "write something here, or remove the key"
    if kind == "string_too_long":
        length = len(value) if isinstance(value, str) else "too many"
        return (f"this text has {length} characters; at most {context.get('max_length')} fit here",
                "shorten it, or split it into two")
    if kind == "too_short":
        return (f"this list has {context.get('actual_length', 0)} items; it needs at least "
                f"{context.get('min_length')}", "add to it")
    if kind == "too_long":
        return (f"this list has {context.get('actual_length')} items; at most {context.get('max_length')} are "
                "allowed", "remove some, or move them into a section")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        like = f" (like {', '.join(f'{name}:' for name in fields[:3])})" if fields else ""
        return (f"this should be keys and values indented under it{like}, but it is {got}",
                "write each key on its own line, indented under this one")
    if kind == "list_type":
        return (f"this should be a list, but it is {got}", "write one item per line, each starting with '- '")
    if kind == "greater_than_equal":
        return f"this is {got}; it must be at least {context.get('ge')}", "use a larger number"
    if kind == "less_than_equal":
        return f"this is {got}; it must be at most {context.get('le')}", "use a smaller number"
    return message.removeprefix("Value error, "), ""
