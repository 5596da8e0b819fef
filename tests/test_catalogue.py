"""The catalogue page for staff (careprint.catalogue, careprint.thumbnails): out/index.html lists and links every file
in the manifest, with a picture of page 1 of each PDF and its review state in words, after every build (a whole
one, an incremental one, one that withdrew a handout, a merge of shards), byte for byte the same each time.

Every test opens the real files a build wrote. (The browser checks, axe-core in headless Chromium, come with the
shared browser harness, tests/browser.py.)
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pypdfium2
from PIL import Image

from careprint import approval, catalogue, thumbnails
from careprint.cli import main
from careprint.manifest import entry_problem

from .conftest import inside, make_project

DRAFT = "Not approved: draft, not yet approved for patient use"


class Page(HTMLParser):
    """What a reader of the page meets: its elements with their attributes, and the text of each table row."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.rows: list[str] = []
        self.text: list[str] = []
        self.headings: list[str] = []  # each h2: a handout's title
        self._row: list[str] | None = None
        self._open: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag == "tr":
            self._row = []
        if tag not in ("br", "img", "input", "meta"):
            self._open.append(tag)

    def handle_endtag(self, tag):
        if tag == "tr" and self._row is not None:
            self.rows.append(" ".join(" ".join(self._row).split()))
            self._row = None
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data):
        if self._open and self._open[-1] in ("script", "style"):
            return
        self.text.append(data)
        if self._open and self._open[-1] == "h2":
            self.headings.append(data)
        if self._row is not None:
            self._row.append(data)

    def all(self, tag: str, **wanted) -> list[dict]:
        return [attrs for name, attrs in self.elements if name == tag and
                all(attrs.get(key) == value for key, value in wanted.items())]

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def page_of(out: Path) -> Page:
    return Page((out / "index.html").read_text(encoding="utf-8"))


def listed(out: Path) -> dict[str, dict]:
    return {entry["path"]: entry for entry in json.loads((out / "manifest.json").read_text())["pdfs"]}


def links(out: Path) -> list[str]:
    return [attrs["href"] for attrs in page_of(out).all("a")]


def assert_lists_exactly_the_manifest(out: Path) -> None:
    """Every file in the manifest is linked once, every link opens a file there, every PDF shows its picture."""
    entries, page = listed(out), page_of(out)
    assert sorted(links(out)) == sorted(entries)
    for href in links(out):
        assert (out / href).is_file(), href
    pictures = [attrs["src"] for attrs in page.all("img")]
    assert sorted(pictures) == sorted(thumbnails.picture_path(path) for path in entries if path.endswith(".pdf"))
    for path, entry in entries.items():
        if path.endswith(".pdf"):  # a web page or a braille file has no picture
            assert thumbnails.source_of(out / thumbnails.picture_path(path)) == thumbnails.source(entry)
    on_disk = sorted(p.relative_to(out).as_posix() for p in (out / "thumbnails").rglob("*") if p.is_file())
    assert on_disk == sorted(pictures)


def build(content: Path, out: Path, *extra: str) -> int:
    return main(["--handouts", str(content), "--out", str(out), "--today", "2026-11-24", *extra])


# ---------------------------------------------------------------------------------------------------------------
# The page a build writes


