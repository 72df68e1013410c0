"""Upload → preview → confirm: documents read by :mod:`koers.importers` become plans.

The uploaded file is kept in the ``imports`` storage (:mod:`koers.storage`), named by
a :class:`~koers.plans.models.DocumentImport` (state *reading*), and read by a
background task (:mod:`koers.plans.tasks`) in a child process bounded by the import
limits (``KOERS_IMPORT_*``, see :func:`import_limits`); the record becomes *ready* with
the PlanDocument, or *refused* with the reason and without its file. What can be refused without
reading (size, file type, content that does not match the name) is refused at
once and nothing is stored. The PlanDocument is kept until the user confirms. On
confirmation the user's choices (items left out, levels changed) are applied to
the document, which then loads as a new plan or as non-public items at the end
of an existing plan. Loading is one transaction: it works whole or not at all.
"""

import copy
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from koers.accounts.actor import Actor
from koers.accounts.permissions import MANAGE_PLANS
from koers.accounts.services import add_named_departments
from koers.importers import (
    DocumentError,
    ImportLimits,
    import_document_isolated,
    read_document_isolated,
)
from koers.importers.families import FAMILIES, table
from koers.importers.limits import limit_error, megabytes
from koers.importers.readers import check_content, format_of
from koers.plans.document.indicators import check_indicators, write_indicators
from koers.plans.document.load import LoadResult, insert_items, load_plan_document
from koers.plans.document.validation import validate
from koers.plans.import_messages import error_text, location_text, warning_text
from koers.plans.models import DocumentImport, Plan, PlanItem
from koers.plans.services import import_profiles
from koers.storage import delete_on_commit, read_bytes

KEEP_DRAFTS = timedelta(days=7)
MB = 1024 * 1024


def import_limits() -> ImportLimits:
    """The import limits of this installation (the ``KOERS_IMPORT_*`` settings)."""
    return ImportLimits(
        max_bytes=settings.KOERS_IMPORT_MAX_BYTES,
        max_unpacked_bytes=settings.KOERS_IMPORT_MAX_UNPACKED_MB * MB,
        max_zip_entries=settings.KOERS_IMPORT_MAX_ZIP_ENTRIES,
        max_compression_ratio=settings.KOERS_IMPORT_MAX_COMPRESSION_RATIO,
        max_rows=settings.KOERS_IMPORT_MAX_ROWS,
        max_columns=settings.KOERS_IMPORT_MAX_COLUMNS,
        max_cells=settings.KOERS_IMPORT_MAX_CELLS,
        max_cell_length=settings.KOERS_IMPORT_MAX_CELL_LENGTH,
        max_paragraphs=settings.KOERS_IMPORT_MAX_PARAGRAPHS,
        max_pages=settings.KOERS_IMPORT_MAX_PAGES,
        max_depth=settings.KOERS_IMPORT_MAX_DEPTH,
        max_items=settings.KOERS_IMPORT_MAX_ITEMS,
        max_seconds=settings.KOERS_IMPORT_MAX_SECONDS,
        max_memory_mb=settings.KOERS_IMPORT_MAX_MEMORY_MB,
    )


def read_file(
    filename: str,
    content: bytes,
    *,
    family: str | None = None,
    columns: dict[str, str] | None = None,
    progress=None,
):
    """Read a document within the import limits, in a child process (seconds and memory
    bounded too): the ImportResult, or :class:`DocumentError`. The web and ``koers
    import`` both read through here, so they give the same answer."""
    return import_document_isolated(
        content,
        filename,
        family=family or None,
        columns=columns or None,
        limits=import_limits(),
        progress=progress,
    )


def check_upload(filename: str, content: bytes, family: str | None = None) -> str:
    """Refuse what can be refused without reading (size, type, content that does not
    match the name, an unknown family); return the format."""
    limits = import_limits()
    if len(content) > limits.max_bytes:
        raise limit_error(
            "too_large", size=megabytes(len(content)), limit=megabytes(limits.max_bytes)
        )
    if family and family not in FAMILIES:
        raise DocumentError(
            "unknown_family",
            "Unknown document family '%(family)s'; choose one of %(families)s.",
            family=family,
            families=", ".join(FAMILIES),
        )
    fmt = format_of(filename)
    check_content(fmt, content)
    return fmt


def read_upload(
    organisation,
    user,
    filename: str,
    content: bytes,
    *,
    family: str | None = None,
    target_plan: Plan | None = None,
) -> DocumentImport:
    """Store an upload and have it read in the background.

    Raises :class:`DocumentError`, storing nothing, for a file refused without
    reading. Otherwise returns the DocumentImport: still *reading* while a worker
    has the task, or already *ready* or *refused* when it ran at once.
    """
    fmt = check_upload(filename, content, family)
    DocumentImport.objects.filter(
        organisation=organisation, created_at__lt=timezone.now() - KEEP_DRAFTS
    ).delete()
    draft = DocumentImport(
        organisation=organisation,
        created_by=user,
        filename=filename[:255],
        state=DocumentImport.State.READING,
        requested_family=family or "",
        format=fmt,
        target_plan=target_plan,
    )
    draft.save_with_file(content)
    _enqueue(draft)
    draft.refresh_from_db()
    return draft


