"""Builds are safe: content is text, nothing is fetched, nothing good is lost, and the bytes are reproducible."""

from __future__ import annotations

import hashlib
import http.server
import io
import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from careprint.cli import main

from .conftest import inside


def run_build(project: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    """Run a project copy's own make_pdfs.py, as a clinic would, in a fresh process."""
    return subprocess.run([sys.executable, str(project / "make_pdfs.py"), "--out", str(out), *extra],
                          cwd=project, capture_output=True, text=True, timeout=300)


def hashes(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*.pdf"))}


def test_markup_in_content_is_printed_as_text_never_interpreted(project_copy, tmp_path):
    handout = project_copy / "handouts" / "hypercalcemia.yaml"
    text = handout.read_text()
    hostile = ("<script>alert(1)</script> <img src='../../etc/passwd'> "
               "<link rel='attachment' href='../../etc/passwd'> <b>bold</b>")
    assert "It is not caused by the food you eat." in text
    text = text.replace("It is not caused by the food you eat.", f"Markup stays text: {hostile}.")
    handout.write_text(text)
    result = run_build(project_copy, tmp_path / "out", "--handout", "hypercalcemia", "--edition", "plain-language")
    assert result.returncode == 0, result.stderr
    data = (tmp_path / "out" / "plain-language" / "hypercalcemia.pdf").read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        printed = "".join("".join((p.extract_text() or "").split()) for p in pdf.pages)  # no white space
        assert not any(page.images for page in pdf.pages)
    assert "<script>alert(1)</script><imgsrc='../../etc/passwd'>" in printed
    assert "<b>bold</b>" in printed
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
        assert not pdf.attachments


class CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (the standard library's name)
        CountingHandler.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_no_request_reaches_a_server_named_in_content_or_templates(project_copy, tmp_path, capsys):
    server = http.server.HTTPServer(("127.0.0.1", 0), CountingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{server.server_port}/spine.png"
    try:
        # In content: refused when the handout is checked, before anything renders.
        handout = project_copy / "handouts" / "hypercalcemia.yaml"
        handout.write_text(handout.read_text() + f'      - image:\n          file: "{address}"\n'
                           '          alt: "The spine"\n')
        with inside(project_copy):
            assert main(["check", "--handouts", str(project_copy / "handouts")]) == 1
        assert "is a web address; careprint never fetches from the network" in capsys.readouterr().err
        # In a template or stylesheet: refused by the fetcher, and that PDF fails.
        handout.write_text(handout.read_text().split("      - image:")[0])
        template = project_copy / "templates" / "sections" / "key_messages.html.j2"
        template.write_text(template.read_text() + f'<img src="{address}" alt="remote">\n')
        style = project_copy / "styles" / "base.css"
        style.write_text(style.read_text() + f'\nbody {{ background-image: url("{address}"); }}\n')
        result = run_build(project_copy, tmp_path / "out", "--handout", "hypercalcemia", "--edition", "large-print")
        assert result.returncode == 1
        assert f"{address}: refused, the network is never used" in result.stderr
        assert not (tmp_path / "out" / "large-print" / "hypercalcemia.pdf").exists()
    finally:
        server.shutdown()
        server.server_close()
    assert CountingHandler.requests == []


def test_a_file_outside_the_project_named_in_a_template_is_refused(project_copy, tmp_path):
    template = project_copy / "templates" / "sections" / "key_messages.html.j2"
    template.write_text(template.read_text() + '<link rel="attachment" href="../../../../etc/hostname">\n')
    result = run_build(project_copy, tmp_path / "out", "--handout", "hypercalcemia", "--edition", "large-print")
    assert result.returncode == 1
    assert "etc/hostname: refused, only files inside the project may be used" in result.stderr
    assert not (tmp_path / "out" / "large-print" / "hypercalcemia.pdf").exists()


def test_font_addresses_reach_only_the_font_package(tmp_path):
    from careprint.render import make_fetcher

    fetcher = make_fetcher(tmp_path)
    regular = fetcher.fetch("font:atkinson-hyperlegible/AtkinsonHyperlegible-Regular.ttf").read()
    assert regular[:4] == b"\0\1\0\0"  # a TrueType font, from the package
    for url, why in [
        ("font:atkinson-hyperlegible/../../../../../../etc/hostname", "the file is outside the font package"),
        ("font:atkinson-hyperlegible//etc/hostname", "the file is outside the font package"),
        ("font:/etc/hostname", "careprint has no font folder ''"),
        ("font:other-family/Other.ttf", "careprint has no font folder 'other-family'"),
        ("file:///careprint/fonts/AtkinsonHyperlegible-Regular.ttf", "only files inside the project may be used"),
    ]:
        with pytest.raises(ValueError, match=re.escape(why)):
            fetcher.fetch(url)
    assert fetcher.served == {}  # font files are hashed with careprint's code, not listed as project files


def test_same_input_gives_the_same_bytes_from_two_folders(project_copy, tmp_path):
    import shutil

    second = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(project_copy, second)
    (project_copy / "images").mkdir(exist_ok=True)
    (second / "images").mkdir(exist_ok=True)
    for root in (project_copy, second):  # an image too: WeasyPrint names images after their address
        (root / "images" / "dot.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle cx="5" cy="5" r="4"/></svg>')
        handout = root / "handouts" / "hypercalcemia.yaml"
        handout.write_text(handout.read_text() + '      - image:\n          file: "images/dot.svg"\n'
                           '          alt: "A black dot"\n')
    first = run_build(project_copy, tmp_path / "out-a")
    again = run_build(second, tmp_path / "out-b")
    assert first.returncode == 0 and again.returncode == 0, first.stderr + again.stderr
    assert hashes(tmp_path / "out-a") == hashes(tmp_path / "out-b")
    assert len(hashes(tmp_path / "out-a")) == 6
    manifest_a = json.loads((tmp_path / "out-a" / "manifest.json").read_text())
    manifest_b = json.loads((tmp_path / "out-b" / "manifest.json").read_text())
    assert manifest_a == manifest_b


def test_a_failing_build_leaves_the_previous_pdfs_byte_identical(project_copy, tmp_path):
    out = tmp_path / "out"
    assert run_build(project_copy, out).returncode == 0
    before = hashes(out)
    manifest_before = (out / "manifest.json").read_bytes()
    # Break rendering for every PDF: a template names an image that does not exist.
    template = project_copy / "templates" / "sections" / "key_messages.html.j2"
    template.write_text(template.read_text() + '<img src="images/missing.png" alt="missing">\n')
    result = run_build(project_copy, out)
    assert result.returncode == 1
    assert "images/missing.png: refused, the file does not exist" in result.stderr
    # the PDFs and the web pages would show the missing picture; braille uses no template, so is up to date
    assert "0 of 9 files built" in result.stdout and "(3 up to date)" in result.stdout
    assert hashes(out) == before
    assert (out / "manifest.json").read_bytes() == manifest_before
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_one_handouts_failure_does_not_stop_the_others(project_copy, tmp_path):
    style = project_copy / "styles" / "large-print.css"
    style.write_text(style.read_text() + "\n.triage-label { font-size: 10pt; }\n")  # too small for large print
    result = run_build(project_copy, tmp_path / "out")
    assert result.returncode == 1
    assert "9 of 12 files built" in result.stdout  # the plain-language PDFs, the web pages and the braille files
    assert "below this edition's 18 pt minimum" in result.stderr
    assert sorted(hashes(tmp_path / "out")) == [
        "plain-language/bone-metastases.pdf", "plain-language/hypercalcemia.pdf",
        "plain-language/spinal-cord-compression.pdf"]
