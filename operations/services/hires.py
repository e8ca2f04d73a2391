"""ΚΥΑ 7066 positions over the operation's life: every write, one audit event per change.

The services gather the facts (the decision, ΕΡΓΑΝΗ, the ΔΥΠΑ register), call the rules in
operations.rules.hires and write. Registry answers come through the interop clients over HTTP.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import user_business_roles
from accounts.validators import clean_amka
from applications.rules import CATEGORY_FLAG
from calls.gaps import gap_value
from calls.rules import UnknownCategory, monthly_rate
from evaluation.rules import fcfs
from evaluation.staff_reduction import ergani_credentials
from interop.dypa import DypaClient
from interop.ergani import ErganiClient
from operations.models import HeadcountCheck, Hire, Operation, OperationBudgetLine, Position, RecoveryCase
from operations.rules import hires as rules
from opske import audit
from opske.dates import ATHENS
from opske.deadlines import deadline_cancel, deadline_schedule
from opske.errors import (
    ApplicationError,
    Conflict,
    NotFound,
    PermissionDenied,
    RegistryRefused,
    ValidationFailed,
)
from opske.notifications import notify

HIRING_DEADLINE_KIND = "operations.hires.hiring_deadline"
REPLACEMENT_DUE_KIND = "operations.hires.replacement_due"


def _local(value: datetime.datetime | None) -> datetime.date | None:
    return value.astimezone(ATHENS).date() if value else None


def _supervisors():
    return list(get_user_model().objects.filter(role_assignments__role=Role.SUPERVISOR).distinct())


def _business_users(operation: Operation):
    if operation.business_id is None:
        return []
    return [m.user for m in operation.business.memberships.filter(state="active", user__isnull=False)]


# --- rates from the call (Art. 5.1.1, 5.1.3) ----------------------------------------------------


def call_rate(call, category: str) -> Decimal:
    """Monthly amount of `category`: the call's `unit_cost` × the category's rate (UnitRate rows)."""
    percents = {r.code: r.rate_percent for r in call.unit_rates.all()}
    unit_cost = (call.config or {}).get("unit_cost") or "1185.00"
    try:
        return monthly_rate(category, unit_cost=unit_cost, rate_percents=percents)
    except UnknownCategory as exc:
        raise ValidationFailed(str(exc), fields={"category": [str(exc)]}) from exc


def full_month_days(call) -> int:
    """Art. 5.1.3: the days of a full month (25), from the call's `full_month_days`."""
    return int((call.config or {}).get("full_month_days") or rules.FULL_MONTH_DAYS)


# --- positions at operation start (Art. 7.4) ------------------------------------------------------


def positions_create_for_operation(*, operation: Operation) -> list[Position]:
    """One Position per approved person of the decision (per_category: category, persons), with the
    60-day hiring deadline on the deadline engine. Called by operation_start_from_decision."""
    if operation.call.evaluation_method != "fcfs_direct" or operation.positions.exists():
        return list(operation.positions.all())
    decision = operation.decision
    anchor = rules.hiring_anchor(
        reading=gap_value(operation.call.config, "hiring_deadline_anchor"),
        notified_on=_local(decision.notified_at) or operation.starts_on,
        issued_on=_local(decision.signed_at),
    )
    deadline = rules.hiring_deadline(anchor)
    specialties: dict[str, list[str]] = {}
    for p in operation.application.positions.all():
        specialties.setdefault(p.category, []).extend([p.specialty] * p.persons)
    created = []
    with transaction.atomic():
        seq = 0
        for row in (decision.details or {}).get("per_category") or []:
            category = str(row.get("category") or "")
            for _ in range(int(row.get("persons") or 0)):
                seq += 1
                names = specialties.get(category) or [""]
                created.append(
                    Position.objects.create(
                        operation=operation,
                        seq=seq,
                        category=category,
                        specialty=names.pop(0) if len(names) > 1 else names[0],
                        hiring_deadline=deadline,
                    )
                )
        if created:
            deadline_schedule(obj=operation, kind=HIRING_DEADLINE_KIND, due_at=deadline)
            audit.record(
                actor=None,
                action="operations.positions.created",
                obj=operation,
                after={"positions": len(created), "hiring_deadline": deadline, "anchor": anchor},
            )
    return created