def read_again(
    draft: DocumentImport, family: str | None = None, columns: dict[str, str] | None = None
) -> DocumentImport:
    """Read the stored file again in the background, as another family or with other
    spreadsheet columns."""
    DocumentImport.objects.filter(pk=draft.pk).update(
        state=DocumentImport.State.READING,
        requested_family=family or "",
        columns=columns or {},
    )
    _enqueue(draft)
    draft.refresh_from_db()
    return draft


def _enqueue(draft: DocumentImport) -> None:
    from koers.plans.tasks import read_document_import

    read_document_import.enqueue(draft.pk)


FILE_MISSING = gettext_noop(
    "The uploaded file of this draft is no longer available; upload it again."
)


def read_stored(draft_id: int) -> None:
    """Read a stored upload (the background task): the draft becomes ready or refused.

    Only a draft still *reading* is touched, with conditional updates: one discarded
    meanwhile stays discarded.
    """
    draft = DocumentImport.objects.filter(pk=draft_id, state=DocumentImport.State.READING)
    found = draft.values_list("filename", "file", "requested_family", "columns").first()
    if found is None:
        return
    filename, name, family, columns = found
    try:
        content = read_bytes(DocumentImport.file.field.storage, name)
    except FileNotFoundError:
        if not draft.exists():
            return  # discarded meanwhile: its file went with it
        # gone from the storage (a database restored without its files, a bucket
        # emptied): refused with the reason the preview gives for it too
        refuse(draft_id, DocumentError("file_missing", FILE_MISSING))
        return
    try:
        result = read_file(filename, content, family=family, columns=columns)
        # The first time: the layout, and the organisation's profile of it applied.
        on_read = import_profiles.apply_on_read(
            draft_id,
            filename,
            content,
            result,
            lambda family, columns: read_file(filename, content, family=family, columns=columns),
        )
    except DocumentError as error:
        refuse(draft_id, error)
        return
    result = on_read.result
    draft.update(
        **on_read.fields,
        state=DocumentImport.State.READY,
        format=result.format,
        family=result.family,
        detected_family=result.detected,
        document=result.document,
        warnings=[warning.as_dict() for warning in result.warnings],
    )


def refuse(draft_id: int, error: DocumentError) -> None:
    """Mark a draft that is being read refused, with the reason; its file and anything
    read are deleted."""
    reading = DocumentImport.objects.filter(pk=draft_id, state=DocumentImport.State.READING)
    name = reading.values_list("file", flat=True).first()
    refused = reading.filter(file=name or "").update(
        state=DocumentImport.State.REFUSED,
        refusal={"code": error.code, "message": error.message, "params": error.params},
        file="",
        document={},
        warnings=[],
    )
    if refused:
        delete_on_commit(DocumentImport.file.field.storage, name)


def refusal_text(draft: DocumentImport) -> str:
    """Why a draft was refused, in the active language."""
    refusal = draft.refusal or {}
    return error_text(
        DocumentError(
            refusal.get("code", ""), refusal.get("message", ""), **refusal.get("params", {})
        )
    )


def sheet_columns(draft: DocumentImport) -> tuple[tuple[str, ...], dict[str, str]]:
    """The header cells of an uploaded spreadsheet and the automatic field mapping."""
    try:
        _fmt, lines = read_document_isolated(
            draft.read_content(), draft.filename, limits=import_limits()
        )
    except DocumentError:  # read fine before; now (limits lowered?) not: no columns
        return (), {}
    return table.sheet_columns(lines)


@dataclass
class PreviewRow:
    number: int
    depth: int
    data: dict = field(repr=False)

    @property
    def title(self) -> str:
        return self.data["title"]

    @property
    def code(self) -> str:
        return self.data.get("code", "")

    @property
    def kind(self) -> str:
        return (self.data.get("source") or {}).get("kind", "")

    @property
    def source(self) -> dict:
        return self.data.get("source") or {}

    @property
    def milestone_count(self) -> int:
        return len(self.data.get("milestones", []))

    @property
    def budget_count(self) -> int:
        return len(self.data.get("budget_lines", []))

    @property
    def milestones(self) -> list[dict]:
        return [
            {**milestone, "where": location_text(milestone.get("source"))}
            for milestone in self.data.get("milestones", [])
        ]

    @property
    def budget_lines(self) -> list[dict]:
        return [
            {**line, "where": location_text(line.get("source"))}
            for line in self.data.get("budget_lines", [])
        ]


