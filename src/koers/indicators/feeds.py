"""Indicator values fetched from public sources: configuring a feed, asking for a fetch,
running it, and the schedule.

A feed (:class:`IndicatorFeed`) ties an indicator to a connector
(:mod:`koers.indicators.connectors`) and its parameters. A fetch runs only when a
manager asks (:func:`request_fetch` queues a background task) or when the schedule says
it is due (:func:`due_feeds`, run by ``koers fetch_indicator_values`` from cron); never on
a page view. :func:`run_feed` asks the source outside any transaction, checks every row,
and writes all values or none through the import's write path
(:func:`koers.indicators.importing.write_values`): provenance ``fetched``, the source
and moment in ``source_detail``, a history record per written value. Values typed by
people are left as they are. The outcome (how many values new, changed, unchanged, kept,
or the reason of a refusal) is kept on the feed and shown on the indicator page.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from koers.accounts.actor import Actor, attribute
from koers.accounts.locking import claim_version
from koers.indicators import connectors
from koers.indicators.connectors import FetchError
from koers.indicators.importing import SheetValue, write_values
from koers.indicators.models import Indicator, IndicatorFeed, IndicatorValue
from koers.indicators.periods import parse_period
from koers.indicators.services import require_manage

logger = logging.getLogger(__name__)
STATUS_FIELDS = (
    "state",
    "state_since",
    "last_fetched_at",
    "last_success_at",
    "last_ok",
    "last_outcome",
)
Feed = IndicatorFeed
# A feed left "waiting" or "being fetched" this long was abandoned (a cron run killed, a
# queue without a worker): it may be asked for and fetched again. One fetch takes at most
# KOERS_FETCH_MAX_PAGES times KOERS_FETCH_TIMEOUT_SECONDS (50 minutes by default).
STALE_AFTER = timedelta(hours=6)


def _free() -> Q:
    """Feeds that no fetch holds: idle, or held for longer than STALE_AFTER."""
    return Q(state=Feed.State.IDLE) | Q(state_since__lt=timezone.now() - STALE_AFTER)


# Configuring ------------------------------------------------------------------------


def _clean(indicator: Indicator, connector_key: str, parameters: dict, schedule: str) -> dict:
    try:
        connector = connectors.connector(connector_key)
    except KeyError:
        raise ValidationError({"connector": _("Choose a source.")}) from None
    if schedule not in Feed.Schedule.values:
        raise ValidationError({"schedule": _("Choose a schedule.")})
    return connector.clean(parameters, indicator)


@transaction.atomic
def create_feed(
    indicator: Indicator,
    connector_key: str,
    parameters: dict,
    *,
    schedule: str = Feed.Schedule.NEVER,
    enabled: bool = True,
    actor: Actor,
) -> Feed:
    require_manage(actor, indicator.organisation_id)
    cleaned = _clean(indicator, connector_key, parameters, schedule)
    feed = Feed(
        indicator=indicator,
        connector=connector_key,
        parameters=cleaned,
        schedule=schedule,
        enabled=enabled,
    )
    attribute(feed, actor)
    feed.save()
    return feed


@transaction.atomic
def update_feed(
    feed: Feed,
    parameters: dict,
    *,
    schedule: str,
    enabled: bool,
    actor: Actor,
    expected_version: int | None = None,
) -> Feed:
    """Change a feed's parameters, schedule or enabled flag; EditConflict when it was
    saved since ``expected_version``. What the fetches wrote about themselves stays."""
    require_manage(actor, feed.indicator.organisation_id)
    claim_version(feed, expected_version)
    feed.parameters = _clean(feed.indicator, feed.connector, parameters, schedule)
    feed.schedule, feed.enabled = schedule, enabled
    attribute(feed, actor)
    # Only what the form sets: a fetch finishing meanwhile keeps its outcome.
    feed.save(update_fields=["parameters", "schedule", "enabled", "version"])
    feed.refresh_from_db(fields=STATUS_FIELDS)
    return feed


@transaction.atomic
def delete_feed(feed: Feed, *, actor: Actor, expected_version: int | None = None) -> None:
    """Delete a feed; the values it fetched stay (with their provenance)."""
    require_manage(actor, feed.indicator.organisation_id)
    claim_version(feed, expected_version)
    attribute(feed, actor)
    feed.delete()


def describe(feed: Feed) -> str:
    try:
        return connectors.connector(feed.connector).describe(feed.parameters)
    except KeyError:
        return feed.connector


# Fetching ---------------------------------------------------------------------------


def request_fetch(feed: Feed, *, actor: Actor) -> bool:
    """Queue a fetch of the feed as a background task; False when one is waiting or
    running already (for less than STALE_AFTER); ValidationError for a feed that is
    switched off. Only managers of the indicator's organisation ask."""
    require_manage(actor, feed.indicator.organisation_id)
    if not feed.enabled:
        raise ValidationError(_("This source is switched off; switch it on to fetch its values."))
    from koers.indicators.tasks import fetch_feed

    with transaction.atomic():
        queued = Feed.objects.filter(_free(), pk=feed.pk).update(
            state=Feed.State.QUEUED, state_since=timezone.now()
        )
        if queued:
            user = actor.user.pk if actor.user is not None else None
            fetch_feed.enqueue(feed.pk, user)
    return bool(queued)


