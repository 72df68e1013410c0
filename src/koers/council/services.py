"""Council questions: ask, assign, answer, review, make public.

Every change goes through these functions: they check the actor's capability in the one
policy (``koers.accounts.permissions``), run in a transaction, count the save against the
version the form was opened at (optimistic locking) and leave a history record with a
reason. Who is told what goes through ``koers.council.notices``.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from koers.accounts.actor import Actor, attribute
from koers.accounts.locking import claim_version
from koers.accounts.models import Membership, Organisation, Role
from koers.accounts.permissions import (
    ASK_QUESTIONS,
    MANAGE_QUESTIONS,
    answers_question,
    can,
    reads_question,
)
from koers.council import notices
from koers.council.models import CouncilSettings, Question
from koers.followup.models import ReportingRound
from koers.followup.services import items_in_scope
from koers.indicators.models import Indicator
from koers.plans.models import PlanItem

State = Question.State
Subject = Question.Subject

# The answer can be written (saved as draft, submitted) in these states.
ANSWERABLE = (State.ASSIGNED, State.DRAFT, State.RETURNED)
# Still waiting for an answer: reminders go out for these.
WAITING = ANSWERABLE


# -- settings --------------------------------------------------------------------------------


def settings_for(organisation: Organisation) -> CouncilSettings:
    """The organisation's settings (not saved yet: the defaults, version 0)."""
    found = CouncilSettings.objects.filter(organisation=organisation).first()
    return found or CouncilSettings(organisation=organisation, version=0)


@transaction.atomic
def save_settings(
    organisation: Organisation, values: dict, *, actor: Actor, expected_version: int | None = None
) -> CouncilSettings:
    actor.require(MANAGE_QUESTIONS, organisation=organisation)
    stored = settings_for(organisation)
    if stored.pk is None:
        if expected_version not in (None, 0):
            raise CouncilSettings.DoesNotExist
        stored.version = 1
    else:
        claim_version(stored, expected_version)
    days = values.get("answer_days", stored.answer_days)
    if not 1 <= days <= 365:
        raise ValidationError({"answer_days": _("Give a number of days from 1 to 365.")})
    stored.answer_days = days
    attribute(stored, actor, _("Settings changed"))
    stored.save()
    return stored


# -- what a question can be about ---------------------------------------------------------------


def is_published(round_: ReportingRound) -> bool:
    return round_.state == ReportingRound.State.PUBLISHED


def published_rounds(organisation: Organisation):
    return ReportingRound.objects.filter(
        plan__organisation=organisation, state=ReportingRound.State.PUBLISHED
    ).select_related("plan")


def latest_round_about_item(item: PlanItem) -> ReportingRound | None:
    """The latest published round of the item's plan that covered it (the newest first:
    usually the first one read covers it)."""
    rounds = ReportingRound.objects.filter(
        plan_id=item.plan_id, state=ReportingRound.State.PUBLISHED
    ).select_related("plan")
    for round_ in rounds.order_by("-period_end", "-id"):
        if items_in_scope(round_).filter(pk=item.pk).exists():
            return round_
    return None


def askable_items(round_: ReportingRound):
    return items_in_scope(round_).order_by("path")


def default_assignee(question: Question):
    """Who answers unless the coordinator chooses otherwise: the owner of the item or
    indicator, when they are still a member of the organisation."""
    owner = question.item.owner if question.item_id else None
    if owner is None and question.indicator_id:
        owner = question.indicator.owner
    if owner is None:
        return None
    member = Membership.objects.filter(user=owner, organisation_id=question.organisation_id)
    return owner if member.exists() else None


def answer_deadline(organisation: Organisation, today: date | None = None) -> date:
    today = today or timezone.localdate()
    return today + timedelta(days=settings_for(organisation).answer_days)


def possible_assignees(organisation: Organisation):
    """Members who can answer: everyone but readers (council members)."""
    from django.contrib.auth import get_user_model

    members = Membership.objects.filter(organisation=organisation).exclude(role=Role.READER)
    return (
        get_user_model()
        .objects.filter(pk__in=members.values("user_id"))
        .order_by("first_name", "last_name", "email")
    )


# -- the write path -------------------------------------------------------------------------


def _check_subject(round_: ReportingRound, values: dict) -> tuple[str, PlanItem | None, object]:
    subject = values.get("subject") or Subject.ITEM
    item, indicator = values.get("item"), values.get("indicator")
    if subject in (Subject.ITEM, Subject.SECTION):
        if item is None or not askable_items(round_).filter(pk=item.pk).exists():
            raise ValidationError({"item": _("Choose an item this round reported on.")})
        if subject == Subject.SECTION and item.depth != 2:
            raise ValidationError(
                {"subject": _("The round's report has a section for each goal only.")}
            )
        return subject, item, None
    if subject == Subject.INDICATOR:
        if indicator is None or indicator.organisation_id != round_.plan.organisation_id:
            raise ValidationError({"indicator": _("Choose an indicator of this organisation.")})
        return subject, None, indicator
    raise ValidationError({"subject": _("Choose what the question is about.")})


