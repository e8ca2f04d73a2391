"""Sandbox for AADE RgWsPublic2 («Βασικά στοιχεία μητρώου»), SOAP 1.2 (shared/domain/interop.md §1).

It speaks the documented wire format: WS-Security UsernameToken in the header, INPUT_REC in the
service namespace with children in the types namespace, and an answer of HTTP 200 with
`rg_ws_public2_result_rtType` in the default namespace, `xsi:nil` for missing values, and on error
`error_rec` filled with every other field nil. Only a malformed envelope gets a SOAP 1.2 Fault.

Sandbox switch «error»: the configured `error_code` is answered in `error_rec`; two extra codes
exist only here, to exercise clients: `SANDBOX_MALFORMED_XML` (a body that is not XML) and
`SANDBOX_SOAP_FAULT` (a SOAP Fault) and `SANDBOX_OTHER_TAXPAYER` (a valid answer about another ΑΦΜ).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from lxml import etree

from interop.sandboxes import registry_data
from interop.sandboxes.control import sandbox_endpoint

NS_ENV = "http://www.w3.org/2003/05/soap-envelope"
NS_SRV = "http://rgwspublic2/RgWsPublic2Service"
NS_TYP = "http://rgwspublic2/RgWsPublic2"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS_WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"

VERSION_TEXT = "RgWsPublic2 sandbox (ΟΠΣΚΕ), Release: 4.0.0, 01/07/2018, Copyright Α.Α.Δ.Ε. 2018."
WSDL_TEMPLATE = Path(__file__).with_name("aade_RgWsPublic2.wsdl")

# Greek descriptions as the v1 developer spec words them (abridged).
ERROR_TEXTS = {
    "RG_WS_PUBLIC_TOKEN_USERNAME_NOT_DEFINED": "Δεν ορίσθηκε ο χρήστης.",
    "RG_WS_PUBLIC_TOKEN_USERNAME_NOT_AUTHENTICATED": "Ο χρήστης δεν είναι εξουσιοδοτημένος.",
    "RG_WS_PUBLIC_TOKEN_USERNAME_NOT_ACTIVE": "Ο ειδικός κωδικός έχει ανακληθεί.",
    "RG_WS_PUBLIC_WRONG_AFM": "Ο Α.Φ.Μ. για τον οποίο γίνεται η αναζήτηση δεν είναι έγκυρος.",
    "RG_WS_PUBLIC_NO_INPUT_PARAMETERS": "Δεν δόθηκαν υποχρεωτικές παράμετροι εισόδου.",
    "RG_WS_PUBLIC_TAXPAYER_NF": "Ο Α.Φ.Μ. για τον οποίο ζητούνται πληροφορίες δεν υπάρχει.",
    "RG_WS_PUBLIC_EPIT_NF": (
        "Ο Α.Φ.Μ. για τον οποίο ζητούνται πληροφορίες δεν ανήκει και δεν ανήκε ποτέ σε νομικό πρόσωπο,"
        " νομική οντότητα, ή φυσικό πρόσωπο με εισόδημα από επιχειρηματική δραστηριότητα."
    ),
    "RG_WS_PUBLIC_MAX_DAILY_USERNAME_CALLS_EXCEEDED": "Υπέρβαση μέγιστου επιτρεπτού ημερήσιου ορίου κλήσεων.",
    "RG_WS_PUBLIC_MONTHLY_LIMIT_EXCEEDED": "Υπέρβαση μέγιστου επιτρεπτού μηνιαίου ορίου κλήσεων.",
    "RG_WS_PUBLIC_FAILURES_TOLERATED_EXCEEDED": "Υπέρβαση ορίου αποτυχημένων κλήσεων. Δοκιμάστε αργότερα.",
    "RG_WS_PUBLIC_SERVICE_NOT_ACTIVE": "Η υπηρεσία δεν είναι ενεργή.",
    "RG_WS_PUBLIC_MSG_TO_TAXISNET_ERROR": "Σφάλμα κατά την αποστολή μηνύματος στο MyTAXISnet.",
}
KIND_TEXTS = {"1": "ΚΥΡΙΑ", "2": "ΔΕΥΤΕΡΕΥΟΥΣΑ", "3": "ΛΟΙΠΗ", "4": "ΒΟΗΘΗΤΙΚΗ"}
DEACTIVATION_TEXTS = {"1": "ΕΝΕΡΓΟΣ ΑΦΜ", "2": "ΑΠΕΝΕΡΓΟΠΟΙΗΜΕΝΟΣ ΑΦΜ"}
BASIC_FIELDS = [
    "afm",
    "doy",
    "doy_descr",
    "i_ni_flag_descr",
    "deactivation_flag",
    "deactivation_flag_descr",
    "firm_flag_descr",
    "onomasia",
    "commer_title",
    "legal_status_descr",
    "postal_address",
    "postal_address_no",
    "postal_zip_code",
    "postal_area_description",
    "regist_date",
    "stop_date",
    "normal_vat_system_flag",
]
CALLED_BY_FIELDS = [
    "token_username",
    "token_afm",
    "token_afm_fullname",
    "afm_called_by",
    "afm_called_by_fullname",
    "as_on_date",
]


def afm_checksum_ok(afm: str) -> bool:
    """sum(d_i * 2^(8-i)) % 11 % 10 == d8 (interop.md §1, «ΑΦΜ checksum»)."""
    if len(afm) != 9 or not afm.isdigit() or afm == "000000000":
        return False
    total = sum(int(d) * 2 ** (8 - i) for i, d in enumerate(afm[:8]))
    return total % 11 % 10 == int(afm[8])


def _with_check_digit(first8: str) -> str:
    total = sum(int(d) * 2 ** (8 - i) for i, d in enumerate(first8))
    return first8 + str(total % 11 % 10)


# The special-codes owner the sandbox pretends the token belongs to (the granting authority).
TOKEN_AFM = _with_check_digit("09999999")
TOKEN_OWNER = "ΦΟΡΕΑΣ ΔΙΑΧΕΙΡΙΣΗΣ ΚΡΑΤΙΚΩΝ ΕΝΙΣΧΥΣΕΩΝ (SANDBOX)"  # noqa: S105 - a name


def _personal_afms() -> set[str]:
    """ΑΦΜ of natural persons without business income: AADE answers EPIT_NF for them."""
    afms = {p["afm"] for p in registry_data.PERSONS.values()}
    afms |= {u["taxid"] for u in registry_data.TAXISNET_USERS.values() if u.get("firstname")}
    return afms - set(registry_data.TAXPAYERS)


# --- building the answer ------------------------------------------------------------------------


def _t(tag: str) -> str:
    return f"{{{NS_TYP}}}{tag}"


def _leaf(parent, tag: str, value) -> None:
    el = etree.SubElement(parent, _t(tag))
    if value is None or value == "":
        el.set(f"{{{NS_XSI}}}nil", "true")
    else:
        el.text = str(value)


def _envelope():
    env = etree.Element(f"{{{NS_ENV}}}Envelope", nsmap={"env": NS_ENV, "xsi": NS_XSI})
    etree.SubElement(env, f"{{{NS_ENV}}}Header")
    return env, etree.SubElement(env, f"{{{NS_ENV}}}Body")


def _xml_response(env, status: int = 200) -> HttpResponse:
    body = etree.tostring(env, xml_declaration=True, encoding="UTF-8")
    return HttpResponse(body, status=status, content_type="application/soap+xml; charset=utf-8")


def _next_seq() -> int:
    cache.add("sandbox:aade:seq", 100000000, timeout=None)
    return cache.incr("sandbox:aade:seq")


def result_envelope(*, error_code: str = "", called_by: dict | None = None, taxpayer: dict | None = None):
    """The documented `rgWsPublic2AfmMethodResponse`: error_rec or the taxpayer's records."""
    env, body = _envelope()
    resp = etree.SubElement(
        body, f"{{{NS_SRV}}}rgWsPublic2AfmMethodResponse", nsmap={None: NS_TYP, "srvc": NS_SRV}
    )
    result = etree.SubElement(resp, f"{{{NS_SRV}}}result")
    rt = etree.SubElement(result, _t("rg_ws_public2_result_rtType"))
    _leaf(rt, "call_seq_id", _next_seq())
    error_rec = etree.SubElement(rt, _t("error_rec"))
    _leaf(error_rec, "error_code", error_code or None)
    _leaf(error_rec, "error_descr", ERROR_TEXTS.get(error_code, error_code) if error_code else None)
    if error_code:
        # On error every other record is nil and firm_act_tab is absent.
        _leaf(rt, "afm_called_by_rec", None)
        _leaf(rt, "basic_rec", None)
        return env
    by_rec = etree.SubElement(rt, _t("afm_called_by_rec"))
    for name in CALLED_BY_FIELDS:
        _leaf(by_rec, name, (called_by or {}).get(name))
    basic = etree.SubElement(rt, _t("basic_rec"))
    values = dict(taxpayer or {})
    values["deactivation_flag_descr"] = DEACTIVATION_TEXTS.get(values.get("deactivation_flag", ""))
    values.setdefault("normal_vat_system_flag", "Y")
    for name in BASIC_FIELDS:
        _leaf(basic, name, values.get(name))
    tab = etree.SubElement(rt, _t("firm_act_tab"))
    for code, descr, kind in values.get("activities", []):
        item = etree.SubElement(tab, _t("item"))
        _leaf(item, "firm_act_code", code)
        _leaf(item, "firm_act_descr", descr)
        _leaf(item, "firm_act_kind", kind)
        _leaf(item, "firm_act_kind_descr", KIND_TEXTS.get(kind))
    return env


