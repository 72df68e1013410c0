"""A throwaway PostgreSQL server for the test run, started from Debian's server programs.

``initdb`` refuses to run as root, so as root the server runs as the ``postgres``
system user (created by Debian's postgresql package) through ``runuser``.
"""

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _bindir() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not candidates:
        raise RuntimeError(
            "PostgreSQL server programs not found: install Debian's 'postgresql' package "
            "(scripts/install-debian-packages does it)."
        )
    return Path(candidates[-1]).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(settings: dict[str, str] | None = None) -> dict:
    """Start a server on a free loopback port; it is stopped and removed at exit.

    ``settings``: further server settings (``{"shared_buffers": "4GB"}``)."""
    bindir = _bindir()
    base = Path(tempfile.mkdtemp(prefix="koers-pg-"))
    data, log = base / "data", base / "server.log"
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, user="postgres")
        os.chmod(base, 0o700)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()

    def run(*args: str) -> None:
        subprocess.run(
            [*prefix, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    run(
        str(bindir / "initdb"),
        "-D",
        str(data),
        "-U",
        "koers",
        "--auth=trust",
        "--encoding=UTF8",
        "--no-locale",
    )
    options = (
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off"
    )
    for name, value in (settings or {}).items():
        options += f" -c {name}={value}"
    run(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start")

    def stop() -> None:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(base, ignore_errors=True)

    atexit.register(stop)
    return {
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "USER": "koers",
        "PASSWORD": "",
        "NAME": "koers",
    }
