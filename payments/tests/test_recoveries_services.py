"""Recoveries through the services on PostgreSQL: the ΚΥΑ 7066 Art. 11 clawback of E13 with its
interest line by line, the call's reading, maker ≠ checker, the 15-day invitation on the deadline
engine, the repayment on the ledger, the act certifying the debt, objections, reference rates."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from applications.tests.factories import load_world, seeded_call
from calls import seeds
from operations.tests.factories_hires import operation_for
from opske.errors import Conflict, PermissionDenied, ValidationFailed
from opske.models import Deadline, GeneratedDocument
from payments.demo_recoveries import paid_history
from payments.models import LedgerBalance, Recovery, ReferenceRate
from payments.services import recoveries as services

pytestmark = pytest.mark.django_db
D = Decimal
DAY = datetime.timedelta(days=1)


@pytest.fixture
def people(db):
    return {
        "payer": UserFactory(username="plirotis", roles=[Role.PAYMENT_OFFICER]),
        "supervisor": UserFactory(username="proistamenos", roles=[Role.SUPERVISOR]),
        "admin": UserFactory(username="diaxeiristis", roles=[Role.PROGRAMME_ADMIN]),
    }


@pytest.fixture
def rates(people):
    for year in range(timezone.localdate().year - 3, timezone.localdate().year + 2):
        services.reference_rate_save(actor=people["admin"], year=year, rate=D("3.5"), source="ΕΕ C (δοκιμή)")


def _e13(people, *, reading=None):
    """01.22 position hired 400 days ago, months 1–8 paid (4 × 2.370,00 = 9.480,00 €), dismissed at
    the end of month 8, not replaced: the position is interrupted and a case opens."""
    load_world()
    call = seeded_call(seeds.kya7066)
    if reading:
        call.config = {
            **(call.config or {}),
            "gaps": {**(call.config or {}).get("gaps", {}), "clawback_reading": reading},
        }
        call.save(update_fields=["config"])
    hired = timezone.localdate() - 400 * DAY
    op, member = operation_for(call, per_category=(("01.22", 1),), notified_on=hired - 10 * DAY)
    case = paid_history(operation=op, member=member, payer=people["payer"], hired=hired)
    return op, member, case


def test_e13_clawback_is_computed_with_interest_line_by_line(people, rates):
    op, _member, case = _e13(people)
    recovery = services.recovery_compute_clawback(actor=people["payer"], case_id=case.pk)
    assert recovery.reading == "proportional"
    assert recovery.principal == D("3160.00")  # 9.480,00 × 4/12
    lines = list(recovery.interest_lines.order_by("seq"))
    # each of the 4 tranches carries 790,00 € of the principal, from its payment date to today
    assert sum(line.basis for line in lines if line.date_from == line.payment.paid_on) == D("3160.00")
    for line in lines:
        expected = (line.basis * line.rate / 100 * line.days / 365).quantize(D("0.01"))
        assert line.amount == expected and line.rate == D("3.5")
    assert recovery.interest == sum(line.amount for line in lines) and recovery.interest > 0
    assert recovery.interest_to == timezone.localdate()


def test_setting_clawback_reading_changes_outcome(people, rates):
    _op, _m, case = _e13(people, reading="stop_future")
    recovery = services.recovery_compute_clawback(actor=people["payer"], case_id=case.pk)
    assert (recovery.principal, recovery.interest, recovery.nothing_due) == (D("0.00"), D("0.00"), True)
    decided = services.recovery_decide(actor=people["supervisor"], recovery_id=recovery.pk)
    # nothing to repay: no invitation, no deadline; only the future payments stop (the position is cut)
    assert (
        decided.state == Recovery.State.DECIDED
        and decided.due_on is None
        and decided.invitation_document is None
    )
    assert case.position.__class__.objects.get(pk=case.position_id).state == "interrupted"


def test_art_10_4c_stopped_position_has_no_recovery(people, rates):
    load_world()
    call = seeded_call(seeds.kya7066)
    hired = timezone.localdate() - 100 * DAY
    op, member = operation_for(call, notified_on=hired - 10 * DAY)
    position = op.positions.get()
    case = paid_history(operation=op, member=member, payer=people["payer"], hired=hired, paid_months=2)
    # a stopped-without-consequence position never opens a case (operations); one forced here is refused
    type(position).objects.filter(pk=position.pk).update(state="stopped")
    with pytest.raises(Conflict) as exc:
        services.recovery_compute_clawback(actor=people["payer"], case_id=case.pk)
    assert exc.value.code == "stopped_without_consequence" and not Recovery.objects.exists()


def test_missing_rate_refuses_naming_the_year_and_writes_nothing(people):
    _op, _m, case = _e13(people)
    with pytest.raises(ValidationFailed) as exc:
        services.recovery_compute_clawback(actor=people["payer"], case_id=case.pk)
    from payments.models import Payment

    year = (
        Payment.objects.filter(operation=_op).order_by("paid_on").first().paid_on.year
    )  # the first one lacking
    assert exc.value.code == "reference_rate_missing" and str(year) in exc.value.message
    assert not Recovery.objects.exists()


def test_decision_by_another_user_invites_with_15_days_on_the_deadline_engine(people, rates):
    op, _m, case = _e13(people)
    recovery = services.recovery_compute_clawback(actor=people["payer"], case_id=case.pk)
    with pytest.raises(PermissionDenied):
        services.recovery_decide(actor=people["payer"], recovery_id=recovery.pk)  # not a deciding role
    recovery.computed_by = people["supervisor"]
    recovery.save(update_fields=["computed_by"])
    with pytest.raises(PermissionDenied):  # maker ≠ checker
        services.recovery_decide(actor=people["supervisor"], recovery_id=recovery.pk)
    decided = services.recovery_decide(
        actor=people["admin"], recovery_id=recovery.pk, decision_protocol="ΑΠ-1"
    )
    today = timezone.localdate()
    assert decided.state == Recovery.State.INVITED and decided.decided_on == today
    assert today + 15 * DAY <= decided.due_on <= today + 18 * DAY  # rolled to a working day
    deadline = Deadline.objects.get(
        content_type=ContentType.objects.get_for_model(Recovery),
        object_id=str(decided.pk),
        kind=services.REPAYMENT_DUE_KIND,
    )
    assert deadline.state == "pending"
    doc = GeneratedDocument.objects.get(pk=decided.invitation_document_id)
    assert doc.context["principal"] == "3.160,00 €" and doc.context["days"] == 15
    assert doc.context["due_on"] == decided.due_on.strftime("%d/%m/%Y")


def test_repayment_books_the_principal_as_recovered(people, rates):
    op, _m, case = _e13(people)
    recovery = services.recovery_compute_clawback(actor=people["payer"], case_id=case.pk)
    recovery = services.recovery_decide(actor=people["supervisor"], recovery_id=recovery.pk)
    with pytest.raises(ValidationFailed) as exc:
        services.recovery_record_repayment(
            actor=people["payer"],
            recovery_id=recovery.pk,
            amount=D("100.00"),
            repaid_on=timezone.localdate(),
            reference="ΤΡ-1",
        )
    assert "amount" in exc.value.fields
    repaid = services.recovery_record_repayment(
        actor=people["payer"],
        recovery_id=recovery.pk,
        amount=recovery.total_due,
        repaid_on=timezone.localdate(),
        reference="ΤΡ-1",
    )
    assert repaid.state == Recovery.State.REPAID
    balance = LedgerBalance.objects.get(scope="operation", operation=op)
    assert (balance.paid, balance.recovered) == (D("9480.00"), D("3160.00"))


def test_unpaid_after_the_due_date_is_certified_to_the_tax_office(people, rates):
    op, _m, case = _e13(people)
    recovery = services.recovery_compute_clawback(actor=people["payer"], case_id=case.pk)
    recovery = services.recovery_decide(actor=people["supervisor"], recovery_id=recovery.pk)
    with pytest.raises(Conflict) as exc:
        services.recovery_certify(actor=people["supervisor"], recovery_id=recovery.pk)
    assert exc.value.code == "repayment_not_due"
    Recovery.objects.filter(pk=recovery.pk).update(due_on=timezone.localdate() - DAY)
    certified = services.recovery_certify(actor=people["supervisor"], recovery_id=recovery.pk)
    assert certified.state == Recovery.State.CERTIFIED and certified.treasury_name == "ΔΟΥ ΓΡΕΒΕΝΩΝ"
    assert certified.certificate_document.kind == "recovery_debt_certificate"
    sent = services.recovery_send_to_treasury(
        actor=people["payer"], recovery_id=recovery.pk, reference="ΔΙΑΒ-7"
    )
    assert sent.state == Recovery.State.SENT and sent.sent_reference == "ΔΙΑΒ-7"


def test_business_objects_within_its_window_once(people, rates):
    _op, member, case = _e13(people)
    recovery = services.recovery_compute_clawback(actor=people["payer"], case_id=case.pk)
    recovery = services.recovery_decide(actor=people["supervisor"], recovery_id=recovery.pk)
    done = services.recovery_object(
        actor=member, recovery_id=recovery.pk, text="Η απόλυση ήταν για σπουδαίο λόγο."
    )
    assert done.objected_at is not None
    with pytest.raises(Conflict):
        services.recovery_object(actor=member, recovery_id=recovery.pk, text="Και δεύτερη φορά αντιρρήσεις.")


def test_call004_breach_recovers_pro_rata_with_interest_to_the_repayment(people, rates):
    """Πρόσκληση 004 §14.2 on an operation paid 240.000,00 € (its public expenditure is 260.000,00):
    obligations kept 24 of 36 months → 240.000 × 12/36 = 80.000,00 €; interest runs to the
    repayment date (§14.3.10), recomputed when the repayment is recorded."""
    from operations.tests.factories import call004_operation
    from payments.models import Payment
    from payments.programmes import Line
    from payments.services import core, ledger

    op = call004_operation()
    paid_on = timezone.localdate() - 100 * DAY
    p = core.create_payment(
        call=op.call,
        kind="final",
        lines=[Line("Αποπληρωμή", D("240000.00"))],
        payee_kind="business",
        payee_name="Σύμπλεγμα",
        operation=op,
        year=paid_on.year,
    )
    p.propose()
    p.approve()
    p.approved_at = timezone.now()
    ledger.book_payment(p)
    p.order()
    p.mark_paid()
    p.paid_on = paid_on
    p.save()
    assert p.state == Payment.State.PAID
    recovery = services.recovery_compute_obligation(
        actor=people["payer"],
        operation_id=op.pk,
        breach_kind="partial",
        compliant_months=24,
        reason="Μετεγκατάσταση εκτός ΠΚΜ τον 25ο μήνα",
    )
    assert recovery.principal == D("80000.00") and recovery.interest_end == "repayment"
    decided = services.recovery_decide(actor=people["supervisor"], recovery_id=recovery.pk)
    assert decided.interest_to == decided.due_on  # the letter shows it up to the due date
    repaid_on = timezone.localdate()
    repaid = services.recovery_record_repayment(
        actor=people["payer"],
        recovery_id=decided.pk,
        amount=D("90000.00"),
        repaid_on=repaid_on,
        reference="ΤτΕ-1",
    )
    assert repaid.interest_to == repaid_on
    assert sum(line.days for line in repaid.interest_lines.all()) == 100
    assert repaid.interest == sum(
        (D("80000.00") * D("3.5") / 100 * line.days / 365).quantize(D("0.01"))
        for line in repaid.interest_lines.all()
    )


def test_reference_rate_is_kept_by_programme_admin_only(people):
    with pytest.raises(PermissionDenied):
        services.reference_rate_save(actor=people["payer"], year=2026, rate=D("3.2"), source="ΕΕ C")
    with pytest.raises(ValidationFailed) as exc:
        services.reference_rate_save(actor=people["admin"], year=2026, rate=D("3.2"), source=" ")
    assert "source" in exc.value.fields
    services.reference_rate_save(actor=people["admin"], year=2026, rate=D("3.2"), source="ΕΕ C 2026/1")
    services.reference_rate_save(actor=people["admin"], year=2026, rate=D("3.25"), source="ΕΕ C 2026/2")
    assert ReferenceRate.objects.get(year=2026).rate == D("3.250")


def test_a_correction_on_a_paid_amount_becomes_a_recovery_with_interest(people, rates):
    from payments.models import Payment
    from verification.models import Correction

    op, _m, _case = _e13(people)
    correction = Correction.objects.create(
        operation=op,
        origin="administrative",
        amount=D("500.00"),
        reason="Μη επιλέξιμες ημέρες",
        recorded_by=people["payer"],
    )
    recovery = services.recovery_compute_correction(actor=people["payer"], correction_id=correction.pk)
    last = Payment.objects.filter(operation=op, state="paid").order_by("-paid_on").first()
    lines = list(recovery.interest_lines.order_by("seq"))
    assert recovery.principal == D("500.00") and recovery.origin == Recovery.Origin.CORRECTION
    assert (
        lines[0].date_from == last.paid_on
        and sum(line.days for line in lines) == (timezone.localdate() - last.paid_on).days
    )
    with pytest.raises(Conflict):  # one live recovery per ΔΚΔ
        services.recovery_compute_correction(actor=people["payer"], correction_id=correction.pk)


def test_the_15_days_passing_unpaid_marks_the_recovery_overdue(people, rates):
    from opske.deadlines import sweep_due_deadlines

    _op, _m, case = _e13(people)
    recovery = services.recovery_compute_clawback(actor=people["payer"], case_id=case.pk)
    recovery = services.recovery_decide(actor=people["supervisor"], recovery_id=recovery.pk)
    Deadline.objects.filter(kind=services.REPAYMENT_DUE_KIND).update(due_at=timezone.now() - DAY)
    assert sweep_due_deadlines() >= 1
    recovery.refresh_from_db()
    assert recovery.overdue_since is not None and recovery.state == Recovery.State.INVITED
