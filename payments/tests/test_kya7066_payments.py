"""ΚΥΑ 7066 payments on real claims (PostgreSQL): the DRAFT payment a final claim opens, its
questionnaire gate, cap and carried warnings; the objection to a payment decision (Art. 8.5) with
its window, the Π.ΕΠ.Ε.Ε. opinion, the Κ.ΕΠ.Ε.Ε. 60 days on the deadline engine; the pages."""

import datetime
from datetime import time as T
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from applications.tests.factories import load_world, member, seeded_call
from calls import seeds
from calls.models import Call
from interop.sandboxes.data_people import GREVENA_SUBSIDISED_HIRE as HIRED
from operations import services as op_services
from operations.models import ParticipantQuestionnaire
from operations.tests.factories_hires import PAPADOPOULOU, operation_for
from opske.deadlines import sweep_due_deadlines
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.models import AuditEvent, Deadline
from payments import hooks
from payments.models import Payment, PaymentApproval, PaymentObjection
from payments.services import core
from payments.services import objections as objection_services
from verification.models import Correction
from verification.services import claims_7066 as claims
from verification.tests.factories_claims import file_claim

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
D = Decimal


@pytest.fixture
def kya7066(db):
    load_world()
    return seeded_call(seeds.kya7066)


def _staff(username, role):
    user = User.objects.create_user(username=username, password="x", kind=User.Kind.STAFF)
    RoleAssignment.objects.create(user=user, role=role)
    return user


def _operation(call):
    op, user = operation_for(call, notified_on=HIRED - 10 * DAY)
    op_services.hire_record(
        actor=user, operation_id=op.pk, position_id=op.positions.get().pk, amka=PAPADOPOULOU, hire_date=HIRED,
        referral_number="ΚΠΑ2-ΚΟΖ-2026/118", referral_date=HIRED - 3 * DAY, work_from=T(8, 0),
        work_to=T(16, 0), declaration_exclusions=True, declaration_other_scheme=True,
    )  # fmt: skip
    return op, user


def _entry_form(op, user, completed_on):
    return ParticipantQuestionnaire.objects.create(
        operation=op, amka=PAPADOPOULOU, kind="entry", participation_date=HIRED, completed_on=completed_on,
        answers={"in_education": False, "education_categories": [], "education_level": "Γ.5"},
        recorded_by=user, recorded_at=timezone.now(),
    )  # fmt: skip


def _claim(op, user, *days):
    period = claims.claim_period_get(op, 1)
    return file_claim(user, op, 1, days={line.key: v for line, v in zip(period.lines, days, strict=True)})


def _final(request, eligible=None):
    """The desk check's result as the provider reads it (items' eligible amounts), then final."""
    for item, amount in zip(request.items.order_by("pk"), eligible or [], strict=False):
        item.eligible_amount = amount
        item.save(update_fields=["eligible_amount"])
    request.accepted_total = sum((i.eligible_amount or i.amount for i in request.items.all()), D("0.00"))
    request.save(update_fields=["accepted_total"])
    hooks.open_payment_for_request(request)
    return Payment.objects.get(verification_request=request)


def test_a_final_claim_opens_a_draft_period_payment_with_its_breakdown_e3(kya7066):
    op, user = _operation(kya7066)
    _entry_form(op, user, timezone.localdate())
    request = _claim(op, user, 25, 20)
    payment = _final(request)
    assert payment.kind == Payment.Kind.PERIOD and payment.state == Payment.State.DRAFT
    assert payment.amount == D("1493.10")
    assert [line["amount"] for line in payment.breakdown] == ["829.50", "663.60"]  # E3: 20 days of 01.23
    assert payment.breakdown[1]["days"] == 20 and "5.1.3" in payment.breakdown[1]["citation"]
    assert payment.warnings == []  # 9.954,00 ≤ 10.000,00: no clearance needed


def test_without_the_entry_form_the_first_tranche_is_not_paid_e12(kya7066):
    op, user = _operation(kya7066)
    request = _claim(op, user, 25, 20)
    payment = _final(request)
    assert payment.amount == D("0.00")
    assert (
        payment.breakdown[-1]["amount"] == "-1493.10"
        and payment.breakdown[-1]["citation"] == "ΚΥΑ 7066 Άρθ. 7.4, 8.6"
    )
    assert any("δελτίο εισόδου" in w for w in payment.warnings)


def test_the_accepted_amount_of_the_desk_check_is_paid_not_the_declared(kya7066):
    op, user = _operation(kya7066)
    _entry_form(op, user, timezone.localdate())
    request = _claim(op, user, 25, 20)
    payment = _final(request, eligible=[D("829.50"), D("597.24")])
    assert payment.amount == D("1426.74")


