"""Terminology presets: the words a plan uses for its levels, sections and statuses.

Terminology is data. A plan names a preset and may override level and section
labels; the UI asks the plan's :class:`Terminology` for every such word.
The preset words are the domain's own (Dutch) words and are not translated.

A preset also names the Dutch of its country (``locale``): Flemish (``nl-be``: diensten,
rapporteringsrondes, uiterste datum, initieel budget) or Netherlands Dutch (``nl-nl``:
afdelingen, rapportagerondes, inleverdatum, primitieve begroting). The interface words
that differ live in the ``nl_NL`` catalogue, which holds only those sentences and falls
back to the common ``nl`` one; :func:`use_dutch_of` switches to it for a plan or an
organisation of that preset, so the words reach every sentence, e-mail and report.
"""

from contextlib import nullcontext
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext_lazy as _

SECTION_KEYS = ("description", "intent", "progress", "milestones", "cost")


@dataclass(frozen=True)
class StatusPreset:
    key: str
    name: str
    colour: str
    default_percent: int | None
    counts_in_progress: bool = True


@dataclass(frozen=True)
class CodeStyle:
    """How codes are generated: ``BD1`` → ``BD1-01`` → ``BD1-01-01`` or ``1`` → ``1.1``."""

    root_prefix: str
    separator: str
    width: int  # zero padding of child numbers; 0 = none


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    levels: tuple[str, ...]
    levels_plural: tuple[str, ...]
    sections: dict[str, str]
    code_style: CodeStyle
    statuses: tuple[StatusPreset, ...] = field(default=())
    # The Dutch of the preset's country: "nl-be" (Flemish) or "nl-nl" (the Netherlands).
    locale: str = "nl-be"
    # Section labels of an account of the plan (a round's progress report, jaarstukken),
    # where they differ from the plan's own (begroting) labels in ``sections``.
    account_sections: dict[str, str] = field(default_factory=dict)


COMMON_STATUSES = (
    StatusPreset("niet-gestart", "niet gestart", "#8a8f98", 0),
    StatusPreset("op-schema", "op schema", "#1d6fb8", 50),
    StatusPreset("vertraagd", "vertraagd", "#c46a00", 30),
    StatusPreset("on-hold", "on hold", "#6b5ca5", None),
    StatusPreset("gerealiseerd", "gerealiseerd", "#1e7b34", 100),
    StatusPreset("geannuleerd", "geannuleerd", "#a3262a", None, counts_in_progress=False),
)

PRESETS: dict[str, Preset] = {
    "flemish_bbc": Preset(
        key="flemish_bbc",
        label=_("Flemish BBC (beleidsdoelstelling, actieplan, actie)"),
        levels=("Beleidsdoelstelling", "Actieplan", "Actie"),
        levels_plural=("Beleidsdoelstellingen", "Actieplannen", "Acties"),
        sections={
            "description": "Ons plan",
            "intent": "",
            "progress": "Stand van zaken",
            "milestones": "Tijdspad en mijlpalen",
            "cost": "Wat kost het",
        },
        code_style=CodeStyle(root_prefix="BD", separator="-", width=2),
        statuses=(
            StatusPreset("niet-gestart", "niet gestart", "#8a8f98", 0),
            StatusPreset("lopend", "lopend", "#1d6fb8", 50),
            StatusPreset("vertraagd", "vertraagd", "#c46a00", 30),
            StatusPreset("on-hold", "on hold", "#6b5ca5", None),
            StatusPreset("gerealiseerd", "gerealiseerd", "#1e7b34", 100),
            StatusPreset("geannuleerd", "geannuleerd", "#a3262a", None, counts_in_progress=False),
        ),
    ),
    "dutch_pc": Preset(
        key="dutch_pc",
        label=_("Dutch planning & control (programma, doel, activiteit)"),
        levels=("Programma", "Doel", "Activiteit"),
        levels_plural=("Programma's", "Doelen", "Activiteiten"),
        # The three W-questions in the tense of the document: the plan is the begroting
        # (future), a round's report is its account, as in the jaarstukken (past).
        sections={
            "description": "Omschrijving",
            "intent": "Wat willen we bereiken?",
            "progress": "Wat gaan we daarvoor doen?",
            "milestones": "Planning en mijlpalen",
            "cost": "Wat mag het kosten?",
        },
        account_sections={
            "intent": "Wat hebben we bereikt?",
            "progress": "Wat hebben we daarvoor gedaan?",
            "cost": "Wat heeft het gekost?",
        },
        code_style=CodeStyle(root_prefix="", separator=".", width=0),
        statuses=COMMON_STATUSES,
        locale="nl-nl",
    ),
    "custom": Preset(
        key="custom",
        label=_("Custom (own labels)"),
        levels=("Doelstelling", "Actieplan", "Actie"),
        levels_plural=("Doelstellingen", "Actieplannen", "Acties"),
        sections={
            "description": "Omschrijving",
            "intent": "",
            "progress": "Voortgang",
            "milestones": "Mijlpalen",
            "cost": "Budget",
        },
        code_style=CodeStyle(root_prefix="D", separator="-", width=2),
        statuses=COMMON_STATUSES,
    ),
}

