"""Client for AADE RgWsPublic2 (basic registry data by ΑΦΜ), SOAP 1.2 through zeep.

Wire format: shared/domain/interop.md §1. Authentication is a WS-Security UsernameToken holding the
«ειδικοί κωδικοί», never HTTP Basic. AADE reports every business error as HTTP 200 with `error_rec`
filled in, so the error code, not the HTTP status, decides between «try later» and «the registry
said no».

The HTTP exchange goes through `RegistryClient.http()` (retry, backoff, redacted logging) by way of
a zeep transport that delegates to it; the parsed WSDL is cached per process.
"""

from __future__ import annotations

import datetime
import threading
from dataclasses import dataclass, field

from django.utils import timezone
from lxml import etree
from zeep import Client, Settings
from zeep.exceptions import Fault, XMLParseError, XMLSyntaxError
from zeep.helpers import serialize_object
from zeep.transports import Transport
from zeep.wsdl import Document
from zeep.wsse.username import UsernameToken

from opske.errors import RegistryRefused, RegistryUnavailable

from .base import CallContext, RegistryClient

BINDING = "{http://rgwspublic2/RgWsPublic2Service}RgWsPublic2Service_SOAP_HTTP"

# AADE error codes (interop.md §1, «Error codes») by what the portal can do about them.
NOT_FOUND_CODES = frozenset({"RG_WS_PUBLIC_TAXPAYER_NF", "RG_WS_PUBLIC_EPIT_NF", "RG_WS_PUBLIC_WRONG_AFM"})
RETRY_LATER_CODES = frozenset(
    {
        "RG_WS_PUBLIC_SERVICE_NOT_ACTIVE",
        "RG_WS_PUBLIC_MAX_DAILY_USERNAME_CALLS_EXCEEDED",
        "RG_WS_PUBLIC_MONTHLY_LIMIT_EXCEEDED",
        "RG_WS_PUBLIC_FAILURES_TOLERATED_EXCEEDED",
        "RG_WS_PUBLIC_MSG_TO_TAXISNET_ERROR",
    }
)

_wsdl_documents: dict[str, Document] = {}
_wsdl_lock = threading.Lock()


@dataclass(frozen=True)
class TaxpayerRecord:
    """What AADE says about a taxpayer, as plain values (basic_rec + firm_act_tab)."""

    afm: str
    name: str
    commercial_title: str
    legal_form: str
    is_natural_person: bool
    is_active: bool
    doy_code: str
    doy_name: str
    street: str
    street_number: str
    postal_code: str
    city: str
    start_date: datetime.date | None
    stop_date: datetime.date | None
    # (ΚΑΔ 8 digits, description, kind "1" main / "2" secondary / "3" other / "4" auxiliary)
    activities: tuple[tuple[str, str, str], ...] = ()
    firm_flag: str = ""
    raw: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_business(self) -> bool:
        """A legal entity, or a natural person with business income (ΦΠ ΕΠΙΤΗΔΕΥΜΑΤΙΑΣ)."""
        return not self.is_natural_person or self.firm_flag == "ΕΠΙΤΗΔΕΥΜΑΤΙΑΣ"


def _s(value) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


