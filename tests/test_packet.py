"""Discharge packets, quick-reference cards, clinic settings and the QR code.

A packet is one PDF for one patient: a cover listing the handouts with the packet page each starts on, then each
handout starting on an odd (right-hand) page, exactly as its single PDF. The patient's name goes into that PDF and
nowhere else. The QR code is read back from the rendered page with a real decoder (zxing-cpp).
"""

from __future__ import annotations

import io
import json
import logging
import re
import tempfile
from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2
import pytest
import zxingcpp

from careprint.cli import main
from careprint.library import load_library
from careprint.model import Clinic
from careprint.problems import ContentError
from careprint.project import EDITIONS, ROOT, Project
from careprint.qr import qr_code, qr_svg, shown_address

from .conftest import FIXTURE, HANDOUT_IDS, TEST_CLINIC, fixture_text, write

FIXTURES = TEST_CLINIC.parent
CLINIC_PAGE = "https://clinic.example.org/patients"
# A name no handout, template or fixture contains, so finding it anywhere means it leaked. Built from pieces so
# that not even this file holds it.
PATIENT = "".join(["Quil", "lon Vander", "meer-Osei"])
APPOINTMENT = "".join(["Thursday 9 Octo", "ber at 10:30, Room 4B"])
COVER_TITLE = "Information for you to keep"
BLANK = "This page is left blank on purpose."


def page_texts(data: bytes, content_only: bool = False) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = pdf.pages
        if content_only:
            pages = [p.filter(lambda o: o.get("object_type") != "char" or o.get("tag") != "Artifact") for p in pages]
        return [" ".join((p.extract_text() or "").split()) for p in pages]


def outline(data: bytes) -> list[tuple[str, int, list[str]]]:
    """(title, 1-based page, child titles) for each top-level bookmark."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        with pdf.open_outline() as tree:
            return [(item.title, pages[item.destination[0].objgen], [child.title for child in item.children])
                    for item in tree.root]


def decode_qr_codes(data: bytes, page_number: int) -> list[str]:
    """Render one page at 200 dpi, as a phone camera would see the print, and read every QR code on it."""
    document = pypdfium2.PdfDocument(data)
    try:
        image = document[page_number - 1].render(scale=200 / 72).to_pil()
    finally:
        document.close()
    return [result.text for result in zxingcpp.read_barcodes(image) if result.format == zxingcpp.BarcodeFormat.QRCode]


@pytest.fixture(scope="module")
def single(tmp_path_factory) -> Path:
    """Each handout on its own in large print, with the test clinic's settings: the packet must match these."""
    out = tmp_path_factory.mktemp("single")
    assert main(["--out", str(out), "--edition", "large-print", "--clinic", str(TEST_CLINIC)]) == 0
    return out


@pytest.fixture(scope="module")
def packet_run(tmp_path_factory):
    """One packet of all three handouts for one named patient, with everything it printed and logged."""
    folder = tmp_path_factory.mktemp("packet")
    out = folder / "packet.pdf"
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    root = logging.getLogger()
    handler = Keep(level=logging.DEBUG)
    root.addHandler(handler)
    previous_level = root.level
    root.setLevel(logging.DEBUG)
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        import contextlib

        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(["packet", *HANDOUT_IDS, "--edition", "large-print", "--out", str(out),
                         "--clinic", str(TEST_CLINIC), "--for", PATIENT, "--appointment", APPOINTMENT])
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)
    assert code == 0, stderr.getvalue()
    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in records)
    return {"folder": folder, "pdf": out.read_bytes(), "stdout": stdout.getvalue(), "stderr": stderr.getvalue(),
            "logged": logged}


@pytest.fixture(scope="module")
def packet(packet_run) -> bytes:
    return packet_run["pdf"]


# --- the packet -----------------------------------------------------------------------------------------------

