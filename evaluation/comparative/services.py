"""Every write of the comparative evaluation (call 004 §10.1–10.4), audited.

Who does what (§10.1): committee members score the three stages and record budget cuts on the
applications they have declared no conflict for; any member may compute a ranking; the chair
records the committee's opinion (γνωμοδότηση); a supervisor approves the results, which hands the
outcome of every application to the common decision services (`evaluation.services`).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Role
from applications.evaluation_hooks import application_evaluation_transition
from applications.models import Application, BudgetLine
from calls.gaps import gap_value
from calls.models import Call
from evaluation import services as common
from evaluation.comparative import rules, selectors
from evaluation.comparative.models import (
    BudgetCut,
    Committee,
    ComparativeScore,
    CriterionScore,
    Opinion,
    RankingRun,
)
from evaluation.models import Decision, EvaluationRound, Objection
from opske import audit
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

SOURCE = rules.SOURCE


# --- helpers --------------------------------------------------------------------------------------


def round_for_call(call: Call) -> EvaluationRound:
    """The call's evaluation round (one per call), opened on first use after the deadline."""
    if call.evaluation_method != Call.EvaluationMethod.COMPARATIVE:
        raise Conflict("Η πρόσκληση δεν αξιολογείται συγκριτικά.", code="not_comparative")
    return common.round_for_call(call)


def _user(actor):
    if actor is None or not getattr(actor, "pk", None):
        raise PermissionDenied()
    return actor


def _require_supervisor(actor) -> None:
    if not _user(actor).has_role(Role.SUPERVISOR, Role.PROGRAMME_ADMIN):
        raise PermissionDenied("Μόνο ο Προϊστάμενος / εγκρίνων μπορεί να κάνει αυτή την ενέργεια.")


def _committee(call: Call) -> Committee:
    committee = Committee.objects.filter(round__call=call).first()
    if committee is None:
        raise Conflict(
            "Δεν έχει συγκροτηθεί Επιτροπή Αξιολόγησης για την πρόσκληση (§10.1).", code="no_committee"
        )
    return committee


def _require_member(actor, call: Call) -> Committee:
    committee = _committee(call)
    if not committee.members.filter(pk=_user(actor).pk).exists():
        raise NotFound()
    return committee


def _require_clear(actor, application: Application) -> None:
    """No scoring without a signed «no conflict» declaration for this application (§10.2 first
    principle: members "δεν συνδέονται με κανένα τρόπο με το επενδυτικό σχέδιο")."""
    state = selectors.conflict_state(user=actor, application=application)
    if state == selectors.CONFLICT_DECLARED:
        raise PermissionDenied(
            "Έχετε δηλώσει σύγκρουση συμφερόντων για αυτή την αίτηση· δεν μπορείτε να τη βαθμολογήσετε.",
            code="conflict_declared",
        )
    if state != selectors.CONFLICT_CLEAR:
        raise PermissionDenied(
            "Υπογράψτε πρώτα τη δήλωση μη σύγκρουσης συμφερόντων για αυτή την αίτηση.",
            code="declaration_required",
        )


def _locked_sheet(score_id) -> ComparativeScore:
    sheet = (
        ComparativeScore.objects.select_for_update()
        .select_related("application", "application__call", "round")
        .filter(pk=score_id)
        .first()
    )
    if sheet is None:
        raise NotFound()
    return sheet


def _editable_sheet(actor, score_id) -> ComparativeScore:
    sheet = _locked_sheet(score_id)
    _require_member(actor, sheet.application.call)
    _require_clear(actor, sheet.application)
    if sheet.state != ComparativeScore.State.DRAFT:
        raise Conflict(
            "Η βαθμολόγηση έχει οριστικοποιηθεί· αλλαγές μόνο αν την ανοίξει ξανά αποδεκτή ένσταση (§10.4).",
            code="sheet_finalised",
        )
    return sheet


def call_criteria(call: Call) -> tuple[rules.Criterion, ...]:
    rows = [
        {
            "code": c.code,
            "title": c.title,
            "weight_percent": c.weight_percent,
            "max_score": c.max_score,
            "sub_criteria": c.sub_criteria,
        }
        for c in call.criteria.filter(kind="scored").order_by("position", "code")
    ]
    return rules.criteria_from_config(rows)


