"""Writes of the on-the-spot area (Guidance Ο.3 §4.4; procedures ΔΙΙ_7 and ΔΙΙ_8).

The semester's sample is drawn once (irreversible: its seed and populations are stored, so the
draw can be re-done by anyone and gives the same operations), adjusted only with recorded reasons
(step 6), planned (Form Ε.ΙΙ_7_1) and approved by a supervisor other than the one who submitted
it. A visit gets its α/α ελέγχου when its dates, semester and object are recorded (footnote 5);
findings with an irregular amount become ΔΚΔ corrections (origin on_the_spot); the provisional
report opens the beneficiary's comments window (a deadline); the final report is approved by a
supervisor other than the one who wrote it.
"""

from __future__ import annotations

import datetime
import random
import secrets
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import Membership, Role, User
from calls.models import Programme
from operations.models import Operation
from opske import audit
from opske.deadlines import deadline_cancel, deadline_handler, deadline_schedule
from opske.errors import Conflict, PermissionDenied, ValidationFailed
from opske.money import format_eur
from opske.notifications import notify
from opske.pdf import document_access, document_request
from verification import selectors_onsite as sel
from verification.models import (
    Correction,
    OnSiteFinding,
    OnSiteSample,
    OnSiteSelection,
    OnSiteVerification,
    ReliabilityRating,
)
from verification.rules import onsite as rules

COMMENTS_DEADLINE = "verification.onsite_comments_closed"
ZERO = Decimal("0.00")


def _need(actor, *roles, message="Δεν έχετε δικαίωμα για αυτή την ενέργεια."):
    if not (isinstance(actor, User) and actor.has_role(*roles)):
        raise PermissionDenied(message)


def _writer(actor):
    _need(actor, *sel.STAFF_WRITE, message="Μόνο επαληθευτής, προϊστάμενος ή διαχειριστής προγράμματος.")


# --- reliability rating (§4.4.3) ----------------------------------------------------------------


def reliability_rating_record(
    *, actor, rating: str, year: int, programme: Programme | None = None, report_reference: str = ""
) -> ReliabilityRating:
    """Record the ΣΔΕ reliability of the ΕΔΕΛ's latest Annual Control Report (history is kept)."""
    _writer(actor)
    errors = {}
    if rating not in rules.RELIABILITY_LABELS:
        errors["rating"] = ["Επιλέξτε το επίπεδο αξιοπιστίας της ΕΕΕ."]
    if not isinstance(year, int) or not 2021 <= year <= timezone.now().year + 1:
        errors["year"] = ["Το έτος της ΕΕΕ πρέπει να είναι από το 2021 έως το επόμενο έτος."]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        r = ReliabilityRating.objects.create(
            programme=programme,
            rating=rating,
            year=year,
            report_reference=report_reference.strip(),
            entered_by=actor,
        )
        audit.record(
            actor=actor,
            action="verification.onsite.reliability_recorded",
            obj=r,
            after={"rating": rating, "year": year, "programme": programme.code if programme else None},
        )
    return r


# --- the semester's sample (§4.4.2–§4.4.8) --------------------------------------------------------


def _snapshot(c: rules.Candidate, **extra) -> dict:
    return {
        "operation": c.operation_id,
        "code": c.code,
        "expenditure": str(c.expenditure),
        "stratum": c.stratum,
        "score": c.score,
        "group": c.group,
        **extra,
    }


