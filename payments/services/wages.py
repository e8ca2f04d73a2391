"""ΚΥΑ 16936: the monthly wage dossier, from the attendance the host recorded to the opened payments.

Flow (note 002 §6.3, Art. 8): the placement service prepares the month's dossier from the
attendance it recorded (`dossier_prepare`: one line per participant, the pay cut of Art. 7(6)),
enters each line's ΦΜΥ and any hazardous allowance (`wage_line_update`; any other claim above the
gross is refused, Example D), the participant's IBAN with the first payment
(`participant_account_record`, Art. 8(1)(β)(xiv)) and submits it with the ΤΠΤΕ identity
(`dossier_submit`, Art. 8(1)) → ΚΠΑ2 returns it for correction (`dossier_return`) or verifies it
(`dossier_verify`, Art. 10(2)): the month's cost is committed on the year's ledger and the payments
are opened through `payments.services.core.create_payment` — the net pay of each participant to
their IBAN and the contributions with the ΦΜΥ through ΤΠΤΕ (Art. 8(3)). Their approval is the
payment flow's (payments.services.flow); this module stops at opened (DRAFT) payments.

`year_projection_for` is the year's committed + projected cost against its ceiling (Rec. 35).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Role
from calls.gaps import gap_value
from calls.models import AnnualAllocation
from evaluation.points.models import HostServiceStaff, MonthlyAttendance, Placement
from opske import audit
from opske.calendar import ATHENS
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.money import format_eur, format_percent
from opske.notifications import notify
from payments.models import ParticipantAccount, Payment, WageDossier, WageLine
from payments.programmes import Line
from payments.programmes import kya16936 as rules
from payments.services import ledger
from payments.services.core import create_payment, submit_with_dossier

ZERO = Decimal("0.00")
MANAGE_ROLES = (Role.PROGRAMME_ADMIN, Role.SUPERVISOR)
READ_ROLES = (*MANAGE_ROLES, Role.PAYMENT_OFFICER, Role.AUDITOR)
LINE_FIELDS = (
    "unjustified_absence_days",
    "hazardous_allowance",
    "gross",
    "employee_contributions",
    "employer_contributions",
    "income_tax",
    "net",
)
DOSSIER_FIELDS = ("state", "tpte_identity", "apd_reference", "fmy_note_reference", "return_reasons")
STATEMENT_DAYS = 25  # Art. 7(2): the monthly maxima are for 25 insured days


def _today() -> datetime.date:
    return timezone.localtime(timezone.now(), ATHENS).date()


# --- Who may do what ---------------------------------------------------------------------------


def can_manage(user) -> bool:
    """ΚΠΑ2 staff who verify or return a dossier (Art. 10(2)): supervisor, programme administrator."""
    return bool(
        getattr(user, "is_authenticated", False) and (user.is_superuser or user.has_role(*MANAGE_ROLES))
    )


def can_read(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and (user.is_superuser or user.has_role(*READ_ROLES))
    )


def host_service_ids(user) -> list[int]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(HostServiceStaff.objects.filter(user=user).values_list("service_id", flat=True))


def is_host(user, service_id: int) -> bool:
    return service_id in host_service_ids(user)


def _require_host(actor, service_id: int) -> None:
    if isinstance(actor, str) or getattr(actor, "is_superuser", False):
        return
    if not is_host(actor, service_id):
        raise PermissionDenied(
            "Τον μηνιαίο φάκελο συντάσσει και υποβάλλει η υπηρεσία τοποθέτησης (Άρθ. 8(1))."
        )


def _require_manager(actor) -> None:
    if isinstance(actor, str):
        return
    if not can_manage(actor):
        raise PermissionDenied("Τον φάκελο επαληθεύει το ΚΠΑ2 (προϊστάμενος ή διαχειριστής προγράμματος).")


# --- The call's settings -------------------------------------------------------------------------


def _percent(value, default: Decimal) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else default
    except InvalidOperation:
        return default


def wage_rates(call) -> rules.WageRates:
    """The call's `monthly_gross_pay`, `absence_divisor`, `wage_contribution_rates` and
    `hazardous_allowance_reading` (defaults: 1.300,00 €, 25, the placeholders, «on top»)."""
    config = call.config or {}
    rates = config.get("wage_contribution_rates") or {}
    gross = config.get("monthly_gross_pay")
    return rules.WageRates(
        monthly_gross=rules.cents(gross) if gross else rules.MONTHLY_GROSS_PAY,
        absence_divisor=int(gap_value(config, "absence_divisor")),
        employee_percent=_percent(rates.get("employee_percent"), rules.PLACEHOLDER_EMPLOYEE_PERCENT),
        employer_percent=_percent(rates.get("employer_percent"), rules.PLACEHOLDER_EMPLOYER_PERCENT),
        hazardous_reading=gap_value(config, "hazardous_allowance_reading"),
        rates_are_placeholders=not (rates.get("employee_percent") and rates.get("employer_percent")),
    )


# --- Lines ---------------------------------------------------------------------------------------


def _compute(line: WageLine, rates: rules.WageRates) -> None:
    """Fill the line's amounts from its inputs and the call's rates (refused at the field)."""
    try:
        month = rules.wage_month(
            rates,
            unjustified_absence_days=line.unjustified_absence_days,
            hazardous_allowance=line.hazardous_allowance,
            income_tax=line.income_tax,
        )
    except rules.WageError as exc:
        raise ValidationFailed(exc.message, fields={exc.field: [exc.message]}) from exc
    line.base_gross = month.base_gross
    line.absence_divisor = rates.absence_divisor
    line.absence_deduction = month.absence_deduction
    line.gross = month.gross
    line.employee_percent = rates.employee_percent
    line.employer_percent = rates.employer_percent
    line.employee_contributions = month.employee_contributions
    line.employer_contributions = month.employer_contributions
    line.total_contributions = month.total_contributions
    line.net = month.net
    line.dypa_cost = month.dypa_cost
    line.insured_days = max(STATEMENT_DAYS - line.unjustified_absence_days, 0)


def _code(service, month: datetime.date) -> str:
    return f"ΜΙΣΘ-{service.call_id}-{service.code}-{month:%Y%m}"


def _locked(dossier_id: int) -> WageDossier:
    dossier = WageDossier.objects.select_for_update().filter(pk=dossier_id).first()
    if dossier is None:
        raise NotFound("Ο φάκελος δεν υπάρχει.")
    return WageDossier.objects.select_related("call", "service").get(pk=dossier.pk)


def _placements_in_month(service, month: datetime.date):
    last = month + relativedelta(months=1) - datetime.timedelta(days=1)
    return (
        Placement.objects.filter(service=service, hired_on__isnull=False, hired_on__lte=last)
        .exclude(contract_ends_on__lt=month)
        .exclude(ended_on__lt=month)
        .select_related("application__person")
    )


@transaction.atomic
def dossier_prepare(*, actor, service_id: int, month: datetime.date) -> WageDossier:
    """The month's dossier of the service, its lines from the attendance recorded for the month
    (Art. 8(1): «μετά τη λήξη κάθε μήνα απασχόλησης»). Again on a draft or returned dossier: the
    lines follow the attendance as corrected since, keeping the ΦΜΥ and allowance entered."""
    from calls.models import PlacementService

    if month is None:
        raise ValidationFailed(fields={"month": ["Επιλέξτε μήνα."]})
    month = month.replace(day=1)
    service = PlacementService.objects.select_related("call").filter(pk=service_id).first()
    if service is None:
        raise NotFound("Η υπηρεσία τοποθέτησης δεν υπάρχει.")
    _require_host(actor, service.pk)
    if month + relativedelta(months=1) > _today():
        raise ValidationFailed(
            fields={
                "month": ["Ο φάκελος υποβάλλεται μετά τη λήξη του μήνα απασχόλησης (ΚΥΑ 16936 Άρθ. 8(1))."]
            }
        )
    records = {
        a.placement_id: a
        for a in MonthlyAttendance.objects.filter(placement__service=service, month=month).select_related(
            "placement"
        )
    }
    if not records:
        raise ValidationFailed(
            fields={"month": [f"Δεν έχουν καταχωριστεί παρουσίες για τον μήνα {month:%m/%Y}."]}
        )
    dossier = (
        WageDossier.objects.select_for_update()
        .filter(call=service.call, service=service, month=month)
        .first()
    )
    created = dossier is None
    if created:
        dossier = WageDossier.objects.create(
            call=service.call,
            service=service,
            month=month,
            code=_code(service, month),
            created_by=actor if not isinstance(actor, str) else None,
        )
    elif not dossier.editable:
        raise Conflict(
            f"Ο φάκελος {dossier.code} είναι «{dossier.get_state_display()}»· δεν αλλάζει.",
            code="wage_locked",
        )
    rates = wage_rates(service.call)
    existing = {line.placement_id: line for line in dossier.lines.all()}
    for placement_id, record in records.items():
        line = existing.pop(placement_id, None) or WageLine(dossier=dossier, placement_id=placement_id)
        line.attendance = record
        line.unjustified_absence_days = record.unjustified_absence_days
        line.justified_leave_days = record.justified_leave_days
        _compute(line, rates)
        line.save()
    for stale in existing.values():  # an attendance record removed since: its line goes too
        stale.delete()
    audit.record(
        actor=actor,
        action="wages.dossier_prepared" if created else "wages.dossier_refreshed",
        obj=dossier,
        after={"month": month, "lines": len(records)},
        reason="ΚΥΑ 16936 Άρθ. 7(6), 8(1)",
    )
    return dossier


def _money_input(value, field: str) -> Decimal:
    if value in (None, ""):
        return ZERO
    try:
        amount = rules.cents(value)
    except (InvalidOperation, TypeError) as exc:
        raise ValidationFailed(fields={field: ["Μη έγκυρο ποσό."]}) from exc
    if amount < 0:
        raise ValidationFailed(fields={field: ["Το ποσό δεν μπορεί να είναι αρνητικό."]})
    return amount


@transaction.atomic
def wage_line_update(
    *,
    actor,
    line_id: int,
    income_tax,
    hazardous_allowance=ZERO,
    claims: list[rules.ClaimLine] | None = None,
) -> WageLine:
    """The host's payroll figures of one line: ΦΜΥ (xii) and the hazardous allowance where it applies
    (Art. 7(1)(α)). Any other claim above the gross is refused whole (Example D); nothing is saved."""
    line = WageLine.objects.select_related("dossier").filter(pk=line_id).first()
    if line is None:
        raise NotFound("Η γραμμή δεν υπάρχει.")
    dossier = _locked(line.dossier_id)
    _require_host(actor, dossier.service_id)
    if not dossier.editable:
        raise Conflict("Ο φάκελος έχει υποβληθεί· δεν αλλάζει.", code="wage_locked")
    claims = list(claims or [])
    problems = rules.claim_problems(claims)
    if problems:
        raise ValidationFailed(problems[0], fields={"claim_amount": problems}, code="wage_claim_above_gross")
    before = audit.snapshot(line, LINE_FIELDS)
    line.income_tax = _money_input(income_tax, "income_tax")
    line.hazardous_allowance = _money_input(hazardous_allowance, "hazardous_allowance") + sum(
        (rules.cents(c.amount) for c in claims if c.hazardous), ZERO
    )
    line.claims = [{"label": c.label, "amount": f"{c.amount:.2f}", "hazardous": c.hazardous} for c in claims]
    _compute(line, wage_rates(dossier.call))
    line.save()
    audit.record(
        actor=actor,
        action="wages.line_updated",
        obj=line,
        before=before,
        after=audit.snapshot(line, LINE_FIELDS),
        reason="ΚΥΑ 16936 Άρθ. 7(1), 8(1)(β)",
    )
    return line


# --- The participant's account (Art. 8(1)(β)(xiv)) ----------------------------------------------


def normalise_iban(value: str) -> str:
    """A valid IBAN in electronic form, or ValidationFailed at the field «iban» (schwifty)."""
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    text = (value or "").replace(" ", "").upper()
    if not text:
        raise ValidationFailed(fields={"iban": ["Συμπληρώστε τον IBAN."]})
    try:
        return str(IBAN(text).compact)
    except SchwiftyException as exc:
        raise ValidationFailed(
            fields={"iban": ["Ο IBAN δεν είναι έγκυρος (έλεγχος μήκους και ψηφίων ελέγχου)."]},
            code="iban_invalid",
        ) from exc


@transaction.atomic
def participant_account_record(
    *, actor, placement_id: int, iban: str, first_holder_confirmed: bool
) -> ParticipantAccount:
    """The IBAN the net pay is credited to, with the participant as first holder (Art. 8(1)(β)(xiv),
    8(3)); entered by the host with the first payment. A new IBAN replaces the old (audit keeps both
    masked)."""
    placement = Placement.objects.select_for_update().filter(pk=placement_id).first()
    if placement is None:
        raise NotFound("Η τοποθέτηση δεν υπάρχει.")
    _require_host(actor, placement.service_id)
    value = normalise_iban(iban)
    if not first_holder_confirmed:
        raise ValidationFailed(
            fields={
                "first_holder_confirmed": [
                    "Ο/Η ωφελούμενος/η πρέπει να είναι πρώτος/η δικαιούχος (Άρθ. 8(1)(β)(xiv))."
                ]
            }
        )
    account = ParticipantAccount.objects.filter(placement=placement).first()
    before = {"iban": account.masked} if account else None
    account = account or ParticipantAccount(placement=placement)
    account.iban = value
    account.first_holder_confirmed = True
    account.entered_by = actor if not isinstance(actor, str) else _system()
    account.entered_at = timezone.now()
    account.save()
    audit.record(
        actor=actor,
        action="wages.account_recorded",
        obj=placement,
        before=before,
        after={"iban": account.masked},
        reason="ΚΥΑ 16936 Άρθ. 8(1)(β)(xiv)",
    )
    return account


def _system():
    from evaluation.points.services import _system_user

    return _system_user()


# --- Submission, return, verification ------------------------------------------------------------


def submission_problems(dossier: WageDossier) -> dict[str, list[str]]:
    """What keeps the dossier from being submitted, by field."""
    errors: dict[str, list[str]] = {}
    lines = list(dossier.lines.select_related("placement__application"))
    if not lines:
        errors["lines"] = ["Ο φάκελος δεν έχει γραμμές."]
    accounts = set(
        ParticipantAccount.objects.filter(placement__in=[line.placement_id for line in lines]).values_list(
            "placement_id", flat=True
        )
    )
    missing = [
        line.placement.application.protocol_number for line in lines if line.placement_id not in accounts
    ]
    if missing:
        errors["iban"] = [f"Λείπει ο IBAN του/της ωφελούμενου/ης (Άρθ. 8(1)(β)(xiv)): {', '.join(missing)}."]
    for line in lines:
        bad = rules.statement_problems(
            gross=line.gross,
            employee=line.employee_contributions,
            employer=line.employer_contributions,
            total=line.total_contributions,
            income_tax=line.income_tax,
            net=line.net,
        )
        if bad:
            errors.setdefault("lines", []).extend(bad.values())
    return errors


@transaction.atomic
def dossier_submit(
    *,
    actor,
    dossier_id: int,
    tpte_identity: str,
    certificate_confirmed: bool,
    apd_reference: str = "",
    fmy_note_reference: str = "",
) -> WageDossier:
    """The host submits the month's dossier to ΚΠΑ2 (Art. 8(1)(α)–(ε)); a receipt is its protocol."""
    dossier = _locked(dossier_id)
    _require_host(actor, dossier.service_id)
    if not dossier.editable:
        raise Conflict(f"Ο φάκελος είναι ήδη «{dossier.get_state_display()}».", code="wage_locked")
    errors: dict[str, list[str]] = {}
    identity = (tpte_identity or "").strip()
    if not identity:
        errors["tpte_identity"] = ["Συμπληρώστε την ταυτότητα πληρωμής ΤΠΤΕ (Άρθ. 8(1)(ε))."]
    elif not identity.replace(" ", "").isalnum() or len(identity) > 40:
        errors["tpte_identity"] = ["Η ταυτότητα πληρωμής ΤΠΤΕ έχει μόνο γράμματα και ψηφία (έως 40)."]
    if not certificate_confirmed:
        errors["certificate_confirmed"] = [
            "Απαιτείται η βεβαίωση του νόμιμου εκπροσώπου ότι το πρόγραμμα υλοποιείται σύμφωνα με την ΚΥΑ "
            "και την πρόσκληση (Άρθ. 8(1)(α))."
        ]
    rates = wage_rates(dossier.call)
    for line in dossier.lines.all():  # the call's settings as they stand at submission
        _compute(line, rates)
        line.save()
    errors.update(submission_problems(dossier))
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    before = audit.snapshot(dossier, DOSSIER_FIELDS)
    dossier.submit()
    dossier.tpte_identity = identity.replace(" ", "")
    dossier.certificate_confirmed = True
    dossier.apd_reference = (apd_reference or "").strip()[:60]
    dossier.fmy_note_reference = (fmy_note_reference or "").strip()[:60]
    dossier.submitted_at = timezone.now()
    dossier.submitted_by = actor if not isinstance(actor, str) else None
    dossier.protocol_number = dossier.protocol_number or f"{dossier.code}/ΥΠ"
    dossier.save()
    notify(
        recipients=list(get_user_model().objects.filter(role_assignments__role__in=MANAGE_ROLES).distinct()),
        subject=f"Μηνιαίος φάκελος μισθοδοσίας {dossier.month:%m/%Y} — {dossier.service.name}",
        body=f"Η υπηρεσία «{dossier.service.name}» υπέβαλε τον φάκελο {dossier.code} (ΚΥΑ 16936 Άρθ. 8(1)).",
        kind="wages_dossier_submitted",
        obj=dossier,
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="wages.dossier_submitted",
        obj=dossier,
        before=before,
        after={
            **audit.snapshot(dossier, DOSSIER_FIELDS),
            "total_cost": str(dossier_totals(dossier)["dypa_cost"]),
        },
        reason="ΚΥΑ 16936 Άρθ. 8(1)",
    )
    return dossier


