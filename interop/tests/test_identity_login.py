"""The full TAXISnet login: portal → sandbox IdP (real HTTP) → callback → AADE lookup → dashboard."""

import io
from urllib.parse import urlsplit

import pytest
import requests
from django.core.management import call_command

from accounts.models import Business, Membership, Person, User
from accounts.tests.factories import PersonFactory, afm_with_check_digit
from interop.models import RegistryCall
from interop.sandboxes import registry_data
from interop.sandboxes.control import set_mode
from interop.tasks import taxisnet_refresh
from opske.models import AuditEvent
from opske.tasks import sweep_outbox

pytestmark = pytest.mark.django_db


def _to_idp(client, start="/accounts/taxisnet/start/"):
    """Start the login in the portal; return (IdP session, authorize URL)."""
    response = client.get(start)
    assert response.status_code == 302
    return requests.Session(), response["Location"]


def _post_credentials(idp, authorize_url, username, password, action="login"):
    form = idp.get(authorize_url, timeout=5)
    assert form.status_code == 200
    query = dict(p.split("=", 1) for p in urlsplit(authorize_url).query.split("&"))
    from urllib.parse import unquote_plus

    data = {k: unquote_plus(v) for k, v in query.items()}
    data.update(username=username, password=password, action=action)
    return idp.post(authorize_url, data=data, allow_redirects=False, timeout=5)


def _callback(client, idp_response):
    assert idp_response.status_code == 302, idp_response.text[:500]
    parts = urlsplit(idp_response.headers["Location"])
    return client.get(f"{parts.path}?{parts.query}", follow=True)


def taxisnet_login(client, username, password="taxisnet-demo"):
    idp, url = _to_idp(client)
    return _callback(client, _post_credentials(idp, url, username, password))


def test_business_login_creates_the_user_the_business_from_aade_and_its_memberships(client):
    response = taxisnet_login(client, "lignitis")

    assert response.status_code == 200
    page = response.content.decode()
    assert "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ" in page
    assert "43.21.00.00" in page and "Ηλεκτρικές εγκαταστάσεις" in page
    assert "ΚΟΖΑΝΗΣ" in page  # ΔΟΥ
    assert "Τελευταία ενημέρωση από την ΑΑΔΕ" in page
    user = User.objects.get(afm="804773470")
    assert user.kind == User.Kind.TAXISNET
    business = Business.objects.get(afm="804773470")
    assert business.name == "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ ΜΟΝΟΠΡΟΣΩΠΗ ΙΚΕ"
    assert business.municipality == "Κοζάνης" and business.region == "Δυτικής Μακεδονίας"
    assert business.main_kad.code == "43210000"
    assert business.registry_refreshed_at is not None
    roles = set(Membership.objects.filter(user=user, state="active").values_list("role", flat=True))
    assert roles == {"legal_representative", "coordinator"}
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "user.created_via_taxisnet",
        "business.created_from_registry",
        "membership.created_from_registry",
    } <= actions
    assert RegistryCall.objects.filter(registry="gsis", operation="userinfo", outcome="ok").exists()
    assert not RegistryCall.objects.filter(response_payload__contains='"access_token": "').exclude(
        response_payload__contains='"access_token": "***'
    )


def test_second_login_reuses_the_user_and_refreshes_the_business(client):
    taxisnet_login(client, "lignitis")
    client.logout()

    taxisnet_login(client, "lignitis")

    assert User.objects.filter(afm="804773470").count() == 1
    assert Membership.objects.filter(business__afm="804773470", state="active").count() == 2
    assert AuditEvent.objects.filter(action="business.refreshed_from_registry").count() == 1


def test_wrong_password_reshows_the_idp_form_with_an_error(client):
    idp, url = _to_idp(client)

    response = _post_credentials(idp, url, "lignitis", "wrong-password")

    assert response.status_code == 200
    assert "Λάθος όνομα χρήστη ή κωδικός πρόσβασης" in response.text
    assert not User.objects.filter(kind="taxisnet").exists()


