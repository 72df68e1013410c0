"""Bar charts of the portal: progress per goal (or per underlying item) and budget against
spent, as data for HTML bars drawn by ``portal/_charts.html``.

No JavaScript and no images: each bar is an element with a width class (``pct-N``, the
Content-Security-Policy allows no style attributes) and the figure beside it as text, so a
screen reader, a phone at 390 px and a printout read the same numbers.
"""

from dataclasses import dataclass
from decimal import Decimal

from koers.plans.services.tree import TreeRow


@dataclass
class ProgressBar:
    row: TreeRow
    percent: int | None  # None: no progress figure


@dataclass
class MoneyBar:
    row: TreeRow
    budget: Decimal  # current budget of the expenses
    spent: Decimal  # actual expenses
    budget_width: int  # percent of the largest amount of the chart
    spent_width: int
    spent_share: int | None  # spent as a percentage of the budget


def progress_chart(rows: list[TreeRow]) -> list[ProgressBar]:
    return [ProgressBar(row, row.progress_percent) for row in rows]


def _width(amount: Decimal, largest: Decimal) -> int:
    if amount <= 0:
        return 0
    return max(1, min(100, round(100 * amount / largest)))


def money_chart(rows: list[TreeRow], year: int | None = None) -> list[MoneyBar]:
    """Budget and spent expenses of each row (all years, or ``year``) on one scale: the
    largest amount is the full width. Empty when no row has a budget or spending."""
    amounts = [(row, row.money.expense_for(year)) for row in rows]
    largest = max((max(m.current, m.actual) for _, m in amounts), default=Decimal(0))
    if largest <= 0:
        return []
    return [
        MoneyBar(
            row,
            money.current,
            money.actual,
            _width(money.current, largest),
            _width(money.actual, largest),
            round(100 * money.actual / money.current) if money.current > 0 else None,
        )
        for row, money in amounts
    ]