def hiring_deadline_passed(*, operation: Operation) -> list[Position]:
    """The deadline fired: flag every position still unfilled and tell the business and the staff.

    Art. 7.4 states no consequence (gap 1): the positions are flagged, not cut."""
    with transaction.atomic():
        unfilled = list(
            Position.objects.select_for_update().filter(operation=operation, state=Position.State.OPEN)
        )
        if not unfilled:
            return []
        now = timezone.now()
        Position.objects.filter(pk__in=[p.pk for p in unfilled]).update(unfilled_flagged_at=now)
        audit.record(
            actor="σύστημα: προθεσμίες",
            action="operations.positions.unfilled_flagged",
            obj=operation,
            after={"positions": [p.seq for p in unfilled], "hiring_deadline": unfilled[0].hiring_deadline},
        )
        notify(
            recipients=_business_users(operation) + _supervisors(),
            subject=f"Έληξε η προθεσμία πρόσληψης · {operation.code}",
            body=f"Η προθεσμία των 60 ημερών (ΚΥΑ 7066 Άρθ. 7.4) έληξε στις "
            f"{unfilled[0].hiring_deadline:%d/%m/%Y}. Θέσεις χωρίς πρόσληψη: {len(unfilled)}.",
            kind="operations.hiring_deadline",
            obj=operation,
            actor="σύστημα: προθεσμίες",
        )
    return unfilled


# --- recording a hire (Art. 4.2.1, 7.4, 10.3; ΕΡΓΑΝΗ Ε3) -------------------------------------------


def _check_member(actor, operation: Operation) -> None:
    if operation.business_id is None or not user_business_roles(actor, operation.business):
        raise NotFound("Η πράξη δεν βρέθηκε.")


def _ergani(operation: Operation, actor) -> ErganiClient:
    credentials = ergani_credentials(operation.business)
    if credentials is None:
        raise ValidationFailed(
            "Η επιχείρηση δεν έχει δώσει πρόσβαση στο ΕΡΓΑΝΗ ΙΙ· η πρόσληψη ελέγχεται με την αναγγελία Ε3 "
            "(ΚΥΑ 7066 Άρθ. 8.2.1ii).",
            code="ergani_access_missing",
        )
    return ErganiClient(credentials=credentials, actor=actor)


def _fail(problems: list[rules.Problem]) -> None:
    fields: dict[str, list[str]] = {}
    for p in problems:
        fields.setdefault(p.field, []).append(p.message)
    raise ValidationFailed(problems[0].message, code=problems[0].code, fields=fields)


