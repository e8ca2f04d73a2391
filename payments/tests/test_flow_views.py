"""The payment flow's pages: scoped reads, errors at their fields, role-dependent actions, the queue's
filters and pagination, the limits page; and two approvals racing for one payment."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import BusinessFactory, UserFactory
from operations.tests.factories import coordinator_of, kya7066_operation
from opske.errors import Conflict
from opske.models import AuditEvent
from payments.models import ApprovalLimit, LedgerEntry, Payment, PaymentSubmission
from payments.services import flow
from payments.tests.test_flow import IBAN_BAD_CHECK, _payment, _pdf, _proposed

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(db):
    ApprovalLimit.objects.create(role="supervisor", max_amount=Decimal("50000.00"), level=1)
    ApprovalLimit.objects.create(role="programme_admin", max_amount=Decimal("5000000.00"), level=2)


def test_the_business_sees_its_payment_files_documents_and_a_wrong_iban_is_shown_at_the_field(client):
    operation = kya7066_operation()
    user = coordinator_of(operation.business)
    payment = _payment(operation)
    client.force_login(user)

    assert payment.code in client.get(reverse("payments:mine")).content.decode()
    page = client.get(reverse("payments:detail", args=[payment.pk])).content.decode()
    assert "1.659,00 €" in page and "ΚΥΑ 7066 Άρθ. 5.1.3" in page and 'id="upload-form"' in page

    response = client.post(
        reverse("payments:document-upload", args=[payment.pk]), {"document": "01.16", "file": _pdf()}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("payments:submit", args=[payment.pk]), {"iban": IBAN_BAD_CHECK, "declaration": "on"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_iban-error"' in html and "δεν είναι έγκυρο" in html and IBAN_BAD_CHECK in html
    assert not PaymentSubmission.objects.exists()

    # Another business's member gets a 404 for this payment, and does not see it in its list.
    stranger = coordinator_of(BusinessFactory())
    client.force_login(stranger)
    assert client.get(reverse("payments:detail", args=[payment.pk])).status_code == 404
    assert payment.code not in client.get(reverse("payments:mine")).content.decode()


def test_the_queue_filters_and_pages_and_the_auditor_reads_without_actions(
    client, limits, django_assert_max_num_queries
):
    operation = kya7066_operation()
    for amount in ("100.00", "2000.00", "3000.00"):
        _payment(operation, amount)
    auditor = UserFactory(username="auditor-x", roles=[Role.AUDITOR])
    client.force_login(auditor)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("payments:queue"), {"amount_min": "1.000,00", "kind": "period"})
    html = response.content.decode()
    assert response.status_code == 200 and "2 πληρωμές" in html
    assert "100,00 €" not in html and "3.000,00 €" in html
    response = client.get(reverse("payments:queue"), {"amount_min": "1.000,005"})
    assert 'id="id_amount_min-error"' in response.content.decode()

    payment = Payment.objects.get(amount=Decimal("2000.00"))
    page = client.get(reverse("payments:detail", args=[payment.pk])).content.decode()
    assert 'id="no-actions"' in page and 'id="propose-form"' not in page and 'id="approve-form"' not in page
    assert client.post(reverse("payments:propose", args=[payment.pk])).status_code == 403
    assert client.get(reverse("payments:limits")).status_code == 403


def test_the_programme_admin_maintains_the_limits_on_their_page(client):
    admin = UserFactory(username="admin-x", roles=[Role.PROGRAMME_ADMIN])
    client.force_login(admin)
    response = client.post(
        reverse("payments:limits"), {"role": "supervisor", "max_amount": "50.000,00", "level": "1"}
    )
    assert response.status_code == 302
    assert ApprovalLimit.objects.get(role="supervisor", call__isnull=True).max_amount == Decimal("50000.00")
    response = client.post(
        reverse("payments:limits"), {"role": "supervisor", "max_amount": "-5", "level": "1"}
    )
    assert response.status_code == 400 and 'id="id_max_amount-error"' in response.content.decode()
    assert "50.000,00 €" in client.get(reverse("payments:limits")).content.decode()
    assert AuditEvent.objects.filter(action="payment.approval_limit.saved").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_book_the_payment_once_and_the_second_gets_conflict(limits):
    staff = {
        "officer": UserFactory(username="pay-officer", roles=[Role.PAYMENT_OFFICER]),
    }
    payment, _ = _proposed(staff)
    approvers = [UserFactory(username=f"sup-{n}", roles=[Role.SUPERVISOR]) for n in (1, 2)]
    barrier = threading.Barrier(2)
    outcomes: list = []

    def approve(user):
        try:
            barrier.wait()
            flow.payment_approve(actor=user, payment_id=payment.pk)
            outcomes.append("approved")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(u,)) for u in approvers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["approved", "payment_already_approved"]
    payment.refresh_from_db()
    assert payment.state == Payment.State.APPROVED
    assert payment.approvals.filter(step="approval").count() == 1
    entries = LedgerEntry.objects.filter(payment=payment)
    assert entries.count() == len({e.balance_id for e in entries})  # once per scope, never twice
