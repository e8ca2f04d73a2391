"""ΚΥΑ 7066 positions, hires and leavers through the services, with ΕΡΓΑΝΗ and ΔΥΠΑ over HTTP
(the sandboxes); the dates follow the sandbox's Ε3 of ΠΑΠΑΔΟΠΟΥΛΟΥ at ΓΡΕΒΕΝΑ ΞΥΛΟΤΕΧΝΙΚΗ."""

import datetime
from datetime import time as T
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from calls.models import Call
from interop.sandboxes.data_people import GREVENA_SUBSIDISED_HIRE as HIRED
from operations import services
from operations.models import Hire, Operation, Position, RecoveryCase
from operations.rules import hires as rules
from operations.services.hires import HIRING_DEADLINE_KIND, REPLACEMENT_DUE_KIND
from operations.tests.factories_hires import PAPADOPOULOU, operation_for
from opske.deadlines import sweep_due_deadlines
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.models import Deadline

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
NOTIFIED = HIRED - 10 * DAY


def _hire(op, user, **over):
    position = op.positions.get(seq=1)
    args = {
        "actor": user,
        "operation_id": op.pk,
        "position_id": position.pk,
        "amka": PAPADOPOULOU,
        "hire_date": HIRED,
        "referral_number": "ΚΠΑ2-ΚΟΖ-2026/118",
        "referral_date": HIRED - 3 * DAY,
        "work_from": T(8, 0),
        "work_to": T(16, 0),
        "declaration_exclusions": True,
        "declaration_other_scheme": True,
    }
    return services.hire_record(**{**args, **over})


def _deadlines(obj, kind):
    return Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk), kind=kind
    )


def test_positions_are_created_at_operation_start_with_the_60_day_deadline(kya7066):
    op, _ = operation_for(kya7066, per_category=(("01.22", 1), ("01.23", 2)), notified_on=NOTIFIED)
    assert [(p.seq, p.category, p.state) for p in op.positions.all()] == [
        (1, "01.22", "open"),
        (2, "01.23", "open"),
        (3, "01.23", "open"),
    ]
    assert {p.hiring_deadline for p in op.positions.all()} == {NOTIFIED + 60 * DAY}
    assert _deadlines(op, HIRING_DEADLINE_KIND).get().due_at.date() == NOTIFIED + 60 * DAY


def test_setting_hiring_deadline_anchor_changes_outcome(kya7066):
    signed = NOTIFIED - 4 * DAY
    by_notice, _ = operation_for(kya7066, notified_on=NOTIFIED, signed_on=signed)
    Call.objects.filter(pk=kya7066.pk).update(
        config={**kya7066.config, "gaps": {"hiring_deadline_anchor": "decision_issued"}}
    )
    kya7066.refresh_from_db()
    by_decision, _ = operation_for(kya7066, notified_on=NOTIFIED, signed_on=signed)
    assert by_notice.positions.get().hiring_deadline == NOTIFIED + 60 * DAY
    assert by_decision.positions.get().hiring_deadline == signed + 60 * DAY


def test_a_hire_is_recorded_after_the_e3_and_the_register_are_checked(kya7066):
    op, user = operation_for(kya7066, notified_on=NOTIFIED)
    hire = _hire(op, user)
    assert (hire.category, hire.monthly_rate, hire.months) == ("01.23", Decimal("829.50"), 12)
    assert hire.e3_protocol.startswith("Ε3-") and hire.kpa2 == "ΚΠΑ2 Κοζάνης"
    assert op.positions.get().state == Position.State.FILLED
    assert [c["check"] for c in hire.checks][:2] == ["Ε3", "Μητρώο ΔΥΠΑ"]


def test_a_hire_without_a_matching_e3_is_refused_and_nothing_is_saved(kya7066):
    op, user = operation_for(kya7066, notified_on=NOTIFIED)
    with pytest.raises(ValidationFailed) as exc:
        _hire(op, user, hire_date=HIRED + DAY)
    assert exc.value.code == "e3_missing" and "Ε3" in exc.value.fields["amka"][0]
    assert not Hire.objects.exists() and op.positions.get().state == Position.State.OPEN


def test_bad_input_is_refused_at_the_field(kya7066):
    op, user = operation_for(kya7066, notified_on=NOTIFIED)
    with pytest.raises(ValidationFailed) as exc:
        _hire(op, user, amka="15038580949")
    assert "amka" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        _hire(op, user, hire_date=NOTIFIED - DAY, referral_date=NOTIFIED - 5 * DAY)
    assert "πριν από την έναρξη" in exc.value.fields["hire_date"][0]
    with pytest.raises(ValidationFailed) as exc:
        _hire(op, user, work_from=T(22, 0), work_to=T(6, 0), declaration_exclusions=False)
    assert "4.2.1γ" in exc.value.fields["work_from"][0] and "declaration_exclusions" in exc.value.fields
    assert not Hire.objects.exists()


def test_the_position_category_must_match_the_persons_art_7_4(kya7066):
    op, user = operation_for(kya7066, per_category=(("01.22", 1),), notified_on=NOTIFIED)
    with pytest.raises(ValidationFailed) as exc:
        _hire(op, user)
    assert exc.value.code == "category_mismatch" and "7.4" in exc.value.message


