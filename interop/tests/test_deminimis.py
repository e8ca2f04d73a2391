"""ΠΣΣΕΗΣ / de minimis register client against its sandbox over real HTTP (interop.md §5)."""

import datetime
from decimal import Decimal

import pytest
import requests

from interop.deminimis import WINDOW_DAYS, DeminimisClient
from interop.models import RegistryCall
from interop.sandboxes.control import set_mode
from opske.errors import RegistryRefused, RegistryUnavailable

pytestmark = pytest.mark.django_db

GREVENA = "808982626"
LIGNITIS = "804773470"
FRESH = "801700030"  # a valid ΑΦΜ the register has never heard of


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.INTEROP_MAX_ATTEMPTS = 1
    settings.INTEROP_DEFAULT_TIMEOUT = 3


def _register(**overrides):
    fields = {
        "external_reference": "opske:test:1",
        "measure_code": "ΚΥΑ-7066-2025",
        "regulation": "2023/2831",
        "beneficiary_afm": FRESH,
        "granting_authority": "ΕΥΔ ΕΠ Δίκαιη Αναπτυξιακή Μετάβαση",
        "grant_date": datetime.date(2026, 1, 10),
        "nominal_amount": Decimal("14220.00"),
        "gge_amount": Decimal("14220.00"),
    }
    return DeminimisClient().register_grant(**{**fields, **overrides})


def test_grevena_has_290000_of_de_minimis_in_the_last_three_years_across_its_single_undertaking():
    today = datetime.date.today()

    aid = DeminimisClient().single_undertaking_aid(GREVENA, today, regulation=None)

    assert aid.total_gge == Decimal("290000.00")
    assert {m.afm for m in aid.members} == {GREVENA, "801700028"}
    assert {a.beneficiary_afm for a in aid.awards} == {GREVENA, "801700028"}
    # The €120,000 award 1,100 days back rolled out of the window.
    assert all(a.grant_date > today - datetime.timedelta(days=WINDOW_DAYS) for a in aid.awards)
    assert "ΠΣΣΕΗΣ-DEMO-0003" not in {a.registry_id for a in aid.awards}


def test_the_window_rolls_so_an_earlier_date_brings_back_the_older_award():
    as_on = datetime.date.today() - datetime.timedelta(days=500)

    aid = DeminimisClient().single_undertaking_aid(GREVENA, as_on, regulation=None)

    ids = {a.registry_id for a in aid.awards}
    assert "ΠΣΣΕΗΣ-DEMO-0003" in ids  # 1,100 days before today is 600 days before as_on
    assert "ΠΣΣΕΗΣ-DEMO-0001" not in ids  # 400 days before today is after as_on
    assert aid.total_gge == Decimal("230000.00")


def test_a_linked_company_s_aid_counts_for_lignitis():
    aid = DeminimisClient().single_undertaking_aid(LIGNITIS, datetime.date.today())

    assert aid.total_gge == Decimal("45000.00")
    assert [a.beneficiary_afm for a in aid.awards] == ["801700016"]
    assert aid.awards[0].nominal_amount == Decimal("150000.00")  # a loan: GGE below nominal
    assert aid.group_id == "ΕΕ-804773470"


def test_one_regulation_can_be_asked_for_alone():
    aid = DeminimisClient().single_undertaking_aid(GREVENA, datetime.date.today(), regulation="2023/2831")

    assert aid.total_gge == Decimal("180000.00")
    assert {a.regulation for a in aid.awards} == {"2023/2831"}


def test_a_business_with_no_aid_gets_an_empty_answer_not_an_error():
    aid = DeminimisClient().single_undertaking_aid(FRESH, datetime.date.today())

    assert aid.total_gge == Decimal("0.00")
    assert aid.awards == ()
    assert [m.afm for m in aid.members] == [FRESH]


def test_an_award_exactly_three_times_365_days_back_is_outside_the_window_and_one_day_later_inside():
    as_on = datetime.date(2026, 6, 30)
    boundary = as_on - datetime.timedelta(days=WINDOW_DAYS)
    _register(external_reference="edge:out", grant_date=boundary, gge_amount=Decimal("1000"))
    _register(
        external_reference="edge:in",
        grant_date=boundary + datetime.timedelta(days=1),
        gge_amount=Decimal("2000"),
    )
    _register(external_reference="edge:on", grant_date=as_on, gge_amount=Decimal("4000"))

    aid = DeminimisClient().single_undertaking_aid(FRESH, as_on)

    assert aid.window_after == boundary
    assert sorted(a.gge_amount for a in aid.awards) == [Decimal("2000.00"), Decimal("4000.00")]
    assert aid.total_gge == Decimal("6000.00")


