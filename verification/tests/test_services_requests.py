"""Filing a verification request through the services: drafts, items, documents, submission, and
the call's settings that change the outcome (flip tests, tests/test_settings_wired.py)."""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.models import Membership
from calls.models import CallDeadline
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.models import AuditEvent, Notification
from verification.models import ExpenditureItem, RequestAttachment, VerificationRequest
from verification.services import requests as services
from verification.tests.factories import member_of, operation_004, pdf_file

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = timezone.localdate()


def _item(**over) -> dict:
    values = {
        "category": "04.22",
        "description": "Μελέτη αγοράς",
        "supplier_name": "ΣΥΜΒΟΥΛΟΙ ΑΕ",
        "supplier_afm": "094019245",
        "document_number": "ΤΠΥ-101",
        "document_date": TODAY - datetime.timedelta(days=30),
        "amount": D("60000.00"),
        "vat": D("14400.00"),
        "total_amount": None,
        "payment_method": "transfer",
        "payment_date": TODAY - datetime.timedelta(days=20),
        "payment_proof": "Μεταφορά 778899",
    }
    values.update(over)
    return values


def _operation(**kw):
    """A call 004 operation (budget 200.000,00 €) started a year ago, ending in two years."""
    kw.setdefault("starts_on", TODAY - relativedelta(months=12))
    kw.setdefault("ends_on", TODAY + relativedelta(years=2))
    kw.setdefault("applied_on", TODAY - relativedelta(months=15))
    op = operation_004(**kw)
    return op, member_of(op.business, Membership.BusinessRole.COORDINATOR)


def _ready(user, req, *items) -> VerificationRequest:
    """Items added, each with its proof, and every mandatory document of the call uploaded."""
    for data in items:
        item = services.item_add(actor=user, request_id=req.pk, data=data)
        services.attachment_upload(
            actor=user, request_id=req.pk, file=pdf_file("τιμολόγιο.pdf"), item_id=item.pk
        )
    for doc in services.payment_documents(req.operation.call):
        if doc.mandatory and services.document_applies(doc, is_final=req.is_final):
            services.attachment_upload(
                actor=user,
                request_id=req.pk,
                file=pdf_file(f"{doc.opske_code}.pdf"),
                required_attachment_id=doc.pk,
            )
    return VerificationRequest.objects.get(pk=req.pk)


def _submit_problems(user, req) -> list[str]:
    with pytest.raises(ValidationFailed) as exc:
        services.request_submit(actor=user, request_id=req.pk)
    return [m for msgs in exc.value.fields.values() for m in msgs]


def test_a_first_request_of_30_percent_is_submitted_with_a_receipt_flag_and_notice():
    op, user = _operation()
    req = services.request_create(actor=user, operation_id=op.pk)
    _ready(user, req, _item())

    req = services.request_submit(actor=user, request_id=req.pk)

    assert req.state == VerificationRequest.State.SUBMITTED
    assert req.kind == VerificationRequest.Kind.FIRST
    assert req.protocol_number == f"{op.code}/ΔΔΔ-1"
    assert req.submitted_at is not None and req.declared_total == D("60000.00")
    assert req.receipt["total"] == "60000.00" and len(req.receipt["files"]) == 6
    assert all(len(f["sha256"]) == 64 for f in req.receipt["files"])
    req.refresh_from_db()
    assert req.selected is True and "first" in req.selection_rule.split("+")  # Guidance Ο.3 Table 1
    assert Notification.objects.filter(recipient=user, kind="verification.request_submitted").exists()
    assert AuditEvent.objects.filter(action="verification.request.submitted").count() == 1


def test_a_first_request_of_59_999_99_is_refused_and_the_draft_stays():
    op, user = _operation()
    req = services.request_create(actor=user, operation_id=op.pk)
    _ready(user, req, _item(amount=D("59999.99"), vat=D("0.00")))

    messages = _submit_problems(user, req)

    assert any("60.000,00 €" in m for m in messages)
    req.refresh_from_db()
    assert req.state == VerificationRequest.State.DRAFT and req.items.count() == 1
    assert RequestAttachment.objects.filter(request=req, is_current=True).count() == 6


