"""The verification request pages: the beneficiary's list, request page, htmx item form, documents,
submission with confirmation and receipt; staff list with filters and read-only page; permissions."""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role
from accounts.tests.factories import UserFactory
from verification.models import ExpenditureItem, VerificationRequest
from verification.services import requests as services
from verification.tests.factories import member_of, operation_004, pdf_file

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = timezone.localdate()
HX = {"HTTP_HX_REQUEST": "true"}


def _operation():
    op = operation_004(
        starts_on=TODAY - relativedelta(months=6),
        ends_on=TODAY + relativedelta(years=2),
        applied_on=TODAY - relativedelta(months=9),
    )
    return op, member_of(op.business, Membership.BusinessRole.COORDINATOR)


def _form(**over) -> dict:
    data = {
        "category": "04.22",
        "supplier_name": "ΣΥΜΒΟΥΛΟΙ ΑΕ",
        "supplier_afm": "094019245",
        "document_number": "ΤΠΥ-101",
        "document_date": (TODAY - datetime.timedelta(days=30)).strftime("%d/%m/%Y"),
        "amount": "60.000,00",
        "vat": "14.400,00",
        "payment_method": "transfer",
        "payment_date": (TODAY - datetime.timedelta(days=20)).strftime("%d/%m/%Y"),
        "payment_proof": "Μεταφορά 778899",
    }
    data.update(over)
    return data


def _draft(client):
    op, user = _operation()
    client.force_login(user)
    answer = client.post(reverse("verification:requests-create", args=[op.pk]))
    req = VerificationRequest.objects.get(operation=op)
    assert answer.status_code == 302 and answer.url == reverse("verification:requests-detail", args=[req.pk])
    return op, user, req


def test_the_beneficiary_adds_an_item_in_greek_notation_with_htmx(client):
    op, user, req = _draft(client)

    answer = client.post(reverse("verification:requests-item-add", args=[req.pk]), _form(), **HX)

    page = answer.content.decode()
    assert answer.status_code == 200
    assert 'id="draft"' in page
    assert "60.000,00 €" in page and "ΤΠΥ-101" in page
    item = ExpenditureItem.objects.get(request=req)
    assert (item.amount, item.vat, item.document_date) == (
        D("60000.00"),
        D("14400.00"),
        TODAY - datetime.timedelta(days=30),
    )
    # Totals by category against the approved budget: 04.22 approved 60.000,00 €, remaining 0,00 €.
    assert 'id="category-04.22"' in page


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("amount", "1.000,005", "δύο δεκαδικά"),
        ("total_amount", "74.400,01", "74.400,00 €"),
        ("supplier_afm", "123456789", "ΑΦΜ"),
        ("document_date", "31/07/2029", "επιλεξιμότητας"),
        ("document_date", "2025-13-45", "ΗΗ/ΜΜ/ΕΕΕΕ"),
        ("amount", "12.5", "κόμμα"),
    ],
)
def test_bad_item_input_is_refused_at_the_field_and_nothing_is_lost(client, field, value, words):
    op, user, req = _draft(client)
    client.post(reverse("verification:requests-item-add", args=[req.pk]), _form(), **HX)

    answer = client.post(
        reverse("verification:requests-item-add", args=[req.pk]),
        _form(document_number="Β-2", **{field: value}),
        **HX,
    )

    page = answer.content.decode()
    assert answer.status_code == 422
    assert words in page and "govgr-error-message" in page
    assert f'value="{value}"' in page  # what was typed is kept
    assert ExpenditureItem.objects.filter(request=req).count() == 1


def test_a_duplicate_document_is_refused_at_the_document_number(client):
    op, user, req = _draft(client)
    client.post(reverse("verification:requests-item-add", args=[req.pk]), _form())
    answer = client.post(
        reverse("verification:requests-item-add", args=[req.pk]), _form(document_number="τπυ-101")
    )
    assert answer.status_code == 400
    assert "έχει ήδη δηλωθεί" in answer.content.decode()
    assert ExpenditureItem.objects.filter(request=req).count() == 1