def required_documents(call: Call) -> dict[str, str]:
    """Stage Α checklist: the call's mandatory Annex I documents for the application stage."""
    return {
        a.opske_code: a.name
        for a in call.attachments.filter(stage="application", mandatory=True).order_by("position", "pk")
    }


def _find_sub(criteria, criterion_code: str, sub_code: str) -> rules.SubCriterion:
    for crit in criteria:
        if crit.code == criterion_code:
            for sub in crit.subs:
                if sub.code == sub_code:
                    return sub
    raise ValidationFailed(fields={"criterion": [f"Άγνωστο υποκριτήριο {criterion_code}.{sub_code}."]})


def _partner_score(sheet: ComparativeScore, actor) -> None:
    """Criterion 3β is computed from the application's partners, never typed (Annex V §3)."""
    app = sheet.application
    scale = rules.partner_scale_from_config((app.call.config or {}).get("partner_count_scale"))
    count = app.partners.count()
    value = rules.partner_count_score(count, scale)
    code, sub = rules.PARTNER_COUNT_KEY
    row = CriterionScore.objects.filter(score=sheet, criterion_code=code, sub_code=sub).first()
    text = f"Αυτόματος υπολογισμός: {count} εταίροι → {value} (Πρόσκληση 004 Παρ. V §3, κριτήριο 3β)."
    if row is not None and row.value == value and row.justification == text:
        return
    before = {"value": row.value} if row else None
    CriterionScore.objects.update_or_create(
        score=sheet,
        criterion_code=code,
        sub_code=sub,
        defaults={
            "value": value,
            "justification": text,
            "automatic": True,
            "scored_by": None,
            "scored_at": timezone.now(),
        },
    )
    audit.record(
        actor=actor,
        action="comparative.criterion_scored",
        obj=sheet,
        before=before,
        after={"criterion": f"{code}.{sub}", "value": value, "automatic": True, "partners": count},
    )


# --- committee ----------------------------------------------------------------------------------


def committee_set(
    *, actor, call_id: int, chair_id: int, member_ids: list[int], name: str = "", appointment_ref: str = ""
) -> Committee:
    """Appoint (or re-appoint) the round's Evaluation Committee (§10.1). Members need the committee role."""
    _require_supervisor(actor)
    from accounts.models import User

    member_ids = sorted({int(m) for m in member_ids} | {int(chair_id)})
    users = list(User.objects.filter(pk__in=member_ids))
    if len(users) != len(member_ids):
        raise ValidationFailed(fields={"members": ["Άγνωστος χρήστης στα μέλη."]})
    not_members = [u.get_username() for u in users if not u.has_role(Role.COMMITTEE_MEMBER)]
    if not_members:
        raise ValidationFailed(
            fields={"members": [f"Χωρίς ρόλο μέλους επιτροπής αξιολόγησης: {', '.join(not_members)}."]}
        )
    with transaction.atomic():
        call = Call.objects.select_for_update().filter(pk=call_id).first()
        if call is None:
            raise NotFound()
        rnd = round_for_call(call)
        committee = Committee.objects.filter(round=rnd).first()
        before = (
            {"chair": committee.chair_id, "members": sorted(committee.members.values_list("pk", flat=True))}
            if committee
            else None
        )
        if committee is None:
            committee = Committee(round=rnd, chair_id=chair_id)
        committee.chair_id = chair_id
        committee.name = name or committee.name
        committee.appointment_ref = appointment_ref or committee.appointment_ref
        committee.save()
        committee.members.set(users)
        audit.record(
            actor=actor,
            action="comparative.committee_set",
            obj=committee,
            before=before,
            after={"chair": chair_id, "members": member_ids, "appointment_ref": committee.appointment_ref},
        )
        committee_assign_applications(actor=actor, committee=committee)
    return committee


