"""Accounts services store registry answers handed to them as plain values, from any source."""

import datetime
from dataclasses import dataclass, field

import pytest

from accounts import services
from accounts.models import Business
from accounts.tests.factories import TaxisnetUserFactory
from opske.errors import ValidationFailed
from opske.models import AuditEvent

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Taxpayer:
    afm: str = "804773470"
    name: str = "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ ΜΟΝΟΠΡΟΣΩΠΗ ΙΚΕ"
    commercial_title: str = "ΛΙΓΝΙΤΗΣ"
    legal_form: str = "ΙΚΕ"
    is_natural_person: bool = False
    is_active: bool = True
    doy_code: str = "5211"
    doy_name: str = "ΚΟΖΑΝΗΣ"
    street: str = "ΠΑΥΛΟΥ ΜΕΛΑ"
    street_number: str = "12"
    postal_code: str = "50100"
    city: str = "ΚΟΖΑΝΗ"
    start_date: datetime.date | None = datetime.date(2019, 5, 1)
    stop_date: datetime.date | None = None
    activities: tuple = (("43210000", "Ηλεκτρικές εγκαταστάσεις", "1"),)
    raw: dict = field(default_factory=dict)

    @property
    def is_business(self) -> bool:
        return True


@dataclass(frozen=True)
class Person:
    amka: str = "15038580948"
    afm: str = "103374891"
    last_name: str = "ΠΑΠΑΔΟΠΟΥΛΟΥ"
    first_name: str = "ΜΑΡΙΑ"
    father_name: str = ""
    mother_name: str = ""
    birth_date: datetime.date | None = datetime.date(1985, 3, 15)


def test_business_upsert_creates_then_refreshes_from_a_plain_record():
    services.business_upsert_from_record(actor="test", record=Taxpayer(name="ΠΑΛΙΟ ΟΝΟΜΑ"))

    business = services.business_upsert_from_record(actor="test", record=Taxpayer())

    assert Business.objects.get().name == "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ ΜΟΝΟΠΡΟΣΩΠΗ ΙΚΕ"
    assert business.main_kad.code == "43210000" and business.municipality == "Κοζάνης"
    refreshed = AuditEvent.objects.get(action="business.refreshed_from_registry")
    assert refreshed.before["name"] == "ΠΑΛΙΟ ΟΝΟΜΑ"


def test_business_upsert_refuses_a_record_with_an_invalid_afm():
    with pytest.raises(ValidationFailed) as exc:
        services.business_upsert_from_record(actor="test", record=Taxpayer(afm="123456789"))

    assert "ΑΦΜ" in exc.value.message
    assert not Business.objects.exists()


def test_person_claim_refuses_an_amka_of_another_afm():
    user = TaxisnetUserFactory(afm="113566153")

    with pytest.raises(ValidationFailed) as exc:
        services.person_claim_from_record(user=user, record=Person())

    assert exc.value.code == "amka_afm_mismatch"
    assert "δεν αντιστοιχεί στον ΑΦΜ" in exc.value.message
