"""The public cijferdatabank at /<organisation>/cijfers/: the public indicators with their
public values (``koers.indicators.public`` decides which), an indicator's page with its
chart and tables, and every public value as CSV or JSON. Read fresh on each request, in a
fixed number of queries whatever the number of indicators or values."""

import json

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from koers.accounts.access import whole_number
from koers.indicators import exports, public, reading
from koers.indicators.models import IndicatorValue
from koers.portal import publication
from koers.portal.views import portal_page

SEARCH_CHARS = 200


def _filters(request) -> reading.Filters:
    return reading.Filters(
        q=request.GET.get("q", "")[:SEARCH_CHARS].strip(),
        goal=whole_number(request.GET.get("goal", "")),
    )


@portal_page
def indicator_list(request, org):
    organisation = publication.organisation_or_404(org)
    filters = _filters(request)
    rows, page = reading.catalogue_page(organisation, filters, request.GET.get("page"), public=True)
    goal = None
    if filters.goal:
        goal = next((g for row in rows for g in row.goals if g.pk == filters.goal), None)
    context = {
        "portal": organisation,
        "rows": rows,
        "page": page,
        "query": request.GET,
        "filters": filters,
        "goal": goal,
        "filtered": bool(filters.q or filters.goal),
    }
    return render(request, "portal/indicators.html", context)


@portal_page
def indicator_page(request, org, pk):
    organisation = publication.organisation_or_404(org)
    indicator = public.public_indicator_or_404(organisation, pk)
    context = {
        "portal": organisation,
        "indicator": indicator,
        "detail": reading.detail(indicator, public=True),
    }
    return render(request, "portal/indicator.html", context)


def _public_values(organisation, indicator=None):
    values = IndicatorValue.objects.filter(
        public.visible_values(), indicator__organisation=organisation, indicator__is_public=True
    )
    if indicator is not None:
        values = values.filter(indicator=indicator)
    return values.select_related("indicator").order_by(
        "indicator__code", "series", "breakdown", "period_start"
    )


def _as_json(values) -> bytes:
    rows = [
        {
            "indicator": record.indicator.code,
            "name": record.indicator.name,
            "unit": record.indicator.unit,
            "period": record.period,
            "period_start": record.period_start.isoformat(),
            "period_end": record.period_end.isoformat(),
            "breakdown": record.breakdown,
            "series": record.series,
            "value": None if record.value is None else format(record.value.normalize(), "f"),
            "text": record.text,
            "source": record.source_detail or record.source_kind,
        }
        for record in values
    ]
    document = {"generated_at": timezone.now().isoformat(), "values": rows}
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def _download(values, fmt: str, name: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(exports.records_csv(values), content_type="text/csv; charset=utf-8")
    elif fmt == "json":
        response = HttpResponse(_as_json(values), content_type="application/json")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@portal_page
def indicator_download(request, org, pk, fmt):
    organisation = publication.organisation_or_404(org)
    indicator = public.public_indicator_or_404(organisation, pk)
    name = exports.file_name(indicator, fmt).rsplit(".", 1)[0]
    return _download(_public_values(organisation, indicator), fmt, name)


@portal_page
def all_values_download(request, org, fmt):
    organisation = publication.organisation_or_404(org)
    return _download(_public_values(organisation), fmt, f"cijfers-{organisation.slug}")
