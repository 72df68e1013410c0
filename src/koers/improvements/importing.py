"""An audit's recommendations from a spreadsheet (CSV or Excel): read, previewed, loaded whole.

The file is read within the import limits in a child process, like every upload
(:func:`koers.importers.read_document_isolated`). The header row names the columns
(Dutch or English; see ``HEADINGS``); one row is one recommendation. :func:`read_actions`
checks every row without writing: an empty finding, an unknown owner or department, a
date or word it cannot read, a reference used twice is a problem with its row number.
:func:`load_actions` stores the actions of a sheet without problems in one transaction,
each with its history record; a sheet with problems is refused whole.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from koers.accounts.actor import Actor
from koers.accounts.permissions import MANAGE_IMPROVEMENTS
from koers.importers import DocumentError, read_document_isolated
from koers.improvements.models import ActionImport, ImprovementAction, Source
from koers.improvements.services import department_choices, owner_choices

Action = ImprovementAction
MAX_PROBLEMS = 200
KEEP_UPLOADS = timedelta(days=7)

# Field → the headings it is known by, lower case without spaces or punctuation.
HEADINGS = {
    "reference": ("referentie", "ref", "nummer", "nr", "reference", "id", "code"),
    "finding": ("vaststelling", "bevinding", "finding", "probleem", "risico"),
    "recommendation": ("aanbeveling", "recommendation", "advies", "maatregel", "actie"),
    "priority": ("prioriteit", "risiconiveau", "priority", "risklevel", "niveau"),
    "department": ("dienst", "afdeling", "department"),
    "owner": ("eigenaar", "verantwoordelijke", "owner", "trekker"),
    "deadline": ("deadline", "termijn", "uitersteddatum", "uiterstedatum", "timing", "datum"),
    "status": ("status", "stand"),
    "response": ("reactie", "standpunt", "response", "aanvaard", "reactiebestuur"),
    "response_reason": ("reden", "motivering", "reason", "toelichting"),
}
PRIORITY_WORDS = {
    "hoog": Action.Priority.HIGH,
    "high": Action.Priority.HIGH,
    "1": Action.Priority.HIGH,
    "middel": Action.Priority.MEDIUM,
    "midden": Action.Priority.MEDIUM,
    "gemiddeld": Action.Priority.MEDIUM,
    "medium": Action.Priority.MEDIUM,
    "2": Action.Priority.MEDIUM,
    "laag": Action.Priority.LOW,
    "low": Action.Priority.LOW,
    "3": Action.Priority.LOW,
}
STATUS_WORDS = {
    "nietgestart": Action.Status.NOT_STARTED,
    "open": Action.Status.NOT_STARTED,
    "notstarted": Action.Status.NOT_STARTED,
    "inuitvoering": Action.Status.IN_PROGRESS,
    "lopend": Action.Status.IN_PROGRESS,
    "bezig": Action.Status.IN_PROGRESS,
    "inprogress": Action.Status.IN_PROGRESS,
    "gerealiseerd": Action.Status.DONE,
    "uitgevoerd": Action.Status.DONE,
    "afgerond": Action.Status.DONE,
    "done": Action.Status.DONE,
    "geschrapt": Action.Status.CANCELLED,
    "cancelled": Action.Status.CANCELLED,
}
RESPONSE_WORDS = {
    "aanvaard": Action.Response.ACCEPTED,
    "akkoord": Action.Response.ACCEPTED,
    "ja": Action.Response.ACCEPTED,
    "accepted": Action.Response.ACCEPTED,
    "nietaanvaard": Action.Response.NOT_ACCEPTED,
    "nietakkoord": Action.Response.NOT_ACCEPTED,
    "nee": Action.Response.NOT_ACCEPTED,
    "notaccepted": Action.Response.NOT_ACCEPTED,
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S")


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@dataclass
class SheetAction:
    row: int
    values: dict


@dataclass
class ActionSheet:
    actions: list[SheetAction] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    hidden_problems: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    def problem(self, row: int | None, text: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.hidden_problems += 1
        elif row is None:
            self.problems.append(text)
        else:
            self.problems.append(_("Row %(row)s: %(problem)s") % {"row": row, "problem": text})


def keep_upload(source: Source, user, filename: str, content: bytes) -> ActionImport:
    """Keep an uploaded file until its preview is confirmed or discarded; the
    organisation's uploads left alone for a week are deleted here."""
    ActionImport.objects.filter(
        organisation_id=source.organisation_id, created_at__lt=timezone.now() - KEEP_UPLOADS
    ).delete()
    draft = ActionImport(
        organisation_id=source.organisation_id,
        source=source,
        created_by=user,
        filename=filename[:255],
    )
    draft.save_with_file(content)
    return draft


def _columns(cells) -> dict[str, int]:
    found = {}
    for position, heading in enumerate(cells):
        key = _key(heading)
        for name, words in HEADINGS.items():
            if key in words and name not in found:
                found[name] = position
                break
    return found


