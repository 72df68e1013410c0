"""The accessible PDF's printer: Chromium spoken to over its DevTools pipe. A Chromium that
is missing, that stops, or that takes too long gives the coordinator a clear reason, leaves
no half-written file and no process behind."""

import os
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from koers.reporting.renderers import chromium

PAGE = """<!DOCTYPE html><html lang="nl-BE"><head><meta charset="utf-8"><title>Proef</title>
</head><body><h1>Hoofdstuk</h1><p>Tekst &lt;script&gt;</p><ul><li>een</li></ul></body></html>"""

needs_chromium = pytest.mark.skipif(
    chromium.chromium_binary() is None,
    reason="Debian's chromium is not installed (scripts/install-debian-packages adds it)",
)


def _children() -> set[int]:
    """The processes this test process has started and not yet reaped."""
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in text.splitlines() if ":\t" in line)
        if fields.get("PPid", "").strip() == str(os.getpid()):
            found.add(int(status.parent.name))
    return found


@needs_chromium
def test_a_page_is_printed_tagged_with_its_language_title_and_bookmarks(tmp_path):
    before = _children()
    out = chromium.print_to_pdf(PAGE, tmp_path / "proef.pdf")
    reader = PdfReader(out)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl-BE"
    assert "/StructTreeRoot" in root
    assert reader.metadata.title == "Proef"
    assert [entry.title for entry in reader.outline] == ["Hoofdstuk"]
    assert "Tekst <script>" in reader.pages[0].extract_text()
    assert _children() <= before  # Chromium has ended and is reaped


@needs_chromium
def test_printing_that_takes_too_long_is_stopped_with_the_reason(tmp_path, settings):
    settings.KOERS_REPORT_PDF_SECONDS = 0
    before = _children()
    with pytest.raises(ValidationError, match="0 seconden"):
        chromium.print_to_pdf(PAGE, tmp_path / "proef.pdf")
    assert not (tmp_path / "proef.pdf").exists()
    assert _children() <= before


def test_a_chromium_that_stops_gives_a_clear_error_and_no_file(tmp_path, settings):
    settings.KOERS_CHROMIUM = "/bin/false"
    with pytest.raises(ValidationError, match="Chromium kon de PDF niet afdrukken"):
        chromium.print_to_pdf(PAGE, tmp_path / "proef.pdf")
    assert not (tmp_path / "proef.pdf").exists()


def test_without_chromium_the_reason_is_said(tmp_path, settings):
    settings.KOERS_CHROMIUM = str(tmp_path / "no-such-chromium")
    with pytest.raises(ValidationError, match="Chromium is niet geïnstalleerd"):
        chromium.print_to_pdf(PAGE, tmp_path / "proef.pdf")


@needs_chromium
def test_contents_get_page_numbers_and_a_pdf_that_does_not_fit_is_left_as_it_is(tmp_path):
    from koers.reporting.renderers.contents_pages import number_contents

    page = (
        '<!DOCTYPE html><html lang="nl-BE"><head><meta charset="utf-8"><title>T</title></head>'
        '<body><nav><a href="#een">Een</a><br><a href="#twee">Twee</a></nav>'
        '<p style="break-before: page">0123456789</p><h1 id="een">Een</h1>'
        '<h1 id="twee" style="break-before: page">Twee</h1></body></html>'
    )
    out = chromium.print_to_pdf(page, tmp_path / "inhoud.pdf")
    before = out.read_bytes()
    assert number_contents(out) == 2
    after = out.read_bytes()
    assert after.startswith(before)  # appended as an update: Chromium's file is kept whole
    reader = PdfReader(out)
    lines = reader.pages[0].extract_text(extraction_mode="layout").split("\n")
    assert [line.split() for line in lines if line.strip()] == [["Een", "2"], ["Twee", "3"]]
    # A PDF without contents links, or not one of Chromium's, is left as it is.
    assert "/StructTreeRoot" in reader.trailer["/Root"]

    plain = chromium.print_to_pdf(PAGE, tmp_path / "zonder.pdf")
    kept = plain.read_bytes()
    assert number_contents(plain) == 0 and plain.read_bytes() == kept
    broken = tmp_path / "kapot.pdf"
    broken.write_bytes(b"%PDF-1.4 no more")
    assert number_contents(broken) == 0 and broken.read_bytes() == b"%PDF-1.4 no more"
