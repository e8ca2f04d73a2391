"""Client for GSIS OAuth2 (TAXISnet login for third-party applications), interop.md §4.

Authorization-code flow on Authlib's requests OAuth2Session: the authorize URL (with `state`), the
token exchange (form-encoded, client credentials in the body) and the userinfo call, which answers
XML whose values are attributes, with `taxid`/`userid` padded with trailing spaces.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from lxml import etree

from opske.errors import RegistryRefused, RegistryUnavailable

from .base import CallContext, RegistryClient, redact


@dataclass(frozen=True)
class TaxisnetIdentity:
    """Who logged in through TAXISnet (GSIS userinfo), stripped of padding."""

    userid: str
    afm: str
    last_name: str
    first_name: str
    father_name: str
    mother_name: str
    birth_year: int | None

    @property
    def is_natural_person_identity(self) -> bool:
        # A legal entity's codes carry only a name (in `lastname`); a person's carry a first name.
        return bool(self.first_name)


class GsisOAuthClient(RegistryClient):
    name = "gsis"
    label = "TAXISnet (ΓΓΠΣ)"

    def __init__(self, *, redirect_uri: str, actor=None, state: str | None = None):
        config = dict(settings.INTEROP.get(self.name, {}))
        session = OAuth2Session(
            client_id=config.get("client_id"),
            client_secret=config.get("client_secret"),
            scope="read",
            redirect_uri=redirect_uri,
            state=state,
            token_endpoint_auth_method="client_secret_post",  # noqa: S106 - a method name
        )
        super().__init__(actor=actor, session=session)
        self.oauth: OAuth2Session = session
        self.redirect_uri = redirect_uri

    @property
    def base_url(self) -> str:
        return (self.config.get("url") or f"{settings.INTEROP_BASE_URL}/gsis/oauth2server").rstrip("/")

    def authorization_url(self) -> tuple[str, str]:
        """(URL to send the browser to, state to keep in the session)."""
        return self.oauth.create_authorization_url(f"{self.base_url}/oauth/authorize")

    def logout_url(self, return_to: str) -> str:
        return f"{self.base_url}/logout/{self.config.get('client_id')}/?{urlencode({'url': return_to})}"

    # -- the exchange ---------------------------------------------------------------------------
    def exchange_code(self, code: str) -> str:
        """Trade the authorization code for an access token (returned, never logged)."""

        def run(ctx: CallContext) -> str:
            ctx.request_payload = redact({"grant_type": "authorization_code", "code": "***"})

            def capture(response):
                ctx.http_status = response.status_code
                ctx.response_payload = redact(response.content)
                return response

            self.oauth.register_compliance_hook("access_token_response", capture)
            ctx.attempts = 1
            try:
                token = self.oauth.fetch_token(
                    f"{self.base_url}/oauth/token", code=code, timeout=self.timeout
                )
            except (requests.Timeout, requests.ConnectionError) as exc:
                raise RegistryUnavailable(
                    "Η σύνδεση με το TAXISnet δεν ήταν δυνατή. Δοκιμάστε ξανά αργότερα.",
                    code="gsis_unavailable",
                ) from exc
            except AuthlibBaseError as exc:
                if ctx.http_status in (502, 503, 504):
                    raise RegistryUnavailable(
                        "Το TAXISnet δεν είναι διαθέσιμο αυτή τη στιγμή. Δοκιμάστε ξανά αργότερα.",
                        code="gsis_unavailable",
                    ) from exc
                raise RegistryRefused(
                    "Η σύνδεση μέσω TAXISnet δεν ολοκληρώθηκε (ο κωδικός εξουσιοδότησης δεν έγινε δεκτός)."
                    " Ξεκινήστε ξανά τη σύνδεση.",
                    code=f"gsis_{getattr(exc, 'error', 'error') or 'error'}",
                ) from exc
            except ValueError as exc:
                raise self.malformed("μη έγκυρο JSON") from exc
            access_token = token.get("access_token") if token else None
            if not access_token:
                raise self.malformed("λείπει το access_token")
            return access_token

        return self.call("oauth_token", "", run)

    def userinfo(self, access_token: str) -> TaxisnetIdentity:
        def run(ctx: CallContext) -> TaxisnetIdentity:
            response = self.http(
                ctx,
                "GET",
                f"{self.base_url}/userinfo",
                params={"format": "xml"},
                headers={"Authorization": f"Bearer {access_token}"},
                withhold_token=True,
            )
            if response.status_code == 401:
                raise RegistryRefused(
                    "Η σύνδεση μέσω TAXISnet έληξε. Ξεκινήστε ξανά τη σύνδεση.", code="gsis_invalid_token"
                )
            if response.status_code != 200:
                raise RegistryUnavailable(
                    f"Το TAXISnet απάντησε HTTP {response.status_code}. Δοκιμάστε ξανά αργότερα.",
                    code="gsis_unavailable",
                )
            identity = parse_userinfo(response.content)
            if identity is None:
                raise self.malformed("μη αναγνώσιμα στοιχεία χρήστη")
            ctx.subject = identity.afm
            return identity

        return self.call("userinfo", "", run)

    def identity_for_code(self, code: str) -> TaxisnetIdentity:
        return self.userinfo(self.exchange_code(code))


def parse_userinfo(content: bytes) -> TaxisnetIdentity | None:
    """`<root><userinfo userid=".." taxid=".." .../></root>` → identity, or None if unreadable."""
    try:
        root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return None
    info = root if root.tag == "userinfo" else root.find("userinfo")
    if info is None:
        return None
    attr = {k: " ".join((v or "").split()) for k, v in info.attrib.items()}
    afm = attr.get("taxid", "")
    if not afm:
        return None
    if len(afm) == 8 and afm.isdigit():
        afm = "0" + afm
    year = attr.get("birthyear", "")
    return TaxisnetIdentity(
        userid=attr.get("userid", ""),
        afm=afm,
        last_name=attr.get("lastname", ""),
        first_name=attr.get("firstname", ""),
        father_name=attr.get("fathername", ""),
        mother_name=attr.get("mothername", ""),
        birth_year=int(year) if year.isdigit() else None,
    )