def test_the_page_lists_and_links_every_file_in_the_manifest(built, manifest):
    assert_lists_exactly_the_manifest(built)
    page = page_of(built)
    assert page.all("html") == [{"lang": "en"}]
    assert len(page.all("h1")) == 1
    titles = {entry["handout"]: entry["title"] for entry in manifest["pdfs"]}
    assert titles == {"bone-metastases": "When cancer spreads to the bones",
                      "hypercalcemia": "High calcium in the blood",
                      "spinal-cord-compression": "Cancer pressing on the spinal cord"}
    for entry in manifest["pdfs"]:  # each row: its title's table, its pages, its state and its next review
        row = next(row for row in page.rows if entry["path"] in row)
        edition = {"large-print": "Large print", "plain-language": "Plain language", "web": "Web page",
                   "braille": "Braille-ready file"}[entry["edition"]]
        kind = {"pdf": "PDF", "html": "HTML", "brf": "BRF"}[entry["path"].rsplit(".", 1)[1]]
        pages = f", {entry['pages']} pages" if "pages" in entry else ""
        paper = " Letter paper" if kind == "PDF" else ""
        assert f"{edition} {kind}{pages}{paper} Version {entry['version']} {DRAFT} {entry['next_review']}" in row, row
    assert [attrs.get("scope") for attrs in page.all("th")][:7] == ["col"] * 7
    assert len(page.all("table")) == 3 and len(page.all("caption")) == 3
    assert f"Files of “{titles['hypercalcemia']}”" in page.words
    assert page.words.count(DRAFT) == len(manifest["pdfs"])