def _date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def taxpayer_record(basic: dict, activities) -> TaxpayerRecord:
    """Map a basic_rec and its firm_act_tab items to a TaxpayerRecord.

    The single mapping used both for live answers and for the demo world (registry_data), so what
    the demo loads is exactly what a login would later fetch.
    """
    acts = []
    for item in activities or ():
        if isinstance(item, dict):
            code, descr, kind = (
                item.get("firm_act_code"),
                item.get("firm_act_descr"),
                item.get("firm_act_kind"),
            )
        else:
            code, descr, kind = item
        code = _s(code)
        if code:
            acts.append((code.zfill(8), _s(descr), _s(kind) or "3"))
    raw = {k: v for k, v in basic.items() if k != "activities"}
    raw["firm_act_tab"] = [{"firm_act_code": c, "firm_act_descr": d, "firm_act_kind": k} for c, d, k in acts]
    return TaxpayerRecord(
        afm=_s(basic.get("afm")),
        name=_s(basic.get("onomasia")),
        commercial_title=_s(basic.get("commer_title")),
        legal_form=_s(basic.get("legal_status_descr")),
        is_natural_person=_s(basic.get("i_ni_flag_descr")) == "ΦΠ",
        is_active=_s(basic.get("deactivation_flag")) != "2",
        doy_code=_s(basic.get("doy")),
        doy_name=_s(basic.get("doy_descr")),
        street=_s(basic.get("postal_address")),
        street_number=_s(basic.get("postal_address_no")),
        postal_code=_s(basic.get("postal_zip_code")),
        city=_s(basic.get("postal_area_description")),
        start_date=_date(basic.get("regist_date")),
        stop_date=_date(basic.get("stop_date")),
        activities=tuple(acts),
        firm_flag=_s(basic.get("firm_flag_descr")),
        raw={k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in raw.items()},
    )


class _RegistryTransport(Transport):
    """A zeep transport whose every HTTP exchange is `RegistryClient.http()` (retry + log)."""

    def __init__(self, registry: AadeRegistryClient, ctx: CallContext):
        super().__init__(
            session=registry.session, timeout=registry.timeout, operation_timeout=registry.timeout
        )
        self.registry = registry
        self.ctx = ctx

    def post(self, address, message, headers):
        return self.registry.http(self.ctx, "POST", address, data=message, headers=headers)

    def _load_remote_data(self, url):
        response = self.registry.http(self.ctx, "GET", url)
        if response.status_code != 200:
            raise RegistryUnavailable(
                f"Το μητρώο «{self.registry.label}» δεν έδωσε WSDL (HTTP {response.status_code}).",
                code="aade_unavailable",
            )
        return response.content

    def __del__(self):
        # The session belongs to the RegistryClient, which outlives this transport.
        pass