def test_the_approved_total_caps_the_payment_given_what_is_already_opened(kya7066):
    op, user = _operation(kya7066)
    _entry_form(op, user, timezone.localdate())
    core.create_payment(
        call=op.call, operation=op, kind=Payment.Kind.PERIOD, lines=[core.Line("earlier", D("9000.00"))],
        payee_kind=Payment.PayeeKind.BUSINESS, payee_name="x",
    )  # fmt: skip
    payment = _final(_claim(op, user, 25, 25))
    assert payment.amount == D("954.00")  # 9.954,00 − 9.000,00
    assert payment.breakdown[-1]["citation"] == "ΚΥΑ 7066 Άρθ. 9.2 ΙΙ, 10.3"


def test_a_late_claim_s_warning_reaches_the_payment(kya7066):
    op, user = _operation(kya7066)
    _entry_form(op, user, timezone.localdate() - 400 * DAY)
    period = claims.claim_period_get(op, 1)
    late = period.deadline + 3 * DAY
    request = file_claim(user, op, 1, days={line.key: 25 for line in period.lines}, today=late)
    payment = _final(request)
    assert any("Εκπρόθεσμη" in w and "8.1" in w for w in payment.warnings)


# --- objections (Art. 8.5) --------------------------------------------------------------------


def _reduced_payment(kya7066):
    op, user = _operation(kya7066)
    payment = _final(_claim(op, user, 25, 20))  # no entry form: 0,00 € of 1.493,10 €
    return op, user, payment


def test_a_payment_below_the_claim_can_be_objected_to_within_30_days(kya7066):
    op, user, payment = _reduced_payment(kya7066)
    window = objection_services.objection_window(payment)
    opened = timezone.localdate()
    assert window.ground == "reduced" and not window.has_correction
    assert window.deadline >= opened + 30 * DAY  # 30 calendar days from the day after (a holiday rolls on)
    obj = objection_services.objection_file(
        actor=user, payment_id=payment.pk, text="Το δελτίο εισόδου υπήρχε."
    )
    assert obj.state == "filed" and obj.protocol_number == f"{payment.code}/ΑΝΤ-1"
    assert obj.receipt["citation"] == "ΚΥΑ 7066 Άρθ. 8.5" and obj.claimed_amount == D("1493.10")
    assert AuditEvent.objects.filter(action="payment.objection.filed").count() == 1
    with pytest.raises(Conflict):
        objection_services.objection_file(actor=user, payment_id=payment.pk, text="ξανά")


def test_a_late_objection_is_refused(kya7066):
    op, user, payment = _reduced_payment(kya7066)
    window = objection_services.objection_window(payment)
    with pytest.raises(ValidationFailed) as exc:
        objection_services.objection_file(
            actor=user, payment_id=payment.pk, text="εκπρόθεσμα", today=window.deadline + DAY
        )
    assert exc.value.code == "objection_late" and "8.5" in exc.value.fields["text"][0]
    assert not PaymentObjection.objects.exists()


def test_a_financial_correction_gives_15_days_from_the_day_after(kya7066):
    op, user, payment = _reduced_payment(kya7066)
    item = payment.verification_request.items.first()
    Correction.objects.create(
        operation=op, request=payment.verification_request, item=item,
        origin=Correction.Origin.ADMINISTRATIVE, amount=D("10.00"), category="1", reason="ΑΠΔ",
        recorded_by=user,
    )  # fmt: skip
    window = objection_services.objection_window(payment)
    assert window.has_correction and opened_plus(window, 15) <= window.deadline < opened_plus(window, 30)


def opened_plus(window, days):
    return window.notified_on + days * DAY


def test_a_rejected_payment_can_be_objected_to_and_one_paid_in_full_cannot(kya7066):
    op, user = _operation(kya7066)
    _entry_form(op, user, timezone.localdate())
    payment = _final(_claim(op, user, 25, 20))
    with pytest.raises(Conflict) as exc:
        objection_services.objection_file(actor=user, payment_id=payment.pk, text="x")
    assert exc.value.code == "objection_nothing_to_object"
    supervisor = _staff("sup", Role.SUPERVISOR)
    payment.reject()
    payment.save()
    PaymentApproval.objects.create(
        payment=payment, step=PaymentApproval.Step.REJECTION, role=Role.SUPERVISOR, user=supervisor,
        at=timezone.now(),
    )  # fmt: skip
    window = objection_services.objection_window(payment)
    assert window.ground == "rejected" and window.decided == D("0.00")


