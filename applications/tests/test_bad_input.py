"""Bad input answers 4xx with its coded error, never 500 (issue 11, «bad input»): the cases found
when the portal was attacked, replayed through the API and the pages."""

import json

import pytest
from django.test import Client

from applications.models import Application
from applications.tests.factories import complete_business_draft, member, pdf_file
from applications.tests.test_api import assert_error_shape, client_for

LIGNITIS = "804773470"


@pytest.fixture
def draft(kya7066):
    user = member(LIGNITIS)
    return user, complete_business_draft(user, kya7066, afm=LIGNITIS)


def _patch(api, app, step, payload):
    return api.patch(f"/api/v1/applications/{app.pk}/", {"step": step, "payload": payload}, format="json")


@pytest.mark.parametrize(
    ("step", "payload", "field"),
    [
        ("positions", {"positions": ["x"]}, "positions"),
        ("positions", {"positions": 5}, "positions"),
        ("positions", {"positions": [{"persons": [1]}]}, "positions"),
        ("general", {"cluster": [1]}, "cluster"),
        ("de_minimis", {"grants": "όλες"}, "grants"),
        ("person", {"placement_preferences": [{"a": 1}]}, "placement_preferences"),
    ],
)
def test_a_step_of_the_wrong_shape_is_refused_at_its_field(draft, step, payload, field):
    user, app = draft
    before = Application.objects.get(pk=app.pk).data
    answer = _patch(client_for(user), app, step, payload)
    assert answer.status_code == 400, answer.content
    assert_error_shape(answer.json())
    assert field in answer.json()["fields"]
    assert Application.objects.get(pk=app.pk).data == before  # nothing already saved is lost


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ('{"step": "general", "payload": {"title": "a\\u0000b"}}', "nul_character"),
        ('{"step": "general", "payload": {"title": "\\ud800"}}', "invalid_unicode"),
        ('{"step": "general", "payload": ' + "[" * 5000 + "]" * 5000 + "}", "json_too_deep"),
    ],
)
def test_text_no_field_can_hold_is_refused_with_its_code(draft, raw, code):
    user, app = draft
    title = Application.objects.get(pk=app.pk).title
    answer = client_for(user).generic(
        "PATCH", f"/api/v1/applications/{app.pk}/", raw, content_type="application/json"
    )
    assert answer.status_code == 400
    assert_error_shape(answer.json())
    assert answer.json()["code"] == code
    assert Application.objects.get(pk=app.pk).title == title


@pytest.mark.parametrize("amount", ["1e30", "123456789012345678901", "NaN"])
def test_an_absurd_amount_is_refused_at_its_field(draft, amount):
    user, app = draft
    grants = [{"grantor": "ΥΠΑΑΤ", "regulation": "1408/2013", "date": "01/05/2025", "amount": amount}]
    answer = _patch(client_for(user), app, "de_minimis", {"declared": True, "grants": grants})
    assert answer.status_code == 400, answer.content
    assert_error_shape(answer.json())


def test_a_superscript_digit_in_an_id_is_a_clear_refusal(draft, kya7066):
    user, app = draft
    api = client_for(user)
    uploaded = api.post(
        f"/api/v1/applications/{app.pk}/attachments/",
        {"required_attachment": "²", "file": pdf_file("x.pdf")},
        format="multipart",
    )
    assert uploaded.status_code == 400 and "required_attachment" in uploaded.json()["fields"]

    anonymous = Client()
    public = anonymous.get(f"/evaluation/results/{kya7066.code}/public/", {"export": "²"})
    assert public.status_code in (200, 404)

    page = Client()
    page.force_login(user)
    assert page.post("/accounts/business/%C2%B2/members/invite/", {"afm": "123"}).status_code == 404
    assert page.get("/api/v1/applications/staff/", {"call": "²"}).status_code in (403, 200)


def test_a_nul_in_a_form_or_the_query_string_is_a_400_page_that_keeps_the_draft(draft):
    user, app = draft
    page = Client()
    page.force_login(user)
    answer = page.get("/applications/", {"q": "a\x00b"})
    assert answer.status_code == 400 and "NUL" in answer.content.decode()
    answer = page.post("/accounts/staff/login/", {"username": "admin\x00", "password": "x"})
    assert answer.status_code == 400 and 'id="bad-input"' in answer.content.decode()
    # The API says the same with its coded body.
    api = client_for(user)
    listed = api.get("/api/v1/applications/", {"q": "\x00"})
    assert listed.status_code == 400 and json.loads(listed.content)["code"] == "nul_character"


def test_an_overlong_staff_login_is_the_form_s_error_not_a_500(db):
    page = Client()
    answer = page.post("/accounts/staff/login/", {"username": "x" * 5000, "password": "y"})
    assert answer.status_code == 200
    assert "govgr-error-message" in answer.content.decode() or "errorlist" in answer.content.decode()
    answer = page.post("/accounts/staff/login/", {"username": "admin", "password": "p" * 5000})
    assert answer.status_code == 200


def test_a_nul_in_the_address_is_refused_before_any_view(db):
    from opske.tests.factories import UserFactory

    page = Client()
    page.force_login(UserFactory(roles=["auditor"]))
    answer = page.get("/audit/a%00b/a%00b/1/")
    assert answer.status_code == 400 and 'id="bad-input"' in answer.content.decode()
    assert json.loads(Client().get("/api/v1/calls/a%00b/").content)["code"] == "nul_character"