def test_each_handout_starts_on_an_odd_page_and_keeps_its_own_pages(packet, single):
    bookmarks = outline(packet)
    assert [title for title, _, _ in bookmarks][0] == COVER_TITLE
    starts = {title: page for title, page, _ in bookmarks[1:]}
    assert len(starts) == 3 and all(page % 2 == 1 for page in starts.values()), starts

    manifest = json.loads((single / "manifest.json").read_text())
    single_pages = {entry["handout"]: entry["pages"] for entry in manifest["pdfs"]}
    library = load_library(Project(root=FIXTURE, clinic_file=TEST_CLINIC))
    titles = {item.handout.id: item.handout.title for item in library.handouts}
    expected_page = 3  # the cover, then its blank back
    for handout_id in HANDOUT_IDS:
        assert starts[titles[handout_id]] == expected_page
        expected_page += single_pages[handout_id]
        expected_page += expected_page % 2 == 0  # a blank back page before the next handout
    last = HANDOUT_IDS[-1]
    total = starts[titles[last]] + single_pages[last] - 1
    with pikepdf.open(io.BytesIO(packet)) as pdf:
        assert len(pdf.pages) == total


def test_bookmarks_for_the_cover_and_each_handout_with_its_sections(packet):
    bookmarks = outline(packet)
    assert bookmarks[0][:2] == (COVER_TITLE, 1)
    library = load_library(Project(root=FIXTURE, clinic_file=TEST_CLINIC))
    assert [title for title, _, _ in bookmarks[1:]] == [item.handout.title for item in library.handouts]
    for (_, _, children), item in zip(bookmarks[1:], library.handouts):
        headings = [section.heading for section in item.handout.sections]
        assert children[:2] == ["Emergency: get help now", "The most important things to know"]
        assert [child for child in children if child in headings] == headings


def cover_text(data: bytes) -> str:
    """The cover: the pages before the first handout (a long list of contents may go on over the page)."""
    first = outline(data)[1][1]
    return " ".join(text for text in page_texts(data)[:first - 1] if BLANK not in text)


def test_cover_lists_the_handouts_with_the_pages_they_start_on(packet):
    cover = cover_text(packet)
    assert COVER_TITLE in cover and "Example Test Clinic" in cover
    for title, page, _ in outline(packet)[1:]:
        found = re.search(re.escape(title) + r" page (\d+)", cover)
        assert found, (title, cover)
        assert int(found.group(1)) == page


def test_pages_are_numbered_inside_each_handout_and_through_the_packet(packet):
    texts = page_texts(packet)
    bookmarks = outline(packet)
    starts = [page for _, page, _ in bookmarks[1:]] + [len(texts) + 1]
    for number, text in enumerate(texts, start=1):
        assert f"Packet page {number} of {len(texts)}" in text
    for start, following in zip(starts, starts[1:]):
        pages = [texts[n - 1] for n in range(start, following)]
        if BLANK in pages[-1]:
            pages = pages[:-1]
        for index, text in enumerate(pages, start=1):
            assert f"Page {index} of {len(pages)}" in text, (start, index)


def test_blank_back_pages_say_so_in_words(packet):
    texts = page_texts(packet, content_only=True)
    blanks = [n for n, text in enumerate(texts, start=1) if BLANK in text]
    # (blank backs come after a cover or handout of an odd number of pages; there may be none)
    starts = {page for _, page, _ in outline(packet)}
    for number in blanks:
        assert number % 2 == 0 and number + 1 in starts
        assert texts[number - 1] == BLANK
    assert all(text for text in texts), "a page is empty without saying so"


def test_packet_is_verified_like_a_single_handout(packet):
    from careprint.verify import verify_file

    path = Path(tempfile.mkdtemp()) / "packet.pdf"
    path.write_bytes(packet)
    facts, problems = verify_file(path, EDITIONS["large-print"])  # every PDF-stage check, the 18 pt minimum too
    assert problems == []
    assert facts.language == "en" and facts.title == COVER_TITLE
    with pikepdf.open(io.BytesIO(packet)) as pdf:
        assert bool(pdf.Root.MarkInfo.Marked) and "/StructTreeRoot" in pdf.Root
        assert "/AcroForm" not in pdf.Root  # no --fillable: plain lines


