"""Printing the report's own HTML to a tagged PDF with Chromium (Debian's ``chromium``).

Chromium lays out a long report about ten times faster than WeasyPrint and with far less
memory (1,000 actions, 450 pages: about 10 s), and it tags what it prints: a structure
tree in reading order (headings H1–H6, tables with their header cells, lists, figures with
the images' alternative texts), the document's language from ``<html lang>``, its title
from ``<title>`` shown as the window title, and a bookmark per heading. What it does not
do: CSS ``target-counter()`` (the contents list their entries as links, without page
numbers) and the PDF/UA identification in the metadata — which WeasyPrint does write
(``KOERS_REPORT_PDF_ENGINE=weasyprint``).

It runs as a child process of the job that makes the report, headless, without network
(the page is a local file whose only outside parts are data URIs, with no script: every
user text is escaped; background networking and extensions are off), in a throw-away
profile, and it is stopped after ``KOERS_REPORT_PDF_SECONDS``.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def chromium_binary() -> str | None:
    """The Chromium to print with: ``KOERS_CHROMIUM`` or the first one on the PATH."""
    configured = settings.KOERS_CHROMIUM
    if configured:
        return configured if Path(configured).exists() else None
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def print_to_pdf(html: str, out: Path) -> Path:
    binary = chromium_binary()
    if binary is None:
        raise ValidationError(_("Chromium is not installed; the accessible PDF cannot be made."))
    with tempfile.TemporaryDirectory(prefix="koers-print-") as folder:
        page = Path(folder) / "report.html"
        page.write_text(html, encoding="utf-8")
        command = [
            binary,
            "--headless",
            "--no-sandbox",  # the job's own process limits apply; it may run as root in a container
            "--disable-gpu",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={folder}/profile",
            "--no-pdf-header-footer",
            "--export-tagged-pdf",
            "--generate-pdf-document-outline",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                timeout=settings.KOERS_REPORT_PDF_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise ValidationError(
                _("Printing the PDF took longer than %(seconds)s seconds; it was stopped.")
                % {"seconds": settings.KOERS_REPORT_PDF_SECONDS}
            ) from error
    if done.returncode != 0 or not out.exists() or out.stat().st_size == 0:
        raise ValidationError(
            _("Chromium could not print the PDF (exit code %(code)s).") % {"code": done.returncode}
        )
    return out