def _host_users(service_id: int):
    return list(get_user_model().objects.filter(host_services__service_id=service_id).distinct())


@transaction.atomic
def dossier_return(*, actor, dossier_id: int, reasons: str) -> WageDossier:
    """ΚΠΑ2 returns the dossier for correction with its reasons (Art. 10(2))."""
    text = (reasons or "").strip()
    if len(text) < 10:
        raise ValidationFailed(
            fields={"reasons": ["Γράψτε τους λόγους της επιστροφής (τουλάχιστον 10 χαρακτήρες)."]}
        )
    dossier = _locked(dossier_id)
    _require_manager(actor)
    if dossier.state != WageDossier.State.SUBMITTED:
        raise Conflict(f"Ο φάκελος είναι «{dossier.get_state_display()}».", code="wage_not_submitted")
    before = audit.snapshot(dossier, DOSSIER_FIELDS)
    dossier.return_for_correction()
    dossier.return_reasons = text[:4000]
    dossier.decided_at = timezone.now()
    dossier.decided_by = actor if not isinstance(actor, str) else None
    dossier.save()
    notify(
        recipients=_host_users(dossier.service_id),
        subject=f"Επιστροφή φακέλου μισθοδοσίας {dossier.month:%m/%Y} για διόρθωση",
        body=f"Ο φάκελος {dossier.code} επεστράφη από το ΚΠΑ2: {text}",
        kind="wages_dossier_returned",
        obj=dossier,
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="wages.dossier_returned",
        obj=dossier,
        before=before,
        after=audit.snapshot(dossier, DOSSIER_FIELDS),
        reason=text[:500],
    )
    return dossier


