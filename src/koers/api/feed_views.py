"""The BI feed over HTTPS: ``/api/v1/<org>/feed/`` lists the tables,
``/api/v1/<org>/feed/<table>.csv`` and ``.json`` give one (see docs/bi-feed.md)."""

import csv
import io
from urllib.parse import urlencode

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from koers.accounts.access import whole_number
from koers.accounts.permissions import membership_or_404
from koers.accounts.scoping import enter_organisation
from koers.api import feed
from koers.api.authentication import FeedTokenAuthentication
from koers.api.models import FeedToken
from koers.api.views import OrganisationScoped


class AnyAccept(BaseContentNegotiation):
    """The address says the format (.csv, .json): a client's Accept header (text/csv,
    application/json, anything) never makes the feed answer 406. Errors come as JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class FeedScoped(OrganisationScoped):
    """A feed token reads its own organisation only (404 for any other); a signed-in
    member (session) reads the organisations they belong to."""

    authentication_classes = [FeedTokenAuthentication, SessionAuthentication]
    content_negotiation_class = AnyAccept

    def membership(self):
        if not hasattr(self, "_membership"):
            token = self.request.auth
            if isinstance(token, FeedToken):
                if token.membership.organisation.slug != self.kwargs["org"]:
                    raise NotFound
                enter_organisation(token.membership.organisation)
                self._membership = token.membership
            else:
                from django.http import Http404

                try:
                    self._membership = membership_or_404(self.request.user, self.kwargs["org"])
                except Http404:
                    raise NotFound from None
        return self._membership

    def organisation(self):
        return self.membership().organisation


class FeedIndex(FeedScoped, APIView):
    @extend_schema(responses={200: dict})
    def get(self, request, org):
        self.membership()
        tables = []
        for table in feed.TABLES.values():
            kwargs = {"org": org, "table": table.name}
            tables.append(
                {
                    "name": table.name,
                    "csv": request.build_absolute_uri(_table_path(kwargs, "csv")),
                    "json": request.build_absolute_uri(_table_path(kwargs, "json")),
                    "columns": table.column_names,
                }
            )
        return Response({"organisation": org, "tables": tables})


def _table_path(kwargs, fmt):
    from django.urls import reverse

    return reverse("api-feed-table", kwargs={**kwargs, "fmt": fmt})


class FeedTable(FeedScoped, APIView):
    @extend_schema(responses={200: dict})
    def get(self, request, org, table, fmt):
        membership = self.membership()
        found = feed.TABLES.get(table)
        if found is None:
            raise NotFound
        after = _number(request, "after", 0)
        limit = _number(request, "limit", None if fmt == "csv" else feed.PAGE_SIZE)
        if limit is not None:
            limit = max(1, min(limit, feed.MAX_PAGE_SIZE))
        if fmt == "json":
            return _json_page(request, found, membership, after, limit)
        return _csv(request, found, membership, after, limit)


def _number(request, name, default):
    text = request.query_params.get(name)
    if text is None or text == "":
        return default
    number = whole_number(text)
    if number is None:
        raise ValidationError({name: _("Give a whole number.")})
    return number


def _next_url(request, after, limit) -> str:
    query = request.query_params.copy()
    query["after"] = str(after)
    query["limit"] = str(limit)
    return request.build_absolute_uri(request.path + "?" + urlencode(sorted(query.items())))


def _json_page(request, table, membership, after, limit):
    rows, more = feed.page(table, membership, after, limit)
    columns = table.column_names
    key = table.columns[0][0]
    following = _next_url(request, rows[-1][key], limit) if more else None
    head = '{"table":' + feed.json_cell(table.name) + ',"columns":' + feed.json_cell(columns)
    body = (
        head
        + ',"rows":['
        + ",".join(feed.json_rows(rows, columns))
        + '],"next":'
        + feed.json_cell(following)
        + "}"
    )
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    if following:
        response["Link"] = f'<{following}>; rel="next"'
    return response


def _csv(request, table, membership, after, limit):
    columns = table.column_names

    def chunks():
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        out.write("\ufeff")  # the BOM makes Power BI and Excel read UTF-8
        writer.writerow(columns)
        for rows in feed.all_rows(table, membership, after, limit):
            writer.writerows(feed.csv_rows(rows, columns))
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
        rest = out.getvalue()
        if rest:
            yield rest.encode("utf-8")

    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{table.name}.csv"'
    if limit is not None:
        # One page: the next one starts after this page's last row, known only once it is
        # read; a short first query finds it for the Link header.
        last = _last_id_of_page(table, membership, after, limit)
        if last is not None:
            response["Link"] = f'<{_next_url(request, last, limit)}>; rel="next"'
    return response


def _last_id_of_page(table, membership, after, limit):
    """The id of the page's last row when more rows follow it, else None."""
    ids = list(
        table.rows(membership)
        .filter(id__gt=after)
        .order_by("id")
        .values_list("id", flat=True)[limit - 1 : limit + 1]
    )
    return ids[0] if len(ids) == 2 else None
