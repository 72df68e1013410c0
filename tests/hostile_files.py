"""Hostile and odd files for the importer, built in memory in well under a second each.

Zip bombs are written by hand: their members are streamed through zlib in chunks
(zeros or one letter compress about a thousand to one), so a member that inflates
to gigabytes costs a few megabytes of CPU work and a small file. Nothing is
written to disk.

``CATALOGUE`` names every file with its file name, builder and the
:class:`~koers.importers.DocumentError` code it must give (None: it must be read,
as odd encodings and a few stray NUL bytes should be). ``bench/hostile_imports.py``
measures them all; ``tests/test_import_limits.py`` checks them.
"""

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

MB = 1024 * 1024
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


# -- a zip writer that streams members through zlib ---------------------------------------


@dataclass(frozen=True)
class Repeat:
    """``total`` bytes of ``piece`` repeated, packed without ever being built: one block of
    about 1 MB is deflated once (ending in a full flush, so that it stands alone) and its
    packed form repeated."""

    piece: bytes
    total: int

    def block(self) -> bytes:
        return self.piece * max(1, MB // len(self.piece))

    def packed(self) -> bytes:
        """The deflated whole, as blocks that are not final (more may follow)."""
        block = self.block()
        count, rest = divmod(self.total, len(block))
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        packed_block = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        tail = packer.compress(block[:rest]) + packer.flush(zlib.Z_FULL_FLUSH)
        return packed_block * count + tail

    def crc(self, crc: int = 0) -> int:
        block = self.block()
        count, rest = divmod(self.total, len(block))
        for _ in range(count):
            crc = zlib.crc32(block, crc)
        return zlib.crc32(block[:rest], crc)


def repeat(piece: bytes, total: int) -> Repeat:
    return Repeat(piece, total)


def zip_package(members, *, lie=None) -> bytes:
    """A zip file whose members are bytes, a :class:`Repeat` or a list of those.

    ``lie`` maps a member name to the unpacked size its directory entries claim.
    """
    out = io.BytesIO()
    central = []
    for name, content in members:
        crc, size, data = _packed(content if isinstance(content, list) else [content])
        claimed = (lie or {}).get(name, size)
        encoded = name.encode()
        offset = out.tell()
        out.write(
            struct.pack(
                "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), claimed, len(encoded), 0
            )
        )
        out.write(encoded)
        out.write(data)
        central.append((encoded, crc, len(data), claimed, offset))
    return _finish(out, central, method=8)


def _packed(parts: list) -> tuple[int, int, bytes]:
    """(crc32, size, deflated data) of parts laid end to end; a Repeat is packed once."""
    crc, size, packed = 0, 0, []
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    for part in parts:
        if isinstance(part, Repeat):
            packed.append(packer.flush(zlib.Z_FULL_FLUSH))
            packed.append(part.packed())
            crc = part.crc(crc)
            size += part.total
        else:
            crc = zlib.crc32(part, crc)
            size += len(part)
            packed.append(packer.compress(part))
    packed.append(packer.flush())
    return crc, size, b"".join(packed)


def _finish(out: io.BytesIO, central: list, method: int) -> bytes:
    start = out.tell()
    for encoded, crc, packed_size, size, offset in central:
        out.write(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                method,
                0,
                0,
                crc,
                packed_size,
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        out.write(encoded)
    end = out.tell()
    count = len(central)
    if count > 0xFFFF:  # zip64: the count does not fit the classic end record
        out.write(struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count,
                              end - start, start))  # fmt: skip
        out.write(struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1))
        count = 0xFFFF
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, end - start, start, 0))
    return out.getvalue()


# -- Word ------------------------------------------------------------------------------------

OOXML = "application/vnd.openxmlformats-officedocument"
TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>%s</Types>'
)
DOCX_TYPES = (
    TYPES % f'<Override PartName="/word/document.xml" '
    f'ContentType="{OOXML}.wordprocessingml.document.main+xml"/>'
).encode()
DOCX_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
    f'<Relationship Id="rId1" Type="{R}/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
).encode()


