"""Greek search ignores accents and case: the public calls list, the API and the staff list.

Runs on the database of the test run (PostgreSQL in CI); opske/tests/test_search.py runs this file
once more on SQLite.
"""

import pytest
from django.urls import reverse

from calls import services
from calls.models import Call
from calls.tests.factories import ProgrammeFactory, programme_admin, published_call

pytestmark = pytest.mark.django_db


def _call_through_the_service(title, code):
    # the editor's path: call_create writes the folded search text
    admin = programme_admin()
    call = services.call_create(
        actor=admin,
        programme_id=ProgrammeFactory(title="Πρόγραμμα Δίκαιης Αναπτυξιακής Μετάβασης").pk,
        code=code,
        fields={"title": title, "total_budget": "100000.00"},
    )
    return call


@pytest.mark.parametrize(
    "query", ["απασχοληση", "ΑΠΑΣΧΟΛΗΣΗ", "Απασχόληση", "  απασχόλΗση  ", "ΑΠΑΣΧΌΛΗΣΗ ανέργων"]
)
def test_public_list_finds_a_call_whatever_the_accents_and_case(client, query):
    # given a published call «Απασχόληση ανέργων» and another
    wanted = published_call(title="Ενίσχυση για την Απασχόληση ανέργων")
    other = published_call(title="Ψηφιακός μετασχηματισμός")
    # when the public searches without accents, in capitals, or as written
    page = client.get(reverse("calls:list"), {"q": query}).text
    # then the call is found, and only it
    assert wanted.title in page and other.title not in page


def test_every_word_must_match_in_any_field(client):
    published_call(
        title="Ενίσχυση για την Απασχόληση ανέργων",
        programme=ProgrammeFactory(title="Πρόγραμμα Δίκαιης Αναπτυξιακής Μετάβασης"),
    )
    page = client.get(reverse("calls:list"), {"q": "απασχοληση ψηφιακος"}).text
    assert "Απασχόληση ανέργων" not in page
    page = client.get(reverse("calls:list"), {"q": "μεταβασης απασχοληση"}).text  # programme + title
    assert "Απασχόληση ανέργων" in page


def test_the_service_keeps_the_search_text_when_the_title_changes(client):
    call = _call_through_the_service("Αρχικός τίτλος", "fold-1")
    assert Call.objects.get(pk=call.pk).search_text.startswith("αρχικοσ τιτλοσ fold-1")
    services.call_update_draft(
        actor=programme_admin(), call_id=call.pk, fields={"title": "Κοινωνική Οικονομία"}
    )
    assert "κοινωνικη οικονομια" in Call.objects.get(pk=call.pk).search_text


def test_api_search_folds_too(client):
    wanted = published_call(title="Ενίσχυση για την Απασχόληση ανέργων")
    client.force_login(programme_admin())
    data = client.get("/api/v1/calls/", {"q": "ΑΠΑΣΧΟΛΗΣΗ"}).json()
    rows = data["results"] if isinstance(data, dict) else data
    assert [r["code"] for r in rows] == [wanted.code]


def test_staff_list_search_folds(client):
    call = _call_through_the_service("Ενίσχυση για την Απασχόληση", "fold-2")
    client.force_login(programme_admin())
    page = client.get(reverse("calls:manage-list"), {"q": "απασχοληση"}).text
    assert call.code in page
    assert call.code not in client.get(reverse("calls:manage-list"), {"q": "ψηφιακος"}).text
