"""Renderers: one report (``contents.Report``) into one format.

Each module has ``render(report, charts, out, progress=None)``; ``out`` is a folder for
HTML and a file otherwise; ``progress(done, total)`` is called as items are written.
"""

from koers.reporting.renderers import docx, html, pdf, xlsx

RENDERERS = {"html": html.render, "pdf": pdf.render, "docx": docx.render, "xlsx": xlsx.render}
