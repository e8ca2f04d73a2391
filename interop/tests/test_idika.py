"""ΗΔΙΚΑ ΑΜΚΑ client against its sandbox over real HTTP."""

from datetime import date

import pytest
import requests

from interop.idika import IdikaClient
from interop.models import RegistryCall
from interop.sandboxes import control
from interop.sandboxes.data_people import DECEASED_AMKA, ERGANI_EMPLOYERS, make_amka
from opske.errors import RegistryRefused, RegistryUnavailable

pytestmark = pytest.mark.django_db


@pytest.fixture
def fast_idika(settings):
    settings.INTEROP = {
        **settings.INTEROP,
        "idika": {**settings.INTEROP["idika"], "timeout": 0.3, "max_attempts": 2},
    }


@pytest.mark.parametrize(
    "amka, afm, last_name, birth_date, sex",
    [
        ("15038580948", "103374891", "ΠΑΠΑΔΟΠΟΥΛΟΥ", date(1985, 3, 15), "F"),
        ("18116504707", "159806472", "ΑΘΑΝΑΣΙΟΥ", date(1965, 11, 18), "M"),
        ("22048802627", "177851162", "ΝΙΚΟΛΑΟΥ", date(1988, 4, 22), "M"),
    ],
)
def test_person_confirms_the_identity_of_the_demo_people(amka, afm, last_name, birth_date, sex):
    person = IdikaClient().person(amka)

    assert (person.amka, person.afm, person.last_name) == (amka, afm, last_name)
    assert (person.birth_date, person.sex) == (birth_date, sex)
    assert person.alive is True
    assert person.death_date is None


def test_a_business_employee_is_known_too():
    employee = ERGANI_EMPLOYERS["804773470"]["staff"][0]

    person = IdikaClient().person(employee["amka"])

    assert (person.last_name, person.afm) == (employee["last_name"], employee["afm"])


def test_a_deceased_person_is_reported_as_such():
    person = IdikaClient().person(DECEASED_AMKA)

    assert person.alive is False
    assert person.death_date == date(2025, 12, 2)


def test_a_wrong_check_digit_is_refused_without_calling():
    with pytest.raises(RegistryRefused) as exc:
        IdikaClient().person("15038580940")

    assert exc.value.code == "idika_invalid_amka"
    assert "ψηφίο ελέγχου" in exc.value.message
    assert not RegistryCall.objects.exists()


def test_an_unknown_amka_is_refused():
    unknown = make_amka(date(1999, 12, 31), 4242)

    with pytest.raises(RegistryRefused) as exc:
        IdikaClient().person(unknown)

    assert exc.value.code == "idika_not_found"
    assert unknown in exc.value.message


def test_a_wrong_api_key_is_refused(settings):
    settings.INTEROP = {**settings.INTEROP, "idika": {**settings.INTEROP["idika"], "token": "nope"}}

    with pytest.raises(RegistryRefused) as exc:
        IdikaClient().person("15038580948")

    assert exc.value.code == "idika_auth"


def test_slow_register_is_unavailable_after_the_retries(fast_idika):
    control.set_mode("idika", "slow", delay=1.0)

    with pytest.raises(RegistryUnavailable) as exc:
        IdikaClient().person("15038580948")

    assert "δεν απάντησε" in exc.value.message
    call = RegistryCall.objects.get()
    assert (call.outcome, call.attempts) == (RegistryCall.Outcome.UNAVAILABLE, 2)


def test_down_register_is_unavailable(fast_idika):
    control.set_mode("idika", "down")

    with pytest.raises(RegistryUnavailable) as exc:
        IdikaClient().person("15038580948")

    assert exc.value.code == "idika_unavailable"


@pytest.mark.parametrize(
    "error_code, raised, code",
    [
        ("DB_TIMEOUT", RegistryUnavailable, "idika_unavailable"),
        ("AMKA_NOT_FOUND", RegistryRefused, "idika_not_found"),
        ("malformed", RegistryRefused, "idika_malformed"),
        ("mismatch", RegistryRefused, "idika_mismatch"),
    ],
)
def test_registry_errors_reach_the_caller_with_their_code(error_code, raised, code):
    control.set_mode("idika", "error", error_code=error_code)

    with pytest.raises(raised) as exc:
        IdikaClient().person("15038580948")

    assert exc.value.code == code
    assert RegistryCall.objects.get().error_code == code


def test_a_second_read_comes_from_the_cache():
    first = IdikaClient().person("15038580948")

    again = IdikaClient().person("15038580948")

    assert again == first
    assert RegistryCall.objects.count() == 1


def test_sandbox_answers_bad_input_in_its_own_format(settings):
    base = f"{settings.INTEROP_BASE_URL}/idika/api/v1/amka"
    key = {"X-Api-Key": settings.INTEROP["idika"]["token"]}

    bad = requests.get(f"{base}/15038580940", headers=key, timeout=5)
    anonymous = requests.get(f"{base}/15038580948", timeout=5)

    assert (bad.status_code, bad.json()["errorCode"]) == (400, "AMKA_INVALID")
    assert (anonymous.status_code, anonymous.json()["errorCode"]) == (401, "API_KEY_INVALID")