def test_each_pdf_has_a_picture_of_its_own_page_1(built, manifest):
    page = page_of(built)
    for entry in (entry for entry in manifest["pdfs"] if entry["path"].endswith(".pdf")):
        src = thumbnails.picture_path(entry["path"])
        img = page.all("img", src=src)[0]
        assert img["alt"].startswith(f"Page 1 of the PDF of “{entry['title']}”, ")
        picture = Image.open(built / src)
        assert picture.format == "PNG" and picture.width == thumbnails.WIDTH_PX
        assert (int(img["width"]), int(img["height"])) == (picture.width // 2, picture.height // 2)
        document = pypdfium2.PdfDocument(built / entry["path"])
        scale = thumbnails.WIDTH_PX / document[0].get_width()
        first, second = (document[n].render(scale=scale).to_pil().convert("RGB").tobytes() for n in (0, 1))
        document.close()
        assert picture.convert("RGB").tobytes() == first != second


def test_the_filter_box_is_labelled_and_shows_only_when_its_script_runs(built):
    page = page_of(built)
    assert page.all("label", **{"for": "filter-box"}) and page.all("input", id="filter-box", type="search")
    assert "hidden" in page.all("div", id="filter")[0]  # without the script, no box that does nothing
    html = (built / "index.html").read_text(encoding="utf-8")
    assert 'document.getElementById("filter").hidden = false' in html
    assert "http" not in html.replace('name="viewport"', "")  # nothing fetched: it opens from the folder
    searched = {attrs["aria-labelledby"]: attrs["data-search"] for attrs in page.all("section")}
    assert "high calcium in the blood" in searched["h-hypercalcemia"]
    assert "large print" in searched["h-hypercalcemia"] and "not approved: draft" in searched["h-hypercalcemia"]


# ---------------------------------------------------------------------------------------------------------------
# The page is made from the manifest alone: languages, formats and states careprint does not have yet


def _entry(path: str, title: str | None, language: str = "en", state: str = "draft", **more) -> dict:
    edition, name = path.split("/")
    entry = {"path": path, "handout": name.split(".")[0], "edition": edition, "language": language,
             "version": "1.1", "review_status": state, "next_review": "2027-05-24", "paper": "letter",
             "sha256": "0" * 64, "inputs": "0" * 64, "source": "handouts/x.yaml", "resources": {}, **more}
    if title is not None:
        entry["title"] = title
    return entry


def test_new_languages_formats_and_states_appear_with_no_change_to_the_code():
    entries = {e["path"]: e for e in [
        _entry("large-print/hypercalcemia.pdf", "High calcium in the blood", state="approved", pages=9),
        _entry("large-print/hypercalcemia.fr.pdf", "Trop de calcium dans le sang", "fr", "out-of-date", pages=10),
        _entry("web/hypercalcemia.html", "High calcium in the blood", state="changed"),
        _entry("braille/hypercalcemia.brf", "High calcium in the blood", state="unconfirmed", pages=31),
        _entry("large-print/old-handout.pdf", None, next_review="2026-01-01", pages=1),
        _entry("large-print/zz-sneaky.pdf", "<script>alert(1)</script>", pages=2),
    ]}
    html = catalogue.render_page(None, entries, datetime.date(2026, 11, 24), {}).decode("utf-8")
    page = Page(html)
    assert page.headings == ["<script>alert(1)</script>", "High calcium in the blood", "old-handout"]  # by title
    assert "<script>alert" not in html
    rows = [row for row in page.rows if "hypercalcemia" in row]
    assert [row.split()[-1] for row in rows] == [  # by language (the default first), edition, format
        "large-print/hypercalcemia.pdf", "web/hypercalcemia.html", "braille/hypercalcemia.brf",
        "large-print/hypercalcemia.fr.pdf"]
    assert "Version 1.1 Approved for patient use 2027-05-24" in rows[0] and "Not approved" not in rows[0]
    assert "BRF, 31 pages" in rows[2] and "Not approved: approval not confirmed for this text" in rows[2]
    assert "HTML Version 1.1" in rows[1] and "Letter paper" not in rows[1]  # paper is a PDF's
    assert "Not approved: changed since approval" in rows[1]
    assert "No picture (not a PDF)" in rows[1]
    assert "Trop de calcium dans le sang" in rows[3] and "Not approved: out-of-date" in rows[3]
    assert page.all("span", lang="fr")
    old = next(row for row in page.rows if "old-handout" in row)
    assert "PDF, 1 page" in old and "2026-01-01 Review overdue" in old
    assert "Handouts: 3. Files: 6." in page.words


def test_an_older_manifest_without_titles_is_still_read_and_a_title_must_be_text():
    entry = _entry("large-print/hypercalcemia.pdf", None, pages=9, smallest_glyph_pt=18)
    assert entry_problem(entry) is None
    assert entry_problem({**entry, "title": 5}) == "'title' has a bad value (int)"
    assert entry_problem({**entry, "title": "High calcium in the blood"}) is None


# ---------------------------------------------------------------------------------------------------------------
# Every build keeps it exact


def test_the_page_and_pictures_are_rewritten_only_when_their_bytes_change(content, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(content, out) == 0
    files = sorted([out / "index.html", *(out / "thumbnails").rglob("*.png")])
    first = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files}
    assert len(files) == 7
    assert build(content, out) == 0  # nothing to do: nothing written
    assert {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files} == first
    assert build(content, out, "--force") == 0  # every PDF made again: the same bytes, so not written
    assert {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files} == first
    (out / "index.html").unlink()
    (out / "thumbnails" / "large-print" / "hypercalcemia.png").unlink()
    capsys.readouterr()
    assert build(content, out) == 0  # the page is made again, and no PDF
    assert f"0 of 0 files built in {out}/ (12 up to date); manifest: {out / 'manifest.json'}; catalogue: " \
           f"{out / 'index.html'}" in capsys.readouterr().out
    assert {path: path.read_bytes() for path in files} == {path: data for path, (data, _) in first.items()}


def test_an_incremental_build_and_a_withdrawn_handout_keep_the_page_exact(content, tmp_path):
    out = tmp_path / "out"
    assert build(content, out) == 0
    pictures = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (out / "thumbnails").rglob("*.png")}
    handout = content / "hypercalcemia.yaml"
    handout.write_text(handout.read_text().replace("title: High calcium in the blood", "title: Too much calcium"))
    assert build(content, out) == 0
    assert_lists_exactly_the_manifest(out)
    assert "Too much calcium" in page_of(out).words and "High calcium in the blood" not in page_of(out).words
    redrawn = sorted(p.relative_to(out).as_posix() for p, (data, mtime) in pictures.items()
                     if p.stat().st_mtime_ns != mtime)
    assert redrawn == ["thumbnails/large-print/hypercalcemia.png", "thumbnails/plain-language/hypercalcemia.png"]
    assert all(p.read_bytes() != data for p, (data, _) in pictures.items() if "hypercalcemia" in p.name)

    (content / "bone-metastases.yaml").unlink()
    (out / "thumbnails" / "large-print" / "notes.png").write_bytes(b"a picture staff put here")
    assert build(content, out) == 0
    assert_lists_exactly_the_manifest_but(out, "thumbnails/large-print/notes.png")
    assert "bone" not in (out / "index.html").read_text(encoding="utf-8")
    assert not list(out.rglob("bone-metastases*"))


