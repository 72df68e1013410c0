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


def proxy_ssl_header(parts: list[str]) -> tuple[str, str] | None:
    """``KOERS_PROXY_SSL_HEADER``: header and value that mark a request as HTTPS.

    ``HTTP_X_FORWARDED_PROTO,https`` (Django's form) or ``X-Forwarded-Proto,https``;
    empty: no such header is trusted.
    """
    if not parts:
        return None
    if len(parts) != 2:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "KOERS_PROXY_SSL_HEADER needs a header and a value, e.g. X-Forwarded-Proto,https"
        )
    header, value = parts
    header = header.upper().replace("-", "_")
    if not header.startswith("HTTP_"):
        header = "HTTP_" + header
    return header, value
