"""Koers: plan, follow up, report on and publish a local government's multi-year plan."""

__version__ = "0.1.0"
