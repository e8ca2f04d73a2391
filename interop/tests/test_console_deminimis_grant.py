"""The registry console registers another authority's de minimis grant in the sandbox ΠΣΣΕΗΣ:
form, confirmation, audited registration, read back by the client (ΚΥΑ 7066 Art. 7.2 demo)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from interop.deminimis import DeminimisClient
from opske.models import AuditEvent

pytestmark = pytest.mark.django_db
LIGNITIS = "804773470"
URL = "interop:sandbox-deminimis-grant"


def _form(**over):
    today = timezone.localdate().isoformat()
    return {"afm": LIGNITIS, "regulation": "1408/2013", "amount": "45.000,00",
            "grant_date": today, "granting_authority": "ΥΠΑΑΤ", **over}  # fmt: skip


def test_programme_admin_registers_a_grant_after_confirming_it(client):
    client.force_login(UserFactory(roles=[Role.PROGRAMME_ADMIN]))
    before = DeminimisClient().single_undertaking_aid(LIGNITIS, timezone.localdate(), regulation=None)

    confirm = client.post(reverse(URL), _form())
    assert confirm.status_code == 200 and "45.000,00 €" in confirm.content.decode()
    assert "Ναι, καταχώριση" in confirm.content.decode()
    done = client.post(reverse(URL), {**_form(amount="45000.00"), "confirm": "True"}, follow=True)

    assert "Καταχωρίστηκε στο δοκιμαστικό ΠΣΣΕΗΣ" in done.content.decode()
    after = DeminimisClient().single_undertaking_aid(
        LIGNITIS, timezone.localdate() + datetime.timedelta(days=1), regulation=None
    )
    assert after.total_gge - before.total_gge == Decimal("45000.00")
    assert any(a.regulation == "1408/2013" for a in after.awards)
    event = AuditEvent.objects.get(action="interop.sandbox.deminimis_grant_registered")
    assert event.after["amount"] == "45000.00" and event.after["regulation"] == "1408/2013"


def test_bad_amount_is_refused_at_the_field_and_keeps_what_was_typed(client):
    client.force_login(UserFactory(roles=[Role.PROGRAMME_ADMIN]))

    response = client.post(reverse(URL), _form(amount="σαράντα"))

    assert response.status_code == 400
    page = response.content.decode()
    assert "Δώστε θετικό ποσό" in page and 'value="ΥΠΑΑΤ"' in page
    assert not AuditEvent.objects.filter(action="interop.sandbox.deminimis_grant_registered").exists()


def test_a_supervisor_cannot_register_grants(client):
    client.force_login(UserFactory(roles=[Role.SUPERVISOR]))

    response = client.post(reverse(URL), {**_form(), "confirm": "True"})

    assert "Μόνο ο διαχειριστής προγράμματος" in response.content.decode()
    assert not AuditEvent.objects.filter(action="interop.sandbox.deminimis_grant_registered").exists()
