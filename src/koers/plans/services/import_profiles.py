"""Import profiles: the preview remembers a coordinator's choices for the next document
of the same layout.

When a document is first read, its *layout fingerprint* is taken
(:func:`fingerprint`): the format, the family it was recognised as, the plan's
level names, and the set of item shapes (depth, kind and the pattern of the code:
``PE1-01`` → ``A9-9``), or a sheet's column headings; never its words, so that
next year's report of the same plan website or template has the same one. If the
organisation has an :class:`~koers.plans.models.ImportProfile` for that
fingerprint, it is applied (:func:`apply_on_read`, :func:`preset_rows`): the
document is read as the profile's family with its columns, and the preview starts
with the profile's levels and unticked items: per item (by code, else by title)
and per shape (every item of a kind at a depth moved alike, every item of a kind
left out). The preview says which profile it applied and offers not to apply it
(:func:`skip`).

On confirmation (:func:`remember`) the choices made are stored in the profile of
the layout: created when the coordinator changed something, updated when one was
applied (with its ``version`` checked: a profile changed meanwhile is not
overwritten). Profiles belong to one organisation; another's is never found.
"""

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F

from koers.accounts.locking import claim_version
from koers.plans.models import DocumentImport, ImportProfile

SHEET_FORMATS = ("csv", "xlsx")


# -- the layout ----------------------------------------------------------------------------------


def code_shape(code: str) -> str:
    """The pattern of a code, its letters and numbers left out: 'PE1-01' → 'A9-9'."""
    shape = re.sub(r"[0-9]+", "9", code or "")
    return re.sub(r"[^\W\d_]+", "A", shape)