class AadeRegistryClient(RegistryClient):
    name = "aade"
    label = "ΑΑΔΕ (Μητρώο)"

    @property
    def endpoint(self) -> str:
        # Production: .../wsaade/RgWsPublic2/RgWsPublic2; the sandbox mirrors that last segment.
        url = self.config.get("url")
        return url.rstrip("/") if url else f"{self.base_url}/RgWsPublic2"

    def _client(self, ctx: CallContext) -> Client:
        transport = _RegistryTransport(self, ctx)
        zeep_settings = Settings(strict=False, xml_huge_tree=False, forbid_entities=True)
        wsdl_url = f"{self.endpoint}?WSDL"
        with _wsdl_lock:
            document = _wsdl_documents.get(wsdl_url)
        if document is None:
            document = Document(wsdl_url, transport, settings=zeep_settings)
            with _wsdl_lock:
                _wsdl_documents[wsdl_url] = document
        wsse = UsernameToken(self.config.get("username", ""), self.config.get("password", ""))
        return Client(document, wsse=wsse, transport=transport, settings=zeep_settings)

    def _invoke(self, ctx: CallContext, operation: str, **kwargs):
        client = self._client(ctx)
        service = client.create_service(BINDING, self.endpoint)
        try:
            return getattr(service, operation)(**kwargs)
        except Fault as exc:
            raise RegistryUnavailable(
                f"Το μητρώο «{self.label}» απάντησε με σφάλμα SOAP ({exc.message}). Δοκιμάστε ξανά αργότερα.",
                code="aade_fault",
            ) from exc
        except (XMLSyntaxError, XMLParseError, etree.XMLSyntaxError) as exc:
            raise self.malformed("μη έγκυρο XML") from exc

    # -- operations ---------------------------------------------------------------------------
    def version_info(self) -> str:
        return self.call(
            "rgWsPublic2VersionInfo", "", lambda ctx: str(self._invoke(ctx, "rgWsPublic2VersionInfo"))
        )

    def lookup(self, afm: str, as_on: datetime.date | None = None) -> TaxpayerRecord:
        """Basic registry data of `afm` (rgWsPublic2AfmMethod). Raises RegistryRefused/Unavailable."""
        afm = (afm or "").strip()
        as_on = as_on or timezone.localdate()

        def run(ctx: CallContext) -> TaxpayerRecord:
            answer = self._invoke(
                ctx,
                "rgWsPublic2AfmMethod",
                INPUT_REC={
                    "afm_called_by": self.config.get("afm_called_by") or "",
                    "afm_called_for": afm,
                    "as_on_date": as_on.isoformat(),
                },
            )
            return self._parse(afm, answer)

        return self.call("rgWsPublic2AfmMethod", afm, run)

    # -- parsing --------------------------------------------------------------------------------
    def _parse(self, afm: str, answer) -> TaxpayerRecord:
        data = serialize_object(answer, dict) or {}
        # zeep may or may not unwrap the single `result` child; accept both shapes.
        if "result" in data and isinstance(data["result"], dict):
            data = data["result"]
        rt = data.get("rg_ws_public2_result_rtType", data) if isinstance(data, dict) else None
        if not isinstance(rt, dict) or "error_rec" not in rt:
            raise self.malformed("λείπει το rg_ws_public2_result_rtType")
        error = rt.get("error_rec") or {}
        code = _s(error.get("error_code"))
        if code:
            raise self._error(afm, code, _s(error.get("error_descr")))
        basic = rt.get("basic_rec")
        if not isinstance(basic, dict):
            raise self.malformed("λείπει το basic_rec")
        tab = rt.get("firm_act_tab") or {}
        items = tab.get("item") if isinstance(tab, dict) else tab
        if isinstance(items, dict):
            items = [items]
        record = taxpayer_record(basic, items or [])
        if record.afm != afm:
            raise RegistryRefused(
                f"Το μητρώο «{self.label}» απάντησε για άλλον ΑΦΜ ({record.afm or 'κενό'}) από αυτόν που"
                f" ζητήθηκε ({afm}).",
                code="aade_mismatch",
            )
        return record

    def _error(self, afm: str, code: str, descr: str):
        if code == "RG_WS_PUBLIC_WRONG_AFM":
            return RegistryRefused(f"Ο ΑΦΜ {afm} δεν είναι έγκυρος σύμφωνα με την ΑΑΔΕ.", code=code)
        if code == "RG_WS_PUBLIC_TAXPAYER_NF":
            return RegistryRefused(f"Ο ΑΦΜ {afm} δεν βρέθηκε στο μητρώο της ΑΑΔΕ.", code=code)
        if code == "RG_WS_PUBLIC_EPIT_NF":
            return RegistryRefused(
                f"Ο ΑΦΜ {afm} δεν ανήκει σε επιχείρηση ή επιτηδευματία σύμφωνα με την ΑΑΔΕ.", code=code
            )
        if code == "RG_WS_PUBLIC_NO_INPUT_PARAMETERS":
            return RegistryRefused("Δεν δόθηκε ΑΦΜ για αναζήτηση στην ΑΑΔΕ.", code=code)
        if code in RETRY_LATER_CODES:
            return RegistryUnavailable(
                f"Η υπηρεσία μητρώου της ΑΑΔΕ δεν εξυπηρετεί αυτή τη στιγμή ({descr or code})."
                " Δοκιμάστε ξανά αργότερα.",
                code=code,
            )
        if code.startswith(("RG_WS_PUBLIC_TOKEN_", "RG_WS_PUBLIC_AFM_CALLED_BY_")):
            # Our special codes are wrong, revoked or not authorised: an administrator must act.
            return RegistryRefused(
                f"Η ΑΑΔΕ δεν δέχτηκε τους ειδικούς κωδικούς πρόσβασης του φορέα ({descr or code})."
                " Ενημερώστε τον διαχειριστή.",
                code=code,
            )
        return RegistryRefused(f"Η ΑΑΔΕ απέρριψε την αναζήτηση ({descr or code}).", code=code)