@dataclass
class Outcome:
    ok: bool
    message: str
    counts: dict | None = None


def run_feed(feed_id: int, *, user=None, asked: bool = True) -> Outcome | None:
    """Fetch one feed now and record the outcome on it; None when another run has it.
    ``asked``: the feed was queued (by a manager); otherwise (the schedule) a feed no
    fetch holds is taken (see STALE_AFTER). Never raises for a refused answer: the
    reason is the outcome."""
    taken_from = Q(state=Feed.State.QUEUED) if asked else _free()
    started = timezone.now()
    if not Feed.objects.filter(taken_from, pk=feed_id).update(
        state=Feed.State.RUNNING, state_since=started
    ):
        return None
    feed = Feed.objects.select_related("indicator", "indicator__organisation").get(pk=feed_id)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            outcome = _fetch_and_write(feed, user, started)
        except Exception as error:  # the database or a bug: recorded, never left running
            logger.exception("Fetching feed %s failed", feed_id)
            outcome = Outcome(
                False, _("The values could not be fetched: %(error)s") % {"error": error}
            )
    finished = timezone.now()
    status = {
        "state": Feed.State.IDLE,
        "state_since": finished,
        "last_fetched_at": finished,
        "last_ok": outcome.ok,
        "last_outcome": outcome.message,
    }
    if outcome.ok:
        status["last_success_at"] = finished
    Feed.objects.filter(pk=feed_id, state=Feed.State.RUNNING, state_since=started).update(**status)
    return outcome


