"""Invented documents in every format for the importer tests (Gemeente Voorbeeld).

One Flemish progress report (family a) is written as plain text, Markdown,
HTML, Word and PDF; the tests check that every format gives the same plan.
"""

import io

REPORT_BLOCKS = [
    ("heading", 1, "Een wendbaar bestuur"),
    ("text", 0, "Actieplannen"),
    ("heading", 2, "VB1-01 Een digitale balie voor iedereen"),
    ("heading", 3, "Ons plan"),
    ("text", 0, "We openen een digitale balie die dag en nacht bereikbaar is."),
    ("heading", 3, "Stand van zaken"),
    ("bullet", 1, "De aanbesteding is rond - in uitvoering"),
    ("heading", 3, "Tijdspad en mijlpalen"),
    ("bullet", 1, "Digitale balie open - gerealiseerd 2024"),
    ("bullet", 1, "Nieuwe website (2025-2026)"),
    ("bullet", 1, "Gebruikersonderzoek (vanaf 2026)"),
    ("heading", 3, "Wat kost het"),
    ("text", 0, "Er is 12.500 euro voorzien voor de balie (VB1-01-01)."),
    ("heading", 2, "VB1-02 Samen beslissen"),
    ("heading", 3, "Tijdpad & mijlpalen"),
    ("bullet", 1, "Burgerpanel"),
    ("bullet", 2, "eerste panel (Q4 2025)"),
    ("bullet", 2, "tweede panel (voorjaar 2026)"),
    ("heading", 1, "Een groene gemeente"),
    ("text", 0, "Actieplannen"),
    ("heading", 2, "VB2-01 Meer bomen in elke wijk"),
    ("heading", 3, "Wat kost het"),
    ("text", 0, "Budget 2026: € 40.000"),
]
EXPECTED_CODES = ["VB1", "VB1-01", "VB1-01-01", "VB1-02", "VB2", "VB2-01"]
EXPECTED_MILESTONES = {
    "VB1-01": [
        ("2024-01-01", "2024-12-31", True),
        ("2025-01-01", "2026-12-31", False),
        ("2026-01-01", None, False),
    ],
    "VB1-02": [("2025-10-01", "2025-12-31", False), ("2026-03-01", "2026-05-31", False)],
}
EXPECTED_BUDGET = {"VB1-01": "12500.00", "VB2-01": "40000.00"}


def report_text() -> str:
    out = []
    for kind, level, text in REPORT_BLOCKS:
        if kind == "bullet":
            out.append("  " * level + "• " + text)
        else:
            out.extend(["", text, ""])
    return "\n".join(out)


def report_markdown() -> str:
    out = []
    for kind, level, text in REPORT_BLOCKS:
        if kind == "heading":
            out.extend(["", "#" * level + " " + text, ""])
        elif kind == "bullet":
            out.append("  " * (level - 1) + "- " + text)
        else:
            out.extend(["", text, ""])
    return "\n".join(out)


def report_html() -> str:
    parts = [
        "<!doctype html><html><head><title>Plan</title><script>alert('x')</script>"
        "<style>body{color:red}</style></head><body>",
        "<header><nav><a href='/'>Home</a><a href='/plan'>Menu</a></nav></header>",
        "<main><p>Terug naar navigatie - Actieplannen</p><p>Publicatiedatum: 3 maart 2026</p>",
    ]
    depth = 0
    for kind, level, text in REPORT_BLOCKS:
        if kind == "bullet":
            while depth < level:
                parts.append("<ul>")
                depth += 1
            while depth > level:
                parts.append("</ul>")
                depth -= 1
            parts.append(f"<li>{text}</li>")
            continue
        while depth:
            parts.append("</ul>")
            depth -= 1
        if kind == "heading":
            parts.append(f"<h{level + 1}>{text}</h{level + 1}>")
        else:
            parts.append(f'<p onclick="steal()">{text}</p>')
    parts.append("</ul>" * depth)
    parts.append("<img src=x onerror=alert(1)></main><footer>© Gemeente Voorbeeld</footer>")
    parts.append("<script>document.write('weg')</script></body></html>")
    return "\n".join(parts)


def report_docx() -> bytes:
    import docx

    document = docx.Document()
    for kind, level, text in REPORT_BLOCKS:
        if kind == "heading":
            document.add_heading(text, level=level)
        elif kind == "bullet":
            document.add_paragraph(text, style="List Bullet" if level == 1 else "List Bullet 2")
        else:
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def report_pdf(pages: int = 1) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for _page in range(pages):
        pdf.add_page()
        for kind, level, text in REPORT_BLOCKS:
            text = text.replace("€", "EUR").replace("•", "-")
            if kind == "bullet":
                text = "    " * (level - 1) + "- " + text
            pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(report_pdf())))
    writer.encrypt(user_password="geheim", owner_password="eigenaar")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


POLICY_NOTE_ROWS = [
    ("Concrete acties", "timing", "budget"),
    ("Bewonersavond organiseren.", "voorjaar 2026", "€ 1.500"),
    ("Verslag opmaken en verspreiden.", "juni 2026", "regulier"),
]


def policy_note_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("STRATEGISCH DOEL 1:")
    document.add_paragraph("Inwoners beslissen mee.")
    document.add_paragraph("Operationele doelstelling 1.1:")
    document.add_paragraph("Elke wijk heeft een wijkraad.")
    table = document.add_table(rows=0, cols=3)
    for row in POLICY_NOTE_ROWS:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def sheet_xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
