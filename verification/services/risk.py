"""Guidance Ο.3 §4.2.2: the risk assessment runs (monthly for desk checks, six-monthly for the
on-the-spot sample, initial at inclusion), per Programme and management body, with history.

A run is set-based: a handful of aggregate queries gather each operation's facts from the
portal's own data (budget, modifications, declarations and accepted amounts, on-the-spot
verifications, corrections, the beneficiary's other operations), the pure rules in
verification.rules.risk grade them, and the scores are written with one bulk insert. Nothing
is read per operation.
"""

from __future__ import annotations

import datetime
import io
import json
import time
from collections import defaultdict
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import Business
from applications.models import ClusterPartner
from calls.models import Call, Programme
from operations.models import Modification, Operation
from opske import audit
from opske.dates import ATHENS
from opske.errors import ValidationFailed
from verification.models import (
    Correction,
    OnSiteVerification,
    RiskFactorInput,
    RiskRun,
    RiskScore,
    VerificationRequest,
)
from verification.rules import risk as rules
from verification.rules.subprojects import subproject_type_for_config

ZERO = Decimal("0")  # the rules' zero: facts equal to the defaults are not stored


def current_parameters() -> rules.RiskParameters:
    """The parameter set in force (settings.OPSKE_RISK_PARAMETERS may override the defaults)."""
    from django.conf import settings

    return rules.RiskParameters.from_dict(getattr(settings, "OPSKE_RISK_PARAMETERS", None))


def population(*, programme_id: int, management_body: str):
    """§4.2: all included operations of the Programme and body (a terminated one has left)."""
    return Operation.objects.filter(call__programme_id=programme_id, management_body=management_body).exclude(
        state=Operation.State.TERMINATED
    )


