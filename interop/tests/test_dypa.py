"""ΔΥΠΑ unemployment-register client against its sandbox over real HTTP."""

from datetime import date
from decimal import Decimal

import pytest
import requests

from interop.dypa import DypaClient
from interop.models import RegistryCall
from interop.sandboxes import control
from opske.errors import RegistryRefused, RegistryUnavailable

pytestmark = pytest.mark.django_db

PAPADOPOULOU, IOANNIDIS, DIMITRIOU = "15038580948", "02079014649", "11077243449"
KONSTANTINIDIS, ATHANASIOU, MICHAILIDOU, NIKOLAOU = "30019660924", "18116504707", "09090175481", "22048802627"
MARCH_2026 = date(2026, 3, 31)


@pytest.fixture
def fast_dypa(settings):
    settings.INTEROP = {
        **settings.INTEROP,
        "dypa": {**settings.INTEROP["dypa"], "timeout": 0.3, "max_attempts": 2},
    }


def test_registered_mother_of_three_in_kozani():
    status = DypaClient().unemployment_status(PAPADOPOULOU, MARCH_2026)

    assert status.registered is True
    assert status.registered_since == date(2025, 1, 13)
    assert status.continuous_months == 14
    assert status.long_term_unemployed is True
    assert (status.kpa2_code, status.kpa2_name) == ("2901", "ΚΠΑ2 Κοζάνης")
    assert status.card_status == "active"
    assert status.minor_children == 3
    assert status.age == 41
    assert (status.individual_income, status.family_income) == (Decimal("2800.00"), Decimal("9400.00"))
    assert status.joint_return is True


def test_long_term_unemployed_in_tripoli_with_lignite_work_history():
    status = DypaClient().unemployment_status(DIMITRIOU, MARCH_2026)

    assert status.kpa2_name == "ΚΠΑ2 Τρίπολης"
    assert status.continuous_months == 33
    assert status.long_term_unemployed is True
    assert [job.kad for job in status.previous_employment] == ["35111000"]
    assert status.previous_employment[0].ended_on == date(2023, 5, 31)


def test_recently_registered_in_thessaloniki_is_not_long_term():
    status = DypaClient().unemployment_status(KONSTANTINIDIS, MARCH_2026)

    assert status.kpa2_name == "ΚΠΑ2 Θεσσαλονίκης"
    assert status.continuous_months == 10
    assert status.long_term_unemployed is False
    assert status.action_plan_agreed is False
    assert status.age == 30


def test_months_are_counted_at_the_date_asked():
    # IOANNIDIS registered on 2025-09-01 after his fixed-term contract ended.
    on_deadline = DypaClient().unemployment_status(IOANNIDIS, date(2026, 2, 28))
    before = DypaClient().unemployment_status(IOANNIDIS, date(2025, 8, 1))

    assert on_deadline.continuous_months == 5
    assert before.registered is False
    assert before.card_status == "none"


def test_revoked_card_ends_the_registration():
    while_registered = DypaClient().unemployment_status(ATHANASIOU, date(2026, 1, 31))
    after_revocation = DypaClient().unemployment_status(ATHANASIOU, MARCH_2026)

    assert while_registered.registered is True
    assert while_registered.continuous_months == 15
    assert after_revocation.registered is False
    assert after_revocation.card_status == "revoked"
    assert after_revocation.continuous_months == 0
    assert after_revocation.registration_ended == date(2026, 2, 10)


def test_card_not_renewed_is_reported():
    status = DypaClient().unemployment_status(MICHAILIDOU, MARCH_2026)

    assert (status.registered, status.card_status) == (False, "not_renewed")


def test_a_person_never_registered_is_refused():
    with pytest.raises(RegistryRefused) as exc:
        DypaClient().unemployment_status(NIKOLAOU, MARCH_2026)

    assert exc.value.code == "dypa_not_registered"
    assert "δεν είναι εγγεγραμμένος" in exc.value.message
    assert RegistryCall.objects.get().http_status == 404


def test_an_invalid_amka_is_refused_without_calling():
    with pytest.raises(RegistryRefused) as exc:
        DypaClient().unemployment_status("15038580949", MARCH_2026)

    assert exc.value.code == "dypa_invalid_amka"
    assert not RegistryCall.objects.exists()


def test_a_wrong_service_token_is_refused(settings):
    settings.INTEROP = {**settings.INTEROP, "dypa": {**settings.INTEROP["dypa"], "token": "stolen"}}

    with pytest.raises(RegistryRefused) as exc:
        DypaClient().unemployment_status(PAPADOPOULOU, MARCH_2026)

    assert exc.value.code == "dypa_auth"


def test_slow_register_is_unavailable_after_the_retries(fast_dypa):
    control.set_mode("dypa", "slow", delay=1.0)

    with pytest.raises(RegistryUnavailable) as exc:
        DypaClient().unemployment_status(PAPADOPOULOU, MARCH_2026)

    assert exc.value.code == "dypa_unavailable"
    call = RegistryCall.objects.get()
    assert (call.outcome, call.attempts) == (RegistryCall.Outcome.UNAVAILABLE, 2)


def test_down_register_is_unavailable(fast_dypa):
    control.set_mode("dypa", "down")

    with pytest.raises(RegistryUnavailable):
        DypaClient().unemployment_status(PAPADOPOULOU, MARCH_2026)

    assert RegistryCall.objects.get().attempts == 2


@pytest.mark.parametrize(
    "error_code, raised, code",
    [
        ("SERVICE_ERROR", RegistryUnavailable, "dypa_unavailable"),
        ("NOT_REGISTERED", RegistryRefused, "dypa_not_registered"),
        ("malformed", RegistryRefused, "dypa_malformed"),
        ("mismatch", RegistryRefused, "dypa_mismatch"),
    ],
)
def test_registry_errors_reach_the_caller_with_their_code(error_code, raised, code):
    control.set_mode("dypa", "error", error_code=error_code)

    with pytest.raises(raised) as exc:
        DypaClient().unemployment_status(PAPADOPOULOU, MARCH_2026)

    assert exc.value.code == code
    assert RegistryCall.objects.get().error_code == code


def test_a_second_read_comes_from_the_cache():
    first = DypaClient().unemployment_status(PAPADOPOULOU, MARCH_2026)

    again = DypaClient().unemployment_status(PAPADOPOULOU, MARCH_2026)
    other_day = DypaClient().unemployment_status(PAPADOPOULOU, date(2026, 2, 28))

    assert again == first
    assert other_day.continuous_months == 13
    assert RegistryCall.objects.count() == 2


def test_sandbox_answers_bad_input_in_its_own_format(settings):
    base = f"{settings.INTEROP_BASE_URL}/dypa/api/v1/unemployed"
    auth = {"Authorization": f"Bearer {settings.INTEROP['dypa']['token']}"}

    short = requests.get(f"{base}/1234", headers=auth, timeout=5)
    bad_date = requests.get(f"{base}/{PAPADOPOULOU}", params={"as_on": "31/03/2026"}, headers=auth, timeout=5)
    anonymous = requests.get(f"{base}/{PAPADOPOULOU}", timeout=5)

    assert (short.status_code, short.json()["error"]["code"]) == (400, "INVALID_AMKA")
    assert (bad_date.status_code, bad_date.json()["error"]["code"]) == (400, "INVALID_DATE")
    assert (anonymous.status_code, anonymous.json()["error"]["code"]) == (401, "UNAUTHORIZED")