def hire_record(
    *,
    actor,
    operation_id: int,
    position_id: int,
    amka: str,
    hire_date: datetime.date,
    referral_number: str,
    referral_date: datetime.date,
    work_from: datetime.time,
    work_to: datetime.time,
    declaration_exclusions: bool,
    declaration_other_scheme: bool,
    no_same_category_unemployed: bool = False,
    today: datetime.date | None = None,
) -> Hire:
    """The business records a hire on a position; refused with the article when a check fails."""
    today = today or timezone.localdate()
    operation = Operation.objects.select_related("business", "call", "application").get(pk=operation_id)
    _check_member(actor, operation)
    amka = clean_amka(amka)
    position = Position.objects.filter(operation=operation, pk=position_id).first()
    if position is None:
        raise NotFound("Η θέση δεν βρέθηκε.")
    problems: list[rules.Problem] = []
    if position.state not in (Position.State.OPEN, Position.State.VACANT):
        raise Conflict("Η θέση δεν είναι ανοικτή για πρόσληψη.", code="position_not_open")
    if hire_date < operation.starts_on:
        problems.append(rules.Problem(
            "hire_before_start", "hire_date",
            f"Η ημερομηνία πρόσληψης είναι πριν από την έναρξη της πράξης ({operation.starts_on:%d/%m/%Y}, "
            "κοινοποίηση της έγκρισης, ΚΥΑ 7066 Άρθ. 7.3, 7.4).",
        ))  # fmt: skip
    if hire_date > today:
        problems.append(rules.Problem(
            "hire_in_future", "hire_date", "Η ημερομηνία πρόσληψης δεν μπορεί να είναι μελλοντική.",
        ))  # fmt: skip
    if referral_date > hire_date:
        problems.append(rules.Problem(
            "referral_after_hire", "referral_date",
            "Η υπόδειξη (συστατικό σημείωμα) προηγείται της πρόσληψης (ΚΥΑ 7066 Άρθ. 4.2.2, 7.4).",
        ))  # fmt: skip
    if (
        position.state == Position.State.VACANT
        and position.replacement_due
        and hire_date > position.replacement_due
    ):
        problems.append(rules.Problem(
            "replacement_late", "hire_date",
            f"Η αντικατάσταση έπρεπε να γίνει έως {position.replacement_due:%d/%m/%Y} (ΚΥΑ 7066 Άρθ. 10.2).",
        ))  # fmt: skip
    if Hire.objects.filter(amka=amka, hire_date=hire_date).exists():
        problems.append(rules.Problem(
            "e3_already_recorded", "amka",
            f"Η πρόσληψη με ΑΜΚΑ {amka} της {hire_date:%d/%m/%Y} έχει ήδη καταχωριστεί σε θέση πράξης· "
            "η ίδια αναγγελία Ε3 δεν επιδοτείται δεύτερη φορά (ΚΥΑ 7066 Άρθ. 10.9).",
        ))  # fmt: skip
    if problems:
        _fail(problems)

    afm = operation.business.afm
    client = _ergani(operation, actor)
    e3 = next((h for h in client.hires(afm, hire_date, hire_date) if h.amka == amka), None)
    if e3 is None:
        _fail([rules.Problem(
            "e3_missing", "amka",
            f"Δεν βρέθηκε στο ΕΡΓΑΝΗ ΙΙ αναγγελία πρόσληψης Ε3 της επιχείρησης με ΑΜΚΑ {amka} και ημερομηνία "
            f"πρόσληψης {hire_date:%d/%m/%Y} (ΚΥΑ 7066 Άρθ. 7.4, 8.2.1ii).",
        )])  # fmt: skip
    submitted_on = _local(operation.application.submitted_at) or operation.starts_on
    since = rules.add_months(referral_date, -rules.LOOKBACK_MONTHS)
    earlier = []
    if submitted_on < referral_date:  # Art. 4.2.1β: hired between the submission and the referral
        earlier = [h.hired_on for h in client.hires(afm, submitted_on, referral_date) if h.amka == amka]
    left_here = [(afm, d.left_on) for d in client.departures(afm, since, referral_date) if d.amka == amka]

    try:
        status = DypaClient(actor=actor).unemployment_status(amka, referral_date)
    except RegistryRefused as exc:
        if exc.code != "dypa_not_registered":
            raise
        status = None
    facts = rules.ReferralFacts(
        referral_date=referral_date,
        submitted_on=submitted_on,
        registered=bool(status and status.registered),
        registered_since=status.registered_since if status else None,
        kpa2_name=status.kpa2_name if status else "",
        individual_approach_completed=bool(status and status.individual_approach_completed),
        action_plan_agreed=bool(status and status.action_plan_agreed),
        citizenship=status.citizenship if status else "",
        previous_employers=tuple(
            [(job.employer_afm, job.ended_on) for job in (status.previous_employment if status else ())]
            + left_here
        ),
        applicant_afms=frozenset({afm}),
        earlier_hires_by_applicant=tuple(earlier),
        work_from=work_from,
        work_to=work_to,
        declaration_exclusions=declaration_exclusions,
        declaration_other_scheme=declaration_other_scheme,
        full_time=e3.contract == "full",
        pool_area=operation.application.pool.code if operation.application.pool_id else "",
    )
    problems = rules.referral_problems(facts)

    # The category (Art. 5.1.3, 7.4): from the work history ΔΥΠΑ holds; it must be the position's,
    # unless a replacement of the other category is allowed (Art. 10.3).
    category, category_reason = rules.person_category(
        [job.kad for job in (status.previous_employment if status else ())],
        never_employed_reading=gap_value(operation.call.config, "never_employed_category"),
    )
    switch = None
    if status and category == CATEGORY_FLAG:
        problems.append(rules.Problem("category_undetermined", "amka", category_reason))
    elif status and category != position.category:
        if position.state == Position.State.VACANT and no_same_category_unemployed:
            switch = _switch_check(operation, position, category)
            if not switch.ok:
                problems.append(rules.Problem("category_switch_over_budget", "amka", switch.message))
        else:
            problems.append(rules.Problem(
                "category_mismatch", "amka",
                f"Ο/Η άνεργος ανήκει στην κατηγορία {category} ({category_reason}), ενώ η θέση είναι "
                f"εγκεκριμένη για {position.category}· η αλλαγή κατηγορίας γίνεται με αίτημα τροποποίησης "
                "(ΚΥΑ 7066 Άρθ. 7.4) ή, σε αντικατάσταση, όταν η ΔΥΠΑ δεν μπορεί να υποδείξει άνεργο της "
                "ίδιας κατηγορίας (Άρθ. 10.3).",
            ))  # fmt: skip
    if problems:
        _fail(problems)

    rate = call_rate(operation.call, category)
    checks = [
        {"check": "Ε3", "result": f"{e3.protocol} · {e3.hired_on:%d/%m/%Y} · {e3.weekly_hours} ώρες",
         "article": "Άρθ. 8.2.1ii"},
        {"check": "Μητρώο ΔΥΠΑ", "result": status.kpa2_name, "article": "Άρθ. 4.2.1"},
        {"check": "Κατηγορία", "result": f"{category}: {category_reason}", "article": "Άρθ. 5.1.3"},
        {"check": "Άρθ. 4.2.1α–δ", "result": "Καμία εξαίρεση", "article": "Άρθ. 4.2.1"},
    ]  # fmt: skip
    if position.state == Position.State.OPEN and hire_date > position.hiring_deadline:
        checks.append({"check": "Προθεσμία 60 ημερών", "result": "Πρόσληψη μετά την προθεσμία",
                       "article": "Άρθ. 7.4"})  # fmt: skip
    with transaction.atomic():
        position = Position.objects.select_for_update().get(pk=position.pk)
        if position.state not in (Position.State.OPEN, Position.State.VACANT):
            raise Conflict("Η θέση καλύφθηκε στο μεταξύ.", code="position_not_open")
        previous = position.hires.filter(state=Hire.State.LEFT).order_by("-left_on").first()
        months = rules.SUBSIDY_MONTHS
        if previous is not None:
            months = max(rules.SUBSIDY_MONTHS - _served_before(position), 0)
        hire = Hire.objects.create(
            position=position,
            operation=operation,
            replaces=previous,
            amka=amka,
            hire_date=hire_date,
            category=category,
            monthly_rate=rate,
            months=months,
            referral_number=referral_number.strip(),
            referral_date=referral_date,
            kpa2=status.kpa2_name,
            work_from=work_from,
            work_to=work_to,
            e3_protocol=e3.protocol,
            e3_weekly_hours=e3.weekly_hours,
            checks=checks,
            created_by=actor,
        )
        was_vacant = position.state == Position.State.VACANT
        position.fill()
        position.save()
        if was_vacant:
            deadline_cancel(obj=position, kind=REPLACEMENT_DUE_KIND, actor=actor, reason="αντικατάσταση")
        audit.record(
            actor=actor,
            action="operations.hire.recorded",
            obj=hire,
            after={"position": position.seq, "hire_date": hire_date, "category": category, "rate": rate,
                   "e3": e3.protocol, "replaces": previous.pk if previous else None,
                   "switch": bool(switch)},
        )  # fmt: skip
    return hire


