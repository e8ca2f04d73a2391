"""Ids-first pages for the largest staff lists (issue 11).

With `OFFSET n`, PostgreSQL builds and joins every skipped row before it throws it away: at 100,000
applications a deep page of the staff list or of the staff API cost 200-250 ms. Here the page's
primary keys are read first, in the list's order, by a query that selects only the key (so it
skips rows on an index or a narrow scan, with none of the list's joins or annotations), and then
the page's own rows are fetched with everything the list shows, by those keys, and put back in
order, on the first page too (a list's own query with its joins, sorted and cut at 25 rows, was
slower there: 55 → 133 ms for the results table). Same pages, same order, same count as Django's
Paginator.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from rest_framework.pagination import PageNumberPagination


class IdsFirstPaginator(Paginator):
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids).order_by()}
        return Page([rows[pk] for pk in ids if pk in rows], number, self)


class PagePagination(PageNumberPagination):
    """The API's pages: `?page=` and `?page_size=` (at most 100 rows; REST_FRAMEWORK["PAGE_SIZE"] by
    default)."""

    page_size_query_param = "page_size"
    max_page_size = 100


class IdsFirstPagination(PagePagination):
    """DRF's page-number pagination over `IdsFirstPaginator` (the staff application API)."""

    django_paginator_class = IdsFirstPaginator