def onsite_sample_draw(
    *,
    actor,
    programme: Programme,
    management_body: str,
    semester: str,
    exclusions: dict[int, str] | None = None,
    mandatory: dict[int, str] | None = None,
    notes: dict[int, str] | None = None,
    judgmental: list[int] | None = None,
    no_execution: list[int] | None = None,
    seed: int | None = None,
) -> OnSiteSample:
    """Draw the semester's sample, once per Programme, management body and semester.

    `exclusions` / `mandatory`: operation id → reason code (rules.EXCLUSION_REASONS /
    MANDATORY_REASONS), with `notes` (the staff's documentation, required for each);
    `judgmental`: the operations chosen by judgement when B ≤ 10; `no_execution`: the operations
    without expenditure whose physical object cannot be verified in a later semester (§4.4.8)."""
    _writer(actor)
    try:
        rules.parse_semester(semester)
    except ValueError as exc:
        raise ValidationFailed(fields={"semester": [str(exc)]}) from None
    exclusions, mandatory, notes = exclusions or {}, mandatory or {}, notes or {}
    fields: dict[str, list[str]] = {}
    for op_id in [*exclusions, *mandatory]:
        if not (notes.get(op_id) or "").strip():
            fields.setdefault("notes", []).append(
                "Κάθε εξαίρεση και υποχρεωτική επιλογή χρειάζεται αιτιολόγηση."
            )
            break
    pop = sel.onsite_population(programme=programme, management_body=management_body, semester=semester)
    no_exec_ids = set(no_execution or [])
    pool8 = [c for c in pop.no_execution if c.operation_id in no_exec_ids]
    if len(pool8) != len(no_exec_ids):
        fields.setdefault("no_execution", []).append("Επιλέξτε μόνο πράξεις χωρίς δαπάνες στο εξάμηνο.")
    rating = sel.reliability_for(programme)
    seed = seed if seed is not None else secrets.randbelow(2**62)
    result = rules.draw_sample(
        candidates=pop.candidates,
        reliability=rating.rating if rating else None,
        seed=seed,
        exclusions=exclusions,
        mandatory=mandatory,
        judgmental=judgmental,
        no_execution=pool8,
    )
    for key, msgs in result.problems.items():
        fields.setdefault(key, []).extend(msgs)
    if fields:
        raise ValidationFailed(
            "Το δείγμα δεν κληρώθηκε· διορθώστε τα σημεία που επισημαίνονται.", fields=fields
        )
    m = result.minimums
    steps = list(result.steps)
    if pop.run is None:
        steps.insert(
            0,
            (
                "4.4.1",
                "Δεν υπάρχει εξαμηνιαία εκτίμηση κινδύνου για το πρόγραμμα και τον φορέα: όλες οι "
                "πράξεις λογίζονται «δεν έχουν εκτιμηθεί ακόμη» και κληρώνονται τυχαία.",
            ),
        )
    else:
        steps.insert(
            0, ("4.4.1", f"Εξαμηνιαία εκτίμηση κινδύνου της {pop.run.as_of:%d/%m/%Y} (#{pop.run.pk}).")
        )
    by_stratum: dict[str, list] = {}
    for c in result.population_b:
        by_stratum.setdefault(c.stratum, []).append(_snapshot(c))
    try:
        with transaction.atomic():
            sample = OnSiteSample.objects.create(
                programme=programme,
                management_body=management_body,
                semester=semester.upper(),
                seed=seed,
                risk_run=pop.run,
                reliability=m.reliability,
                reliability_rating=rating,
                first_use=m.first_use,
                share_operations=m.share_operations,
                share_expenditure=m.share_expenditure,
                population_count=m.population_count,
                population_expenditure=m.population_expenditure,
                min_count=m.count,
                min_expenditure=m.expenditure,
                mandatory_cap=result.mandatory.cap,
                remaining_count=result.mandatory.remaining_count,
                remaining_expenditure=result.mandatory.remaining_expenditure,
                judgmental=result.judgmental,
                population_a=[_snapshot(c, excluded="", note="") for c in result.population_a]
                + [
                    _snapshot(c, excluded=code, note=notes.get(c.operation_id, ""))
                    for c, code in result.excluded
                ],
                population_b=by_stratum,
                no_execution_population=[_snapshot(c) for c in result.no_execution_population],
                allocation=(
                    {
                        "quotas": {k: str(v) for k, v in result.allocation.quotas.items()},
                        "counts": result.allocation.counts,
                        "final": result.allocation.final,
                        "unassessed": result.allocation.unassessed,
                    }
                    if result.allocation
                    else {}
                ),
                steps=[list(s) for s in steps],
                initial_picks=[
                    {"operation": p.operation_id, "reason": p.reason, "detail": p.detail, "draw": p.draw}
                    for p in result.picks
                ],
                drawn_by=actor,
            )
            OnSiteSelection.objects.bulk_create(
                OnSiteSelection(
                    sample=sample,
                    operation_id=p.operation_id,
                    reason=p.reason,
                    detail=p.detail,
                    note=notes.get(p.operation_id, ""),
                    draw=p.draw,
                    stratum=p.stratum,
                    score=p.score,
                    expenditure=p.expenditure,
                )
                for p in result.picks
            )
            audit.record(
                actor=actor,
                action="verification.onsite.sample_drawn",
                obj=sample,
                after={
                    "semester": sample.semester,
                    "seed": seed,
                    "min_count": m.count,
                    "min_expenditure": m.expenditure,
                    "selected": [p.code for p in result.picks],
                },
            )
    except IntegrityError:
        raise Conflict(
            f"Το δείγμα του εξαμήνου {semester} για αυτό το πρόγραμμα και φορέα έχει ήδη κληρωθεί."
        ) from None
    return sample


