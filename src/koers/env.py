"""Typed readers for the ``KOERS_*`` environment variables.

Every variable Koers reads is read through one of these helpers, so that
``docs/configuration.md`` can list them all. A secret may also be given as a
file: ``KOERS_SECRET_KEY_FILE=/run/secrets/key`` is read when
``KOERS_SECRET_KEY`` is absent.
"""

import os
from pathlib import Path

PREFIX = "KOERS_"


def env_str(name: str, default: str = "") -> str:
    value = os.environ.get(PREFIX + name)
    if value is not None:
        return value
    file_name = os.environ.get(PREFIX + name + "_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return default


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name, "")
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def env_int(name: str, default: int) -> int:
    value = env_str(name, "")
    return int(value) if value.strip() else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name, "")
    if not value.strip():
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def data_dir() -> Path:
    """Where the SQLite database and uploaded files live (not created here)."""
    return Path(env_str("DATA_DIR", str(Path.cwd() / "var"))).resolve()