def gather_facts(*, programme_id: int, management_body: str) -> dict[int, tuple[str, rules.OperationFacts]]:
    """operation id → (code, facts), from a fixed number of aggregate queries."""
    ops_q = population(programme_id=programme_id, management_body=management_body)
    ops = list(
        ops_q.annotate(submitted_on=TruncDate("application__submitted_at", tzinfo=ATHENS)).values_list(
            "id", "code", "business_id", "public_expenditure", "approved_total", "starts_on", "ends_on",
            "call_id", "submitted_on", "business__legal_form",
        )
    )  # fmt: skip
    if not ops:
        return {}
    op_ids = ops_q.values("id")
    biz_ids = ops_q.exclude(business_id=None).values("business_id")
    calls = {
        pk: subproject_type_for_config(config, method)
        for pk, config, method in Call.objects.filter(pk__in=ops_q.values("call_id")).values_list(
            "id", "config", "evaluation_method"
        )
    }
    partners = dict(
        ClusterPartner.objects.filter(application__operation__in=op_ids)
        .exclude(afm=F("application__business__afm"))
        .values("application__operation")
        .annotate(n=Count("id"))
        .values_list("application__operation", "n")
    )
    # Every submitted ΔΔΔ of the portal, per operation: factor 8 compares each beneficiary with all.
    decided = Q(accepted_total__isnull=False)
    per_op_requests = {}
    per_biz_declared: dict[int, Decimal] = defaultdict(lambda: ZERO)
    per_biz_accepted: dict[int, Decimal] = defaultdict(lambda: ZERO)
    total_declared = ZERO
    business_of = dict(Operation.objects.values_list("id", "business_id"))
    for op_id, declared, declared_decided, accepted in (
        VerificationRequest.objects.exclude(state=VerificationRequest.State.DRAFT)
        .values("operation_id")
        .annotate(d=Sum("declared_total"), dd=Sum("declared_total", filter=decided), a=Sum("accepted_total"))
        .values_list("operation_id", "d", "dd", "a")
    ):
        per_op_requests[op_id] = (declared_decided or ZERO, accepted or ZERO)
        total_declared += declared or ZERO
        biz_id = business_of.get(op_id)
        if biz_id is not None:
            per_biz_declared[biz_id] += declared or ZERO
            per_biz_accepted[biz_id] += accepted or ZERO
    biz_quartile = rules.quartiles(dict(per_biz_declared))
    mods: dict[int, dict[str, int]] = defaultdict(dict)
    for op_id, kind, n in (
        Modification.objects.filter(operation__in=op_ids, state=Modification.State.APPROVED)
        .values("operation_id", "characterisation")
        .annotate(n=Count("id"))
        .values_list("operation_id", "characterisation", "n")
    ):
        mods[op_id][kind] = n
    onsite = {
        op_id: (last, checked or ZERO)
        for op_id, last, checked in OnSiteVerification.objects.filter(operation__in=op_ids)
        .values("operation_id")
        .annotate(last=Max("ended_on"), checked=Sum("amount_checked"))
        .values_list("operation_id", "last", "checked")
    }
    onsite_corrections = dict(
        Correction.objects.filter(
            operation__in=op_ids,
            origin__in=[Correction.Origin.ON_THE_SPOT, Correction.Origin.AUDIT],
            horizontal=False,
            flat_rate=False,
        )
        .values("operation_id")
        .annotate(s=Sum("amount"))
        .values_list("operation_id", "s")
    )
    biz_open = dict(
        Operation.objects.filter(business_id__in=biz_ids, state=Operation.State.ACTIVE)
        .values("business_id")
        .annotate(n=Count("id"))
        .values_list("business_id", "n")
    )
    biz_onsite = dict(
        OnSiteVerification.objects.filter(operation__business_id__in=biz_ids)
        .values("operation__business_id")
        .annotate(n=Count("id"))
        .values_list("operation__business_id", "n")
    )
    biz_corrections = dict(
        Correction.objects.filter(operation__business_id__in=biz_ids, category__in=["1", "6"])
        .values("operation__business_id")
        .annotate(s=Sum("amount"))
        .values_list("operation__business_id", "s")
    )
    staff_op: dict[int, dict[int, dict]] = defaultdict(dict)
    staff_biz: dict[int, dict[int, dict]] = defaultdict(dict)
    for entry in (
        RiskFactorInput.objects.filter(Q(operation__in=op_ids) | Q(business__in=biz_ids))
        .select_related("entered_by")
        .order_by("created_at", "pk")
    ):
        data = {
            "value": entry.value,
            "grade": entry.grade,
            "note": entry.note,
            "by": entry.entered_by.get_full_name() or entry.entered_by.username,
            "on": entry.entered_on.strftime("%d/%m/%Y"),
            "input": entry.pk,
        }
        target = staff_op[entry.operation_id] if entry.operation_id else staff_biz[entry.business_id]
        target[entry.factor] = data  # later entries win
    out = {}
    for op_id, code, biz_id, public, approved, starts, ends, call_id, submitted, legal_form in ops:
        declared, accepted = per_op_requests.get(op_id, (ZERO, ZERO))
        last, checked = onsite.get(op_id, (None, ZERO))
        staff = dict(staff_biz.get(biz_id, {}))
        staff.update(staff_op.get(op_id, {}))
        facts = rules.OperationFacts(
            legal_form=legal_form or "",
            beneficiary_type=rules.beneficiary_type_from_legal_form(legal_form or ""),
            b_corrections=biz_corrections.get(biz_id) or ZERO,
            b_accepted=per_biz_accepted.get(biz_id, ZERO),
            b_onsite=biz_onsite.get(biz_id, 0),
            beneficiaries=1 + partners.get(op_id, 0),
            b_open_operations=biz_open.get(biz_id, 0),
            b_declared=per_biz_declared.get(biz_id, ZERO),
            total_declared=total_declared,
            b_quartile=biz_quartile.get(biz_id, 1),
            budgets={calls[call_id]: public or approved or ZERO},
            subprojects=1,
            starts_on=starts,
            ends_on=ends,
            submitted_on=submitted,
            public_expenditure=public or ZERO,
            mods_necessary=mods.get(op_id, {}).get(Modification.Characterisation.NECESSARY, 0),
            mods_exogenous=mods.get(op_id, {}).get(Modification.Characterisation.EXOGENOUS, 0),
            declared=declared,
            accepted=accepted,
            last_onsite=last,
            onsite_checked=checked,
            onsite_corrections=onsite_corrections.get(op_id) or ZERO,
            staff=staff,
        )
        out[op_id] = (code, facts)
    return out