def committee_assign_applications(*, actor, committee: Committee) -> int:
    """Every member of the committee gets every submitted application of the round (§10.1–10.2:
    the Committee evaluates each proposal as a body), so each member signs a declaration per
    application before scoring it. Idempotent: existing assignments are kept. Returns how many."""
    from evaluation.models import Assignment

    apps = Application.objects.filter(call_id=committee.round.call_id).exclude(
        status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN]
    )
    made = 0
    for member in committee.members.all():
        have = set(
            Assignment.objects.filter(evaluator=member, role=Assignment.Role.COMMITTEE).values_list(
                "application_id", flat=True
            )
        )
        for app_id in apps.exclude(pk__in=have).values_list("pk", flat=True):
            common.assignment_create(
                actor=actor, application_id=app_id, evaluator_id=member.pk, role=Assignment.Role.COMMITTEE
            )
            made += 1
    return made


# --- score sheet --------------------------------------------------------------------------------


def score_sheet_open(*, actor, application_id: int) -> ComparativeScore:
    """Open (or return) the application's score sheet; the application goes under evaluation."""
    with transaction.atomic():
        app = Application.objects.select_for_update().select_related("call").filter(pk=application_id).first()
        if app is None:
            raise NotFound()
        _require_member(actor, app.call)
        _require_clear(actor, app)
        sheet = ComparativeScore.objects.filter(application=app).first()
        if sheet is not None:
            return sheet
        if app.status not in (Application.Status.SUBMITTED, Application.Status.UNDER_EVALUATION):
            raise Conflict("Βαθμολογούνται μόνο οριστικοποιημένες αιτήσεις.", code="not_submitted")
        call = app.call
        if call.submission_closes_at and timezone.now() < call.submission_closes_at:
            raise Conflict(
                "Η συγκριτική αξιολόγηση αρχίζει μετά τη λήξη της υποβολής (§10.2).", code="window_open"
            )
        if app.status == Application.Status.SUBMITTED:
            application_evaluation_transition(
                actor=actor, application_id=app.pk, transition="start_evaluation",
                reason="Συγκριτική αξιολόγηση (Πρόσκληση 004 §10.2)",
            )  # fmt: skip
        sheet = ComparativeScore.objects.create(round=round_for_call(call), application=app)
        audit.record(actor=actor, action="comparative.sheet_opened", obj=sheet, after={"application": app.pk})
        _partner_score(sheet, actor)
    return sheet


def criterion_score_set(
    *, actor, score_id: int, criterion_code: str, sub_code: str, value, justification: str
) -> CriterionScore:
    """Score one sub-criterion on its Annex V scale, with its justification."""
    with transaction.atomic():
        sheet = _editable_sheet(actor, score_id)
        call = sheet.application.call
        sub = _find_sub(call_criteria(call), criterion_code, sub_code)
        if sub.automatic:
            raise ValidationFailed(
                fields={"value": ["Το κριτήριο 3β υπολογίζεται αυτόματα από τον αριθμό των εταίρων."]}
            )
        try:
            anchors_only = (call.config or {}).get("score_scale_mode") == "anchors"
            clean = rules.validate_sub_score(sub, value, anchors_only=anchors_only)
            text = rules.validate_justification(sub, justification)
        except rules.ScoreRefused as exc:
            raise ValidationFailed(exc.message, fields={exc.field: [exc.message]}) from None
        row = CriterionScore.objects.filter(
            score=sheet, criterion_code=criterion_code, sub_code=sub_code
        ).first()
        before = {"value": row.value, "justification": row.justification} if row else None
        if row is None:
            row = CriterionScore(score=sheet, criterion_code=criterion_code, sub_code=sub_code)
        row.value, row.justification = clean, text
        row.scored_by, row.scored_at, row.automatic = actor, timezone.now(), False
        row.save()
        audit.record(
            actor=actor,
            action="comparative.criterion_scored",
            obj=sheet,
            before=before,
            after={"criterion": f"{criterion_code}.{sub_code}", "value": clean, "justification": text},
        )
    return row


def _clean_answers(answers: dict, codes) -> dict:
    out, bad = {}, []
    for code in codes:
        value = answers.get(code)
        if value in (None, ""):
            continue
        if value not in rules.ANSWERS:
            bad.append(code)
        else:
            out[code] = value
    if bad:
        raise ValidationFailed(
            fields={"answers": [f"Μη έγκυρη απάντηση για {', '.join(bad)} (ΝΑΙ/ΟΧΙ/Δ.Α.)."]}
        )
    return out


