"""Staff two-factor login (issue 11): a TOTP code after the password, for every staff role, through
the real pages; enrolment at the first login; replay and throttling; the audit trail; the reset."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from accounts.tests.factories import TaxisnetUserFactory, UserFactory
from accounts.tests.two_step import code_for, key_on_page, password_step, two_step_login
from opske.models import AuditEvent

pytestmark = pytest.mark.django_db

STAFF_ROLES = [r for r in Role if r != Role.API_CLIENT]


def _fresh_client():
    # A client whose sessions come only from the pages (the suite's force_login shortcut is not used).
    return Client()


@pytest.mark.parametrize("role", STAFF_ROLES, ids=[r.value for r in STAFF_ROLES])
def test_after_the_password_every_staff_role_must_enrol_an_authenticator_before_any_page(role):
    client = _fresh_client()
    user = UserFactory(roles=[role])

    page = password_step(client, user.username)

    assert page.wsgi_request.path == "/accounts/staff/otp/enrol/"
    html = page.content.decode()
    assert "Σύνδεση εφαρμογής επαλήθευσης" in html and "<svg" in html
    assert len(key_on_page(html)) == 32  # 20 random bytes in base32
    assert "Εισερχόμενα" not in html and "Αποσύνδεση" in html  # the header offers only the logout
    # Every other page is closed to this half-logged-in session, the API with the coded error.
    dashboard = client.get("/accounts/dashboard/")
    assert dashboard.status_code == 302
    assert dashboard["Location"] == "/accounts/staff/otp/?next=%2Faccounts%2Fdashboard%2F"
    api = client.get("/api/v1/me/")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"
    assert set(api.json()) == {"code", "message", "fields"}
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_enrolment_is_confirmed_only_by_a_right_code_and_then_the_dashboard_opens():
    client = _fresh_client()
    user = UserFactory(roles=[Role.VERIFIER])
    key = key_on_page(password_step(client, user.username).content.decode())

    wrong = client.post(
        "/accounts/staff/otp/enrol/", {"code": "000000" if code_for(key) != "000000" else "111111"}
    )
    assert wrong.status_code == 400
    assert "Ο κωδικός δεν είναι σωστός ή έληξε." in wrong.content.decode()
    # The same key is shown again: nothing already set up is lost by a wrong code.
    assert key_on_page(wrong.content.decode()) == key

    for bad, message in [("", "Συμπληρώστε τον κωδικό των 6 ψηφίων."), ("12345²", "Ο κωδικός είναι 6 ψηφία")]:
        answer = client.post("/accounts/staff/otp/enrol/", {"code": bad})
        assert answer.status_code == 400 and message in answer.content.decode()

    import time

    time.sleep(1.1)  # the wrong code above throttles the next try for one second
    right = client.post("/accounts/staff/otp/enrol/", {"code": code_for(key), "next": "/accounts/dashboard/"})
    assert right.status_code == 302 and right["Location"] == "/accounts/dashboard/"
    assert client.get("/accounts/dashboard/").status_code == 200
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert TOTPDevice.objects.filter(user=user, confirmed=False).count() == 0
    actions = list(AuditEvent.objects.filter(action__startswith="auth.otp").values_list("action", flat=True))
    assert actions.count("auth.otp_failed") == 1 and actions.count("auth.otp_enrolled") == 1


def test_a_later_login_asks_for_the_code_refuses_a_used_one_and_lands_where_the_person_was_going():
    user = UserFactory(roles=[Role.SUPERVISOR])
    first = _fresh_client()
    _, key = two_step_login(first, user.username)
    used = code_for(key)  # the enrolment used this step's code

    second = _fresh_client()
    page = password_step(second, user.username, next_url="/evaluation/reviews/")
    assert page.wsgi_request.path == "/accounts/staff/otp/"
    assert "Κωδικός επαλήθευσης" in page.content.decode()
    assert second.get("/evaluation/reviews/").status_code == 302

    replay = second.post("/accounts/staff/otp/", {"code": used, "next": "/evaluation/reviews/"})
    assert replay.status_code == 400  # a step's code is good once

    import time

    time.sleep(1.1)
    ahead = code_for(key, step_offset=1)  # the app's next code, within the one step of tolerance
    ok = second.post("/accounts/staff/otp/", {"code": ahead, "next": "/evaluation/reviews/"})
    assert ok.status_code == 302 and ok["Location"] == "/evaluation/reviews/"
    assert second.get("/evaluation/reviews/").status_code == 200


def test_wrong_codes_slow_the_next_tries_and_an_outside_next_is_not_followed():
    user = UserFactory(roles=[Role.PAYMENT_OFFICER])
    _, key = two_step_login(_fresh_client(), user.username)
    client = _fresh_client()
    password_step(client, user.username)
    wrong = "000000" if code_for(key, step_offset=1) != "000000" else "222222"

    client.post("/accounts/staff/otp/", {"code": wrong})
    throttled = client.post("/accounts/staff/otp/", {"code": code_for(key, step_offset=1)})

    assert throttled.status_code == 429
    assert "Πολλοί λάθος κωδικοί. Δοκιμάστε ξανά σε" in throttled.content.decode()
    assert client.get("/accounts/dashboard/").status_code == 302
    import time

    time.sleep(1.1)
    ok = client.post(
        "/accounts/staff/otp/", {"code": code_for(key, step_offset=1), "next": "https://evil.example/"}
    )
    assert ok.status_code == 302 and ok["Location"] == "/accounts/dashboard/"


def test_businesses_and_citizens_are_not_asked_for_a_code():
    client = _fresh_client()
    person = TaxisnetUserFactory()
    client.force_login(person)

    assert client.get("/accounts/dashboard/").status_code == 200
    assert client.get("/accounts/staff/otp/").status_code == 302


def test_a_reset_brings_the_next_login_back_to_enrolment_with_a_new_key_and_is_audited():
    user = UserFactory(roles=[Role.EVALUATOR])
    _, old_key = two_step_login(_fresh_client(), user.username)
    out = io.StringIO()

    call_command("otp_reset", user.username, stdout=out)

    assert "διαγράφηκαν 1" in out.getvalue()
    assert AuditEvent.objects.filter(action="auth.otp_reset").count() == 1
    page = password_step(_fresh_client(), user.username)
    assert page.wsgi_request.path == "/accounts/staff/otp/enrol/"
    assert key_on_page(page.content.decode()) != old_key


def test_the_code_pages_send_anonymous_visitors_to_the_login():
    client = _fresh_client()

    for path in ("/accounts/staff/otp/", "/accounts/staff/otp/enrol/"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer["Location"] == "/accounts/staff/login/"