def _copy_scores(run_id: int, rows) -> None:
    """Write the run's scores with one COPY (PostgreSQL; bulk_create elsewhere). The column list
    comes from RiskScore._meta, so a field added later must be given here or fail loudly."""
    from django.db import connection

    if connection.vendor != "postgresql":
        RiskScore.objects.bulk_create(
            (
                RiskScore(run_id=run_id, operation_id=o, total=t, rank=r, stratum=s, factors=f)
                for o, t, r, s, f in rows
            ),
            batch_size=2000,
        )
        return
    columns = [f.column for f in RiskScore._meta.concrete_fields if not f.primary_key]
    expected = ["run_id", "operation_id", "total", "rank", "stratum", "factors"]
    if columns != expected:
        raise RuntimeError(f"RiskScore columns changed: {columns}; update _copy_scores")
    buf = io.StringIO()
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for op_id, total, rank, stratum, factors in rows:
        # COPY text format: JSON never holds a raw tab or newline; only its backslashes need doubling.
        buf.write(
            f"{run_id}\t{op_id}\t{total}\t{rank}\t{stratum}\t{dumps(factors).replace(chr(92), chr(92) * 2)}\n"
        )
    buf.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f'COPY "{RiskScore._meta.db_table}" ({", ".join(columns)}) FROM STDIN WITH (FORMAT text)', buf
        )


def _strata_summary(rows) -> dict:
    summary = {}
    for stratum in (rules.HIGH, rules.MEDIUM, rules.LOW):
        totals = [total for _key, total, _rank, s in rows if s == stratum]
        summary[stratum] = {
            "count": len(totals),
            "min": min(totals) if totals else None,
            "max": max(totals) if totals else None,
        }
    return summary


def risk_run_execute(
    *,
    actor,
    programme: Programme,
    management_body: str,
    kind: str,
    as_of: datetime.date | None = None,
    period: str = "",
    params: rules.RiskParameters | None = None,
) -> RiskRun:
    """Run the assessment for one Programme and management body and keep it (history). With a
    `period`, a second call for the same period returns the first run unchanged (idempotent)."""
    if kind not in RiskRun.Kind.values:
        raise ValidationFailed("Άγνωστο είδος εκτίμησης κινδύνου.", code="risk_run_kind")
    params = params or current_parameters()
    as_of = as_of or timezone.localdate()
    started = time.monotonic()
    if period:
        existing = RiskRun.objects.filter(
            programme=programme, management_body=management_body, kind=kind, period=period
        ).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            run = RiskRun.objects.create(
                kind=kind,
                programme=programme,
                management_body=management_body,
                as_of=as_of,
                period=period,
                parameters_version=params.version,
                parameters=params.as_dict(),
                run_by=actor if getattr(actor, "pk", None) else None,
            )
            facts = gather_facts(programme_id=programme.pk, management_body=management_body)
            graded = {}
            for op_id, (code, f) in facts.items():
                g = rules.grades(f, as_of, params)
                graded[op_id] = (code, g, rules.total_score(g))
            rows = rules.stratify(
                [(op_id, code, total) for op_id, (code, _g, total) in graded.items()], params
            )
            _copy_scores(
                run.pk,
                (
                    (
                        op_id,
                        total,
                        rank,
                        stratum,
                        {"grades": graded[op_id][1], "facts": facts[op_id][1].to_json()},
                    )
                    for op_id, total, rank, stratum in rows
                ),
            )
            run.operations_count = len(rows)
            run.strata = _strata_summary(rows)
            run.duration_ms = int((time.monotonic() - started) * 1000)
            run.save(update_fields=["operations_count", "strata", "duration_ms"])
            audit.record(
                actor=actor,
                action="verification.risk_run.executed",
                obj=run,
                after={
                    "kind": kind,
                    "programme": programme.code,
                    "management_body": management_body,
                    "as_of": as_of,
                    "period": period,
                    "operations": len(rows),
                    "parameters_version": params.version,
                },
            )
    except IntegrityError:
        # Two schedulers raced for the same period: the other one's run stands.
        existing = RiskRun.objects.filter(
            programme=programme, management_body=management_body, kind=kind, period=period
        ).first()
        if existing is None:
            raise
        return existing
    return run


def populations() -> list[tuple[int, str]]:
    """Each (programme id, management body) that has operations: one run each (§4.2.2)."""
    return list(
        Operation.objects.exclude(state=Operation.State.TERMINATED)
        .values_list("call__programme_id", "management_body")
        .distinct()
        .order_by("call__programme_id", "management_body")
    )


def period_for(kind: str, day: datetime.date) -> str:
    if kind == RiskRun.Kind.MONTHLY:
        return f"{day.year}-{day.month:02d}"
    if kind == RiskRun.Kind.SEMIANNUAL:
        return f"{day.year}-H{1 if day.month <= 6 else 2}"
    return ""