def stages_record(
    *, actor, score_id: int, stage_a: dict, stage_b: dict, stage_a_notes: str = "", stage_b_notes: str = ""
) -> ComparativeScore:
    """Record Stage Α (documents) and Stage Β (31 formal conditions). An ΟΧΙ needs a note saying why."""
    with transaction.atomic():
        sheet = _editable_sheet(actor, score_id)
        call = sheet.application.call
        a = _clean_answers(stage_a or {}, required_documents(call))
        b = _clean_answers(stage_b or {}, rules.CONDITION_CODES)
        errors = {}
        if rules.NO in a.values() and len((stage_a_notes or "").strip()) < rules.MIN_JUSTIFICATION:
            errors["stage_a_notes"] = ["Αιτιολογήστε την ελλιπή πληρότητα (ποιο δικαιολογητικό και γιατί)."]
        if rules.NO in b.values() and len((stage_b_notes or "").strip()) < rules.MIN_JUSTIFICATION:
            errors["stage_b_notes"] = ["Αιτιολογήστε κάθε τυπική προϋπόθεση που δεν πληρείται."]
        if errors:
            raise ValidationFailed("Λείπει αιτιολόγηση αρνητικής κρίσης.", fields=errors)
        before = {"stage_a": sheet.stage_a, "stage_b": sheet.stage_b}
        sheet.stage_a, sheet.stage_b = a, b
        sheet.stage_a_notes, sheet.stage_b_notes = (
            (stage_a_notes or "").strip(),
            (stage_b_notes or "").strip(),
        )
        sheet.save()
        audit.record(
            actor=actor,
            action="comparative.stages_recorded",
            obj=sheet,
            before=before,
            after={"stage_a": a, "stage_b": b},
        )
    return sheet


def budget_cut_add(*, actor, score_id: int, line_id: int, amount, reason: str) -> BudgetCut:
    """A cut on one budget line with its reason (§10.1 opinion on the eligible budget; table 1)."""
    with transaction.atomic():
        sheet = _editable_sheet(actor, score_id)
        line = BudgetLine.objects.filter(pk=line_id, application=sheet.application).first()
        if line is None:
            raise ValidationFailed(fields={"line": ["Επιλέξτε γραμμή του προϋπολογισμού της αίτησης."]})
        try:
            value = rules.parse_amount(amount, allow_negative=True)
        except ValueError as exc:
            raise ValidationFailed(fields={"amount": [str(exc)]}) from None
        already = sum((c.amount for c in sheet.cuts.filter(line=line)), Decimal("0"))
        if value <= 0 or value + already > line.amount:
            raise ValidationFailed(
                fields={
                    "amount": [
                        f"Η περικοπή πρέπει να είναι θετική και έως {rules.fmt_eur(line.amount - already)}."
                    ]
                }
            )
        if len((reason or "").strip()) < rules.MIN_JUSTIFICATION:
            raise ValidationFailed(fields={"reason": ["Γράψτε την αιτιολόγηση της περικοπής."]})
        cut = BudgetCut.objects.create(
            score=sheet, line=line, amount=value, reason=reason.strip(), created_by=actor
        )
        audit.record(
            actor=actor,
            action="comparative.budget_cut_added",
            obj=sheet,
            after={"line": line.pk, "category": line.category, "amount": value, "reason": cut.reason},
        )
    return cut


def budget_cut_remove(*, actor, cut_id: int) -> None:
    with transaction.atomic():
        cut = BudgetCut.objects.filter(pk=cut_id).first()
        if cut is None:
            raise NotFound()
        sheet = _editable_sheet(actor, cut.score_id)
        before = {"line": cut.line_id, "amount": cut.amount, "reason": cut.reason}
        cut.delete()
        audit.record(actor=actor, action="comparative.budget_cut_removed", obj=sheet, before=before)


