"""Turn existing plan documents into PlanDocuments.

Pure Python, without Django: a *reader* per file format turns bytes into
:class:`~koers.importers.lines.Line` objects, a *family* parser per kind of
document turns lines into a :class:`~koers.importers.draft.Draft`, and the draft
becomes a PlanDocument (``draft.to_plan_document()``). :func:`import_document`
does all three.
"""

from koers.importers.errors import DocumentError
from koers.importers.pipeline import ImportResult, import_document

__all__ = ["DocumentError", "ImportResult", "import_document"]