def _served_before(position: Position) -> int:
    return sum(
        rules.served_months(h.hire_date, h.left_on) for h in position.hires.filter(state=Hire.State.LEFT)
    )


def _position_paid(position: Position) -> Decimal:
    """The nominal amount of the months its leavers served (E11: 5 months × 1.185,00 = 5.925,00)."""
    return sum(
        (h.monthly_rate * rules.served_months(h.hire_date, h.left_on) for h in position.hires.filter(
            state=Hire.State.LEFT)),
        Decimal("0.00"),
    )  # fmt: skip


def _position_commitment(position: Position) -> Decimal:
    """What a position may still cost: served months paid plus the rest at its current rate."""
    if position.state in (Position.State.STOPPED, Position.State.INTERRUPTED):
        return _position_paid(position)
    active = position.hires.filter(state=Hire.State.ACTIVE).first()
    if active is not None:
        return _position_paid(position) + active.monthly_rate * active.months
    rate = call_rate(position.operation.call, position.category)
    return _position_paid(position) + rate * max(rules.SUBSIDY_MONTHS - _served_before(position), 0)


def _switch_check(operation: Operation, position: Position, category: str) -> rules.SwitchCheck:
    others = sum(
        (_position_commitment(p) for p in operation.positions.exclude(pk=position.pk)), Decimal("0.00")
    )
    return rules.category_switch_check(
        approved_total=operation.approved_total + _cut_total(operation),
        committed_elsewhere=others,
        paid_on_position=_position_paid(position),
        remaining_months=max(rules.SUBSIDY_MONTHS - _served_before(position), 0),
        new_rate=call_rate(operation.call, category),
    )