def test_patient_details_are_on_the_cover_and_nowhere_else(packet_run, project_root):
    cover = page_texts(packet_run["pdf"])[0]  # page 1: the details, what to do in an emergency, the number
    assert PATIENT in cover and APPOINTMENT in cover
    assert "555-0100 (Clinic desk, weekdays)" in cover  # the care team's number, from the clinic settings
    with pikepdf.open(io.BytesIO(packet_run["pdf"])) as pdf:
        metadata = str(pdf.open_metadata()) + repr(dict(pdf.docinfo))
    assert PATIENT not in metadata and APPOINTMENT not in metadata

    secrets = [PATIENT, APPOINTMENT, PATIENT.split()[0], PATIENT.split()[1].split("-")[0]]
    for stream in ("stdout", "stderr", "logged"):
        assert not any(secret in packet_run[stream] for secret in secrets), stream
    # No other file, in the output folder, in the project it was made in (and run from) or in careprint's own
    # folders, holds them (as UTF-8 or UTF-16 text).
    patterns = [s.encode(encoding) for s in secrets for encoding in ("utf-8", "utf-16-le", "utf-16-be")]
    written = [p for p in packet_run["folder"].rglob("*") if p.is_file() and p.name != "packet.pdf"]
    project = [p for folder in (project_root, ROOT / "careprint", ROOT / "templates", ROOT / "styles")
               for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert len(project) > 50
    for path in written + project:
        data = path.read_bytes()
        assert not any(pattern in data for pattern in patterns), path
    # No manifest, no cache; only the (empty) lock file the packet takes while it writes into the folder.
    assert sorted(p.name for p in packet_run["folder"].iterdir()) == [".careprint.lock", "packet.pdf"]
    assert (packet_run["folder"] / ".careprint.lock").stat().st_size == 0


def test_patient_details_never_appear_in_a_repr_or_a_problem_message():
    from careprint.packet import Patient, _withhold
    from careprint.problems import on_page

    patient = Patient(name=PATIENT, appointment=APPOINTMENT)
    assert PATIENT not in repr(patient) and APPOINTMENT not in repr(patient)
    problem = _withhold(on_page(1, f'<p class="cover-value"> runs past its box: "{PATIENT}"'), patient)
    assert PATIENT not in str(problem) and "(patient detail)" in str(problem)


def test_same_packet_same_bytes(tmp_path):
    runs = []
    for run in ("first", "second"):
        out = tmp_path / run / "packet.pdf"
        assert main(["packet", "hypercalcemia", "--edition", "plain-language", "--out", str(out),
                     "--clinic", str(TEST_CLINIC), "--fillable"]) == 0
        runs.append(out.read_bytes())
    assert runs[0] == runs[1]


def test_patient_details_are_not_repeated_in_an_error(tmp_path, capsys):
    too_long = "Q" * 121
    assert main(["packet", "hypercalcemia", "--out", str(tmp_path / "p.pdf"), "--for", too_long]) == 2
    captured = capsys.readouterr()
    assert "--for is longer than 120 characters" in captured.err
    assert too_long not in captured.out + captured.err
    assert not (tmp_path / "p.pdf").exists()


@pytest.mark.parametrize("argv,message", [
    (["packet", "no-such-handout"], "no handout with id no-such-handout"),
    (["packet", "hypercalcemia", "hypercalcemia"], "named more than once"),
])
def test_packet_usage_mistakes_are_explained(tmp_path, capsys, argv, message):
    assert main(argv + ["--out", str(tmp_path / "p.pdf")]) == 2
    assert message in capsys.readouterr().err


def test_packet_out_must_be_a_pdf_file(tmp_path, capsys):
    assert main(["packet", "hypercalcemia", "--out", str(tmp_path)]) == 2
    assert "must name the packet's PDF file" in capsys.readouterr().err


def test_a_clinic_without_numbers_gives_write_in_lines_never_a_number(tmp_path):
    out = tmp_path / "packet.pdf"
    assert main(["packet", "hypercalcemia", "--edition", "plain-language", "--out", str(out)]) == 0
    data = out.read_bytes()
    cover = page_texts(data)[0]
    assert "Your care team's phone number" in cover
    digits = [w for w in " ".join(page_texts(data)).split() if sum(ch.isdigit() for ch in w) >= 7]
    assert digits == []
    assert len(outline(data)) == 2  # the cover and the one handout, which starts on page 3
    assert outline(data)[1][1] == 3


# --- the fillable cover ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fillable(tmp_path_factory) -> bytes:
    out = tmp_path_factory.mktemp("fillable") / "packet.pdf"
    assert main(["packet", "hypercalcemia", "--out", str(out), "--fillable",
                 "--clinic", str(FIXTURES / "no-numbers.yaml")]) == 0
    return out.read_bytes()


def test_fillable_cover_has_labelled_form_fields(fillable):
    with pikepdf.open(io.BytesIO(fillable)) as pdf:
        fields = {str(f.T): str(f.get("/TU", "")) for f in pdf.Root.AcroForm.Fields}
        first_page = pdf.pages[0].objgen
        on_cover = all(f.P.objgen == first_page for f in pdf.Root.AcroForm.Fields)
        fonts = {str(f.BaseFont).split("+")[-1] for f in pdf.Root.AcroForm.DR.Font.values()}
    assert fields == {
        "patient-name": "Your name",
        "date": "Today's date",
        "next-appointment": "Your next appointment",
        "care-team-phone": "Your care team's phone number",
    }
    assert on_cover
    assert fonts <= {"Atkinson-Hyperlegible", "Atkinson-Hyperlegible-Bold"}


def test_fillable_fields_print_a_line_to_write_on_when_left_blank(fillable):
    """Rendered without the form layer, as a printer that ignores fields would: each field still shows its line."""
    with pikepdf.open(io.BytesIO(fillable)) as pdf:
        height = float(pdf.pages[0].MediaBox[3])
        rects = [[float(v) for v in f.Rect] for f in pdf.Root.AcroForm.Fields]
    scale = 2.0
    document = pypdfium2.PdfDocument(fillable)
    try:
        image = document[0].render(scale=scale, may_draw_forms=False).to_pil().convert("L")
    finally:
        document.close()
    for x0, y0, x1, y1 in rects:
        left, right = int(min(x0, x1) * scale) + 4, int(max(x0, x1) * scale) - 4
        bottom = int((height - min(y0, y1)) * scale)
        rows = range(bottom - 6, bottom + 6)
        dark = max(sum(image.getpixel((x, y)) < 100 for x in range(left, right)) for y in rows)
        assert dark > 0.9 * (right - left), (x0, y0)


def test_fillable_cover_prints_given_details_as_text(tmp_path):
    out = tmp_path / "packet.pdf"
    assert main(["packet", "hypercalcemia", "--out", str(out), "--fillable", "--for", PATIENT,
                 "--clinic", str(TEST_CLINIC)]) == 0
    with pikepdf.open(out) as pdf:
        fields = {str(f.T) for f in pdf.Root.AcroForm.Fields}
    assert fields == {"date", "next-appointment"}  # name and phone are printed, so they show on every printer
    assert PATIENT in page_texts(out.read_bytes())[0]


# --- the QR code -----------------------------------------------------------------------------------------------

def read_more_address(handout_id: str) -> str:
    library = load_library(Project(root=FIXTURE))
    handout = library.by_id[handout_id].handout
    return next(s.address for s in library.sources_of(handout) if s.id == handout.read_more)


def test_qr_code_opens_the_page_most_about_the_handouts_topic(single):
    # Each handout names its own "read more" source, even when the clinic has a page of its own.
    data = (single / "large-print" / "hypercalcemia.pdf").read_bytes()
    texts = page_texts(data)
    pages = [n for n, text in enumerate(texts, start=1) if "Read more online" in text]
    assert len(pages) == 1
    address = read_more_address("hypercalcemia")
    assert "cancer.ca" in address and "calcium" in address
    assert decode_qr_codes(data, pages[0]) == [address]
    assert "".join(shown_address(address).split()) in "".join(texts[pages[0] - 1].split())


def test_qr_codes_in_the_packet_each_open_their_handouts_page(packet):
    texts = page_texts(packet)
    pages = [n for n, text in enumerate(texts, start=1) if "Read more online" in text]
    assert len(pages) == 3
    found = [code for page in pages for code in decode_qr_codes(packet, page)]
    assert found == [read_more_address(handout_id) for handout_id in HANDOUT_IDS]
    assert len(set(found)) == 3  # not the same page for every handout


def without_read_more(tmp_path, sources: str | None = None) -> Path:
    handouts = tmp_path / "handouts"
    text = fixture_text("handouts", "hypercalcemia.yaml")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("read_more:")) + "\n"
    if sources:
        start = text.index("sources: [")
        end = text.index("]", start) + 1
        text = text[:start] + f"sources: [{sources}]" + text[end:]
    write(handouts / "hypercalcemia.yaml", text)
    return handouts


