"""Connectors: values of indicators fetched from public sources (see :mod:`.base`)."""

from koers.indicators.connectors import cbs  # noqa: F401 (registers the connector)
from koers.indicators.connectors.base import (  # noqa: F401
    Connector,
    Fetched,
    FetchedRow,
    FetchError,
    Limits,
    Parameter,
    choices,
    connector,
    limits,
    read_json,
    register,
)