def _cut_total(operation: Operation) -> Decimal:
    return sum((p.cut_amount for p in operation.positions.all()), Decimal("0.00"))


def ergani_hires_since_start(*, actor, operation: Operation) -> tuple[list, str]:
    """The business's Ε3 announcements from the operation's start to today not yet recorded as hires,
    so the business picks the one it records (the same ΑΜΚΑ and date are then checked)."""
    try:
        client = _ergani(operation, actor)
        found = client.hires(operation.business.afm, operation.starts_on, timezone.localdate())
    except ApplicationError as exc:
        return [], exc.message
    recorded = set(Hire.objects.filter(operation=operation).values_list("amka", "hire_date"))
    return [h for h in found if (h.amka, h.hired_on) not in recorded], ""


# --- leavers and their replacement (Art. 10.2–10.4) ------------------------------------------------


def hire_record_leaving(*, actor, hire_id: int, left_on: datetime.date, reason: str) -> Hire:
    """A subsidised person left: the position is vacant and must be replaced within 30 days (10.2)."""
    hire = Hire.objects.select_related("operation__business", "position").filter(pk=hire_id).first()
    if hire is None:
        raise NotFound("Η πρόσληψη δεν βρέθηκε.")
    _check_member(actor, hire.operation)
    if hire.state != Hire.State.ACTIVE:
        raise Conflict("Η αποχώρηση έχει ήδη καταχωριστεί.", code="hire_already_left")
    if left_on < hire.hire_date or left_on > timezone.localdate():
        raise ValidationFailed(
            "Η τελευταία ημέρα απασχόλησης είναι μεταξύ της πρόσληψης και της σήμερον.",
            fields={"left_on": ["Η τελευταία ημέρα απασχόλησης είναι μεταξύ της πρόσληψης και της σήμερον."]},
        )
    due = rules.replacement_due(left_on, action_end=_action_end(hire))
    with transaction.atomic():
        Hire.objects.filter(pk=hire.pk).update(
            state=Hire.State.LEFT, left_on=left_on, leaving_reason=reason[:200]
        )
        position = Position.objects.select_for_update().get(pk=hire.position_id)
        position.vacate()
        position.vacated_on, position.replacement_due = left_on, due
        position.save()
        deadline_schedule(obj=position, kind=REPLACEMENT_DUE_KIND, due_at=due, actor=actor)
        audit.record(
            actor=actor,
            action="operations.hire.left",
            obj=hire,
            after={"left_on": left_on, "reason": reason, "replacement_due": due},
        )
    hire.refresh_from_db()
    return hire


