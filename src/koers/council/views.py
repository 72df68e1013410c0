"""Council question pages: the rounds, a round's questions, asking, assigning, answering,
reviewing and making public. The rules are in ``services``; these views only bind a
request to them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koers.accounts.access import actor, get_for_organisation, member_view, whole_number
from koers.accounts.conflicts import save_or_conflict
from koers.accounts.locking import EditConflict
from koers.accounts.permissions import (
    ASK_QUESTIONS,
    MANAGE_QUESTIONS,
    answers_question,
    can,
)
from koers.council import notices, services
from koers.council.forms import AnswerForm, AskForm, AssignForm, SettingsForm
from koers.council.models import Question
from koers.followup.models import ReportingRound
from koers.indicators.models import Indicator
from koers.paging import CountedPaginator
from koers.plans.models import PlanItem
from koers.plans.terminology import use_dutch_of

PAGE_SIZE = 50


def _round(request, pk) -> ReportingRound:
    round_ = get_for_organisation(
        request, ReportingRound.objects.select_related("plan"), "plan__organisation", pk=pk
    )
    use_dutch_of(round_.plan.terminology_preset)
    return round_


def _question(request, pk) -> Question:
    question = services.question_or_404(request.membership, pk)
    use_dutch_of(question.round.plan.terminology_preset)
    return question


def _question_url(request, question) -> str:
    return reverse("council:question", kwargs={"org": request.organisation.slug, "pk": question.pk})


@member_view
def index(request):
    """The published rounds with their questions, and the member's own questions."""
    membership = request.membership
    rounds = list(services.published_rounds(request.organisation).order_by("-period_end", "-id"))
    counts = services.round_totals(membership, rounds)
    for round_ in rounds:
        round_.question_count = counts.get(round_.pk, 0)
    mine = (
        services.visible_questions(membership)
        .filter(asker_id=membership.user_id)
        .select_related("round", "item", "indicator")[:20]
    )
    to_answer = (
        services.visible_questions(membership)
        .filter(assignee_id=membership.user_id, state__in=services.ANSWERABLE)
        .select_related("round", "item", "indicator")
        .order_by("deadline", "id")[:50]
    )
    unread = notices.for_member(membership).filter(read_at__isnull=True)
    context = {
        "notices": unread.select_related("question").order_by("-created_at", "-id")[:20],
        "rounds": rounds,
        "mine": mine,
        "to_answer": to_answer,
        "can_ask": can(membership, ASK_QUESTIONS),
        "can_manage": can(membership, MANAGE_QUESTIONS),
    }
    return render(request, "council/index.html", context)


@member_view
def round_questions(request, pk):
    """A round's questions, 50 a page, filtered on state, asker and who answers."""
    round_ = _round(request, pk)
    membership = request.membership
    state = request.GET.get("state", "")
    state = state if state in Question.State.values else ""
    filters = services.Filters(
        state=state,
        asker=whole_number(request.GET.get("asker", "")),
        assignee=whole_number(request.GET.get("assignee", "")),
    )
    questions = services.round_questions(round_, membership, filters)
    counts = services.state_counts(round_, membership)
    known = None  # the counts per state tell how many there are, unless a person is chosen
    if filters.asker is None and filters.assignee is None:
        known = counts.get(state, 0) if state else sum(counts.values())
    page = CountedPaginator(questions, PAGE_SIZE, known_count=known).get_page(
        request.GET.get("page")
    )
    today = services.today()
    for question in page.object_list:
        question.late = services.is_late(question, today)
    context = {
        "round": round_,
        "plan": round_.plan,
        "page": page,
        "questions": page.object_list,
        "query": request.GET.copy(),
        "filters": filters,
        "states": [(key, label, counts.get(key, 0)) for key, label in Question.State.choices],
        "askers": services.people_in(round_, membership, "asker"),
        "assignees": services.people_in(round_, membership, "assignee"),
        "can_ask": can(membership, ASK_QUESTIONS) and services.is_published(round_),
        "can_manage": can(membership, MANAGE_QUESTIONS),
    }
    return render(request, "council/round.html", context)


