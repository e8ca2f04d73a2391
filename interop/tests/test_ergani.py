"""ΕΡΓΑΝΗ ΙΙ client against its sandbox over real HTTP (the `registry_server` fixture)."""

from datetime import date
from decimal import Decimal

import pytest
import requests
from django.core.cache import cache

from interop.ergani import ErganiClient, ErganiCredentials
from interop.models import RegistryCall
from interop.sandboxes import control
from interop.sandboxes.ergani import expire_tokens
from opske.errors import RegistryRefused, RegistryUnavailable

pytestmark = pytest.mark.django_db

LIGNITIS, ARKADIKA, GREVENA, PALAIA = "804773470", "806994236", "808982626", "999232002"
MARCH_2026 = date(2026, 3, 31)


def client_for(afm: str, password: str = "ergani-demo") -> ErganiClient:
    """The client as the business that registered its own ΕΡΓΑΝΗ credentials would get it."""
    return ErganiClient(credentials=ErganiCredentials(username=f"ergani-{afm}", password=password))


@pytest.fixture
def fast_ergani(settings):
    settings.INTEROP = {
        **settings.INTEROP,
        "ergani": {**settings.INTEROP["ergani"], "timeout": 0.3, "max_attempts": 2},
    }


def test_workforce_gives_twelve_months_of_headcount_and_awu():
    report = client_for(LIGNITIS).workforce(LIGNITIS, MARCH_2026)

    assert report.employer_afm == LIGNITIS
    assert report.employer_name == "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ ΜΟΝΟΠΡΟΣΩΠΗ ΙΚΕ"
    assert report.months[0].month == date(2025, 4, 1)
    assert report.months[-1].month == date(2026, 3, 1)
    # The January resignation is visible, and the February hire restores the staff.
    assert report.month(2026, 1).headcount == 10
    assert report.month(2026, 2).headcount == 11
    assert report.headcount == 11
    # One part-timer of 20 hours counts half an ΕΜΕ.
    assert report.month(2026, 3).awu == Decimal("10.50")
    assert report.month(2026, 3).part_time == 1
    assert report.source == "api"


def test_workforce_shows_a_staff_reduction_and_a_closed_business():
    grevena = client_for(GREVENA).workforce(GREVENA, MARCH_2026)
    palaia = client_for(PALAIA).workforce(PALAIA, MARCH_2026)

    assert grevena.month(2026, 2).headcount == grevena.month(2026, 1).headcount - 2
    assert palaia.headcount == 0
    assert all(m.awu == Decimal("0.00") for m in palaia.months)


def test_hires_are_the_e3_announcements_of_the_period():
    hires = client_for(LIGNITIS).hires(LIGNITIS, date(2024, 9, 1), MARCH_2026)

    assert [h.hired_on for h in hires] == [date(2024, 9, 2), date(2025, 5, 5), date(2026, 2, 2)]
    ioannidis = hires[0]
    assert (ioannidis.amka, ioannidis.last_name) == ("02079014649", "ΙΩΑΝΝΙΔΗΣ")
    assert ioannidis.fixed_term is True
    assert hires[2].contract == "full"
    assert hires[2].weekly_hours == Decimal("40.00")
    assert hires[2].specialty == "Τεχνικός ηλεκτρολόγος"
    assert hires[2].protocol.startswith("Ε3-2026-")


def test_departures_say_how_each_worker_left():
    departures = client_for(LIGNITIS).departures(LIGNITIS, date(2025, 4, 1), MARCH_2026)

    assert [(d.left_on, d.kind, d.form) for d in departures] == [
        (date(2025, 8, 29), "fixed_term_end", "Ε7"),
        (date(2025, 10, 31), "dismissal", "Ε6"),
        (date(2026, 1, 15), "resignation", "Ε5"),
    ]
    assert departures[0].amka == "02079014649"


def test_a_period_without_hires_is_an_empty_answer():
    assert client_for(ARKADIKA).hires(ARKADIKA, date(2026, 1, 1), MARCH_2026) == ()


def test_wrong_password_is_refused_without_retry():
    with pytest.raises(RegistryRefused) as exc:
        client_for(LIGNITIS, password="wrong").workforce(LIGNITIS, MARCH_2026)

    assert exc.value.code == "ergani_auth"
    assert "κωδικοί ΕΡΓΑΝΗ" in exc.value.message
    assert RegistryCall.objects.get().attempts == 1


def test_credentials_of_one_employer_cannot_read_another():
    with pytest.raises(RegistryRefused) as exc:
        client_for(ARKADIKA).workforce(LIGNITIS, MARCH_2026)

    assert exc.value.code == "ergani_foreign_employer"
    assert "άλλον εργοδότη" in exc.value.message
    assert RegistryCall.objects.get().outcome == RegistryCall.Outcome.REFUSED


