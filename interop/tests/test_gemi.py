"""ΓΕΜΗ Open Data client against its sandbox over real HTTP (interop.md §6)."""

import datetime
import time
from decimal import Decimal

import pytest
import requests

from interop.gemi import GemiClient
from interop.models import RegistryCall
from interop.sandboxes.control import set_mode
from opske.errors import RegistryRefused, RegistryUnavailable

pytestmark = pytest.mark.django_db

LIGNITIS = "804773470"
LAIKES = "809616685"
PALAIA = "999232002"
SOLE_TRADER = "103374891"  # ΜΑΡΙΑ ΠΑΠΑΔΟΠΟΥΛΟΥ's personal ΑΦΜ


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.INTEROP_MAX_ATTEMPTS = 1
    settings.INTEROP_DEFAULT_TIMEOUT = 3


@pytest.fixture
def per_minute(settings):
    """A small rate limit, and a start far enough from a minute boundary for the test to fit in one."""

    def apply(n: int):
        settings.INTEROP = {**settings.INTEROP, "gemi": {**settings.INTEROP["gemi"], "per_minute": n}}
        settings.INTEROP_CACHE_SECONDS = 0
        if time.time() % 60 > 55:
            time.sleep(61 - time.time() % 60)

    return apply


def test_company_by_afm_returns_status_form_dates_place_and_persons():
    company = GemiClient().company_by_afm(LIGNITIS)

    assert company.ar_gemi == "123456730000"
    assert company.name == "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ ΜΟΝΟΠΡΟΣΩΠΗ ΙΚΕ"
    assert (company.status, company.is_active, company.legal_form) == ("Ενεργή", True, "ΙΚΕ")
    assert company.incorporation_date == datetime.date(2016, 3, 10)
    assert company.municipality == "Κοζάνης"
    assert [(p.name, p.role, p.percentage) for p in company.persons] == [
        ("ΣΤΕΦΑΝΟΥ ΙΩΑΝΝΑ", "Διαχειριστής", None),
        ("ΛΙΓΝΙΤΗΣ ΕΝΕΡΓΕΙΑΚΗ ΑΕ", "Εταίρος", Decimal("100")),
    ]
    assert [(a.code, a.kind) for a in company.activities] == [
        ("43.21.00.00", "Κύρια"),
        ("33.14.00.00", "Δευτερεύουσα"),
    ]


def test_flat_activities_are_read_as_well_as_nested_ones():
    company = GemiClient().company_by_afm(LAIKES)

    assert [a.code for a in company.activities] == ["47.81.10.01"]
    assert company.activities[0].description.startswith("Λιανικό εμπόριο")


def test_company_by_gemi_number():
    company = GemiClient().company("098712345000")

    assert company.afm == "808982626"
    assert company.municipality == "Γρεβενών"


def test_a_struck_off_company_is_reported_inactive():
    company = GemiClient().company_by_afm(PALAIA)

    assert company.status == "Διαγραφείσα"
    assert company.is_active is False


def test_a_sole_trader_is_not_in_gemi_and_the_message_says_so():
    with pytest.raises(RegistryRefused) as exc:
        GemiClient().company_by_afm(SOLE_TRADER)

    assert exc.value.code == "gemi_not_found"
    assert "δεν βρέθηκε στο ΓΕΜΗ" in exc.value.message
    assert "ατομικές επιχειρήσεις" in exc.value.message


def test_an_unknown_gemi_number_is_a_404_refusal():
    with pytest.raises(RegistryRefused) as exc:
        GemiClient().company("000000000000")

    assert exc.value.code == "gemi_not_found"
    assert RegistryCall.objects.get().http_status == 404


def test_a_bad_key_is_refused():
    client = GemiClient()
    client.config["api_key"] = "not-our-key"

    with pytest.raises(RegistryRefused) as exc:
        client.company_by_afm(LIGNITIS)

    assert exc.value.code == "gemi_unauthorized"
    assert RegistryCall.objects.get().http_status == 401


def test_the_sandbox_takes_the_key_in_the_api_key_header(registry_server):
    url = f"{registry_server}/sandbox/gemi/companies?afm={LIGNITIS}&resultsSize=1"

    with_key = requests.get(url, headers={"api-key": "sandbox-key"}, timeout=3)
    without = requests.get(url, timeout=3)

    assert with_key.status_code == 200
    assert with_key.json()["searchResults"][0]["activities"][0]["activity"]["id"] == "43.21.00.00"
    assert without.status_code == 401


def test_the_sandbox_answers_429_beyond_the_rate_limit(registry_server, per_minute):
    per_minute(3)
    url = f"{registry_server}/sandbox/gemi/companies?afm={LIGNITIS}"

    statuses = [requests.get(url, headers={"api-key": "sandbox-key"}, timeout=3) for _ in range(4)]

    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert 1 <= int(statuses[-1].headers["Retry-After"]) <= 60


def test_the_client_never_sends_more_than_the_limit_per_minute(per_minute):
    per_minute(2)
    client = GemiClient()
    client.company_by_afm(LIGNITIS)
    client.company_by_afm(LAIKES)

    with pytest.raises(RegistryUnavailable) as exc:
        GemiClient().company_by_afm(PALAIA)

    assert exc.value.code == "gemi_rate_limited"
    assert "2 κλήσεων ανά λεπτό" in exc.value.message
    last = RegistryCall.objects.order_by("-id").first()
    assert last.outcome == RegistryCall.Outcome.UNAVAILABLE and last.http_status is None  # never sent


def test_a_429_from_the_gateway_is_retryable_unavailability(registry_server, per_minute):
    per_minute(2)
    # Another system using the same key has spent this minute's allowance at the gateway.
    for _ in range(2):
        requests.get(
            f"{registry_server}/sandbox/gemi/companies?afm={LIGNITIS}",
            headers={"api-key": "sandbox-key"},
            timeout=3,
        )

    with pytest.raises(RegistryUnavailable) as exc:
        GemiClient().company_by_afm(LIGNITIS)

    assert exc.value.code == "gemi_unavailable"
    assert RegistryCall.objects.get().http_status == 429


def test_malformed_json_is_reported():
    set_mode("gemi", "error", error_code="malformed")

    with pytest.raises(RegistryRefused) as exc:
        GemiClient().company_by_afm(LIGNITIS)

    assert exc.value.code == "gemi_malformed"


def test_an_answer_about_another_afm_is_not_accepted():
    set_mode("gemi", "error", error_code="mismatch")

    with pytest.raises(RegistryRefused) as exc:
        GemiClient().company_by_afm(LIGNITIS)

    assert exc.value.code == "gemi_mismatch"
    assert RegistryCall.objects.get().outcome == RegistryCall.Outcome.MALFORMED


def test_a_gateway_error_is_unavailability():
    set_mode("gemi", "error", error_code="500")

    with pytest.raises(RegistryUnavailable):
        GemiClient().company_by_afm(LIGNITIS)


def test_a_successful_read_is_cached():
    GemiClient().company_by_afm(LIGNITIS)
    set_mode("gemi", "down")

    assert GemiClient().company_by_afm(LIGNITIS).ar_gemi == "123456730000"
    assert RegistryCall.objects.count() == 1
