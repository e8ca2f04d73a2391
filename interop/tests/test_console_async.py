"""Registry console lookups run in a Celery task: the page records the lookup and polls for it.

In the test settings Celery is eager, so a lookup's task runs when its transaction commits; a test
lets that happen with `django_capture_on_commit_callbacks(execute=True)`, or drops the callbacks to
play a task lost with the broker.
"""

import datetime
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from accounts.tests.factories import BusinessFactory, TaxisnetUserFactory, UserFactory
from interop import console
from interop.models import ConsoleLookup, RegistryCall, RegistryWait
from interop.sandboxes.control import set_mode
from interop.tasks import run_console_lookup
from opske.models import AuditEvent
from opske.tasks import sweep_outbox

pytestmark = pytest.mark.django_db

GEMI_LOOKUP = {"registry": "gemi", "identifier": "804773470"}


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.INTEROP_MAX_ATTEMPTS = 1
    settings.INTEROP_DEFAULT_TIMEOUT = 5
    settings.INTEROP_CACHE_SECONDS = 0


@pytest.fixture
def admin():
    return UserFactory(roles=[Role.PROGRAMME_ADMIN])


def _poll(client, row):
    return client.get(reverse("interop:lookup-status", args=[row.pk]), HTTP_HX_REQUEST="true")


class BrokenClient:
    """A registry client with a bug in it, to show that the console task survives one."""

    def __init__(self, actor=None):
        pass

    def lookup(self, afm):
        raise KeyError("a bug in the client")


def test_posting_a_lookup_answers_at_once_with_a_pending_row_and_a_polling_partial(
    client, admin, django_capture_on_commit_callbacks
):
    set_mode("gemi", "slow", delay=3)  # a registry that takes seconds must not hold up the page
    client.force_login(admin)

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("interop:lookup"), GEMI_LOOKUP, HTTP_HX_REQUEST="true")
    elapsed = time.monotonic() - started

    body = response.content.decode()
    row = ConsoleLookup.objects.get()
    assert response.status_code == 200 and "<html" not in body
    assert elapsed < 2
    assert (row.state, row.registry, row.identifier, row.requested_by) == (
        "pending",
        "gemi",
        "804773470",
        admin,
    )
    assert f'hx-get="{reverse("interop:lookup-status", args=[row.pk])}"' in body
    assert 'hx-trigger="every 1s"' in body and "σε εξέλιξη" in body
    assert RegistryCall.objects.count() == 0  # the registry is asked by the task, after commit
    assert len(callbacks) == 1
    assert AuditEvent.objects.filter(action="interop.console_lookup.requested").count() == 1


def test_the_task_answer_appears_on_the_poll_and_polling_stops(
    client, admin, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("interop:lookup"), GEMI_LOOKUP, HTTP_HX_REQUEST="true")
    row = ConsoleLookup.objects.get()

    response = _poll(client, row)

    body = response.content.decode()
    row.refresh_from_db()
    assert row.state == ConsoleLookup.State.DONE and row.finished_at is not None
    assert "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ ΜΟΝΟΠΡΟΣΩΠΗ ΙΚΕ" in body and "123456730000" in body
    assert "hx-trigger" not in body
    assert RegistryCall.objects.get().actor == admin


def test_without_javascript_the_lookup_page_shows_in_progress_with_a_refresh_link(
    client, admin, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("interop:lookup"), GEMI_LOOKUP)
    row = ConsoleLookup.objects.get()

    page = client.get(response["Location"]).content.decode()

    assert response["Location"] == reverse("interop:lookup-status", args=[row.pk])
    assert "<html" in page and "σε εξέλιξη" in page
    assert f'href="{reverse("interop:lookup-status", args=[row.pk])}"' in page


