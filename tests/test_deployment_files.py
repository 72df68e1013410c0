"""The Dockerfile, compose.yaml and the systemd units against the code they start.

No container runtime runs here, so these read the files and check what can be checked
without one: every KOERS_* variable they set is a setting Koers reads, every command and
module they start exists, the image runs as a non-root user with ``koers`` as entrypoint
and installs the Debian packages the workers need.
"""

import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "koers"


def koers_settings() -> set[str]:
    """Every ``KOERS_*`` variable the code reads through koers/env.py (and the few read
    from os.environ directly)."""
    names = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names |= {
            "KOERS_" + name
            for name in re.findall(r"env_(?:str|int|bool|list)\(\s*\"([A-Z0-9_]+)\"", text)
        }
        names |= set(re.findall(r"\"(KOERS_[A-Z0-9_]+)\"", text))
    # env_str also reads NAME_FILE for every NAME
    return names | {name + "_FILE" for name in names}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_runs_postgres_web_workers_and_migrations(compose):
    services = compose["services"]
    assert set(services) == {"db", "web", "worker", "migrate"}
    assert services["db"]["image"].startswith("postgres:")
    assert services["web"]["entrypoint"] == ["gunicorn"]
    web = services["web"]["command"]
    assert web[:3] == ["-c", "python:koers.gunicorn_conf", "koers.wsgi:application"]
    assert services["worker"]["command"][0] == "worker"
    assert "koers migrate" in services["migrate"]["entrypoint"][-1]
    for name in ("web", "worker", "migrate"):
        service = services[name]
        assert service["build"] == "."
        assert service["depends_on"] == {"db": {"condition": "service_healthy"}}
        assert service["volumes"] == ["koers-data:/var/lib/koers"]
    assert set(compose["volumes"]) == {"postgres-data", "koers-data"}


def test_compose_sets_only_settings_that_exist(compose):
    known = koers_settings()
    environment = compose["services"]["web"]["environment"]
    assert environment is compose["services"]["worker"]["environment"]  # one anchor
    unknown = sorted(name for name in environment if name not in known)
    assert unknown == []
    assert environment["KOERS_DATABASE_URL"].startswith("postgres://koers:")
    assert environment["KOERS_DATABASE_URL"].endswith("@db:5432/koers")
    assert environment["KOERS_LOG_FORMAT"] == "json"
    assert environment["KOERS_TASK_BACKEND"] == "database"


def test_compose_commands_exist():
    commands = get_commands()
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert "worker" in commands
    for command in ("migrate", "createcachetable"):
        assert f"koers {command}" in compose["services"]["migrate"]["entrypoint"][-1]
        assert command in commands
    assert (SRC / "gunicorn_conf.py").is_file() and (SRC / "wsgi.py").is_file()


def _instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", text)
    lines = [line.strip() for line in text.splitlines()]
    return [
        tuple(line.split(None, 1))  # type: ignore[misc]
        for line in lines
        if line and not line.startswith("#")
    ]


def test_dockerfile_base_user_entrypoint_and_sources():
    steps = _instructions()
    # Debian's Python, as docs/deployment.md installs it without containers
    assert steps[0] == ("FROM", "debian:bookworm-slim")
    kinds = [kind for kind, _ in steps]
    users = [value for kind, value in steps if kind == "USER"]
    assert users == ["koers"]
    # the user is set before the entrypoint and after every RUN that installs (as root)
    installing = [
        i
        for i, (kind, value) in enumerate(steps)
        if kind == "RUN" and ("apt-get" in value or "pip install" in value)
    ]
    assert len(installing) == 2
    assert max(installing) < kinds.index("USER") < kinds.index("ENTRYPOINT")
    assert ("ENTRYPOINT", '["koers"]') in steps
    env = " ".join(value for kind, value in steps if kind == "ENV")
    assert "PATH=/opt/koers/venv/bin:$PATH" in env
    assert "python3 -m venv /opt/koers/venv" in " ".join(v for k, v in steps if k == "RUN")
    for kind, value in steps:
        if kind == "COPY":
            for source in value.split()[:-1]:
                assert (ROOT / source).exists(), source
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert not {"src", "pyproject.toml", "README.md", "LICENSE"} & set(ignored)


def test_dockerfile_installs_what_the_workers_need():
    run = " ".join(value for kind, value in _instructions() if kind == "RUN")
    script = (ROOT / "scripts" / "install-debian-packages").read_text(encoding="utf-8")
    wanted = set(re.findall(r"packages\+=\(([^)]*)\)", script))
    runtime = {
        package
        for group in wanted
        for package in group.split()
        # the database server and the office suite serve the test suite only
        if package not in {"postgresql", "libreoffice-writer-nogui"}
    }
    assert runtime == {
        "chromium",
        "gettext",
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz-subset0",
        "fonts-dejavu-core",
        "poppler-utils",
        "tesseract-ocr",
        "tesseract-ocr-nld",
    }
    installed = set(run.split())
    assert runtime | {"python3", "python3-venv"} <= installed
    assert "--no-install-recommends" in installed
    assert "rm -rf /var/lib/apt/lists/*" in run


@pytest.mark.parametrize("unit", ["koers-web.service", "koers-worker.service"])
def test_systemd_units(unit):
    text = (ROOT / "deploy" / "systemd" / unit).read_text(encoding="utf-8")
    sections = re.findall(r"^\[(\w+)\]$", text, flags=re.M)
    assert sections == ["Unit", "Service", "Install"]
    values = dict(
        line.split("=", 1)
        for line in text.splitlines()
        if "=" in line and not line.startswith("#") and not line.startswith("Environment=")
    )
    assert values["User"] == "koers"
    assert values["EnvironmentFile"] == "/etc/koers/koers.env"
    known = koers_settings()
    for name in re.findall(r"^Environment=(\w+)=", text, flags=re.M):
        assert name in known or name == "HOME", name
    command = shlex.split(values["ExecStart"])
    if unit == "koers-web.service":
        assert command[:4] == [
            "/opt/koers/venv/bin/gunicorn",
            "-c",
            "python:koers.gunicorn_conf",
            "koers.wsgi:application",
        ]
    else:
        assert command[:2] == ["/opt/koers/venv/bin/koers", "worker"]
        assert values["KillMode"] == "mixed"


def test_env_example_names_settings_that_exist():
    known = koers_settings()
    text = (ROOT / "deploy" / "koers.env.example").read_text(encoding="utf-8")
    names = re.findall(r"^(KOERS_\w+)=", text, flags=re.M)
    compose_only = {"KOERS_WEB_WORKERS", "KOERS_WORKER_PROCESSES"}
    assert [name for name in names if name not in known | compose_only] == []
    compose_text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    for name in compose_only | set(re.findall(r"^(POSTGRES_\w+)=", text, flags=re.M)):
        assert "${" + name in compose_text, name
