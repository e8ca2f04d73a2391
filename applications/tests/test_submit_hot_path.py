"""Final submission under a surge: a bounded number of queries, the same answer as the serializer,
and the call's compiled configuration following an amendment."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from applications import services
from applications.api.serializers import SubmitResultSerializer
from applications.api.views import submit_result
from applications.call_data import call_rule_data
from applications.models import Application, Submission
from applications.tasks import after_submission, after_submissions
from applications.tests.factories import complete_business_draft, member
from calls import services as call_services
from calls.tests.factories import programme_admin

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
    if connection.vendor != "postgresql":
        return  # the embedded SQLite default loads through the ORM (prefetches)
    # key claim, the one load statement, numbers + pool + audit head, application + submission row +
    # audit event, stored answer; no savepoint of the service's own (opske.db.service_atomic), only
    # the key's transaction as one inside the test's (its SAVEPOINT and RELEASE)
    assert len(queries.captured_queries) <= 7, [q["sql"][:60] for q in queries.captured_queries]
    loads = [q["sql"] for q in queries.captured_queries if "applications_application" in q["sql"]]
    assert len(loads) <= 2  # the locked load (with every child row) and the write


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


def test_the_receipt_names_the_call_version_in_force_at_submission(kya7066):
    user = member(LIGNITIS)
    draft = complete_business_draft(user, kya7066, afm=LIGNITIS)
    drafted_under = draft.call_version.number
    call_services.call_amend(
        actor=programme_admin(), call_id=kya7066.pk, reason="διόρθωση τίτλου", fields={"title": "Νέος τίτλος"}
    )

    submitted = services.application_submit(actor=user, application_id=draft.pk)

    submission = Submission.objects.get(application=submitted)
    assert submission.snapshot["call_version"] == drafted_under + 1
    assert Application.objects.get(pk=draft.pk).call_version.number == drafted_under + 1


@pytest.fixture
def broker_mode(settings, monkeypatch):
    """Tasks published to a broker (recorded here) instead of running inline."""
    settings.APPLICATIONS_RECEIPT_BATCH_SECONDS = 30
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setitem(services._receipt_batch, "next", 0.0)
    published = []
    monkeypatch.setattr(after_submission, "delay", lambda *a, **k: published.append(("one", a, k)))
    monkeypatch.setattr(after_submissions, "apply_async", lambda *a, **k: published.append(("batch", a, k)))
    return published


def test_under_load_receipts_are_scheduled_as_one_batch_that_records_them_all(
    kya7066, broker_mode, django_capture_on_commit_callbacks
):
    user = member(LIGNITIS)
    drafts = [complete_business_draft(user, kya7066, afm=LIGNITIS) for _ in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        for draft in drafts:
            services.application_submit(actor=user, application_id=draft.pk)

    assert broker_mode == [("batch", (), {"countdown": 30.0})]
    assert Submission.objects.filter(receipt__isnull=True).count() == 3

    recorded = services.submissions_record_pending()

    assert sorted(recorded) == sorted(Submission.objects.values_list("pk", flat=True))
    assert not Submission.objects.filter(receipt__isnull=True).exists()
    assert all(a.receipt_id for a in Application.objects.filter(pk__in=[d.pk for d in drafts]))
    assert services.submissions_record_pending() == []  # run twice: nothing more to do


def test_without_batching_each_submission_publishes_its_own_task(
    kya7066, broker_mode, settings, django_capture_on_commit_callbacks
):
    settings.APPLICATIONS_RECEIPT_BATCH_SECONDS = 0
    user = member(LIGNITIS)
    draft = complete_business_draft(user, kya7066, afm=LIGNITIS)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(actor=user, application_id=draft.pk)

    submission = Submission.objects.get(application_id=draft.pk)
    assert broker_mode == [("one", (submission.pk,), {})]
