"""Benchmarks build and read data of many organisations as the installation's operator does,
outside any one organisation's scope (like Koers's own commands: see docs/architecture.md,
"Tenant scoping"). Requests they send still enter their organisation's scope in the
middleware, so the pages measured are the real, scoped ones.

Import right after ``django.setup()``; the rest of the script then runs unscoped.
"""

from django_scopes import scopes_disabled

_operator = scopes_disabled()  # kept, so that the scope stays open for the whole script
_operator.__enter__()
