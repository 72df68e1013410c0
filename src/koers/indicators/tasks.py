"""Fetches of indicator values asked for on the web run as background tasks (see
``koers.jobs``); the feed's own fields say how it went."""

from django.utils import timezone
from django_tasks import task

from koers.accounts.scoping import in_scope_of, scope_of
from koers.indicators.models import IndicatorFeed
from koers.jobs.services import Interruption, interrupted_reason, when_interrupted

UNFINISHED = [IndicatorFeed.State.QUEUED, IndicatorFeed.State.RUNNING]


@task
@in_scope_of(IndicatorFeed)
def fetch_feed(feed_id: int, user_id: int | None = None) -> None:
    """Fetch one queued feed; it records its outcome itself."""
    from django.contrib.auth import get_user_model

    from koers.indicators.feeds import run_feed

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        run_feed(feed_id, user=user)
    except BaseException:
        _fail(feed_id, interrupted_reason())
        raise


def _fail(feed_id: int, reason: str) -> None:
    now = timezone.now()
    IndicatorFeed.objects.filter(pk=feed_id, state__in=UNFINISHED).update(
        state=IndicatorFeed.State.IDLE,
        state_since=now,
        last_fetched_at=now,
        last_ok=False,
        last_outcome=reason,
    )


@when_interrupted(fetch_feed)
def _interrupted(interruption: Interruption) -> None:
    """The worker fetching died: the feed waits again, or failed with the reason."""
    feed_id = interruption.args[0]
    with scope_of(IndicatorFeed, feed_id):
        if interruption.retry:
            IndicatorFeed.objects.filter(pk=feed_id, state__in=UNFINISHED).update(
                state=IndicatorFeed.State.QUEUED, state_since=timezone.now()
            )
        else:
            _fail(feed_id, interruption.reason)