def _population_b(sample: OnSiteSample) -> dict[int, rules.Candidate]:
    out = {}
    for rows in sample.population_b.values():
        for r in rows:
            out[r["operation"]] = rules.Candidate(
                r["operation"],
                r["code"],
                Decimal(r["expenditure"]),
                r["stratum"],
                r["score"],
                r.get("group", ""),
            )
    return out


def onsite_selection_replace(
    *, actor, selection: OnSiteSelection, replacement_operation_id, reason: str, note: str
) -> OnSiteSelection:
    """Step 6 (§4.4.6): replace a randomly drawn operation by another of the same stratum, with a
    reason; then step 7 again (coverage additions drawn from the sample's seed, never removals)."""
    _writer(actor)
    with transaction.atomic():
        sample = OnSiteSample.objects.select_for_update().get(pk=selection.sample_id)
        selection = OnSiteSelection.objects.select_for_update().get(pk=selection.pk)
        if sample.state != OnSiteSample.State.DRAWN:
            raise Conflict("Το πρόγραμμα έχει υποβληθεί: το δείγμα δεν αλλάζει πια.")
        if not selection.active:
            raise Conflict("Η πράξη αυτή έχει ήδη αντικατασταθεί.")
        pop_b = _population_b(sample)
        try:
            new = pop_b.get(int(replacement_operation_id))
        except (TypeError, ValueError):
            new = None
        active = list(sample.selections.filter(active=True))
        errs = rules.replacement_problems(
            old_reason=selection.reason,
            old_stratum=selection.stratum,
            new=new,
            in_sample={s.operation_id for s in active},
            in_population_b=set(pop_b),
            reason=reason,
            sample_groups={pop_b[s.operation_id].group for s in active if s.operation_id in pop_b},
        )
        if not (note or "").strip():
            errs.setdefault("note", []).append("Τεκμηριώστε την αντικατάσταση.")
        if errs:
            raise ValidationFailed(fields=errs)
        added = OnSiteSelection.objects.create(
            sample=sample,
            operation_id=new.operation_id,
            reason=rules.REPLACEMENT,
            detail=reason,
            note=note.strip(),
            stratum=new.stratum,
            score=new.score,
            expenditure=new.expenditure,
        )
        selection.active = False
        selection.replaced_by = added
        selection.replacement_reason = reason
        selection.replacement_note = note.strip()
        selection.save(update_fields=["active", "replaced_by", "replacement_reason", "replacement_note"])
        # Step 7 again with its own stream of the seed, so the result stays reproducible.
        picks = [
            rules.Pick(s.operation_id, "", s.reason, s.stratum, s.score, s.expenditure)
            for s in sample.selections.filter(active=True)
        ]
        n_repl = sample.selections.filter(reason=rules.REPLACEMENT).count()
        more = rules.coverage_additions(
            picks=picks,
            population_b=list(pop_b.values()),
            needed=sample.remaining_expenditure,
            rng=random.Random(f"{sample.seed}:coverage:{n_repl}"),
        )
        start = sample.selections.filter(reason=rules.COVERAGE).count()
        for i, p in enumerate(more, 1):
            OnSiteSelection.objects.create(
                sample=sample,
                operation_id=p.operation_id,
                reason=rules.COVERAGE,
                draw=start + i,
                stratum=p.stratum,
                score=p.score,
                expenditure=p.expenditure,
            )
        sample.steps = [
            *sample.steps,
            [
                "4.4.6",
                f"Αντικατάσταση {selection.operation} από {new.code}: "
                f"{rules.REPLACEMENT_REASONS[reason]} — {note.strip()}"
                + (f" · §4.4.7: προστέθηκαν {len(more)} για κάλυψη δαπανών." if more else ""),
            ],
        ]
        sample.save(update_fields=["steps"])
        audit.record(
            actor=actor,
            action="verification.onsite.selection_replaced",
            obj=sample,
            before={"operation": selection.operation_id},
            after={"operation": new.operation_id, "coverage_added": [p.operation_id for p in more]},
            reason=f"{reason}: {note.strip()}",
        )
    return added


