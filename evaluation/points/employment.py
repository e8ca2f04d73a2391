"""ΚΥΑ 16936: a placement's employment, from the referral note to its end. Every write here.

Flow (note 002 §6.2, Art. 6): ΚΠΑ2 refers (services.placement_refer) → the beneficiary brings the
referral note to the placement service, which records the day (`placement_note_received`: the 60
days for the Ε3 start, Art. 6(4), on the deadline engine; a reminder fires the day AFTER the last
day) → the service files the Ε3 and records the start of employment (`employment_start`; ΔΥΠΑ is
informed, Art. 6(4); the 12 months end by themselves, Art. 3(3), 6(11)) → each month after it ends,
the service records the attendance (`attendance_record`, Art. 7(6), 8(1)) → the employment ends
by itself (`employment_complete`, run by the deadline) or early (`employment_end`, Art. 6(5),
6(8)–(10)) → the service asks ΚΠΑ2 for a replacement (`host_request_submit`) and ΚΠΑ2 decides
(`host_request_decide`: approved → services.placement_replace, with the contract length the call's
setting `replacement_contract_length` gives).
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from accounts.models import Role
from evaluation.points import employment_rules as rules
from evaluation.points.models import HostRequest, HostServiceStaff, MonthlyAttendance, Placement
from evaluation.points.services import MANAGE_ROLES, _locked_placement, placement_replace, require_manager
from opske import audit
from opske.calendar import ATHENS
from opske.deadlines import deadline_cancel, deadline_schedule
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.notifications import notify

E3_REMINDER_KIND = "points.e3_overdue"
EMPLOYMENT_END_KIND = "points.employment_end"
PLACEMENT_FIELDS = (
    "state",
    "note_brought_on",
    "e3_due_on",
    "e3_filed_on",
    "e3_protocol",
    "hired_on",
    "contract_months",
    "contract_ends_on",
    "ended_on",
    "end_kind",
    "ended_reason",
)
# Art. 6(9), 6(10): «η θέση δεν καλύπτεται από έτερο ωφελούμενο».
NOT_REFILLED = (Placement.EndKind.FORCE_MAJEURE_HOST, Placement.EndKind.OTHER_NOT_BENEFICIARY)


def _today() -> datetime.date:
    return timezone.localtime(timezone.now(), ATHENS).date()


def is_host_staff(user, service_id: int) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and HostServiceStaff.objects.filter(user=user, service_id=service_id).exists()
    )


def require_host(actor, placement: Placement) -> None:
    """Only the staff of the placement's own service record its employment (Art. 2(2): the host
    «απασχολεί τους ωφελούμενους και πιστοποιεί την απασχόλησή τους»)."""
    if isinstance(actor, str):
        return
    if not (actor.is_superuser or is_host_staff(actor, placement.service_id)):
        raise PermissionDenied("Την ενέργεια καταχωρίζει η υπηρεσία τοποθέτησης του/της ωφελούμενου/ης.")


def _managers():
    return get_user_model().objects.filter(role_assignments__role__in=MANAGE_ROLES).distinct()


def _host_users(service_id: int):
    return get_user_model().objects.filter(host_services__service_id=service_id).distinct()


def _code(p: Placement) -> str:
    return p.application.protocol_number or f"#{p.application_id}"


def _write(actor, p: Placement, before: dict, action: str, reason: str) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=p,
        before=before,
        after=audit.snapshot(p, PLACEMENT_FIELDS),
        reason=reason,
    )


def _locked(placement_id: int) -> Placement:
    p = _locked_placement(placement_id)
    return Placement.objects.select_related("application", "service", "round__call").get(pk=p.pk)


# --- The referral note and the Ε3 (Art. 6(4)) -----------------------------------------------------


def placement_note_received(*, actor, placement_id: int, received_on: datetime.date) -> Placement:
    """The beneficiary brought the referral note on `received_on`: the 60 calendar days for the Ε3
    start the next day (Art. 6(4)). A durable deadline at the END of the last day reminds the
    service and ΚΠΑ2 on the first sweep after it, never during the last day itself."""
    if received_on is None:
        raise ValidationFailed(fields={"received_on": ["Συμπληρώστε την ημερομηνία προσκόμισης."]})
    with transaction.atomic():
        p = _locked(placement_id)
        require_host(actor, p)
        if p.state != Placement.State.REFERRED:
            raise Conflict("Το συστατικό σημείωμα καταχωρίζεται για υποδειχθέντα/είσα.", code="bad_state")
        if p.note_brought_on is not None:
            raise Conflict("Η προσκόμιση του σημειώματος έχει ήδη καταχωριστεί.", code="already_recorded")
        referred_on = timezone.localtime(p.referred_at, ATHENS).date() if p.referred_at else None
        if received_on > _today():
            raise ValidationFailed(fields={"received_on": ["Η ημερομηνία δεν μπορεί να είναι μελλοντική."]})
        if referred_on and received_on < referred_on:
            raise ValidationFailed(
                fields={
                    "received_on": [
                        f"Το σημείωμα εκδόθηκε στις {referred_on:%d/%m/%Y}· δεν προσκομίστηκε νωρίτερα."
                    ]
                }
            )
        before = audit.snapshot(p, PLACEMENT_FIELDS)
        p.note_brought_on = received_on
        p.e3_due_on = rules.e3_deadline(received_on)
        p.save(update_fields=["note_brought_on", "e3_due_on"])
        recipients = [*_host_users(p.service_id), *_managers()]
        deadline_schedule(
            obj=p,
            kind=E3_REMINDER_KIND,
            due_at=p.e3_due_on,  # a date: the end of that day, Athens time
            calendar_kind="calendar",
            payload={"recipients": sorted({u.pk for u in recipients})},
            actor=actor,
        )
        _write(actor, p, before, "points.note_received", "ΚΥΑ 16936 Άρθ. 6(4)")
    return p


def e3_overdue_notify(*, placement_id: int, recipients: list[int], actor) -> None:
    """Run by the deadline after the last day: the Ε3 is still not recorded."""
    p = Placement.objects.select_related("application", "service").filter(pk=placement_id).first()
    if p is None or p.state != Placement.State.REFERRED or p.e3_filed_on is not None:
        return
    users = list(get_user_model().objects.filter(pk__in=recipients))
    notify(
        recipients=users,
        subject=f"Έληξε η προθεσμία αναγγελίας Ε3 — αίτηση {_code(p)}",
        body=(
            f"Το συστατικό σημείωμα προσκομίστηκε στις {p.note_brought_on:%d/%m/%Y}· η αναγγελία "
            f"πρόσληψης Ε3 στο ΕΡΓΑΝΗ ΙΙ έπρεπε να γίνει έως και τις {p.e3_due_on:%d/%m/%Y} "
            f"(60 ημερολογιακές ημέρες, ΚΥΑ 16936 Άρθ. 6(4)). Υπηρεσία: {p.service.name}."
        ),
        kind="points_e3_overdue",
        obj=p,
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="points.e3_overdue",
        obj=p,
        after={"e3_due_on": p.e3_due_on, "recipients": len(users)},
        reason="ΚΥΑ 16936 Άρθ. 6(4)",
    )


# --- Start of employment (Art. 6(4), 3(3)) ------------------------------------------------------


def employment_start(
    *, actor, placement_id: int, started_on: datetime.date, e3_filed_on: datetime.date, e3_protocol: str
) -> Placement:
    """The service filed the Ε3 in ΕΡΓΑΝΗ ΙΙ: the employment starts on `started_on` for the
    placement's months (12, or a replacement's per the call's setting) and ends by itself
    (Art. 3(3), 6(11)). ΔΥΠΑ is informed (Art. 6(4) «στη συνέχεια να ενημερώσει τη Δ.ΥΠ.Α.»)."""
    errors: dict[str, list[str]] = {}
    protocol = (e3_protocol or "").strip()
    if started_on is None:
        errors["started_on"] = ["Συμπληρώστε την ημερομηνία έναρξης απασχόλησης."]
    if e3_filed_on is None:
        errors["e3_filed_on"] = ["Συμπληρώστε την ημερομηνία υποβολής του Ε3."]
    elif e3_filed_on > _today():
        errors["e3_filed_on"] = ["Η ημερομηνία υποβολής δεν μπορεί να είναι μελλοντική."]
    if not protocol:
        errors["e3_protocol"] = ["Συμπληρώστε τον αριθμό πρωτοκόλλου του Ε3."]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    with transaction.atomic():
        p = _locked(placement_id)
        require_host(actor, p)
        if not can_proceed(p.hire):
            raise Conflict(
                f"Η έναρξη απασχόλησης δεν καταχωρίζεται όταν η τοποθέτηση είναι «{p.get_state_display()}».",
                code="bad_state",
            )
        if p.note_brought_on is None:
            raise Conflict(
                "Καταχωρίστε πρώτα την ημερομηνία προσκόμισης του συστατικού σημειώματος (Άρθ. 6(4)).",
                code="note_missing",
            )
        if e3_filed_on < p.note_brought_on:
            raise ValidationFailed(
                fields={"e3_filed_on": ["Το Ε3 δεν μπορεί να προηγείται της προσκόμισης του σημειώματος."]}
            )
        if started_on < p.note_brought_on:
            raise ValidationFailed(
                fields={"started_on": ["Η έναρξη δεν μπορεί να προηγείται της προσκόμισης του σημειώματος."]}
            )
        if p.contract_months < 1:
            raise Conflict("Δεν απομένουν μήνες απασχόλησης για αυτή τη θέση.", code="no_months_left")
        before = audit.snapshot(p, PLACEMENT_FIELDS)
        p.hire()
        p.hired_on = started_on
        p.e3_filed_on = e3_filed_on
        p.e3_protocol = protocol[:40]
        p.contract_ends_on = rules.employment_end(started_on, p.contract_months)
        p.save()
        deadline_cancel(obj=p, kind=E3_REMINDER_KIND, actor=actor, reason="Το Ε3 καταχωρίστηκε.")
        deadline_cancel(obj=p, kind="opske.reminder", actor=actor, reason="Το Ε3 καταχωρίστηκε.")
        deadline_schedule(
            obj=p, kind=EMPLOYMENT_END_KIND, due_at=p.contract_ends_on, calendar_kind="calendar", actor=actor
        )
        late = rules.e3_overdue(due_on=p.e3_due_on, filed_on=e3_filed_on, today=_today())
        notify(
            recipients=list(_managers()),
            subject=f"Ολοκληρώθηκε η πρόσληψη — αίτηση {_code(p)}",
            body=(
                f"Η υπηρεσία «{p.service.name}» υπέβαλε το Ε3 (αρ. {p.e3_protocol}) "
                f"στις {e3_filed_on:%d/%m/%Y}"
                f"{' εκπρόθεσμα' if late else ''}· έναρξη απασχόλησης {started_on:%d/%m/%Y}, λήξη "
                f"{p.contract_ends_on:%d/%m/%Y} ({p.contract_months} μήνες, ΚΥΑ 16936 Άρθ. 3(3), 6(4))."
            ),
            kind="points_hired",
            obj=p,
            actor=actor,
        )
        _write(
            actor,
            p,
            before,
            "points.employment_started",
            "ΚΥΑ 16936 Άρθ. 6(4)" + (" · εκπρόθεσμο Ε3" if late else ""),
        )
    return p


# --- Monthly attendance (Art. 7(6), 8(1)) --------------------------------------------------------


def attendance_record(
    *,
    actor,
    placement_id: int,
    month: datetime.date,
    days_worked: int,
    unjustified_absence_days: int = 0,
    justified_leave_days: int = 0,
    note: str = "",
) -> MonthlyAttendance:
    """The service records one ended month of a hired placement. A second entry for the same month
    corrects the first (before and after kept in the audit). The pay cut of Art. 7(6) is payments'."""
    if month is None:
        raise ValidationFailed(fields={"month": ["Επιλέξτε μήνα."]})
    entry = rules.AttendanceEntry(
        month, days_worked or 0, unjustified_absence_days or 0, justified_leave_days or 0
    )
    with transaction.atomic():
        p = _locked(placement_id)
        require_host(actor, p)
        if (
            p.state
            not in (
                Placement.State.HIRED,
                Placement.State.COMPLETED,
                Placement.State.LEFT,
                Placement.State.REPLACED,
            )
            or p.hired_on is None
        ):
            raise Conflict(
                "Παρουσίες καταχωρίζονται μόνο για απασχόληση που έχει ξεκινήσει.", code="bad_state"
            )
        ends_on = p.ended_on or p.contract_ends_on
        problems = rules.attendance_problems(entry, started_on=p.hired_on, ends_on=ends_on, today=_today())
        if problems:
            raise ValidationFailed(
                next(iter(problems.values())), fields={k: [v] for k, v in problems.items()}
            )
        first = rules.month_start(month)
        existing = MonthlyAttendance.objects.select_for_update().filter(placement=p, month=first).first()
        fields = ("days_worked", "unjustified_absence_days", "justified_leave_days", "note")
        before = audit.snapshot(existing, fields) if existing else None
        record = existing or MonthlyAttendance(placement=p, month=first)
        record.days_worked = entry.days_worked
        record.unjustified_absence_days = entry.unjustified_absence_days
        record.justified_leave_days = entry.justified_leave_days
        record.note = (note or "").strip()[:2000]
        record.entered_by = actor if not isinstance(actor, str) else _system()
        record.entered_at = timezone.now()
        record.save()
        audit.record(
            actor=actor,
            action="points.attendance_corrected" if existing else "points.attendance_recorded",
            obj=record,
            before=before,
            after={"month": first, **audit.snapshot(record, fields)},
            reason="ΚΥΑ 16936 Άρθ. 7(6), 8(1)",
        )
    return record