def test_submission_needs_the_calls_documents_and_a_file_per_item():
    op, user = _operation()
    req = services.request_create(actor=user, operation_id=op.pk)
    services.item_add(actor=user, request_id=req.pk, data=_item())

    messages = _submit_problems(user, req)

    assert any("ΤΠΥ-101" in m and "συνημμένο" in m for m in messages)
    assert any("04.19" in m for m in messages)  # Παραστατικά δαπανών, Παρ. VI


def test_item_refusals_save_nothing():
    op, user = _operation()
    req = services.request_create(actor=user, operation_id=op.pk)
    services.item_add(actor=user, request_id=req.pk, data=_item())

    cases = {
        "total_amount": _item(document_number="Β-1", total_amount=D("74400.01")),
        "document_number": _item(document_number="τπυ - 101"),
        "supplier_afm": _item(document_number="Β-2", supplier_afm="123456789"),
        "document_date": _item(document_number="Β-3", document_date=TODAY - relativedelta(months=16)),
        "category": _item(document_number="Β-4", category="03.13"),
        "payment_method": _item(
            document_number="Β-5", amount=D("600.00"), vat=D("0.00"), payment_method="cash"
        ),
        "amount": _item(document_number="Β-6", amount=D("10.001")),
    }
    for field, data in cases.items():
        with pytest.raises(ValidationFailed) as exc:
            services.item_add(actor=user, request_id=req.pk, data=data)
        assert field in exc.value.fields, (field, exc.value.fields)
    assert ExpenditureItem.objects.filter(request=req).count() == 1
    assert VerificationRequest.objects.get(pk=req.pk).declared_total == D("60000.00")


def test_edit_and_remove_items_keep_the_total():
    op, user = _operation()
    req = services.request_create(actor=user, operation_id=op.pk)
    a = services.item_add(actor=user, request_id=req.pk, data=_item())
    b = services.item_add(
        actor=user, request_id=req.pk, data=_item(document_number="ΤΠΥ-102", amount=D("1000.00"))
    )
    services.item_update(
        actor=user,
        request_id=req.pk,
        item_id=b.pk,
        data=_item(document_number="ΤΠΥ-102", amount=D("1500.50")),
    )
    assert VerificationRequest.objects.get(pk=req.pk).declared_total == D("61500.50")
    # Editing an item does not collide with its own document number.
    services.item_update(actor=user, request_id=req.pk, item_id=a.pk, data=_item(amount=D("59000.00")))
    services.item_remove(actor=user, request_id=req.pk, item_id=b.pk)
    assert VerificationRequest.objects.get(pk=req.pk).declared_total == D("59000.00")


def test_another_business_gets_not_found_and_a_financial_officer_may_not_file():
    op, user = _operation()
    other_op, stranger = _operation()
    req = services.request_create(actor=user, operation_id=op.pk)
    with pytest.raises(NotFound):
        services.item_add(actor=stranger, request_id=req.pk, data=_item())
    with pytest.raises(NotFound):
        services.request_create(actor=stranger, operation_id=op.pk)
    officer = member_of(op.business, Membership.BusinessRole.FINANCIAL_OFFICER)
    with pytest.raises(PermissionDenied):
        services.item_add(actor=officer, request_id=req.pk, data=_item())
    assert not ExpenditureItem.objects.exists()
    assert other_op.verification_requests.count() == 0


def test_a_submitted_request_does_not_change_and_one_draft_at_a_time():
    op, user = _operation()
    req = services.request_create(actor=user, operation_id=op.pk)
    assert services.request_create(actor=user, operation_id=op.pk).pk == req.pk
    _ready(user, req, _item())
    services.request_submit(actor=user, request_id=req.pk)
    with pytest.raises(Conflict):
        services.item_add(actor=user, request_id=req.pk, data=_item(document_number="Χ-1"))
    second = services.request_create(actor=user, operation_id=op.pk)
    assert second.seq == 2


def test_a_document_declared_in_an_earlier_request_cannot_be_declared_again():
    op, user = _operation()
    req = services.request_create(actor=user, operation_id=op.pk)
    _ready(user, req, _item())
    services.request_submit(actor=user, request_id=req.pk)
    second = services.request_create(actor=user, operation_id=op.pk)
    with pytest.raises(ValidationFailed) as exc:
        services.item_add(actor=user, request_id=second.pk, data=_item())
    assert exc.value.code == "duplicate_document"