def _name(person) -> str:
    return f"{person.last_name} {person.first_name}".strip() if person else ""


def _net_lines(line: WageLine) -> list[Line]:
    return net_lines(
        base_gross=line.base_gross,
        absence_days=line.unjustified_absence_days,
        absence_divisor=line.absence_divisor,
        absence_deduction=line.absence_deduction,
        hazardous_allowance=line.hazardous_allowance,
        employee_percent=line.employee_percent,
        employee_contributions=line.employee_contributions,
        income_tax=line.income_tax,
    )


def net_lines(
    *,
    base_gross: Decimal,
    absence_days: int,
    absence_divisor: int,
    absence_deduction: Decimal,
    hazardous_allowance: Decimal,
    employee_percent: Decimal,
    employee_contributions: Decimal,
    income_tax: Decimal,
) -> list[Line]:
    """The breakdown of a participant's net pay for the month (Art. 7(1), 7(6), 8(1)(β))."""
    out = [Line("Μηνιαίες μικτές αποδοχές", base_gross, rules.CITE_GROSS)]
    if absence_deduction:
        out.append(
            Line(
                f"Περικοπή {absence_days} ημερών αδικαιολόγητης απουσίας "
                f"({format_eur(base_gross)} / {absence_divisor} ανά ημέρα)",
                -absence_deduction,
                rules.CITE_ABSENCE,
            )
        )
    if hazardous_allowance:
        out.append(
            Line("Επίδομα επικίνδυνης και ανθυγιεινής εργασίας", hazardous_allowance, rules.CITE_HAZARDOUS)
        )
    out.append(
        Line(
            f"Εισφορές ωφελούμενου ({format_percent(employee_percent)})",
            -employee_contributions,
            rules.CITE_EMPLOYEE,
        )
    )
    if income_tax:
        out.append(Line("Φόρος μισθωτών υπηρεσιών (ΦΜΥ)", -income_tax, rules.CITE_TAX))
    return out