def test_without_read_more_the_clinic_page_is_used(tmp_path):
    handouts = without_read_more(tmp_path)
    assert main(["--handouts", str(handouts), "--out", str(tmp_path / "out"), "--edition", "large-print",
                 "--clinic", str(TEST_CLINIC)]) == 0
    data = (tmp_path / "out" / "large-print" / "hypercalcemia.pdf").read_bytes()
    pages = [n for n, text in enumerate(page_texts(data), start=1) if "Read more online" in text]
    assert decode_qr_codes(data, pages[0]) == [CLINIC_PAGE]


def test_without_read_more_or_a_clinic_page_the_first_source_with_an_address_is_used(tmp_path):
    handouts = without_read_more(tmp_path)
    assert main(["--handouts", str(handouts), "--out", str(tmp_path / "out"), "--edition", "large-print"]) == 0
    library = load_library(Project(root=FIXTURE, handouts_dir=handouts))
    address = next(s.address for s in library.sources_of(library.by_id["hypercalcemia"].handout) if s.address)
    data = (tmp_path / "out" / "large-print" / "hypercalcemia.pdf").read_bytes()
    texts = page_texts(data)
    pages = [n for n, text in enumerate(texts, start=1) if "Read more online" in text]
    assert [code for page in pages for code in decode_qr_codes(data, page)] == [address]
    assert "".join(shown_address(address).split()) in "".join(texts[pages[0] - 1].split())
    assert shown_address(address) == address.split("://", 1)[1]  # only the scheme is dropped, never the path