def docx(body: bytes | list, extra=()) -> bytes:
    """A Word file whose body is ``body`` (the XML inside ``<w:body>``)."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'.encode()
    document = [head, *(body if isinstance(body, list) else [body]), b"</w:body></w:document>"]
    return zip_package(
        [
            ("[Content_Types].xml", DOCX_TYPES),
            ("_rels/.rels", DOCX_RELS),
            ("word/document.xml", document),
            *extra,
        ]
    )


def docx_paragraphs(count: int = 1_500_000) -> bytes:
    """A Word file with ``count`` one-letter paragraphs (the issue's was 184 KB)."""
    return docx(repeat(b"<w:p><w:r><w:t>a</w:t></w:r></w:p>", count * 34))


def docx_bomb(inflated: int = 2 * 1024 * MB) -> bytes:
    """A small, valid Word file with one more part that inflates to ``inflated`` zeros."""
    body = b"<w:p><w:r><w:t>Doelstelling 1</w:t></w:r></w:p>"
    return docx(body, [("word/media/image1.bin", repeat(b"\0", inflated))])


def docx_deep(depth: int = 100_000) -> bytes:
    """A Word file whose XML nests ``depth`` elements inside each other."""
    return docx([repeat(b"<w:sdt>", depth * 7), repeat(b"</w:sdt>", depth * 8)])


def docx_lying_directory() -> bytes:
    """A Word file whose document inflates to 200 MB while its directory says 1 KB."""
    body = repeat(b"<w:p><w:r><w:t>a</w:t></w:r></w:p>", 34 * 6_000_000)
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'.encode()
    document = [head, body, b"</w:body></w:document>"]
    return zip_package(
        [
            ("[Content_Types].xml", DOCX_TYPES),
            ("_rels/.rels", DOCX_RELS),
            ("word/document.xml", document),
        ],
        lie={"word/document.xml": 1024},
    )


def zip_entries(count: int = 100_000) -> bytes:
    """A zip with ``count`` empty members (about 8 MB for 100,000)."""
    out = io.BytesIO()
    central = []
    empty_crc = 0
    for number in range(count):
        encoded = b"p/%d" % number
        central.append((encoded, empty_crc, 0, 0, out.tell()))
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, 0, 0, len(encoded), 0))
        out.write(encoded)
    return _finish(out, central, method=0)


# -- Excel -----------------------------------------------------------------------------------

XLSX_TYPES = (
    TYPES
    % (
        f'<Override PartName="/xl/workbook.xml" '
        f'ContentType="{OOXML}.spreadsheetml.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" '
        f'ContentType="{OOXML}.spreadsheetml.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" '
        f'ContentType="{OOXML}.spreadsheetml.sharedStrings+xml"/>'
    )
).encode()
XLSX_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
    f'<Relationship Id="rId1" Type="{R}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
).encode()
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{S}" xmlns:r="{R}">'
    '<sheets><sheet name="Plan" sheetId="1" r:id="rId1"/></sheets></workbook>'
).encode()
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
    f'<Relationship Id="rId1" Type="{R}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{R}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
).encode()


def xlsx(rows: bytes | list, *, dimension: str | None = None, strings=(b"",)) -> bytes:
    """An Excel file with one sheet of ``rows`` (``<row>`` XML) and shared ``strings``
    (the XML inside each ``<si><t>``, as bytes or chunks)."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{S}">'.encode()
    if dimension:
        head += f'<dimension ref="{dimension}"/>'.encode()
    sheet = [
        head + b"<sheetData>",
        *(rows if isinstance(rows, list) else [rows]),
        b"</sheetData></worksheet>",
    ]
    shared = [f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{S}">'.encode()]
    for text in strings:
        shared += [b"<si><t>", text, b"</t></si>"]
    shared.append(b"</sst>")
    return zip_package(
        [
            ("[Content_Types].xml", XLSX_TYPES),
            ("_rels/.rels", XLSX_RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/worksheets/sheet1.xml", sheet),
            ("xl/sharedStrings.xml", shared),
        ]
    )


def xlsx_far_cell(dimension: str | None = "A1:XFD1048576") -> bytes:
    """The issue's 4.8 KB sheet: one cell, at XFD1048576 (with or without a dimension)."""
    return xlsx(
        b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
        dimension=dimension,
    )


def xlsx_long_cell(length: int = 400 * MB) -> bytes:
    """A sheet whose one cell (a shared string) holds ``length`` letters."""
    return xlsx(
        b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        dimension="A1",
        strings=[repeat(b"a", length)],
    )


