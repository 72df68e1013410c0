"""Printing the report's own HTML to a tagged PDF with Chromium (Debian's ``chromium``).

Chromium lays out a long report far faster than WeasyPrint and with far less memory, and
it tags what it prints: a structure tree in reading order (headings H1–H6, tables with
their header cells, lists, figures with the images' alternative texts), the document's
language from ``<html lang>``, its title from ``<title>`` shown as the window title, and a
bookmark per heading. What it does not do: CSS ``target-counter()`` (the contents are
printed as links without page numbers, which ``contents_pages`` writes in afterwards) and
the PDF/UA identification in the metadata — which WeasyPrint does write
(``KOERS_REPORT_PDF_ENGINE=weasyprint``).

It runs as a child process of the job that makes the report, headless, without network
(the page is a local file whose only outside parts are data URIs, with no script: every
user text is escaped; background networking and extensions are off), in a throw-away
profile, and it is stopped after ``KOERS_REPORT_PDF_SECONDS``.

The job speaks Chromium's DevTools protocol over a pipe (``--remote-debugging-pipe``:
JSON messages ended by a NUL byte, commands on the child's descriptor 3, answers on 4)
rather than using ``--print-to-pdf``: the command-line printer waits seconds longer for
the same PDF (1,000 actions: about 4 s of 15).
"""

import base64
import contextlib
import fcntl
import json
import logging
import os
import select
import shutil
import signal
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)
CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
READ_CHUNK = 4 * 1024 * 1024

FLAGS = (
    "--headless",
    "--no-sandbox",  # the job's own process limits apply; it may run as root in a container
    "--disable-gpu",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-sync",
    "--no-first-run",
    "--remote-debugging-pipe",
)


def chromium_binary() -> str | None:
    """The Chromium to print with: ``KOERS_CHROMIUM`` or the first one on the PATH."""
    configured = settings.KOERS_CHROMIUM
    if configured:
        return configured if Path(configured).exists() else None
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


class PrintFailed(Exception):
    """Chromium stopped, answered with an error or took too long."""


def _moved_up(descriptor: int) -> int:
    moved = fcntl.fcntl(descriptor, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(descriptor)
    return moved


class DevToolsPipe:
    """One Chromium child and the two pipes of its DevTools protocol."""

    def __init__(self, binary: str, profile: Path, deadline: float):
        self.deadline = deadline
        self.next_id = 0
        self.buffer = b""
        self.events: list[dict] = []
        self.closing = False
        to_child_read, self.to_child = os.pipe()
        self.from_child, from_child_write = os.pipe()
        # Above 9, so that putting one on 3 or 4 never overwrites the other.
        to_child_read, from_child_write = (
            _moved_up(to_child_read),
            _moved_up(from_child_write),
        )
        # The child finds the protocol on descriptors 3 and 4; nothing else is inherited
        # (Python's own descriptors are close-on-exec), its output goes nowhere.
        self.pid = os.posix_spawn(
            binary,
            [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            os.environ,
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_DUP2, to_child_read, 3),
                (os.POSIX_SPAWN_DUP2, from_child_write, 4),
            ],
        )
        os.close(to_child_read)
        os.close(from_child_write)

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send a command and wait for its answer (events meanwhile are kept)."""
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        while True:
            answer = self.receive()
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise PrintFailed(f"{method}: {answer['error'].get('message')}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_for(self, event: str) -> dict:
        while True:
            for index, message in enumerate(self.events):
                if message.get("method") == event:
                    return self.events.pop(index)
            self.events.append(self.receive())

    def receive(self) -> dict:
        while b"\0" not in self.buffer:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _w, _x = select.select([self.from_child], [], [], left)
            if not ready:
                raise TimeoutError
            chunk = os.read(self.from_child, READ_CHUNK)
            if not chunk:
                raise PrintFailed("Chromium stopped")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self) -> None:
        for descriptor in (self.to_child, self.from_child):
            with contextlib.suppress(OSError):
                os.close(descriptor)
        # After Browser.close Chromium ends by itself; its helpers write to the profile
        # until it does, so the profile is removed only after that. Stopped at once when
        # the printing failed or took too long.
        until = time.monotonic() + (5 if self.closing else 0)
        while True:
            if os.waitpid(self.pid, os.WNOHANG) != (0, 0):
                return
            if time.monotonic() >= until:
                break
            time.sleep(0.05)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)


def _print(pipe: DevToolsPipe, page: Path, out: Path) -> None:
    target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    pipe.send("Page.enable", session=session)
    pipe.send("Page.navigate", {"url": page.as_uri()}, session=session)
    pipe.wait_for("Page.loadEventFired")
    stream = pipe.send(
        "Page.printToPDF",
        {
            "printBackground": True,
            "preferCSSPageSize": True,
            "displayHeaderFooter": False,
            "generateTaggedPDF": True,
            "generateDocumentOutline": True,
            "transferMode": "ReturnAsStream",
        },
        session=session,
    )["stream"]
    with out.open("wb") as pdf:
        while True:
            chunk = pipe.send("IO.read", {"handle": stream, "size": READ_CHUNK}, session=session)
            data = chunk.get("data", "")
            pdf.write(base64.b64decode(data) if chunk.get("base64Encoded") else data.encode())
            if chunk.get("eof"):
                break
    pipe.send("IO.close", {"handle": stream}, session=session)
    pipe.closing = True
    with contextlib.suppress(PrintFailed):  # Chromium may go before it answers
        pipe.send("Browser.close")


def print_to_pdf(html: str, out: Path) -> Path:
    binary = chromium_binary()
    if binary is None:
        raise ValidationError(_("Chromium is not installed; the accessible PDF cannot be made."))
    seconds = settings.KOERS_REPORT_PDF_SECONDS
    with tempfile.TemporaryDirectory(prefix="koers-print-", ignore_cleanup_errors=True) as folder:
        page = Path(folder) / "report.html"
        page.write_text(html, encoding="utf-8")
        pipe = DevToolsPipe(binary, Path(folder) / "profile", time.monotonic() + seconds)
        try:
            _print(pipe, page, out)
        except TimeoutError as error:
            out.unlink(missing_ok=True)
            raise ValidationError(
                _("Printing the PDF took longer than %(seconds)s seconds; it was stopped.")
                % {"seconds": seconds}
            ) from error
        except (PrintFailed, OSError, ValueError) as error:
            out.unlink(missing_ok=True)
            logger.warning("Chromium could not print a report: %s", error)
            raise ValidationError(_("Chromium could not print the PDF.")) from error
        finally:
            pipe.close()
    if not out.exists() or out.stat().st_size == 0:
        raise ValidationError(_("Chromium could not print the PDF."))
    return out