@transaction.atomic
def ask(round_: ReportingRound, values: dict, *, actor: Actor) -> Question:
    """A council member asks a question about an item, a goal's section of the round's
    report or an indicator of a published round."""
    actor.require(ASK_QUESTIONS)
    member = actor.membership
    if member is not None and member.organisation_id != round_.plan.organisation_id:
        raise PermissionDenied
    if not is_published(round_):
        raise ValidationError(_("Questions can be asked about a published round only."))
    subject, item, indicator = _check_subject(round_, values)
    title = " ".join((values.get("title") or "").split())  # one line: it is an e-mail subject
    text = (values.get("text") or "").strip()
    if not title:
        raise ValidationError({"title": _("Sum up the question in a few words.")})
    if not text:
        raise ValidationError({"text": _("Write the question.")})
    question = Question(
        organisation_id=round_.plan.organisation_id,
        round=round_,
        subject=subject,
        item=item,
        indicator=indicator,
        title=title[:200],
        text=text,
        asker=actor.user,
        show_name=bool(values.get("show_name")),
    )
    attribute(question, actor, _("Asked"))
    question.save()
    notices.tell_coordinators(question, notices.Kind.ASKED, actor)
    return question


def _locked(question: Question) -> Question:
    return (
        Question.objects.select_for_update(of=("self",))
        .select_related("round", "round__plan", "item", "indicator")
        .get(pk=question.pk)
    )


@transaction.atomic
def assign(
    question: Question,
    values: dict,
    *,
    actor: Actor,
    expected_version: int | None = None,
) -> Question:
    """The coordinator gives the question to someone to answer, with a deadline (the
    organisation's number of days from today when none is given)."""
    actor.require(MANAGE_QUESTIONS)
    _same_organisation(question, actor)
    claim_version(question, expected_version)
    current = _locked(question)
    if current.state in (State.SUBMITTED, State.APPROVED):
        raise ValidationError(_("An answer has been submitted: approve it or send it back first."))
    assignee = values.get("assignee")
    candidates = possible_assignees(current.organisation)
    if assignee is None or not candidates.filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("Choose a member who can answer.")})
    deadline = values.get("deadline") or answer_deadline(current.organisation)
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline cannot lie in the past.")})
    current.assignee = assignee
    current.deadline = deadline
    current.assigned_at = timezone.now()
    if current.state == State.ASKED:
        current.state = State.ASSIGNED
    attribute(current, actor, _("Assigned to %(name)s") % {"name": _name(assignee)})
    current.save()
    notices.tell(current, assignee, notices.Kind.ASSIGNED, actor)
    return current


@transaction.atomic
def save_answer(
    question: Question,
    answer: str,
    *,
    submit: bool,
    actor: Actor,
    expected_version: int | None = None,
) -> Question:
    """The person it is assigned to writes the answer: saved as draft, or submitted for
    the coordinator's approval."""
    if actor.membership is not None and not answers_question(actor.membership, question):
        raise PermissionDenied
    claim_version(question, expected_version)
    current = _locked(question)
    if actor.membership is not None and not answers_question(actor.membership, current):
        raise PermissionDenied
    if current.state not in ANSWERABLE:
        raise ValidationError(_("This question cannot be answered now."))
    answer = (answer or "").strip()
    if submit and not answer:
        raise ValidationError({"answer": _("Write the answer before submitting it.")})
    current.answer = answer
    if submit:
        current.state = State.SUBMITTED
        current.submitted_at = timezone.now()
        reason = _("Answer submitted")
    else:
        current.state = State.DRAFT if current.state != State.RETURNED else State.RETURNED
        reason = _("Answer saved as draft")
    attribute(current, actor, reason)
    current.save()
    if submit:
        notices.tell_coordinators(current, notices.Kind.SUBMITTED, actor)
    return current


@transaction.atomic
def approve(question: Question, *, actor: Actor, expected_version: int | None = None) -> Question:
    """The coordinator approves the submitted answer; the asker is told."""
    actor.require(MANAGE_QUESTIONS)
    _same_organisation(question, actor)
    claim_version(question, expected_version)
    current = _locked(question)
    if current.state != State.SUBMITTED:
        raise ValidationError(_("Only a submitted answer can be approved."))
    current.state = State.APPROVED
    current.approved_at = timezone.now()
    current.approved_by = actor.user
    current.return_reason = ""
    attribute(current, actor, _("Answer approved"))
    current.save()
    if current.asker_id is not None:
        notices.tell(current, current.asker, notices.Kind.ANSWERED, actor)
    return current


