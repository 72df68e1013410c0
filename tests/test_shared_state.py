"""Nothing shared between threads gives wrong results: the search's Dutch stems and the
report charts, each made by 8 threads at once, equal the ones made by one thread."""

import re
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import matplotlib
import pytest
from snowballstemmer import stemmer

from koers.plans.services.tree import Money
from koers.reporting import charts
from koers.reporting.contents import GoalMoney, Summary
from koers.search import text

THREADS = 8
ROOTS = [
    "fiets",
    "pad",
    "boom",
    "weg",
    "school",
    "sport",
    "park",
    "huis",
    "zorg",
    "water",
    "straat",
    "plein",
    "jeugd",
    "cultuur",
    "wijk",
    "buurt",
    "kind",
    "ouder",
    "dienst",
    "plan",
    "actie",
    "doel",
    "budget",
    "bibliotheek",
    "zwembad",
    "energie",
    "klimaat",
    "natuur",
    "afval",
    "groen",
    "veilig",
    "verkeer",
    "gemeente",
    "burger",
    "vereniging",
    "woning",
]
ENDINGS = ("", "en", "s", "heden", "ingen", "etje", "tjes", "elijk", "erij", "baar")


def _words() -> list[str]:
    """About 14,000 different Dutch-looking words."""
    return [a + b + ending for a in ROOTS for b in ROOTS for ending in ENDINGS]


@pytest.fixture
def busy_switching():
    """Threads switch as often as the interpreter allows, so races show up."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def test_stems_are_right_and_stay_right_under_8_threads(busy_switching):
    words = _words()
    alone = stemmer("dutch_porter")  # a stemmer of this test's own, used by one thread
    expected = {word: alone.stemWord(word) for word in words}
    text.term.cache_clear()
    errors, wrong = [], []

    def work(offset: int) -> None:
        for word in words[offset:] + words[:offset]:  # every thread every word
            try:
                if text.term(word) != expected[word]:
                    wrong.append(word)
            except Exception as error:
                errors.append(repr(error))

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(work, [n * len(words) // THREADS for n in range(THREADS)]))
    assert errors == [] and wrong == []
    # What was cached is right too: asking again gives the expected stem.
    assert [word for word in words if text.term(word) != expected[word]] == []


def _summary(number: int) -> Summary:
    money = Money(initial=Decimal(100), current=Decimal(1000 + number), actual=Decimal(500))
    return Summary(
        status_counts=[("lopend $x$", "#1d4f91", 3 + number), ("klaar", "#2e7d32", 2)],
        milestones_done=1,
        milestones_total=2,
        goals=[GoalMoney(f"BD{number}", "Doel", {2026: money}, money, {})],
        years=[2026],
        current_year=2026,
        sdg_coverage=[(3, "Gezondheid", "#4c9f38", 2)],
        priority_items=[],
    )


def _drawing(summary: Summary) -> list[tuple[str, str, bytes]]:
    drawn = []
    for chart in charts.report_charts(summary):
        # The SVG without what may differ between runs of the same drawing.
        svg = re.sub(r'(id|clip-path|xlink:href|href)="[^"]*"', "", chart.svg)
        drawn.append((chart.key, re.sub(r"<dc:date>.*?</dc:date>", "", svg), chart.png))
        chart.close()
    return drawn


def test_charts_drawn_by_8_threads_at_once_equal_those_drawn_alone(busy_switching):
    summaries = [_summary(number) for number in range(THREADS * 3)]
    alone = [_drawing(summary) for summary in summaries]
    settings = dict(matplotlib.rcParams)
    start = threading.Barrier(THREADS)

    def draw(number: int):
        if number < THREADS:
            start.wait()  # the first drawings really run at the same time
        return _drawing(summaries[number])

    with ThreadPoolExecutor(THREADS) as pool:
        together = list(pool.map(draw, range(len(summaries))))
    assert [len(drawing) for drawing in together] == [3] * len(summaries)
    for number, (one, other) in enumerate(zip(alone, together, strict=True)):
        assert one == other, number
    assert dict(matplotlib.rcParams) == settings  # drawing changed no global setting
    assert "matplotlib.pyplot" not in sys.modules or not _open_pyplot_figures()


def _open_pyplot_figures() -> list:
    from matplotlib import pyplot

    return pyplot.get_fignums()
