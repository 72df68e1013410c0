"""The report's charts, drawn once with matplotlib: SVG for the website, PNG for PDF and
Word, so they look the same everywhere. Each chart carries its figures as text, the
alternative for people who cannot see it.

Charts are drawn from web threads and job workers at the same time, so they use
matplotlib's object API only: each chart is its own ``Figure`` with its own canvas,
never pyplot (whose list of open figures is shared by the process), and its style is
given to each element rather than through ``rcParams``. Two SVG settings have no other
way in: they are set once, when this module is imported, and never while drawing.

Labels are user text: shown literally (a ``$`` would start mathtext), without control
characters, and shortened so that one long name cannot make a huge image.
"""

import io
import re
from dataclasses import dataclass
from functools import cached_property

import matplotlib
from django.utils.translation import gettext as _
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from koers.reporting.contents import Summary
from koers.reporting.richtext import plain, shorten

matplotlib.rcParams["svg.hashsalt"] = "koers"  # the same SVG ids for the same figures
matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text in the SVG
FONT = {"family": "DejaVu Sans", "size": 9}
LABEL_LENGTH = 60  # a status name's length
BUDGET = "#1d4f91"
ACTUAL = "#e0a030"
GREY = "#8a8f98"
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass
class Chart:
    key: str
    title: str
    text: str  # the text alternative: every figure the chart shows
    figure: object

    @cached_property
    def svg(self) -> str:
        out = io.StringIO()
        self.figure.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
        return out.getvalue()

    @cached_property
    def png(self) -> bytes:
        out = io.BytesIO()
        self.figure.savefig(out, format="png", dpi=150, bbox_inches="tight")
        return out.getvalue()

    def close(self) -> None:
        """Let go of the drawing (a figure outside pyplot is freed with its chart)."""
        self.figure.clear()


def as_label(text) -> str:
    """User text as a label: literal (dollar signs escaped, so no mathtext), shortened."""
    return shorten(" ".join(plain(text).split()), LABEL_LENGTH).replace("$", r"\$")


def colour(value) -> str:
    return value if isinstance(value, str) and COLOUR.fullmatch(value) else GREY


def _figure(width: float, height: float):
    """A figure of its own (no pyplot) with one plot without top and right lines."""
    figure = Figure(figsize=(width, height))
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=FONT["size"], labelfontfamily=FONT["family"])
    return figure, axes


def _euro(value) -> str:
    return "€ " + f"{value:,.0f}".replace(",", ".")


def _count_bars(labels: list[str], counts: list[int], colours: list[str], row_height: float):
    """Horizontal bars of item counts, first label on top, each bar with its number."""
    figure, axes = _figure(6, row_height * len(labels) + 0.8)
    positions = range(len(labels))
    bars = axes.barh(list(positions), counts, color=[colour(value) for value in colours])
    axes.set_yticks(list(positions), [as_label(text) for text in labels])
    axes.invert_yaxis()
    axes.bar_label(bars, padding=3, fontsize=FONT["size"], fontfamily=FONT["family"])
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # items come whole: 0, 1, 2
    axes.set_xlabel(_("number of items"), fontdict=FONT)
    return figure


def status_chart(summary: Summary) -> Chart | None:
    if not summary.status_counts:
        return None
    names = [entry[0] for entry in summary.status_counts]
    colours = [entry[1] for entry in summary.status_counts]
    counts = [entry[2] for entry in summary.status_counts]
    figure = _count_bars(names, counts, colours, 0.4)
    text = "; ".join(f"{plain(name)}: {count}" for name, count in zip(names, counts, strict=True))
    return Chart("status", _("Items by status"), text, figure)


def budget_chart(summary: Summary) -> Chart | None:
    goals = [goal for goal in summary.goals if goal.total.current or goal.total.actual]
    if not goals:
        return None
    labels = [plain(goal.code or goal.title[:20]) for goal in goals]
    figure, axes = _figure(6, 0.5 * len(goals) + 1)
    positions = range(len(goals))
    budget = [float(goal.total.current) for goal in goals]
    actual = [float(goal.total.actual) for goal in goals]
    axes.barh([p + 0.2 for p in positions], budget, height=0.4, color=BUDGET, label=_("budget"))
    axes.barh([p - 0.2 for p in positions], actual, height=0.4, color=ACTUAL, label=_("actual"))
    axes.set_yticks(list(positions), [as_label(text) for text in labels])
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(lambda value, _pos: _euro(value))
    # Amounts of millions are long labels: fewer of them, slanted, so they never touch.
    axes.xaxis.set_major_locator(MaxNLocator(nbins=5))
    axes.tick_params(axis="x", labelrotation=30)
    for label in axes.get_xticklabels():
        label.set_horizontalalignment("right")
    axes.legend(loc="lower right", frameon=False, prop=FONT)
    text = "; ".join(
        _("%(goal)s: budget %(budget)s, actual %(actual)s")
        % {"goal": label, "budget": _euro(goal.total.current), "actual": _euro(goal.total.actual)}
        for label, goal in zip(labels, goals, strict=True)
    )
    return Chart("budget", _("Budget and actual per goal (all years)"), text, figure)


def sdg_chart(summary: Summary) -> Chart | None:
    if not summary.sdg_coverage:
        return None
    labels = [f"SDG {entry[0]}" for entry in summary.sdg_coverage]
    colours = [entry[2] for entry in summary.sdg_coverage]
    counts = [entry[3] for entry in summary.sdg_coverage]
    figure = _count_bars(labels, counts, colours, 0.35)
    text = "; ".join(
        f"SDG {number} {name}: {count}" for number, name, _colour, count in summary.sdg_coverage
    )
    return Chart("sdg", _("Items per SDG"), text, figure)


def report_charts(summary: Summary) -> list[Chart]:
    return [
        chart
        for chart in (status_chart(summary), budget_chart(summary), sdg_chart(summary))
        if chart is not None
    ]
