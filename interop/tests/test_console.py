"""The staff registry console: who may see it, lookups, call log, sandbox switches, waits.

Lookups are answered by a task after commit (see test_console_async.py); `_ask` posts the lookup,
lets the commit happen, and returns the poll that shows the answer.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import BusinessFactory, TaxisnetUserFactory, UserFactory
from interop import console
from interop.gemi import GemiClient
from interop.models import RegistryCall, RegistryWait
from interop.sandboxes.control import get_mode, set_mode
from interop.tasks import retry_registry_waits
from opske.errors import RegistryUnavailable
from opske.models import AuditEvent

pytestmark = pytest.mark.django_db

CONSOLE_URLS = ["interop:console", "interop:calls", "interop:waits", "interop:sandboxes"]


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.INTEROP_MAX_ATTEMPTS = 1
    settings.INTEROP_DEFAULT_TIMEOUT = 2


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(roles=[Role.PROGRAMME_ADMIN]))
    return client


def _ask(client, capture, data):
    with capture(execute=True):
        posted = client.post(reverse("interop:lookup"), data, HTTP_HX_REQUEST="true")
    assert posted.status_code == 200
    if "lookup" not in posted.context:  # rejected in the request: no lookup was recorded
        return posted
    return client.get(
        reverse("interop:lookup-status", args=[posted.context["lookup"].pk]), HTTP_HX_REQUEST="true"
    )


@pytest.fixture
def supervisor_client(client):
    client.force_login(UserFactory(roles=[Role.SUPERVISOR]))
    return client


@pytest.mark.parametrize("name", CONSOLE_URLS)
def test_a_business_user_does_not_see_the_console(client, name):
    client.force_login(TaxisnetUserFactory())

    assert client.get(reverse(name)).status_code == 404


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.VERIFIER, Role.PAYMENT_OFFICER, Role.AUDITOR])
def test_other_staff_roles_do_not_see_the_console(client, role):
    client.force_login(UserFactory(roles=[role]))

    assert client.get(reverse("interop:console")).status_code == 404


@pytest.mark.parametrize("role", [Role.PROGRAMME_ADMIN, Role.SUPERVISOR])
@pytest.mark.parametrize("name", CONSOLE_URLS)
def test_programme_admins_and_supervisors_see_every_console_page(client, role, name):
    client.force_login(UserFactory(roles=[role]))

    assert client.get(reverse(name)).status_code == 200


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("interop:console"))

    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_looking_up_a_company_in_gemi_shows_the_parsed_answer_as_a_partial(
    admin_client, django_capture_on_commit_callbacks
):
    response = _ask(
        admin_client, django_capture_on_commit_callbacks, {"registry": "gemi", "identifier": "804773470"}
    )

    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ ΜΟΝΟΠΡΟΣΩΠΗ ΙΚΕ" in body and "123456730000" in body
    assert RegistryCall.objects.get().actor is not None


def test_looking_up_de_minimis_without_javascript_shows_the_three_year_total(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        posted = admin_client.post(
            reverse("interop:lookup"), {"registry": "deminimis", "identifier": "808982626"}
        )

    assert posted.status_code == 302
    page = admin_client.get(posted["Location"]).content.decode()
    assert "<html" in page and "180000.00" in page


def test_an_invalid_afm_gets_a_greek_message_and_no_registry_call(admin_client):
    response = admin_client.post(
        reverse("interop:lookup"), {"registry": "gemi", "identifier": "123456789"}, HTTP_HX_REQUEST="true"
    )

    assert "ψηφίο ελέγχου" in response.content.decode()
    assert RegistryCall.objects.count() == 0


def test_a_registry_that_is_down_is_shown_as_such_not_as_a_500(
    admin_client, django_capture_on_commit_callbacks
):
    set_mode("gemi", "down")

    response = _ask(
        admin_client, django_capture_on_commit_callbacks, {"registry": "gemi", "identifier": "804773470"}
    )

    assert response.status_code == 200
    assert "Το μητρώο δεν απάντησε" in response.content.decode()


def test_a_registry_whose_client_is_not_built_yet_says_so(monkeypatch):
    missing = console.LookupEntry(
        "future", "Μελλοντικό μητρώο", "interop.not_yet_built", "Client", "lookup", "afm"
    )
    monkeypatch.setitem(console.LOOKUPS_BY_KEY, "future", missing)

    answer = console.console_lookup(
        actor=UserFactory(roles=[Role.SUPERVISOR]), key="future", identifier="804773470"
    )

    assert answer.status == "not_available"
    assert "δεν είναι ακόμη διαθέσιμο" in answer.message


def test_the_call_log_filters_by_registry_and_outcome(admin_client, django_assert_max_num_queries):
    GemiClient().company_by_afm("804773470")
    set_mode("gemi", "down")
    for afm in ("806994236", "809616685"):
        with pytest.raises(RegistryUnavailable):
            GemiClient().company_by_afm(afm)

    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse("interop:calls"), {"registry": "gemi", "outcome": "unavailable"})

    page = response.context["page"]
    assert [c.subject for c in page] == ["809616685", "806994236"]


def test_a_sandbox_switch_asks_for_confirmation_then_applies_and_is_audited(admin_client):
    url = reverse("interop:sandbox-switch", args=["gemi"])

    asked = admin_client.post(url, {"mode": "error", "error_code": "500"})
    assert asked.status_code == 200 and "Συνέχεια;" in asked.content.decode()
    assert get_mode("gemi").mode == "normal"

    done = admin_client.post(url, {"mode": "error", "error_code": "500", "confirm": "True"})

    assert done.status_code == 302
    assert (get_mode("gemi").mode, get_mode("gemi").error_code) == ("error", "500")
    assert AuditEvent.objects.filter(action="interop.sandbox.switch").count() == 1


def test_an_error_switch_needs_a_code(admin_client):
    response = admin_client.post(reverse("interop:sandbox-switch", args=["gemi"]), {"mode": "error"})

    assert response.status_code == 400
    assert "κωδικό σφάλματος" in response.content.decode()


def test_sandbox_switches_are_hidden_when_sandboxes_are_off(admin_client, settings):
    settings.SANDBOXES_ENABLED = False

    assert admin_client.get(reverse("interop:sandboxes")).status_code == 404


def test_checking_a_business_while_gemi_is_down_waits_and_resolves_when_it_is_back(
    supervisor_client, settings, django_capture_on_commit_callbacks
):
    settings.INTEROP_WAITING_AFTER_SECONDS = 0
    business = BusinessFactory(afm="808982626")
    set_mode("gemi", "down")

    with django_capture_on_commit_callbacks(execute=True):
        posted = supervisor_client.post(reverse("interop:business-check", args=[business.pk]))
    response = supervisor_client.get(posted["Location"])

    assert "Σε αναμονή μητρώου" in response.content.decode()
    wait = RegistryWait.objects.get()
    assert wait.registry == "gemi"  # de minimis answered at once, so it never waited
    waits_page = supervisor_client.get(reverse("interop:waits")).content.decode()
    assert "Σε αναμονή μητρώου" in waits_page and "503" in waits_page

    set_mode("gemi", "normal")
    RegistryWait.objects.update(next_attempt_at=timezone.now())
    retry_registry_waits.delay()

    wait.refresh_from_db()
    assert wait.status == RegistryWait.Status.RESOLVED
    assert wait.result["municipality"] == "Γρεβενών"


def test_a_supervisor_records_a_manual_check_from_the_console(supervisor_client):
    set_mode("gemi", "down")
    business = BusinessFactory(afm="804773470")
    console.business_registry_check(actor=UserFactory(roles=[Role.SUPERVISOR]), business=business)
    wait = RegistryWait.objects.get()

    response = supervisor_client.post(
        reverse("interop:wait-manual", args=[wait.pk]),
        {"reason": "Έλεγχος στο businessportal.gr", "values": "κατάσταση: Ενεργή\nαρ. ΓΕΜΗ: 123456730000"},
    )

    assert response.status_code == 302
    wait.refresh_from_db()
    assert wait.status == RegistryWait.Status.MANUAL
    assert wait.result == {"κατάσταση": "Ενεργή", "αρ. ΓΕΜΗ": "123456730000"}


def test_an_admin_who_is_not_a_supervisor_cannot_record_a_manual_check(admin_client):
    set_mode("gemi", "down")
    business = BusinessFactory(afm="804773470")
    console.business_registry_check(actor=UserFactory(roles=[Role.SUPERVISOR]), business=business)
    wait = RegistryWait.objects.get()

    response = admin_client.post(
        reverse("interop:wait-manual", args=[wait.pk]), {"reason": "x", "values": "κατάσταση: Ενεργή"}
    )

    assert "Μόνο ο Προϊστάμενος" in response.content.decode()
    assert RegistryWait.objects.get().is_open


def test_a_business_is_found_by_afm_for_its_registry_check(admin_client):
    business = BusinessFactory(afm="804773470")

    found = admin_client.get(reverse("interop:business-find"), {"afm": "804773470"})
    missing = admin_client.get(reverse("interop:business-find"), {"afm": "806994236"}, follow=True)

    assert found["Location"] == reverse("interop:business-check", args=[business.pk])
    assert "Δεν υπάρχει στην πύλη επιχείρηση" in missing.content.decode()


@pytest.mark.parametrize("entry", console.LOOKUPS, ids=lambda e: e.key)
def test_every_registry_of_the_console_answers_a_demo_lookup(
    admin_client, entry, django_capture_on_commit_callbacks
):
    identifier = {"afm": "804773470", "amka": "15038580948"}.get(entry.identifier)
    if identifier is None:
        from interop.diavgeia import DiavgeiaClient

        identifier = (
            DiavgeiaClient()
            .publish(
                {
                    "protocolNumber": "ΚΟΝΣΟΛΑ-1",
                    "subject": "Δοκιμή κονσόλας",
                    "issueDate": "2026-03-01T00:00:00.000Z",
                    "signerIds": ["1"],
                    "decisionTypeId": "2.4.7.1",
                    "thematicCategoryIds": ["20"],
                },
                b"%PDF-1.4 console",
            )
            .ada
        )

    response = _ask(
        admin_client,
        django_capture_on_commit_callbacks,
        {"registry": entry.key, "identifier": identifier, "as_on": "2026-03-31"},
    )

    assert response.status_code == 200
    assert response.context["answer"].status in {"ok", "refused"}, response.context["answer"].message
