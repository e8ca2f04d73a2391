"""Sandbox identity provider for GSIS OAuth2 (TAXISnet login), interop.md §4.

Mounted at /sandbox/gsis/, so its base URL `INTEROP_BASE_URL/gsis/oauth2server` has the shape of
`https://www1.gsis.gr/oauth2server`. Users are `registry_data.TAXISNET_USERS`. Authorization codes
(single use, 2 minutes) and access tokens live in the Django cache, never in the database.

The registered client is `settings.INTEROP["gsis"]` client_id/client_secret; its registered
redirect URIs are any path under `settings.SITE_URL` (a real registration names one URL).
"""

from __future__ import annotations

import base64
import secrets
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.template import Context, Template
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lxml import etree

from interop.sandboxes import registry_data
from interop.sandboxes.control import same_secret, sandbox_endpoint

CODE_SECONDS = 120
TOKEN_SECONDS = 3600
_CODE_KEY = "sandbox:gsis:code:{}"
_TOKEN_KEY = "sandbox:gsis:token:{}"  # noqa: S105 - a cache key

_LOGIN_PAGE = Template(
    """<!DOCTYPE html><html lang="el"><head><meta charset="utf-8">
<title>TAXISnet · Αυθεντικοποίηση χρήστη (sandbox)</title>
<style>body{font-family:Arial,sans-serif;background:#f3f3f3;margin:0}
header{background:#003476;color:#fff;padding:1rem 2rem}main{max-width:28rem;margin:2rem auto;background:#fff;
padding:2rem;border:1px solid #ccc}label{display:block;margin-top:1rem;font-weight:bold}
input[type=text],input[type=password]{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
.err{color:#b60202;font-weight:bold}.btns{margin-top:1.5rem;display:flex;gap:1rem}
button{padding:.6rem 1.2rem;font-size:1rem}</style></head><body>
<header><strong>ΑΑΔΕ · TAXISnet</strong> — Περιβάλλον δοκιμών (sandbox)</header>
<main><h1>Σύνδεση</h1>
<p>Η εφαρμογή «{{ client_id }}» ζητά πρόσβαση στα βασικά στοιχεία του λογαριασμού σας TAXISnet.</p>
<p>Παρακαλούμε εισάγετε τους κωδικούς σας στο TAXISnet.</p>
{% if error %}<p class="err" role="alert">{{ error }}</p>{% endif %}
<form method="post" action="">
{% for k, v in params.items %}<input type="hidden" name="{{ k }}" value="{{ v }}">{% endfor %}
<label for="username">Όνομα χρήστη</label>
<input type="text" id="username" name="username" value="{{ username }}" autocomplete="username">
<label for="password">Κωδικός πρόσβασης</label>
<input type="password" id="password" name="password" autocomplete="current-password">
<div class="btns"><button type="submit" name="action" value="login">Σύνδεση</button>
<button type="submit" name="action" value="cancel">Ακύρωση</button></div>
</form></main></body></html>"""
)
_OAUTH_PARAMS = ("response_type", "client_id", "redirect_uri", "scope", "state")


def _redirect_uri_allowed(uri: str) -> bool:
    site = urlsplit(settings.SITE_URL)
    target = urlsplit(uri or "")
    return (target.scheme, target.netloc) == (site.scheme, site.netloc) and bool(target.path)


def _with_query(uri: str, **params) -> str:
    parts = urlsplit(uri)
    query = "&".join(filter(None, [parts.query, urlencode({k: v for k, v in params.items() if v})]))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _client_ok(client_id: str, client_secret: str | None = None) -> bool:
    config = settings.INTEROP["gsis"]
    if not same_secret(client_id, config["client_id"]):
        return False
    return client_secret is None or same_secret(client_secret, config["client_secret"])