def _fetch_and_write(feed: Feed, user, started) -> Outcome:
    indicator = feed.indicator
    try:
        connector = connectors.connector(feed.connector)
    except KeyError:
        return Outcome(False, _("The source %(name)s is not known.") % {"name": feed.connector})
    limits = connectors.limits()
    try:
        parameters = connector.clean(feed.parameters, indicator)
        fetched = connector.fetch(parameters, indicator, _getter(connector, limits), limits)
    except ValidationError as error:
        return Outcome(
            False,
            _("The feed's settings are not valid: %(errors)s")
            % {"errors": " ".join(error.messages)},
        )
    except FetchError as error:
        return Outcome(False, str(error))
    moment = timezone.localtime(started).strftime("%Y-%m-%d %H:%M")
    source = f"{connector.describe(parameters)}, {moment}"
    values = []
    periods = {}
    for row in fetched.rows:
        period = periods.get(row.period) or periods.setdefault(row.period, parse_period(row.period))
        values.append(
            SheetValue(
                0,
                indicator,
                period.key,
                period.start,
                period.end,
                row.breakdown,
                row.series,
                row.value,
                row.text,
            )
        )
    actor = Actor.system(user)
    reason = _("Fetched from %(source)s") % {"source": connector.describe(parameters)}
    try:
        with transaction.atomic():
            # The indicator may have been deleted or changed unit while the source answered.
            current = Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
            if current is None:
                return Outcome(False, _("The indicator was deleted."))
            if current.unit != indicator.unit or current.frequency != indicator.frequency:
                return Outcome(
                    False, _("The indicator's unit or frequency changed meanwhile; try again.")
                )
            counts = write_values(
                values,
                actor=actor,
                reason=reason,
                source=source,
                kind=IndicatorValue.SourceKind.FETCHED,
                keep_typed=True,
            )
    except ValidationError as error:
        return Outcome(False, " ".join(error.messages))
    counts["skipped"] = fetched.skipped
    message = (
        _(
            "%(new)s new, %(changed)s changed, %(unchanged)s unchanged values; %(kept)s typed "
            "values kept; %(skipped)s empty cells skipped."
        )
        % counts
    )
    return Outcome(True, message, counts)


# Tests replace this: ``feeds.GETTER = lambda connector, limits: fake_get``.
GETTER = None


def _getter(connector, limits):
    if GETTER is not None:
        return GETTER(connector, limits)
    return connector.getter(limits)


# The schedule -----------------------------------------------------------------------


def _period_start(schedule: str, today: date) -> date:
    if schedule == Feed.Schedule.MONTHLY:
        return today.replace(day=1)
    if schedule == Feed.Schedule.QUARTERLY:
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return date(today.year, 1, 1)


def is_due(feed: Feed, today: date | None = None) -> bool:
    """An enabled feed on a schedule, not held by a fetch (or held for longer than
    STALE_AFTER), without a successful fetch in the current calendar month, quarter or
    year (local time). A failed fetch is tried again at the next run."""
    if not feed.enabled or feed.schedule == Feed.Schedule.NEVER:
        return False
    stale = feed.state_since is not None and feed.state_since < timezone.now() - STALE_AFTER
    if feed.state != Feed.State.IDLE and not stale:
        return False
    if feed.last_success_at is None:
        return True
    today = today or timezone.localdate()
    return timezone.localdate(feed.last_success_at) < _period_start(feed.schedule, today)


def due_feeds(organisation=None) -> list[Feed]:
    feeds = Feed.objects.filter(_free(), enabled=True).exclude(schedule=Feed.Schedule.NEVER)
    if organisation is not None:
        feeds = feeds.filter(indicator__organisation=organisation)
    feeds = feeds.select_related("indicator", "indicator__organisation").order_by("pk")
    today = timezone.localdate()
    return [feed for feed in feeds if is_due(feed, today)]


def fetch_due(organisation=None) -> list[tuple[Feed, Outcome | None]]:
    """Fetch every due feed, one after the other; a failure does not stop the others."""
    return [(feed, run_feed(feed.pk, asked=False)) for feed in due_feeds(organisation)]


@dataclass
class FeedRow:
    feed: Feed
    name: str
    parameters: list[tuple[str, str]]


def feed_rows(indicator: Indicator) -> list[FeedRow]:
    """The indicator's feeds as the indicator page shows them (one query)."""
    rows = []
    for feed in Feed.objects.filter(indicator=indicator):
        try:
            connector = connectors.connector(feed.connector)
        except KeyError:
            rows.append(FeedRow(feed, feed.connector, []))
            continue
        shown = [
            (str(p.label), str(feed.parameters.get(p.name, "")))
            for p in connector.parameters
            if feed.parameters.get(p.name) and feed.parameters.get(p.name) != p.default
        ]
        rows.append(FeedRow(feed, connector.describe(feed.parameters), shown))
    return rows
