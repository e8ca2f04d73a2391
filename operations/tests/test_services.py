"""Starting operations, their modifications and versions, completion and long-term obligations."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from accounts.models import Membership, Role
from accounts.tests.factories import UserFactory
from operations import services
from operations.models import Modification, ObligationCheck, Operation
from operations.services.core import IMPLEMENTATION_END
from operations.services.obligations import CHECK_DUE
from operations.tests.factories import call004_operation, coordinator_of, kya7066_operation
from opske.errors import Conflict, PermissionDenied, ValidationFailed
from opske.models import AuditEvent, Deadline, Notification

pytestmark = pytest.mark.django_db
ATHENS_NOON = datetime.time(12, 0)


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, ATHENS_NOON))


@pytest.fixture
def supervisor():
    return UserFactory(username="head", email="head@example.gr", roles=[Role.SUPERVISOR])


def _deadlines(obj, kind):
    return Deadline.objects.filter(object_id=str(obj.pk), kind=kind, state=Deadline.State.PENDING)


# --- start --------------------------------------------------------------------------------------


def test_kya7066_operation_starts_at_the_notice_with_its_position_categories():
    op = kya7066_operation(notified_at=_at(datetime.date(2025, 5, 20)))
    assert op.starts_on == datetime.date(2025, 5, 20)
    assert op.ends_on == datetime.date(2026, 7, 19)  # 60 days to hire + 12 months (Art. 7.4, 5.1.1)
    assert op.no_dismissal_until == op.ends_on
    lines = {line.category: line for line in op.budget_lines.all()}
    assert {c: line.amount for c, line in lines.items()} == {"01.22": D("14220.00"), "01.23": D("9954.00")}
    assert lines["01.22"].label  # the unit rate's label
    assert op.approved_total == D("24174.00")
    v1 = op.versions.get()
    assert v1.number == 1 and v1.modification is None and v1.ends_on == op.ends_on
    assert _deadlines(op, IMPLEMENTATION_END).get().due_at.date() == datetime.date(2026, 7, 19)


def test_call004_operation_budget_after_the_committees_cuts_and_40_months_from_the_notice():
    op = call004_operation(
        approval_notified_at=_at(datetime.date(2026, 3, 15)),
        inclusion_notified_at=_at(datetime.date(2026, 4, 1)),
        cut=D("10000.00"),
    )
    # T0 = notice of the approval (default reading), 15/03/2026 + 40 months = 15/07/2029 → 30/06/2029
    assert op.starts_on == datetime.date(2026, 3, 15)
    assert op.ends_on == datetime.date(2029, 6, 30)
    assert {line.category: line.amount for line in op.budget_lines.all()} == {
        "02.06": D("200000.00"),
        "04.22": D("120000.00"),
        "07.05": D("70000.00"),
    }
    assert op.approved_total == D("390000.00")
    assert op.public_expenditure == D("260000.00")
    assert op.no_dismissal_until is None


def test_setting_implementation_start_anchor_changes_outcome():
    approval = _at(datetime.date(2025, 10, 1))
    inclusion = _at(datetime.date(2025, 11, 3))
    notice = call004_operation(approval_notified_at=approval, inclusion_notified_at=inclusion)
    by_inclusion = call004_operation(
        approval_notified_at=approval,
        inclusion_notified_at=inclusion,
        gaps={"implementation_start_anchor": "inclusion_decision"},
    )
    assert notice.starts_on == datetime.date(2025, 10, 1)
    assert by_inclusion.starts_on == datetime.date(2025, 11, 3)
    assert by_inclusion.ends_on == datetime.date(2029, 3, 3)


def test_setting_project_duration_months_changes_outcome():
    t0 = _at(datetime.date(2025, 10, 1))
    assert call004_operation(approval_notified_at=t0).ends_on == datetime.date(2029, 2, 1)
    assert call004_operation(
        approval_notified_at=t0, config={"project_duration_months": 30}
    ).ends_on == datetime.date(2028, 4, 1)


def test_setting_implementation_end_cap_changes_outcome():
    t0 = _at(datetime.date(2026, 3, 15))
    assert call004_operation(approval_notified_at=t0).ends_on == datetime.date(2029, 6, 30)
    later_cap = call004_operation(approval_notified_at=t0, config={"implementation_end_cap": "2029-12-31"})
    assert later_cap.ends_on == datetime.date(2029, 7, 15)


def test_setting_implementation_changes_outcome():
    # The call's own wording of its ΟΠΣΚΕ modification types is what the beneficiary picks from.
    from operations.services.modifications import types_for

    plain = call004_operation()
    worded = call004_operation(
        config={"implementation": {"modification_types": {"07": "ΦΟΑ: μετακίνηση δαπανών"}}}
    )
    assert types_for(plain)["07"][1] != "ΦΟΑ: μετακίνηση δαπανών"
    assert types_for(worded)["07"] == ("major", "ΦΟΑ: μετακίνηση δαπανών")


def test_a_second_notice_changes_nothing():
    op = kya7066_operation()
    again = services.operation_start_from_decision(decision=op.decision)
    assert again.pk == op.pk and op.versions.count() == 1


# --- modifications ------------------------------------------------------------------------------

SHIFT = {"02.06": D("150000.00"), "04.22": D("150000.00"), "07.05": D("100000.00")}


def test_budget_shift_approved_makes_version_2_and_tells_the_business(supervisor):
    op = call004_operation()
    coordinator = coordinator_of(op.business)
    mod = services.modification_file(
        actor=coordinator, operation_id=op.pk, type_code="07", reason="Νέες ανάγκες", budget=SHIFT
    )
    assert mod.severity == "major" and mod.protocol_number == f"ΑΤ-{op.code}-1"
    assert Notification.objects.filter(recipient=coordinator, kind="operations.modification_filed").exists()
    services.modification_decide(
        actor=supervisor,
        modification_id=mod.pk,
        approve=True,
        reason="Τεκμηριωμένο",
        characterisation=Modification.Characterisation.EXOGENOUS,
    )
    op.refresh_from_db()
    assert {line.category: line.amount for line in op.budget_lines.all()} == SHIFT
    v2 = op.versions.get(number=2)
    assert v2.modification_id == mod.pk and v2.budget[0] == {
        "category": "02.06",
        "label": v2.budget[0]["label"],
        "amount": "150000.00",
    }
    assert op.versions.get(number=1).budget[0]["amount"] == "200000.00"  # history kept
    mod.refresh_from_db()
    assert mod.state == "approved" and mod.characterisation == "exogenous"
    assert Notification.objects.filter(
        recipient=coordinator, kind="operations.modification_decided", is_legal_notice=True
    ).exists()
    assert AuditEvent.objects.filter(action="operations.modification.approved").count() == 1
    assert AuditEvent.objects.filter(action="operations.operation.versioned").count() == 1


def test_shift_over_25_percent_is_refused_at_the_field_and_nothing_is_filed():
    op = call004_operation()
    with pytest.raises(ValidationFailed) as err:
        services.modification_file(
            actor=coordinator_of(op.business),
            operation_id=op.pk,
            type_code="07",
            reason="x",
            budget={"02.06": D("140000.00"), "04.22": D("160000.00"), "07.05": D("100000.00")},
        )
    assert set(err.value.fields) == {"amount_02.06", "amount_04.22"}
    assert not Modification.objects.exists()


def test_a_second_major_request_while_one_is_in_progress_is_refused():
    op = call004_operation()
    coordinator = coordinator_of(op.business)
    services.modification_file(actor=coordinator, operation_id=op.pk, type_code="04", reason="Νέος υπεύθυνος")
    with pytest.raises(Conflict) as err:
        services.modification_file(
            actor=coordinator, operation_id=op.pk, type_code="07", reason="x", budget=SHIFT
        )
    assert err.value.code == "modification_action_open"
    # a minor one (03) runs in parallel (§12.2)
    services.modification_file(
        actor=coordinator, operation_id=op.pk, type_code="03", reason="Νέος εκπρόσωπος"
    )
    assert Modification.objects.count() == 2


def _open_payment_request(op, user):
    from verification.models import VerificationRequest

    req = VerificationRequest.objects.create(operation=op, seq=1, kind="first", created_by=user)
    req.submit()
    req.save()
    return req


def test_major_refused_while_a_payment_request_is_open_minor_allowed():
    op = kya7066_operation()
    coordinator = coordinator_of(op.business)
    _open_payment_request(op, coordinator)
    with pytest.raises(Conflict) as err:
        services.modification_file(
            actor=coordinator, operation_id=op.pk, type_code="afm_change", reason="Νέο ΑΦΜ"
        )
    assert "αίτημα επαλήθευσης" in err.value.message
    mod = services.modification_file(
        actor=coordinator,
        operation_id=op.pk,
        type_code="extension",
        reason="Ασθένεια",
        extension_days=20,
        extension_ground="illness",
    )
    assert mod.severity == "minor"


def test_kya7066_extension_moves_end_and_commitment_total_unchanged(supervisor):
    op = kya7066_operation(notified_at=_at(datetime.date(2026, 11, 20)))
    mod = services.modification_file(
        actor=coordinator_of(op.business),
        operation_id=op.pk,
        type_code="extension",
        reason="Άδεια άνευ αποδοχών",
        extension_days=30,
        extension_ground="unpaid_leave",
    )
    services.modification_decide(
        actor=supervisor,
        modification_id=mod.pk,
        approve=True,
        reason="Σύμφωνα με 9.2 Ι.iii",
        characterisation="necessary",
    )
    op.refresh_from_db()
    # 20/11/2026 + 60 days = 19/01/2027, + 12 months = 19/01/2028, + 30 days = 18/02/2028
    assert op.ends_on == datetime.date(2028, 2, 18)
    assert op.no_dismissal_until == datetime.date(2028, 2, 18)
    assert op.approved_total == D("24174.00")
    assert _deadlines(op, IMPLEMENTATION_END).get().due_at.date() == datetime.date(2028, 2, 18)
    assert op.versions.get(number=2).ends_on == datetime.date(2028, 2, 18)


def test_extension_over_30_days_refused():
    op = kya7066_operation()
    with pytest.raises(ValidationFailed) as err:
        services.modification_file(
            actor=coordinator_of(op.business),
            operation_id=op.pk,
            type_code="extension",
            reason="x",
            extension_days=45,
            extension_ground="illness",
        )
    assert "extension_days" in err.value.fields


def test_rejection_keeps_the_data_and_needs_reasons(supervisor):
    op = call004_operation()
    mod = services.modification_file(
        actor=coordinator_of(op.business), operation_id=op.pk, type_code="07", reason="x", budget=SHIFT
    )
    with pytest.raises(ValidationFailed):
        services.modification_decide(actor=supervisor, modification_id=mod.pk, approve=False, reason=" ")
    services.modification_decide(
        actor=supervisor, modification_id=mod.pk, approve=False, reason="Αλλοιώνει τον χαρακτήρα"
    )
    op.refresh_from_db()
    assert op.versions.count() == 1
    assert op.budget_lines.get(category="02.06").amount == D("200000.00")
    assert "αντιρρήσεις" in Notification.objects.filter(kind="operations.modification_decided").first().body


def test_only_the_coordinator_files_and_only_the_supervisor_decides():
    op = call004_operation()
    financial = coordinator_of(op.business, role=Membership.BusinessRole.FINANCIAL_OFFICER)
    with pytest.raises(PermissionDenied):
        services.modification_file(actor=financial, operation_id=op.pk, type_code="03", reason="x")
    mod = services.modification_file(
        actor=coordinator_of(op.business), operation_id=op.pk, type_code="03", reason="x"
    )
    verifier = UserFactory(roles=[Role.VERIFIER])
    with pytest.raises(PermissionDenied):
        services.modification_decide(
            actor=verifier, modification_id=mod.pk, approve=True, reason="x", characterisation="necessary"
        )
    mod.refresh_from_db()
    assert mod.state == "submitted"


# --- completion and long-term obligations ------------------------------------------------------


def test_completion_starts_three_years_of_obligations_checked_yearly(supervisor):
    op = call004_operation(approval_notified_at=_at(datetime.date(2025, 1, 10)))
    paid = timezone.localdate() - datetime.timedelta(days=3)
    services.operation_complete(actor=supervisor, operation_id=op.pk, final_payment_on=paid)
    op.refresh_from_db()
    assert op.state == Operation.State.COMPLETED and op.completed_on == paid
    obligation = op.obligations.get()
    assert obligation.ends_on == paid.replace(year=paid.year + 3)
    checks = list(obligation.checks.all())
    assert [c.year for c in checks] == [1, 2, 3]
    assert [_deadlines(c, CHECK_DUE).get().due_at.date() for c in checks] == [c.due_on for c in checks]
    assert not _deadlines(op, IMPLEMENTATION_END).exists()


def test_breach_needs_a_reason_and_marks_the_obligation(supervisor):
    op = call004_operation(approval_notified_at=_at(datetime.date(2025, 1, 10)))
    services.operation_complete(actor=supervisor, operation_id=op.pk, final_payment_on=timezone.localdate())
    check = ObligationCheck.objects.filter(obligation__operation=op).first()
    with pytest.raises(ValidationFailed):
        services.obligation_check_record(actor=supervisor, check_id=check.pk, kept=False, reason="")
    services.obligation_check_record(
        actor=supervisor, check_id=check.pk, kept=False, reason="Μετεγκατάσταση εκτός ΠΚΜ"
    )
    check.refresh_from_db()
    assert check.outcome == "breached" and check.obligation.state == "breached"
    with pytest.raises(Conflict):
        services.obligation_check_record(actor=supervisor, check_id=check.pk, kept=True, reason="")


def test_all_checks_kept_fulfils_the_obligation(supervisor):
    op = call004_operation(approval_notified_at=_at(datetime.date(2025, 1, 10)))
    services.operation_complete(actor=supervisor, operation_id=op.pk, final_payment_on=timezone.localdate())
    for check in ObligationCheck.objects.filter(obligation__operation=op):
        services.obligation_check_record(actor=supervisor, check_id=check.pk, kept=True, reason="")
    assert op.obligations.get().state == "fulfilled"


def test_future_final_payment_refused(supervisor):
    op = call004_operation()
    with pytest.raises(ValidationFailed) as err:
        services.operation_complete(
            actor=supervisor,
            operation_id=op.pk,
            final_payment_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert "final_payment_on" in err.value.fields
    op.refresh_from_db()
    assert op.state == "active"


# --- deadlines ----------------------------------------------------------------------------------


def test_yearly_check_falls_due_on_the_deadline_engine(supervisor):
    from opske.deadlines import sweep_due_deadlines

    op = call004_operation(approval_notified_at=_at(datetime.date(2025, 1, 10)))
    paid = timezone.localdate() - datetime.timedelta(days=2)
    services.operation_complete(actor=supervisor, operation_id=op.pk, final_payment_on=paid)
    first = ObligationCheck.objects.get(obligation__operation=op, year=1)
    sweep_due_deadlines(now=timezone.now() + datetime.timedelta(days=360))
    first.refresh_from_db()
    assert first.outcome == "scheduled"  # not before its day has passed
    sweep_due_deadlines(now=timezone.now() + datetime.timedelta(days=366))
    first.refresh_from_db()
    assert first.outcome == "due"
    assert ObligationCheck.objects.get(obligation__operation=op, year=2).outcome == "scheduled"


def test_end_of_implementation_tells_the_beneficiary():
    from opske.deadlines import sweep_due_deadlines

    op = kya7066_operation()
    coordinator = coordinator_of(op.business)
    sweep_due_deadlines(now=timezone.now() + datetime.timedelta(days=30))
    assert not Notification.objects.filter(kind="operations.implementation_ended").exists()
    sweep_due_deadlines(now=_at(op.ends_on) + datetime.timedelta(days=1))
    assert Notification.objects.filter(recipient=coordinator, kind="operations.implementation_ended").exists()


def test_call004_decision_stating_its_categories_is_what_is_approved():
    from operations.models import OperationBudgetLine

    op = call004_operation()
    decision = op.decision
    decision.details = {**decision.details, "per_category": [{"category": "02.06", "amount": "310000.00"}]}
    decision.save(update_fields=["details"])
    OperationBudgetLine.objects.filter(operation=op).delete()
    from operations.services.core import approved_budget

    rows = approved_budget(call=op.call, decision=decision)
    assert [(r["category"], r["amount"]) for r in rows] == [("02.06", "310000.00")]
    assert rows[0]["label"] == "Λοιπός εξοπλισμός"


def test_call004_verification_deadlines_scheduled_from_t0_and_the_end(supervisor):
    from operations.services.core import CALL_DEADLINE

    op = call004_operation(approval_notified_at=_at(datetime.date(2026, 3, 15)))
    due = sorted((d.payload["kind"], d.due_at.date()) for d in _deadlines(op, CALL_DEADLINE))
    # §11.1.Α: first request 18 months after T0; final 30 days after 30/06/2029, a working day.
    assert due == [
        ("final_verification", datetime.date(2029, 7, 30)),
        ("first_verification", datetime.date(2027, 9, 15)),
    ]
    services.operation_complete(actor=supervisor, operation_id=op.pk, final_payment_on=timezone.localdate())
    assert not _deadlines(op, CALL_DEADLINE).exists()


# --- objections to a rejection ------------------------------------------------------------------


def test_rejected_major_request_objection_upheld_versions_the_operation(supervisor):
    op = call004_operation()
    coordinator = coordinator_of(op.business)
    mod = services.modification_file(
        actor=coordinator, operation_id=op.pk, type_code="07", reason="x", budget=SHIFT
    )
    services.modification_decide(actor=supervisor, modification_id=mod.pk, approve=False, reason="Ελλιπής")
    mod.refresh_from_db()
    # call 004's «modification_objection» row: 10 calendar days from the day after the notice
    assert mod.objection_deadline == timezone.localdate() + datetime.timedelta(days=10)
    services.modification_object(
        actor=coordinator, modification_id=mod.pk, text="Επισυνάπτουμε τις προσφορές."
    )
    with pytest.raises(Conflict):
        services.modification_object(actor=coordinator, modification_id=mod.pk, text="ξανά")
    services.modification_objection_decide(
        actor=supervisor, modification_id=mod.pk, uphold=True, reason="Τεκμηριώθηκε"
    )
    mod.refresh_from_db()
    assert mod.state == "approved"
    assert op.versions.get(number=2).modification_id == mod.pk


def test_rejected_minor_call004_request_has_no_objection():
    op = call004_operation()
    coordinator = coordinator_of(op.business)
    mod = services.modification_file(actor=coordinator, operation_id=op.pk, type_code="03", reason="x")
    boss = UserFactory(roles=[Role.SUPERVISOR])
    services.modification_decide(
        actor=boss, modification_id=mod.pk, approve=False, reason="Λείπει το καταστατικό"
    )
    mod.refresh_from_db()
    assert mod.objection_deadline is None
    with pytest.raises(Conflict):
        services.modification_object(actor=coordinator, modification_id=mod.pk, text="αντιρρήσεις")
    assert "νέο αίτημα" in Notification.objects.filter(kind="operations.modification_decided").first().body


def test_late_objection_refused(supervisor):
    op = kya7066_operation()
    coordinator = coordinator_of(op.business)
    mod = services.modification_file(actor=coordinator, operation_id=op.pk, type_code="manager", reason="x")
    services.modification_decide(actor=supervisor, modification_id=mod.pk, approve=False, reason="όχι")
    Modification.objects.filter(pk=mod.pk).update(
        objection_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(Conflict) as err:
        services.modification_object(actor=coordinator, modification_id=mod.pk, text="αντιρρήσεις")
    assert "έληξε" in err.value.message


def test_call004_extension_by_call_amendment_versions_the_end_never_past_the_cap(supervisor):
    from operations.services.core import CALL_DEADLINE

    op = call004_operation(approval_notified_at=_at(datetime.date(2025, 7, 10)))
    assert op.ends_on == datetime.date(2028, 11, 10)
    with pytest.raises(ValidationFailed) as err:
        services.operation_extend(
            actor=supervisor, operation_id=op.pk, new_end=datetime.date(2029, 7, 1), reason="x"
        )
    assert "30/06/2029" in err.value.fields["new_end"][0]
    services.operation_extend(
        actor=supervisor,
        operation_id=op.pk,
        new_end=datetime.date(2029, 3, 10),
        reason="Τροποποίηση πρόσκλησης 3/2028",
    )
    op.refresh_from_db()
    assert op.ends_on == datetime.date(2029, 3, 10)
    v2 = op.versions.get(number=2)
    assert v2.ends_on == datetime.date(2029, 3, 10) and v2.modification is None and "3/2028" in v2.note
    assert _deadlines(op, IMPLEMENTATION_END).get().due_at.date() == datetime.date(2029, 3, 10)
    final = [d for d in _deadlines(op, CALL_DEADLINE) if d.payload["kind"] == "final_verification"]
    # 10/03 + 30 days = Monday 09/04/2029, Easter Monday: the next working day 10/04/2029
    assert final[0].due_at.date() == datetime.date(2029, 4, 10)


def test_kya7066_extension_is_a_modification_not_a_call_amendment(supervisor):
    op = kya7066_operation()
    with pytest.raises(Conflict):
        services.operation_extend(
            actor=supervisor, operation_id=op.pk, new_end=op.ends_on + datetime.timedelta(days=5), reason="x"
        )
