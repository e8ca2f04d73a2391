"""AADE RgWsPublic2 client against the sandbox over real HTTP (interop.md §1)."""

import datetime

import pytest
import requests
from django.conf import settings
from lxml import etree

from interop.aade import AadeRegistryClient
from interop.models import RegistryCall
from interop.sandboxes.control import set_mode
from opske.errors import RegistryRefused, RegistryUnavailable

pytestmark = pytest.mark.django_db

NS_TYP = "http://rgwspublic2/RgWsPublic2"


def _envelope(afm: str, *, username="OPSKE_SPECIAL", password="sandbox-pass", with_token=True) -> bytes:
    token = (
        f"<env:Header><wsse:Security><wsse:UsernameToken><wsse:Username>{username}</wsse:Username>"
        f"<wsse:Password>{password}</wsse:Password></wsse:UsernameToken></wsse:Security></env:Header>"
        if with_token
        else "<env:Header/>"
    )
    return (
        '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"'
        ' xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"'
        ' xmlns:srv="http://rgwspublic2/RgWsPublic2Service" xmlns:typ="http://rgwspublic2/RgWsPublic2">'
        f"{token}<env:Body><srv:rgWsPublic2AfmMethod><srv:INPUT_REC><typ:afm_called_by/>"
        f"<typ:afm_called_for>{afm}</typ:afm_called_for><typ:as_on_date>2026-01-15</typ:as_on_date>"
        "</srv:INPUT_REC></srv:rgWsPublic2AfmMethod></env:Body></env:Envelope>"
    ).encode()


def _post(registry_server, body: bytes) -> requests.Response:
    return requests.post(
        f"{registry_server}/sandbox/aade/RgWsPublic2",
        data=body,
        headers={"Content-Type": "application/soap+xml; charset=utf-8"},
        timeout=5,
    )


def _error_code(response) -> str:
    root = etree.fromstring(response.content)
    return root.findtext(f".//{{{NS_TYP}}}error_rec/{{{NS_TYP}}}error_code") or ""


def test_lookup_returns_the_registry_record_of_a_business():
    record = AadeRegistryClient().lookup("804773470", as_on=datetime.date(2026, 1, 15))

    assert record.name == "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ ΜΟΝΟΠΡΟΣΩΠΗ ΙΚΕ"
    assert record.commercial_title == "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ"
    assert record.legal_form == "ΙΚΕ"
    assert record.is_active and not record.is_natural_person and record.is_business
    assert (record.doy_code, record.doy_name) == ("5211", "ΚΟΖΑΝΗΣ")
    assert (record.postal_code, record.city) == ("50100", "ΚΟΖΑΝΗ")
    assert record.start_date == datetime.date(2016, 3, 14)
    assert record.stop_date is None
    assert record.activities[0] == ("43210000", "Ηλεκτρικές εγκαταστάσεις", "1")
    assert [a[2] for a in record.activities] == ["1", "2"]
    call = RegistryCall.objects.get()
    assert (call.registry, call.operation, call.subject, call.outcome) == (
        "aade",
        "rgWsPublic2AfmMethod",
        "804773470",
        RegistryCall.Outcome.OK,
    )
    assert "sandbox-pass" not in call.request_payload


def test_deactivated_afm_is_returned_as_inactive_with_stop_date():
    record = AadeRegistryClient().lookup("999232002")

    assert record.is_active is False
    assert record.stop_date == datetime.date(2023, 12, 31)


@pytest.mark.parametrize(
    ("afm", "code", "fragment"),
    [
        ("123456789", "RG_WS_PUBLIC_WRONG_AFM", "δεν είναι έγκυρος"),
        ("090000045", "RG_WS_PUBLIC_TAXPAYER_NF", "δεν βρέθηκε στο μητρώο της ΑΑΔΕ"),
        ("103374891", "RG_WS_PUBLIC_EPIT_NF", "δεν ανήκει σε επιχείρηση"),
        ("", "RG_WS_PUBLIC_NO_INPUT_PARAMETERS", "Δεν δόθηκε ΑΦΜ"),
    ],
)
def test_lookup_refusals_carry_the_aade_code_and_a_greek_message(afm, code, fragment):
    with pytest.raises(RegistryRefused) as exc:
        AadeRegistryClient().lookup(afm)

    assert exc.value.code == code
    assert fragment in exc.value.message
    call = RegistryCall.objects.get()
    assert call.outcome == RegistryCall.Outcome.REFUSED
    assert call.error_code == code
    assert call.attempts == 1  # a definite answer is never retried


def test_wrong_special_codes_are_refused_and_name_the_administrator():
    # The sandbox runs in this process and reads the same settings, so only the client's copy changes.
    client = AadeRegistryClient()
    client.config["password"] = "wrong"

    with pytest.raises(RegistryRefused) as exc:
        client.lookup("804773470")

    assert exc.value.code == "RG_WS_PUBLIC_TOKEN_USERNAME_NOT_AUTHENTICATED"
    assert "ειδικούς κωδικούς" in exc.value.message