def test_no_address_no_qr_code(tmp_path):
    # A handout whose sources have no address, with a clinic without a page: no code, no "read more" section.
    handouts = without_read_more(tmp_path, "cruk-hypercalcaemia")
    assert main(["--handouts", str(handouts), "--out", str(tmp_path / "out"), "--edition", "large-print"]) == 0
    data = (tmp_path / "out" / "large-print" / "hypercalcemia.pdf").read_bytes()
    assert not any("Read more online" in text for text in page_texts(data))
    assert all(decode_qr_codes(data, n) == [] for n in range(1, len(page_texts(data)) + 1))


def test_qr_code_has_alt_text_and_is_reproducible():
    svg = str(qr_svg(CLINIC_PAGE, "QR code that opens the web page clinic.example.org/patients"))
    assert "<title>QR code that opens the web page clinic.example.org/patients</title>" in svg
    assert svg == str(qr_svg(CLINIC_PAGE, "QR code that opens the web page clinic.example.org/patients"))
    assert "width=" not in svg.split(">", 1)[0]  # sized by the stylesheet
    assert qr_code(CLINIC_PAGE).error == "M"


# --- the card --------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module", params=["clinic without numbers", "test clinic"])
def cards(tmp_path_factory, request) -> Path:
    """Cards with unset settings (write-in lines) and with a clinic that prints a logo, a name and numbers."""
    out = tmp_path_factory.mktemp("cards")
    clinic = ["--clinic", str(TEST_CLINIC)] if request.param == "test clinic" else []
    assert main(["card", "hypercalcemia", "spinal-cord-compression", "--out", str(out), *clinic]) == 0
    return out


@pytest.mark.parametrize("handout", ["hypercalcemia", "spinal-cord-compression"])
def test_card_is_one_page_of_urgent_signs_in_large_print(cards, handout):
    data = (cards / "card" / f"{handout}.pdf").read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 1
        sizes = [c["size"] for c in pdf.pages[0].chars if c["text"].strip()]
    assert min(sizes) >= 18.0 - 0.01
    text = page_texts(data)[0]
    library = load_library(Project(root=FIXTURE))
    item = next(i for i in library.handouts if i.handout.id == handout)
    for sign in item.handout.urgent_signs():
        assert sign in text
    assert "Draft, not yet approved for patient use." in text
    assert "The most important things to know" not in text  # the triage block alone
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert str(pdf.Root.Lang) == "en" and bool(pdf.Root.MarkInfo.Marked)
        assert str(pdf.open_metadata()["dc:title"]).startswith("When to get help: ")


