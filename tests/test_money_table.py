"""The money table of an item page: only years with an amount, "Geen bedragen" when there
are none, receipts only when there are any."""

import re
from decimal import Decimal

from django.urls import reverse

from koers.plans.models import BudgetLine, PlanItem
from koers.plans.services.tree import Money, MoneyByYear


def _page(client, item) -> str:
    url = reverse("plans:item_detail", kwargs={"org": "voorbeeld", "pk": item.pk})
    return client.get(url).content.decode()


def _years(page: str) -> list[str]:
    table = page[page.index('id="money-table"') : page.index("</table>", page.index("money-table"))]
    return re.findall(r'<th scope="row">(\d{4})</th>', table)


def _leaf(demo):
    return PlanItem.objects.filter(plan=demo.plan, depth=4, numchild=0).order_by("path").first()


def test_rows_leave_out_years_whose_amounts_are_all_zero():
    money = MoneyByYear()
    money.expense[2026].add(Money(current=Decimal("100.00")))
    money.expense[2027].add(Money())  # a line of nothing
    money.receipt[2028].add(Money(actual=Decimal("5.00")))  # receipts alone count
    money.receipt[2029].add(Money())
    assert [year for year, _, _ in money.rows()] == [2026, 2028]
    assert money.has_receipts
    nothing = MoneyByYear()
    nothing.receipt[2026].add(Money())
    assert nothing.rows() == [] and not nothing.has_receipts


def test_the_item_page_hides_empty_years_and_says_when_there_are_no_amounts(demo, login):
    item = _leaf(demo)
    item.budget_lines.all().delete()
    client = login("reader@voorbeeld.be")
    page = _page(client, item)
    assert 'id="money-none"' in page and "Geen bedragen" in page
    assert 'id="money-table"' not in page
    assert demo.plan.first_year != demo.plan.last_year  # the plan's years are not listed

    BudgetLine.objects.create(item=item, year=2027, current=Decimal("1200"))
    BudgetLine.objects.create(item=item, year=2028)  # all zero: no row
    page = _page(client, item)
    assert _years(page) == ["2027"] and "Geen bedragen" not in page
    assert "Ontvangsten" not in page  # no receipts, no receipt columns
    assert "€\u00a01.200" in page

    BudgetLine.objects.create(item=item, year=2029, direction="receipt", current=Decimal("300"))
    page = _page(client, item)
    assert _years(page) == ["2027", "2029"]
    assert '<span class="k-visually-hidden">Ontvangsten: </span>Huidig</th>' in page
    assert 'data-label="Ontvangsten (gerealiseerd)"' in page
