import os

from django.db import connection

from koers import env


def test_suite_runs_on_the_database_it_was_asked_for(db):
    expected = "postgresql" if os.environ.get("KOERS_TEST_POSTGRES") == "1" else "sqlite"
    assert connection.vendor == expected


def test_environment_helpers(monkeypatch, tmp_path):
    monkeypatch.setenv("KOERS_DEBUG", "yes")
    monkeypatch.setenv("KOERS_ALLOWED_HOSTS", "koers.example, intern.example")
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.delenv("KOERS_SECRET_KEY", raising=False)
    monkeypatch.setenv("KOERS_SECRET_KEY_FILE", str(secret))
    assert env.env_bool("DEBUG") is True
    assert env.env_list("ALLOWED_HOSTS", []) == ["koers.example", "intern.example"]
    assert env.env_str("SECRET_KEY") == "from-a-file"
    assert env.env_int("MISSING", 7) == 7


def test_data_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("KOERS_DATA_DIR", str(tmp_path / "elders"))
    assert env.data_dir() == (tmp_path / "elders").resolve()
    assert not (tmp_path / "elders").exists()  # reading settings creates nothing


def test_compiled_dutch_catalogue_matches_the_source():
    """The committed .mo holds every message of the committed .po (run compilemessages)."""
    import gettext
    import re
    from pathlib import Path

    folder = Path(__file__).parents[1] / "src" / "koers" / "locale" / "nl" / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    source = (folder / "django.po").read_text(encoding="utf-8")
    count = len(re.findall(r"^msgid ", source, flags=re.MULTILINE)) - 1  # minus the header
    assert len(compiled._catalog) - 1 >= count  # plural entries count twice in the .mo
    assert compiled.gettext("Log out") == "Afmelden"