@transaction.atomic
def send_back(
    question: Question, reason: str, *, actor: Actor, expected_version: int | None = None
) -> Question:
    """The coordinator returns the submitted answer to its writer, saying why."""
    actor.require(MANAGE_QUESTIONS)
    _same_organisation(question, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what should change in the answer.")})
    claim_version(question, expected_version)
    current = _locked(question)
    if current.state != State.SUBMITTED:
        raise ValidationError(_("Only a submitted answer can be sent back."))
    current.state = State.RETURNED
    current.return_reason = reason
    attribute(current, actor, _("Answer sent back: %s") % reason)
    current.save()
    if current.assignee_id is not None:
        notices.tell(current, current.assignee, notices.Kind.RETURNED, actor)
    return current


@transaction.atomic
def set_public(
    question: Question, public: bool, *, actor: Actor, expected_version: int | None = None
) -> Question:
    """The council decided: the approved question and answer show on the public portal
    (or no longer)."""
    actor.require(MANAGE_QUESTIONS)
    _same_organisation(question, actor)
    claim_version(question, expected_version)
    current = _locked(question)
    if public and current.state != State.APPROVED:
        raise ValidationError(_("Only an answered question can be made public."))
    current.is_public = public
    reason = _("Made public") if public else _("No longer public")
    attribute(current, actor, reason)
    current.save()  # the portal's pages of the plan follow (koers.council.receivers)
    return current


def mark_read(question: Question, membership: Membership) -> None:
    """The asker has read the answer; the member's notices about it are read."""
    now = timezone.now()
    asker = question.asker_id == membership.user_id
    if question.state == State.APPROVED and asker and question.asker_read_at is None:
        Question.objects.filter(pk=question.pk, asker_read_at__isnull=True).update(
            asker_read_at=now
        )
    question.notices.filter(user_id=membership.user_id, read_at__isnull=True).update(read_at=now)


def _same_organisation(question: Question, actor: Actor) -> None:
    member = actor.membership
    if member is not None and member.organisation_id != question.organisation_id:
        raise PermissionDenied


def _name(user) -> str:
    return (user.get_full_name() or user.email) if user is not None else "–"


# -- what people see -------------------------------------------------------------------------


def visible_questions(membership: Membership):
    """The questions of the member's organisation the member may read (as
    ``permissions.reads_question`` decides, in one condition)."""
    questions = Question.objects.filter(organisation_id=membership.organisation_id)
    if can(membership, MANAGE_QUESTIONS):
        return questions
    mine = Q(asker_id=membership.user_id) | Q(assignee_id=membership.user_id)
    return questions.filter(mine | Q(state=State.APPROVED))


def question_or_404(membership: Membership, pk) -> Question:
    from django.http import Http404

    question = (
        Question.objects.select_related(
            "round", "round__plan", "item", "indicator", "asker", "assignee", "approved_by"
        )
        .filter(pk=pk, organisation_id=membership.organisation_id)
        .first()
    )
    if question is None or not reads_question(membership, question):
        raise Http404
    return question


@dataclass
class Filters:
    state: str = ""
    asker: int | None = None
    assignee: int | None = None


def round_questions(round_: ReportingRound, membership: Membership, filters: Filters):
    """The round's questions the member may read, filtered, newest first; the people in
    them read along (one query per page)."""
    questions = visible_questions(membership).filter(round=round_)
    if filters.state:
        questions = questions.filter(state=filters.state)
    if filters.asker is not None:
        questions = questions.filter(asker_id=filters.asker)
    if filters.assignee is not None:
        questions = questions.filter(assignee_id=filters.assignee)
    return questions.select_related("item", "indicator", "asker", "assignee").order_by(
        "-asked_at", "-id"
    )


def state_counts(round_: ReportingRound, membership: Membership) -> dict[str, int]:
    rows = (
        visible_questions(membership)
        .filter(round=round_)
        .values_list("state")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def people_in(round_: ReportingRound, membership: Membership, field: str) -> list:
    """The askers or assignees (``field``) of the round's visible questions, to filter on."""
    from django.contrib.auth import get_user_model

    ids = visible_questions(membership).filter(round=round_).values(f"{field}_id")
    return list(
        get_user_model().objects.filter(pk__in=ids).order_by("first_name", "last_name", "email")
    )


def round_totals(membership: Membership, rounds: list) -> dict[int, int]:
    """Per round: how many of its questions the member may read (one query)."""
    rows = (
        visible_questions(membership)
        .filter(round__in=rounds)
        .values_list("round_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def today() -> date:
    return timezone.localdate()


def item_questions(item: PlanItem, membership: Membership) -> list[Question]:
    return list(
        visible_questions(membership)
        .filter(item=item)
        .select_related("round", "asker")
        .order_by("-asked_at", "-id")
    )


def indicator_questions(indicator: Indicator, membership: Membership) -> list[Question]:
    return list(
        visible_questions(membership)
        .filter(indicator=indicator)
        .select_related("round", "asker")
        .order_by("-asked_at", "-id")
    )


def is_late(question: Question, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return question.state in WAITING and question.deadline is not None and question.deadline < today
