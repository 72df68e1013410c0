"""Scanned PDFs: a PDF without a text layer is read with text recognition (tesseract)."""

import io
import shutil

import pytest
from PIL import Image, ImageDraw, ImageFont

from koers.importers import import_document
from koers.importers.readers import ocr, read_document

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LINES = [
    "Meerjarenplan Gemeente Voorbeeld",
    "",
    "Doelstelling 1 Een groene gemeente",
    "",
    "Actie 1.1 Bomen planten in het park",
    "",
    "Actie 1.2 Geveltuinen aanleggen",
]


def scanned_pdf(lines=LINES, pages=1) -> bytes:
    """A PDF whose pages are images of invented text: no text layer at all."""
    font = ImageFont.truetype(FONT, 34)
    images = []
    for _ in range(pages):
        image = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
        draw = ImageDraw.Draw(image)
        for number, line in enumerate(lines):
            draw.text((120, 150 + number * 60), line, fill=0, font=font)
        images.append(image.convert("RGB"))
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=150, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def test_the_scan_has_no_text_layer():
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(scanned_pdf()))
    assert [page.extract_text().strip() for page in reader.pages] == [""]


@pytest.mark.skipif(
    not ocr.available(), reason="tesseract-ocr or pdftoppm is not installed on this machine"
)
def test_a_scanned_pdf_is_read_with_text_recognition():
    notes = []
    _fmt, lines = read_document(scanned_pdf(), "scan.pdf", notes=notes)
    assert [line.text for line in lines] == [line for line in LINES if line]
    assert {line.source.page for line in lines} == {1}

    result = import_document(scanned_pdf(), "scan.pdf")
    titles = [item.title for _depth, item in result.draft.walk()]
    assert any("Een groene gemeente" in title for title in titles)
    assert [(w.code, w.params) for w in result.warnings if w.code.startswith("ocr")] == [
        ("ocr_used", {"count": 1})
    ]
    assert "no_text" not in [w.code for w in result.warnings]


@pytest.mark.skipif(
    not ocr.available(), reason="tesseract-ocr or pdftoppm is not installed on this machine"
)
def test_text_recognition_stops_at_the_time_limit(monkeypatch):
    from koers.importers import ImportLimits

    ticks = iter(range(0, 10_000, 5))  # every look at the clock: five seconds later
    monkeypatch.setattr(ocr.time, "monotonic", lambda: next(ticks))
    result = import_document(scanned_pdf(pages=3), "scan.pdf", limits=ImportLimits(max_seconds=12))

    stopped = [w.params for w in result.warnings if w.code == "ocr_stopped"]
    assert stopped == [{"done": 0, "count": 3}]


def test_without_tesseract_the_preview_says_how_to_get_it(monkeypatch):
    real_which = shutil.which
    monkeypatch.setattr(
        ocr.shutil, "which", lambda name: None if name == "tesseract" else real_which(name)
    )

    result = import_document(scanned_pdf(), "scan.pdf")

    assert result.counts == {}
    (missing,) = [w for w in result.warnings if w.code.startswith(("ocr", "no_text"))]
    assert missing.code == "ocr_missing"
    assert "tesseract-ocr-nld" in str(missing)


def test_the_missing_message_is_dutch_in_the_preview(monkeypatch):
    from django.utils import translation

    from koers.plans.import_messages import warning_text

    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    result = import_document(scanned_pdf(), "scan.pdf")

    with translation.override("nl"):
        (missing,) = [w for w in result.warnings if w.code == "ocr_missing"]
        _where, text = warning_text(missing.as_dict())
    assert text.startswith("De pdf heeft geen tekstlaag (het is een scan)")
    assert "tesseract-ocr-nld" in text


def test_pages_without_text_or_pictures_are_not_sent_to_text_recognition(monkeypatch):
    from pypdf import PdfWriter

    asked = []
    monkeypatch.setattr(ocr, "recognise", lambda *args: asked.append(args) or ["Spook"])
    blank = PdfWriter()
    blank.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    blank.write(out)
    assert read_document(out.getvalue(), "leeg.pdf") == ("pdf", [])
    assert asked == []
    # a scan still is
    _format, lines = read_document(scanned_pdf(), "scan.pdf")
    assert [line.text for line in lines] == ["Spook"]
    assert len(asked) == 1