def soap_fault(reason: str, *, code: str = "Sender") -> HttpResponse:
    env, body = _envelope()
    fault = etree.SubElement(body, f"{{{NS_ENV}}}Fault")
    code_el = etree.SubElement(etree.SubElement(fault, f"{{{NS_ENV}}}Code"), f"{{{NS_ENV}}}Value")
    code_el.text = f"env:{code}"
    text = etree.SubElement(etree.SubElement(fault, f"{{{NS_ENV}}}Reason"), f"{{{NS_ENV}}}Text")
    text.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
    text.text = reason
    return _xml_response(env, status=400 if code == "Sender" else 500)


def version_envelope():
    env, body = _envelope()
    resp = etree.SubElement(body, f"{{{NS_SRV}}}rgWsPublic2VersionInfoResponse", nsmap={"srvc": NS_SRV})
    etree.SubElement(resp, f"{{{NS_SRV}}}result").text = VERSION_TEXT
    return env


# --- reading the request ------------------------------------------------------------------------


def _text(el, path: str) -> str:
    found = el.find(path)
    return (found.text or "").strip() if found is not None else ""


def _check_token(envelope) -> str:
    """'' when the UsernameToken matches the configured special codes, else the AADE error code."""
    token = envelope.find(f"{{{NS_ENV}}}Header/{{{NS_WSSE}}}Security/{{{NS_WSSE}}}UsernameToken")
    username = _text(token, f"{{{NS_WSSE}}}Username") if token is not None else ""
    password = _text(token, f"{{{NS_WSSE}}}Password") if token is not None else ""
    if not username:
        return "RG_WS_PUBLIC_TOKEN_USERNAME_NOT_DEFINED"
    config = settings.INTEROP["aade"]
    if username != config["username"] or password != config["password"]:
        return "RG_WS_PUBLIC_TOKEN_USERNAME_NOT_AUTHENTICATED"
    return ""