def preview_rows(document: dict) -> list[PreviewRow]:
    """The document's items in reading order, numbered, with their depth (1 = top)."""
    rows: list[PreviewRow] = []

    def visit(items: list[dict], depth: int) -> None:
        for item in items:
            rows.append(PreviewRow(len(rows), depth, item))
            visit(item.get("children", []), depth + 1)

    visit(document["plan"]["items"], 1)
    return rows


def counts(document: dict) -> dict[str, int]:
    rows = preview_rows(document)
    return {
        "items": len(rows),
        "milestones": sum(row.milestone_count for row in rows),
        "budget_lines": sum(row.budget_count for row in rows),
        "depth": max((row.depth for row in rows), default=0),
        "indicators": len(document.get("indicators") or []),
    }


def chosen_items(document: dict, keep: set[int], depths: dict[int, int]) -> list[dict]:
    """The item tree rebuilt from the kept rows at their chosen depths.

    A row's depth may be at most one deeper than the kept row before it; a row
    whose parent was left out goes under the nearest kept row above it.
    """
    top: list[dict] = []
    stack: list[dict] = []  # stack[d] = last kept item at depth d + 1
    for row in preview_rows(document):
        if row.number not in keep:
            continue
        item = {k: copy.deepcopy(v) for k, v in row.data.items() if k != "children"}
        item["children"] = []
        depth = max(1, min(depths.get(row.number, row.depth), len(stack) + 1))
        del stack[depth - 1 :]
        (stack[-1]["children"] if stack else top).append(item)
        stack.append(item)
    return top


def load_import(
    draft: DocumentImport,
    *,
    actor: Actor,
    keep: set[int] | None = None,
    depths: dict[int, int] | None = None,
    title: str = "",
    into: Plan | None = None,
) -> LoadResult:
    """Load the confirmed import as a new plan, or into ``into`` as non-public items."""
    actor.require(MANAGE_PLANS, organisation=draft.organisation_id)
    if into is not None:
        actor.require(MANAGE_PLANS, organisation=into.organisation_id)
    document = copy.deepcopy(draft.document)
    rows = preview_rows(document)
    keep = {row.number for row in rows} if keep is None else keep
    document["plan"]["items"] = chosen_items(document, keep, depths or {})
    if title.strip():
        document["plan"]["title"] = title.strip()[:300]
    with transaction.atomic():
        if into is None:
            result = load_plan_document(document, draft.organisation, actor=actor)
        else:
            if into.organisation_id != draft.organisation_id:
                raise PermissionDenied
            result = _load_into(document, into, actor)
        DocumentImport.objects.filter(pk=draft.pk).delete()
    return result


def _load_into(document: dict, plan: Plan, actor: Actor) -> LoadResult:
    validate(document)
    warnings: list[str] = []
    user = actor.user
    taken = set(PlanItem.objects.filter(plan=plan).exclude(code="").values_list("code", flat=True))

    def prepare(items: list[dict]) -> None:
        for item in items:
            item["public"] = False
            if item.get("code") in taken:
                warnings.append(
                    _(
                        "Code %(code)s is already used in the plan; '%(title)s' was added "
                        "without code."
                    )
                    % {"code": item["code"], "title": item["title"]}
                )
                del item["code"]
            prepare(item.get("children", []))

    items = document["plan"]["items"]
    levels = len(plan.terminology.levels)
    if _depth(items) > levels:
        raise ValidationError(
            _(
                "The plan has %(levels)s levels; the import has %(depth)s. Move items up in the "
                "list, or load them as a new plan."
            )
            % {"levels": levels, "depth": _depth(items)}
        )
    prepare(items)
    reason = _("Imported from %(file)s") % {"file": document.get("source", {}).get("file", "")}
    # The document's indicators, as a new plan gets them: checked, their departments added
    # through the department service, written, then linked by the items below.
    prepared = check_indicators(document, plan.organisation, warnings)
    named = [entry["department"] for entry in prepared.entries if entry.get("department")]
    add_named_departments(plan.organisation, named, actor=actor)
    indicators = write_indicators(prepared, user=user, reason=reason, now=timezone.now())
    root = PlanItem.objects.get(plan=plan, depth=1)
    inserted = insert_items(
        plan,
        root,
        items,
        user=user,
        reason=reason,
        warnings=warnings,
        base_path="$.plan.items",
    )
    return LoadResult(
        plan=plan, item_count=inserted.count, warnings=warnings, indicators=indicators
    )


def _depth(items: list[dict]) -> int:
    return max((1 + _depth(item.get("children", [])) for item in items), default=0)


def warning_messages(draft: DocumentImport) -> list[tuple[str, str]]:
    """(location, translated text) of every warning."""
    return [warning_text(warning) for warning in draft.warnings]


__all__ = [
    "DocumentError",
    "PreviewRow",
    "chosen_items",
    "counts",
    "import_limits",
    "load_import",
    "preview_rows",
    "read_again",
    "read_file",
    "read_stored",
    "read_upload",
    "refusal_text",
    "refuse",
    "warning_messages",
]
