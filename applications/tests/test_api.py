"""The applications API: same validation and error codes as the UI, Idempotency-Key, IDOR, staff list."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory
from applications import services
from applications.models import Application, IdempotencyRecord
from applications.tasks import purge_idempotency_records
from applications.tests.factories import (
    POSITION_KOZANI,
    complete_business_draft,
    member,
    upload_required_attachments,
)
from calls.models import BudgetPool, Call
from opske.models import AuditEvent

LIGNITIS = "804773470"
GREVENA = "808982626"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def assert_error_shape(body):
    assert set(body) == {"code", "message", "fields"}
    assert isinstance(body["fields"], dict)


def test_create_draft_save_steps_and_submit_through_the_api(kya7066):
    user = member(LIGNITIS)
    api = client_for(user)

    created = api.post("/api/v1/applications/", {"call": kya7066.pk}, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    for step, payload in [
        ("general", {"email": "info@lignitis.example.gr"}),
        ("positions", {"positions": [POSITION_KOZANI]}),
        ("de_minimis", {"declared": True, "grants": []}),
        ("declarations", {"solemn": True}),
    ]:
        saved = api.patch(f"/api/v1/applications/{pk}/", {"step": step, "payload": payload}, format="json")
        assert saved.status_code == 200, saved.json()
    from applications.tasks import prefill_registries

    # Documents through the service here; the attachments API has its own tests (test_api_attachments.py).
    upload_required_attachments(user, Application.objects.get(pk=pk))
    prefill_registries(pk)
    submitted = api.post(f"/api/v1/applications/{pk}/submit/", format="json")

    assert submitted.status_code == 200, submitted.json()
    body = submitted.json()
    assert body["status"] == "submitted" and body["priority_seq"] == 1
    assert body["protocol_number"] and "." in body["submitted_at"]  # microseconds are shown
    detail = api.get(f"/api/v1/applications/{pk}/").json()
    assert (
        detail["positions"][0]["category"] == "01.22" and detail["protocol_number"] == body["protocol_number"]
    )


def test_submit_error_has_code_message_and_fields_like_the_ui(kya7066):
    user = member(LIGNITIS)
    app = complete_business_draft(
        user, kya7066, afm=LIGNITIS, positions=[{**POSITION_KOZANI, "place_region": "Αττικής"}]
    )

    response = client_for(user).post(f"/api/v1/applications/{app.pk}/submit/")

    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body)
    assert body["code"] == "area_ineligible"
    assert "δεν είναι επιλέξιμη" in body["fields"]["positions"][0]


def test_idempotency_key_makes_a_retried_submit_return_the_first_result(kya7066):
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)
    api = client_for(user)

    first = api.post(f"/api/v1/applications/{app.pk}/submit/", HTTP_IDEMPOTENCY_KEY="k-1")
    retry = api.post(f"/api/v1/applications/{app.pk}/submit/", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert Application.objects.get(pk=app.pk).submissions.count() == 1


def test_a_failed_submit_stores_its_error_and_old_answers_are_purged_after_the_retention(kya7066, settings):
    settings.API_IDEMPOTENCY_DAYS = 7
    user = member(LIGNITIS)
    draft = services.application_create(actor=user, call_id=kya7066.pk, business_afm=LIGNITIS)  # incomplete
    api = client_for(user)
    failed = api.post(f"/api/v1/applications/{draft.pk}/submit/", HTTP_IDEMPOTENCY_KEY="bad-1")
    replay = api.post(f"/api/v1/applications/{draft.pk}/submit/", HTTP_IDEMPOTENCY_KEY="bad-1")
    IdempotencyRecord.objects.update(created_at=timezone.now() - datetime.timedelta(days=8))
    api.post(f"/api/v1/applications/{draft.pk}/submit/", HTTP_IDEMPOTENCY_KEY="fresh")

    purged = purge_idempotency_records()

    assert failed.status_code == replay.status_code == 400 and replay.json() == failed.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert purged == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh"]


def test_a_refusal_after_the_numbers_were_taken_is_stored_and_leaves_no_gap(kya7066):
    """The key's transaction has no savepoint of the service's own (opske.db.service_atomic): a
    refusal past the call's counter (pool exhausted, ΚΥΑ 7066 Art. 6.1) rolls the whole of it back,
    then is stored as the key's answer; the counter did not move and no event was written."""
    Call.objects.filter(pk=kya7066.pk).update(over_pool_policy=Call.OverPoolPolicy.REFUSE)
    BudgetPool.objects.filter(call=kya7066, code="wm").update(amount="1000.00")
    user = member(LIGNITIS)
    refused_draft = complete_business_draft(user, kya7066, afm=LIGNITIS)
    api = client_for(user)
    events_before = AuditEvent.objects.count()

    refused = api.post(f"/api/v1/applications/{refused_draft.pk}/submit/", HTTP_IDEMPOTENCY_KEY="pool-1")
    replay = api.post(f"/api/v1/applications/{refused_draft.pk}/submit/", HTTP_IDEMPOTENCY_KEY="pool-1")
    events_after_refusal = AuditEvent.objects.count()
    BudgetPool.objects.filter(call=kya7066, code="wm").update(amount="100000.00")
    accepted = api.post(f"/api/v1/applications/{refused_draft.pk}/submit/", HTTP_IDEMPOTENCY_KEY="pool-2")

    assert refused.status_code == 409 and refused.json()["code"] == "pool_exhausted"
    assert replay.status_code == 409 and replay.json() == refused.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert events_after_refusal == events_before
    record = IdempotencyRecord.objects.get(user=user, key="pool-1")
    assert record.status_code == 409 and record.body["code"] == "pool_exhausted"
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["priority_seq"] == 1
    assert accepted.json()["protocol_number"].endswith("-000001")