def test_remove_an_item_with_htmx_and_edit_one(client):
    op, user, req = _draft(client)
    client.post(reverse("verification:requests-item-add", args=[req.pk]), _form())
    item = ExpenditureItem.objects.get(request=req)
    edit = reverse("verification:requests-item-edit", args=[req.pk, item.pk])
    assert 'value="60.000,00"' in client.get(edit).content.decode()
    assert client.post(edit, _form(amount="59.000,50")).status_code == 302
    item.refresh_from_db()
    assert item.amount == D("59000.50")

    answer = client.post(reverse("verification:requests-item-remove", args=[req.pk, item.pk]), **HX)
    assert answer.status_code == 200 and "Δεν έχουν προστεθεί δαπάνες" in answer.content.decode()
    assert not ExpenditureItem.objects.exists()


def _upload_everything(client, req):
    for item in req.items.all():
        client.post(
            reverse("verification:requests-file-upload", args=[req.pk]),
            {"target": f"item-{item.pk}", "file": pdf_file("τιμολόγιο.pdf")},
        )
    for doc in services.payment_documents(req.operation.call):
        if doc.mandatory and services.document_applies(doc, is_final=False):
            client.post(
                reverse("verification:requests-file-upload", args=[req.pk]),
                {"target": f"doc-{doc.pk}", "file": pdf_file(f"{doc.opske_code}.pdf")},
            )


def test_submit_asks_for_confirmation_then_shows_the_receipt(client, django_capture_on_commit_callbacks):
    op, user, req = _draft(client)
    client.post(reverse("verification:requests-item-add", args=[req.pk]), _form())
    _upload_everything(client, req)
    submit = reverse("verification:requests-submit", args=[req.pk])

    ask = client.post(submit)
    assert ask.status_code == 200 and 'id="confirm-irreversible"' in ask.content.decode()
    assert VerificationRequest.objects.get(pk=req.pk).state == VerificationRequest.State.DRAFT

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(submit, {"confirm": "on"})
    req.refresh_from_db()
    assert req.state == VerificationRequest.State.SUBMITTED
    assert done.status_code == 302 and done.url == reverse("verification:requests-receipt", args=[req.pk])
    receipt = client.get(done.url).content.decode()
    assert req.protocol_number in receipt and "60.000,00 €" in receipt
    # The receipt PDF (opske.pdf, rendered after commit) for the beneficiary, not for another business.
    pdf = reverse("opske:document-download", args=[req.receipt_document_id])
    assert pdf in receipt
    download = client.get(pdf)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    _other, stranger = _operation()
    client.force_login(stranger)
    assert client.get(pdf).status_code in (403, 404)
    client.force_login(user)
    # The operation page's section lists it.
    section = render_to_string("operations/sections/_verification.html", {"operation": op, "user": user})
    assert req.protocol_number in section and "Νέο αίτημα επαλήθευσης" in section


def test_a_refused_submission_says_why_and_keeps_the_draft(client):
    op, user, req = _draft(client)
    client.post(reverse("verification:requests-item-add", args=[req.pk]), _form(amount="10.000,00", vat="0"))
    answer = client.post(reverse("verification:requests-submit", args=[req.pk]))
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "Το αίτημα δεν υποβλήθηκε" in page and "60.000,00 €" in page and "04.19" in page
    assert VerificationRequest.objects.get(pk=req.pk).state == VerificationRequest.State.DRAFT


