"""Ids-first pages (opske.pagination, issue 11): the same pages as Django's Paginator, with the
skipping done by a query that reads only the keys and the rows fetched by key."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opske import audit
from opske.models import AuditEvent
from opske.pagination import IdsFirstPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def events():
    for n in range(23):
        audit.record(actor=None, action=f"test.event_{n % 4}", obj=None, after={"n": n})
    return AuditEvent.objects.select_related("actor").order_by("action", "-seq")


@pytest.mark.parametrize("per_page,orphans", [(5, 0), (5, 2), (10, 3), (50, 0)])
def test_every_page_is_django_s_page(events, per_page, orphans):
    plain, ids_first = (
        Paginator(events, per_page, orphans=orphans),
        IdsFirstPaginator(events, per_page, orphans=orphans),
    )

    assert ids_first.num_pages == plain.num_pages and ids_first.count == plain.count == 23
    for number in plain.page_range:
        assert [e.pk for e in ids_first.page(number)] == [e.pk for e in plain.page(number)], number
    assert list(ids_first.get_page("zz")) == list(plain.get_page("zz"))


def test_the_skipping_query_reads_only_the_keys_and_the_rows_come_by_key(events):
    paginator = IdsFirstPaginator(events, 5)
    paginator.count  # noqa: B018 - counted before, as the list page does

    with CaptureQueriesContext(connection) as ctx:
        page = paginator.page(4)

    skipping, fetching = (q["sql"] for q in ctx.captured_queries)
    assert "OFFSET 15" in skipping and "JOIN" not in skipping
    assert skipping.split(" FROM ")[0].count(",") == 0  # one column: the key
    assert "OFFSET" not in fetching and " IN (" in fetching
    assert len(page) == 5


def _audit_rows(html: str) -> int:
    return html.count('class="opske-audit-event"')


def test_rows_per_page_chosen_on_the_list_take_effect_and_keep_the_filters(client):
    from accounts.models import Role
    from opske.tests.factories import UserFactory

    for n in range(60):
        audit.record(actor=None, action="test.rows", obj=None, after={"n": n})
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    default = client.get("/audit/").content.decode()
    assert "page_size=50" in default and "page_size=100" in default  # the choice is offered
    assert _audit_rows(default) == 25
    chosen = client.get("/audit/", {"page_size": "50"}).content.decode()
    assert _audit_rows(chosen) == 50
    assert 'aria-current="true">50<' in chosen
    assert "page_size=50&amp;page=2" in chosen  # the next page keeps the size
    assert '<input type="hidden" name="page_size" value="50">' in chosen  # and so does the filter form
    assert 'name="page_size"' not in default  # the list's own size needs no hidden field

    filtered = client.get("/audit/", {"action": "test.rows", "page_size": "100"}).content.decode()
    assert _audit_rows(filtered) == 60
    assert "action=test.rows&amp;page_size=25" in filtered  # a size link keeps the filter

    for odd in ("²", "1000", "-5", "abc"):  # anything else is the list's own size
        html = client.get("/audit/", {"page_size": odd}).content.decode()
        assert _audit_rows(html) == 25 and 'name="page_size"' not in html


def test_the_api_takes_page_size_up_to_100():
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from opske.pagination import PagePagination

    pagination = PagePagination()
    request = APIRequestFactory().get("/", {"page_size": "500"})
    assert pagination.get_page_size(Request(request)) == 100
    assert pagination.get_page_size(Request(APIRequestFactory().get("/", {"page_size": "²"}))) == 50