# --- the plan (Form Ε.ΙΙ_7_1; ΔΙΙ_7) --------------------------------------------------------------


def onsite_plan_record(
    *, actor, selection: OnSiteSelection, planned_from, planned_to, planned_object: str, team: str
) -> OnSiteSelection:
    _writer(actor)
    errs: dict[str, list[str]] = {}
    if not planned_from:
        errs["planned_from"] = ["Συμπληρώστε την ημερομηνία έναρξης."]
    if not planned_to:
        errs["planned_to"] = ["Συμπληρώστε την ημερομηνία λήξης."]
    if planned_from and planned_to and planned_to < planned_from:
        errs["planned_to"] = ["Η λήξη δεν μπορεί να είναι πριν από την έναρξη."]
    if not (planned_object or "").strip():
        errs["planned_object"] = [
            "Συμπληρώστε το αντικείμενο (υποέργα, φορείς, εύρος φυσικού αντικειμένου και δαπανών)."
        ]
    if not (team or "").strip():
        errs["team"] = ["Συμπληρώστε το κλιμάκιο."]
    if errs:
        raise ValidationFailed(fields=errs)
    with transaction.atomic():
        s = (
            OnSiteSelection.objects.select_for_update(of=("self",))
            .select_related("sample")
            .get(pk=selection.pk)
        )
        if s.sample.state != OnSiteSample.State.DRAWN:
            raise Conflict("Το πρόγραμμα έχει υποβληθεί για έγκριση: δεν αλλάζει.")
        if not s.active:
            raise Conflict("Η πράξη αντικαταστάθηκε και δεν προγραμματίζεται.")
        before = {"from": s.planned_from, "to": s.planned_to, "object": s.planned_object, "team": s.team}
        s.planned_from, s.planned_to, s.planned_object, s.team = (
            planned_from,
            planned_to,
            planned_object.strip(),
            team.strip(),
        )
        s.save(update_fields=["planned_from", "planned_to", "planned_object", "team"])
        audit.record(
            actor=actor,
            action="verification.onsite.plan_recorded",
            obj=s,
            before=before,
            after={"from": planned_from, "to": planned_to, "object": s.planned_object, "team": s.team},
        )
    return s


def onsite_plan_submit(*, actor, sample: OnSiteSample) -> OnSiteSample:
    _writer(actor)
    with transaction.atomic():
        sample = OnSiteSample.objects.select_for_update().get(pk=sample.pk)
        if sample.state != OnSiteSample.State.DRAWN:
            raise Conflict("Το πρόγραμμα έχει ήδη υποβληθεί.")
        missing = [
            s.operation.code
            for s in sample.selections.filter(active=True).select_related("operation")
            if not s.is_planned
        ]
        if missing:
            raise ValidationFailed(
                f"Προγραμματίστε πρώτα όλες τις πράξεις του δείγματος: {', '.join(missing)}."
            )
        sample.submit_plan()
        sample.plan_submitted_by = actor
        sample.save()
        audit.record(
            actor=actor,
            action="verification.onsite.plan_submitted",
            obj=sample,
            before={"state": "drawn"},
            after={"state": sample.state},
        )
        notify(
            recipients=User.objects.filter(role_assignments__role=Role.SUPERVISOR).exclude(pk=actor.pk),
            subject=f"Πρόγραμμα επιτόπιων επαληθεύσεων {sample.semester} προς έγκριση",
            body=f"Υποβλήθηκε το πρόγραμμα (Έντυπο Ε.ΙΙ_7_1) του εξαμήνου {sample.semester} · {sample.programme}.",  # noqa: E501
            kind="verification.onsite_plan_submitted",
            obj=sample,
            actor=actor,
        )
    return sample