def test_another_business_gets_404_everywhere(client):
    op, user, req = _draft(client)
    client.post(reverse("verification:requests-item-add", args=[req.pk]), _form())
    _upload_everything(client, req)
    attachment = req.attachments.first()
    _other, stranger = _operation()
    client.force_login(stranger)
    for url in (
        reverse("verification:requests-detail", args=[req.pk]),
        reverse("verification:requests-receipt", args=[req.pk]),
        reverse("verification:requests-file", args=[req.pk, attachment.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("verification:requests-item-add", args=[req.pk]), _form()).status_code == 404
    assert client.post(reverse("verification:requests-create", args=[op.pk])).status_code == 404
    assert (
        client.post(reverse("verification:requests-submit", args=[req.pk]), {"confirm": "on"}).status_code
        == 404
    )
    assert ExpenditureItem.objects.filter(request=req).count() == 1
    # A staff page is a 403 for a business user.
    assert client.get(reverse("verification:requests-staff")).status_code == 403


def test_a_financial_officer_sees_but_may_not_add(client):
    op, user, req = _draft(client)
    officer = member_of(op.business, Membership.BusinessRole.FINANCIAL_OFFICER)
    client.force_login(officer)
    assert client.get(reverse("verification:requests-detail", args=[req.pk])).status_code == 200
    answer = client.post(reverse("verification:requests-item-add", args=[req.pk]), _form())
    assert answer.status_code == 400 and "συντονιστής" in answer.content.decode()
    assert not ExpenditureItem.objects.exists()


def _submitted(n=3):
    reqs = []
    for _ in range(n):
        op, user = _operation()
        req = services.request_create(actor=user, operation_id=op.pk)
        item = services.item_add(
            actor=user,
            request_id=req.pk,
            data={
                "category": "04.22",
                "supplier_name": "ΣΥΜΒΟΥΛΟΙ ΑΕ",
                "supplier_afm": "094019245",
                "document_number": "Α-1",
                "document_date": TODAY - datetime.timedelta(days=10),
                "amount": D("60000.00"),
                "vat": D("0.00"),
            },
        )
        services.attachment_upload(actor=user, request_id=req.pk, file=pdf_file(), item_id=item.pk)
        for doc in services.payment_documents(op.call):
            if doc.mandatory and services.document_applies(doc, is_final=False):
                services.attachment_upload(
                    actor=user, request_id=req.pk, file=pdf_file(), required_attachment_id=doc.pk
                )
        reqs.append(services.request_submit(actor=user, request_id=req.pk))
    return reqs


def test_staff_list_filters_paginates_and_its_queries_do_not_grow(client, django_assert_max_num_queries):
    reqs = _submitted(3)
    client.force_login(UserFactory(roles=[Role.VERIFIER]))
    url = reverse("verification:requests-staff")
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert all(r.protocol_number in page for r in reqs)
    more = _submitted(3)
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert all(r.protocol_number in page for r in more)

    only = client.get(url, {"operation": reqs[0].operation.code, "selected": "true"}).content.decode()
    assert reqs[0].protocol_number in only and reqs[1].protocol_number not in only
    none = client.get(
        url, {"submitted_to": (TODAY - datetime.timedelta(days=1)).isoformat()}
    ).content.decode()
    assert reqs[0].protocol_number not in none
    assert client.get(url, {"page": "999"}).status_code == 200

    detail = client.get(reverse("verification:requests-staff-detail", args=[reqs[0].pk])).content.decode()
    assert reqs[0].protocol_number in detail and "Αλλαγή" not in detail  # read-only


def test_the_beneficiarys_list_shows_its_operations_with_bounded_queries(
    client, django_assert_max_num_queries
):
    op, user, req = _draft(client)
    client.post(reverse("verification:requests-item-add", args=[req.pk]), _form())
    with django_assert_max_num_queries(10):
        page = client.get(reverse("verification:requests-mine")).content.decode()
    assert op.code in page and "Νέο αίτημα επαλήθευσης" in page and "ΔΔΔ 1" in page
    other, _stranger = _operation()
    assert other.code not in page


def test_staff_cannot_open_a_draft(client):
    op, user, req = _draft(client)
    client.force_login(UserFactory(roles=[Role.VERIFIER]))
    assert client.get(reverse("verification:requests-staff-detail", args=[req.pk])).status_code == 404


def test_the_request_page_queries_do_not_grow_with_its_items(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    op, user, req = _draft(client)
    url = reverse("verification:requests-detail", args=[req.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    client.post(reverse("verification:requests-item-add", args=[req.pk]), _form())
    one = count()
    for n in range(2, 6):
        client.post(
            reverse("verification:requests-item-add", args=[req.pk]),
            _form(document_number=f"Β-{n}", amount="100,00", vat="24,00"),
        )
    _upload_everything(client, req)
    assert ExpenditureItem.objects.filter(request=req).count() == 5
    assert count() <= one + 1  # the documents' list may add its own query once files exist


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.VERIFIER, 200),
        (Role.PAYMENT_OFFICER, 200),
        (Role.AUDITOR, 200),
        (Role.PROGRAMME_ADMIN, 200),
        (Role.SUPERVISOR, 200),
        (Role.API_CLIENT, 403),
    ],
)
def test_who_reads_the_staff_pages(client, role, status):
    (req,) = _submitted(1)
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("verification:requests-staff")).status_code == status
    detail = client.get(reverse("verification:requests-staff-detail", args=[req.pk]))
    assert detail.status_code == status
    # Staff read; they never reach the beneficiary's editing pages.
    assert client.get(reverse("verification:requests-detail", args=[req.pk])).status_code == 404