def test_setting_never_employed_category_changes_outcome():
    # Art. 5.1.3 gives no rate to a person never employed (gap 17): the referral is held, or 01.23
    flagged, why = rules.person_category([], never_employed_reading="flag")
    assert flagged == "flag" and "απόφαση" in why
    assert rules.person_category([], never_employed_reading="rate_0123")[0] == "01.23"


def test_another_business_cannot_record_a_hire(kya7066):
    from applications.tests.factories import member

    op, _ = operation_for(kya7066, notified_on=NOTIFIED)
    with pytest.raises(NotFound):
        _hire(op, member("804773470"))


def test_unfilled_positions_are_flagged_when_the_hiring_deadline_passes(kya7066):
    op, user = operation_for(
        kya7066, per_category=(("01.23", 2),), notified_on=timezone.localdate() - 61 * DAY
    )
    sweep_due_deadlines()
    assert {p.unfilled_flagged_at is not None for p in op.positions.all()} == {True}


def test_leaver_extension_and_interruption_open_a_recovery_case_art_10_2_10_4a_11(kya7066, supervisor):
    op, user = operation_for(kya7066, notified_on=NOTIFIED)
    hire = _hire(op, user)
    left_on = timezone.localdate() - 5 * DAY
    services.hire_record_leaving(actor=user, hire_id=hire.pk, left_on=left_on, reason="Οικειοθελής αποχώρηση")
    position = op.positions.get()
    assert (position.state, position.replacement_due) == ("vacant", left_on + 30 * DAY)

    services.position_request_extension(actor=user, position_id=position.pk, reason="Αναζήτηση από το ΚΠΑ2")
    with pytest.raises(Conflict):
        services.position_request_extension(actor=user, position_id=position.pk, reason="δεύτερη")
    with pytest.raises(PermissionDenied):
        services.position_decide_extension(actor=user, position_id=position.pk, grant=True)
    position = services.position_decide_extension(
        actor=supervisor, position_id=position.pk, grant=True, reason="ok"
    )
    assert position.replacement_due == left_on + 60 * DAY
    assert (
        _deadlines(position, REPLACEMENT_DUE_KIND).filter(state="pending").get().due_at.date()
        == left_on + 60 * DAY
    )

    # the 60 days pass with no replacement (the deadline is due at once here)
    _deadlines(position, REPLACEMENT_DUE_KIND).filter(state="pending").update(due_at=timezone.now() - DAY)
    sweep_due_deadlines()
    position.refresh_from_db()
    case = RecoveryCase.objects.get(position=position)
    assert (
        position.state == Position.State.INTERRUPTED and case.state == "open" and case.leaving_date == left_on
    )
    # the months not begun by the last day are cut from the operation at 829,50 each
    served = rules.served_months(HIRED, left_on)
    assert served == 3 and position.cut_amount == Decimal("829.50") * (12 - served)  # 7.465,50
    assert Operation.objects.get(pk=op.pk).approved_total == Decimal("9954.00") - position.cut_amount


def test_no_unemployed_of_the_specialty_stops_the_position_without_consequence_art_10_4c(kya7066, supervisor):
    op, user = operation_for(kya7066, notified_on=NOTIFIED)
    hire = _hire(op, user)
    services.hire_record_leaving(actor=user, hire_id=hire.pk, left_on=HIRED + 40 * DAY, reason="Παραίτηση")
    position = services.position_stop_no_unemployed(
        actor=supervisor, position_id=op.positions.get().pk, reason="Βεβαίωση ΚΠΑ2: κανείς άνεργος ξυλουργός"
    )
    assert position.state == Position.State.STOPPED and not RecoveryCase.objects.exists()
    assert not _deadlines(position, REPLACEMENT_DUE_KIND).filter(state="pending").exists()


def test_a_replacement_of_the_other_category_is_refused_when_it_raises_the_budget_art_10_3(kya7066):
    op, user = operation_for(kya7066, notified_on=NOTIFIED)
    hire = _hire(op, user)
    services.hire_record_leaving(actor=user, hire_id=hire.pk, left_on=HIRED + 5 * DAY, reason="Παραίτηση")
    from operations.services.hires import _switch_check

    op = Operation.objects.get(pk=op.pk)
    position = op.positions.get()
    # 01.23 served 1 month (829,50) + 11 × 1.185,00 = 13.864,50 > 9.954,00 approved → refused
    switch = _switch_check(op, position, "01.22")
    assert not switch.ok and switch.projected_total == Decimal("13864.50") and "10.3" in switch.message
    assert _switch_check(op, position, "01.23").ok


def test_headcount_maintenance_is_checked_against_ergani_art_10_1(kya7066):
    op, user = operation_for(kya7066, notified_on=NOTIFIED)
    _hire(op, user)
    check = services.headcount_check_run(
        actor="δοκιμή", operation_id=op.pk, period_start=HIRED, period_end=timezone.localdate() - DAY
    )
    # ΕΡΓΑΝΗ: 19 staff after the February dismissals, + the subsidised hire = 20 committed, 20 there
    assert (check.committed, check.actual, check.ok) == (20, 20, True)


def test_the_same_e3_cannot_fill_a_second_position(kya7066):
    op, user = operation_for(kya7066, per_category=(("01.23", 2),), notified_on=NOTIFIED)
    _hire(op, user)
    with pytest.raises(ValidationFailed) as exc:
        _hire(op, user, position_id=op.positions.get(seq=2).pk)
    assert exc.value.code == "e3_already_recorded" and "amka" in exc.value.fields
    assert op.positions.get(seq=2).state == Position.State.OPEN
