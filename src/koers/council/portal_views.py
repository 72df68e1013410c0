"""The public portal's pages of council questions: which rounds have public questions,
and the questions and answers of one round (kept whole until the plan changes)."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import get_language

from koers.council import public
from koers.followup.models import ReportingRound
from koers.portal import cache, publication
from koers.portal.views import portal_page


@portal_page
def council_questions(request, org):
    organisation = publication.organisation_or_404(org)
    rounds = [pair for pair in public.rounds_with_questions(organisation) if pair[1]]
    return render(request, "council/portal_index.html", {"portal": organisation, "rounds": rounds})


@portal_page
def council_round(request, org, pk):
    round_ = (
        ReportingRound.objects.filter(
            pk=pk,
            plan__organisation__slug=org,
            plan__is_published=True,
            state=ReportingRound.State.PUBLISHED,
        )
        .values_list("plan_id", flat=True)
        .first()
    )
    if round_ is None:
        raise Http404
    version = cache.published_plan_version_or_404(org, round_)
    name = f"portal-council:{pk}:{get_language()}"
    body = cache.cached_page(version, name, lambda: _round_html(request, org, pk))
    return HttpResponse(body)


def _round_html(request, org, pk) -> str:
    organisation = publication.organisation_or_404(org)
    round_ = get_object_or_404(
        ReportingRound.objects.select_related("plan"),
        pk=pk,
        plan__organisation=organisation,
        plan__is_published=True,
        state=ReportingRound.State.PUBLISHED,
    )
    context = {
        "portal": organisation,
        "round": round_,
        "plan": round_.plan,
        "questions": public.round_questions(round_),
    }
    return render_to_string("council/portal_round.html", context, request)
