"""The beneficiary's verification requests over the API (read-only), scoped like the pages."""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory
from verification.services import requests as services
from verification.tests.factories import member_of, operation_004

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _draft():
    op = operation_004(
        starts_on=TODAY - relativedelta(months=6), ends_on=None, applied_on=TODAY - relativedelta(months=9)
    )
    user = member_of(op.business)
    req = services.request_create(actor=user, operation_id=op.pk)
    services.item_add(
        actor=user,
        request_id=req.pk,
        data={
            "category": "04.22",
            "supplier_name": "ΣΥΜΒΟΥΛΟΙ ΑΕ",
            "supplier_afm": "094019245",
            "document_number": "Α-1",
            "document_date": TODAY - datetime.timedelta(days=3),
            "amount": Decimal("1234.56"),
            "vat": Decimal("296.29"),
        },
    )
    return op, user, req


def test_the_beneficiary_lists_and_reads_its_requests():
    op, user, req = _draft()
    client = _client(user)

    listing = client.get("/api/v1/verification/requests/")
    detail = client.get(f"/api/v1/verification/requests/{req.pk}/")

    assert listing.status_code == 200
    rows = listing.json()["results"] if isinstance(listing.json(), dict) else listing.json()
    assert [r["id"] for r in rows] == [req.pk] and rows[0]["operation"] == op.code
    body = detail.json()
    assert body["declared_total"] == "1234.56" and body["items"][0]["vat"] == "296.29"
    assert body["state"] == "draft"


def test_another_businesss_request_is_a_404_with_the_error_shape():
    _op, _user, req = _draft()
    _other, stranger, _ = _draft()
    answer = _client(stranger).get(f"/api/v1/verification/requests/{req.pk}/")
    assert answer.status_code == 404
    assert set(answer.json()) == {"code", "message", "fields"}


def test_the_schema_documents_the_verification_api():
    schema = _client(UserFactory(roles=[Role.PROGRAMME_ADMIN])).get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/verification/requests/{id}/" in schema.content