def sheet_outcome(sheet: ComparativeScore):
    """Stages, total and budget of a sheet as the rules compute them now (also the form's preview)."""
    app = sheet.application
    call = app.call
    config = call.config or {}
    criteria = call_criteria(call)
    scores = {(r.criterion_code, r.sub_code): r.value for r in sheet.criterion_scores.all()}
    total = rules.score_total(
        criteria,
        scores,
        rounding=gap_value(config, "score_rounding"),
        aggregation=gap_value(config, "criterion_aggregation"),
    )
    stage_a = rules.stage_a_result(sheet.stage_a or {}, required_documents(call))
    stage_b = rules.stage_b_result(sheet.stage_b or {})
    categories = {
        c.code: {
            "budget_group": c.budget_group,
            "aid_intensity_percent": c.aid_intensity_percent,
            "intensity_table": c.intensity_table,
        }
        for c in call.expense_categories.all()
    }
    lines = [
        {
            "id": b.pk,
            "category": b.category,
            "amount": b.amount,
            "total_amount": b.total_amount,
            "research_type": b.research_type,
            "dissemination": b.dissemination,
        }
        for b in app.budget_lines.all()
    ]
    cuts = [{"line_id": c.line_id, "amount": c.amount} for c in sheet.cuts.all()]
    budget = rules.budget_after_cuts(
        lines,
        cuts,
        categories,
        size=(app.data or {}).get("enterprise_size") or "small",
        max_budget=call.max_project_budget,
    )
    reasons = rules.funding_reasons(
        stage_a=stage_a,
        stage_b=stage_b,
        eligible_budget=budget.eligible_budget,
        total=total.total,
        min_budget=call.min_project_budget or Decimal("300000"),
        pass_mark=call.pass_mark if call.pass_mark is not None else Decimal("5"),
        min_budget_inclusive=gap_value(config, "min_budget_inclusive") == "inclusive",
    )
    # E24 on the computed figures: cuts can leave a plan whose own participation is below the floor.
    low_share = rules.private_share_reason(budget, min_percent=config.get("min_private_share_percent"))
    if low_share:
        reasons = [*reasons, low_share]
    return total, stage_a, stage_b, budget, reasons


def score_finalise(*, actor, score_id: int) -> ComparativeScore:
    """Close the sheet: every criterion scored, both stages fully answered (§10.2)."""
    with transaction.atomic():
        sheet = _editable_sheet(actor, score_id)
        _partner_score(sheet, actor)
        total, stage_a, stage_b, budget, reasons = sheet_outcome(sheet)
        missing = {}
        if total.missing:
            missing["criteria"] = [f"Δεν βαθμολογήθηκαν: {', '.join(total.missing)}."]
        if stage_a.missing:
            missing["stage_a"] = [f"Στάδιο Α χωρίς απάντηση: {', '.join(stage_a.missing)}."]
        if stage_b.missing:
            missing["stage_b"] = [f"Στάδιο Β χωρίς απάντηση: {', '.join(stage_b.missing)}."]
        if missing:
            raise ValidationFailed(
                "Ολοκληρώστε τη βαθμολόγηση: όλα τα κριτήρια βαθμολογούνται ακόμη κι αν "
                "απορρίπτεται στο στάδιο Α ή Β (§10.2).",
                fields=missing,
            )
        sheet.stage_a_passed, sheet.stage_b_passed = stage_a.passed, stage_b.passed
        sheet.criteria_scores = {c.code: str(c.score) for c in total.criteria}
        sheet.total_exact, sheet.total = total.exact, total.total
        sheet.total_budget, sheet.eligible_budget = budget.total_budget, budget.eligible_budget
        sheet.public_expenditure = budget.public_expenditure
        sheet.reasons, sheet.fundable = list(reasons), not reasons
        sheet.finalised_by, sheet.finalised_at = actor, timezone.now()
        sheet.finalise()
        sheet.save()
        audit.record(
            actor=actor,
            action="comparative.sheet_finalised",
            obj=sheet,
            after={
                "total": total.total,
                "criteria": sheet.criteria_scores,
                "eligible_budget": budget.eligible_budget,
                "public_expenditure": budget.public_expenditure,
                "reasons": list(reasons),
            },
        )
    return sheet


# --- ranking ------------------------------------------------------------------------------------