def test_category_over_its_remaining_amount_is_recorded_as_a_warning():
    op, user = _operation()
    req = services.request_create(actor=user, operation_id=op.pk)
    # 07.05 is approved for 20.000,00 €; 25.000,00 € is flagged, not refused.
    _ready(
        user,
        req,
        _item(category="07.05", amount=D("25000.00")),
        _item(document_number="Κ-2", amount=D("40000.00")),
    )
    req = services.request_submit(actor=user, request_id=req.pk)
    assert [w["code"] for w in req.warnings] == ["category_over_approved"]
    assert "υπέρβαση 5.000,00 €" in req.receipt["warnings"][0]


def test_a_wrong_file_type_is_refused_at_the_file():
    op, user = _operation()
    req = services.request_create(actor=user, operation_id=op.pk)
    with pytest.raises(ValidationFailed) as exc:
        services.attachment_upload(actor=user, request_id=req.pk, file=pdf_file("x.pdf", b"MZ not a pdf"))
    assert "file" in exc.value.fields
    assert not RequestAttachment.objects.exists()


# --- the call's settings change the outcome ---------------------------------------------------------


def test_setting_expenditure_eligibility_end_changes_outcome():
    op, user = _operation(ends_on=None)
    req = services.request_create(actor=user, operation_id=op.pk)
    late = _item(document_date=TODAY - datetime.timedelta(days=5), payment_date=None)
    call = op.call
    call.expenditure_eligibility_end = TODAY - datetime.timedelta(days=10)
    call.save(update_fields=["expenditure_eligibility_end"])
    with pytest.raises(ValidationFailed) as exc:
        services.item_add(actor=user, request_id=req.pk, data=late)
    assert "document_date" in exc.value.fields

    call.expenditure_eligibility_end = TODAY
    call.save(update_fields=["expenditure_eligibility_end"])
    assert services.item_add(actor=user, request_id=req.pk, data=late).pk


def _config(call, **values):
    config = dict(call.config)
    config["verification_requests"] = {**config["verification_requests"], **values}
    call.config = config
    call.save(update_fields=["config"])


def _gap(call, key, value):
    config = dict(call.config)
    config["gaps"] = {**config.get("gaps", {}), key: value}
    call.config = config
    call.save(update_fields=["config"])


def test_setting_verification_requests_changes_outcome():
    # A final request that is also the first (the interim range does not apply to it).
    op, user = _operation()
    req = services.request_create(actor=user, operation_id=op.pk, kind="final")
    _ready(user, req, _item(amount=D("50000.00"), vat=D("0.00")))  # 25%
    assert any("30%" in m for m in _submit_problems(user, req))

    _config(op.call, first_min_percent="25")
    assert services.request_submit(actor=user, request_id=req.pk).state == VerificationRequest.State.SUBMITTED


def _two_submitted(user, op, first="100000.00"):
    req = services.request_create(actor=user, operation_id=op.pk)
    _ready(user, req, _item(category="01.10", amount=D(first), vat=D("0.00")))
    services.request_submit(actor=user, request_id=req.pk)
    return services.request_create(actor=user, operation_id=op.pk)


def test_verification_requests_interim_max_percent_flips():
    op, user = _operation()
    second = _two_submitted(user, op)
    _ready(user, second, _item(document_number="Β-9", amount=D("60000.00")))  # cumulative 80%
    _config(op.call, interim_max_percent="75")
    assert any("75%" in m for m in _submit_problems(user, second))
    _config(op.call, interim_max_percent="80")
    assert services.request_submit(actor=user, request_id=second.pk).kind == VerificationRequest.Kind.INTERIM


def test_verification_requests_interim_max_count_flips():
    op, user = _operation()
    second = _two_submitted(user, op)
    _ready(user, second, _item(document_number="Β-9", amount=D("20000.00")))
    _config(op.call, interim_max_count=1)
    assert any("έως 1" in m for m in _submit_problems(user, second))
    _config(op.call, interim_max_count=2)
    assert (
        services.request_submit(actor=user, request_id=second.pk).state == VerificationRequest.State.SUBMITTED
    )