def _lookup_error(afm: str) -> str:
    if not afm:
        return "RG_WS_PUBLIC_NO_INPUT_PARAMETERS"
    if not afm_checksum_ok(afm):
        return "RG_WS_PUBLIC_WRONG_AFM"
    if afm in registry_data.TAXPAYERS:
        return ""
    if afm in _personal_afms():
        return "RG_WS_PUBLIC_EPIT_NF"
    return "RG_WS_PUBLIC_TAXPAYER_NF"


def _afm_method(request, envelope, operation):
    mode = getattr(request, "sandbox_mode", None)
    if mode is not None and mode.mode == "error":
        if mode.error_code == "SANDBOX_MALFORMED_XML":
            return HttpResponse(b"<env:Envelope><broken", content_type="application/soap+xml; charset=utf-8")
        if mode.error_code == "SANDBOX_SOAP_FAULT":
            return soap_fault("Sandbox: simulated server fault", code="Receiver")
        if mode.error_code != "SANDBOX_OTHER_TAXPAYER":
            return _xml_response(
                result_envelope(error_code=mode.error_code or "RG_WS_PUBLIC_SERVICE_NOT_ACTIVE")
            )
    token_error = _check_token(envelope)
    if token_error:
        return _xml_response(result_envelope(error_code=token_error))
    input_rec = operation.find(f"{{{NS_SRV}}}INPUT_REC")
    if input_rec is None:
        return _xml_response(result_envelope(error_code="RG_WS_PUBLIC_NO_INPUT_PARAMETERS"))
    afm = _text(input_rec, _t("afm_called_for"))
    called_by = _text(input_rec, _t("afm_called_by")) or TOKEN_AFM
    as_on = _text(input_rec, _t("as_on_date")) or timezone.localdate().isoformat()
    error = _lookup_error(afm)
    if error:
        return _xml_response(result_envelope(error_code=error))
    by_rec = {
        "token_username": settings.INTEROP["aade"]["username"],
        "token_afm": TOKEN_AFM,
        "token_afm_fullname": TOKEN_OWNER,
        "afm_called_by": called_by,
        "afm_called_by_fullname": TOKEN_OWNER if called_by == TOKEN_AFM else None,
        "as_on_date": as_on,
    }
    if mode is not None and mode.error_code == "SANDBOX_OTHER_TAXPAYER":
        afm = next(a for a in registry_data.TAXPAYERS if a != afm)
    data = dict(registry_data.TAXPAYERS[afm], afm=afm)
    return _xml_response(result_envelope(called_by=by_rec, taxpayer=data))