def test_submit_without_a_key_twice_submits_once_and_says_so(kya7066):
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)
    api = client_for(user)

    api.post(f"/api/v1/applications/{app.pk}/submit/")
    second = api.post(f"/api/v1/applications/{app.pk}/submit/")

    assert second.status_code == 409
    assert second.json()["code"] == "already_submitted"


def test_idempotency_key_on_create_returns_the_same_draft(kya7066):
    user = member(LIGNITIS)
    api = client_for(user)

    first = api.post(
        "/api/v1/applications/", {"call": kya7066.pk}, format="json", HTTP_IDEMPOTENCY_KEY="create-1"
    )
    again = api.post(
        "/api/v1/applications/", {"call": kya7066.pk}, format="json", HTTP_IDEMPOTENCY_KEY="create-1"
    )

    assert first.json()["id"] == again.json()["id"]
    assert Application.objects.filter(call=kya7066).count() == 1


def test_reusing_a_key_for_a_different_request_is_refused(kya7066):
    user = member(LIGNITIS)
    api = client_for(user)
    api.post("/api/v1/applications/", {"call": kya7066.pk}, format="json", HTTP_IDEMPOTENCY_KEY="same")

    other = api.post(
        "/api/v1/applications/",
        {"call": kya7066.pk, "business_afm": LIGNITIS},
        format="json",
        HTTP_IDEMPOTENCY_KEY="same",
    )

    assert other.status_code == 400
    assert other.json()["code"] == "idempotency_key_reused"


def test_another_businesss_application_is_a_404_in_the_api(kya7066):
    owner, stranger = member(LIGNITIS), member(GREVENA)
    app = complete_business_draft(owner, kya7066, afm=LIGNITIS, prefill=False)
    api = client_for(stranger)

    for response in (
        api.get(f"/api/v1/applications/{app.pk}/"),
        api.post(f"/api/v1/applications/{app.pk}/submit/"),
        api.post(f"/api/v1/applications/{app.pk}/withdraw/"),
        api.patch(f"/api/v1/applications/{app.pk}/", {"step": "general", "payload": {}}, format="json"),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert app.pk not in [a["id"] for a in api.get("/api/v1/applications/").json()["results"]]


def test_submission_after_the_window_closes_shows_the_closing_time(kya7066):
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)
    closed = timezone.now() - datetime.timedelta(minutes=1)
    Call.objects.filter(pk=kya7066.pk).update(submission_closes_at=closed)

    response = client_for(user).post(f"/api/v1/applications/{app.pk}/submit/")

    assert response.status_code == 409
    body = response.json()
    assert_error_shape(body)
    assert body["code"] == "window_closed"
    assert timezone.localtime(closed).strftime("%d/%m/%Y %H:%M") in body["message"]


def test_bad_step_input_is_a_validation_error_not_a_500(kya7066):
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS, prefill=False)
    api = client_for(user)

    unknown = api.patch(f"/api/v1/applications/{app.pk}/", {"step": "nope", "payload": {}}, format="json")
    bad = api.patch(
        f"/api/v1/applications/{app.pk}/",
        {"step": "positions", "payload": {"positions": [{**POSITION_KOZANI, "persons": "πολλά"}]}},
        format="json",
    )

    assert unknown.status_code == 400 and unknown.json()["code"] == "validation_failed"
    assert bad.status_code == 400 and "ακέραιος" in bad.json()["fields"]["positions"][0]


def test_withdraw_and_reopen_through_the_api(kya7066):
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)
    api = client_for(user)
    api.post(f"/api/v1/applications/{app.pk}/submit/")

    reopened = api.post(f"/api/v1/applications/{app.pk}/reopen/")
    withdrawn = api.post(f"/api/v1/applications/{app.pk}/withdraw/", {"reason": "λάθος"}, format="json")

    assert reopened.json()["status"] == "draft"
    assert withdrawn.json()["status"] == "withdrawn"


@pytest.mark.parametrize("role", [Role.PROGRAMME_ADMIN, Role.EVALUATOR, Role.SUPERVISOR, Role.AUDITOR])
def test_staff_read_the_submitted_applications_of_a_call_in_priority_order(
    kya7066, role, django_assert_max_num_queries
):
    user = member(LIGNITIS)
    for _ in range(3):
        app = complete_business_draft(user, kya7066, afm=LIGNITIS)
        client_for(user).post(f"/api/v1/applications/{app.pk}/submit/")
    complete_business_draft(user, kya7066, afm=LIGNITIS, prefill=False)  # a draft stays private
    staff = client_for(UserFactory(roles=[role]))

    with django_assert_max_num_queries(8):
        response = staff.get(f"/api/v1/applications/staff/?call={kya7066.pk}")

    assert response.status_code == 200
    assert [a["priority_seq"] for a in response.json()["results"]] == [1, 2, 3]


def test_applicants_cannot_read_the_staff_list(kya7066):
    response = client_for(member(LIGNITIS)).get("/api/v1/applications/staff/")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_openapi_schema_documents_the_applications_api(db):
    staff = client_for(UserFactory(roles=[Role.PROGRAMME_ADMIN]))

    response = staff.get("/api/schema/")

    assert response.status_code == 200
    assert b"/api/v1/applications/{id}/submit/" in response.content
