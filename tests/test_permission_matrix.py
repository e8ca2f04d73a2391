"""The permission matrix, generated from the URL conf (issue 11).

After `load_demo`, every URL pattern of the portal (the sandboxes, the Django admin and static files
aside) is requested by every kind of identity: anonymous, four businesses, a citizen, each staff
role, the placement service and the API client. The concrete address of a pattern is one the
identities reached by crawling their own pages (so it names a real object with an owner), else one
built with made-up ids (an object nobody owns).

Checked on every answer:
- nothing answers 5xx;
- an anonymous visitor gets 200 only from the public pages listed in PUBLIC (a page of the API
  answers 401 with the coded error), else the login;
- an object a business or citizen reached on its own pages is not shown (200) to another business
  or citizen, unless it is public;
- a POST by an anonymous visitor or by another business changes nothing (no audit event, no row)
  and is refused (never 2xx);
- every answer equals the committed matrix `tests/permission_matrix.json`, which has an entry for
  every pattern: a new view without one, or a changed answer, fails here. After a deliberate change
  regenerate it with `OPSKE_WRITE_PERMISSION_MATRIX=1 pytest tests/test_permission_matrix.py` and
  review the diff.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

MATRIX_FILE = Path(__file__).with_name("permission_matrix.json")
SKIP_ROUTES = ("sandbox/", "django-admin/", "static/", "media/")
HREF = re.compile(r'(?:href|action)="(/[^"#]*)"')
CRAWL_SKIP = (
    "/static/",
    "/media/",
    "/sandbox/",
    "/django-admin/",
    "/api/docs/",
    "/i18n/",
    "/accounts/taxisnet/",
)
PAGES_PER_IDENTITY = 150

# Pages anyone may open without logging in (reviewed by hand: calls, public results, login, health,
# the API's description and the open list of calls).
PUBLIC = {
    "home",
    "healthz",
    "set_language",
    "api-schema",
    "api-docs",
    "accounts:login",
    "accounts:staff_login",
    "accounts:contact_confirm",
    "calls:list",
    "calls:detail",
    "calls:version-detail",
    "calls:version-diff",
    "calls:calendar",
    "calls:document",
    "calls-api:list",
    "calls-api:detail",
    "evaluation:public-results",
    "evaluation:results-public",
    "points:public-table",
    "points:table-export",  # the posted table's PDF/XLSX, by application code (tests/test_public_privacy.py)
    "identity:taxisnet_start",
    "identity:taxisnet_callback",
}

# The health check answers 200 or 503 by the state of the database, broker and worker it reports on.
HEALTH_REPORTS = {"healthz"}

BUSINESSES = {
    "business_arkadika": "806994236",
    "business_lignitis": "804773470",
    "business_grevena": "808982626",
    "business_cluster": "994681285",
}
STAFF = ["admin", "evaluator", "committee", "supervisor", "verifier", "payer", "auditor", "ypiresia"]


def _patterns():
    """(name, route) of every pattern in the URL conf."""

    def walk(resolver, prefix="", namespace=""):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
                yield from walk(p, prefix + str(p.pattern), ns)
            else:
                yield (f"{namespace}:{p.name}" if namespace else p.name or "?"), prefix + str(p.pattern)

    return [(n, r) for n, r in walk(get_resolver()) if not r.startswith(SKIP_ROUTES)]


def _name_of(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def _made_up(route: str) -> str:
    """An address of the route with ids nobody owns."""
    path = re.sub(r"<id:\w+>", "999999", route)
    path = re.sub(r"<(?:str|slug|path):\w+>", "zz-nobody", path)
    path = re.sub(r"<uuid:\w+>", "00000000-0000-4000-8000-000000000000", path)
    return "/" + path.replace("^", "").replace("$", "")


def _identities():
    from accounts.demo import API_TOKEN
    from accounts.models import Membership, Person, User

    who = {"anonymous": (None, {})}
    for label, afm in BUSINESSES.items():
        user = Membership.objects.filter(state="active", business__afm=afm).order_by("pk").first().user
        who[label] = (user, {})
    citizen = (
        User.objects.filter(kind="taxisnet", afm__in=Person.objects.values("afm")).order_by("pk").first()
    )
    who["citizen"] = (citizen, {})
    for username in STAFF:
        who[username] = (User.objects.get(username=username), {})
    who["api_client"] = (None, {"HTTP_AUTHORIZATION": f"Token {API_TOKEN}"})
    return who


def _client(user, headers):
    client = Client(**headers)
    if user is not None:
        client.force_login(user)
    return client


def _crawl(client):
    seen, order = set(), []
    queue = deque(["/", "/accounts/dashboard/", "/calls/", "/inbox/"])
    while queue and len(seen) < PAGES_PER_IDENTITY:
        path = urldefrag(queue.popleft())[0].replace("&amp;", "&")
        if path in seen or path.startswith(CRAWL_SKIP):
            continue
        seen.add(path)
        order.append(path)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode(errors="replace")):
            if href not in seen:
                queue.append(href)
    return order  # in the order reached: the same pages whatever ids the database gave the objects


def _answer(response) -> str:
    status = response.status_code
    if status in (301, 302, 303):
        where = urlsplit(response["Location"]).path
        if where.startswith(("/accounts/login/", "/accounts/staff/login/")):
            return "login"
        return "redirect"
    return str(status)


def _state():
    from applications.models import Application
    from opske.models import AuditEvent

    return (AuditEvent.objects.count(), Application.objects.count())


@pytest.mark.django_db(transaction=False)
def test_every_view_answers_every_identity_as_the_matrix_says():
    call_command("load_demo", stdout=io.StringIO())
    identities = _identities()
    clients = {label: _client(user, headers) for label, (user, headers) in identities.items()}

    # The addresses: one per pattern, from the identities' own pages first.
    address, owner = {}, {}
    for label, client in clients.items():
        for path in _crawl(client):
            name = _name_of(path)
            if name and name not in address:
                address[name], owner[name] = path, label
    patterns = _patterns()
    for name, route in patterns:
        address.setdefault(name, _made_up(route))

    matrix, problems = {}, []
    for name, _route in sorted(set(patterns)):
        path = address[name]
        row = {}
        for label, client in clients.items():
            got = _answer(client.get(path))
            if name in HEALTH_REPORTS and got in {"200", "503"}:
                got = "health-report"  # 503 is its report of a service down (no worker in CI), not a failure
            row[label] = got
            if got.startswith("5"):
                problems.append(f"GET {path} ({name}) as {label}: {got}")
        if row["anonymous"] == "200" and name not in PUBLIC:
            problems.append(f"GET {path} ({name}) answers 200 to an anonymous visitor")
        if path.startswith("/api/") and name not in PUBLIC and row["anonymous"] != "401":
            problems.append(f"GET {path} ({name}) answers {row['anonymous']} to anonymous, not 401")
        holder = owner.get(name)
        if (
            holder in {*BUSINESSES, "citizen"}
            and resolve(urlsplit(path).path).kwargs
            and row["anonymous"] != "200"
        ):
            for other in {*BUSINESSES, "citizen"} - {holder}:
                # Each business reaches the same kind of page on its own: a 200 here may be its own
                # object only when the address names nothing of the holder's.
                if row[other] == "200" and name not in SHARED_BETWEEN_PARTIES:
                    problems.append(f"GET {path} ({name}), {holder}'s, answers 200 to {other}")
        # A POST by someone the page is closed to: anonymous (outside the public pages), and another
        # party on an object of the holder's that it may not open (or a form of the holder's pages).
        posters = [] if name in PUBLIC else ["anonymous"]
        parties = {*BUSINESSES, "citizen"} - {holder}
        if holder in {*BUSINESSES, "citizen"} and name not in SHARED_BETWEEN_PARTIES:
            posters += sorted(p for p in parties if row[p] in {"403", "404", "405"})[:1]
        for label in posters:
            before = _state()
            got = _answer(clients[label].post(path, {}))
            row[f"POST {'anonymous' if label == 'anonymous' else 'another party'}"] = got
            if got.startswith(("2", "5")) or _state() != before:
                problems.append(f"POST {path} ({name}) as {label}: {got}, changed {before} -> {_state()}")
        matrix[name] = row

    if os.environ.get("OPSKE_WRITE_PERMISSION_MATRIX"):
        MATRIX_FILE.write_text(
            json.dumps(matrix, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8"
        )
    committed = json.loads(MATRIX_FILE.read_text("utf-8"))
    missing = sorted(set(matrix) - set(committed))
    changed = [
        f"{n}: {committed[n]} -> {matrix[n]}"
        for n in sorted(set(matrix) & set(committed))
        if committed[n] != matrix[n]
    ]
    assert problems == [], "\n".join(problems)
    assert missing == [], "views without an entry in tests/permission_matrix.json"
    assert changed == [], "answers that differ from tests/permission_matrix.json"
    assert sorted(set(committed) - set(matrix)) == [], "entries of views that no longer exist"


# Pages keyed by something every party has of its own (its own dashboard section, a call it may
# apply to): the same address answers each party with its own view of it.
SHARED_BETWEEN_PARTIES: set[str] = {
    "applications:start",  # «Νέα αίτηση» on a call: any business or citizen starts its own draft
}