def onsite_plan_approve(
    *, actor, sample: OnSiteSample, approve: bool = True, reason: str = ""
) -> OnSiteSample:
    """The supervisor approves (or returns, with a reason) the programme; never their own."""
    _need(actor, Role.SUPERVISOR, message="Το πρόγραμμα εγκρίνεται από προϊστάμενο.")
    with transaction.atomic():
        sample = OnSiteSample.objects.select_for_update().get(pk=sample.pk)
        if sample.state != OnSiteSample.State.PLAN_SUBMITTED:
            raise Conflict("Το πρόγραμμα δεν είναι προς έγκριση.")
        if actor.pk in (sample.plan_submitted_by_id,):
            raise PermissionDenied(
                "Δεν εγκρίνετε πρόγραμμα που υποβάλατε εσείς (άλλος συντάσσει, άλλος εγκρίνει)."
            )
        if approve:
            sample.approve_plan()
            sample.plan_approved_by, sample.plan_approved_at = actor, timezone.now()
        else:
            if not reason.strip():
                raise ValidationFailed(fields={"reason": ["Γράψτε γιατί επιστρέφεται το πρόγραμμα."]})
            sample.return_plan()
        sample.save()
        audit.record(
            actor=actor,
            action="verification.onsite.plan_" + ("approved" if approve else "returned"),
            obj=sample,
            before={"state": "plan_submitted"},
            after={"state": sample.state},
            reason=reason,
        )
    return sample


# --- the visit (ΔΙΙ_8) ---------------------------------------------------------------------------


def _next_serial(year: int) -> str:
    """α/α ελέγχου «ΕΠΕ-2026-0001», one sequence per year, taken under a lock (no gaps, no twins)."""
    if connection.vendor == "postgresql":  # SQLite (the embedded default) serialises writers anyway
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [7_000_000 + year])
    prefix = f"ΕΠΕ-{year}-"
    last = (
        OnSiteVerification.objects.filter(serial__startswith=prefix)
        .order_by("-serial")
        .values_list("serial", flat=True)
        .first()
    )
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:04d}"


def onsite_visit_record(
    *,
    actor,
    operation: Operation,
    semester: str,
    started_on,
    ended_on,
    object_text: str,
    amount_checked: Decimal | None = None,
    selection: OnSiteSelection | None = None,
    performer: str = OnSiteVerification.Performer.MANAGING_BODY,
) -> OnSiteVerification:
    """Footnote 5: once its dates, semester and object are recorded the visit gets its α/α ελέγχου,
    before (and whatever the delay of) the provisional report."""
    _writer(actor)
    errs = rules.visit_problems(
        started_on=started_on,
        ended_on=ended_on,
        semester=semester or "",
        object_text=object_text,
        today=sel.today(),
    )
    if not started_on:
        errs["started_on"] = ["Συμπληρώστε την ημερομηνία έναρξης."]
    if not ended_on:
        errs["ended_on"] = ["Συμπληρώστε την ημερομηνία λήξης."]
    if amount_checked is not None and amount_checked < 0:
        errs["amount_checked"] = ["Το ποσό δεν μπορεί να είναι αρνητικό."]
    if selection is not None and selection.operation_id != operation.pk:
        errs["selection"] = ["Η γραμμή του προγράμματος αφορά άλλη πράξη."]
    if errs:
        raise ValidationFailed(fields=errs)
    with transaction.atomic():
        visit = OnSiteVerification.objects.create(
            operation=operation,
            serial=_next_serial(ended_on.year),
            performer=performer,
            semester=semester.upper(),
            started_on=started_on,
            ended_on=ended_on,
            object=object_text.strip(),
            amount_checked=amount_checked or ZERO,
            recorded_by=actor,
            selection=selection,
        )
        audit.record(
            actor=actor,
            action="verification.onsite.visit_recorded",
            obj=visit,
            after={
                "serial": visit.serial,
                "operation": operation.code,
                "semester": visit.semester,
                "started_on": started_on,
                "ended_on": ended_on,
                "object": visit.object,
            },
        )
    return visit