OPENED_BY_DOSSIER = "ΚΥΑ 16936 Άρθ. 8(3), 10(2)"  # the verified dossier is the payments' documents


@transaction.atomic
def dossier_verify(*, actor, dossier_id: int, note: str = "") -> WageDossier:
    """ΚΠΑ2 verifies the dossier (universal administrative check, Art. 10(2)): the month's cost is
    committed on the year's ledger and the payments are opened (Art. 8(3)): one WAGE_NET per
    participant to their IBAN and one WAGE_CONTRIBUTIONS for the month through ΤΠΤΕ."""
    dossier = _locked(dossier_id)
    _require_manager(actor)
    if dossier.state != WageDossier.State.SUBMITTED:
        raise Conflict(f"Ο φάκελος είναι «{dossier.get_state_display()}».", code="wage_not_submitted")
    if not isinstance(actor, str) and dossier.submitted_by_id == actor.pk:
        raise PermissionDenied("Ο φάκελος επαληθεύεται από άλλο πρόσωπο από αυτό που τον υπέβαλε.")
    lines = list(dossier.lines.select_related("placement__application__person", "placement__wage_account"))
    totals = dossier_totals(dossier)
    year = dossier.month.year
    by = actor if not isinstance(actor, str) else None
    # The ledger's rows are locked before the audit chain's head (payments.services.ledger).
    if totals["dypa_cost"] > 0:
        ledger.commit(
            ledger.booking_for(call=dossier.call, year=year),
            totals["dypa_cost"],
            source=f"wage_dossier:{dossier.pk}",
            by=by,
        )
    before = audit.snapshot(dossier, DOSSIER_FIELDS)
    dossier.verify()
    dossier.decided_at = timezone.now()
    dossier.decided_by = by
    dossier.verification_note = (note or "").strip()[:4000]
    dossier.save()
    audit.record(
        actor=actor,
        action="wages.dossier_verified",
        obj=dossier,
        before=before,
        after={**audit.snapshot(dossier, DOSSIER_FIELDS), "committed": str(totals["dypa_cost"])},
        reason="ΚΥΑ 16936 Άρθ. 10(2)",
    )
    month = f"{dossier.month:%m/%Y}"
    for line in lines:
        person = line.placement.application.person
        account = line.placement.wage_account
        payment = create_payment(
            call=dossier.call,
            kind=Payment.Kind.WAGE_NET,
            lines=_net_lines(line),
            payee_kind=Payment.PayeeKind.PARTICIPANT,
            payee_name=_name(person) or line.placement.application.protocol_number,
            payee_afm=getattr(person, "afm", "") or "",
            payee_iban=account.iban,
            year=year,
            warnings=[f"Καθαρές αποδοχές {month}, φάκελος {dossier.code}."],
            actor=actor,
        )
        submit_with_dossier(
            payment, actor=actor, protocol_number=dossier.code, reason="ΚΥΑ 16936 Άρθ. 8(3), 10(2)"
        )
        line.net_payment = payment
        line.save(update_fields=["net_payment"])
    contributions = create_payment(
        call=dossier.call,
        kind=Payment.Kind.WAGE_CONTRIBUTIONS,
        lines=[
            Line("Εισφορές ωφελουμένων", totals["employee_contributions"], rules.CITE_EMPLOYEE),
            Line(
                "Εισφορές φορέα υποδοχής (εργοδοτικές)", totals["employer_contributions"], rules.CITE_EMPLOYER
            ),
            Line("Φόρος μισθωτών υπηρεσιών (ΦΜΥ)", totals["income_tax"], rules.CITE_TAX),
        ],
        payee_kind=Payment.PayeeKind.TPTE,
        payee_name=f"e-ΕΦΚΑ και ΦΜΥ μέσω ΤΠΤΕ {dossier.tpte_identity}",
        year=year,
        warnings=[
            f"Εισφορές και ΦΜΥ {month}, φάκελος {dossier.code}, ΤΠΤΕ {dossier.tpte_identity} "
            f"({rules.CITE_TPTE})."
        ],
        actor=actor,
    )
    submit_with_dossier(
        contributions, actor=actor, protocol_number=dossier.code, reason="ΚΥΑ 16936 Άρθ. 8(3), 10(2)"
    )
    dossier.open_payments()
    dossier.contributions_payment = contributions
    dossier.save()
    notify(
        recipients=_host_users(dossier.service_id),
        subject=f"Επαληθεύτηκε ο φάκελος μισθοδοσίας {month}",
        body=(
            f"Ο φάκελος {dossier.code} επαληθεύτηκε από το ΚΠΑ2· ανοίχτηκαν {len(lines)} πληρωμές καθαρών "
            f"αποδοχών και η πληρωμή εισφορών και ΦΜΥ μέσω ΤΠΤΕ (ΚΥΑ 16936 Άρθ. 8(3))."
        ),
        kind="wages_dossier_verified",
        obj=dossier,
        actor=actor,
    )
    audit.record(
        actor=actor,
        action="wages.payments_opened",
        obj=dossier,
        after={"net_payments": len(lines), "contributions_payment": contributions.code},
        reason="ΚΥΑ 16936 Άρθ. 8(3)",
    )
    return dossier


