"""The "html" stage: checks of a web-edition page careprint made, before it replaces the good copy on disk.

Why this module exists: no browser runs at build time, yet a page a patient opens on a phone must be whole, say
every word of the handout, declare its language, and load nothing from the network (a clinic's page must work
offline and must not tell a third party who reads about what). So the page is read back once, with Python's own
HTML tokenizer, into the few facts these checks need (read_html); each check reports careprint.problems.Problem
through the one registry (careprint.checks, stage "html"). A real browser with axe-core checks the same pages in
the tests (tests/browser.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .problems import Problem, on_page

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Elements whose address is fetched when the page is shown (an <a href> is followed only when the reader chooses).
LOADING = {"link", "script", "img", "style", "iframe", "frame", "embed", "object", "source", "audio", "video",
           "track", "image", "use", "input", "picture", "svg", "feimage", "body", "table", "td", "th"}
ADDRESS_ATTRIBUTES = ("src", "href", "srcset", "data", "poster", "background", "xlink:href", "action")
CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<url>.*?)(?P=q)\s*\)|@import\s+(?P<imp>['"][^'"]*['"])""", re.I | re.S)
HEADING = re.compile(r"h([1-6])")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    line: int


@dataclass
class ReadHtml:
    """What the checks need of one page, read once."""

    text: str = ""  # every word a reader is shown or told, white space collapsed (not the stylesheet)
    elements: list[Element] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)  # <style> contents and style="" attributes
    errors: list[str] = field(default_factory=list)  # where the page is not whole
    doctype: bool = False

    def all(self, *tags: str) -> list[Element]:
        return [e for e in self.elements if e.tag in tags]

    @property
    def headings(self) -> list[int]:
        return [int(m.group(1)) for e in self.elements if (m := HEADING.fullmatch(e.tag))]


@dataclass
class HtmlFacts:
    """What the manifest records of a web page, and the build's report says."""

    headings: int
    phone_links: int
    kilobytes: int


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.read = ReadHtml()
        self.stack: list[tuple[str, int]] = []
        self.words: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.read.doctype = self.read.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag, attrs) -> None:
        values = {name: value or "" for name, value in attrs}
        self.read.elements.append(Element(tag, values, self.getpos()[0]))
        if "style" in values:
            self.read.styles.append(values["style"])
        if tag not in VOID:
            self.stack.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag, attrs) -> None:
        self.read.elements.append(Element(tag, {name: value or "" for name, value in attrs}, self.getpos()[0]))

    def handle_endtag(self, tag) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            opened = f"<{self.stack[-1][0]}> opened on line {self.stack[-1][1]}" if self.stack else "nothing open"
            self.read.errors.append(f"line {self.getpos()[0]}: </{tag}> closes {opened}")
            if any(name == tag for name, _ in self.stack):  # recover: close up to the matching element
                while self.stack.pop()[0] != tag:
                    pass
            return
        self.stack.pop()

    def handle_data(self, data) -> None:
        if self.stack and self.stack[-1][0] == "style":
            self.read.styles.append(data)
        elif self.stack and self.stack[-1][0] == "script":
            self.read.errors.append(f"line {self.getpos()[0]}: a script; careprint's pages have none")
        else:
            self.words.append(data)


def read_html(html: str) -> ReadHtml:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    read = reader.read
    read.errors += [f"<{tag}> opened on line {line} is never closed" for tag, line in reader.stack]
    read.text = " ".join(" ".join(reader.words).split())
    return read