def test_cancel_at_the_idp_returns_with_a_message(client):
    idp, url = _to_idp(client)

    response = _callback(client, _post_credentials(idp, url, "", "", action="cancel"))

    assert "Η σύνδεση μέσω TAXISnet ακυρώθηκε" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_callback_with_a_forged_state_is_refused(client):
    idp, url = _to_idp(client)
    idp_response = _post_credentials(idp, url, "lignitis", "taxisnet-demo")
    location = idp_response.headers["Location"].replace("state=", "state=forged")

    response = client.get(urlsplit(location).path + "?" + urlsplit(location).query, follow=True)

    assert "δεν είναι έγκυρη" in response.content.decode()
    assert not User.objects.filter(kind="taxisnet").exists()


def test_deactivated_afm_still_logs_in_and_sees_that_it_is_inactive(client):
    response = taxisnet_login(client, "palaia")

    page = response.content.decode()
    assert response.wsgi_request.user.is_authenticated
    assert "Ανενεργός ΑΦΜ" in page
    assert "31/12/2023" in page
    assert Business.objects.get(afm="999232002").is_active is False


def test_unknown_afm_gets_a_clear_message_and_nothing_is_created(client, monkeypatch):
    unknown = afm_with_check_digit("09000004")
    ghost = {**registry_data.TAXISNET_USERS["lignitis"], "taxid": unknown, "lastname": "ΑΓΝΩΣΤΗ ΕΠΕ"}
    monkeypatch.setitem(registry_data.TAXISNET_USERS, "ghost", ghost)

    response = taxisnet_login(client, "ghost")

    page = response.content.decode()
    assert f"Ο ΑΦΜ {unknown} δεν βρέθηκε στο μητρώο της ΑΑΔΕ" in page
    assert not response.wsgi_request.user.is_authenticated
    assert not User.objects.filter(afm=unknown).exists()
    assert not AuditEvent.objects.exists()


def test_aade_down_at_a_first_login_logs_in_and_the_business_follows_when_aade_answers(client):
    set_mode("aade", "down")

    response = taxisnet_login(client, "lignitis")

    page = response.content.decode()
    user = User.objects.get(afm="804773470")
    assert response.wsgi_request.user == user
    assert "θα εμφανιστούν μόλις απαντήσει" in page and 'id="aade-refresh-pending"' in page
    assert user.aade_refresh_requested_at is not None
    assert not Business.objects.exists()

    set_mode("aade", "normal")
    assert sweep_outbox(older_than_minutes=0) >= 1  # the owed refresh is sent again (tasks inline)

    user.refresh_from_db()
    assert user.aade_refresh_requested_at is None
    assert Business.objects.get(afm="804773470").name == "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ ΜΟΝΟΠΡΟΣΩΠΗ ΙΚΕ"
    roles = set(Membership.objects.filter(user=user, state="active").values_list("role", flat=True))
    assert roles == {"legal_representative", "coordinator"}
    page = client.get("/accounts/").content.decode()
    assert "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ" in page and 'id="aade-refresh-pending"' not in page


def test_aade_down_at_a_later_login_shows_the_last_known_business_as_pending(client):
    taxisnet_login(client, "lignitis")
    client.post("/accounts/logout/")
    set_mode("aade", "down")

    response = taxisnet_login(client, "lignitis")

    page = response.content.decode()
    assert response.wsgi_request.user.is_authenticated
    assert "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ" in page  # the last known record
    assert "εμφανίζονται τα τελευταία γνωστά" in page
    assert taxisnet_refresh(User.objects.get(afm="804773470").pk) == "waiting"  # still owed
    assert User.objects.get(afm="804773470").aade_refresh_requested_at is not None


def test_aade_slower_than_the_login_allows_is_left_to_the_background(client, settings):
    settings.INTEROP_LOGIN_AADE_TIMEOUT = 0.5
    set_mode("aade", "slow", delay=2)

    response = taxisnet_login(client, "lignitis")

    assert response.wsgi_request.user.is_authenticated
    assert 'id="aade-refresh-pending"' in response.content.decode()
    call = RegistryCall.objects.get(registry="aade")
    assert call.outcome == "unavailable" and call.attempts == 1  # one short try, no retries

    assert taxisnet_refresh(User.objects.get(afm="804773470").pk) == "done"  # the full budget
    assert Business.objects.filter(afm="804773470").exists()


