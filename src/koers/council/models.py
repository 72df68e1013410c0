"""Council questions (raadsvragen): a council member asks about an item, a report section or
an indicator of a published round; the coordinator assigns it, the owner answers, the
coordinator approves; the asker is told, and the council may make it public."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from koers.accounts.locking import version_field
from koers.accounts.models import Organisation
from koers.accounts.scoping import OrganisationScopedManager
from koers.followup.models import ReportingRound
from koers.indicators.models import Indicator
from koers.plans.models import PlanItem

DEFAULT_ANSWER_DAYS = 14


class CouncilSettings(models.Model):
    """An organisation's rules for council questions."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="council_settings"
    )
    answer_days = models.PositiveSmallIntegerField(
        _("days to answer"),
        default=DEFAULT_ANSWER_DAYS,
        help_text=_("The deadline an assigned question gets, counted from the day it is assigned."),
    )
    version = version_field()
    objects = OrganisationScopedManager("organisation")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("council question settings")

    def __str__(self):
        return str(self.organisation)


class Question(models.Model):
    """One council question and its answer."""

    class Subject(models.TextChoices):
        ITEM = "item", _("an item")
        SECTION = "section", _("a section of the round's report")
        INDICATOR = "indicator", _("an indicator")

    class State(models.TextChoices):
        ASKED = "asked", _("asked")
        ASSIGNED = "assigned", _("assigned")
        DRAFT = "draft", _("answer in draft")
        SUBMITTED = "submitted", _("answer submitted")
        RETURNED = "returned", _("answer sent back")
        APPROVED = "approved", _("answered")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="council_questions"
    )
    round = models.ForeignKey(
        ReportingRound, on_delete=models.CASCADE, related_name="council_questions"
    )
    subject = models.CharField(_("about"), max_length=20, choices=Subject, default=Subject.ITEM)
    item = models.ForeignKey(
        PlanItem,
        verbose_name=_("item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="council_questions",
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="council_questions",
    )
    title = models.CharField(_("question in short"), max_length=200)
    text = models.TextField(_("question"), max_length=5000)
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    show_name = models.BooleanField(
        _("show my name on the public portal"),
        default=False,
        help_text=_("Otherwise the portal names the asker as 'council member'."),
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.ASKED)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True, max_length=20000)
    submitted_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("reason for sending it back"), blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_public = models.BooleanField(_("public on the portal"), default=False)
    asker_read_at = models.DateTimeField(null=True, blank=True)  # the approved answer, read
    version = version_field()
    objects = OrganisationScopedManager("organisation")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name = _("council question")
        indexes = [
            models.Index(fields=["round", "state"], name="question_round_state"),
            # a round's list, newest first
            models.Index(fields=["round", "-asked_at", "-id"], name="question_round_newest"),
            models.Index(fields=["organisation", "state"], name="question_org_state"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_answered(self) -> bool:
        return self.state == self.State.APPROVED

    @property
    def plan(self):
        return self.round.plan


class QuestionNotice(models.Model):
    """Someone is told something about a question: in the app (until read) and by e-mail
    (sent by ``koers send_notifications``, claimed first so that nothing goes twice)."""

    class Kind(models.TextChoices):
        ASKED = "asked", _("new question")
        ASSIGNED = "assigned", _("question to answer")
        RETURNED = "returned", _("answer sent back")
        SUBMITTED = "submitted", _("answer to approve")
        ANSWERED = "answered", _("your question is answered")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_notices"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    batch = models.CharField(max_length=32, blank=True)
    objects = OrganisationScopedManager("question__organisation")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="question_notice_unread")]

    def __str__(self):
        return f"{self.question} · {self.kind} → {self.user}"


class QuestionReminder(models.Model):
    """One reminder about one question for one moment: sending it twice is impossible."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    moment = models.CharField(max_length=20)  # 'before-3', 'after-1' …
    sent_at = models.DateTimeField(auto_now_add=True)
    objects = OrganisationScopedManager("question__organisation")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "user", "moment"], name="one_question_reminder_each"
            )
        ]

    def __str__(self):
        return f"{self.question} · {self.user} · {self.moment}"
