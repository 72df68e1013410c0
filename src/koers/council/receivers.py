"""A question that is or was public shows on the portal's pages of its plan: saving or
deleting it gives the plan a new content version, so that those cached pages follow."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from koers.council.models import Question
from koers.followup.models import ReportingRound
from koers.plans.content import plan_changed


@receiver(pre_save, sender=Question)
def remember_public(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._public_before = False
        return
    stored = Question.objects.filter(pk=instance.pk).values_list("is_public", flat=True).first()
    instance._public_before = bool(stored)


def _plan_of(question: Question) -> int | None:
    rounds = ReportingRound.objects.filter(pk=question.round_id)
    return rounds.values_list("plan_id", flat=True).first()


@receiver(post_save, sender=Question)
def public_question_saved(sender, instance, raw=False, **kwargs):
    if not raw and (instance.is_public or getattr(instance, "_public_before", False)):
        plan_changed(_plan_of(instance))


@receiver(post_delete, sender=Question)
def public_question_deleted(sender, instance, **kwargs):
    if instance.is_public:
        plan_changed(_plan_of(instance))
