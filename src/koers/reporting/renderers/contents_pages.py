"""Page numbers for the contents of the PDF that Chromium prints.

Chromium has no CSS ``target-counter()``: it prints the contents as links without page
numbers. Its PDF knows them all the same: every entry is a link annotation on the contents
page whose named destination points at the page of the heading. So, after printing, each
entry gets its page number written at the right edge of its line, with a dotted leader,
in the report's own font (DejaVu Sans, whose digits the printed document already holds).
The numbers and leaders are marked as artefacts: the structure tree is unchanged, and a
screen reader follows the entries' links as before.

Nothing is written when the PDF does not look as expected (no destinations, no font with
the digits); the PDF then keeps its linked contents without numbers.
"""

import io
import logging
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject, NameObject, NumberObject, StreamObject

logger = logging.getLogger(__name__)

SIZE = 8.5  # pt: the contents' font size (print.css, nav.toc ol)
RIGHT_MARGIN = 20 * 72 / 25.4  # pt: the page's right margin (print.css, @page)
FIRST_DIGIT_GLYPH = 19  # DejaVu Sans: "0" is glyph 19, "9" glyph 28
COLOUR = "0.106 0.106 0.106"  # #1b1b1b, the text colour


def number_contents(path: Path) -> int:
    """Write the page numbers into the contents of the PDF at ``path``; how many."""
    try:
        return _number(Path(path))
    except Exception:  # a PDF we cannot read this way keeps its contents without numbers
        logger.exception("The contents of %s could not be numbered", path)
        return 0


def _number(path: Path) -> int:
    reader = PdfReader(path)
    previous = _previous_xref(path)
    if previous is None:  # not Chromium's classic cross-reference table
        return 0
    dests = reader.trailer["/Root"].get("/Dests")
    if not dests:
        return 0
    dests = dests.get_object()
    pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages, start=1)}
    changed = []  # (object number, the object): the pages with their new contents
    next_number = int(reader.trailer["/Size"])
    written = 0
    for page in reader.pages:
        entries = _entries(page, dests, pages)
        if not entries:
            continue
        font = _digit_font(page)
        if font is None:
            return 0
        stream = _stamp(page, entries, font)
        number = page.indirect_reference.idnum
        page = DictionaryObject(page)
        page[NameObject("/Contents")] = IndirectObject(next_number, 0, None)
        changed += [(next_number, stream), (number, page)]
        next_number += 1
        written += len(entries)
    if written:
        _append_update(path, reader, changed, next_number, previous)
    return written


def _append_update(path: Path, reader, changed: list, size: int, previous: int) -> None:
    """Append the changed objects, their cross-reference section and a trailer pointing
    back at the previous one: the file stays as Chromium wrote it (writing the whole PDF
    again took as long as printing it). Built in memory first and appended in one write,
    so that a failure leaves the file as it was. ``previous``: where the file's last
    cross-reference table starts."""
    base = path.stat().st_size + 1
    update = io.BytesIO()
    update.write(b"\n")
    offsets = {}
    for number, obj in changed:
        offsets[number] = base + update.tell() - 1
        update.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(update)
        update.write(b"\nendobj\n")
    start = base + update.tell() - 1
    update.write(b"xref\n")
    for number in sorted(offsets):
        update.write(f"{number} 1\n{offsets[number]:010d} 00000 n \n".encode())
    trailer = DictionaryObject(
        {
            NameObject("/Size"): NumberObject(size),
            NameObject("/Root"): reader.trailer.raw_get("/Root"),
            NameObject("/Prev"): NumberObject(previous),
        }
    )
    if "/Info" in reader.trailer:
        trailer[NameObject("/Info")] = reader.trailer.raw_get("/Info")
    update.write(b"trailer\n")
    trailer.write_to_stream(update)
    update.write(f"\nstartxref\n{start}\n%%EOF\n".encode())
    with path.open("ab") as out:
        out.write(update.getvalue())