@member_view
def ask(request, pk):
    """Ask a question about an item (``?item=``), a goal's section or an indicator
    (``?indicator=``) of a published round."""
    round_ = _round(request, pk)
    actor(request).require(ASK_QUESTIONS)
    if not services.is_published(round_):
        raise Http404
    item = indicator = None
    item_id = whole_number(request.GET.get("item", ""))
    indicator_id = whole_number(request.GET.get("indicator", ""))
    if item_id is not None:
        item = get_for_organisation(
            request, PlanItem.objects.select_related("plan"), "plan__organisation", pk=item_id
        )
        if not services.askable_items(round_).filter(pk=item.pk).exists():
            raise Http404
    elif indicator_id is not None:
        indicators = Indicator.objects.all()
        indicator = get_for_organisation(request, indicators, "organisation", pk=indicator_id)
    form = AskForm(request.POST or None, round_=round_, item=item, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            question = services.ask(round_, form.values(), actor=actor(request))
        except ValidationError as error:
            _errors_on(form, error)
        else:
            messages.success(
                request, _("Your question has been sent. You will hear when it is answered.")
            )
            return redirect(_question_url(request, question))
    context = {
        "round": round_,
        "plan": round_.plan,
        "item": item,
        "indicator": indicator,
        "form": form,
    }
    return render(request, "council/ask.html", context, status=400 if form.errors else 200)


def _errors_on(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@member_view
def question_detail(request, pk):
    return _detail(request, _question(request, pk))


def _detail(request, question, status: int = 200):
    membership = request.membership
    services.mark_read(question, membership)
    can_manage = can(membership, MANAGE_QUESTIONS)
    writes = answers_question(membership, question)
    context = {
        "question": question,
        "round": question.round,
        "plan": question.round.plan,
        "can_manage": can_manage,
        "can_answer": writes and question.state in services.ANSWERABLE,
        "sees_answer": question.state == Question.State.APPROVED or can_manage or writes,
        "is_asker": question.asker_id == membership.user_id,
        "late": services.is_late(question),
    }
    return render(request, "council/question.html", context, status=status)


@member_view
def assign(request, pk):
    question = _question(request, pk)
    actor(request).require(MANAGE_QUESTIONS)
    back = _question_url(request, question)
    form = AssignForm(request.POST or None, question=question)
    title = _("Assign question '%(title)s'") % {"title": question.title}

    def save():
        return services.assign(
            question,
            form.cleaned_data,
            actor=actor(request),
            expected_version=form.expected_version,
        )

    saved, conflict = save_or_conflict(
        request,
        form,
        save,
        lambda record, data=None: AssignForm(data, question=record),
        title=title,
        cancel_url=back,
    )
    if conflict:
        return conflict
    if saved:
        messages.success(request, _("The question has been assigned."))
        return redirect(back)
    context = {"question": question, "form": form, "title": title, "cancel_url": back}
    return render(request, "council/form.html", context, status=400 if form.errors else 200)


@member_view
def answer(request, pk):
    question = _question(request, pk)
    if not answers_question(request.membership, question):
        actor(request).require(MANAGE_QUESTIONS)  # 403
    back = _question_url(request, question)
    if question.state not in services.ANSWERABLE:
        messages.error(request, _("This question cannot be answered now."))
        return redirect(back)
    form = AnswerForm(request.POST or None, question=question)
    title = _("Answer to '%(title)s'") % {"title": question.title}
    submit = "submit" in request.POST

    def save():
        return services.save_answer(
            question,
            form.cleaned_data.get("answer", ""),
            submit=submit,
            actor=actor(request),
            expected_version=form.expected_version,
        )

    saved, conflict = save_or_conflict(
        request,
        form,
        save,
        lambda record, data=None: AnswerForm(data, question=record),
        title=title,
        cancel_url=back,
    )
    if conflict:
        return conflict
    if saved:
        messages.success(
            request,
            _("Your answer has been submitted for approval.")
            if submit
            else _("Your answer has been saved as a draft."),
        )
        return redirect(back)
    context = {"question": question, "form": form, "title": title, "cancel_url": back}
    return render(request, "council/answer.html", context, status=400 if form.errors else 200)


def _version(request) -> int | None:
    return whole_number(request.POST.get("version", ""))


@member_view
@require_POST
def review(request, pk):
    """Approve the submitted answer, or send it back with a reason."""
    question = _question(request, pk)
    who = actor(request)
    who.require(MANAGE_QUESTIONS)
    action = request.POST.get("action", "")
    try:
        if action == "approve":
            services.approve(question, actor=who, expected_version=_version(request))
            messages.success(request, _("The answer is approved; the asker is told."))
        elif action == "send_back":
            services.send_back(
                question,
                request.POST.get("reason", ""),
                actor=who,
                expected_version=_version(request),
            )
            messages.success(request, _("The answer has been sent back to its writer."))
        else:
            messages.error(request, _("Choose to approve the answer or to send it back."))
    except EditConflict:
        return _changed_meanwhile(request, question)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(_question_url(request, question))


@member_view
@require_POST
def publish(request, pk):
    """Show the approved question and answer on the public portal, or no longer."""
    question = _question(request, pk)
    who = actor(request)
    who.require(MANAGE_QUESTIONS)
    public = request.POST.get("public") == "1"
    try:
        services.set_public(question, public, actor=who, expected_version=_version(request))
    except EditConflict:
        return _changed_meanwhile(request, question)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The question and its answer are public on the portal.")
            if public
            else _("The question is no longer public."),
        )
    return redirect(_question_url(request, question))


def _changed_meanwhile(request, question):
    """409: the question as it is stored now, and nothing of the button's action done."""
    fresh = services.question_or_404(request.membership, question.pk)
    messages.error(
        request,
        _("Someone else changed this question in the meantime. Look at it again and choose."),
    )
    return _detail(request, fresh, status=409)


@member_view
def council_settings(request):
    actor(request).require(MANAGE_QUESTIONS)
    stored = services.settings_for(request.organisation)
    form = SettingsForm(request.POST or None, instance=stored)
    title = _("Council questions: settings")
    back = reverse("council:index", kwargs={"org": request.organisation.slug})

    def save():
        return services.save_settings(
            request.organisation,
            form.cleaned_data,
            actor=actor(request),
            expected_version=form.expected_version,
        )

    saved, conflict = save_or_conflict(
        request,
        form,
        save,
        lambda record, data=None: SettingsForm(data, instance=record),
        title=title,
        cancel_url=back,
    )
    if conflict:
        return conflict
    if saved:
        messages.success(request, _("Your changes have been saved."))
        return redirect(back)
    context = {"form": form, "title": title, "cancel_url": back}
    return render(request, "council/form.html", context, status=400 if form.errors else 200)


@member_view
@require_POST
def notices_read(request):
    notices.mark_all_read(request.membership)
    return redirect("council:index", org=request.organisation.slug)