def test_verification_requests_last_interim_months_before_end_flips():
    op, user = _operation(ends_on=TODAY + relativedelta(months=3))
    second = _two_submitted(user, op)
    _ready(user, second, _item(document_number="Β-9", amount=D("20000.00")))
    assert any("4 μήνες" in m for m in _submit_problems(user, second))
    _config(op.call, last_interim_months_before_end=2)
    assert (
        services.request_submit(actor=user, request_id=second.pk).state == VerificationRequest.State.SUBMITTED
    )


def test_verification_requests_cash_max_net_flips():
    op, user = _operation()
    req = services.request_create(actor=user, operation_id=op.pk)
    cash = _item(amount=D("800.00"), vat=D("0.00"), payment_method="cash")
    with pytest.raises(ValidationFailed) as exc:
        services.item_add(actor=user, request_id=req.pk, data=cash)
    assert "payment_method" in exc.value.fields
    _config(op.call, cash_max_net="1000.00")
    assert services.item_add(actor=user, request_id=req.pk, data=cash).pk


def test_first_verification_deadline_row_flips():
    op, user = _operation(starts_on=TODAY - relativedelta(months=18) - datetime.timedelta(days=1))
    req = services.request_create(actor=user, operation_id=op.pk)
    _ready(user, req, _item())
    assert any("18 μηνών" in m for m in _submit_problems(user, req))
    CallDeadline.objects.filter(call=op.call, kind="first_verification").update(length=19)
    assert services.request_submit(actor=user, request_id=req.pk).state == VerificationRequest.State.SUBMITTED


def test_final_verification_deadline_row_flips():
    op, user = _operation(ends_on=TODAY - datetime.timedelta(days=45))
    req = services.request_create(actor=user, operation_id=op.pk, kind="final")
    _ready(user, req, _item(document_date=TODAY - relativedelta(months=3), payment_date=None))
    assert any("τελικό αίτημα" in m.lower() for m in _submit_problems(user, req))
    CallDeadline.objects.filter(call=op.call, kind="final_verification").update(length=60)
    assert services.request_submit(actor=user, request_id=req.pk).kind == VerificationRequest.Kind.FINAL


def test_setting_interim_percent_basis_changes_outcome():
    op, user = _operation()
    second = _two_submitted(user, op)
    _ready(user, second, _item(document_number="Β-9", amount=D("70000.00")))  # 85% cumulative, 35% alone
    assert any("80%" in m for m in _submit_problems(user, second))
    _gap(op.call, "interim_percent_basis", "each")
    assert (
        services.request_submit(actor=user, request_id=second.pk).state == VerificationRequest.State.SUBMITTED
    )


def test_setting_late_first_request_changes_outcome():
    op, user = _operation(starts_on=TODAY - relativedelta(months=18) - datetime.timedelta(days=1))
    req = services.request_create(actor=user, operation_id=op.pk)
    _ready(user, req, _item())
    assert any("18 μηνών" in m for m in _submit_problems(user, req))
    _gap(op.call, "late_first_request", "flag")
    req = services.request_submit(actor=user, request_id=req.pk)
    assert [w["code"] for w in req.warnings] == ["first_late"]


def test_indirect_costs_follow_the_personnel_claimed_and_need_no_invoice():
    lines = (
        ("01.10", "Μισθολογικό κόστος", D("100000.00")),
        ("09.02", "Έμμεσες δαπάνες", D("15000.00")),
        ("04.22", "Υπηρεσίες", D("85000.00")),
    )
    op, user = _operation(lines=lines)
    req = services.request_create(actor=user, operation_id=op.pk)
    _ready(user, req, _item(category="01.10", amount=D("60000.00"), vat=D("0.00")))
    assert any("9.000,00 €" in m and "09.02" in m for m in _submit_problems(user, req))

    flat = {"category": "09.02", "amount": D("9000.00"), "vat": None}
    item = services.item_add(actor=user, request_id=req.pk, data=flat)  # no supplier, no document
    services.attachment_upload(
        actor=user, request_id=req.pk, file=pdf_file("υπολογισμός.pdf"), item_id=item.pk
    )
    assert services.request_submit(actor=user, request_id=req.pk).declared_total == D("69000.00")