def candidates_for_round(rnd: EvaluationRound) -> list[rules.Candidate]:
    rows = (
        ComparativeScore.objects.filter(round=rnd, state=ComparativeScore.State.FINALISED)
        .select_related("application")
        .prefetch_related("cuts__line")
    )
    out = []
    for s in rows:
        app = s.application
        out.append(
            rules.Candidate(
                id=app.pk,
                code=app.protocol_number or f"#{app.pk}",
                total=s.total,
                public_expenditure=s.public_expenditure,
                eligible_budget=s.eligible_budget,
                total_budget=s.total_budget,
                submitted_at=app.submitted_at.isoformat() if app.submitted_at else "",
                criteria=tuple(Decimal(s.criteria_scores.get(str(k), "0")) for k in range(1, 7)),
                reasons=tuple(s.reasons or ()),
                cut_reasons=tuple(
                    f"{c.line.category}: −{rules.fmt_eur(c.amount)} — {c.reason}" for c in s.cuts.all()
                ),
            )
        )
    return out


def _candidate_json(c: rules.Candidate) -> dict:
    return {
        "id": c.id,
        "code": c.code,
        "total": str(c.total),
        "public_expenditure": str(c.public_expenditure),
        "eligible_budget": str(c.eligible_budget),
        "total_budget": str(c.total_budget),
        "submitted_at": c.submitted_at,
        "criteria": [str(x) for x in c.criteria],
        "reasons": list(c.reasons),
        "cut_reasons": list(c.cut_reasons),
    }


def ranking_compute(
    *, actor, call_id: int, budget=None, resolved_order: list[int] | None = None, reason: str = ""
) -> RankingRun:
    """Rank the round and freeze the three tables (§10.2). Every timely application must be finalised."""
    with transaction.atomic():
        call = Call.objects.select_for_update().filter(pk=call_id).first()
        if call is None:
            raise NotFound()
        user = _user(actor)
        if not user.has_role(Role.SUPERVISOR, Role.PROGRAMME_ADMIN):
            _require_member(actor, call)
        rnd = round_for_call(call)
        pending = list(
            Application.objects.filter(
                call=call, status__in=[Application.Status.SUBMITTED, Application.Status.UNDER_EVALUATION]
            )
            .exclude(comparative_score__state=ComparativeScore.State.FINALISED)
            .values_list("protocol_number", flat=True)
        )
        if pending:
            raise Conflict(
                f"Εκκρεμεί η βαθμολόγηση {len(pending)} αιτήσεων: "
                f"{', '.join(p or '—' for p in pending[:10])}.",
                code="scoring_pending",
            )
        try:
            amount = (
                rules.parse_amount(budget, allow_negative=True)
                if budget not in (None, "")
                else rules.money(call.total_budget)
            )
        except ValueError as exc:
            raise ValidationFailed(fields={"budget": [f"Ο προϋπολογισμός: {exc}"]}) from None
        if amount <= 0:
            raise ValidationFailed(fields={"budget": ["Ο προϋπολογισμός πρέπει να είναι θετικός."]})
        candidates = candidates_for_round(rnd)
        order = [int(x) for x in (resolved_order or [])]
        res = rules.allocate(
            candidates,
            amount,
            tie_policy=call.tie_policy,
            resolved_order=order,
            part_funding=call.part_funding_allowed,
        )
        previous = (
            RankingRun.objects.filter(round=rnd)
            .exclude(state=RankingRun.State.SUPERSEDED)
            .order_by("-number")
        )
        live_previous = previous.first()
        for old in previous.exclude(state=RankingRun.State.APPROVED):
            old.supersede()
            old.save(update_fields=["state"])
        number = (RankingRun.objects.filter(round=rnd).aggregate(n=Max("number"))["n"] or 0) + 1
        run = RankingRun.objects.create(
            round=rnd,
            number=number,
            budget=amount,
            tie_policy=call.tie_policy,
            inputs={
                "candidates": [_candidate_json(c) for c in candidates],
                "resolved_order": order,
                "score_rounding": gap_value(call.config or {}, "score_rounding"),
                "part_funding": call.part_funding_allowed,
            },
            outputs=rules.tables(res),
            needs_committee=res.needs_committee,
            reason=reason,
            supersedes=live_previous,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="comparative.ranking_computed",
            obj=run,
            after={
                "budget": amount,
                "funded": [r["code"] for r in run.outputs["funded"]],
                "rejected": [r["code"] for r in run.outputs["rejected"]],
                "unfunded": [r["code"] for r in run.outputs["unfunded"]],
                "tie": [r["code"] for r in run.outputs["tie"]],
            },
            reason=reason,
        )
    return run