DEFAULT_PRESET = "flemish_bbc"


def preset_choices() -> list[tuple[str, str]]:
    return [(key, preset.label) for key, preset in PRESETS.items()]


@dataclass(frozen=True)
class Terminology:
    """The resolved words of one plan: preset plus the plan's own overrides."""

    preset: Preset
    level_overrides: tuple[str, ...] = ()
    section_overrides: dict[str, str] = field(default_factory=dict)

    def level(self, level: int) -> str:
        """Label of a level, 1 = top (goal / programme)."""
        labels = self.levels
        return labels[min(level, len(labels)) - 1]

    def level_plural(self, level: int) -> str:
        if self.level_overrides:
            return self.level(level)
        plural = self.preset.levels_plural
        return plural[min(level, len(plural)) - 1]

    @property
    def levels(self) -> tuple[str, ...]:
        merged = list(self.preset.levels)
        for index, label in enumerate(self.level_overrides):
            if label:
                if index < len(merged):
                    merged[index] = label
                else:
                    merged.append(label)
        return tuple(merged)

    def section(self, key: str) -> str:
        return self.section_overrides.get(key) or self.preset.sections.get(key, "")

    def account_section(self, key: str) -> str:
        """The label in an account of the plan (a round's report): past tense where it differs."""
        return (
            self.section_overrides.get(key)
            or self.preset.account_sections.get(key)
            or self.preset.sections.get(key, "")
        )

    @property
    def sections(self) -> dict[str, str]:
        return {key: self.section(key) for key in SECTION_KEYS}

    @property
    def account_sections(self) -> dict[str, str]:
        return {key: self.account_section(key) for key in SECTION_KEYS}


def terminology_for(preset_key: str, levels=(), sections=None) -> Terminology:
    preset = PRESETS.get(preset_key, PRESETS[DEFAULT_PRESET])
    return Terminology(preset, tuple(levels or ()), dict(sections or {}))


def dutch_of(preset_key: str) -> str:
    """The language code of the preset's Dutch: ``nl-be`` or ``nl-nl``."""
    return PRESETS.get(preset_key, PRESETS[DEFAULT_PRESET]).locale


def _speaks_dutch() -> bool:
    return (translation.get_language() or "").split("-")[0] == "nl"


def use_dutch_of(preset_key: str) -> None:
    """While Dutch is the active language, speak the Dutch of the preset's country.

    Called when a request is bound to an organisation or a plan (the next request starts
    again from the chosen language); English and other languages stay as they are.
    """
    if _speaks_dutch():
        translation.activate(dutch_of(preset_key))


def speaking_dutch_of(preset_key: str):
    """``with`` block form of :func:`use_dutch_of`, for jobs and commands (reports, e-mails)."""
    if _speaks_dutch():
        return translation.override(dutch_of(preset_key))
    return nullcontext()
