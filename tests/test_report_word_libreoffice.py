"""The Word report opened by another reader: LibreOffice (headless) converts the demo
follow-up report to PDF, which is read back with pypdf. LibreOffice does not update
fields, so this shows what a reader that does not sees."""

import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from docx import Document
from pypdf import PdfReader

from koers.reporting.contents import build_report
from koers.reporting.services import make_report

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (Debian package libreoffice-writer-nogui; "
    "scripts/install-debian-packages installs it)",
)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A4_POINTS = (595.3, 841.9)


def to_pdf(document: Path, folder: Path) -> Path:
    """The document converted by LibreOffice, with a profile of its own (so that tests and
    a running LibreOffice do not share one)."""
    profile = folder / "libreoffice-profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(document),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return folder / f"{document.stem}.pdf"


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of every bookmark, in order."""
    found = []

    def walk(entries, depth):
        for entry in entries:
            if isinstance(entry, list):
                walk(entry, depth + 1)
            else:
                found.append((depth, entry.title, reader.get_destination_page_number(entry)))

    walk(reader.outline, 0)
    return found


def test_libreoffice_shows_the_word_report_on_a4_with_its_contents_and_headings(demo, tmp_path):
    round_ = demo.plan.rounds.get(name="Opvolging voorjaar 2026")
    word = make_report(demo.plan, round_, "docx", tmp_path / "opvolging.docx")
    started = time.monotonic()
    pdf = to_pdf(word, tmp_path)
    seconds = time.monotonic() - started
    print(f"LibreOffice converted the Word report in {seconds:.1f} s")
    reader = PdfReader(pdf)
    report = build_report(demo.plan, round_)

    for page in reader.pages:  # A4, not US Letter
        box = page.mediabox
        assert (round(float(box.width), 1), round(float(box.height), 1)) == A4_POINTS
    running = f"{report.organisation} · {report.title}"  # the header, and "pagina N" below
    for number, page in enumerate(reader.pages, start=1):  # no page without contents
        assert _words(page.extract_text()).replace(running, "").replace(f"pagina {number}", "")
    # The document's language and title reach the PDF.
    assert reader.trailer["/Root"]["/Lang"] == "nl-BE"
    assert reader.metadata.title == report.title

    # The headings are headings: LibreOffice makes a bookmark of each, at its level.
    document = Document(word)
    headings = [
        (int(paragraph.style.name.split()[-1]), paragraph.text)
        for paragraph in document.paragraphs
        if paragraph.style.name.startswith("Heading")
    ]
    outline = _outline(reader)
    assert [(depth + 1, _words(title)) for depth, title, _page in outline] == [
        (level, _words(text)) for level, text in headings
    ]
    for item in report.items:
        assert (item.level + 1, _words(item.heading)) in headings

    # The table of contents shows its entries on the pages before the first chapter,
    # in the order of the document, though LibreOffice does not update it.
    first_chapter = outline[0][2]
    assert first_chapter >= 2
    contents = _words(" ".join(page.extract_text() for page in reader.pages[1:first_chapter]))
    assert contents.startswith(f"{report.organisation} · {report.title} Inhoud ")
    unbroken = re.sub(r"\s+", "", contents)  # (an entry may wrap after a hyphen)
    position = 0
    for level, text in headings:
        if level <= 4:
            found = unbroken.find(re.sub(r"\s+", "", text), position)
            assert found >= position, text
            position = found + 1

    # No table is wider than the text area.
    section = document.sections[0]
    text_width = (section.page_width - section.left_margin - section.right_margin) // 635
    with zipfile.ZipFile(word) as archive:
        body = ElementTree.fromstring(archive.read("word/document.xml"))
    tables = list(body.iter(f"{W}tbl"))
    assert len(tables) > 50
    for table in tables:
        assert sum(int(column.get(f"{W}w")) for column in table.iter(f"{W}gridCol")) <= text_width