def risk_runs_due(*, today: datetime.date | None = None) -> int:
    """The runs due now; returns how many ran. Safe to call every tick (a period already run is
    skipped with one query):
    - «initial» (§4.2.2: «αμέσως μετά την ένταξη»): a population with operations included since
      its last run and whose monthly run of this month is already done gets a run now, so a new
      operation is ranked before the next month;
    - «monthly» and «semiannual»: once per calendar month and per half-year."""
    today = today or timezone.localdate()
    done = 0
    pops = populations()
    if not pops:
        return 0
    programmes = Programme.objects.in_bulk({p for p, _b in pops})
    month = period_for(RiskRun.Kind.MONTHLY, today)
    monthly_done = set(
        RiskRun.objects.filter(kind=RiskRun.Kind.MONTHLY, period=month).values_list(
            "programme_id", "management_body"
        )
    )
    # Cheap enough for every tick: the newest operation and the newest run per population.
    newest_op = {
        (p, b): at
        for p, b, at in Operation.objects.exclude(state=Operation.State.TERMINATED)
        .values("call__programme_id", "management_body")
        .annotate(at=Max("created_at"))
        .values_list("call__programme_id", "management_body", "at")
    }
    newest_run = {
        (p, b): at
        for p, b, at in RiskRun.objects.values("programme_id", "management_body")
        .annotate(at=Max("created_at"))
        .values_list("programme_id", "management_body", "at")
    }
    unranked = {key for key, at in newest_op.items() if key in newest_run and at > newest_run[key]}
    for programme_id, body in pops:
        if (programme_id, body) in monthly_done and (programme_id, body) in unranked:
            risk_run_execute(
                actor="verification.tasks.risk_runs_due",
                programme=programmes[programme_id],
                management_body=body,
                kind=RiskRun.Kind.INITIAL,
                as_of=today,
            )
            done += 1
    for kind in (RiskRun.Kind.MONTHLY, RiskRun.Kind.SEMIANNUAL):
        period = period_for(kind, today)
        have = set(
            RiskRun.objects.filter(kind=kind, period=period).values_list("programme_id", "management_body")
        )
        for programme_id, body in pops:
            if (programme_id, body) in have:
                continue
            risk_run_execute(
                actor="verification.tasks.risk_runs_due",
                programme=programmes[programme_id],
                management_body=body,
                kind=kind,
                as_of=today,
                period=period,
            )
            done += 1
    return done


def risk_factor_input_record(
    *,
    actor,
    factor: int,
    value: str,
    grade: int,
    note: str = "",
    operation: Operation | None = None,
    business: Business | None = None,
    entered_on: datetime.date | None = None,
) -> RiskFactorInput:
    """Staff enter a factor the portal cannot compute (§4.2.1); it counts from the next run."""
    if factor in rules.INACTIVE_FACTORS or factor not in rules.ALLOWED_GRADES:
        message = "Ο παράγοντας δεν δέχεται καταχώριση (ο 5 είναι ανενεργός)."
        raise ValidationFailed(message, code="risk_factor_inactive", fields={"factor": message})
    if grade not in rules.ALLOWED_GRADES[factor]:
        allowed = ", ".join(str(g) for g in rules.ALLOWED_GRADES[factor])
        message = f"Ο βαθμός του παράγοντα {factor} είναι ένας από: {allowed}."
        raise ValidationFailed(message, code="risk_factor_grade", fields={"grade": message})
    if (operation is None) == (business is None):
        raise ValidationFailed("Ορίστε πράξη ή δικαιούχο.", code="risk_factor_subject")
    with transaction.atomic():
        entry = RiskFactorInput.objects.create(
            operation=operation,
            business=business,
            factor=factor,
            value=value[:200],
            grade=grade,
            note=note,
            entered_by=actor,
            entered_on=entered_on or timezone.localdate(),
        )
        audit.record(
            actor=actor,
            action="verification.risk_factor.entered",
            obj=entry,
            after={"factor": factor, "value": value, "grade": grade, "note": note},
        )
    return entry


def latest_score(operation: Operation, *, kind: str | None = None) -> RiskScore | None:
    """The operation's score in the latest run of its programme and body (monthly by default)."""
    qs = RiskScore.objects.filter(operation=operation).select_related("run")
    if kind:
        qs = qs.filter(run__kind=kind)
    return qs.order_by("-run__as_of", "-run_id").first()


def explain(score: RiskScore) -> list[rules.Factor]:
    """The 19 factors of a stored score, recomputed from its stored facts with its run's
    parameters (the same pure rules as the run)."""
    facts = rules.OperationFacts.from_json((score.factors or {}).get("facts") or {})
    params = rules.RiskParameters.from_dict(score.run.parameters)
    return rules.factors(facts, score.run.as_of, params)
