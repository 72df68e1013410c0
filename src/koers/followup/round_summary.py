"""The figures above a round's review page, kept until the round's updates change.

Counting a round's updates per state, status and department, and finding the texts
unchanged since the previous round, reads every update of the round: at 10,000 actions that
is most of the page's time. The figures are kept in Django's cache
(``koers.plans.content.cached``) under a key made of

- the plan's ``content_version`` (owners, departments, statuses and items: every write
  that changes them gives the plan a new one, ``koers.plans.content``), and
- a stamp of the updates of this round and the previous one: their number, their latest
  ``updated_at`` and the sum of their ``version`` (every save of an update sets
  ``updated_at`` and the services raise its version; creating or deleting updates changes
  the number). The stamp is read from an index of its own, so it costs little however
  large the round.

What depends on today (late updates) is computed from the kept figures on every request.
"""

from dataclasses import dataclass

from django.db.models import Count, Max, Sum

from koers.followup import services
from koers.followup.models import ProgressUpdate, ReportingRound
from koers.plans.content import cached


@dataclass(frozen=True)
class RoundSummary:
    total: int
    by_state: dict[str, int]
    statuses: list[dict]
    departments: list[dict]
    without_owner: int
    stale_count: int  # 0 when there is no previous round or the reader may not see drafts

    def counts(self, round_: ReportingRound) -> services.RoundCounts:
        """Totals per state, with the late ones as of today."""
        return services.round_counts_from(round_, self.total, self.by_state)


def round_summary(
    round_: ReportingRound, department: str = "", approved_only: bool = False
) -> RoundSummary:
    """The figures of the round's updates (of ``department`` when given; only approved ones
    when ``approved_only``), from the cache while nothing they count changed."""
    before = services.previous_round(round_)
    name = f"round-summary:{round_.pk}:{_stamp(round_, before)}:{int(approved_only)}:{department}"
    return cached(
        round_.plan, name, lambda: _compute(round_, before, department, approved_only), memo=False
    )


def _stamp(round_: ReportingRound, before: ReportingRound | None) -> str:
    rounds = [round_.pk] if before is None else [round_.pk, before.pk]
    found = ProgressUpdate.objects.filter(round_id__in=rounds).aggregate(
        n=Count("id"), last=Max("updated_at"), versions=Sum("version")
    )
    last = found["last"].isoformat() if found["last"] else "-"
    return f"{found['n']}-{last}-{found['versions'] or 0}"


def _compute(round_, before, department: str, approved_only: bool) -> RoundSummary:
    chosen = round_.updates.order_by()
    if department:
        chosen = chosen.filter(item__departments__name=department)
    if approved_only:
        chosen = chosen.filter(state=ProgressUpdate.State.APPROVED)
    stale = None if approved_only else services.unchanged(round_, before)
    by_state = dict(chosen.values_list("state").annotate(n=Count("id")).order_by())
    return RoundSummary(
        total=sum(by_state.values()),
        by_state=by_state,
        statuses=services.status_counts(chosen),
        departments=services.department_rows(round_),
        without_owner=chosen.filter(item__owner__isnull=True).count(),
        stale_count=chosen.filter(stale).count() if stale is not None else 0,
    )
