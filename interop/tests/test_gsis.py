"""GSIS OAuth2 sandbox IdP and client over real HTTP (interop.md §4)."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from lxml import etree

from interop.gsis import GsisOAuthClient, parse_userinfo
from interop.models import RegistryCall
from opske.errors import RegistryRefused

pytestmark = pytest.mark.django_db


@pytest.fixture
def redirect_uri(settings):
    return f"{settings.SITE_URL}/accounts/taxisnet/callback/"


def _authorize(client: GsisOAuthClient, username="lignitis", password="taxisnet-demo") -> dict:
    url, state = client.authorization_url()
    params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    response = requests.post(
        url,
        data={**params, "username": username, "password": password, "action": "login"},
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    return {"code": query["code"][0], "state": query["state"][0], "expected_state": state}


def _token(registry_server, **data):
    form = {
        "grant_type": "authorization_code",
        "client_id": "opske-sandbox",
        "client_secret": "sandbox-secret",
    }
    form.update(data)
    return requests.post(f"{registry_server}/sandbox/gsis/oauth2server/oauth/token", data=form, timeout=5)


def test_authorization_url_carries_the_documented_parameters(redirect_uri, settings):
    url, state = GsisOAuthClient(redirect_uri=redirect_uri).authorization_url()

    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}"
        == f"{settings.INTEROP_BASE_URL}/gsis/oauth2server/oauth/authorize"
    )
    assert query == {
        "response_type": "code",
        "client_id": "opske-sandbox",
        "redirect_uri": redirect_uri,
        "scope": "read",
        "state": state,
    }


def test_login_form_is_greek_and_state_comes_back(redirect_uri):
    client = GsisOAuthClient(redirect_uri=redirect_uri)
    url, _ = client.authorization_url()

    form = requests.get(url, timeout=5)

    assert form.status_code == 200
    assert "Όνομα χρήστη" in form.text and "Κωδικός πρόσβασης" in form.text
    grant = _authorize(client)
    assert grant["state"] == grant["expected_state"]


def test_code_exchange_and_userinfo_give_the_stripped_identity(redirect_uri):
    client = GsisOAuthClient(redirect_uri=redirect_uri)
    grant = _authorize(client, "papadopoulou")

    identity = GsisOAuthClient(redirect_uri=redirect_uri).identity_for_code(grant["code"])

    assert identity.afm == "103374891"
    assert identity.userid == "papadopoulou"
    assert (identity.last_name, identity.first_name, identity.father_name) == (
        "ΠΑΠΑΔΟΠΟΥΛΟΥ",
        "ΜΑΡΙΑ",
        "ΓΕΩΡΓΙΟΣ",
    )
    assert identity.mother_name == "ΕΛΕΝΗ" and identity.birth_year == 1985
    calls = RegistryCall.objects.filter(registry="gsis").order_by("started_at")
    assert [c.operation for c in calls] == ["oauth_token", "userinfo"]
    assert all(c.outcome == "ok" for c in calls)
    token_log = calls[0].response_payload
    assert '"access_token": "***' in token_log


def test_userinfo_is_xml_attributes_with_padded_ids(registry_server, redirect_uri):
    grant = _authorize(GsisOAuthClient(redirect_uri=redirect_uri))
    token = _token(registry_server, code=grant["code"], redirect_uri=redirect_uri).json()

    response = requests.get(
        f"{registry_server}/sandbox/gsis/oauth2server/userinfo",
        params={"format": "xml"},
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=5,
    )

    info = etree.fromstring(response.content).find("userinfo")
    assert info.get("taxid") == "804773470   "
    assert info.get("userid").startswith("lignitis") and info.get("userid").endswith(" ")
    assert set(info.keys()) == {
        "userid",
        "taxid",
        "lastname",
        "firstname",
        "fathername",
        "mothername",
        "birthyear",
    }
    assert token["token_type"] == "bearer" and token["expires_in"] > 0


def test_code_is_single_use(registry_server, redirect_uri):
    grant = _authorize(GsisOAuthClient(redirect_uri=redirect_uri))
    first = _token(registry_server, code=grant["code"], redirect_uri=redirect_uri)

    second = _token(registry_server, code=grant["code"], redirect_uri=redirect_uri)

    assert first.status_code == 200
    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"


def test_token_endpoint_checks_client_secret_and_redirect_uri(registry_server, redirect_uri):
    grant = _authorize(GsisOAuthClient(redirect_uri=redirect_uri))

    bad_secret = _token(registry_server, code=grant["code"], redirect_uri=redirect_uri, client_secret="nope")
    bad_uri = _token(registry_server, code=grant["code"], redirect_uri=redirect_uri + "x")

    assert bad_secret.status_code == 401 and bad_secret.json()["error"] == "invalid_client"
    assert bad_uri.status_code == 400 and bad_uri.json()["error"] == "invalid_grant"


def test_replayed_code_is_refused_by_the_client_with_a_greek_message(redirect_uri):
    grant = _authorize(GsisOAuthClient(redirect_uri=redirect_uri))
    GsisOAuthClient(redirect_uri=redirect_uri).exchange_code(grant["code"])

    with pytest.raises(RegistryRefused) as exc:
        GsisOAuthClient(redirect_uri=redirect_uri).exchange_code(grant["code"])

    assert exc.value.code == "gsis_invalid_grant"
    assert "Ξεκινήστε ξανά" in exc.value.message
    assert RegistryCall.objects.filter(operation="oauth_token", outcome="refused").count() == 1


def test_unknown_token_gets_401(registry_server, redirect_uri):
    response = requests.get(
        f"{registry_server}/sandbox/gsis/oauth2server/userinfo?format=xml",
        headers={"Authorization": "Bearer not-a-token"},
        timeout=5,
    )
    assert response.status_code == 401

    with pytest.raises(RegistryRefused) as exc:
        GsisOAuthClient(redirect_uri=redirect_uri).userinfo("not-a-token")
    assert exc.value.code == "gsis_invalid_token"


def test_authorize_rejects_an_unknown_client_or_foreign_redirect_uri(registry_server, redirect_uri):
    base = f"{registry_server}/sandbox/gsis/oauth2server/oauth/authorize"

    unknown = requests.get(
        base, params={"response_type": "code", "client_id": "evil", "redirect_uri": redirect_uri}, timeout=5
    )
    foreign = requests.get(
        base,
        params={
            "response_type": "code",
            "client_id": "opske-sandbox",
            "redirect_uri": "https://evil.example/cb",
        },
        timeout=5,
    )
    wrong_type = requests.get(
        base,
        params={
            "response_type": "token",
            "client_id": "opske-sandbox",
            "redirect_uri": redirect_uri,
            "state": "s",
        },
        allow_redirects=False,
        timeout=5,
    )

    assert unknown.status_code == 400 and foreign.status_code == 400
    assert "error=unsupported_response_type" in wrong_type.headers["Location"]


def test_logout_redirects_back_to_the_portal(registry_server, settings):
    client = GsisOAuthClient(redirect_uri=f"{settings.SITE_URL}/accounts/taxisnet/callback/")

    response = requests.get(client.logout_url(f"{settings.SITE_URL}/"), allow_redirects=False, timeout=5)

    assert response.status_code == 302
    assert response.headers["Location"] == f"{settings.SITE_URL}/"


def test_parse_userinfo_rejects_xml_without_taxid():
    assert parse_userinfo(b"<root><userinfo userid='x'/></root>") is None
    assert parse_userinfo(b"not xml") is None
    assert parse_userinfo(b'<root><userinfo taxid="12345678  "/></root>').afm == "012345678"
