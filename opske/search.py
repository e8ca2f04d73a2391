"""Greek search that ignores accents and case, the same on PostgreSQL and SQLite.

Neither database folds Greek the way a reader expects: PostgreSQL's UPPER keeps the tonos
(«Απασχόληση» → «ΑΠΑΣΧΌΛΗΣΗ», so «απασχοληση» does not match) and SQLite's LIKE folds ASCII
only. So each searchable row keeps a normalised copy of its searchable text (`search_text`),
written by the service that writes the row, and a query is normalised the same way and matched
with a plain, case-sensitive `contains` on that column.
"""

from __future__ import annotations

import unicodedata

from django.db.models import Q, QuerySet


def fold(text: str) -> str:
    """Lower case without diacritics; final sigma as sigma; runs of white space as one space.

    «Απασχόληση», «ΑΠΑΣΧΟΛΗΣΗ» and «απασχοληση» all fold to «απασχοληση»; «Ϊ» to «ι».
    """
    decomposed = unicodedata.normalize("NFD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def search_document(*parts) -> str:
    """The `search_text` of a row: its searchable fields folded and joined."""
    return fold(" ".join(str(p) for p in parts if p))


def search_terms(query: str) -> list[str]:
    """The words of a query, folded (every word must match, in any order)."""
    return fold(query).split()


def folded_match(field: str, query: str) -> Q:
    """Q matching rows whose folded `field` contains every word of `query` (empty query: all)."""
    q = Q()
    for term in search_terms(query):
        q &= Q(**{f"{field}__contains": term})
    return q


def filter_folded(queryset: QuerySet, field: str, query: str) -> QuerySet:
    return queryset.filter(folded_match(field, query))