def onsite_finding_record(
    *,
    actor,
    visit: OnSiteVerification,
    severity: str,
    description: str,
    irregular_amount: Decimal | None = None,
    category: str = "1",
) -> OnSiteFinding:
    """A finding; an irregular amount becomes a ΔΚΔ correction (origin on_the_spot, §4.3.2: the
    amount found, no extrapolation)."""
    _writer(actor)
    amount = irregular_amount or ZERO
    errs: dict[str, list[str]] = {}
    if severity not in OnSiteFinding.Severity.values:
        errs["severity"] = ["Επιλέξτε το είδος του ευρήματος."]
    if not (description or "").strip():
        errs["description"] = ["Περιγράψτε το εύρημα."]
    if amount < 0:
        errs["irregular_amount"] = ["Το ποσό δεν μπορεί να είναι αρνητικό."]
    if severity == OnSiteFinding.Severity.IRREGULARITY and amount <= 0:
        errs["irregular_amount"] = ["Μια παρατυπία καταχωρίζεται με το μη επιλέξιμο ποσό (ΔΚΔ)."]
    if severity == OnSiteFinding.Severity.OBSERVATION and amount > 0:
        errs["irregular_amount"] = ["Μια παρατήρηση δεν έχει μη επιλέξιμο ποσό· επιλέξτε «Παρατυπία»."]
    if category not in ("1", "2", "6"):
        errs["category"] = ["Κατηγορία ΔΚΔ 1, 2 ή 6."]
    if errs:
        raise ValidationFailed(fields=errs)
    with transaction.atomic():
        visit = OnSiteVerification.objects.select_for_update().get(pk=visit.pk)
        if visit.state not in (
            OnSiteVerification.State.RECORDED,
            OnSiteVerification.State.PROVISIONAL,
            OnSiteVerification.State.COMMENTS_CLOSED,
        ):
            raise Conflict("Η οριστική έκθεση έχει υποβληθεί: δεν προστίθενται ευρήματα.")
        correction = None
        if amount > 0:
            correction = Correction.objects.create(
                operation_id=visit.operation_id,
                origin=Correction.Origin.ON_THE_SPOT,
                category=category,
                amount=amount,
                reason=f"Επιτόπια επαλήθευση {visit.serial}: {description.strip()}",
                recorded_by=actor,
            )
        finding = OnSiteFinding.objects.create(
            verification=visit,
            severity=severity,
            description=description.strip(),
            irregular_amount=amount,
            correction=correction,
            recorded_by=actor,
        )
        audit.record(
            actor=actor,
            action="verification.onsite.finding_recorded",
            obj=visit,
            after={
                "finding": finding.pk,
                "severity": severity,
                "amount": amount,
                "correction": correction.pk if correction else None,
            },
        )
    return finding


def _beneficiaries(operation: Operation) -> list:
    if not operation.business_id:
        return []
    return [
        m.user
        for m in Membership.objects.filter(
            business_id=operation.business_id, state=Membership.State.ACTIVE
        ).select_related("user")
        if m.user_id
    ]


def _visit_url(visit: OnSiteVerification) -> str:
    from django.conf import settings
    from django.urls import reverse

    return f"{settings.SITE_URL.rstrip('/')}{reverse('verification:onsite-visit', args=[visit.pk])}"


def _report_context(visit: OnSiteVerification, *, final: bool) -> dict:
    op = visit.operation
    findings = list(visit.findings.all())
    return {
        "title": "Οριστική έκθεση επιτόπιας επαλήθευσης"
        if final
        else "Προσωρινή έκθεση επιτόπιας επαλήθευσης",
        "serial": visit.serial,
        "operation": op.code,
        "operation_title": op.title,
        "call": op.call.title,
        "beneficiary": op.business.name if op.business_id else "—",
        "semester": visit.semester,
        "semester_label": rules.semester_label(visit.semester),
        "started_on": f"{visit.started_on:%d/%m/%Y}",
        "ended_on": f"{visit.ended_on:%d/%m/%Y}",
        "object": visit.object,
        "amount_checked": format_eur(visit.amount_checked),
        "conclusion": visit.conclusion,
        "findings": [
            {
                "severity": f.get_severity_display(),
                "description": f.description,
                "amount": format_eur(f.irregular_amount) if f.irregular_amount else "—",
            }
            for f in findings
        ],
        "corrections_total": format_eur(sum((f.irregular_amount for f in findings), ZERO)),
        "comments_due": f"{visit.comments_due:%d/%m/%Y}" if visit.comments_due else "",
        "beneficiary_comments": visit.beneficiary_comments,
        "final": final,
        "approved_by": visit.final_approved_by.get_full_name()
        if final and visit.final_approved_by_id
        else "",
        "date": f"{sel.today():%d/%m/%Y}",
    }


