"""The demo loaders (idempotent, no HTTP) and the AADE refresh from the business dashboard."""

import io

import pytest

from accounts import demo as accounts_demo
from accounts.models import Business, Membership, Person, Role, User
from accounts.tests.factories import MembershipFactory
from interop import demo as interop_demo
from interop.models import RegistryCall
from interop.sandboxes import registry_data
from interop.sandboxes.control import set_mode
from opske.models import AuditEvent

pytestmark = pytest.mark.django_db


def load_demo(stdout):
    """What `manage.py load_demo` runs for these two apps, in its order."""
    accounts_demo.load(stdout)
    interop_demo.load(stdout)


def test_demo_load_is_idempotent_and_prints_the_logins():
    out = io.StringIO()
    load_demo(out)
    counts = (
        User.objects.count(),
        Business.objects.count(),
        Person.objects.count(),
        AuditEvent.objects.count(),
    )

    load_demo(io.StringIO())

    assert counts == (
        User.objects.count(),
        Business.objects.count(),
        Person.objects.count(),
        AuditEvent.objects.count(),
    )
    assert Business.objects.count() == len(registry_data.TAXPAYERS)
    assert Person.objects.count() == len(registry_data.PERSONS)
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="payer").has_role(Role.PAYMENT_OFFICER)
    assert Membership.objects.get(invited_afm="185012342").business.afm == "804773470"
    assert "demo-pass-2026" in out.getvalue() and "api-client" in out.getvalue()
    assert not RegistryCall.objects.exists()  # built from the registry data, not over HTTP


def test_demo_business_matches_what_aade_returns():
    load_demo(io.StringIO())
    business = Business.objects.get(afm="806994236")

    assert business.municipality == "Μεγαλόπολης"
    assert [a.code for a in business.activities.all()] == ["10711000", "47241000"]
    assert business.registry_snapshot["firm_act_tab"][0]["firm_act_code"] == "10711000"


def test_refresh_button_updates_the_business_from_aade(client):
    membership = MembershipFactory(business__afm="804773470", business__name="ΠΑΛΙΟ ΟΝΟΜΑ")
    client.force_login(membership.user)

    response = client.post("/accounts/business/804773470/refresh/", follow=True)

    business = Business.objects.get(afm="804773470")
    assert business.name == "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ ΜΟΝΟΠΡΟΣΩΠΗ ΙΚΕ"
    assert sorted(a.code for a in business.activities.all()) == ["33140000", "43210000"]
    assert "Τα στοιχεία ενημερώθηκαν από το μητρώο της ΑΑΔΕ." in response.content.decode()
    event = AuditEvent.objects.get(action="business.refreshed_from_registry")
    assert event.before["name"] == "ΠΑΛΙΟ ΟΝΟΜΑ"


def test_refresh_while_aade_is_unavailable_keeps_the_old_data_and_says_so(client):
    membership = MembershipFactory(business__afm="804773470", business__name="ΠΑΛΙΟ ΟΝΟΜΑ")
    set_mode("aade", "error", error_code="RG_WS_PUBLIC_SERVICE_NOT_ACTIVE")
    client.force_login(membership.user)

    response = client.post("/accounts/business/804773470/refresh/", follow=True)

    assert "Δοκιμάστε ξανά αργότερα" in response.content.decode()
    assert Business.objects.get(afm="804773470").name == "ΠΑΛΙΟ ΟΝΟΜΑ"