def _action_end(hire: Hire) -> datetime.date:
    """The end of the subsidised employment on the position (Art. 5.1.1), or the operation's end."""
    months = rules.subsidy_months(hire.hire_date, hire.months or rules.SUBSIDY_MONTHS)
    return hire.operation.ends_on or months[-1].end


def position_request_extension(*, actor, position_id: int, reason: str) -> Position:
    """Art. 10.2: the employer asks once for 30 more days, before the first 30 have run out."""
    position = Position.objects.select_related("operation__business").filter(pk=position_id).first()
    if position is None:
        raise NotFound("Η θέση δεν βρέθηκε.")
    _check_member(actor, position.operation)
    if position.state != Position.State.VACANT:
        raise Conflict("Παράταση ζητείται μόνο για κενή θέση.", code="extension_not_vacant")
    if position.extension:
        raise Conflict(
            "Η παράταση των 30 ημερών ζητείται μία φορά (ΚΥΑ 7066 Άρθ. 10.2).", code="extension_once"
        )
    if timezone.localdate() > position.replacement_due:
        raise Conflict("Η προθεσμία αντικατάστασης έχει λήξει.", code="extension_late")
    if not reason.strip():
        raise ValidationFailed("Γράψτε την αιτιολογία.", fields={"reason": ["Γράψτε την αιτιολογία."]})
    with transaction.atomic():
        updated = Position.objects.filter(pk=position.pk, extension="").update(
            extension=Position.Extension.REQUESTED, extension_reason=reason
        )
        if not updated:
            raise Conflict("Η παράταση έχει ήδη ζητηθεί.", code="extension_once")
        audit.record(actor=actor, action="operations.position.extension_requested", obj=position,
                     after={"reason": reason})  # fmt: skip
        notify(
            recipients=_supervisors(),
            subject=f"Αίτημα παράτασης αντικατάστασης · {position.operation.code}",
            body=f"Θέση {position.seq}: {reason}",
            kind="operations.extension_requested",
            obj=position,
            actor=actor,
        )
    position.refresh_from_db()
    return position


def position_decide_extension(*, actor, position_id: int, grant: bool, reason: str = "") -> Position:
    """Art. 10.2: the Head of ΚΠΑ2 decides; granted → the deadline moves by 30 days."""
    if not actor.has_role(Role.SUPERVISOR):
        raise PermissionDenied("Την παράταση αποφασίζει ο Προϊστάμενος ΚΠΑ2 (ΚΥΑ 7066 Άρθ. 10.2).")
    with transaction.atomic():
        position = Position.objects.select_for_update().filter(pk=position_id).first()
        if position is None:
            raise NotFound("Η θέση δεν βρέθηκε.")
        if position.extension != Position.Extension.REQUESTED or position.state != Position.State.VACANT:
            raise Conflict("Δεν υπάρχει εκκρεμές αίτημα παράτασης.", code="extension_not_requested")
        before = position.replacement_due
        position.extension = Position.Extension.GRANTED if grant else Position.Extension.REFUSED
        position.extension_decided_by = actor
        if grant:
            last = position.hires.filter(state=Hire.State.LEFT).order_by("-left_on").first()
            position.replacement_due = rules.replacement_due(
                position.vacated_on, extended=True, action_end=_action_end(last) if last else None
            )
            deadline_cancel(obj=position, kind=REPLACEMENT_DUE_KIND, actor=actor, reason="παράταση")
            deadline_schedule(
                obj=position, kind=REPLACEMENT_DUE_KIND, due_at=position.replacement_due, actor=actor
            )
        position.save()
        audit.record(actor=actor, action="operations.position.extension_decided", obj=position,
                     before={"replacement_due": before},
                     after={"granted": grant, "replacement_due": position.replacement_due},
                     reason=reason)  # fmt: skip
        notify(
            recipients=_business_users(position.operation),
            subject=f"Απόφαση για την παράταση αντικατάστασης · {position.operation.code}",
            body=("Εγκρίθηκε παράταση έως " if grant else "Δεν εγκρίθηκε παράταση· η προθεσμία παραμένει ")
            + f"{position.replacement_due:%d/%m/%Y} (ΚΥΑ 7066 Άρθ. 10.2). {reason}",
            kind="operations.extension_decided",
            obj=position,
            actor=actor,
        )
    return position