def xlsx_bomb(inflated: int = 2 * 1024 * MB) -> bytes:
    """A valid sheet plus a part that inflates to ``inflated`` zeros."""
    package = xlsx(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>', dimension="A1")
    archive = zipfile.ZipFile(io.BytesIO(package))
    members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    return zip_package([*members, ("xl/media/image1.bin", repeat(b"\0", inflated))])


def xlsx_rows(count: int) -> bytes:
    """A sheet of ``count`` rows of one number each, without a dimension."""

    return xlsx(
        b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in range(1, count + 1))
    )


# -- PDF -------------------------------------------------------------------------------------


def pdf_pages(count: int = 5_000, claimed: int | None = None, stream: bytes = b"") -> bytes:
    """A PDF of ``count`` pages that share one content stream; the page tree states
    ``claimed`` pages (``count`` when left out). ``stream`` replaces the content stream
    object (dictionary and stream)."""
    content = b"BT /F1 12 Tf 72 720 Td (Doelstelling 1) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        None,  # the page tree, below
        stream or b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for _ in range(count):
        kids.append(b"%d 0 R" % (len(objects) + 1))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
            b"/Resources << /Font << /F1 4 0 R >> >> >>"
        )
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(kids),
        count if claimed is None else claimed,
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def pdf_stream_bomb(inflated: int = 1024 * MB) -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated`` bytes of text
    operators (pypdf stops such streams at its own limit of 75 MB)."""
    part = Repeat(b"BT (a) Tj ET\n", inflated)
    adler = 1
    block = part.block()
    count, rest = divmod(inflated, len(block))
    for _ in range(count):
        adler = zlib.adler32(block, adler)
    adler = zlib.adler32(block[:rest], adler)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = b"\x78\xda" + part.packed() + packer.flush() + struct.pack(">L", adler)
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(data), data)
    return pdf_pages(1, stream=stream)


# -- text, HTML, CSV ---------------------------------------------------------------------------


def html_deep(depth: int = 100_000) -> bytes:
    return b"<div>" * depth + b"tekst" + b"</div>" * depth


def csv_rows(count: int = 1_000_000) -> bytes:
    return b"Code;Titel\n" + b"".join(b"A%d;Actie\n" % n for n in range(count))


def csv_columns(count: int = 20_000) -> bytes:
    return b";".join(b"K%d" % n for n in range(count)) + b"\n"


def elf(size: int = 4096) -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + random.Random(7).randbytes(size)


def png(size: int = 4096) -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(8).randbytes(size)


PLAN_TEXT = "Doelstelling één: een groene gemeente\n  - Actie: bomen planten (2025)\n"


def utf16_text() -> bytes:
    return PLAN_TEXT.encode("utf-16")  # with its byte order mark


def latin1_text() -> bytes:
    return PLAN_TEXT.encode("latin-1")


def mixed_text() -> bytes:
    """UTF-8 with a line in latin-1 in the middle (copied from two sources)."""
    return "Eerste regel: één\n".encode() + "Tweede regel: café\n".encode("latin-1") + b"Derde\n"


def nul_text() -> bytes:
    """Readable text with a few NUL bytes in it."""
    return PLAN_TEXT.encode().replace(b"groene", b"gro\x00ene")


def nul_csv() -> bytes:
    rows = b"".join(b"A%d;Actie nummer %d\n" % (n, n) for n in range(2, 20))
    return b"Code;Titel\nA1;Bomen\x00 planten\n" + rows


def nul_flood() -> bytes:
    """Text of which every other byte is NUL (UTF-16 without its byte order mark)."""
    return PLAN_TEXT.encode("utf-16-le") * 20


@dataclass(frozen=True)
class Hostile:
    name: str
    filename: str
    build: Callable[[], bytes]
    code: str | None  # the DocumentError code it must give; None: it must be read
    limits: dict | None = None  # limits changed for the test, to reach one check
    text: str = ""  # for a file that is read: text the PlanDocument must hold


NO_RATIO = {"max_compression_ratio": 10**9}
EXTENSIONS = ("txt", "text", "md", "markdown", "html", "htm", "docx", "pdf", "xlsx", "csv")

CATALOGUE = [
    Hostile("docx zip bomb (2 GB of zeros)", "bom.docx", docx_bomb, "too_large_unpacked"),
    Hostile("xlsx zip bomb (2 GB of zeros)", "bom.xlsx", xlsx_bomb, "too_large_unpacked"),
    Hostile(
        "docx part packed 1000:1 (50 MB)",
        "ratio.docx",
        lambda: docx_bomb(50 * MB),
        "compression_ratio",
    ),
    Hostile(
        "docx directory that lies (1 KB → 200 MB)",
        "leugen.docx",
        docx_lying_directory,
        "broken_docx",
    ),
    Hostile("xlsx one cell at XFD1048576", "ver.xlsx", xlsx_far_cell, "too_many_rows"),
    Hostile(
        "xlsx one cell at XFD1048576, no dimension",
        "ver2.xlsx",
        lambda: xlsx_far_cell(None),
        "too_many_rows",
    ),
    Hostile(
        "xlsx one cell at XFD1048576, dimension says A1",
        "ver3.xlsx",
        lambda: xlsx_far_cell("A1"),
        "too_many_rows",
    ),
    Hostile("xlsx cell of 400 MB", "lang.xlsx", xlsx_long_cell, "too_large_unpacked"),
    # These three pack far better than 200:1, so with the default limits they are refused
    # for that first; the ratio limit is lifted to show the check of their own kind.
    Hostile(
        "xlsx cell of 20 MB",
        "lang2.xlsx",
        lambda: xlsx_long_cell(20 * MB),
        "cell_too_long",
        NO_RATIO,
    ),
    Hostile("xlsx 200,000 rows", "rijen.xlsx", lambda: xlsx_rows(200_000), "too_many_rows"),
    Hostile(
        "docx 1.5 million paragraphs",
        "alineas.docx",
        docx_paragraphs,
        "too_many_paragraphs",
        NO_RATIO,
    ),
    Hostile("docx XML nested 100,000 deep", "diep.docx", docx_deep, "too_deep", NO_RATIO),
    Hostile("html nested 100,000 deep", "diep.html", html_deep, "too_deep"),
    Hostile("zip of 100,000 entries as .docx", "veel.docx", zip_entries, "too_many_entries"),
    Hostile("zip of 100,000 entries as .xlsx", "veel.xlsx", zip_entries, "too_many_entries"),
    Hostile("pdf of 5,000 pages", "dik.pdf", pdf_pages, "too_many_pages"),
    # pypdf stops a stream at its own limit (75 MB): the page has no text, the file is read.
    Hostile("pdf content stream of 1 GB", "stroom.pdf", pdf_stream_bomb, None, text='"items": []'),
    Hostile(
        "pdf of 1 page claiming 1,000,000",
        "claim.pdf",
        lambda: pdf_pages(1, claimed=1_000_000),
        "too_many_pages",
    ),
    Hostile("csv of 1,000,000 rows", "rijen.csv", csv_rows, "too_many_rows"),
    Hostile("csv of 20,000 columns", "kolommen.csv", csv_columns, "too_many_columns"),
    Hostile("ELF binary named .docx", "prog.docx", elf, "wrong_content"),
    Hostile("ELF binary named .pdf", "prog.pdf", elf, "wrong_content"),
    Hostile("ELF binary named .csv", "prog.csv", elf, "binary"),
    Hostile("PNG image named .docx", "foto.docx", png, "wrong_content"),
    Hostile("PNG image named .pdf", "foto.pdf", png, "wrong_content"),
    Hostile("PNG image named .csv", "foto.csv", png, "binary"),
    Hostile("PNG image named .txt", "foto.txt", png, "binary"),
    Hostile("UTF-16 text with BOM", "utf16.txt", utf16_text, None, text="Doelstelling één"),
    Hostile(
        "UTF-16 csv with BOM",
        "utf16.csv",
        lambda: "Code;Titel\nA1;Één actie\n".encode("utf-16"),
        None,
        text='"Één actie"',
    ),
    Hostile("latin-1 text", "latin1.txt", latin1_text, None, text="Doelstelling één"),
    Hostile(
        "mixed UTF-8 and latin-1 text", "gemengd.txt", mixed_text, None, text="Tweede regel: café"
    ),
    Hostile("text with a NUL byte", "nul.txt", nul_text, None, text="groene gemeente"),
    Hostile("csv with a NUL byte", "nul.csv", nul_csv, None, text='"Bomen planten"'),
    Hostile("text with every other byte NUL", "nullen.txt", nul_flood, "binary"),
    *(Hostile(f"empty .{ext}", f"leeg.{ext}", lambda: b"", "empty") for ext in EXTENSIONS),
]
