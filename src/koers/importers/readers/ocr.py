"""Text recognition (OCR) for a scanned PDF: a PDF without a text layer.

Optional: it needs Debian's ``tesseract-ocr`` (with ``tesseract-ocr-nld`` for
Dutch) and ``pdftoppm`` (``poppler-utils``), found on the ``PATH`` at run time.
Each page is rendered to a greyscale image by ``pdftoppm`` and read by
``tesseract`` (Dutch and English where their data is installed), one page at a
time, within the import limits: the page limit holds already, and the pages are
read only while the time left allows (a part of ``max_seconds``, so that the
isolated reader finishes with a result rather than being stopped); every program
runs with a timeout. Nothing leaves the machine.
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from koers.importers.limits import ImportLimits

RESOLUTION = 200  # dots per inch: enough for body text, quick enough for a report
SHARE_OF_TIME = 0.8  # of max_seconds, for all pages together
LANGUAGES = ("nld", "eng")

MISSING = (
    "The PDF has no text layer (it is a scan) and text recognition is not available on "
    "this server; ask the administrator to install tesseract-ocr and tesseract-ocr-nld, "
    "or import a PDF with text."
)
USED = (
    "The PDF has no text layer (it is a scan): the text of its %(count)s pages was "
    "recognised (OCR). Check titles, codes and amounts: recognition makes mistakes."
)
STOPPED = (
    "Text recognition stopped after %(done)s of %(count)s pages to stay within the time "
    "limit; the other pages were left out."
)


def available() -> bool:
    """Both programs are installed."""
    return bool(shutil.which("tesseract") and shutil.which("pdftoppm"))


def languages() -> str:
    """'nld+eng' as far as their data is installed ('eng' at worst)."""
    try:
        listed = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=10
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        listed = []
    chosen = [language for language in LANGUAGES if language in listed]
    return "+".join(chosen or ["eng"])


def recognise(data: bytes, pages: int, limits: ImportLimits, notes: list) -> list[str]:
    """The recognised text of each page (as many pages as the time allows); what happened
    is said in ``notes`` as (code, message, params)."""
    if not available():
        notes.append(("ocr_missing", MISSING, {}))
        return []
    deadline = time.monotonic() + limits.max_seconds * SHARE_OF_TIME
    language = languages()
    texts: list[str] = []
    with tempfile.TemporaryDirectory(prefix="koers-ocr-") as folder:
        pdf = Path(folder) / "scan.pdf"
        pdf.write_bytes(data)
        for number in range(1, pages + 1):
            left = deadline - time.monotonic()
            if left <= 1:
                break
            text = _page(pdf, number, language, left)
            if text is None:
                break
            texts.append(text)
    if len(texts) < pages:
        notes.append(("ocr_stopped", STOPPED, {"done": len(texts), "count": pages}))
    if any(text.strip() for text in texts):
        notes.append(("ocr_used", USED, {"count": len(texts)}))
    return texts


def _page(pdf: Path, number: int, language: str, seconds: float) -> str | None:
    """One page rendered and recognised; None when the time ran out."""
    started = time.monotonic()
    image = pdf.with_name(f"page-{number}")
    try:
        subprocess.run(
            [
                "pdftoppm", "-r", str(RESOLUTION), "-gray", "-png", "-singlefile",
                "-f", str(number), "-l", str(number), str(pdf), str(image),
            ],
            capture_output=True,
            timeout=seconds,
            check=False,
        )  # fmt: skip
        png = image.with_suffix(".png")
        if not png.exists():
            return ""
        left = seconds - (time.monotonic() - started)
        if left <= 0:
            return None
        done = subprocess.run(
            ["tesseract", str(png), "stdout", "-l", language, "--psm", "3"],
            capture_output=True,
            timeout=left,
            check=False,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
        png.unlink(missing_ok=True)
    except subprocess.TimeoutExpired:
        return None
    except OSError:
        return ""
    return done.stdout.decode("utf-8", errors="replace")
