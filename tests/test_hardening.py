"""Hardening: Content-Security-Policy, HTTPS settings, the demo key, the API schema,
the Server header, ``check --deploy`` with the documented production settings, /health/."""

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

KOERS = str(Path(sys.executable).with_name("koers"))
STRONG_KEY = "k7Qe2-Xw9pLr5Tz0Vb3Nm8Jc1Hf6Gd4Sa-Yu7Io2Pe9Wq3Rt5Ey0Ul8Kj6Hg1Fd"
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'{nonce}; img-src 'self' data:; "
    "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
# The production settings of docs/deployment.md, and nothing else of the caller's.
PRODUCTION = {
    "KOERS_SECRET_KEY": STRONG_KEY,
    "KOERS_DEBUG": "false",
    "KOERS_ALLOWED_HOSTS": "plan.voorbeeld.be",
    "KOERS_SECURE_COOKIES": "true",
    "KOERS_HSTS_SECONDS": "31536000",
    "KOERS_SSL_REDIRECT": "true",
}


def _environment(tmp_path, **values):
    """A clean environment: no KOERS_* variable of the test run leaks into the child."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KOERS_", "DJANGO_"))}
    env.update(KOERS_DATA_DIR=str(tmp_path / "data"), **values)
    return env


def _directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return dict(parts)


def _assert_policy(response, nonce: bool):
    header = response.headers["Content-Security-Policy"]
    found = _directives(header)
    if nonce:
        match = re.fullmatch(r"'self' 'nonce-([A-Za-z0-9+/=]{24})'", found["style-src"])
        assert match, found["style-src"]
        assert f'content="{match.group(1)}"' in response.content.decode()
        expected = POLICY.format(nonce=f" 'nonce-{match.group(1)}'")
    else:
        expected = POLICY.format(nonce="")
    assert found == _directives(expected)
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    assert found["script-src"] == "'self'"


def test_policy_on_the_login_page(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    _assert_policy(response, nonce=True)


def test_policy_on_application_pages(demo, login):
    client = login("coordinator@voorbeeld.be")
    plan = demo.plan
    for url in (
        reverse("plans:plan_list", kwargs={"org": "voorbeeld"}),
        reverse("plans:plan_tree", kwargs={"org": "voorbeeld", "pk": plan.pk}),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_policy(response, nonce=True)
        assert ' style="' not in response.content.decode()
        assert "<script>" not in response.content.decode()


def test_policy_on_the_public_portal(demo, client):
    response = client.get(reverse("portal:home", kwargs={"org": "voorbeeld"}))
    assert response.status_code == 200
    _assert_policy(response, nonce=False)  # the portal has no rich-text editor
    page = response.content.decode()
    assert ' style="' not in page and "<style" not in page and "<script>" not in page
    # the organisation's colour comes from a stylesheet of Koers itself, not an inline style
    assert '<link rel="stylesheet" href="/voorbeeld/theme.css?v=1d4f91">' in page


def _settings_of_child(tmp_path, names, **env):
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=_environment(tmp_path, DJANGO_SETTINGS_MODULE="koers.settings", **env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_https_settings_come_from_the_environment(tmp_path):
    names = ["SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER"]
    assert _settings_of_child(tmp_path, names) == {
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_PROXY_SSL_HEADER": None,
    }
    assert _settings_of_child(
        tmp_path,
        names,
        KOERS_HSTS_SECONDS="31536000",
        KOERS_SSL_REDIRECT="true",
        KOERS_PROXY_SSL_HEADER="X-Forwarded-Proto,https",
    ) == {
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


@override_settings(
    SECURE_HSTS_SECONDS=31536000,
    SECURE_SSL_REDIRECT=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
def test_redirect_hsts_and_the_proxy_header_at_work(db):
    client = Client()
    plain = client.get("/accounts/login/")
    assert plain.status_code == 301
    assert plain.headers["Location"] == "https://testserver/accounts/login/"
    proxied = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
    assert proxied.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert proxied.headers["Referrer-Policy"] == "same-origin"
    # A load balancer's probe over plain HTTP is answered, not redirected.
    assert client.get("/health/").status_code == 200


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    result = subprocess.run(
        [KOERS, "check", "--deploy", "--fail-level", "WARNING"],
        env=_environment(tmp_path, **PRODUCTION),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_the_demo_key_is_refused_when_debug_is_off(tmp_path):
    env = _environment(tmp_path, KOERS_DEBUG="false")
    result = subprocess.run([KOERS, "check"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "(koers.E001) Koers is running with the public demo secret key" in result.stderr
    # gunicorn and uvicorn load koers.wsgi / koers.asgi: they refuse too.
    for module in ("koers.wsgi", "koers.asgi"):
        loaded = subprocess.run(
            [sys.executable, "-c", f"import {module}"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert loaded.returncode == 1
        assert "ImproperlyConfigured: Koers is running with the public demo" in loaded.stderr
    # With a key of its own, or in debug mode on a laptop, it starts.
    for extra in ({"KOERS_SECRET_KEY": STRONG_KEY}, {"KOERS_DEBUG": "true"}):
        ok = subprocess.run(
            [KOERS, "check"], env={**env, **extra}, capture_output=True, text=True, timeout=120
        )
        assert ok.returncode == 0, ok.stderr


def test_the_demo_runs_with_the_demo_key(tmp_path):
    result = subprocess.run(
        [KOERS, "demo", "--no-serve"],
        env=_environment(tmp_path, KOERS_DEBUG="false"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "coordinator@voorbeeld.be" in result.stdout


def test_the_api_schema_is_for_logged_in_users_only(demo, client, login):
    url = reverse("api-schema")
    assert client.get(url, HTTP_ACCEPT="application/json").status_code == 403
    response = login("reader@voorbeeld.be").get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "/api/v1/{org}/plans/" in response.content.decode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str):
    """(status, Server headers) of a GET, the connection closed."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers.get_all("Server")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers.get_all("Server")


