"""The payment-order pages: who may see and do what, a refusal at its field, nothing public."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import TaxisnetUserFactory, UserFactory
from interop.sandboxes import bank
from opske.calendar import next_payment_day
from payments.models import BankFile, Payment, PaymentOrder
from payments.programmes import Line
from payments.services import core, ledger, orders

pytestmark = pytest.mark.django_db
IBAN = "GR3801104000000004012345678"


def _approved(call, amount="1084.69"):
    p = core.create_payment(
        call=call, kind="wage_net", lines=[Line("Καθαρές", Decimal(amount))], payee_kind="participant",
        payee_name="ΔΗΜΗΤΡΙΟΥ ΑΙΚΑΤΕΡΙΝΗ", payee_iban=IBAN, year=2026,
    )  # fmt: skip
    p.propose()
    p.save()
    ledger.book_payment(p)
    p.approve()
    p.save()
    return p


@pytest.fixture
def call():
    from calls.tests.factories import CallFactory

    return CallFactory(total_budget=Decimal("100000.00"))


@pytest.fixture
def payer():
    return UserFactory(roles=[Role.PAYMENT_OFFICER])


def _day():
    return next_payment_day(timezone.localdate() + datetime.timedelta(days=1))


def _exported(payer, call):
    order = orders.order_create(actor=payer, payment_ids=[_approved(call).pk], execution_date=_day())
    return orders.order_export(actor=payer, order_id=order.pk)


@pytest.mark.parametrize(
    ("role", "list_status", "new_status", "detail_status"),
    [
        (Role.PAYMENT_OFFICER, 200, 200, 200),
        (Role.SUPERVISOR, 200, 403, 200),
        (Role.AUDITOR, 200, 403, 200),
        (Role.VERIFIER, 403, 403, 403),
        (Role.EVALUATOR, 403, 403, 403),
        (Role.PROGRAMME_ADMIN, 403, 403, 403),
    ],
)
def test_permission_matrix(client, payer, call, role, list_status, new_status, detail_status):
    order = _exported(payer, call)
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("payments:orders")).status_code == list_status
    assert client.get(reverse("payments:order-new")).status_code == new_status
    assert client.get(reverse("payments:order-detail", args=[order.pk])).status_code == detail_status
    pain = order.files.get(kind=BankFile.Kind.PAIN001)
    assert client.get(reverse("payments:order-file", args=[order.pk, pain.pk])).status_code == detail_status
    if role != Role.PAYMENT_OFFICER:
        assert client.post(reverse("payments:order-export", args=[order.pk])).status_code == 403


def test_a_business_and_an_anonymous_visitor_see_nothing(client, payer, call):
    order = _exported(payer, call)
    url = reverse("payments:order-detail", args=[order.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(TaxisnetUserFactory())
    assert client.get(url).status_code == 403
    pain = order.files.get(kind=BankFile.Kind.PAIN001)
    assert client.get(reverse("payments:order-file", args=[order.pk, pain.pk])).status_code == 403


def test_the_order_page_masks_ibans_and_the_supervisor_gets_no_buttons(client, payer, call):
    order = _exported(payer, call)
    client.force_login(UserFactory(roles=[Role.SUPERVISOR]))
    html = client.get(reverse("payments:order-detail", args=[order.pk])).content.decode()
    assert IBAN not in html and "GR38 **** 5678" in html
    assert "ΔΗΜΗΤΡΙΟΥ ΑΙΚΑΤΕΡΙΝΗ" in html  # staff may see the name
    assert 'id="report-upload"' not in html and "Εξαγωγή αρχείων" not in html
    client.force_login(payer)
    html = client.get(reverse("payments:order-detail", args=[order.pk])).content.decode()
    assert 'id="report-upload"' in html


def test_building_an_order_through_the_pages_confirms_first(client, payer, call):
    p = _approved(call)
    client.force_login(payer)
    url = reverse("payments:order-new")
    data = {"payments": [p.pk], "execution_date": _day().isoformat()}
    page = client.post(url, data)
    assert page.status_code == 200 and b"confirm-irreversible" in page.content
    assert not PaymentOrder.objects.exists()  # the dry run rolled back
    done = client.post(url, {**data, "confirm": "on"})
    order = PaymentOrder.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("payments:order-detail", args=[order.pk])
    assert Payment.objects.get(pk=p.pk).state == "ordered"


def test_an_invalid_iban_is_refused_at_the_field_before_the_confirmation(client, payer, call):
    p = _approved(call)
    Payment.objects.filter(pk=p.pk).update(payee_iban="GR3801104000000004012345679")
    client.force_login(payer)
    page = client.post(
        reverse("payments:order-new"), {"payments": [p.pk], "execution_date": _day().isoformat()}
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert p.code in html and "λάθος ψηφία ελέγχου" in html and "confirm-irreversible" not in html
    assert not PaymentOrder.objects.exists()


def test_a_weekend_execution_date_is_refused_at_the_field(client, payer, call):
    p = _approved(call)
    saturday = _day()
    while saturday.weekday() != 5:
        saturday += datetime.timedelta(days=1)
    client.force_login(payer)
    page = client.post(
        reverse("payments:order-new"), {"payments": [p.pk], "execution_date": saturday.isoformat()}
    )
    assert page.status_code == 400 and "δεν είναι εργάσιμη ημέρα πληρωμών" in page.content.decode()


def test_uploading_the_banks_report_previews_then_reads(client, payer, call):
    order = _exported(payer, call)
    report = bank.status_report(bytes(order.files.get(kind=BankFile.Kind.PAIN001).content))
    client.force_login(payer)
    url = reverse("payments:order-report", args=[order.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    preview = client.post(url, {"file": SimpleUploadedFile("r.xml", report, "application/xml")})
    assert preview.status_code == 200 and "Απέτυχαν" in preview.content.decode()
    assert Payment.objects.get().state == "ordered"
    hidden = preview.context["hidden"]
    confirm = client.post(url, {**dict(hidden), "confirm": "on"})
    assert confirm.status_code == 302
    assert Payment.objects.get().state == "failed"
    bad = client.post(url, {"file": SimpleUploadedFile("x.xml", b"<x", "application/xml")})
    assert bad.status_code in (302, 400)  # the order is settled: no more upload form


def test_a_malformed_upload_is_refused_at_the_field(client, payer, call):
    order = _exported(payer, call)
    client.force_login(payer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(
        reverse("payments:order-report", args=[order.pk]),
        {"file": SimpleUploadedFile("x.xml", b"<broken", "application/xml")},
    )
    assert page.status_code == 400
    assert "δεν είναι έγκυρο XML" in page.content.decode()
    assert Payment.objects.get().state == "ordered"


def test_the_candidates_list_filters_and_counts_queries(client, payer, call, django_assert_max_num_queries):
    for amount in ("10.00", "20.00", "3000.00"):
        _approved(call, amount)
    client.force_login(payer)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("payments:order-new"), {"amount_min": "1.000,00"})
    assert list(page.context["payments"].values_list("amount", flat=True)) == [Decimal("3000.00")]
    for amount in ("1.00", "2.00", "3.00"):
        _approved(call, amount)
    with django_assert_max_num_queries(12):
        client.get(reverse("payments:order-new"))
    with django_assert_max_num_queries(12):
        client.get(reverse("payments:orders"))
