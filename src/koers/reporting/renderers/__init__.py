"""Renderers: one report (``contents.Report``) into one format.

Each module has ``render(report, charts, out, progress=None)``; ``out`` is a folder for
HTML and a file otherwise; ``progress(done, total)`` is called as items are written.

Two PDFs: ``pdfua`` is the tagged, accessible one (PDF/UA-1, WeasyPrint, from the
report's HTML), the one to publish; ``pdf`` is the fast one (ReportLab, untagged), for a
large plan read on paper or on screen by its makers.
"""

from koers.reporting.renderers import docx, html, pdf, pdfua, xlsx

RENDERERS = {
    "html": html.render,
    "pdfua": pdfua.render,
    "pdf": pdf.render,
    "docx": docx.render,
    "xlsx": xlsx.render,
}
SUFFIXES = {"pdfua": "pdf"}  # a file's extension where it is not the format's name


def suffix(fmt: str) -> str:
    """The extension of a report file of format ``fmt`` (the website comes zipped)."""
    return SUFFIXES.get(fmt, fmt)