def _cut(position: Position, operation: Operation, actor) -> Decimal:
    """Art. 10.4: nothing more is paid for the position: its unserved months leave the operation."""
    committed = _position_commitment(position)
    rate = call_rate(operation.call, position.category)
    approved_for_position = rate * rules.SUBSIDY_MONTHS
    cut = max(approved_for_position - _position_paid(position), Decimal("0.00")).quantize(rules.CENT)
    if committed < cut:
        cut = committed
    Operation.objects.filter(pk=operation.pk).update(approved_total=F("approved_total") - cut)
    OperationBudgetLine.objects.filter(operation=operation, category=position.category).update(
        amount=F("amount") - cut
    )
    if cut > 0:
        from operations.hooks import approved_total_lowered

        approved_total_lowered(
            operation,
            amount=cut,
            source=f"position:{position.pk}",
            actor=actor if getattr(actor, "pk", None) else None,
        )
    return cut


def position_stop_no_unemployed(*, actor, position_id: int, reason: str) -> Position:
    """Art. 10.4γ: the Service confirms no unemployed person of the specialty or category exists:
    the subsidy of this position stops from the leaving date, «χωρίς άλλες επιπτώσεις»."""
    if not actor.has_role(Role.SUPERVISOR):
        raise PermissionDenied("Τη διαπίστωση κάνει η Υπηρεσία (Προϊστάμενος ΚΠΑ2, ΚΥΑ 7066 Άρθ. 10.4γ).")
    if not reason.strip():
        raise ValidationFailed(
            "Γράψτε τη διαπίστωση της Υπηρεσίας.", fields={"reason": ["Γράψτε τη διαπίστωση."]}
        )
    with transaction.atomic():
        position = (
            Position.objects.select_for_update()
            .select_related("operation__call")
            .filter(pk=position_id)
            .first()
        )
        if position is None:
            raise NotFound("Η θέση δεν βρέθηκε.")
        if position.state != Position.State.VACANT:
            raise Conflict(
                "Η διακοπή χωρίς επιπτώσεις αφορά κενή θέση που δεν αντικαταστάθηκε.", code="not_vacant"
            )
        cut = _cut(position, position.operation, actor)
        position.stop_without_consequence()
        position.stopped_reason, position.cut_amount = reason, cut
        position.save()
        deadline_cancel(obj=position, kind=REPLACEMENT_DUE_KIND, actor=actor, reason="Άρθ. 10.4γ")
        audit.record(actor=actor, action="operations.position.stopped_no_unemployed", obj=position,
                     after={"from": position.vacated_on, "cut": cut}, reason=reason)  # fmt: skip
    return position


def position_interrupt(*, position: Position, reason: str, actor="σύστημα: προθεσμίες") -> RecoveryCase:
    """Art. 10.4α, 11: not replaced in time: the position is cut, pays nothing from the leaving date,
    and a recovery case opens (its amount is computed by issue 13)."""
    with transaction.atomic():
        position = Position.objects.select_for_update().select_related("operation__call").get(pk=position.pk)
        if position.state != Position.State.VACANT:
            raise Conflict("Η θέση δεν είναι κενή.", code="not_vacant")
        cut = _cut(position, position.operation, actor)
        position.interrupt()
        position.stopped_reason, position.cut_amount = reason, cut
        position.save()
        case = RecoveryCase.objects.create(
            operation=position.operation, position=position, leaving_date=position.vacated_on, reason=reason
        )
        audit.record(actor=actor, action="operations.position.interrupted", obj=position,
                     after={"cut": cut, "recovery_case": case.pk,
                            "leaving_date": position.vacated_on})  # fmt: skip
        notify(
            recipients=_business_users(position.operation) + _supervisors(),
            subject=f"Διακοπή θέσης {position.seq} · {position.operation.code}",
            body=reason,
            kind="operations.position_interrupted",
            obj=position,
            actor=actor,
        )
    return case