def facts_of(read: ReadHtml, size: int) -> HtmlFacts:
    phones = [e for e in read.all("a") if e.attrs.get("href", "").startswith("tel:")]
    return HtmlFacts(len(read.headings), len(phones), (size + 1023) // 1024)


# ---------------------------------------------------------------------------------------------------------------
# The checks (careprint.checks registers them, stage "html")


@dataclass
class HtmlSubject:
    read: ReadHtml
    expected: object  # careprint.checks.Expected: the texts and language the page must have


def whole(subject: HtmlSubject) -> list[Problem]:
    """The page parses as one whole document: a doctype, every element closed where it was opened."""
    found = [] if subject.read.doctype else ["the page has no <!DOCTYPE html>"]
    found += subject.read.errors[:5]
    return [on_page(None, f"the web page is not whole: {message}", "a template was changed: check its tags")
            for message in found]


def every_text(subject: HtmlSubject) -> list[Problem]:
    """Every text the handout prints, and careprint's words for its warning levels, are on the page."""
    page = subject.read.text
    missing = [text for text in subject.expected.texts if " ".join(text.split()) not in page]
    return [on_page(None, f"the web page does not show: \"{text[:80]}\"",
                    "a template leaves this text out of the web edition; every printed word must be on the page")
            for text in missing]


def language(subject: HtmlSubject) -> list[Problem]:
    """<html lang> is the handout's language; every lang attribute names a language."""
    html = subject.read.all("html")
    declared = html[0].attrs.get("lang", "") if html else ""
    found = []
    if declared != subject.expected.language:
        found.append(f"the page's language (<html lang>) is {declared or 'not given'!r}, "
                     f"the handout's is {subject.expected.language!r}")
    found += [f"line {e.line}: <{e.tag} lang> is empty" for e in subject.read.elements
              if "lang" in e.attrs and not e.attrs["lang"].strip()]
    return [on_page(None, message, "screen readers choose their voice from it") for message in found]


def _external(url: str) -> bool:
    """An address the browser would fetch: anything but data:, a fragment or nothing."""
    url = url.strip()
    return bool(url) and not url.startswith(("data:", "#"))


def self_contained(subject: HtmlSubject) -> list[Problem]:
    """Nothing is loaded from anywhere: every picture, font and stylesheet is inside the page (data: addresses).
    Links to sources (<a href>) are followed only when the reader chooses, so they are fine."""
    found = []
    for e in subject.read.elements:
        if e.tag not in LOADING and e.tag != "a":
            continue
        for name in ADDRESS_ATTRIBUTES:
            if name in e.attrs and (e.tag != "a" or name != "href") and _external(e.attrs[name]):
                found.append(f"line {e.line}: <{e.tag} {name}=\"{e.attrs[name][:60]}\">")
    for css in subject.read.styles:
        for match in CSS_URL.finditer(css):
            url = match.group("imp") or match.group("url")
            if match.group("imp") or _external(url):
                found.append(f"the stylesheet loads {url[:60]}")
    return [on_page(None, f"the web page would load a file: {message}",
                    "the web edition must work offline and load nothing: put the picture, font or stylesheet in "
                    "the project (careprint puts it inside the page)") for message in found]


def structure(subject: HtmlSubject) -> list[Problem]:
    """One <h1>, headings that never skip a level, one <main>, ids used once, aria-labelledby naming an id."""
    read, found = subject.read, []
    levels = read.headings
    if levels.count(1) != 1:
        found.append(f"the page has {levels.count(1)} <h1> headings; it must have exactly one, the title")
    found += [f"a heading <h{b}> follows <h{a}>: a level is skipped" for a, b in zip(levels, levels[1:]) if b > a + 1]
    if len(read.all("main")) != 1:
        found.append(f"the page has {len(read.all('main'))} <main> landmarks; it must have one")
    ids = [e.attrs["id"] for e in read.elements if "id" in e.attrs]
    found += [f"the id {name!r} is used more than once" for name in sorted({i for i in ids if ids.count(i) > 1})]
    found += [f"line {e.line}: aria-labelledby names {e.attrs['aria-labelledby']!r}, which no element has"
              for e in read.elements if "aria-labelledby" in e.attrs and
              any(name not in ids for name in e.attrs["aria-labelledby"].split())]
    return [on_page(None, f"the web page's structure: {message}", "screen readers find their way by it; check the "
                    "templates") for message in found]