def test_citizen_login_links_the_person_known_by_afm_and_shows_the_person_dashboard(client):
    PersonFactory(amka="15038580948", afm="103374891")

    response = taxisnet_login(client, "papadopoulou")

    page = response.content.decode()
    user = User.objects.get(afm="103374891")
    assert user.first_name == "ΜΑΡΙΑ" and user.birth_year == 1985
    assert Person.objects.get(amka="15038580948").user == user
    assert "Οι αιτήσεις μου" in page and "15038580948" in page
    assert "Δήλωση ΑΜΚΑ" not in page
    assert not Business.objects.filter(afm="103374891").exists()
    assert AuditEvent.objects.filter(action="person.linked_to_user").count() == 1


def test_citizen_without_a_known_person_is_offered_the_amka_declaration(client):
    response = taxisnet_login(client, "papadopoulou")

    page = response.content.decode()
    assert response.wsgi_request.user.afm == "103374891"
    assert "Δήλωση ΑΜΚΑ" in page
    assert not Person.objects.exists()  # the sandbox register is not read behind the user's back
    assert not RegistryCall.objects.filter(registry="idika").exists()


def test_invited_coordinator_accepts_after_login_and_then_acts_for_the_business(client):
    taxisnet_login(client, "lignitis")
    lignitis_user = User.objects.get(afm="804773470")
    client.post(
        "/accounts/business/804773470/members/invite/",
        {"afm": "185012342", "role": "coordinator", "email": "ioanna@example.gr"},
    )
    assert Membership.objects.get(invited_afm="185012342").state == "invited"
    client.post("/accounts/logout/")

    response = taxisnet_login(client, "coordinator")

    # Logged in, the invitation is hers to answer: she acts for the business once she accepts.
    membership = Membership.objects.get(invited_afm="185012342")
    assert membership.state == "invited" and membership.user.afm == "185012342"
    assert f'id="invitation-{membership.pk}"' in response.content.decode()
    client.post(f"/accounts/invitations/{membership.pk}/accept/", {"confirm": "on"})
    response = client.get("/accounts/dashboard/")

    membership.refresh_from_db()
    assert membership.state == "active"
    assert membership.invited_by == lignitis_user
    assert "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ" in response.content.decode()
    assert AuditEvent.objects.filter(action="membership.accepted").count() == 1


def test_taxisnet_logout_also_logs_out_of_gsis(client, settings):
    taxisnet_login(client, "lignitis")

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"].startswith(
        f"{settings.INTEROP_BASE_URL}/gsis/oauth2server/logout/opske-sandbox/"
    )
    assert not client.get("/accounts/dashboard/").wsgi_request.user.is_authenticated


def test_after_load_demo_a_demo_citizen_finds_their_person_at_first_login(client):
    call_command("load_demo", stdout=io.StringIO())

    response = taxisnet_login(client, "papadopoulou")

    person = Person.objects.get(afm="103374891")
    assert person.user == response.wsgi_request.user
    assert person.amka in response.content.decode()
    assert not RegistryCall.objects.filter(registry="idika").exists()


def test_login_returns_to_the_page_that_asked_for_it(client):
    # Given a visitor on a call page who chose «Σύνδεση για υποβολή αίτησης»
    idp, url = _to_idp(client, "/accounts/taxisnet/start/?next=/calls/")

    # When they log in at TAXISnet
    response = _callback(client, _post_credentials(idp, url, "lignitis", "taxisnet-demo"))

    # Then they are back where they started, logged in
    assert response.redirect_chain[-1][0] == "/calls/"
    assert response.wsgi_request.user.is_authenticated


def test_login_never_redirects_to_another_site(client):
    idp, url = _to_idp(client, "/accounts/taxisnet/start/?next=https://evil.example.com/")

    response = _callback(client, _post_credentials(idp, url, "lignitis", "taxisnet-demo"))

    assert response.redirect_chain[-1][0] == "/accounts/dashboard/"
