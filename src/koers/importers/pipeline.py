"""File → lines → draft → PlanDocument, in one call."""

from dataclasses import dataclass
from pathlib import PurePath

from koers.importers.draft import Draft, Warning
from koers.importers.errors import DocumentError
from koers.importers.families import FAMILIES, detect
from koers.importers.indicator_tables import extract as read_indicator_tables
from koers.importers.limits import DEFAULT_LIMITS, ImportLimits, check, limit_error, megabytes
from koers.importers.money_tables import read_money_tables
from koers.importers.noise import drop_noise
from koers.importers.readers import format_of, read_document

DEFAULT_MAX_BYTES = DEFAULT_LIMITS.max_bytes
MAX_WARNINGS = 500  # more are summed up in one warning, so that a preview stays small


@dataclass
class ImportResult:
    format: str
    family: str
    detected: str
    scores: dict[str, int]
    draft: Draft
    document: dict

    @property
    def warnings(self) -> list[Warning]:
        return self.draft.warnings

    @property
    def counts(self) -> dict[str, int]:
        return self.draft.counts()


def finish_draft(draft: Draft, filename: str, limits: ImportLimits) -> None:
    """The last steps of every draft, of one file or of a ZIP's merged pages: its items
    held to the limit, warnings beyond ``MAX_WARNINGS`` summed up in one, and a title
    from the file's name when the document gave none."""
    check("too_many_items", sum(draft.counts().values()), limits.max_items)
    if len(draft.warnings) > MAX_WARNINGS:
        left_out = len(draft.warnings) - MAX_WARNINGS
        del draft.warnings[MAX_WARNINGS:]
        draft.warn("more_warnings", "%(count)s more warnings were left out.", count=left_out)
    if not draft.title:
        draft.title = PurePath(filename).stem.replace("_", " ").strip() or "Import"


def import_document(
    data: bytes,
    filename: str,
    *,
    family: str | None = None,
    max_bytes: int | None = None,
    progress=None,
    columns: dict[str, str] | None = None,
    limits: ImportLimits | None = None,
) -> ImportResult:
    """Read a document and turn it into a PlanDocument.

    ``columns`` maps fields to a spreadsheet's headings ('title': 'Naam') where the
    headings are not the usual ones. Raises :class:`DocumentError` for a file that
    cannot be read at all or goes beyond one of the ``limits`` (``max_bytes``
    overrides their upload size); anything readable gives a result, at worst an
    empty draft with warnings. Seconds and memory are bounded only by
    :func:`~koers.importers.isolation.import_document_isolated`.
    """
    limits = limits or DEFAULT_LIMITS
    if max_bytes is not None:
        limits = limits.but(max_bytes=max_bytes)
    if family is not None and family not in FAMILIES:
        raise DocumentError(
            "unknown_family",
            "Unknown document family '%(family)s'; choose one of %(families)s.",
            family=family,
            families=", ".join(FAMILIES),
        )
    if len(data) > limits.max_bytes:
        raise limit_error(
            "too_large",
            size=megabytes(len(data)),
            limit=megabytes(limits.max_bytes),
        )
    if format_of(filename) == "zip":  # saved pages of one plan website: merged into one plan
        from koers.importers.archive import import_archive

        return import_archive(data, filename, family=family, limits=limits, progress=progress)
    notes: list[tuple[str, str, dict]] = []  # what a reader has to say (OCR used, not available)
    try:
        fmt, lines = read_document(data, filename, progress=progress, limits=limits, notes=notes)
        step = _Steps(progress, fmt)
        step("read")
        dropped = 0
        if fmt in ("csv", "xlsx"):
            detected, scores = "table", {}
            chosen = "table"
        else:
            lines, dropped = drop_noise(lines)
            detected, scores = detect(lines)
            chosen = family or detected  # 'table' reads the tables of an HTML or Word file
        parse = FAMILIES[chosen]
        draft = parse(lines, columns) if chosen == "table" else parse(lines)
        read_indicator_tables(draft)
        if chosen != "table":
            read_money_tables(draft, lines)
    except RecursionError as error:
        raise DocumentError("too_deep", "The document is nested too deeply to import.") from error
    step("parsed")
    for code, message, params in notes:
        draft.warn(code, message, **params)
    if dropped:
        draft.warn(
            "noise_dropped",
            "%(count)s lines of page chrome (navigation, page numbers, repeated widgets) were "
            "left out.",
            count=dropped,
        )
    finish_draft(draft, filename, limits)
    if not lines and not notes:
        draft.warn("no_text", "The document contains no text (a scanned PDF has no text layer).")
    document = draft.to_plan_document()
    step("built")
    document["source"].update({"file": PurePath(filename).name, "format": fmt})
    return ImportResult(fmt, chosen, detected, scores, draft, document)


class _Steps:
    """Progress for formats read in one go: three steps (PDF reports its pages itself)."""

    ORDER = ("read", "parsed", "built")

    def __init__(self, progress, fmt: str):
        self.progress = progress if fmt != "pdf" else None

    def __call__(self, name: str) -> None:
        if self.progress is not None:
            self.progress(self.ORDER.index(name) + 1, len(self.ORDER))
