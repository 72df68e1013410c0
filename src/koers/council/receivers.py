"""A question that is or was public shows on the portal's pages of its plan: saving or
deleting it gives the plan a new content version, so that those cached pages follow.

The version is set here on every such save, not through ``plan_changed``: that skips a
plan already bumped in "the same" transaction, and it recognises a transaction by its
``Atomic`` objects, which a service decorated with ``transaction.atomic`` reuses from one
call to the next; taking a question off the portal right after making it public must
never leave the portal's pages as they were."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from koers.council.models import Question
from koers.followup.models import ReportingRound
from koers.plans.models import Plan
from koers.plans.models.plan import new_content_version


@receiver(pre_save, sender=Question)
def remember_public(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._public_before = False
        return
    stored = Question.objects.filter(pk=instance.pk).values_list("is_public", flat=True).first()
    instance._public_before = bool(stored)


def plan_changed(question: Question) -> None:
    plans = ReportingRound.objects.filter(pk=question.round_id).values("plan_id")
    Plan.objects.filter(pk__in=plans).update(content_version=new_content_version())


@receiver(post_save, sender=Question)
def public_question_saved(sender, instance, raw=False, **kwargs):
    if not raw and (instance.is_public or getattr(instance, "_public_before", False)):
        plan_changed(instance)


@receiver(post_delete, sender=Question)
def public_question_deleted(sender, instance, **kwargs):
    if instance.is_public:
        plan_changed(instance)