def _system():
    from evaluation.points.services import _system_user

    return _system_user()


# --- End of employment (Art. 6(5), 6(8)–(11)) -----------------------------------------------------


def employment_complete(*, actor, placement_id: int) -> Placement | None:
    """Art. 6(11): at the end of the period the employment ends by itself, without compensation
    and without an act; the service must give the Βεβαίωση Χρόνου Απασχόλησης. Run by the deadline."""
    with transaction.atomic():
        p = _locked(placement_id)
        if p.state != Placement.State.HIRED:
            return None
        before = audit.snapshot(p, PLACEMENT_FIELDS)
        p.complete()
        p.ended_on = p.contract_ends_on
        p.save()
        notify(
            recipients=[*_host_users(p.service_id), *_managers()],
            subject=f"Λήξη απασχόλησης — αίτηση {_code(p)}",
            body=(
                f"Η απασχόληση έληξε αυτοδικαίως στις {p.contract_ends_on:%d/%m/%Y} (ΚΥΑ 16936 Άρθ. 6(11)). "
                "Η υπηρεσία χορηγεί στον/στην ωφελούμενο/η Βεβαίωση Χρόνου Απασχόλησης."
            ),
            kind="points_employment_completed",
            obj=p,
            actor=actor,
        )
        _write(actor, p, before, "points.employment_completed", "ΚΥΑ 16936 Άρθ. 6(11)")
    return p


