"""Final submission under a surge: a bounded number of queries, the same answer as the serializer,
and the call's compiled configuration following an amendment."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from applications import services
from applications.api.serializers import SubmitResultSerializer
from applications.api.views import submit_result
from applications.call_data import call_rule_data
from applications.models import Application
from applications.tests.factories import complete_business_draft, member

LIGNITIS = "804773470"


def test_a_submission_reads_the_call_configuration_from_memory_not_per_request(kya7066):
    user = member(LIGNITIS)
    first = complete_business_draft(user, kya7066, afm=LIGNITIS)
    second = complete_business_draft(user, kya7066, afm=LIGNITIS)
    api = APIClient()
    api.force_authenticate(user)
    api.post(f"/api/v1/applications/{first.pk}/submit/", HTTP_IDEMPOTENCY_KEY="warm")

    with CaptureQueriesContext(connection) as queries:
        answer = api.post(f"/api/v1/applications/{second.pk}/submit/", HTTP_IDEMPOTENCY_KEY="second")

    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] in ("submitted", "reserve")
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    for config_table in ("calls_kadrule", "calls_area", "calls_unitrate", 'calls_budgetpool" WHERE'):
        assert f'FROM "{config_table}' not in sql
    assert len(queries.captured_queries) <= 20


def test_the_light_submit_answer_matches_the_documented_serializer(kya7066):
    user = member(LIGNITIS)
    draft = complete_business_draft(user, kya7066, afm=LIGNITIS)

    services.application_submit(actor=user, application_id=draft.pk)

    app = Application.objects.select_related("pool").get(pk=draft.pk)
    assert submit_result(app) == SubmitResultSerializer(app).data


def test_an_amended_call_is_checked_against_its_new_configuration(kya7066):
    before = call_rule_data(kya7066)
    kya7066.kad_rules.filter(code=before["kad_codes"][0]).delete()
    kya7066.save()  # an edit or amendment moves updated_at (and an amendment the version)

    after = call_rule_data(kya7066)

    assert len(after["kad_codes"]) == len(before["kad_codes"]) - 1