def what_if(*, actor, call_id: int, budget) -> rules.FundingLine:
    """Where the funding line falls for another budget; nothing is stored (read-only)."""
    call = Call.objects.filter(pk=call_id).first()
    if call is None:
        raise NotFound()
    user = _user(actor)
    if not user.has_role(Role.SUPERVISOR, Role.PROGRAMME_ADMIN):
        _require_member(actor, call)
    try:
        amount = rules.parse_amount(budget, allow_negative=True)
    except ValueError as exc:
        raise ValidationFailed(fields={"budget": [f"Ο προϋπολογισμός: {exc}"]}) from None
    if amount <= 0:
        raise ValidationFailed(fields={"budget": ["Ο προϋπολογισμός πρέπει να είναι θετικός."]})
    rnd = round_for_call(call)
    return rules.what_if(
        candidates_for_round(rnd), amount, tie_policy=call.tie_policy, part_funding=call.part_funding_allowed
    )


def opinion_record(
    *, actor, run_id: int, text: str, recommendation: str = Opinion.Recommendation.AS_TABLES
) -> Opinion:
    """The committee's opinion on a ranking (§10.1), recorded by the chair."""
    with transaction.atomic():
        run = RankingRun.objects.select_for_update().select_related("round__call").filter(pk=run_id).first()
        if run is None:
            raise NotFound()
        committee = _require_member(actor, run.round.call)
        if committee.chair_id != actor.pk:
            raise PermissionDenied("Τη γνωμοδότηση καταχωρίζει ο πρόεδρος της Επιτροπής.")
        if run.state != RankingRun.State.COMPUTED:
            raise Conflict("Η κατάταξη δεν δέχεται πλέον γνωμοδότηση.", code="run_not_open")
        if recommendation not in Opinion.Recommendation.values:
            raise ValidationFailed(fields={"recommendation": ["Επιλέξτε εισήγηση."]})
        if run.needs_committee and recommendation == Opinion.Recommendation.AS_TABLES:
            raise Conflict(
                "Υπάρχει ισοβαθμία στο όριο του προϋπολογισμού: καταγράψτε τη σειρά που αποφάσισε η Επιτροπή "
                "(νέα κατάταξη) ή εισηγηθείτε αύξηση του προϋπολογισμού.",
                code="tie_unresolved",
            )
        if len((text or "").strip()) < rules.MIN_JUSTIFICATION:
            raise ValidationFailed(fields={"text": ["Γράψτε το κείμενο της γνωμοδότησης."]})
        opinion = Opinion.objects.create(
            run=run, committee=committee, text=text.strip(), recommendation=recommendation,
            recorded_by=actor, recorded_at=timezone.now(),
        )  # fmt: skip
        run.record_opinion()
        run.save(update_fields=["state"])
        audit.record(
            actor=actor, action="comparative.opinion_recorded", obj=run,
            after={"recommendation": recommendation, "text": opinion.text},
        )  # fmt: skip
    return opinion


def ranking_approve(*, actor, run_id: int) -> RankingRun:
    """Approve the results (§10.3): application outcomes and one decision each via the common services.

    The run row is locked and moved by its FSM; a second approver waiting on the lock finds it
    already approved and is refused, so the results are approved exactly once.
    """
    _require_supervisor(actor)
    with transaction.atomic():
        run = RankingRun.objects.select_for_update().select_related("round__call").filter(pk=run_id).first()
        if run is None:
            raise NotFound()
        if run.state != RankingRun.State.OPINION:
            raise Conflict(
                "Η κατάταξη δεν μπορεί να εγκριθεί: χρειάζεται γνωμοδότηση της Επιτροπής "
                "και να μην έχει ήδη εγκριθεί ή αντικατασταθεί.",
                code="run_not_approvable",
            )
        if run.needs_committee:
            raise Conflict("Εκκρεμεί απόφαση της Επιτροπής για ισοβαθμία στο όριο.", code="tie_unresolved")
        previous = (
            RankingRun.objects.select_for_update()
            .filter(round=run.round, state=RankingRun.State.APPROVED)
            .first()
        )
        if previous is not None:
            previous.supersede()
            previous.save(update_fields=["state"])
        run.approve()
        run.approved_by, run.approved_at = actor, timezone.now()
        run.save(update_fields=["state", "approved_by", "approved_at"])
        outcomes = _apply_outcomes(run, actor)
        audit.record(actor=actor, action="comparative.ranking_approved", obj=run, after=outcomes)
    return run