def test_another_console_user_may_read_a_lookup_and_nobody_else(
    client, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = console.console_lookup_request(actor=admin, key="gemi", identifier="804773470")
    url = reverse("interop:lookup-status", args=[row.pk])

    readers = {}
    for name, user in {
        "supervisor": UserFactory(roles=[Role.SUPERVISOR]),
        "evaluator": UserFactory(roles=[Role.EVALUATOR]),
        "business": TaxisnetUserFactory(),
    }.items():
        client.force_login(user)
        readers[name] = client.get(url, HTTP_HX_REQUEST="true").status_code

    assert readers == {"supervisor": 200, "evaluator": 404, "business": 404}


def test_the_user_who_asked_still_reads_the_answer_after_losing_the_console_role(
    client, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = console.console_lookup_request(actor=admin, key="gemi", identifier="804773470")
    RoleAssignment.objects.filter(user=admin).delete()
    client.force_login(admin)

    assert _poll(client, row).status_code == 200
    assert client.get(reverse("interop:console")).status_code == 404


def test_an_invalid_identifier_is_refused_in_the_request_and_nothing_is_queued(client, admin):
    client.force_login(admin)

    response = client.post(
        reverse("interop:lookup"), {"registry": "idika", "identifier": "1234"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200 and "ΑΜΚΑ" in response.content.decode()
    assert ConsoleLookup.objects.count() == 0


def test_the_outbox_sweep_re_enqueues_a_lookup_whose_task_was_lost(admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the broker lost the task
        row = console.console_lookup_request(actor=admin, key="gemi", identifier="804773470")
    fresh = sweep_outbox()
    ConsoleLookup.objects.filter(pk=row.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=10))

    enqueued = sweep_outbox()

    row.refresh_from_db()
    assert (fresh, enqueued) == (0, 1)
    assert row.state == ConsoleLookup.State.DONE
    assert row.result["data"]["ar_gemi"] == "123456730000"


def test_a_finished_lookup_is_never_run_again(admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = console.console_lookup_request(actor=admin, key="gemi", identifier="804773470")
    calls = RegistryCall.objects.count()

    again = run_console_lookup.delay(row.pk).get()

    assert again == ConsoleLookup.State.DONE
    assert RegistryCall.objects.count() == calls == 1


def test_a_registry_that_is_down_ends_the_lookup_as_failed_with_the_greek_message(
    client, admin, django_capture_on_commit_callbacks
):
    set_mode("gemi", "down")
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("interop:lookup"), GEMI_LOOKUP, HTTP_HX_REQUEST="true")
    row = ConsoleLookup.objects.get()

    body = _poll(client, row).content.decode()

    row.refresh_from_db()
    assert row.state == ConsoleLookup.State.FAILED
    assert row.result["status"] == "unavailable" and row.result["message"]
    assert "Το μητρώο δεν απάντησε" in body and row.result["message"] in body


def test_a_refusal_is_an_answer_so_the_lookup_is_done(admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = console.console_lookup_request(actor=admin, key="gemi", identifier="103374891")  # not in ΓΕΜΗ

    row.refresh_from_db()
    assert row.state == ConsoleLookup.State.DONE
    assert (row.result["status"], row.result["code"]) == ("refused", "gemi_not_found")


def test_a_bug_in_a_registry_client_fails_the_lookup_without_escaping_the_task(
    admin, monkeypatch, django_capture_on_commit_callbacks
):
    entry = console.LookupEntry("broken", "Μητρώο με σφάλμα", __name__, "BrokenClient", "lookup", "afm")
    monkeypatch.setitem(console.LOOKUPS_BY_KEY, "broken", entry)

    with django_capture_on_commit_callbacks(execute=True):
        row = console.console_lookup_request(actor=admin, key="broken", identifier="804773470")

    row.refresh_from_db()
    assert row.state == ConsoleLookup.State.FAILED
    assert row.result["message"] == console.UNEXPECTED_ERROR


def test_a_business_check_runs_in_the_task_and_its_page_polls_until_done(
    client, django_capture_on_commit_callbacks, settings
):
    settings.INTEROP_WAITING_AFTER_SECONDS = 0
    client.force_login(UserFactory(roles=[Role.SUPERVISOR]))
    business = BusinessFactory(afm="808982626")
    set_mode("gemi", "down")
    url = reverse("interop:business-check", args=[business.pk])

    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(url, HTTP_HX_REQUEST="true")
    row = ConsoleLookup.objects.get()
    polled = _poll(client, row).content.decode()
    page = client.get(url).content.decode()

    assert "σε εξέλιξη" in posted.content.decode() and 'hx-trigger="every 1s"' in posted.content.decode()
    assert row.state == ConsoleLookup.State.DONE
    assert [c["status"] for c in row.result["checks"]] == ["waiting", "ok"]
    assert "Σε αναμονή μητρώου" in polled and "Το μητρώο απάντησε." in polled
    assert "hx-trigger" not in polled and "Σε αναμονή μητρώου" in page
    assert RegistryWait.objects.get().registry == "gemi"


def test_a_business_check_without_javascript_redirects_to_the_check_page_in_progress(
    client, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory(roles=[Role.PROGRAMME_ADMIN]))
    business = BusinessFactory(afm="804773470")
    url = reverse("interop:business-check", args=[business.pk])

    with django_capture_on_commit_callbacks(execute=False):
        posted = client.post(url)
    page = client.get(posted["Location"]).content.decode()

    assert posted["Location"] == url
    assert "σε εξέλιξη" in page and "Ανανέωση" in page
    assert RegistryCall.objects.count() == 0