def fingerprint(fmt: str, family: str, document: dict, header: tuple = ()) -> str:
    """The layout of a document read as ``family``: the same for another document of the
    same layout, whatever its words."""
    from koers.plans.services.document_import import preview_rows

    plan = document.get("plan") or {}
    shapes = sorted(
        {f"{row.depth}|{row.kind}|{code_shape(row.code)}" for row in preview_rows(document)}
    )
    levels = list((plan.get("terminology") or {}).get("levels") or [])
    headings = [str(cell).strip().casefold() for cell in header if str(cell).strip()]
    payload = json.dumps([fmt, family, levels, shapes, headings], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def item_key(row) -> str:
    """How an item is known again in the next document: its code, else its title."""
    if row.code:
        return f"code:{row.code.strip().upper()}"
    return "title:" + re.sub(r"\s+", " ", row.title).strip().casefold()[:200]


def shape_key(row) -> str:
    return f"{row.kind}@{row.depth}"


def find(organisation_id: int, fingerprint_: str) -> ImportProfile | None:
    """The organisation's profile of a layout; never another organisation's."""
    if not fingerprint_:
        return None
    return ImportProfile.objects.filter(
        organisation_id=organisation_id, fingerprint=fingerprint_
    ).first()


# -- reading ----------------------------------------------------------------------------------


@dataclass
class OnRead:
    """What reading a stored upload adds: the result to keep and the fields to store."""

    result: object
    fields: dict = field(default_factory=dict)


def apply_on_read(draft_id: int, filename: str, content: bytes, result, read) -> OnRead:
    """After a stored upload was read: take its layout the first time, and read it again
    as the organisation's profile of that layout says, unless the user chose otherwise.

    ``read(family, columns)`` reads the upload again (in the bounded child process).
    """
    found = (
        DocumentImport.objects.filter(pk=draft_id)
        .values(
            "organisation_id",
            "fingerprint",
            "profile_id",
            "profile_skipped",
            "requested_family",
            "columns",
        )
        .first()
    )
    if found is None:
        return OnRead(result)
    fields: dict = {}
    if found["fingerprint"]:
        return OnRead(result)  # read again at the user's request: nothing automatic
    header = _header(filename, content, result)
    fields["fingerprint"] = fingerprint(result.format, result.detected, result.document, header)
    if found["profile_skipped"] or found["requested_family"] or found["columns"]:
        return OnRead(result, fields)
    profile = find(found["organisation_id"], fields["fingerprint"])
    if profile is None:
        return OnRead(result, fields)
    fields["profile"] = profile
    ImportProfile.objects.filter(pk=profile.pk).update(times_applied=F("times_applied") + 1)
    family = profile.family if profile.family and profile.family != result.family else ""
    if family or profile.columns:
        result = read(family or None, profile.columns or None)
        fields.update(requested_family=family, columns=profile.columns or {})
    return OnRead(result, fields)


def _header(filename: str, content: bytes, result) -> tuple:
    if result.format not in SHEET_FORMATS:
        return ()
    from koers.importers import DocumentError, read_document_isolated
    from koers.importers.families import table
    from koers.plans.services.document_import import import_limits

    try:
        _fmt, lines = read_document_isolated(content, filename, limits=import_limits())
    except DocumentError:
        return ()
    return tuple(table.sheet_columns(lines)[0])


# -- the preview --------------------------------------------------------------------------------


def applied_profile(draft: DocumentImport) -> ImportProfile | None:
    """The profile applied to this import, if it is the import's organisation's."""
    profile = draft.profile
    if profile is None or draft.profile_skipped:
        return None
    if profile.organisation_id != draft.organisation_id:
        return None
    return profile


def preset_rows(profile: ImportProfile | None, rows: list) -> int:
    """Start the preview's rows with the profile's choices (``kept``, ``chosen_depth``);
    return how many rows it changed."""
    if profile is None:
        return 0
    unticked = set(profile.unticked)
    unticked_kinds = set(profile.unticked_kinds)
    changed = 0
    for row in rows:
        key = item_key(row)
        row.kept = key not in unticked and row.kind not in unticked_kinds
        depth = profile.depths.get(key, profile.shape_depths.get(shape_key(row), row.depth))
        row.chosen_depth = depth if isinstance(depth, int) and depth >= 1 else row.depth
        changed += (not row.kept) or row.chosen_depth != row.depth
    return changed


def skip(draft: DocumentImport) -> DocumentImport:
    """Do not apply the profile to this import: read it as it was recognised."""
    from koers.plans.services.document_import import read_again

    profile = draft.profile
    DocumentImport.objects.filter(pk=draft.pk).update(profile=None, profile_skipped=True)
    draft.refresh_from_db()
    if profile is not None and (draft.requested_family or draft.columns):
        draft = read_again(draft)
    return draft


# -- confirming ---------------------------------------------------------------------------------


def choices(draft: DocumentImport, rows: list, keep: set[int], depths: dict[int, int]) -> dict:
    """The user's choices in the preview, as a profile holds them."""
    by_item: dict[str, int] = {}
    moves: dict[str, set[int]] = defaultdict(set)
    kinds: dict[str, list[bool]] = defaultdict(list)
    for row in rows:
        chosen = depths.get(row.number, row.depth)
        moves[shape_key(row)].add(chosen)
        kinds[row.kind].append(row.number in keep)
        if chosen != row.depth:
            by_item[item_key(row)] = chosen
    shape_depths = {}
    for shape, chosen in moves.items():
        (only,) = chosen if len(chosen) == 1 else (None,)
        if only is not None and only != int(shape.rpartition("@")[2]):
            shape_depths[shape] = only
    return {
        "family": draft.family if draft.family != draft.detected_family else "",
        "columns": dict(draft.columns or {}),
        "depths": by_item,
        "shape_depths": shape_depths,
        "unticked": [item_key(row) for row in rows if row.number not in keep],
        "unticked_kinds": sorted(
            kind for kind, kept in kinds.items() if kind and len(kept) > 1 and not any(kept)
        ),
    }


def is_choice(chosen: dict) -> bool:
    return any(chosen[name] for name in chosen)


def remember(
    draft: DocumentImport, chosen: dict, *, user=None, expected_version: int | None = None
) -> ImportProfile | None:
    """Store the choices as the profile of the import's layout.

    A new profile only when the user changed something; the applied one is updated to
    what was confirmed, unless it changed since the preview was opened
    (:class:`~koers.accounts.locking.EditConflict`). Nothing without a fingerprint.
    """
    if not draft.fingerprint:
        return None
    with transaction.atomic():
        profile = find(draft.organisation_id, draft.fingerprint)
        if profile is None:
            if not is_choice(chosen):
                return None
            profile = ImportProfile(
                organisation_id=draft.organisation_id,
                fingerprint=draft.fingerprint,
                name=draft.filename[:255],
                format=draft.format,
                created_by=user,
            )
        elif draft.profile_skipped and not is_choice(chosen):
            return profile  # not applied and nothing chosen: the profile stays as it was
        else:
            claim_version(profile, expected_version if draft.profile_id == profile.pk else None)
        for name, value in chosen.items():
            setattr(profile, name, value)
        profile._history_user = user
        profile.save()
    return profile
