"""Pages of an indicator's feeds (values fetched from public sources): add, change,
delete, and ask for a fetch. Thin views over :mod:`koers.indicators.feeds`; only who
manages indicators gets here, another organisation's feed is a 404."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from koers.accounts.access import actor, get_for_organisation, member_view, whole_number
from koers.accounts.conflicts import save_or_conflict
from koers.accounts.locking import EditConflict, VersionedForm
from koers.indicators import connectors, feeds, services
from koers.indicators.models import Indicator, IndicatorFeed


class FeedForm(VersionedForm, forms.Form):
    """A connector's parameters (declared by the connector), the schedule and whether the
    feed is on. The connector checks the parameters (in the service)."""

    schedule = forms.ChoiceField(
        label=gettext_lazy("Schedule"),
        choices=IndicatorFeed.Schedule.choices,
        help_text=gettext_lazy(
            "When the values are fetched by themselves (koers fetch_indicator_values, run "
            "daily by cron); a manager can always ask for a fetch."
        ),
    )
    enabled = forms.BooleanField(label=gettext_lazy("Enabled"), required=False, initial=True)

    def __init__(self, data=None, *, connector, record: IndicatorFeed | None = None, **kwargs):
        if record is not None and record.pk:
            kwargs.setdefault(
                "initial",
                {**record.parameters, "schedule": record.schedule, "enabled": record.enabled},
            )
        super().__init__(data, record=record, **kwargs)
        self.connector = connector
        fields = {}
        for parameter in connector.parameters:
            fields[parameter.name] = forms.CharField(
                label=parameter.label,
                help_text=parameter.help_text,
                required=parameter.required and not parameter.default,
                max_length=parameter.max_length,
                initial=parameter.default,
                widget=forms.Textarea(attrs={"rows": 4}) if parameter.lines else forms.TextInput,
            )
        self.fields = {**fields, **self.fields}

    def parameters(self) -> dict:
        return {p.name: self.cleaned_data.get(p.name, "") for p in self.connector.parameters}


def _manage(request) -> None:
    if not services.may_manage(request.membership):
        raise PermissionDenied


def _indicator(request, pk) -> Indicator:
    return get_for_organisation(
        request, Indicator.objects.select_related("organisation"), "organisation", pk=pk
    )


def _feed(request, indicator, feed_pk) -> IndicatorFeed:
    return get_for_organisation(
        request,
        IndicatorFeed.objects.select_related("indicator"),
        "indicator__organisation",
        pk=feed_pk,
        indicator=indicator,
    )


def _detail_url(request, indicator) -> str:
    return (
        reverse("indicators:detail", kwargs={"org": request.organisation.slug, "pk": indicator.pk})
        + "#feeds-heading"
    )


def _page(request, form, indicator, title, feed=None):
    return render(
        request,
        "indicators/feed_form.html",
        {
            "form": form,
            "title": title,
            "indicator": indicator,
            "connector": form.connector,
            "feed": feed,
            "cancel_url": _detail_url(request, indicator),
        },
        status=400 if request.method == "POST" else 200,
    )


@member_view
def feed_create(request, pk):
    _manage(request)
    indicator = _indicator(request, pk)
    key = request.GET.get("connector") or connectors.choices()[0][0]
    try:
        connector = connectors.connector(key)
    except KeyError:
        raise Http404 from None
    form = FeedForm(request.POST or None, connector=connector)
    saved, _conflict = save_or_conflict(
        request,
        form,
        lambda: feeds.create_feed(
            indicator,
            key,
            form.parameters(),
            schedule=form.cleaned_data["schedule"],
            enabled=form.cleaned_data["enabled"],
            actor=actor(request),
        ),
        lambda record, data=None: FeedForm(data, connector=connector, record=record),
        title=str(indicator),
    )
    if saved:
        messages.success(request, _("The source has been added. Fetch its values when you like."))
        return redirect(_detail_url(request, indicator))
    title = _("Values of %(indicator)s from %(source)s") % {
        "indicator": indicator,
        "source": connector.label,
    }
    return _page(request, form, indicator, title)


@member_view
def feed_edit(request, pk, feed_pk):
    _manage(request)
    indicator = _indicator(request, pk)
    feed = _feed(request, indicator, feed_pk)
    try:
        connector = connectors.connector(feed.connector)
    except KeyError:
        raise Http404 from None

    def build(record, data=None):
        return FeedForm(data, connector=connector, record=record)

    form = build(feed, request.POST or None)
    saved, conflict = save_or_conflict(
        request,
        form,
        lambda: feeds.update_feed(
            feed,
            form.parameters(),
            schedule=form.cleaned_data["schedule"],
            enabled=form.cleaned_data["enabled"],
            actor=actor(request),
            expected_version=form.expected_version,
        ),
        build,
        title=f"{indicator} ← {feeds.describe(feed)}",
        cancel_url=_detail_url(request, indicator),
    )
    if conflict:
        return conflict
    if saved:
        messages.success(request, _("Your changes have been saved."))
        return redirect(_detail_url(request, indicator))
    title = _("Values of %(indicator)s from %(source)s") % {
        "indicator": indicator,
        "source": connector.label,
    }
    return _page(request, form, indicator, title, feed)


@member_view
@require_POST
def feed_delete(request, pk, feed_pk):
    _manage(request)
    indicator = _indicator(request, pk)
    feed = _feed(request, indicator, feed_pk)
    version = whole_number(request.POST.get("version", ""))
    try:
        feeds.delete_feed(feed, actor=actor(request), expected_version=version)
    except EditConflict:
        messages.error(
            request, _("Someone changed this source after you opened the form; look again.")
        )
    else:
        messages.success(request, _("The source has been deleted; the values it fetched are kept."))
    return redirect(_detail_url(request, indicator))


@member_view
@require_POST
def feed_fetch(request, pk, feed_pk):
    """Queue a fetch (a background task); the indicator page shows how it went."""
    _manage(request)
    indicator = _indicator(request, pk)
    feed = _feed(request, indicator, feed_pk)
    try:
        queued = feeds.request_fetch(feed, actor=actor(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _queued_message(request, queued)
    return redirect(_detail_url(request, indicator))


def _queued_message(request, queued: bool) -> None:
    if queued:
        messages.success(
            request,
            _("The values are being fetched in the background; the outcome appears below."),
        )
    else:
        messages.info(request, _("The values of this source are being fetched already."))