# --- Figures -------------------------------------------------------------------------------------


def dossier_totals(dossier: WageDossier) -> dict[str, Decimal]:
    sums = dossier.lines.aggregate(
        gross=Sum("gross"),
        employee_contributions=Sum("employee_contributions"),
        employer_contributions=Sum("employer_contributions"),
        total_contributions=Sum("total_contributions"),
        income_tax=Sum("income_tax"),
        net=Sum("net"),
        dypa_cost=Sum("dypa_cost"),
    )
    out = {k: v or ZERO for k, v in sums.items()}
    out["via_tpte"] = out["total_contributions"] + out["income_tax"]
    return out


COMMITTED_STATES = (WageDossier.State.VERIFIED, WageDossier.State.PAYMENTS_OPENED)


def year_projection_for(call, year: int) -> rules.YearProjection:
    """The year's committed cost (verified dossiers) plus, for every active placement, each month
    of its employment in the year not yet verified × the full month's cost, against the year's
    ceiling (calls.AnnualAllocation; ΚΥΑ 16936 Rec. 35)."""
    allocation = AnnualAllocation.objects.filter(call=call, year=year).first()
    committed = (
        WageLine.objects.filter(
            dossier__call=call, dossier__month__year=year, dossier__state__in=COMMITTED_STATES
        ).aggregate(s=Sum("dypa_cost"))["s"]
        or ZERO
    )
    verified = set(
        WageLine.objects.filter(dossier__call=call, dossier__state__in=COMMITTED_STATES).values_list(
            "placement_id", "dossier__month"
        )
    )
    person_months = 0
    jan, dec = datetime.date(year, 1, 1), datetime.date(year, 12, 1)
    for p in Placement.objects.filter(round__call=call, state=Placement.State.HIRED, hired_on__isnull=False):
        end = (
            p.ended_on
            or p.contract_ends_on
            or (p.hired_on + relativedelta(months=p.contract_months, days=-1))
        )
        m = max(p.hired_on.replace(day=1), jan)
        last = min(end.replace(day=1), dec)
        while m <= last:
            if (p.pk, m) not in verified:
                person_months += 1
            m += relativedelta(months=1)
    return rules.year_projection(
        year=year,
        ceiling=allocation.amount if allocation else None,
        committed=committed,
        remaining_person_months=person_months,
        monthly_cost=wage_rates(call).full_month_cost(),
    )
