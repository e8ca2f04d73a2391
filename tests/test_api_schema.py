"""The API against its committed OpenAPI schema (issue 11).

`openapi.yaml` is the contract other public systems build on. The drift test fails when the code's
schema differs from it (regenerate with `make schema` and review the diff); schemathesis then
generates requests from the committed file (a bounded run, anonymous and with a business's token)
and every answer must be no 5xx and inside the schema: its status documented, its body matching.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, settings
from schemathesis import checks

from opske.wsgi import application

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "openapi.yaml"


@pytest.mark.django_db
def test_the_committed_schema_is_the_code_s_schema(tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":
        # Integer bounds in the schema come from the database's column ranges; the contract is the
        # production database's (PostgreSQL).
        pytest.skip("the committed schema is generated on PostgreSQL")
    fresh = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(fresh), "--validate", "--fail-on-warn", stdout=io.StringIO())
    assert fresh.read_text(encoding="utf-8") == SCHEMA_FILE.read_text(encoding="utf-8"), (
        "the API's schema changed: run `make schema`, review the diff of openapi.yaml and commit it"
    )


schema = schemathesis.openapi.from_path(SCHEMA_FILE)
# What the issue asks of every answer: no server error, and inside the schema (status, content type,
# headers, body). Whether an out-of-schema request is refused is the business of the field tests
# (an empty filter, `?aid_regime=`, is no filter, as django-filter reads it).
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def in_process(db):
    """The portal's WSGI application called in the test's own transaction: as Django's test client
    does, the request signals do not close the test's database connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db):
    """A business with a complete ΚΥΑ 7066 draft on a published call (so the lists carry a real
    application, with its empty fields), and the demo's API client."""
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from applications.tests.factories import complete_business_draft, load_world, member, seeded_call

    load_world()
    call = seeded_call()
    user = member("804773470")
    complete_business_draft(user, call, afm="804773470")
    api_client = User.objects.get(username="api-client")
    return {
        "business": {"Authorization": f"Token {Token.objects.create(user=user).key}"},
        "api_client": {"Authorization": f"Token {Token.objects.get(user=api_client).key}"},
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_anonymous_answers_stay_inside_the_schema(case, in_process):
    case.call_and_validate(app=in_process, checks=CHECKS)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_a_business_s_answers_stay_inside_the_schema(case, in_process, tokens):
    case.call_and_validate(app=in_process, checks=CHECKS, headers=tokens["business"])


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_an_api_client_s_answers_stay_inside_the_schema(case, in_process, tokens):
    case.call_and_validate(app=in_process, checks=CHECKS, headers=tokens["api_client"])


@pytest.mark.django_db
def test_an_unknown_api_address_answers_the_coded_error_not_a_page(client):
    answer = client.get("/api/v1/calls/not-a-number/")

    assert answer.status_code == 404 and answer["Content-Type"] == "application/json"
    assert answer.json() == {"code": "not_found", "message": "Δεν βρέθηκε.", "fields": {}}
    assert "<html" in client.get("/calls/not-a-number/").content.decode()  # pages keep the page
