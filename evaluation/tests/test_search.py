"""The evaluator's queue searches business names ignoring accents and case (opske.search)."""

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import Assignment
from evaluation.tests.factories import submitted_application

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["λιγνίτης", "Λιγνιτης τεχνικη", "ΛΙΓΝΙΤΗΣ"])
def test_queue_finds_the_business_whatever_the_accents_and_case(client, kya7066, evaluator, query):
    # given an application of ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ assigned to the evaluator (name from the registry)
    app, _ = submitted_application(kya7066)
    services.assignment_create(
        actor="δοκιμή", application_id=app.pk, evaluator_id=evaluator.pk, role=Assignment.Role.EVALUATOR
    )
    client.force_login(evaluator)
    # when the evaluator searches the queue with or without accents, in any case
    page = client.get(reverse("evaluation:queue"), {"q": query}).text
    missing = client.get(reverse("evaluation:queue"), {"q": "αρκαδικα"}).text
    # then the application is listed, and not for another name
    assert app.protocol_number in page
    assert app.protocol_number not in missing