@csrf_exempt
@require_http_methods(["GET", "POST"])
@sandbox_endpoint("gsis")
def authorize(request):
    source = request.POST if request.method == "POST" else request.GET
    params = {k: source.get(k, "") for k in _OAUTH_PARAMS}
    # An unknown client or redirect URI is shown, never redirected to (RFC 6749 §4.1.2.1).
    if not _client_ok(params["client_id"]):
        return HttpResponseBadRequest("invalid_client: άγνωστο client_id", content_type="text/plain")
    if not _redirect_uri_allowed(params["redirect_uri"]):
        return HttpResponseBadRequest(
            "invalid_request: μη καταχωρισμένο redirect_uri", content_type="text/plain"
        )
    if params["response_type"] != "code":
        return HttpResponseRedirect(
            _with_query(params["redirect_uri"], error="unsupported_response_type", state=params["state"])
        )
    context = {"params": params, "client_id": params["client_id"], "error": "", "username": ""}
    if request.method == "GET":
        return HttpResponse(_LOGIN_PAGE.render(Context(context)))
    if request.POST.get("action") == "cancel":
        return HttpResponseRedirect(
            _with_query(params["redirect_uri"], error="access_denied", state=params["state"])
        )
    username = request.POST.get("username", "").strip()
    user = registry_data.TAXISNET_USERS.get(username)
    if user is None or not same_secret(request.POST.get("password", ""), user["password"]):
        context.update(error="Λάθος όνομα χρήστη ή κωδικός πρόσβασης.", username=username)
        return HttpResponse(_LOGIN_PAGE.render(Context(context)), status=200)
    code = secrets.token_urlsafe(24)
    cache.set(
        _CODE_KEY.format(code),
        {"username": username, "client_id": params["client_id"], "redirect_uri": params["redirect_uri"]},
        CODE_SECONDS,
    )
    return HttpResponseRedirect(_with_query(params["redirect_uri"], code=code, state=params["state"]))


def _oauth_error(error: str, description: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": error, "error_description": description}, status=status)


def _client_credentials(request) -> tuple[str, str]:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.startswith("Basic "):
        try:
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return "", ""
        return client_id, secret
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


@csrf_exempt
@require_POST
@sandbox_endpoint("gsis")
def token(request):
    client_id, client_secret = _client_credentials(request)
    if not _client_ok(client_id, client_secret):
        return _oauth_error("invalid_client", "Bad client credentials", status=401)
    if request.POST.get("grant_type") != "authorization_code":
        return _oauth_error("unsupported_grant_type", "Only authorization_code is supported")
    key = _CODE_KEY.format(request.POST.get("code", ""))
    grant = cache.get(key)
    # delete() tells us whether this request was the one that consumed the code: single use.
    if grant is None or not cache.delete(key):
        return _oauth_error("invalid_grant", "Invalid authorization code")
    if grant["client_id"] != client_id or grant["redirect_uri"] != request.POST.get("redirect_uri"):
        return _oauth_error("invalid_grant", "Redirect URI mismatch")
    access_token = secrets.token_urlsafe(32)
    cache.set(_TOKEN_KEY.format(access_token), {"username": grant["username"]}, TOKEN_SECONDS)
    return JsonResponse(
        {"access_token": access_token, "token_type": "bearer", "expires_in": TOKEN_SECONDS, "scope": "read"}
    )


@require_GET
@sandbox_endpoint("gsis")
def userinfo(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    access_token = (
        header[7:].strip() if header.lower().startswith("bearer ") else request.GET.get("access_token")
    )
    grant = cache.get(_TOKEN_KEY.format(access_token)) if access_token else None
    user = registry_data.TAXISNET_USERS.get(grant["username"]) if grant else None
    if user is None:
        response = _oauth_error("invalid_token", "Access token expired or unknown", status=401)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    root = etree.Element("root")
    etree.SubElement(
        root,
        "userinfo",
        # GSIS pads userid and taxid with trailing spaces; clients must strip them.
        userid=f"{grant['username']}".ljust(12),
        taxid=user["taxid"].ljust(12),
        lastname=user["lastname"],
        firstname=user["firstname"],
        fathername=user["fathername"],
        mothername=user["mothername"],
        birthyear=user["birthyear"],
    )
    return HttpResponse(etree.tostring(root, encoding="UTF-8"), content_type="application/xml; charset=utf-8")


@require_GET
def logout(request, client_id):
    target = request.GET.get("url", "")
    if _client_ok(client_id) and _redirect_uri_allowed(target):
        return HttpResponseRedirect(target)
    return HttpResponse("Αποσυνδεθήκατε από το TAXISnet.", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("oauth2server/oauth/authorize", authorize, name="authorize"),
    path("oauth2server/oauth/token", token, name="token"),
    path("oauth2server/userinfo", userinfo, name="userinfo"),
    path("oauth2server/logout/<str:client_id>/", logout, name="logout"),
]