def onsite_provisional_issue(*, actor, visit: OnSiteVerification, conclusion: str) -> OnSiteVerification:
    """The provisional report (PDF) goes to the beneficiary, whose comments window opens
    (rules.COMMENTS_WINDOW_DAYS, a deadline that closes it)."""
    _writer(actor)
    if not (conclusion or "").strip():
        raise ValidationFailed(fields={"conclusion": ["Γράψτε το συμπέρασμα της προσωρινής έκθεσης."]})
    with transaction.atomic():
        visit = (
            OnSiteVerification.objects.select_for_update(of=("self",))
            .select_related("operation__call", "operation__business")
            .get(pk=visit.pk)
        )
        if visit.state != OnSiteVerification.State.RECORDED:
            raise Conflict("Η προσωρινή έκθεση έχει ήδη εκδοθεί.")
        visit.issue_provisional()
        visit.conclusion = conclusion.strip()
        visit.provisional_issued_at = timezone.now()
        visit.comments_due = rules.comments_due(issued_on=sel.today())
        visit.provisional_document = document_request(
            obj=visit,
            kind="onsite_provisional_report",
            template="verification/onsite/pdf/report.html",
            context=_report_context(visit, final=False),
            actor=actor,
        )
        visit.save()
        deadline_schedule(obj=visit, kind=COMMENTS_DEADLINE, due_at=visit.comments_due, actor=actor)
        audit.record(
            actor=actor,
            action="verification.onsite.provisional_issued",
            obj=visit,
            before={"state": "recorded"},
            after={"state": visit.state, "comments_due": visit.comments_due},
        )
        notify(
            recipients=_beneficiaries(visit.operation),
            subject=f"Προσωρινή έκθεση επιτόπιας επαλήθευσης {visit.serial}",
            body=(
                f"Εκδόθηκε η προσωρινή έκθεση της επιτόπιας επαλήθευσης {visit.serial} της πράξης "
                f"{visit.operation}. Μπορείτε να υποβάλετε σχόλια στην πύλη "
                f"έως και {visit.comments_due:%d/%m/%Y}: "
                f"{_visit_url(visit)}"
            ),
            kind="verification.onsite_provisional",
            obj=visit,
            actor=actor,
        )
    return visit


def onsite_comments_submit(*, actor, visit: OnSiteVerification, text: str) -> OnSiteVerification:
    """The beneficiary's comments on the provisional report, while the window is open."""
    if not sel.is_beneficiary_of(actor, visit.operation):
        raise PermissionDenied("Σχόλια υποβάλλει μόνο ο δικαιούχος της πράξης.")
    if not (text or "").strip():
        raise ValidationFailed(fields={"text": ["Γράψτε τα σχόλιά σας."]})
    with transaction.atomic():
        visit = OnSiteVerification.objects.select_for_update().get(pk=visit.pk)
        if visit.state != OnSiteVerification.State.PROVISIONAL or (
            visit.comments_due and sel.today() > visit.comments_due
        ):
            raise Conflict("Το διάστημα σχολίων στην προσωρινή έκθεση έχει κλείσει.")
        if visit.beneficiary_comments:
            raise Conflict("Τα σχόλια έχουν ήδη υποβληθεί.")
        visit.beneficiary_comments, visit.comments_at, visit.comments_by = text.strip(), timezone.now(), actor
        visit.close_comments()
        visit.save()
        deadline_cancel(obj=visit, kind=COMMENTS_DEADLINE, actor=actor, reason="σχόλια υποβλήθηκαν")
        audit.record(
            actor=actor,
            action="verification.onsite.comments_submitted",
            obj=visit,
            before={"state": "provisional"},
            after={"state": visit.state, "comments": visit.beneficiary_comments},
        )
    return visit


@deadline_handler(COMMENTS_DEADLINE)
def _comments_window_closed(deadline, visit):
    if visit is None or visit.state != OnSiteVerification.State.PROVISIONAL:
        return
    with transaction.atomic():
        visit = OnSiteVerification.objects.select_for_update().get(pk=visit.pk)
        visit.close_comments()
        visit.save(update_fields=["state"])
        audit.record(
            actor="σύστημα: προθεσμίες",
            action="verification.onsite.comments_window_closed",
            obj=visit,
            before={"state": "provisional"},
            after={"state": visit.state},
        )


