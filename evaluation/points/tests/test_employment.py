"""ΚΥΑ 16936 employment after the referral, pinned to the articles: the Ε3 within 60 calendar days
of the day the referral note is brought (Art. 6(4)), with its reminder AFTER the last day; the 12
months that end by themselves (Art. 3(3), 6(11)); the monthly attendance (Art. 7(6), 8(1)); the
early end (Art. 6(5), 6(8)–(10)); the service's replacement request and ΚΠΑ2's approval, with the
replacement's contract per the call's setting `replacement_contract_length`."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from calls.models import Call
from evaluation.points import employment, services
from evaluation.points import employment_rules as rules
from evaluation.points.models import HostRequest, HostServiceStaff, MonthlyAttendance, Placement
from evaluation.points.tests.test_round import (  # noqa: F401  (fixtures)
    CAST,
    apps,
    assessed,
    at,
    final,
    provisional,
)
from opske.deadlines import sweep_due_deadlines
from opske.errors import Conflict, PermissionDenied, ValidationFailed
from opske.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db(transaction=False)
D = datetime.date
ACTIVE = {"registered": True, "card_status": "active"}


# --- Pure rules -------------------------------------------------------------------------------


def test_e3_deadline_counts_sixty_calendar_days_from_the_day_after_the_note():
    # Note brought Thu 05/02/2026: day 1 is 06/02, day 60 is Mon 06/04/2026 (a working day).
    assert rules.e3_deadline(D(2026, 2, 5)) == D(2026, 4, 6)
    # Note brought Mon 02/03/2026: day 60 is Fri 01/05/2026, Labour Day → Mon 04/05/2026 (ΚΔΔ art. 10).
    assert rules.e3_deadline(D(2026, 3, 2)) == D(2026, 5, 4)


def test_e3_is_late_only_after_the_whole_last_day():
    due = D(2026, 4, 6)
    assert not rules.e3_overdue(due_on=due, filed_on=None, today=D(2026, 4, 6))  # the last day itself
    assert rules.e3_overdue(due_on=due, filed_on=None, today=D(2026, 4, 7))
    assert not rules.e3_overdue(due_on=due, filed_on=D(2026, 4, 6), today=D(2026, 5, 1))
    assert rules.e3_overdue(due_on=due, filed_on=D(2026, 4, 7), today=D(2026, 5, 1))


def test_twelve_months_end_the_day_before_the_same_date():
    assert rules.employment_end(D(2026, 2, 1), 12) == D(2027, 1, 31)
    assert rules.employment_end(D(2026, 1, 31), 12) == D(2027, 1, 30)
    assert rules.employment_end(D(2026, 2, 1), 9) == D(2026, 10, 31)


def test_replacement_gets_the_months_the_departing_person_did_not_use():
    # Started 01/02/2026, last day 15/04/2026: February, March and half of April → 3 months used.
    assert rules.months_used(D(2026, 2, 1), D(2026, 4, 15)) == 3
    assert (
        rules.replacement_contract_months(
            "remaining_months", replaced_started_on=D(2026, 2, 1), replaced_ended_on=D(2026, 4, 15)
        )
        == 9
    )
    # One who never started (declined, excluded) leaves the whole 12 months.
    assert (
        rules.replacement_contract_months(
            "remaining_months", replaced_started_on=None, replaced_ended_on=None
        )
        == 12
    )
    assert (
        rules.replacement_contract_months(
            "full_12", replaced_started_on=D(2026, 2, 1), replaced_ended_on=D(2026, 4, 15)
        )
        == 12
    )


def test_attendance_is_refused_before_the_month_ends_and_beyond_its_employment_days():
    entry = rules.AttendanceEntry(D(2026, 3, 1), 20, 1, 2)
    ok = rules.attendance_problems(
        entry, started_on=D(2026, 2, 1), ends_on=D(2027, 1, 31), today=D(2026, 4, 1)
    )
    assert ok == {}
    # March 2026 on 31/03: not ended yet (Art. 8(1): «μετά τη λήξη κάθε μήνα»).
    early = rules.attendance_problems(entry, started_on=D(2026, 2, 1), ends_on=None, today=D(2026, 3, 31))
    assert "month" in early
    # Started 20/03: 12 days of employment in March, 23 declared.
    over = rules.attendance_problems(entry, started_on=D(2026, 3, 20), ends_on=None, today=D(2026, 4, 1))
    assert "12 ημέρες" in over["days_worked"]
    before = rules.attendance_problems(entry, started_on=D(2026, 4, 2), ends_on=None, today=D(2026, 6, 1))
    assert "εκτός" in before["month"]


# --- Services on PostgreSQL --------------------------------------------------------------------


@pytest.fixture
def referred(final, apps, admin_user, supervisor):  # noqa: F811
    services.placements_allocate(actor=admin_user, round_id=final.pk)
    maria = Placement.objects.get(round=final, application=apps["15038580948"])
    services.placement_refer(actor=supervisor, placement_id=maria.pk, note="Σημείωμα", register=ACTIVE)
    # ΚΠΑ2 referred her on 02/02/2026 (the test runs later: the referral is in the past).
    Placement.objects.filter(pk=maria.pk).update(referred_at=at(D(2026, 2, 2), 10))
    maria.refresh_from_db()
    return maria


@pytest.fixture
def host(referred):
    user = UserFactory()
    HostServiceStaff.objects.create(user=user, service=referred.service)
    return user


def test_the_e3_reminder_fires_the_day_after_the_last_day_not_during_it(referred, host, supervisor):
    p = employment.placement_note_received(actor=host, placement_id=referred.pk, received_on=D(2026, 2, 5))
    assert p.e3_due_on == D(2026, 4, 6)
    # 23:59 on the last day: still in time, nothing fires.
    assert sweep_due_deadlines(now=at(D(2026, 4, 6), 23, 59)) == 0
    assert not Notification.objects.filter(kind="points_e3_overdue").exists()
    # The first sweep after midnight: the service and ΚΠΑ2 are reminded.
    sweep_due_deadlines(now=at(D(2026, 4, 7), 0, 1))
    reminded = set(
        Notification.objects.filter(kind="points_e3_overdue").values_list("recipient_id", flat=True)
    )
    assert {host.pk, supervisor.pk} <= reminded
    body = Notification.objects.filter(kind="points_e3_overdue").first().body
    assert "05/02/2026" in body and "06/04/2026" in body
    assert AuditEvent.objects.filter(action="points.e3_overdue").count() == 1


def test_the_e3_reminder_does_not_fire_once_the_start_is_recorded(referred, host, supervisor):
    employment.placement_note_received(actor=host, placement_id=referred.pk, received_on=D(2026, 2, 5))
    p = employment.employment_start(
        actor=host,
        placement_id=referred.pk,
        started_on=D(2026, 3, 1),
        e3_filed_on=D(2026, 2, 27),
        e3_protocol="Ε3-1",
    )
    assert p.state == Placement.State.HIRED and p.hired_on == D(2026, 3, 1)
    assert (p.contract_months, p.contract_ends_on) == (12, D(2027, 2, 28))
    sweep_due_deadlines(now=at(D(2026, 4, 7), 0, 1))
    assert not Notification.objects.filter(kind="points_e3_overdue").exists()
    # Art. 6(4): ΔΥΠΑ is informed that the hiring is complete.
    assert Notification.objects.filter(kind="points_hired", recipient=supervisor).exists()


def test_the_note_cannot_predate_the_referral_nor_be_recorded_by_another_service(referred, host):
    with pytest.raises(ValidationFailed) as exc:
        employment.placement_note_received(actor=host, placement_id=referred.pk, received_on=D(2026, 2, 1))
    assert "received_on" in exc.value.fields
    stranger = UserFactory()
    other = (
        Call.objects.get(pk=referred.round.call_id).placement_services.exclude(pk=referred.service_id).first()
    )
    HostServiceStaff.objects.create(user=stranger, service=other)
    with pytest.raises(PermissionDenied):
        employment.placement_note_received(
            actor=stranger, placement_id=referred.pk, received_on=D(2026, 2, 5)
        )
    referred.refresh_from_db()
    assert referred.note_brought_on is None


def test_start_needs_the_note_and_cannot_predate_it(referred, host):
    with pytest.raises(Conflict) as exc:
        employment.employment_start(
            actor=host,
            placement_id=referred.pk,
            started_on=D(2026, 3, 1),
            e3_filed_on=D(2026, 3, 1),
            e3_protocol="x",
        )
    assert exc.value.code == "note_missing"
    employment.placement_note_received(actor=host, placement_id=referred.pk, received_on=D(2026, 2, 5))
    with pytest.raises(ValidationFailed) as exc:
        employment.employment_start(
            actor=host,
            placement_id=referred.pk,
            started_on=D(2026, 2, 4),
            e3_filed_on=D(2026, 2, 6),
            e3_protocol="x",
        )
    assert "started_on" in exc.value.fields


@pytest.fixture
def hired(referred, host):
    employment.placement_note_received(actor=host, placement_id=referred.pk, received_on=D(2026, 2, 5))
    return employment.employment_start(
        actor=host,
        placement_id=referred.pk,
        started_on=D(2026, 2, 9),
        e3_filed_on=D(2026, 2, 6),
        e3_protocol="Ε3-77",
    )


def test_monthly_attendance_is_recorded_and_corrected_with_its_audit(hired, host):
    record = employment.attendance_record(
        actor=host, placement_id=hired.pk, month=D(2026, 3, 1), days_worked=20, unjustified_absence_days=2
    )
    assert (record.days_worked, record.unjustified_absence_days, record.justified_leave_days) == (20, 2, 0)
    employment.attendance_record(
        actor=host, placement_id=hired.pk, month=D(2026, 3, 15), days_worked=21, justified_leave_days=1
    )
    again = MonthlyAttendance.objects.get(placement=hired)
    assert (again.month, again.days_worked, again.unjustified_absence_days) == (D(2026, 3, 1), 21, 0)
    corrected = AuditEvent.objects.get(action="points.attendance_corrected")
    assert corrected.before["days_worked"] == 20 and corrected.after["days_worked"] == 21
    # February 2026 from the 9th: 20 days of employment; 25 declared is refused, nothing stored.
    with pytest.raises(ValidationFailed) as exc:
        employment.attendance_record(actor=host, placement_id=hired.pk, month=D(2026, 2, 1), days_worked=25)
    assert "20 ημέρες" in exc.value.fields["days_worked"][0]
    assert MonthlyAttendance.objects.filter(placement=hired).count() == 1


def test_attendance_is_entered_by_the_service_not_by_ktpa2(hired, supervisor):
    with pytest.raises(PermissionDenied):
        employment.attendance_record(
            actor=supervisor, placement_id=hired.pk, month=D(2026, 3, 1), days_worked=20
        )


def test_the_employment_ends_by_itself_after_its_last_day(hired):
    assert hired.contract_ends_on == D(2027, 2, 8)
    sweep_due_deadlines(now=at(D(2027, 2, 8), 23, 59))
    hired.refresh_from_db()
    assert hired.state == Placement.State.HIRED
    sweep_due_deadlines(now=at(D(2027, 2, 9), 0, 1))
    hired.refresh_from_db()
    assert (hired.state, hired.ended_on) == (Placement.State.COMPLETED, D(2027, 2, 8))
    assert (
        "Βεβαίωση Χρόνου Απασχόλησης"
        in Notification.objects.get(
            kind="points_employment_completed", recipient__host_services__service=hired.service
        ).body
    )


def test_a_serious_reason_termination_is_notified_to_the_beneficiary_and_ddypa(hired, host, supervisor):
    p = employment.employment_end(
        actor=host,
        placement_id=hired.pk,
        ended_on=D(2026, 4, 15),
        end_kind=Placement.EndKind.SERIOUS_REASON,
        reason="Αδικαιολόγητη απουσία 10 ημερών· έκθεση 12/04/2026.",
    )
    assert (p.state, p.ended_on) == (Placement.State.LEFT, D(2026, 4, 15))
    notice = Notification.objects.filter(kind="points_employment_ended")
    assert set(notice.values_list("recipient_id", flat=True)) >= {
        supervisor.pk,
        p.application.applicant_user_id,
    }
    # The 12-month end no longer fires.
    sweep_due_deadlines(now=at(D(2027, 2, 9), 0, 1))
    p.refresh_from_db()
    assert p.state == Placement.State.LEFT


def test_a_position_ended_for_the_hosts_force_majeure_is_not_refilled(hired, host):
    employment.employment_end(
        actor=host,
        placement_id=hired.pk,
        ended_on=D(2026, 4, 15),
        end_kind=Placement.EndKind.FORCE_MAJEURE_HOST,
        reason="Πυρκαγιά στο κτίριο της υπηρεσίας.",
    )
    with pytest.raises(Conflict) as exc:
        employment.host_request_submit(actor=host, placement_id=hired.pk, reason="Αντικατάσταση")
    assert exc.value.code == "not_refillable"
    assert not HostRequest.objects.exists()


def _leave_and_request(hired, host, supervisor):
    employment.employment_end(
        actor=host,
        placement_id=hired.pk,
        ended_on=D(2026, 4, 15),
        end_kind=Placement.EndKind.VOLUNTARY,
        reason="Παραίτηση της 10/04/2026.",
    )
    req = employment.host_request_submit(actor=host, placement_id=hired.pk, reason="Κενή θέση ΔΕ.")
    assert Notification.objects.filter(kind="points_host_request", recipient=supervisor).exists()
    with pytest.raises(Conflict):
        employment.host_request_submit(actor=host, placement_id=hired.pk, reason="Δεύτερο")
    return employment.host_request_decide(actor=supervisor, request_id=req.pk, approve=True)


@pytest.mark.parametrize("setting, months", [(None, 9), ("remaining_months", 9), ("full_12", 12)])
def test_setting_replacement_contract_length_changes_outcome(hired, host, supervisor, setting, months):
    # Started 09/02/2026, last day 15/04/2026 → 3 months used: the default «remaining_months» gives
    # the replacement the 9 left; «full_12» a full year (note 002 §5.6 [GAP], question 7).
    if setting:
        call = Call.objects.get(pk=hired.round.call_id)
        gaps = {**(call.config or {}).get("gaps", {}), "replacement_contract_length": setting}
        call.config = {**(call.config or {}), "gaps": gaps}
        call.save(update_fields=["config"])
    req = _leave_and_request(hired, host, supervisor)
    assert req.state == HostRequest.State.APPROVED
    assert req.replacement.contract_months == months and req.replacement.replaces_id == hired.pk
    assert Notification.objects.filter(kind="points_host_request_decided", recipient=host).exists()
    assert AuditEvent.objects.get(action="points.replaced").after["contract_months"] == months


def test_a_refusal_needs_reasons_and_the_service_may_ask_again(hired, host, supervisor):
    employment.employment_end(
        actor=host, placement_id=hired.pk, ended_on=D(2026, 4, 15), end_kind="voluntary", reason="Παραίτηση."
    )
    req = employment.host_request_submit(actor=host, placement_id=hired.pk, reason="Κενή θέση.")
    with pytest.raises(ValidationFailed):
        employment.host_request_decide(actor=supervisor, request_id=req.pk, approve=False)
    with pytest.raises(PermissionDenied):
        employment.host_request_decide(actor=host, request_id=req.pk, approve=True)
    employment.host_request_decide(
        actor=supervisor, request_id=req.pk, approve=False, reasons="Λείπει η έκθεση."
    )
    assert (
        employment.host_request_submit(actor=host, placement_id=hired.pk, reason="Με την έκθεση.").pk
        != req.pk
    )


# --- Pages -------------------------------------------------------------------------------------


def test_a_service_sees_only_its_own_placements_and_another_one_is_404(hired, host):
    client = Client()
    client.force_login(host)
    listing = client.get(reverse("points:employment"))
    assert listing.status_code == 200 and hired.application.protocol_number in listing.content.decode()
    assert client.get(reverse("points:employment-detail", args=[hired.pk])).status_code == 200
    stranger = UserFactory()
    other = Call.objects.get(pk=hired.round.call_id).placement_services.exclude(pk=hired.service_id).first()
    HostServiceStaff.objects.create(user=stranger, service=other)
    client.force_login(stranger)
    assert hired.application.protocol_number not in client.get(reverse("points:employment")).content.decode()
    assert client.get(reverse("points:employment-detail", args=[hired.pk])).status_code == 404
    nobody = UserFactory()
    client.force_login(nobody)
    assert client.get(reverse("points:employment")).status_code == 403


def test_bad_dates_are_refused_at_the_field_and_change_nothing(referred, host):
    client = Client()
    client.force_login(host)
    answer = client.post(reverse("points:employment-note", args=[referred.pk]), {"received_on": "31/02/2026"})
    assert answer.status_code == 200 and "ηη/μμ/εεεε" in answer.content.decode()
    referred.refresh_from_db()
    assert referred.note_brought_on is None
    filtered = client.get(reverse("points:employment"), {"e3": "overdue", "state": "nonsense"})
    assert filtered.status_code == 200


def test_request_and_decision_pass_through_their_confirmation_pages(hired, host, supervisor):
    employment.employment_end(
        actor=host, placement_id=hired.pk, ended_on=D(2026, 4, 15), end_kind="voluntary", reason="Παραίτηση."
    )
    client = Client()
    client.force_login(host)
    url = reverse("points:employment-request", args=[hired.pk])
    first = client.post(url, {"reason": "Κενή θέση ΔΕ."})
    assert first.status_code == 200 and "confirm-irreversible" in first.content.decode()
    assert not HostRequest.objects.exists()  # nothing before the confirmation
    assert client.post(url, {"reason": "Κενή θέση ΔΕ.", "confirm": "on"}).status_code == 302
    req = HostRequest.objects.get()
    # The service cannot decide its own request; ΚΠΑ2 can, after confirming.
    decide = reverse("points:employment-request-decide", args=[req.pk])
    assert client.get(decide).status_code == 403
    client.force_login(supervisor)
    assert decide in client.get(reverse("points:employment-requests")).content.decode()
    refused = client.post(decide, {"outcome": "refuse", "reasons": ""})
    assert "υποχρεωτική" in refused.content.decode()
    client.post(decide, {"outcome": "approve"})
    req.refresh_from_db()
    assert req.state == HostRequest.State.SUBMITTED
    assert client.post(decide, {"outcome": "approve", "confirm": "on"}).status_code == 302
    req.refresh_from_db()
    assert req.state == HostRequest.State.APPROVED and req.replacement.contract_months == 9


def test_the_employment_list_reads_a_fixed_number_of_queries(hired, host, django_assert_max_num_queries):
    client = Client()
    client.force_login(host)
    with django_assert_max_num_queries(12):
        answer = client.get(reverse("points:employment"), {"state": "hired"})
    assert answer.status_code == 200 and hired.application.protocol_number in answer.content.decode()


def test_the_service_staff_dashboard_links_to_its_employment_pages(host):
    client = Client()
    client.force_login(host)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert 'id="panel-host-service"' in page and reverse("points:employment") in page
    assert "Δεν σας έχει ανατεθεί ακόμη ρόλος" not in page


def test_the_certificate_of_employment_is_issued_once_the_employment_ended(hired, host):
    client = Client()
    client.force_login(host)
    url = reverse("points:employment-certificate", args=[hired.pk])
    assert client.get(url).status_code == 403  # still employed
    sweep_due_deadlines(now=at(D(2027, 2, 9), 0, 1))  # Art. 6(11): ended by itself on 08/02/2027
    answer = client.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="points.employment_certificate_issued").exists()


def test_after_the_hosts_force_majeure_the_board_places_the_beneficiary_elsewhere(hired, host, supervisor):
    employment.employment_end(
        actor=host,
        placement_id=hired.pk,
        ended_on=D(2026, 4, 15),
        end_kind=Placement.EndKind.FORCE_MAJEURE_HOST,
        reason="Πυρκαγιά στο κτίριο της υπηρεσίας.",
    )
    other = Call.objects.get(pk=hired.round.call_id).placement_services.exclude(pk=hired.service_id).first()
    args = {
        "actor": supervisor,
        "placement_id": hired.pk,
        "service_code": other.code,
        "board_decision": "12/3/2026",
    }
    with pytest.raises(ValidationFailed) as exc:
        employment.placement_relocate_after_end(**args, consent=False)
    assert "consent" in exc.value.fields
    with pytest.raises(ValidationFailed):
        employment.placement_relocate_after_end(**{**args, "service_code": hired.service.code}, consent=True)
    with pytest.raises(PermissionDenied):
        employment.placement_relocate_after_end(**{**args, "actor": host}, consent=True)
    new = employment.placement_relocate_after_end(**args, consent=True)
    # Over the new service's quota, for the 9 months she did not use (started 09/02, left 15/04).
    assert (new.service, new.state, new.over_quota, new.contract_months) == (
        other,
        Placement.State.REFERRED,
        True,
        9,
    )
    assert new.relocated_from_id == hired.pk and new.application_id == hired.application_id
    with pytest.raises(Conflict):
        employment.placement_relocate_after_end(**args, consent=True)
    assert Notification.objects.filter(
        kind="points_relocated_after_end", recipient=hired.application.applicant_user
    ).exists()


def test_a_voluntary_departure_is_not_relocated_by_the_board(hired, host, supervisor):
    employment.employment_end(
        actor=host, placement_id=hired.pk, ended_on=D(2026, 4, 15), end_kind="voluntary", reason="Παραίτηση."
    )
    other = Call.objects.get(pk=hired.round.call_id).placement_services.exclude(pk=hired.service_id).first()
    with pytest.raises(Conflict):
        employment.placement_relocate_after_end(
            actor=supervisor,
            placement_id=hired.pk,
            service_code=other.code,
            board_decision="1/2026",
            consent=True,
        )


def test_the_relocation_after_an_end_cites_art_6_9_10_and_the_one_over_quota_art_6_7():
    from evaluation.points.forms import RelocateAfterEndForm, RelocateForm

    services_ = [("S1", "Υπηρεσία 1")]
    after = RelocateAfterEndForm({"service_code": "S1"}, services_=services_)
    over = RelocateForm({"service_code": "S1"}, services_=services_)

    assert not after.is_valid() and not over.is_valid()
    assert after.errors["consent"] == ["Απαιτείται η σύμφωνη γνώμη της νέας υπηρεσίας (Άρθ. 6(9)–(10))."]
    assert after.errors["board_decision"] == ["Συμπληρώστε την απόφαση του Δ.Σ. (Άρθ. 6(9)–(10))."]
    assert over.errors["consent"] == ["Απαιτείται η σύμφωνη γνώμη της υπηρεσίας τοποθέτησης (Άρθ. 6(7))."]
    assert after.fields["service_code"].label == "Νέα υπηρεσία τοποθέτησης"
    assert over.fields["service_code"].label.startswith("Υπηρεσία τοποθέτησης")
