"""Start the test OpenID Connect provider in its own process on a free port of 127.0.0.1,
with a fresh SQLite database and an RSA key made now; stop it afterwards."""

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).parents[2]
CLIENT_ID = "koers-test-client"
CLIENT_SECRET = "koers-test-secret-" + "x" * 20
PASSWORD = "provider-password"


@dataclass
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    password: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def oidc_provider(
    directory: Path,
    users: list[dict],
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str] = (),
):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(directory / "provider.sqlite3"),
        "OIDC_PROVIDER_RSA_KEY": pem,
        "PYTHONPATH": str(ROOT),
    }
    users = [
        {"password": PASSWORD, "first_name": "", "last_name": "", "username": u["email"], **u}
        for u in users
    ]
    config = {
        "users": users,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": redirect_uris,
        "post_logout_redirect_uris": list(post_logout_redirect_uris),
    }
    subprocess.run(
        [sys.executable, "-m", "tests.oidc_provider.setup_provider", json.dumps(config)],
        env=env,
        cwd=ROOT,
        check=True,
    )
    port = _free_port()
    log = open(directory / "provider.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(base + "/o/.well-known/openid-configuration/", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((directory / "provider.log").read_text())
            time.sleep(0.2)
        yield Provider(base + "/o", CLIENT_ID, CLIENT_SECRET, PASSWORD)
    finally:
        process.terminate()
        process.wait(10)
        log.close()