def _date(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


class _People:
    """The organisation's members (by e-mail or full name) and departments (by name)."""

    def __init__(self, organisation):
        self.members = {}
        for membership in owner_choices(organisation):
            user = membership.user
            self.members.setdefault(user.email.lower(), membership)
            full = " ".join(user.get_full_name().lower().split())
            if full:
                self.members.setdefault(full, membership)
        self.departments = {d.name.lower(): d for d in department_choices(organisation)}

    def member(self, text: str):
        return self.members.get(" ".join(text.lower().split()))

    def department(self, text: str):
        return self.departments.get(text.strip().lower())


def read_actions(source: Source, content: bytes, filename: str) -> ActionSheet:
    """Read and check a sheet of recommendations for ``source``; nothing is written."""
    from koers.plans.import_messages import error_text
    from koers.plans.services.document_import import import_limits

    sheet = ActionSheet()
    try:
        fmt, lines = read_document_isolated(content, filename, limits=import_limits())
    except DocumentError as error:
        sheet.problem(None, error_text(error))
        return sheet
    if fmt not in ("csv", "xlsx"):
        sheet.problem(None, _("Recommendations are imported from a CSV or Excel file."))
        return sheet
    rows = [line for line in lines if line.cells]
    first_sheet = rows[0].source.sheet if rows else None
    rows = [line for line in rows if line.source.sheet == first_sheet]
    header_at = next(
        (i for i, line in enumerate(rows[:10]) if "finding" in _columns(line.cells)), None
    )
    if header_at is None:
        sheet.problem(
            None,
            _(
                "The file has no header row with a column 'Vaststelling' (the finding). "
                "Write the headings in the first row."
            ),
        )
        return sheet
    header = rows[header_at].cells
    columns = _columns(header)
    sheet.ignored_columns = [
        h for p, h in enumerate(header) if p not in columns.values() and h.strip()
    ]
    people = _People(source.organisation)
    taken = set(
        ImprovementAction.objects.filter(source=source)
        .exclude(reference="")
        .values_list("reference", flat=True)
    )
    seen: dict[str, int] = {}
    for line in rows[header_at + 1 :]:
        number = line.source.row or 0
        cells = line.cells

        def cell(name, cells=cells):
            position = columns.get(name)
            if position is None or position >= len(cells):
                return ""
            return cells[position].strip()

        problems, values = _read_row(cell, people)
        reference = values["reference"]
        if reference:
            if reference in seen:
                problems.append(
                    _("the reference '%(ref)s' is also on row %(row)s.")
                    % {"ref": reference, "row": seen[reference]}
                )
            elif reference in taken:
                problems.append(
                    _("the source already has an action with reference '%(ref)s'.")
                    % {"ref": reference}
                )
            seen.setdefault(reference, number)
        for problem in problems:
            sheet.problem(number, problem)
        if not problems:
            sheet.actions.append(SheetAction(number, values))
    if sheet.hidden_problems:
        sheet.problems.append(
            _("… and %(count)s more problems.") % {"count": sheet.hidden_problems}
        )
    if not sheet.problems and not sheet.actions:
        sheet.problem(None, _("The file holds no recommendations."))
    return sheet


def _read_row(cell, people: _People) -> tuple[list[str], dict]:
    problems = []
    values = {
        "reference": cell("reference")[:40],
        "finding": cell("finding"),
        "recommendation": cell("recommendation"),
        "response_reason": cell("response_reason"),
    }
    if not values["finding"]:
        problems.append(_("the finding is empty."))
    written = cell("priority")
    values["priority"] = PRIORITY_WORDS.get(
        _key(written), Action.Priority.MEDIUM if not written else None
    )
    if values["priority"] is None:
        problems.append(
            _("'%(word)s' is not a priority (hoog, middel or laag).") % {"word": written}
        )
    written = cell("status")
    values["status"] = STATUS_WORDS.get(
        _key(written), Action.Status.NOT_STARTED if not written else None
    )
    if values["status"] is None:
        problems.append(
            _("'%(word)s' is not a status (niet gestart, in uitvoering, gerealiseerd, geschrapt).")
            % {"word": written}
        )
    written = cell("response")
    values["response"] = RESPONSE_WORDS.get(
        _key(written), Action.Response.PENDING if not written else None
    )
    if values["response"] is None:
        problems.append(
            _("'%(word)s' is not a response (aanvaard or niet aanvaard).") % {"word": written}
        )
    elif values["response"] == Action.Response.NOT_ACCEPTED and not values["response_reason"]:
        problems.append(_("a recommendation that is not accepted needs a reason."))
    written = cell("deadline")
    values["deadline"] = _date(written) if written else None
    if written and values["deadline"] is None:
        problems.append(
            _("'%(date)s' is not a date (write 2026-06-30 or 30/06/2026).") % {"date": written}
        )
    written = cell("owner")
    values["owner"] = people.member(written) if written else None
    if written and values["owner"] is None:
        problems.append(
            _("'%(name)s' is not a member of the organisation (write their e-mail address).")
            % {"name": written}
        )
    written = cell("department")
    values["department"] = people.department(written) if written else None
    if written and values["department"] is None:
        problems.append(_("there is no department '%(name)s'.") % {"name": written})
    return problems, values


@transaction.atomic
def load_actions(draft: ActionImport, *, actor: Actor) -> int:
    """Store every recommendation of the kept file as an action of its source, or nothing
    when a row has a problem; the file is deleted once loaded."""
    actor.require(MANAGE_IMPROVEMENTS)
    source = draft.source
    sheet = read_actions(source, draft.read_content(), draft.filename)
    if sheet.problems:
        raise ValidationError(sheet.problems)
    today = timezone.localdate()
    actions = []
    for found in sheet.actions:
        action = ImprovementAction(
            organisation_id=source.organisation_id, source=source, **found.values
        )
        if action.status == Action.Status.DONE:
            action.completed_on = today
        actions.append(action)
    bulk_create_with_history(
        actions,
        ImprovementAction,
        default_user=actor.user,
        default_change_reason=_("Imported from %(file)s") % {"file": draft.filename[:60]},
    )
    draft.delete()
    return len(actions)