def test_register_grant_is_idempotent_by_external_reference():
    first = _register(external_reference="opske:application:17")
    again = _register(external_reference="opske:application:17")

    assert first.created and not again.created
    assert again.registry_id == first.registry_id
    aid = DeminimisClient().single_undertaking_aid(FRESH, datetime.date(2026, 2, 1))
    assert [a.registry_id for a in aid.awards] == [first.registry_id]


def test_replaying_a_reference_with_other_amounts_is_refused_as_a_conflict():
    _register(external_reference="opske:application:18")

    with pytest.raises(RegistryRefused) as exc:
        _register(external_reference="opske:application:18", gge_amount=Decimal("99999"))

    assert exc.value.code == "deminimis_conflict"
    assert "άλλα στοιχεία" in exc.value.message


def test_invalid_data_gets_the_register_s_field_errors_in_greek():
    with pytest.raises(RegistryRefused) as exc:
        _register(external_reference="bad", gge_amount=Decimal("-5"), beneficiary_afm="123456789")

    assert exc.value.code == "deminimis_rejected"
    assert set(exc.value.fields) == {"gge_amount", "beneficiary_afm"}
    assert "ΑΦΜ δικαιούχου" in exc.value.message


def test_an_invalid_afm_is_refused_with_400():
    with pytest.raises(RegistryRefused) as exc:
        DeminimisClient().single_undertaking_aid("123456789", datetime.date.today())

    assert "afm" in exc.value.fields
    assert RegistryCall.objects.get().http_status == 400


def test_bad_credentials_are_refused():
    client = DeminimisClient()
    client.config["token"] = "wrong"  # only the portal's side: the sandbox still expects the right one

    with pytest.raises(RegistryRefused) as exc:
        client.single_undertaking_aid(GREVENA, datetime.date.today())

    assert exc.value.code == "deminimis_unauthorized"


def test_the_sandbox_answers_401_without_a_token(registry_server):
    response = requests.get(f"{registry_server}/sandbox/deminimis/undertakings/{GREVENA}/awards", timeout=3)

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "unauthorized"


def test_malformed_json_is_reported_and_logged_as_malformed():
    set_mode("deminimis", "error", error_code="malformed")

    with pytest.raises(RegistryRefused) as exc:
        DeminimisClient().single_undertaking_aid(GREVENA, datetime.date.today())

    assert exc.value.code == "deminimis_malformed"
    assert RegistryCall.objects.get().outcome == RegistryCall.Outcome.MALFORMED


def test_an_answer_about_another_afm_is_not_accepted():
    set_mode("deminimis", "error", error_code="mismatch")

    with pytest.raises(RegistryRefused) as exc:
        DeminimisClient().single_undertaking_aid(GREVENA, datetime.date.today())

    assert exc.value.code == "deminimis_mismatch"


def test_a_register_error_code_is_passed_on():
    set_mode("deminimis", "error", error_code="maintenance_window")

    with pytest.raises(RegistryRefused) as exc:
        DeminimisClient().single_undertaking_aid(GREVENA, datetime.date.today())

    assert exc.value.code == "deminimis_maintenance_window"


def test_a_register_that_is_down_is_unavailable_not_refused():
    set_mode("deminimis", "down")

    with pytest.raises(RegistryUnavailable) as exc:
        DeminimisClient().single_undertaking_aid(GREVENA, datetime.date.today())

    assert "ΠΣΣΕΗΣ" in exc.value.message
    assert RegistryCall.objects.get().outcome == RegistryCall.Outcome.UNAVAILABLE


def test_a_successful_read_is_cached():
    today = datetime.date.today()
    DeminimisClient().single_undertaking_aid(GREVENA, today)
    set_mode("deminimis", "down")

    aid = DeminimisClient().single_undertaking_aid(GREVENA, today)

    assert aid.total_gge == Decimal("180000.00")
    assert RegistryCall.objects.count() == 1
