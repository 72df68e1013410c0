"""`koers demo`, the README's first command, serves the demo with the public demo key."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.real_clock
def test_koers_demo_serves_with_the_demo_key_and_koers_serve_refuses_it(tmp_path):
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("KOERS_") and name != "DJANGO_SETTINGS_MODULE"
    }
    env["KOERS_DATA_DIR"] = str(tmp_path / "var")
    port = _free_port()
    log = tmp_path / "demo.log"
    with log.open("wb") as errors:
        _serve_demo(env, tmp_path, port, errors, log)
    # The same database, served by `koers serve` with the demo key and debug off: refused.
    refused = subprocess.run(
        [sys.executable, "-m", "koers.cli", "serve", f"--addrport=127.0.0.1:{_free_port()}"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0
    assert "public demo secret key" in refused.stderr


def _serve_demo(env, tmp_path, port, errors, log) -> None:
    demo = subprocess.Popen(
        [sys.executable, "-m", "koers.cli", "demo", f"--addrport=127.0.0.1:{port}"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=errors,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        answer = None
        while time.monotonic() < deadline and demo.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5) as r:
                    answer = (r.status, r.read())
                if json.loads(answer[1])["status"] == "ok":  # its worker may start later
                    break
                time.sleep(0.5)
            except OSError:
                time.sleep(0.5)
        assert answer is not None and answer[0] == 200, log.read_text()[-2000:]
        health = json.loads(answer[1])
        # the demo's database, files and its own worker all answer
        assert (health["status"], health["database"], health["storage"]) == ("ok", "ok", "ok")
        assert health["workers"]["status"] == "ok"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/voorbeeld/", timeout=10) as r:
            assert r.status == 200
    finally:
        os.killpg(demo.pid, 15)
        demo.wait(timeout=60)
