"""Pagination of lists whose length the page already knows."""

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


class CountedPaginator(Paginator):
    """A paginator told how many objects the list has (``known_count``), so that it does not
    count them again; without it, it counts as Django's does."""

    def __init__(self, object_list, per_page, known_count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = known_count

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        return Paginator.count.func(self)


def page_in_order(queryset, key: str, per_page: int, number) -> Page:
    """The page ``number`` of ``queryset`` in the order of the field ``key``, with the
    page's rows as its ``object_list``.

    The database is not asked to sort: the list's ids and keys are read in one narrow query
    without ``ORDER BY``, sorted here and the page's rows read by id. With an ``ORDER BY``
    and ``LIMIT``, PostgreSQL may walk an index of every organisation's rows in that order
    (the tree paths of all plans) to find one organisation's first page, which on an
    installation of hundreds of organisations took half a second (``bench/hosting.py``).
    Keys are compared as Python strings: tree paths (digits and capitals) sort alike in
    both."""
    ordered = sorted(queryset.order_by().values_list(key, "pk"))
    page = Paginator([pk for _, pk in ordered], per_page).get_page(number)
    found = {row.pk: row for row in queryset.order_by().filter(pk__in=page.object_list)}
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return page