def assert_lists_exactly_the_manifest_but(out: Path, theirs: str) -> None:
    """As assert_lists_exactly_the_manifest, with a file careprint did not make left alone in thumbnails/."""
    (out / theirs).rename(out.parent / "theirs")
    try:
        assert_lists_exactly_the_manifest(out)
    finally:
        (out.parent / "theirs").rename(out / theirs)


def test_the_page_says_when_a_file_is_approved_or_changed_since(tmp_path, capsys):
    with inside(make_project(tmp_path / "project")) as root:
        out = tmp_path / "out"
        assert main(["approve", "hypercalcemia", "--by", "Dr. Ana Chen", "--on", "2026-11-03",
                     "--today", "2026-11-24"]) == 0
        assert main(["--out", str(out), "--handout", "hypercalcemia", "--edition", "large-print",
                     "--today", "2026-11-24"]) == 0
        row = page_of(out).rows[1]
        assert "large-print/hypercalcemia.pdf" in row and "Approved for patient use" in row
        assert "Not approved" not in row
        handout = root / "handouts" / "hypercalcemia.yaml"
        handout.write_text(handout.read_text().replace("found early.", "found early on."))
        capsys.readouterr()
        assert main(["--out", str(out), "--handout", "hypercalcemia", "--edition", "large-print",
                     "--today", "2026-11-24"]) == 0
        assert listed(out)["large-print/hypercalcemia.pdf"]["review_status"] == approval.CHANGED
        assert "Not approved: changed since approval, not the approved text" in page_of(out).rows[1]


def test_merging_shards_writes_the_page(content, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(content, out, "--shard", "1/2") == 0
    assert build(content, out, "--shard", "2/2") == 0
    assert not (out / "index.html").exists()  # a shard's manifest is not the folder's
    assert main(["merge-manifests", str(out)]) == 0
    assert capsys.readouterr().out.endswith(f"catalogue: {out / 'index.html'}\n")
    assert_lists_exactly_the_manifest(out)


def test_a_link_out_of_the_folder_gets_no_picture(content, tmp_path, capsys):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "thumbnails").mkdir(parents=True)
    os.symlink(elsewhere, out / "thumbnails" / "large-print")
    assert build(content, out, "--edition", "large-print") == 0
    assert list(elsewhere.iterdir()) == []
    assert "is a link that leads out of" in capsys.readouterr().err
    assert sorted(links(out)) == sorted(listed(out)) and page_of(out).all("img") == []


def test_a_listed_file_that_cannot_be_drawn_is_listed_without_a_picture(content, tmp_path, capsys):
    out = tmp_path / "out"
    assert build(content, out, "--edition", "large-print") == 0
    body = json.loads((out / "manifest.json").read_text())
    stranger = b"not a PDF, though a manifest says so"
    (out / "large-print" / "stranger.pdf").write_bytes(stranger)
    body["pdfs"].append({**body["pdfs"][0], "path": "large-print/stranger.pdf", "handout": "stranger",
                         "title": "Stranger", "sha256": hashlib.sha256(stranger).hexdigest()})
    (out / "manifest.json").write_text(json.dumps(body))
    capsys.readouterr()
    assert build(content, out, "--edition", "large-print") == 0
    assert "large-print/stranger.pdf could not be drawn for the catalogue page" in capsys.readouterr().err
    assert "large-print/stranger.pdf" in links(out) and not (out / "thumbnails/large-print/stranger.png").exists()
    assert len(page_of(out).all("img")) == 3
