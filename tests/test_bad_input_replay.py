"""Bad input against every view's parameters answers 4xx, never 5xx (issue 11, «bad input»).

After `load_demo`, each kind of user crawls its own pages (tests/test_permission_matrix._crawl).
Then, for every address reached and every URL pattern of the portal:
- the page's query parameters (the names in its GET forms, the pager's and export's, and those the
  committed OpenAPI schema documents for the API) are sent with each bad value of BAD_VALUES;
- every POST form is sent back to its action with every field set to each bad value, once per
  user and view (logout and language forms aside: they end or change the session the replay runs
  in);
- every text part of the address (`<str:>`, `<slug:>`) is replaced by each bad value, and every
  `<id:>` by a superscript «²» and a 25-digit number;
- every API operation that takes a body gets bodies of the wrong shape: each of its fields (from
  the committed schema) as a list, an object, a superscript, a huge amount, a lone surrogate; for
  a step, every field name the schema knows, wrong, in each step's payload; and whole bodies that
  are not objects, nested 5,000 deep or not JSON.
Every answer must be below 500, and every refusal under /api/ is the coded JSON error
`{"code", "message", "fields"}`. A view added later is replayed without an entry here.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
import yaml
from django.core.management import call_command
from django.urls import resolve
from django.urls.exceptions import Resolver404

from tests.test_permission_matrix import (
    HEALTH_REPORTS,
    _client,
    _crawl,
    _identities,
    _made_up,
    _name_of,
    _patterns,
)

SCHEMA = Path(__file__).resolve().parent.parent / "openapi.yaml"
BAD_VALUES = {
    "nul": "a\x00b",
    "superscript": "²",
    "huge": "1e30",
    "twenty_digits": "12345678901234567890",
    "negative": "-1",
    "long": "x" * 5000,
    "markup": '<script>alert("x")</script>',
    "quote": "1' OR '1'='1",
    "path": "../../etc/passwd",
    "percent": "%",
}
# Bytes no text decodes to: a lone surrogate as UTF-8 (ED A0 80) and a stray continuation byte.
RAW_QUERY_VALUES = ("%ED%A0%80", "%80")
COMMON_PARAMS = ("page", "page_size", "export", "call", "status", "q", "format", "next", "step", "state")
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')
FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', re.I)
SESSION_FORMS = ("logout", "set_language")
WHO = ["anonymous", "business_lignitis", "citizen", "admin", "evaluator", "supervisor", "verifier", "payer"]


def _forms(html: str):
    """(method, action, field names) of each form on a page."""
    for attrs, body in FORM.findall(html):
        a = dict(ATTR.findall(attrs))
        yield a.get("method", "get").lower(), a.get("action", ""), sorted(set(FIELD.findall(body)))


def _problem(method: str, path: str, response) -> str | None:
    status = response.status_code
    if status == 503 and _name_of(path) in HEALTH_REPORTS:
        return None  # the health check's report of a service down (no worker in CI), not a failure
    if status >= 500:
        return f"{method} {path[:160]}: {status}"
    if path.startswith("/api/") and status >= 400 and not response.streaming:
        try:
            body = json.loads(response.content)
        except ValueError:
            return f"{method} {path[:160]}: {status} is not the coded JSON error"
        if not (isinstance(body, dict) and {"code", "message"} <= set(body)):
            return f"{method} {path[:160]}: {status} {str(body)[:120]} is not the coded JSON error"
    return None


def _schema():
    spec = yaml.safe_load(SCHEMA.read_text("utf-8"))
    components = spec["components"]["schemas"]
    properties = set()  # every field name the API knows: the keys tried inside a step's payload
    for component in components.values():
        properties |= set(component.get("properties", {}))
    steps = components.get("StepEnum", {}).get("enum", [])
    query, writes = {}, []
    for route, operations in spec["paths"].items():
        path = re.sub(r"\{\w+\}", "{id}", route)
        for method, op in operations.items():
            if not isinstance(op, dict):
                continue
            names = [p["name"] for p in op.get("parameters", []) if p.get("in") == "query"]
            query.setdefault(path, set()).update(names)
            if "requestBody" in op:
                ref = next(iter(op["requestBody"]["content"].values()))["schema"].get("$ref", "")
                own = components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
                writes.append((method, path, sorted(own)))
    return properties, steps, query, writes


WRONG_VALUES = (["x"], {"a": [1]}, "²", "1e30", 10**30, -1, None)


def _bodies(own, properties, steps):
    """Bodies of the wrong shape for an API write: each of its own fields wrong; for a step, every
    field name the API knows, wrong, in that step's payload, and a payload that is not an object."""
    for name in own:
        for value in WRONG_VALUES:
            yield json.dumps({name: value})
        yield '{"' + name + '": "\\ud800"}'
    if "step" in own:
        for step in steps:
            for value in WRONG_VALUES:
                yield json.dumps({"step": step, "payload": dict.fromkeys(sorted(properties), value)})
                yield json.dumps({"step": step, "payload": value})
    yield from (
        "[]",
        '"x"',
        "5",
        "{",
        "[" * 5000 + "]" * 5000,
        '{"payload": ' + "[" * 5000 + "]" * 5000 + "}",
    )