def test_cards_are_listed_in_the_manifest(cards):
    manifest = json.loads((cards / "manifest.json").read_text())
    listed = {(e["edition"], e["handout"], e["pages"]) for e in manifest["pdfs"]}
    assert listed == {("card", "hypercalcemia", 1), ("card", "spinal-cord-compression", 1)}


def test_a_card_that_does_not_fit_one_page_is_not_written(tmp_path, capsys):
    # bone-metastases lists 16 urgent signs: too many for one page at 18 pt.
    assert main(["card", "bone-metastases", "--out", str(tmp_path)]) == 1
    assert "a card must fit on one page at 18 pt" in capsys.readouterr().err
    assert not (tmp_path / "card" / "bone-metastases.pdf").exists()


# --- clinic settings -----------------------------------------------------------------------------------------

def test_clinic_settings_old_form_still_works():
    clinic = load_library(Project(root=FIXTURE, clinic_file=FIXTURES / "legacy.yaml")).clinic
    assert clinic.phones.day.number == "555-0100" and clinic.phones.day.label == "Daytime"
    assert clinic.phones.after_hours.number is None and clinic.phones.emergency.number is None
    assert clinic.logo is None and clinic.website is None


def test_clinic_settings_left_null_invent_nothing():
    assert "name: null" in fixture_text("clinic.yaml")  # the settings careprint ships, before a clinic fills them in
    clinic = load_library(Project(root=FIXTURE)).clinic
    assert clinic == Clinic()


def test_clinic_labels_and_numbers_are_printed(single):
    text = " ".join(page_texts((single / "large-print" / "spinal-cord-compression.pdf").read_bytes()))
    assert "Clinic desk, weekdays: 555-0100" in text
    assert "After hours: 555-0199" in text
    assert "Urgent oncology line: 555-0111" in text
    # The emergency signs name the clinic's urgent line; 911 is still printed.
    assert "Call your care team right away, day or night. Urgent oncology line: 555-0111" in text
    assert "go to the nearest emergency department or call 911" in text


def test_clinic_logo_is_a_figure_with_alt_text(single):
    data = (single / "large-print" / "hypercalcemia.pdf").read_bytes()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        alts = []
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/Figure":
                    alts.append(str(node.get("/Alt", "")))
                kids = node.get("/K")
                stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else [])
    assert "Example Test Clinic logo, a blue circle" in alts
    assert "QR code that opens the web page cancer.ca/en/treatments/side-effects/high-calcium-levels" in alts


@pytest.mark.parametrize("logo,message", [
    ("images/no-such-logo.png", "image file 'images/no-such-logo.png' not found"),
    ("https://example.org/logo.png", "is a web address"),
    ("../logo.png", "is outside the project"),
])
def test_clinic_logo_must_be_a_file_in_the_project(tmp_path, logo, message):
    clinic = write(tmp_path / "clinic.yaml", f"name: Example Test Clinic\nlogo:\n  file: {logo}\n  alt: A logo\n")
    with pytest.raises(ContentError) as caught:
        load_library(Project(root=FIXTURE, clinic_file=clinic))
    problems = [p for p in caught.value.problems if p.key == "logo.file"]
    assert problems and message in problems[0].message and problems[0].line == 3


def test_clinic_website_must_be_a_web_address(tmp_path):
    clinic = write(tmp_path / "clinic.yaml", "website: clinic.example.org\n")
    with pytest.raises(ContentError) as caught:
        load_library(Project(root=FIXTURE, clinic_file=clinic))
    assert [p.key for p in caught.value.problems] == ["website"]


def test_without_an_emergency_line_the_emergency_signs_give_the_after_hours_number_too(tmp_path):
    # Emergencies happen at night: with only day and after-hours numbers, both are printed on the card (once,
    # under its title: the card is one page).
    clinic = write(tmp_path / "clinic.yaml", 'name: Example Test Clinic\nphones:\n  day: "555-0100"\n'
                                             '  after_hours: "555-0199"\n')
    assert main(["card", "spinal-cord-compression", "--out", str(tmp_path / "out"), "--clinic", str(clinic)]) == 0
    text = " ".join(" ".join(page_texts((tmp_path / "out" / "card" / "spinal-cord-compression.pdf")
                                        .read_bytes())).split())
    assert "Daytime: 555-0100" in text and "After hours: 555-0199" in text
    assert "Call your care team right away, day or night." in text
