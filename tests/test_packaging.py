"""The installed package carries every file Koers reads from its source tree.

The test suite and ``scripts/demo`` run Koers installed in editable mode, straight from
``src/``; the Dockerfile and docs/deployment.md install it with a plain ``pip install``,
which copies only what ``[tool.setuptools.package-data]`` names. A stylesheet or a schema
left out works in every test and fails only in production, so this builds the wheel as
pip would (offline, with the setuptools the development install brings) and compares.
"""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def tracked_files() -> list[str]:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: which files belong to Koers is git's list")
    listed = subprocess.run(
        ["git", "ls-files", "src/koers"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [name.removeprefix("src/") for name in listed]


def test_the_wheel_holds_every_file_of_the_source_tree(tmp_path):
    tracked = tracked_files()  # before the build: outside a checkout it skips
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--quiet",
            "--wheel-dir",
            str(tmp_path / "wheel"),
            str(source),
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "wheel").glob("koers-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        packed = set(archive.namelist())

    missing = [name for name in tracked if name not in packed]
    assert missing == []
    # what the pages and the importers read, by name (the comparison above would pass on an
    # empty list of tracked files)
    for needed in (
        "koers/portal/static/portal/portal.css",
        "koers/reporting/static/reporting/report.css",
        "koers/plans/document/schema/plan-document-2.schema.json",
        "koers/templates/base.html",
        "koers/locale/nl/LC_MESSAGES/django.mo",
    ):
        assert needed in packed, needed