def _apply_outcomes(run: RankingRun, actor) -> dict:
    """Each application's result goes to the common decision services (evaluation.services)."""
    from evaluation.comparative import integration

    outcomes = {}
    for table, kind in (
        ("funded", "approval"),
        ("unfunded", "approved_not_funded"),
        ("rejected", "rejection"),
    ):
        for row in run.outputs.get(table, []):
            outcomes[row["code"]] = kind
            integration.issue_decision(actor=actor, run=run, application_id=row["id"], kind=kind, row=row)
    return outcomes


# --- after the results: objections and inclusion (§10.3, §10.4) ---------------------------------


def score_reopen_after_objection(*, actor, application_id: int) -> ComparativeScore:
    """An accepted objection sends the sheet back to the committee for re-scoring (§10.4); a new
    ranking is then computed and approved, which amends the results (and only what changed)."""
    with transaction.atomic():
        sheet = (
            ComparativeScore.objects.select_for_update()
            .select_related("application__call")
            .filter(application_id=application_id)
            .first()
        )
        if sheet is None:
            raise NotFound()
        _require_member(actor, sheet.application.call)
        if not Objection.objects.filter(
            application_id=application_id, state=Objection.State.ACCEPTED
        ).exists():
            raise Conflict(
                "Η βαθμολόγηση ανοίγει ξανά μόνο μετά από αποδοχή ένστασης (§10.4).",
                code="no_accepted_objection",
            )
        if sheet.state != ComparativeScore.State.FINALISED:
            raise Conflict("Η βαθμολόγηση είναι ήδη ανοιχτή.", code="sheet_open")
        before = {"state": sheet.state, "total": sheet.total}
        sheet.reopen_for_rescoring()
        sheet.save()
        audit.record(
            actor=actor,
            action="comparative.sheet_reopened",
            obj=sheet,
            before=before,
            after={"state": sheet.state},
        )
    return sheet


def inclusion_decisions_draft(*, actor, run_id: int) -> list[Decision]:
    """Inclusion decisions (Απόφαση Ένταξης, §10.3 point 9) for the funded applications whose
    approval was notified and whose objection window has closed with no objection pending."""
    _require_supervisor(actor)
    today = timezone.localdate()
    out = []
    with transaction.atomic():
        run = (
            RankingRun.objects.select_for_update().filter(pk=run_id, state=RankingRun.State.APPROVED).first()
        )
        if run is None:
            raise Conflict("Ένταξη μόνο από εγκεκριμένη κατάταξη.", code="run_not_approved")
        for row in run.outputs.get("funded", []):
            approval = (
                Decision.objects.filter(
                    application_id=row["id"], kind=Decision.Kind.APPROVAL, state=Decision.State.NOTIFIED
                )
                .order_by("-created_at")
                .first()
            )
            if (
                approval is None
                or approval.objection_deadline is None
                or approval.objection_deadline >= today
            ):
                continue
            if Objection.objects.filter(
                decision=approval, state__in=[Objection.State.FILED, Objection.State.OPINION]
            ).exists():
                continue
            if (
                Decision.objects.filter(application_id=row["id"], kind=Decision.Kind.INCLUSION)
                .exclude(state=Decision.State.SUPERSEDED)
                .exists()
            ):
                continue
            app = approval.application
            out.append(
                common.decision_create(
                    actor=actor,
                    application=app,
                    kind=Decision.Kind.INCLUSION,
                    subject=f"Ένταξη της πράξης {app} στην πρόσκληση «{app.call.title}»",
                    amount_total=approval.amount_total,
                    details={**approval.details, "approval_decision": approval.protocol_number},
                )
            )
    return out