@pytest.mark.parametrize("server", ["koers serve", "gunicorn"])
def test_the_server_header_names_no_software_version(tmp_path, server):
    port = _free_port()
    command = {
        "koers serve": [KOERS, "serve", "--addrport", f"127.0.0.1:{port}"],
        "gunicorn": [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "python:koers.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
            "koers.wsgi:application",
        ],
    }[server]
    env = _environment(tmp_path, KOERS_SECRET_KEY=STRONG_KEY, KOERS_DEBUG="false")
    (tmp_path / "data").mkdir()
    if server == "gunicorn":  # an installation with its tables, as after koers migrate
        subprocess.run([KOERS, "migrate"], env=env, check=True, capture_output=True)
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                health = _get(f"http://127.0.0.1:{port}/health/")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, f"{command[0]} did not start"
                time.sleep(0.5)
        assert health == (200, ["Koers"])
        assert _get(f"http://127.0.0.1:{port}/static/nothing-here.css") == (404, ["Koers"])
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_health_answers_200_without_login_or_session(db, client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "storage": "ok",
        "workers": {"status": "not used"},
    }
    assert "Set-Cookie" not in response.headers
    assert not client.cookies
    assert client.post("/health/").status_code == 405


def test_health_answers_503_when_the_database_does_not(tmp_path):
    # A PostgreSQL server that is not there: nothing listens on this port.
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/health/'); print(r.status_code, r.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=_environment(
            tmp_path,
            DJANGO_SETTINGS_MODULE="koers.settings",
            KOERS_DEBUG="true",
            KOERS_DATABASE_URL=f"postgres://koers@127.0.0.1:{_free_port()}/koers",
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503"
    assert json.loads(body) == {
        "status": "unavailable",
        "database": "unreachable",
        "storage": "ok",
    }


def test_no_organisation_can_take_the_health_address():
    from django.core.exceptions import ValidationError

    from koers.accounts.models import validate_free_slug

    with pytest.raises(ValidationError):
        validate_free_slug("health")