@pytest.mark.parametrize(
    "code", ["RG_WS_PUBLIC_SERVICE_NOT_ACTIVE", "RG_WS_PUBLIC_MAX_DAILY_USERNAME_CALLS_EXCEEDED"]
)
def test_error_mode_retry_later_codes_are_unavailable(code):
    set_mode("aade", "error", error_code=code)

    with pytest.raises(RegistryUnavailable) as exc:
        AadeRegistryClient().lookup("804773470")

    assert exc.value.code == code
    assert "Δοκιμάστε ξανά αργότερα" in exc.value.message
    assert RegistryCall.objects.get().outcome == RegistryCall.Outcome.UNAVAILABLE


def test_down_registry_is_unavailable_after_retries_and_logged():
    AadeRegistryClient().version_info()  # the WSDL is loaded and cached while the service is up
    set_mode("aade", "down")

    with pytest.raises(RegistryUnavailable) as exc:
        AadeRegistryClient().lookup("804773470")

    assert exc.value.code == "aade_unavailable"
    call = RegistryCall.objects.filter(operation="rgWsPublic2AfmMethod").get()
    assert call.outcome == RegistryCall.Outcome.UNAVAILABLE
    assert call.attempts == settings.INTEROP_MAX_ATTEMPTS
    assert call.http_status == 503


def test_malformed_xml_answer_is_reported_as_malformed():
    set_mode("aade", "error", error_code="SANDBOX_MALFORMED_XML")

    with pytest.raises(RegistryRefused) as exc:
        AadeRegistryClient().lookup("804773470")

    assert exc.value.code == "aade_malformed"
    assert RegistryCall.objects.get().outcome == RegistryCall.Outcome.MALFORMED


def test_an_answer_about_another_afm_is_a_mismatch():
    set_mode("aade", "error", error_code="SANDBOX_OTHER_TAXPAYER")

    with pytest.raises(RegistryRefused) as exc:
        AadeRegistryClient().lookup("804773470")

    assert exc.value.code == "aade_mismatch"
    assert "για άλλον ΑΦΜ" in exc.value.message
    assert RegistryCall.objects.get().outcome == RegistryCall.Outcome.MALFORMED


def test_soap_fault_is_unavailable():
    set_mode("aade", "error", error_code="SANDBOX_SOAP_FAULT")

    with pytest.raises(RegistryUnavailable) as exc:
        AadeRegistryClient().lookup("804773470")

    assert exc.value.code == "aade_fault"


def test_version_info_needs_no_credentials():
    assert "Release" in AadeRegistryClient().version_info()


# --- the sandbox's wire format, seen from outside ------------------------------------------------


def test_sandbox_answers_http_200_with_default_namespace_and_nil_fields(registry_server):
    response = _post(registry_server, _envelope("804773470"))

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/soap+xml")
    root = etree.fromstring(response.content)
    rt = root.find(f".//{{{NS_TYP}}}rg_ws_public2_result_rtType")
    assert rt is not None
    assert rt.nsmap[None] == NS_TYP or rt.getparent().getparent().nsmap[None] == NS_TYP
    nil = "{http://www.w3.org/2001/XMLSchema-instance}nil"
    assert rt.find(f"{{{NS_TYP}}}error_rec/{{{NS_TYP}}}error_code").get(nil) == "true"
    assert rt.find(f"{{{NS_TYP}}}basic_rec/{{{NS_TYP}}}stop_date").get(nil) == "true"
    assert len(rt.findall(f"{{{NS_TYP}}}firm_act_tab/{{{NS_TYP}}}item")) == 2


def test_sandbox_error_nils_every_other_record_and_omits_firm_act_tab(registry_server):
    response = _post(registry_server, _envelope("090000045"))

    assert response.status_code == 200
    assert _error_code(response) == "RG_WS_PUBLIC_TAXPAYER_NF"
    root = etree.fromstring(response.content)
    nil = "{http://www.w3.org/2001/XMLSchema-instance}nil"
    assert root.find(f".//{{{NS_TYP}}}basic_rec").get(nil) == "true"
    assert root.find(f".//{{{NS_TYP}}}firm_act_tab") is None


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"with_token": False}, "RG_WS_PUBLIC_TOKEN_USERNAME_NOT_DEFINED"),
        ({"password": "nope"}, "RG_WS_PUBLIC_TOKEN_USERNAME_NOT_AUTHENTICATED"),
    ],
)
def test_sandbox_checks_the_ws_security_token(registry_server, kwargs, code):
    response = _post(registry_server, _envelope("804773470", **kwargs))

    assert response.status_code == 200
    assert _error_code(response) == code


def test_sandbox_answers_a_malformed_envelope_with_a_soap12_fault(registry_server):
    response = _post(registry_server, b"<not-soap")

    assert response.status_code == 400
    assert b"http://www.w3.org/2003/05/soap-envelope" in response.content
    assert b"Fault" in response.content


def test_sandbox_serves_a_wsdl_pointing_at_itself(registry_server):
    response = requests.get(f"{registry_server}/sandbox/aade/RgWsPublic2?WSDL", timeout=5)

    assert response.status_code == 200
    assert f'location="{registry_server}/sandbox/aade/RgWsPublic2"'.encode() in response.content
    assert b"soap12:binding" in response.content