@pytest.fixture
def plain_templates(monkeypatch):
    """Templates render as in service: the test client's instrumentation copies every context of
    every included template (each option of a long select), which made this replay take minutes."""
    from django.template.base import Template

    monkeypatch.setattr(Template, "_render", lambda self, context: self.nodelist.render(context))


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("part", ["query and address", "forms and API bodies"])
def test_bad_input_to_every_view_answers_4xx_never_5xx(part, plain_templates):
    call_command("load_demo", stdout=io.StringIO())
    identities = _identities()
    clients = {label: _client(*identities[label]) for label in WHO}
    clients["api_client"] = _client(*identities["api_client"])
    properties, steps, api_query, api_writes = _schema()
    problems, sent = [], 0

    def send(client, method, path, **kwargs):
        nonlocal sent
        sent += 1
        response = getattr(client, method)(path, **kwargs)
        if problem := _problem(method.upper(), path, response):
            problems.append(problem)
        return response

    reached = {label: _crawl(client) for label, client in clients.items()}
    pages = {}  # address → the label that reached it and its HTML
    for label, paths in reached.items():
        for path in paths:
            if path not in pages and _name_of(path):
                response = clients[label].get(path)
                is_page = response.status_code == 200 and "text/html" in response.get("Content-Type", "")
                html = response.content.decode(errors="replace") if is_page and not response.streaming else ""
                pages[path] = (label, html)

    if part == "query and address":
        for path, (label, html) in pages.items():
            base = urlsplit(path).path
            names = set(COMMON_PARAMS) | api_query.get(re.sub(r"/\d+/", "/{id}/", base), set())
            for method, _action, fields in _forms(html):
                if method == "get":
                    names |= set(fields)
            for value in BAD_VALUES.values():
                send(clients[label], "get", base + "?" + urlencode(dict.fromkeys(sorted(names), value)))
            for raw in RAW_QUERY_VALUES:
                send(clients[label], "get", base + "?" + "&".join(f"{n}={raw}" for n in sorted(names)))
        owner = {_name_of(p): label for p, (label, _h) in reversed(list(pages.items()))}
        for name, route in _patterns():
            client = clients[owner.get(name, "admin")]
            if not re.search(r"<(?:str|slug|path):\w+>", route):
                for bad in ("%C2%B2", "1234567890123456789012345"):
                    path = _made_up(re.sub(r"<id:\w+>", bad, route, count=1))
                    send(client, "get", path)
                continue
            for value in BAD_VALUES.values():
                filled = re.sub(r"<(?:str|slug|path):\w+>", quote(value, safe=""), route)
                path = _made_up(filled)
                send(client, "get", path)
                send(client, "post", path, data={})
    else:
        replayed = set()  # each form of each view once per user (not again for every object's page)
        for path, (label, html) in pages.items():
            for method, action, fields in _forms(html):
                target = urlsplit(action or path).path or urlsplit(path).path
                try:
                    view = resolve(target).view_name or ""
                except Resolver404:
                    continue
                session_form = view.rsplit(":", 1)[-1] in SESSION_FORMS or target.startswith("/i18n/")
                if method != "post" or session_form:
                    continue
                fields = [f for f in fields if f != "csrfmiddlewaretoken"]
                if (label, view) in replayed:
                    continue
                replayed.add((label, view))
                for value in BAD_VALUES.values():
                    send(clients[label], "post", target, data=dict.fromkeys(fields, value))
        api = clients["api_client"]
        business = clients["business_lignitis"]
        drafts = [p for p in reached["business_lignitis"] if re.fullmatch(r"/applications/\d+/.*", p)]
        own_id = re.search(r"\d+", drafts[0]).group() if drafts else "1"
        for method, path, own in api_writes:
            target = path.replace("{id}", own_id)
            for body in _bodies(own, properties, steps):
                for client in (business, api):
                    send(client, method, target, data=body, content_type="application/json")

    assert sent > 500, f"only {sent} requests replayed"
    assert problems == [], f"{len(problems)} of {sent} answers:\n" + "\n".join(problems[:60])
