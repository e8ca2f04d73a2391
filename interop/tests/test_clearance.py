"""e-ΕΦΚΑ and ΑΑΔΕ clearance client against its sandbox over real HTTP."""

from datetime import date, timedelta

import pytest
import requests

from interop.clearance import ClearanceClient
from interop.models import RegistryCall
from interop.sandboxes import control
from opske.errors import RegistryRefused, RegistryUnavailable

pytestmark = pytest.mark.django_db

LIGNITIS, ARKADIKA, LAIKES, GREVENA, PALAIA = "804773470", "806994236", "809616685", "808982626", "999232002"


@pytest.fixture
def fast_clearance(settings):
    settings.INTEROP = {
        **settings.INTEROP,
        "clearance": {**settings.INTEROP["clearance"], "timeout": 0.3, "max_attempts": 2},
    }


@pytest.mark.parametrize("afm", [LIGNITIS, ARKADIKA])
def test_a_business_without_debts_gets_both_certificates(afm):
    client = ClearanceClient()

    insurance = client.insurance_clearance(afm)
    tax = client.tax_clearance(afm)

    today = date.today()
    assert insurance.valid and tax.valid
    assert insurance.valid_on(today) and tax.valid_on(today)
    assert insurance.reference.startswith("ΑΕ-") and tax.reference.startswith("ΦΕ-")
    assert tax.purpose == "είσπραξη χρημάτων από Δημόσιο"
    assert tax.valid_until == today + timedelta(days=60)


def test_tax_debts_refuse_only_the_tax_certificate():
    client = ClearanceClient()

    tax = client.tax_clearance(LAIKES)
    insurance = client.insurance_clearance(LAIKES)

    assert tax.valid is False
    assert "φορολογικές οφειλές" in tax.reason
    assert (tax.reference, tax.valid_until) == ("", None)
    assert insurance.valid is True
    assert RegistryCall.objects.filter(outcome=RegistryCall.Outcome.OK).count() == 2


def test_a_closed_business_with_debts_gets_neither():
    client = ClearanceClient()

    assert client.tax_clearance(PALAIA).valid is False
    assert client.insurance_clearance(PALAIA).valid is False


def test_an_expiring_certificate_shows_its_last_day():
    insurance = ClearanceClient().insurance_clearance(GREVENA)

    assert insurance.valid is True
    assert insurance.valid_until == date.today() + timedelta(days=5)
    assert insurance.valid_on(date.today() + timedelta(days=5))
    assert not insurance.valid_on(date.today() + timedelta(days=6))


def test_an_unknown_afm_is_refused():
    with pytest.raises(RegistryRefused) as exc:
        ClearanceClient().tax_clearance("090000045")

    assert exc.value.code == "clearance_unknown_afm"
    assert RegistryCall.objects.get().http_status == 404


def test_an_invalid_afm_is_refused_without_calling():
    with pytest.raises(RegistryRefused) as exc:
        ClearanceClient().insurance_clearance("123456789")

    assert exc.value.code == "clearance_invalid_afm"
    assert not RegistryCall.objects.exists()


def test_a_wrong_token_is_refused(settings):
    settings.INTEROP = {**settings.INTEROP, "clearance": {**settings.INTEROP["clearance"], "token": "nope"}}

    with pytest.raises(RegistryRefused) as exc:
        ClearanceClient().tax_clearance(LIGNITIS)

    assert exc.value.code == "clearance_auth"


def test_slow_service_is_unavailable_after_the_retries(fast_clearance):
    control.set_mode("clearance", "slow", delay=1.0)

    with pytest.raises(RegistryUnavailable) as exc:
        ClearanceClient().insurance_clearance(LIGNITIS)

    assert exc.value.code == "clearance_unavailable"
    call = RegistryCall.objects.get()
    assert (call.operation, call.outcome, call.attempts) == (
        "insurance_clearance",
        RegistryCall.Outcome.UNAVAILABLE,
        2,
    )


def test_down_service_is_unavailable(fast_clearance):
    control.set_mode("clearance", "down")

    with pytest.raises(RegistryUnavailable):
        ClearanceClient().tax_clearance(LIGNITIS)


@pytest.mark.parametrize(
    "error_code, raised, code",
    [
        ("INTERNAL", RegistryUnavailable, "clearance_unavailable"),
        ("AFM_UNKNOWN", RegistryRefused, "clearance_unknown_afm"),
        ("malformed", RegistryRefused, "clearance_malformed"),
        ("mismatch", RegistryRefused, "clearance_mismatch"),
    ],
)
def test_registry_errors_reach_the_caller_with_their_code(error_code, raised, code):
    control.set_mode("clearance", "error", error_code=error_code)

    with pytest.raises(raised) as exc:
        ClearanceClient().tax_clearance(LIGNITIS)

    assert exc.value.code == code
    assert RegistryCall.objects.get().error_code == code


def test_a_second_read_comes_from_the_cache_per_kind():
    client = ClearanceClient()
    first = client.tax_clearance(LIGNITIS)

    again = ClearanceClient().tax_clearance(LIGNITIS)
    client.insurance_clearance(LIGNITIS)

    assert again == first
    assert RegistryCall.objects.count() == 2


def test_sandbox_answers_bad_input_in_its_own_format(settings):
    base = f"{settings.INTEROP_BASE_URL}/clearance"
    token = {"X-Api-Token": settings.INTEROP["clearance"]["token"]}

    bad = requests.get(f"{base}/aade/api/v1/clearance/12345", headers=token, timeout=5)
    anonymous = requests.get(f"{base}/efka/api/v1/clearance/{LIGNITIS}", timeout=5)

    assert bad.status_code == 400
    assert bad.json() == {"status": "error", "code": "AFM_INVALID", "message": "Ο ΑΦΜ δεν είναι έγκυρος."}
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "TOKEN_INVALID")
