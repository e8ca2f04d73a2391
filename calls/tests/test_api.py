"""The public read-only API and its OpenAPI schema."""

import io

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from calls import services
from calls.tests.factories import CallFactory, published_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_anonymous_client_lists_published_calls_with_pools(api, django_assert_max_num_queries):
    live = published_call()
    CallFactory()
    for _ in range(5):
        published_call()

    with django_assert_max_num_queries(5):
        response = api.get("/api/v1/calls/")

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 6
    first = next(c for c in body["results"] if c["id"] == live.pk)
    assert first["phase"] == "open"
    assert first["current_version"] == 1
    assert first["pools"][0]["remaining"] == "100000.00"


def test_api_filters_share_the_html_filterset(api):
    published_call(title="Επιδότηση πρόσληψης")
    published_call(title="Άλλο θέμα")

    body = api.get("/api/v1/calls/", {"q": "πρόσληψης", "phase": "open"}).json()

    assert [c["title"] for c in body["results"]] == ["Επιδότηση πρόσληψης"]


def test_api_bad_filter_answers_with_code_message_fields(api):
    response = api.get("/api/v1/calls/", {"phase": "ποτέ"})

    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"
    assert "phase" in response.json()["fields"]


def test_call_detail_has_remaining_budget_and_current_version(api):
    call = published_call()
    services.pool_reserve(pool_id=call.pools.get().pk, amount="1000")

    body = api.get(f"/api/v1/calls/{call.pk}/").json()

    assert body["pools"][0]["remaining"] == "99000.00"
    assert body["pools"][0]["reserved"] == "1000.00"
    assert body["current_version"]["number"] == 1
    assert body["versions"][0]["label"] == "Αρχική"


def test_draft_call_is_not_found_in_the_api(api):
    draft = CallFactory()

    response = api.get(f"/api/v1/calls/{draft.pk}/")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Η πρόσκληση δεν βρέθηκε.", "fields": {}}


def test_openapi_schema_documents_the_calls_endpoints_and_is_valid():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    validate_schema(schema)
    assert "/api/v1/calls/" in schema["paths"]
    assert "/api/v1/calls/{id}/" in schema["paths"]
    list_params = {p["name"] for p in schema["paths"]["/api/v1/calls/"]["get"]["parameters"]}
    assert {"q", "phase", "evaluation_method"} <= list_params


def test_spectacular_command_validates(settings):
    out = io.StringIO()

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null", stdout=out, stderr=out)
