"""The audit log page and its CSV download (administrators of the organisation)."""

import csv
from datetime import date

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from koers.accounts.access import actor, member_view, whole_number
from koers.accounts.models import Membership
from koers.accounts.permissions import MANAGE_ORGANISATION
from koers.audit import reading
from koers.audit.sentences import kind_of, sentence
from koers.plans.services.spreadsheet import FORMULA_START


def _filters(request) -> reading.Filters:
    return reading.Filters(
        actor=whole_number(request.GET.get("actor", "")),
        system=request.GET.get("actor", "") == "system",
        kind=request.GET.get("kind", "")[:100],
        since=_day(request.GET.get("since", "")),
        until=_day(request.GET.get("until", "")),
    )


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


@member_view
@require_safe
def audit_log(request):
    actor(request).require(MANAGE_ORGANISATION)
    filters = _filters(request)
    number = whole_number(request.GET.get("page", "")) or 1
    start = (number - 1) * reading.PAGE_SIZE
    # One more than a page, to know whether there is an older one: the log is not counted,
    # which would read all of it.
    found = list(
        reading.entries(request.organisation, filters)[start : start + reading.PAGE_SIZE + 1]
    )
    rows = [(entry, sentence(entry), kind_of(entry)) for entry in found[: reading.PAGE_SIZE]]
    page = {
        "number": number,
        "previous": number - 1,
        "next": number + 1 if len(found) > reading.PAGE_SIZE else None,
    }
    members = Membership.objects.filter(organisation=request.organisation).select_related("user")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {
            "rows": rows,
            "page": page,
            "filters": filters,
            "members": sorted(members, key=lambda m: m.user.get_username()),
            "kinds": reading.kinds(),
            "query": query.urlencode(),
        },
    )


class _Echo:
    def write(self, value):
        return value


@member_view
@require_safe
def audit_csv(request):
    """The filtered log as CSV (semicolons, UTF-8 with a byte-order mark for Excel),
    streamed: every entry, however many."""
    actor(request).require(MANAGE_ORGANISATION)
    found = reading.entries(request.organisation, _filters(request))
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff"
        yield writer.writerow(
            [_("When"), _("Who"), _("Action"), _("Kind"), _("Object"), _("Id"), _("Sentence")]
        )
        for entry in found.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    timezone.localtime(entry.created_at).isoformat(timespec="seconds"),
                    _safe(entry.actor_label),
                    entry.action,
                    _safe(kind_of(entry)),
                    _safe(entry.object_label),
                    entry.object_id if entry.object_id is not None else "",
                    _safe(sentence(entry)),
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="logboek.csv"'
    return response


def _safe(text: str) -> str:
    """A cell a spreadsheet does not run as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text