def _wsdl(request) -> HttpResponse:
    address = request.build_absolute_uri(request.path)
    text = WSDL_TEMPLATE.read_text(encoding="utf-8").replace("{address}", address)
    return HttpResponse(text.encode("utf-8"), content_type="text/xml; charset=utf-8")


@csrf_exempt
@sandbox_endpoint("aade")
def rg_ws_public2(request):
    if request.method == "GET":
        if "WSDL" in {k.upper() for k in request.GET}:
            return _wsdl(request)
        return HttpResponse("RgWsPublic2 sandbox: POST a SOAP 1.2 envelope.", content_type="text/plain")
    if request.method != "POST":
        return HttpResponse(status=405)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        envelope = etree.fromstring(request.body, parser=parser)
    except etree.XMLSyntaxError:
        return soap_fault("Malformed XML envelope")
    if envelope.tag != f"{{{NS_ENV}}}Envelope":
        return soap_fault("Not a SOAP 1.2 envelope (expected http://www.w3.org/2003/05/soap-envelope)")
    body = envelope.find(f"{{{NS_ENV}}}Body")
    operation = body[0] if body is not None and len(body) else None
    if operation is None:
        return soap_fault("Empty SOAP body")
    if operation.tag == f"{{{NS_SRV}}}rgWsPublic2VersionInfo":
        return _xml_response(version_envelope())
    if operation.tag == f"{{{NS_SRV}}}rgWsPublic2AfmMethod":
        return _afm_method(request, envelope, operation)
    return soap_fault(f"Unknown operation {etree.QName(operation).localname}")


urlpatterns = [path("RgWsPublic2", rg_ws_public2, name="rgwspublic2")]