def test_expired_token_is_renewed_by_one_login():
    client = client_for(LIGNITIS)
    client.workforce(LIGNITIS, MARCH_2026)
    first_token = cache.get(client._token_key)

    expire_tokens()
    hires = client.hires(LIGNITIS, date(2026, 1, 1), MARCH_2026)

    assert [h.hired_on for h in hires] == [date(2026, 2, 2)]
    assert cache.get(client._token_key) not in (None, first_token)
    assert RegistryCall.objects.filter(outcome=RegistryCall.Outcome.OK).count() == 2


def test_token_that_stays_expired_is_refused_after_one_relogin():
    control.set_mode("ergani", "error", error_code="api-token-expired")

    with pytest.raises(RegistryRefused) as exc:
        client_for(LIGNITIS).workforce(LIGNITIS, MARCH_2026)

    assert exc.value.code == "ergani_token_expired"


def test_slow_ergani_is_unavailable_after_the_retries(fast_ergani):
    control.set_mode("ergani", "slow", delay=1.0)

    with pytest.raises(RegistryUnavailable) as exc:
        client_for(LIGNITIS).workforce(LIGNITIS, MARCH_2026)

    assert exc.value.code == "ergani_unavailable"
    assert "ΕΡΓΑΝΗ ΙΙ" in exc.value.message
    call = RegistryCall.objects.get()
    assert (call.outcome, call.attempts) == (RegistryCall.Outcome.UNAVAILABLE, 2)


def test_down_ergani_is_unavailable(fast_ergani):
    control.set_mode("ergani", "down")

    with pytest.raises(RegistryUnavailable):
        client_for(LIGNITIS).workforce(LIGNITIS, MARCH_2026)

    assert RegistryCall.objects.get().http_status == 503


def test_a_registry_error_is_refused_with_its_message():
    control.set_mode("ergani", "error", error_code="Service Code is not authenticated to specific User")

    with pytest.raises(RegistryRefused) as exc:
        client_for(LIGNITIS).workforce(LIGNITIS, MARCH_2026)

    assert exc.value.code == "ergani_refused"
    assert "Service Code is not authenticated" in exc.value.message


def test_a_server_error_is_unavailable():
    control.set_mode("ergani", "error", error_code="500")

    with pytest.raises(RegistryUnavailable):
        client_for(LIGNITIS).workforce(LIGNITIS, MARCH_2026)


def test_an_answer_that_is_not_json_is_malformed():
    control.set_mode("ergani", "error", error_code="malformed")

    with pytest.raises(RegistryRefused) as exc:
        client_for(LIGNITIS).workforce(LIGNITIS, MARCH_2026)

    assert exc.value.code == "ergani_malformed"
    assert RegistryCall.objects.get().outcome == RegistryCall.Outcome.MALFORMED


def test_an_answer_about_another_employer_is_a_mismatch():
    control.set_mode("ergani", "error", error_code="mismatch")

    with pytest.raises(RegistryRefused) as exc:
        client_for(LIGNITIS).workforce(LIGNITIS, MARCH_2026)

    assert exc.value.code == "ergani_mismatch"
    assert RegistryCall.objects.get().outcome == RegistryCall.Outcome.MALFORMED


def test_an_invalid_afm_is_refused_without_calling():
    with pytest.raises(RegistryRefused) as exc:
        client_for(LIGNITIS).workforce("804773471", MARCH_2026)

    assert exc.value.code == "ergani_invalid_afm"
    assert not RegistryCall.objects.exists()


def test_a_second_read_comes_from_the_cache():
    client = client_for(LIGNITIS)
    first = client.workforce(LIGNITIS, MARCH_2026)

    again = client_for(LIGNITIS).workforce(LIGNITIS, MARCH_2026)

    assert again == first
    assert RegistryCall.objects.count() == 1


def test_sandbox_answers_bad_input_in_its_own_format(settings):
    base = f"{settings.INTEROP_BASE_URL}/ergani/api"
    login = requests.post(f"{base}/Authentication", json={"Username": "ergani-804773470"}, timeout=5)
    token = requests.post(
        f"{base}/Authentication",
        json={"Username": "ergani-804773470", "Password": "ergani-demo", "Usertype": "02"},
        timeout=5,
    ).json()["accessToken"]

    unknown = requests.post(
        f"{base}/WebServices/ExecuteService",
        json={"ServiceCode": "EX_NOPE", "Parameters": []},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    bad_date = requests.post(
        f"{base}/WebServices/ExecuteService",
        json={
            "ServiceCode": "EX_BASE_04",
            "Parameters": [{"ParameterName": "DateFrom", "ParameterValue": "2026-01-01"}],
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    forged = requests.post(
        f"{base}/WebServices/ExecuteService", json={}, headers={"Authorization": "Bearer x.y.z"}, timeout=5
    )

    assert login.status_code == 400 and "Password" in login.json()["message"]
    assert unknown.status_code == 400 and "EX_NOPE" in unknown.json()["message"]
    assert bad_date.status_code == 400 and "ΗΗ/ΜΜ/ΕΕΕΕ" in bad_date.json()["message"]
    assert forged.status_code == 401 and "api-token-expired" not in forged.headers