def employment_end(
    *, actor, placement_id: int, ended_on: datetime.date, end_kind: str, reason: str
) -> Placement:
    """The employment ends before its period: voluntary departure (Art. 6(5)), the service's
    termination for force majeure or a serious service reason with a reasoned report notified to
    the beneficiary and ΔΥΠΑ (Art. 6(8)), or for a reason of the host / not the beneficiary's, after
    which the position is not refilled and the Board places the person elsewhere (Art. 6(9)–(10))."""
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if end_kind not in Placement.EndKind.values:
        errors["end_kind"] = ["Επιλέξτε τον λόγο λήξης."]
    if not reason:
        errors["reason"] = ["Η αιτιολογία (αιτιολογημένη έκθεση) είναι υποχρεωτική."]
    if ended_on is None:
        errors["ended_on"] = ["Συμπληρώστε την τελευταία ημέρα απασχόλησης."]
    elif ended_on > _today():
        errors["ended_on"] = ["Η ημερομηνία δεν μπορεί να είναι μελλοντική."]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    with transaction.atomic():
        p = _locked(placement_id)
        require_host(actor, p)
        if p.state != Placement.State.HIRED:
            raise Conflict("Λήξη καταχωρίζεται μόνο για απασχόληση σε εξέλιξη.", code="bad_state")
        if ended_on < p.hired_on or (p.contract_ends_on and ended_on > p.contract_ends_on):
            raise ValidationFailed(
                fields={"ended_on": ["Η ημερομηνία πρέπει να είναι εντός της περιόδου απασχόλησης."]}
            )
        before = audit.snapshot(p, PLACEMENT_FIELDS)
        p.leave()
        p.ended_on = ended_on
        p.end_kind = end_kind
        p.ended_reason = reason[:4000]
        p.save()
        deadline_cancel(obj=p, kind=EMPLOYMENT_END_KIND, actor=actor, reason="Πρόωρη λήξη απασχόλησης.")
        label = Placement.EndKind(end_kind).label
        recipients = list(_managers())
        if end_kind != Placement.EndKind.VOLUNTARY and p.application.applicant_user_id:
            # Art. 6(8): the reasoned report is notified to the beneficiary and to ΔΥΠΑ.
            recipients.append(p.application.applicant_user)
        notify(
            recipients=recipients,
            subject=f"Λήξη απασχόλησης πριν τη λήξη της περιόδου — αίτηση {_code(p)}",
            body=(
                f"Υπηρεσία «{p.service.name}»: τελευταία ημέρα απασχόλησης {ended_on:%d/%m/%Y}. "
                f"Λόγος: {label}. Αιτιολογία: {p.ended_reason}"
                + (
                    " Η θέση δεν καλύπτεται από άλλον/άλλη ωφελούμενο/η· ο/η ωφελούμενος/η τοποθετείται "
                    "με απόφαση του Δ.Σ. της ΔΥΠΑ σε άλλη υπηρεσία (Άρθ. 6(9)–(10))."
                    if end_kind in NOT_REFILLED
                    else ""
                )
            ),
            kind="points_employment_ended",
            obj=p,
            legal=end_kind != Placement.EndKind.VOLUNTARY,
            actor=actor,
        )
        _write(actor, p, before, "points.employment_ended", f"{label} (ΚΥΑ 16936)")
    return p