def test_the_committees_examine_opinion_then_decision_within_60_days(kya7066):
    op, user, payment = _reduced_payment(kya7066)
    obj = objection_services.objection_file(actor=user, payment_id=payment.pk, text="Διαφωνώ.")
    committee, supervisor = _staff("com", Role.COMMITTEE_MEMBER), _staff("sup", Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        objection_services.objection_opinion(actor=user, objection_id=obj.pk, favourable=True, text="x")
    with pytest.raises(Conflict):
        objection_services.objection_decide(actor=supervisor, objection_id=obj.pk, accepted=True, reasons="x")
    obj = objection_services.objection_opinion(
        actor=committee, objection_id=obj.pk, favourable=True, text="Δεκτές."
    )
    assert obj.state == "opinion" and obj.decision_due == timezone.localdate() + 60 * DAY
    due = Deadline.objects.get(kind=objection_services.DECISION_DUE_KIND)
    with pytest.raises(PermissionDenied):  # not who gave the opinion
        objection_services.objection_decide(actor=committee, objection_id=obj.pk, accepted=True, reasons="x")
    # the 60 days pass: flagged as overdue
    sweep_due_deadlines(now=due.due_at + datetime.timedelta(minutes=1))
    obj.refresh_from_db()
    assert obj.decision_overdue
    obj = objection_services.objection_decide(
        actor=supervisor, objection_id=obj.pk, accepted=True, reasons="Άρθ. 7.4: το δελτίο υπήρχε."
    )
    assert obj.state == "accepted" and AuditEvent.objects.filter(action="payment.objection.decided").exists()


def test_the_decision_deadline_is_cancelled_by_a_timely_decision(kya7066):
    op, user, payment = _reduced_payment(kya7066)
    obj = objection_services.objection_file(actor=user, payment_id=payment.pk, text="Διαφωνώ.")
    committee, supervisor = _staff("com", Role.COMMITTEE_MEMBER), _staff("sup", Role.SUPERVISOR)
    objection_services.objection_opinion(actor=committee, objection_id=obj.pk, favourable=False, text="Όχι.")
    objection_services.objection_decide(
        actor=supervisor, objection_id=obj.pk, accepted=False, reasons="Άρθ. 7.4."
    )
    assert Deadline.objects.get(kind=objection_services.DECISION_DUE_KIND).state == Deadline.State.CANCELLED


def test_another_business_sees_a_404_and_the_pages_work(kya7066, client):
    op, user, payment = _reduced_payment(kya7066)
    other = member("804773470")
    with pytest.raises(NotFound):
        objection_services.objection_file(actor=other, payment_id=payment.pk, text="x")
    client.force_login(other)
    for url in (
        reverse("payments:kya7066-payment", args=[payment.pk]),
        reverse("payments:kya7066-objection-new", args=[payment.pk]),
        reverse("payments:kya7066-operation", args=[op.pk]),
    ):
        assert client.get(url).status_code == 404, url

    client.force_login(user)
    page = client.get(reverse("payments:kya7066-operation", args=[op.pk])).content.decode()
    assert "829,50 €" in page and "663,60 €" in page and "1.493,10 €" in page and "7.4, 8.6" in page
    url = reverse("payments:kya7066-objection-new", args=[payment.pk])
    empty = client.post(url, {"text": ""})
    assert empty.status_code == 422 and "Γράψτε τις αντιρρήσεις" in empty.content.decode()
    confirm = client.post(url, {"text": "Το δελτίο υπήρχε."})
    assert confirm.status_code == 200 and "confirm-irreversible" in confirm.content.decode()
    assert not PaymentObjection.objects.exists()
    done = client.post(url, {"text": "Το δελτίο υπήρχε.", "confirm": "on"})
    obj = PaymentObjection.objects.get()
    assert done.status_code == 302 and done.url == reverse("payments:kya7066-objection", args=[obj.pk])
    assert obj.protocol_number in client.get(done.url).content.decode()

    committee = _staff("com", Role.COMMITTEE_MEMBER)
    client.force_login(committee)
    listing = client.get(reverse("payments:kya7066-objections"), {"state": "filed"}).content.decode()
    assert obj.protocol_number in listing
    assert (
        obj.protocol_number
        not in client.get(reverse("payments:kya7066-objections"), {"state": "accepted"}).content.decode()
    )
    answer = client.post(
        reverse("payments:kya7066-objection", args=[obj.pk]),
        {"action": "opinion", "favourable": "yes", "opinion_text": "Δεκτές."},
    )
    assert answer.status_code == 302
    obj.refresh_from_db()
    assert obj.state == "opinion"


def test_only_payment_staff_and_examiners_read_a_payment_and_its_objections(kya7066, client):
    """Issue 11 (permission matrix): an evaluator or a verifier has no business with a business's
    payment breakdown or the objections to it; the payment queue's roles and the examiners do."""
    _, _, payment = _reduced_payment(kya7066)
    pages = (reverse("payments:kya7066-payment", args=[payment.pk]), reverse("payments:kya7066-objections"))
    for username, role, status in [
        ("ev", Role.EVALUATOR, 404),
        ("ve", Role.VERIFIER, 404),
        ("pa", Role.PAYMENT_OFFICER, 200),
        ("co", Role.COMMITTEE_MEMBER, 200),
        ("au", Role.AUDITOR, 200),
    ]:
        client.force_login(_staff(username, role))
        assert [client.get(url).status_code for url in pages] == [status, status], role


def test_setting_late_payment_request_block_refuses_the_late_claim_before_any_payment(kya7066):
    op, user = _operation(kya7066)
    Call.objects.filter(pk=kya7066.pk).update(
        config={**kya7066.config, "gaps": {"late_payment_request": "block"}}
    )
    period = claims.claim_period_get(op, 1)
    with pytest.raises(ValidationFailed):
        file_claim(user, op, 1, days={line.key: 25 for line in period.lines}, today=period.deadline + DAY)
    assert not Payment.objects.exists()