def onsite_final_submit(*, actor, visit: OnSiteVerification, conclusion: str) -> OnSiteVerification:
    _writer(actor)
    if not (conclusion or "").strip():
        raise ValidationFailed(fields={"conclusion": ["Γράψτε το συμπέρασμα της οριστικής έκθεσης."]})
    with transaction.atomic():
        visit = OnSiteVerification.objects.select_for_update().get(pk=visit.pk)
        if visit.state not in (
            OnSiteVerification.State.PROVISIONAL,
            OnSiteVerification.State.COMMENTS_CLOSED,
        ):
            raise Conflict("Η οριστική έκθεση συντάσσεται μετά την προσωρινή.")
        before = visit.state
        visit.submit_final()
        visit.conclusion, visit.final_submitted_by = conclusion.strip(), actor
        visit.save()
        deadline_cancel(obj=visit, kind=COMMENTS_DEADLINE, actor=actor, reason="οριστική έκθεση")
        audit.record(
            actor=actor,
            action="verification.onsite.final_submitted",
            obj=visit,
            before={"state": before},
            after={"state": visit.state, "conclusion": visit.conclusion},
        )
    return visit


def onsite_final_approve(*, actor, visit: OnSiteVerification) -> OnSiteVerification:
    """A supervisor other than its author approves the final report (PDF to the beneficiary)."""
    _need(actor, Role.SUPERVISOR, message="Η οριστική έκθεση εγκρίνεται από προϊστάμενο.")
    with transaction.atomic():
        visit = (
            OnSiteVerification.objects.select_for_update(of=("self",))
            .select_related("operation__call", "operation__business")
            .get(pk=visit.pk)
        )
        if visit.state != OnSiteVerification.State.FINAL_SUBMITTED:
            raise Conflict("Η οριστική έκθεση δεν είναι προς έγκριση.")
        if actor.pk == visit.final_submitted_by_id:
            raise PermissionDenied(
                "Δεν εγκρίνετε έκθεση που συντάξατε εσείς (άλλος συντάσσει, άλλος εγκρίνει)."
            )
        visit.approve_final()
        visit.final_approved_by, visit.final_approved_at = actor, timezone.now()
        visit.final_document = document_request(
            obj=visit,
            kind="onsite_final_report",
            template="verification/onsite/pdf/report.html",
            context=_report_context(visit, final=True),
            actor=actor,
        )
        visit.save()
        audit.record(
            actor=actor,
            action="verification.onsite.final_approved",
            obj=visit,
            before={"state": "final_submitted"},
            after={"state": visit.state},
        )
        notify(
            recipients=_beneficiaries(visit.operation),
            subject=f"Οριστική έκθεση επιτόπιας επαλήθευσης {visit.serial}",
            body=(
                f"Εγκρίθηκε η οριστική έκθεση της επιτόπιας επαλήθευσης {visit.serial} της πράξης "
                f"{visit.operation}: {_visit_url(visit)}"
            ),
            kind="verification.onsite_final",
            obj=visit,
            actor=actor,
        )
    return visit


def onsite_final_return(*, actor, visit: OnSiteVerification, reason: str) -> OnSiteVerification:
    _need(actor, Role.SUPERVISOR, message="Η οριστική έκθεση ελέγχεται από προϊστάμενο.")
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": ["Γράψτε γιατί επιστρέφεται η έκθεση."]})
    with transaction.atomic():
        visit = OnSiteVerification.objects.select_for_update().get(pk=visit.pk)
        if visit.state != OnSiteVerification.State.FINAL_SUBMITTED:
            raise Conflict("Η οριστική έκθεση δεν είναι προς έγκριση.")
        visit.return_final()
        visit.save(update_fields=["state"])
        audit.record(
            actor=actor,
            action="verification.onsite.final_returned",
            obj=visit,
            before={"state": "final_submitted"},
            after={"state": visit.state},
            reason=reason.strip(),
        )
    return visit


@document_access(OnSiteVerification)
def _can_download_report(user, visit: OnSiteVerification) -> bool:
    return sel.is_onsite_reader(user) or sel.is_beneficiary_of(user, visit.operation)


def today() -> datetime.date:
    return sel.today()
