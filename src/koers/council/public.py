"""What the public portal shows of council questions: the one place that decides it.

A question shows when its answer is approved, a coordinator made it public (the council
decided so), its round is published and its plan is published, and what it is about is
public too: an item the portal shows (``koers.portal.publication``: it and every item
above it public) or a public indicator. The asker is named "council member" unless they
chose to be named.
"""

from django.utils.translation import gettext as _

from koers.council.models import Question
from koers.followup.models import ReportingRound
from koers.plans.models import PlanItem
from koers.portal import cache


def _public():
    return Question.objects.filter(
        state=Question.State.APPROVED,
        is_public=True,
        round__state=ReportingRound.State.PUBLISHED,
        round__plan__is_published=True,
    ).select_related("round", "round__plan", "item", "indicator", "asker")


def _shown(questions) -> list[Question]:
    """Those whose item or indicator the public may see; each with ``public_asker``."""
    shown, plans = [], {}
    for question in questions:
        if question.item_id is not None:
            plan = question.round.plan
            if plan.pk not in plans:
                plans[plan.pk] = cache.public_plan(plan)
            if question.item_id not in plans[plan.pk].position:
                continue
        elif question.indicator_id is None or not question.indicator.is_public:
            continue
        question.public_asker = public_asker(question)
        shown.append(question)
    return shown


def public_asker(question: Question) -> str:
    if question.show_name and question.asker is not None:
        return question.asker.get_full_name() or _("council member")
    return _("council member")


def round_questions(round_: ReportingRound) -> list[Question]:
    return _shown(_public().filter(round=round_).order_by("-approved_at", "-id"))


def item_questions(item: PlanItem) -> list[Question]:
    return _shown(_public().filter(item=item).order_by("-approved_at", "-id"))


def rounds_with_questions(organisation) -> list[tuple[ReportingRound, int]]:
    """The published rounds of the organisation's published plans that have public
    questions, latest first, with how many the portal shows."""
    rounds = (
        ReportingRound.objects.filter(
            plan__organisation=organisation,
            plan__is_published=True,
            state=ReportingRound.State.PUBLISHED,
            council_questions__is_public=True,
            council_questions__state=Question.State.APPROVED,
        )
        .distinct()
        .select_related("plan")
        .order_by("-period_end", "-id")
    )
    return [(round_, len(round_questions(round_))) for round_ in rounds]
