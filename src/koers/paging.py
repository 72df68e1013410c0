"""Pagination of lists whose length the page already knows."""

from django.core.paginator import Paginator
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
