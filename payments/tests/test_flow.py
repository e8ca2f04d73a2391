"""The payment flow DRAFT → SUBMITTED → PROPOSED → APPROVED (payments.services.flow): documents and
IBAN, maker ≠ checker, approval limits, and the approval's one transaction (clearance, ledger,
decision with the art. 61 ν.4914/2022 statement, audit, notice) — refused whole when any part is."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from accounts.tests.factories import UserFactory
from calls.models import Call
from operations.tests.factories import LIGNITIS, coordinator_of, kya7066_operation
from opske.errors import Conflict, PermissionDenied, ValidationFailed
from opske.models import AuditEvent, GeneratedDocument, Notification
from payments.models import ApprovalLimit, LedgerEntry, Payment, PaymentApproval, PaymentSubmission
from payments.programmes import Line
from payments.services import core, flow

pytestmark = pytest.mark.django_db

IBAN_OK = "GR16 0110 1250 0000 0001 2300 695"
IBAN_BAD_CHECK = "GR1601101250000000012300696"
IBAN_GERMAN = "DE89370400440532013000"
LAIKES = "809616685"  # the clearance sandbox: tax debts (interop/sandboxes/data_people.py)
PDF = b"%PDF-1.4\n%%EOF\n"


def _pdf(name="doc.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def staff(db):
    officer = UserFactory(username="pay-officer", roles=[Role.PAYMENT_OFFICER])
    supervisor = UserFactory(username="pay-supervisor", roles=[Role.SUPERVISOR])
    head = UserFactory(username="pay-head", roles=[Role.PROGRAMME_ADMIN])
    ApprovalLimit.objects.create(role="supervisor", max_amount=Decimal("50000.00"), level=1)
    ApprovalLimit.objects.create(role="programme_admin", max_amount=Decimal("5000000.00"), level=2)
    return {"officer": officer, "supervisor": supervisor, "head": head}


def _payment(operation, amount="1659.00"):
    half = (Decimal(amount) / 2).quantize(Decimal("0.01"))
    return core.create_payment(
        call=operation.call,
        operation=operation,
        kind=Payment.Kind.PERIOD,
        lines=[
            Line("Μήνας 1", half, "ΚΥΑ 7066 Άρθ. 5.1.3"),
            Line("Μήνας 2", Decimal(amount) - half, "ΚΥΑ 7066 Άρθ. 5.1.3"),
        ],
        payee_kind=Payment.PayeeKind.BUSINESS,
        payee_name=operation.business.name,
        payee_afm=operation.business.afm,
    )


def _submitted(operation=None, *, amount="1659.00", afm=LIGNITIS):
    operation = operation or kya7066_operation(afm=afm)
    business_user = coordinator_of(operation.business)
    payment = _payment(operation, amount)
    for code in (flow.BANK_DOCUMENT, flow.DECLARATION):
        flow.document_upload(actor=business_user, payment_id=payment.pk, code=code, file=_pdf(f"{code}.pdf"))
    flow.documents_submit(actor=business_user, payment_id=payment.pk, iban=IBAN_OK, declaration=True)
    payment.refresh_from_db()
    return payment, business_user


def _proposed(staff, **kw):
    payment, business_user = _submitted(**kw)
    flow.payment_propose(actor=staff["officer"], payment_id=payment.pk)
    payment.refresh_from_db()
    return payment, business_user


def _untouched(payment, state):
    payment.refresh_from_db()
    assert payment.state == state
    assert not LedgerEntry.objects.filter(payment=payment).exists()
    assert payment.decision_document_id is None and payment.no_withholding_statement == ""
    assert not PaymentApproval.objects.filter(
        payment=payment, step__in=["approval", "higher_approval"]
    ).exists()


# --- IBAN and documents -----------------------------------------------------------------------------


def test_a_greek_iban_with_valid_check_digits_is_accepted_without_spaces():
    assert flow.validate_greek_iban(IBAN_OK) == "GR1601101250000000012300695"
    assert flow.mask_iban(IBAN_OK) == "GR16 **** 0695"


@pytest.mark.parametrize(
    ("iban", "code"),
    [(IBAN_BAD_CHECK, "iban_invalid"), (IBAN_GERMAN, "iban_not_greek"), ("GR16", "iban_invalid")],
)
def test_a_wrong_or_foreign_iban_is_refused_at_its_field(iban, code):
    with pytest.raises(ValidationFailed) as exc:
        flow.validate_greek_iban(iban)
    assert exc.value.code == code and exc.value.fields["iban"]


def test_the_first_payment_needs_the_bank_document_and_the_declaration_and_nothing_is_written_without():
    operation = kya7066_operation()
    user = coordinator_of(operation.business)
    payment = _payment(operation)
    flow.document_upload(actor=user, payment_id=payment.pk, code=flow.DECLARATION, file=_pdf())

    with pytest.raises(ValidationFailed) as exc:
        flow.documents_submit(actor=user, payment_id=payment.pk, iban=IBAN_BAD_CHECK, declaration=False)

    assert set(exc.value.fields) == {"iban", "declaration", "file"}
    assert any("01.16" in m for m in exc.value.fields["file"])
    payment.refresh_from_db()
    assert payment.state == Payment.State.DRAFT and payment.payee_iban == ""
    assert not PaymentSubmission.objects.exists()
    assert payment.documents.filter(is_current=True).count() == 1  # the uploaded file is kept


def test_filing_the_documents_gives_a_protocol_number_a_receipt_and_a_notice():
    payment, user = _submitted()

    assert payment.state == Payment.State.SUBMITTED
    assert payment.payee_iban == "GR1601101250000000012300695"
    submission = payment.submission
    assert submission.protocol_number == payment.protocol_number == f"{payment.code}/ΔΠΛ"
    assert submission.receipt["iban_masked"] == "GR16 **** 0695"
    assert {f["document"] for f in submission.receipt["files"]} == {"01.16", "09.03"}
    assert submission.receipt_document.kind == "payment_documents_receipt"
    assert AuditEvent.objects.filter(action="payment.documents_submitted").count() == 1
    assert Notification.objects.filter(recipient=user, kind="payments.documents_submitted").exists()


def test_a_later_payment_reuses_the_iban_on_record_without_a_new_bank_document():
    first, user = _submitted()
    second = _payment(first.operation, "829.50")
    needs = {n.code: n for n in flow.documents_for(second)}
    assert needs["01.16"].needed is False and "GR16 **** 0695" in needs["01.16"].note
    flow.document_upload(actor=user, payment_id=second.pk, code=flow.DECLARATION, file=_pdf())

    flow.documents_submit(actor=user, payment_id=second.pk, iban="", declaration=True)

    second.refresh_from_db()
    assert second.payee_iban == first.payee_iban and second.submission.iban_reused is True
    # A different account needs its bank document again.
    third = _payment(first.operation, "829.50")
    flow.document_upload(actor=user, payment_id=third.pk, code=flow.DECLARATION, file=_pdf())
    with pytest.raises(ValidationFailed) as exc:
        flow.documents_submit(
            actor=user, payment_id=third.pk, iban="GR9608100010000001234567890", declaration=True
        )
    assert "01.16" in " ".join(exc.value.fields["file"])


def test_an_upload_that_is_not_a_pdf_or_image_is_refused_by_the_portals_upload_check():
    operation = kya7066_operation()
    user = coordinator_of(operation.business)
    payment = _payment(operation)
    fake = SimpleUploadedFile("iban.pdf", b"not really a pdf", content_type="application/pdf")

    with pytest.raises(ValidationFailed) as exc:
        flow.document_upload(actor=user, payment_id=payment.pk, code=flow.BANK_DOCUMENT, file=fake)

    assert exc.value.code == "attachment_wrong_type"
    assert not payment.documents.exists()


def test_another_business_cannot_file_documents_of_a_payment():
    operation = kya7066_operation()
    payment = _payment(operation)
    stranger = UserFactory(username="stranger")
    from opske.errors import NotFound

    with pytest.raises(NotFound):
        flow.document_upload(actor=stranger, payment_id=payment.pk, code=flow.DECLARATION, file=_pdf())


# --- maker ≠ checker and the limits -------------------------------------------------------------------


def test_the_maker_can_never_approve_their_own_proposal(staff):
    both = UserFactory(username="both-roles", roles=[Role.PAYMENT_OFFICER, Role.SUPERVISOR])
    payment, _ = _submitted()
    flow.payment_propose(actor=both, payment_id=payment.pk)

    with pytest.raises(PermissionDenied) as exc:
        flow.payment_approve(actor=both, payment_id=payment.pk)

    assert exc.value.code == "maker_checker" and "τεσσάρων οφθαλμών" in exc.value.message
    _untouched(payment, Payment.State.PROPOSED)


def test_a_payment_officer_without_a_limit_cannot_approve(staff):
    payment, _ = _proposed(staff)
    other_officer = UserFactory(username="officer-2", roles=[Role.PAYMENT_OFFICER])
    with pytest.raises(PermissionDenied) as exc:
        flow.payment_approve(actor=other_officer, payment_id=payment.pk)
    assert exc.value.code == "payment_no_limit"
    _untouched(payment, Payment.State.PROPOSED)


def test_the_supervisor_approves_within_the_limit_in_one_transaction(staff):
    payment, business_user = _proposed(staff)

    flow.payment_approve(actor=staff["supervisor"], payment_id=payment.pk, note="Ελέγχθηκε")

    payment.refresh_from_db()
    assert payment.state == Payment.State.APPROVED and payment.approved_at
    steps = list(payment.approvals.values_list("step", "user__username"))
    assert steps == [("proposal", "pay-officer"), ("approval", "pay-supervisor")]
    # (b) the ledger: 1.659,00 € paid on each scope of the operation (call, year, operation).
    entries = LedgerEntry.objects.filter(payment=payment).select_related("balance")
    assert {e.balance.scope for e in entries} >= {"call", "year", "operation"}
    assert {e.amount for e in entries} == {Decimal("1659.00")}
    # (c) the decision with the art. 61 statement, stored on the payment.
    assert "άρθρου 61 του ν. 4914/2022" in payment.no_withholding_statement
    assert (
        "ακατάσχετη" in payment.no_withholding_statement
        and "ΚΥΑ 7066 Άρθ. 8.6" in payment.no_withholding_statement
    )
    decision = payment.decision_document
    assert decision.kind == "payment_approval_decision"
    assert decision.context["statement"] == payment.no_withholding_statement
    assert {c["kind"] for c in decision.context["clearances"]} == {
        "tax",
        "insurance",
    }  # 24.174,00 € > 10.000 €
    # (d) audit and (e) the notice to the business.
    assert AuditEvent.objects.filter(action="payment.approved").count() == 1
    assert Notification.objects.filter(recipient=business_user, kind="payments.approved").exists()


def test_above_the_supervisors_limit_the_head_of_the_managing_authority_must_approve_too(staff):
    payment, _ = _proposed(staff)
    # A limit of this call overrides the portal-wide one: the supervisor approves alone ≤ 1.000,00 €.
    ApprovalLimit.objects.create(role="supervisor", call=payment.call, max_amount=Decimal("1000.00"), level=1)

    flow.payment_approve(actor=staff["supervisor"], payment_id=payment.pk)

    payment.refresh_from_db()
    assert payment.state == Payment.State.PROPOSED
    assert not LedgerEntry.objects.filter(payment=payment).exists()
    assert "ανώτερου επιπέδου" in flow.approvals_needed(payment)
    second_supervisor = UserFactory(username="sup-2", roles=[Role.SUPERVISOR])
    with pytest.raises(PermissionDenied) as exc:
        flow.payment_approve(actor=second_supervisor, payment_id=payment.pk)
    assert exc.value.code == "payment_above_limit"

    flow.payment_approve(actor=staff["head"], payment_id=payment.pk)

    payment.refresh_from_db()
    assert payment.state == Payment.State.APPROVED
    assert list(payment.approvals.values_list("step", flat=True)) == [
        "proposal",
        "approval",
        "higher_approval",
    ]


def test_an_approval_above_the_operations_approved_amount_is_refused_whole(staff):
    # 30.000,00 € against an operation approved for 24.174,00 €: the ledger refuses it.
    payment, _ = _proposed(staff, amount="30000.00")

    with pytest.raises(Conflict) as exc:
        flow.payment_approve(actor=staff["supervisor"], payment_id=payment.pk)

    assert exc.value.code == "ledger_overdrawn_operation"
    _untouched(payment, Payment.State.PROPOSED)
    assert not GeneratedDocument.objects.filter(kind="payment_approval_decision").exists()
    assert not AuditEvent.objects.filter(action="payment.approved").exists()


def test_no_valid_clearance_refuses_the_approval_with_the_reason(staff):
    payment, _ = _proposed(staff, afm=LAIKES)

    with pytest.raises(ValidationFailed) as exc:
        flow.payment_approve(actor=staff["supervisor"], payment_id=payment.pk)

    assert exc.value.code == "clearance_tax_missing"
    assert "φορολογικές οφειλές" in exc.value.message
    _untouched(payment, Payment.State.PROPOSED)


def test_setting_clearance_threshold_changes_outcome(staff):
    payment, _ = _proposed(staff, afm=LAIKES)  # approved total 24.174,00 €, tax debts
    assert flow.clearance_required(payment)[0] is True
    with pytest.raises(ValidationFailed):
        flow.payment_approve(actor=staff["supervisor"], payment_id=payment.pk)

    config = {**payment.call.config, "clearance_threshold": "30000.00"}
    Call.objects.filter(pk=payment.call_id).update(config=config)
    payment.call.refresh_from_db()

    assert flow.clearance_required(payment)[0] is False
    flow.payment_approve(actor=staff["supervisor"], payment_id=payment.pk)
    payment.refresh_from_db()
    assert payment.state == Payment.State.APPROVED and payment.decision_document.context["clearances"] == []


def test_one_0123_hire_is_below_the_default_threshold_e10():
    """001 §6.6 E10: one 01.23 hire = 829,50 × 12 = 9.954,00 € ≤ 10.000 € (the ΚΥΑ says «9.960»):
    no clearance; 24.174,00 € (one 01.22 and one 01.23) needs it."""
    operation = kya7066_operation()
    payment = _payment(operation)
    assert flow.clearance_required(payment) == (True, Decimal("24174.00"), Decimal("10000.00"))
    operation.public_expenditure = Decimal("9954.00")
    assert flow.clearance_required(payment)[0] is False
    operation.public_expenditure = Decimal("10000.00")
    assert flow.clearance_required(payment)[0] is False  # «μέχρι του ποσού των 10.000»
    operation.public_expenditure = Decimal("10000.01")
    assert flow.clearance_required(payment)[0] is True


def test_a_second_approval_after_the_first_gets_conflict(staff):
    payment, _ = _proposed(staff)
    flow.payment_approve(actor=staff["supervisor"], payment_id=payment.pk)
    booked = LedgerEntry.objects.filter(payment=payment).count()
    other = UserFactory(username="sup-3", roles=[Role.SUPERVISOR])

    with pytest.raises(Conflict) as exc:
        flow.payment_approve(actor=other, payment_id=payment.pk)

    assert exc.value.code == "payment_already_approved"
    assert LedgerEntry.objects.filter(payment=payment).count() == booked


# --- send back, reject, limits ------------------------------------------------------------------------


def test_send_back_needs_a_reason_and_returns_the_payment_for_a_new_proposal(staff):
    payment, _ = _proposed(staff)
    with pytest.raises(ValidationFailed) as exc:
        flow.payment_send_back(actor=staff["supervisor"], payment_id=payment.pk, reason="λάθος")
    assert "reason" in exc.value.fields

    flow.payment_send_back(
        actor=staff["supervisor"], payment_id=payment.pk, reason="Λάθος ημέρες στον δεύτερο μήνα."
    )
    payment.refresh_from_db()
    assert payment.state == Payment.State.SUBMITTED
    # A new round: the same officer proposes again and the supervisor approves.
    flow.payment_propose(actor=staff["officer"], payment_id=payment.pk)
    flow.payment_approve(actor=staff["supervisor"], payment_id=payment.pk)
    payment.refresh_from_db()
    assert payment.state == Payment.State.APPROVED


def test_reject_records_the_reason_and_tells_the_business(staff):
    payment, business_user = _proposed(staff)
    flow.payment_reject(
        actor=staff["supervisor"],
        payment_id=payment.pk,
        reason="Η επιχείρηση έχει διακόψει τη λειτουργία της.",
    )
    payment.refresh_from_db()
    assert payment.state == Payment.State.REJECTED and "διακόψει" in payment.failure_reason
    assert Notification.objects.filter(recipient=business_user, kind="payments.rejected").exists()
    with pytest.raises(Conflict):
        flow.payment_approve(actor=staff["head"], payment_id=payment.pk)


def test_only_the_programme_admin_sets_limits_and_each_change_is_audited(staff):
    with pytest.raises(PermissionDenied):
        flow.limit_save(
            actor=staff["supervisor"], role="supervisor", call_id=None, max_amount=Decimal("1"), level=1
        )
    row = flow.limit_save(
        actor=staff["head"], role="supervisor", call_id=None, max_amount=Decimal("40000.00"), level=1
    )
    assert (
        row.max_amount == Decimal("40000.00") and ApprovalLimit.objects.filter(role="supervisor").count() == 1
    )
    event = AuditEvent.objects.filter(action="payment.approval_limit.saved").latest("pk")
    assert event.before["max_amount"] == "50000.00" and event.after["max_amount"] == "40000.00"
    assert event.content_type == ContentType.objects.get_for_model(ApprovalLimit)
