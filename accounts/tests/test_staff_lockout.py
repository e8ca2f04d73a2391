"""Staff login (issue 11): after AXES_FAILURE_LIMIT wrong passwords the login is locked for the
cool-off, even with the right password; every login, failure and lockout is in the audit trail."""

import pytest
from axes.utils import reset

from accounts.models import Role
from accounts.tests.factories import UserFactory
from opske.audit import verify_chain
from opske.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = "/accounts/staff/login/"
PASSWORD = "σωστός-κωδικός-2026"


@pytest.fixture
def clerk():
    user = UserFactory(username="ypallilos", roles=[Role.VERIFIER])
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client, password):
    return client.post(URL, {"username": "ypallilos", "password": password})


def test_wrong_passwords_lock_the_login_and_the_right_one_then_fails_too(client, clerk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "λάθος").status_code == 200  # the form again, with its error
    locked = _login(client, "λάθος")
    assert locked.status_code == 429 and 'id="login-locked"' in locked.content.decode()

    right = _login(client, PASSWORD)
    assert right.status_code == 429 and "κλειδωμένη για 30 λεπτά" in right.content.decode()
    assert "_auth_user_id" not in client.session

    actions = list(AuditEvent.objects.filter(action__startswith="auth.").values_list("action", flat=True))
    assert actions.count("auth.login_failed") >= settings.AXES_FAILURE_LIMIT  # the locked try counts too
    assert "auth.login_locked" in actions and "auth.login" not in actions
    assert all(PASSWORD not in str(e.after) for e in AuditEvent.objects.all())
    assert verify_chain() is None

    reset(username="ypallilos")  # the cool-off over (or the administrator unlocks it)
    assert _login(client, PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="auth.login", actor=clerk).count() == 1


def test_a_successful_login_resets_the_count(client, clerk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "λάθος")
    assert _login(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "λάθος")
    assert _login(client, PASSWORD).status_code == 302  # not locked: the success reset it


def test_setting_the_failure_limit_changes_when_the_lock_comes(client, clerk, settings):
    settings.AXES_FAILURE_LIMIT = 2
    _login(client, "λάθος")
    assert _login(client, "λάθος").status_code == 429
