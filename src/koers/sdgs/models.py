"""The 17 UN Sustainable Development Goals and their 169 targets (reference data)."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class LocalisedName:
    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl


class SDGGoal(LocalisedName, models.Model):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name_nl = models.CharField(_("Dutch name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    colour = models.CharField(_("colour"), max_length=7)

    class Meta:
        ordering = ["number"]
        verbose_name = _("SDG goal")
        verbose_name_plural = _("SDG goals")

    def __str__(self):
        return f"SDG {self.number} {self.name}"


class SDGTarget(LocalisedName, models.Model):
    goal = models.ForeignKey(SDGGoal, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(_("code"), max_length=6, unique=True)
    position = models.PositiveSmallIntegerField(_("position"))
    name_nl = models.CharField(_("Dutch name"), max_length=400)
    name_en = models.CharField(_("English name"), max_length=400)

    class Meta:
        ordering = ["goal__number", "position"]
        verbose_name = _("SDG target")
        verbose_name_plural = _("SDG targets")

    def __str__(self):
        return f"{self.code} {self.name}"
