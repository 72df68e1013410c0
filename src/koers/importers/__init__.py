"""Turn existing plan documents into PlanDocuments.

Pure Python, without Django: a *reader* per file format turns bytes into
:class:`~koers.importers.lines.Line` objects, a *family* parser per kind of
document turns lines into a :class:`~koers.importers.draft.Draft`, and the draft
becomes a PlanDocument (``draft.to_plan_document()``). :func:`import_document`
does all three, within the bounds of :class:`ImportLimits`;
:func:`import_document_isolated` does it in a child process that is also bounded
in seconds and memory.
"""

from koers.importers.errors import DocumentError
from koers.importers.isolation import import_document_isolated, read_document_isolated
from koers.importers.limits import DEFAULT_LIMITS, ImportLimits
from koers.importers.pipeline import ImportResult, import_document

__all__ = [
    "DEFAULT_LIMITS",
    "DocumentError",
    "ImportLimits",
    "ImportResult",
    "import_document",
    "import_document_isolated",
    "read_document_isolated",
]