# --- The service's request for a replacement and ΚΠΑ2's approval (Art. 6(5), 6(8)) --------------


def host_request_submit(*, actor, placement_id: int, reason: str) -> HostRequest:
    """The service informs ΚΠΑ2 that the position was vacated and asks for a replacement."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": ["Γράψτε την αιτιολογία του αιτήματος."]})
    with transaction.atomic():
        p = _locked(placement_id)
        require_host(actor, p)
        if p.state not in (Placement.State.DECLINED, Placement.State.EXCLUDED, Placement.State.LEFT):
            raise Conflict(
                "Αντικατάσταση ζητείται μόνο για θέση που κενώθηκε (άρνηση, αποκλεισμός ή αποχώρηση).",
                code="not_vacant",
            )
        if p.end_kind in NOT_REFILLED:
            raise Conflict(
                "Η θέση δεν καλύπτεται από άλλον/άλλη ωφελούμενο/η (ΚΥΑ 16936 Άρθ. 6(9)–(10)).",
                code="not_refillable",
            )
        if p.host_requests.exclude(state=HostRequest.State.REFUSED).exists():
            raise Conflict("Υπάρχει ήδη αίτημα αντικατάστασης για αυτή τη θέση.", code="request_exists")
        req = HostRequest.objects.create(
            placement=p,
            service=p.service,
            reason=reason[:4000],
            requested_by=actor,
            requested_at=timezone.now(),
        )
        notify(
            recipients=list(_managers()),
            subject=f"Αίτημα αντικατάστασης — {p.service.name}",
            body=(
                f"Η υπηρεσία «{p.service.name}» ενημερώνει ότι κενώθηκε η θέση της αίτησης {_code(p)} "
                f"({p.get_state_display()}) και ζητά αντικατάσταση (ΚΥΑ 16936 Άρθ. 6(5)): {req.reason}"
            ),
            kind="points_host_request",
            obj=req,
            actor=actor,
        )
        audit.record(
            actor=actor,
            action="points.host_request_submitted",
            obj=req,
            after={"placement": p.pk, "state": req.state, "reason": req.reason},
            reason="ΚΥΑ 16936 Άρθ. 6(5)",
        )
    return req


def host_request_decide(*, actor, request_id: int, approve: bool, reasons: str = "") -> HostRequest:
    """ΚΠΑ2 decides the service's request: approved → the next candidate of the final table who
    listed the service is placed (`services.placement_replace`); refused → with reasons."""
    require_manager(actor)
    reasons = (reasons or "").strip()
    if not approve and not reasons:
        raise ValidationFailed(fields={"reasons": ["Η αιτιολόγηση της απόρριψης είναι υποχρεωτική."]})
    with transaction.atomic():
        req = HostRequest.objects.select_for_update().filter(pk=request_id).first()
        if req is None:
            raise NotFound("Το αίτημα δεν βρέθηκε.")
        if req.state != HostRequest.State.SUBMITTED:
            raise Conflict("Το αίτημα έχει ήδη κριθεί.", code="decided")
        before = audit.snapshot(req, ("state",))
        if approve:
            req.replacement = placement_replace(actor=actor, placement_id=req.placement_id)
            req.approve()
        else:
            req.refuse()
        req.decided_by = actor if not isinstance(actor, str) else _system()
        req.decided_at = timezone.now()
        req.decision_reasons = reasons[:4000]
        req.save()
        notify(
            recipients=list(_host_users(req.service_id)),
            subject=f"Απόφαση ΚΠΑ2 επί του αιτήματος αντικατάστασης #{req.pk}",
            body=(
                (
                    f"Εγκρίθηκε· τη θέση παίρνει η αίτηση {_code(req.replacement)} "
                    f"για {req.replacement.contract_months} μήνες."
                    if req.replacement
                    else "Εγκρίθηκε, αλλά κανένας επιλαχών του οριστικού πίνακα δεν δήλωσε την υπηρεσία."
                )
                if approve
                else f"Απορρίφθηκε: {reasons}"
            ),
            kind="points_host_request_decided",
            obj=req,
            actor=actor,
        )
        audit.record(
            actor=actor,
            action="points.host_request_approved" if approve else "points.host_request_refused",
            obj=req,
            before=before,
            after={"state": req.state, "replacement": req.replacement_id, "reasons": reasons},
            reason="ΚΥΑ 16936 Άρθ. 6(5), 6(8)",
        )
    return req


def host_staff_grant(*, actor, user, service) -> HostServiceStaff:
    """Give a user the staff role of a placement service (programme administrators only)."""
    require_manager(actor)
    if not isinstance(actor, str) and not (actor.is_superuser or actor.has_role(Role.PROGRAMME_ADMIN)):
        raise PermissionDenied("Στελέχη υπηρεσιών ορίζει ο διαχειριστής του προγράμματος.")
    with transaction.atomic():
        member, created = HostServiceStaff.objects.get_or_create(user=user, service=service)
        if created:
            audit.record(
                actor=actor,
                action="points.host_staff_granted",
                obj=member,
                after={"user": user.pk, "service": service.code},
            )
    return member


# --- The Board's relocation after an early end not due to the beneficiary (Art. 6(9)–(10)) -------


def placement_relocate_after_end(
    *, actor, placement_id: int, service_code: str, board_decision: str, consent: bool
) -> Placement:
    """«Ο ωφελούμενος τοποθετείται, με απόφαση του Δ.Σ. της Δ.ΥΠ.Α., σε αντίστοιχη θέση άλλης
    Υπηρεσίας Τοποθέτησης, βάσει της αίτησής του ή άλλης επιλογής του, καθ' υπέρβαση του
    εγκεκριμένου … αριθμού θέσεων και με τη σύμφωνη γνώμη της νέας Υπηρεσίας Τοποθέτησης»: a new
    placement in the other service for the months left of their 12; it starts with a new note and Ε3."""
    require_manager(actor)
    errors: dict[str, list[str]] = {}
    board_decision = (board_decision or "").strip()
    if not board_decision:
        errors["board_decision"] = ["Συμπληρώστε την απόφαση του Δ.Σ. της ΔΥΠΑ (Άρθ. 6(9)–(10))."]
    if not consent:
        errors["consent"] = ["Απαιτείται η σύμφωνη γνώμη της νέας υπηρεσίας τοποθέτησης (Άρθ. 6(9)–(10))."]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    with transaction.atomic():
        old = _locked(placement_id)
        if old.state != Placement.State.LEFT or old.end_kind not in NOT_REFILLED:
            raise Conflict(
                "Η τοποθέτηση σε άλλη υπηρεσία με απόφαση του Δ.Σ. αφορά πρόωρη λήξη που δεν οφείλεται "
                "στον/στην ωφελούμενο/η (Άρθ. 6(9)–(10)).",
                code="bad_state",
            )
        if Placement.objects.filter(relocated_from=old).exists():
            raise Conflict(
                "Ο/Η ωφελούμενος/η έχει ήδη τοποθετηθεί σε άλλη υπηρεσία.", code="already_relocated"
            )
        service = old.round.call.placement_services.filter(code=service_code).first()
        if service is None or service.pk == old.service_id:
            raise ValidationFailed(
                fields={"service_code": ["Επιλέξτε άλλη υπηρεσία τοποθέτησης της πρόσκλησης."]}
            )
        prefs = list(old.application.placement_preferences or [])
        months = rules.replacement_contract_months(
            "remaining_months",
            replaced_started_on=old.hired_on,
            replaced_ended_on=old.ended_on,
            replaced_months=old.contract_months,
        )
        new = Placement.objects.create(
            round=old.round,
            application=old.application,
            service=service,
            final_rank=old.final_rank,
            preference_rank=prefs.index(service_code) + 1 if service_code in prefs else 0,
            state=Placement.State.REFERRED,
            referral_note=f"Απόφαση Δ.Σ. ΔΥΠΑ {board_decision} (ΚΥΑ 16936 Άρθ. 6(9)–(10))."[:4000],
            referred_at=timezone.now(),
            referred_by=None if isinstance(actor, str) else actor,
            over_quota=True,
            board_decision=board_decision[:200],
            contract_months=months,
            relocated_from=old,
        )
        recipients = list(_host_users(service.pk))
        if old.application.applicant_user_id:
            recipients.append(old.application.applicant_user)
        notify(
            recipients=recipients,
            subject=f"Τοποθέτηση σε άλλη υπηρεσία — αίτηση {_code(old)}",
            body=(
                f"Με απόφαση του Δ.Σ. της ΔΥΠΑ ({board_decision}) ο/η ωφελούμενος/η τοποθετείται "
                "στην υπηρεσία "
                f"«{service.name}» καθ' υπέρβαση των εγκεκριμένων θέσεων, με τη σύμφωνη γνώμη της, για τους "
                f"{months} μήνες που απομένουν (ΚΥΑ 16936 Άρθ. 6(9)–(10))."
            ),
            kind="points_relocated_after_end",
            obj=new,
            legal=True,
            actor=actor,
        )
        audit.record(
            actor=actor,
            action="points.relocated_after_end",
            obj=new,
            after={
                "from": old.pk,
                "service": service.code,
                "board_decision": board_decision,
                "consent": True,
                "contract_months": months,
            },
            reason="ΚΥΑ 16936 Άρθ. 6(9)–(10)",
        )
    return new
