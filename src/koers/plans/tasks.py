"""Uploaded documents are read as background tasks (see ``koers.jobs``)."""

from django_tasks import task

from koers.accounts.scoping import in_scope_of, scope_of
from koers.importers import DocumentError
from koers.jobs.services import Interruption, when_interrupted
from koers.plans.models import DocumentImport
from koers.plans.services import document_import

INTERRUPTED = "The work was interrupted (the worker stopped)."  # koers.jobs' own message


@task
@in_scope_of(DocumentImport)
def read_document_import(draft_id: int) -> None:
    """Read one stored upload within the import limits; its DocumentImport says how it went."""
    try:
        document_import.read_stored(draft_id)
    except BaseException:
        # Stopped from outside, or the database failed: the draft must not stay "reading".
        document_import.refuse(draft_id, DocumentError("interrupted", INTERRUPTED))
        raise


@when_interrupted(read_document_import)
def _interrupted(interruption: Interruption) -> None:
    """The worker reading the document died: it is read again, or refused with the reason."""
    (draft_id,) = interruption.args
    if not interruption.retry:
        with scope_of(DocumentImport, draft_id):
            document_import.refuse(draft_id, DocumentError("interrupted", INTERRUPTED))