def replacement_deadline_passed(*, position: Position) -> RecoveryCase | None:
    position.refresh_from_db()
    if position.state != Position.State.VACANT:
        return None
    return position_interrupt(
        position=position,
        reason=f"Η θέση δεν αντικαταστάθηκε έως {position.replacement_due:%d/%m/%Y}: η δράση διακόπτεται "
        "κατά "
        "τη θέση και δεν καταβάλλεται ποσό για αυτήν από την αποχώρηση (ΚΥΑ 7066 Άρθ. 10.2, 10.4α, 11).",
    )


# --- headcount maintenance (Art. 10.1) ---------------------------------------------------------------


def headcount_check_run(
    *, actor, operation_id: int, period_start: datetime.date, period_end: datetime.date
) -> HeadcountCheck:
    """The committed staff (headcount on submission + subsidised hires) against ΕΡΓΑΝΗ at the period's
    end, with the period's departures (4.1.3 counted, 4.1.6 not) and hires (fcfs.headcount_period)."""
    operation = Operation.objects.select_related("business", "application").get(pk=operation_id)
    if period_end <= period_start or period_end > timezone.localdate():
        raise ValidationFailed(
            "Η περίοδος ελέγχου πρέπει να έχει λήξει.",
            fields={"period_end": ["Η περίοδος πρέπει να έχει λήξει."]},
        )
    afm = operation.business.afm
    client = _ergani(operation, actor)
    # The pre-existing staff: the headcount on submission (Art. 10.1, 10.6: later hires up to the
    # approval are not committed), never counting a day on or after the operation's start.
    submitted_on = _local(operation.application.submitted_at) or operation.starts_on
    baseline_on = min(submitted_on, operation.starts_on - datetime.timedelta(days=1))
    baseline = client.workforce(afm, baseline_on).headcount
    subsidised = (
        Hire.objects.filter(operation=operation, hire_date__lte=period_end)
        .exclude(position__state__in=[Position.State.STOPPED, Position.State.INTERRUPTED])
        .values("position_id")
        .distinct()
        .count()
    )
    committed = baseline + subsidised
    actual = client.workforce(afm, period_end).headcount
    departures = [
        {"left_on": d.left_on, "kind": d.kind, "form": d.form, "protocol": d.protocol}
        for d in client.departures(afm, period_start, period_end)
    ]
    hires = [h.hired_on for h in client.hires(afm, period_start, period_end)]
    period = fcfs.headcount_period(
        label="Διατήρηση δεσμευόμενου προσωπικού",
        start=period_start,
        end=period_end,
        headcount_start=committed,
        headcount_end=actual,
        departures=departures,
        hires=hires,
        cover_by="30 ημέρες από την αποχώρηση",
        citation="ΚΥΑ 7066 Άρθ. 10.1, 10.2",
    )
    counted = sorted(v.left_on for v in period.departures if v.counted)
    due = rules.replacement_due(counted[0]) if period.uncovered and counted else None
    with transaction.atomic():
        check = HeadcountCheck.objects.create(
            operation=operation,
            period_start=period_start,
            period_end=period_end,
            committed=committed,
            actual=actual,
            uncovered=period.uncovered,
            ok=period.ok,
            reason=period.reason.replace("προσωπικό ", "δεσμευόμενο ", 1),
            departures=[
                {"left_on": v.left_on.isoformat(), "form": v.form, "counted": v.counted, "why": v.reason}
                for v in period.departures
            ],
            replacement_due=due,
            checked_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(actor=actor, action="operations.headcount.checked", obj=operation,
                     after={"period_end": period_end, "committed": committed, "actual": actual,
                            "uncovered": period.uncovered})  # fmt: skip
        if not period.ok:
            notify(
                recipients=_business_users(operation),
                subject=f"Μείωση δεσμευόμενου προσωπικού · {operation.code}",
                body=f"{period.reason} Η αντικατάσταση γίνεται μέσα σε 30 ημέρες (ΚΥΑ 7066 Άρθ. 10.2)"
                + (f", έως {due:%d/%m/%Y}." if due else "."),
                kind="operations.headcount_reduction",
                obj=operation,
                actor=actor,
            )
    return check