def _previous_xref(path: Path) -> int | None:
    """Where the file's last cross-reference table starts, if it is a classic table."""
    with path.open("rb") as pdf:
        pdf.seek(max(0, path.stat().st_size - 64))
        tail = pdf.read().split(b"startxref")[-1].split()
        if not tail or not tail[0].isdigit():
            return None
        offset = int(tail[0])
        pdf.seek(offset)
        return offset if pdf.read(4) == b"xref" else None


def _entries(page, dests, pages) -> list[tuple[list[float], int]]:
    """(rectangle of the entry's last line, page number) of each contents link."""
    lowest: dict[str, tuple[list[float], int]] = {}
    for annotation in page.get("/Annots") or []:
        annotation = annotation.get_object()
        if annotation.get("/Subtype") != "/Link" or "/Dest" not in annotation:
            continue
        name = str(annotation["/Dest"])
        target = dests.get(name)
        if target is None:
            continue
        number = pages.get(target.get_object()[0].idnum)
        if number is None:
            continue
        rect = [float(value) for value in annotation["/Rect"]]
        if name not in lowest or rect[1] < lowest[name][0][1]:
            lowest[name] = (rect, number)
    return list(lowest.values())


def _digit_font(page) -> tuple[str, float] | None:
    """The page's regular DejaVu Sans (resource name) and the width of its digits."""
    fonts = page.get("/Resources", {}).get("/Font", {})
    for name, font in fonts.items():
        font = font.get_object()
        base = str(font.get("/BaseFont", ""))
        if not base.endswith("+DejaVuSans") or "/DescendantFonts" not in font:
            continue
        width = _digit_width(font["/DescendantFonts"][0].get_object().get("/W", []))
        if width:
            return str(name), width
    return None


def _digit_width(widths) -> float | None:
    """The width (1/1000 em) that the /W array gives all ten digits, if it holds them."""
    found = {}
    index = 0
    widths = list(widths)
    while index < len(widths):
        first = int(widths[index])
        following = widths[index + 1]
        if isinstance(following, list | tuple) or hasattr(following, "__iter__"):
            for offset, width in enumerate(following):
                found[first + offset] = float(width)
            index += 2
        else:
            for glyph in range(first, int(following) + 1):
                found[glyph] = float(widths[index + 2])
            index += 3
    digits = [found.get(FIRST_DIGIT_GLYPH + digit) for digit in range(10)]
    if None in digits or len(set(digits)) != 1:
        return None
    return digits[0]


def _stamp(page, entries, font: tuple[str, float]) -> StreamObject:
    name, digit_width = font
    right = float(page.mediabox.width) - RIGHT_MARGIN
    operators = ["/Artifact BMC", "q", f"{COLOUR} rg {COLOUR} RG", "0.5 w [0.5 2] 0 d"]
    for rect, number in entries:
        text = str(number)
        width = digit_width * SIZE / 1000 * len(text)
        x = right - width
        baseline = rect[1] + (rect[3] - rect[1] - SIZE) / 2 + 0.22 * SIZE
        if x - rect[2] > 8:  # a dotted leader from the entry's end to its number
            operators.append(f"{rect[2] + 3:.2f} {baseline:.2f} m {x - 3:.2f} {baseline:.2f} l S")
        glyphs = "".join(f"{FIRST_DIGIT_GLYPH + int(digit):04X}" for digit in text)
        operators.append(f"BT {name} {SIZE} Tf 1 0 0 1 {x:.2f} {baseline:.2f} Tm <{glyphs}> Tj ET")
    operators += ["Q", "EMC"]
    # The page's own content changes the coordinate system without restoring it: wrap it.
    original = page.get_contents().get_data()
    stream = StreamObject()
    stream.set_data(b"q\n" + original + b"\nQ\n" + "\n".join(operators).encode())
    return stream.flate_encode()
