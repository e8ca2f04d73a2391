"""Every write of evaluation/: assignments, declarations, forms, second level, decisions, objections.

Generic over the method (see `evaluation.methods`); the only FCFS-specific writes are the
`fcfs_*` functions at the end (ΚΥΑ 7066 pre-inclusion check and funding). Each function is
`<entity>_<verb>(*, actor, ...)`, runs in one transaction and writes one audit event per change.
Registry and Diavgeia calls never run here: they are tasks enqueued after commit
(`evaluation.tasks`), whose answers come back through `evaluation.registry_handlers`.

Interfaces the other methods use:
- `round_for_call(call)`, `assignment_create`, `assignment_auto`, `conflict_declaration_sign`,
  `evaluation_open`, `finding_save`, `evaluation_submit`, `second_level_review`;
- `decision_create(*, actor, application, kind, subject, amount_total=…, de_minimis_amount=…,
  details={...})` → a DRAFT decision; `decision_sign` renders the PDF, publishes it to Diavgeia
  and notifies it; `decision_supersede` after an accepted objection;
- `objection_file`, `objection_update`, `objection_give_opinion`, `objection_decide`;
  `objection_policy_for(call)` gives the deadline rule; `decision_open_objection_window(decision,
  anchor_on)` starts it from a publication date (ΚΥΑ 16936 «από την επομένη της ανάρτησης»).
"""

from __future__ import annotations

import contextlib
import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django_fsm import ConcurrentTransition

from accounts.models import Membership, Role
from applications.evaluation_hooks import application_evaluation_transition
from applications.models import Application
from applications.reserves import reserves_promote
from applications.services import de_minimis_cumulation_for as application_de_minimis_cumulation
from applications.services import kad_problems_for as application_kad_problems
from calls.gaps import gap_value
from calls.models import BudgetPool, Call, CallDeadline
from calls.services import pool_commit, pool_lock, pool_release
from evaluation import hooks as decision_hooks
from evaluation.methods import method_for
from evaluation.models import (
    Assignment,
    ClarificationRequest,
    ConflictDeclaration,
    Decision,
    Evaluation,
    EvaluationRound,
    Finding,
    Objection,
    PreInclusionCheck,
    SecondLevelReview,
)
from evaluation.rules import (
    NO,
    SCORE,
    YES,
    check_finding,
    clarification_due,
    money,
    objection_deadline,
    objection_decision_due,
    objection_is_timely,
    objection_policy,
)
from evaluation.rules import assignment as assignment_rules
from evaluation.rules import fcfs as fcfs_rules
from evaluation.rules import grants as grant_rules
from opske import audit
from opske.calendar import ATHENS, end_of_day_athens
from opske.dates import format_date
from opske.deadlines import deadline_cancel, deadline_schedule
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.money import format_eur
from opske.notifications import notify, unique_addresses
from opske.pdf import document_request

DECLARATION_TEXT = (
    "Δηλώνω υπεύθυνα ότι δεν τελώ σε κατάσταση σύγκρουσης συμφερόντων σε σχέση με την αίτηση και τον "
    "αιτούντα (άρθ. 61 Καν. (ΕΕ) 2018/1046, άρθ. 7 ν. 4622/2019), ότι δεν έχω συμφέρον στο αποτέλεσμα και "
    "ότι θα δηλώσω αμέσως κάθε μεταγενέστερη σύγκρουση. (ΚΥΑ 7066 Άρθ. 7.1)"
)
ROLE_FOR_ASSIGNMENT = {
    Assignment.Role.EVALUATOR: Role.EVALUATOR,
    Assignment.Role.COMMITTEE: Role.COMMITTEE_MEMBER,
    Assignment.Role.SECOND_LEVEL: Role.SUPERVISOR,
}
OBJECTION_ROLES = frozenset(
    {Membership.BusinessRole.COORDINATOR, Membership.BusinessRole.LEGAL_REPRESENTATIVE, "self"}
)
NOTICE_KIND = "evaluation.decision"
OBJECTION_NOTICE_KIND = "evaluation.objection_outcome"
CLARIFICATION_NOTICE_KIND = "evaluation.clarification"


# --- helpers -----------------------------------------------------------------------------------


def _require_role(actor, *roles) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_role(*roles):
        raise PermissionDenied("Δεν έχετε τον απαιτούμενο ρόλο για αυτή την ενέργεια.")


def _locked_assignment(assignment_id) -> Assignment:
    a = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("application__call", "round")
        .filter(pk=assignment_id)
        .first()
    )
    if a is None:
        raise NotFound("Η ανάθεση δεν βρέθηκε.")
    return a


def _locked_evaluation(evaluation_id) -> Evaluation:
    e = (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("assignment", "application__call")
        .filter(pk=evaluation_id)
        .first()
    )
    if e is None:
        raise NotFound("Η αξιολόγηση δεν βρέθηκε.")
    return e


def _save_transition(obj, fields=None) -> None:
    """Save after an FSM transition; a concurrent transition that won first becomes a Conflict."""
    try:
        obj.save()
    except ConcurrentTransition as exc:
        raise Conflict(
            "Άλλος χρήστης ολοκλήρωσε ήδη αυτή την ενέργεια· ανανεώστε τη σελίδα.", code="concurrent_change"
        ) from exc


def applicant_users(application: Application) -> list:
    """Who receives legal notices: the business's coordinator(s) and legal representative(s), or
    the person (ΚΥΑ 7066 Art. 6.10, 7.3: profile and coordinator addresses)."""
    if application.business_id:
        return [
            m.user
            for m in Membership.objects.filter(
                business_id=application.business_id,
                state=Membership.State.ACTIVE,
                role__in=[Membership.BusinessRole.COORDINATOR, Membership.BusinessRole.LEGAL_REPRESENTATIVE],
            ).select_related("user")
            if m.user_id
        ]
    person = application.person
    return [person.user] if person and person.user_id else []


def notice_addresses_for(application: Application) -> list[str]:
    """The e-mail addresses a legal notice about `application` goes to; sending is service.

    A business: the confirmed address of its contact profile and each coordinator's (ΚΥΑ 7066
    Art. 6.10, 7.3), and also the address declared in the application. The declared address is
    used as well, not only as a fallback: the form names it «e-mail επικοινωνίας (νόμιμη
    κοινοποίηση)», the application is a solemn declaration (Art. 6.11) and Art. 8.2 serves the
    verification results there, so the business chose it for this application; a copy there loses
    nothing, and a business that never confirmed a profile address is still served.
    A person (ΚΥΑ 16936): the address of their account and the declared one.
    """
    from accounts.selectors import notice_addresses

    addresses = []
    if application.business_id:
        addresses += notice_addresses(application.business)
    elif application.person_id and application.person.user_id:
        addresses.append(application.person.user.email or "")
    addresses.append(application.email or "")
    return unique_addresses(addresses)


def _supervisors():
    return list(get_user_model().objects.filter(role_assignments__role=Role.SUPERVISOR).distinct())


# --- rounds and assignments --------------------------------------------------------------------


def round_for_call(call: Call) -> EvaluationRound:
    rnd, _ = EvaluationRound.objects.get_or_create(call=call, defaults={"method": call.evaluation_method})
    return rnd


def _check_assignable(application: Application, user, role: str) -> None:
    needed = ROLE_FOR_ASSIGNMENT[role]
    if not user.has_role(needed):
        raise ValidationFailed(
            f"Ο χρήστης {user.get_full_name() or user.username} δεν έχει τον ρόλο «{Role(needed).label}».",
            fields={"evaluator": "Ακατάλληλος ρόλος."},
        )
    if (
        Assignment.objects.filter(application=application, evaluator=user)
        .exclude(state=Assignment.State.WITHDRAWN)
        .exists()
    ):
        raise Conflict(
            "Το ίδιο πρόσωπο δεν αξιολογεί την ίδια αίτηση σε δύο επίπεδα, ούτε μετά από δήλωση σύγκρουσης.",
            code="same_person_two_levels",
        )


def assignment_create(
    *, actor, application_id: int, evaluator_id: int, role: str, automatic=False
) -> Assignment:
    """Manual assignment by a supervisor or programme administrator."""
    if actor is not None and not isinstance(actor, str):
        _require_role(actor, Role.SUPERVISOR, Role.PROGRAMME_ADMIN)
    if role not in Assignment.Role.values:
        raise ValidationFailed("Άγνωστος ρόλος ανάθεσης.", fields={"role": "Μη έγκυρη τιμή."})
    with transaction.atomic():
        app = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call")
            .filter(pk=application_id)
            .exclude(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
            .first()
        )
        if app is None:
            raise NotFound("Η αίτηση δεν βρέθηκε.")
        user = get_user_model().objects.filter(pk=evaluator_id).first()
        if user is None:
            raise NotFound("Ο χρήστης δεν βρέθηκε.")
        _check_assignable(app, user, role)
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(
                    round=round_for_call(app.call),
                    application=app,
                    evaluator=user,
                    role=role,
                    assigned_by=actor if hasattr(actor, "pk") else None,
                    automatic=automatic,
                )
        except IntegrityError as exc:
            raise Conflict("Υπάρχει ήδη ανάθεση σε αυτό το πρόσωπο.", code="already_assigned") from exc
        audit.record(
            actor=actor,
            action="evaluation.assignment.created",
            obj=assignment,
            after={"application": app.pk, "evaluator": user.pk, "role": role, "automatic": automatic},
        )
    return assignment


def assignment_candidates(application: Application, role: str):
    """Users who may take the assignment, fewest open assignments first (balanced load)."""
    excluded = Assignment.objects.filter(application=application).values("evaluator_id")
    return (
        get_user_model()
        .objects.filter(role_assignments__role=ROLE_FOR_ASSIGNMENT[role], is_active=True)
        .exclude(pk__in=excluded)
        .annotate(
            open_count=Count(
                "evaluation_assignments",
                filter=Q(evaluation_assignments__state__in=Assignment.OPEN_STATES),
                distinct=True,
            )
        )
        .order_by("open_count", "pk")
        .distinct()
    )


def assignment_auto(*, actor, application_id: int, role: str = Assignment.Role.EVALUATOR) -> Assignment:
    """Balanced automatic assignment: the eligible person with the fewest open assignments."""
    app = Application.objects.filter(pk=application_id).first()
    if app is None:
        raise NotFound("Η αίτηση δεν βρέθηκε.")
    candidate = assignment_candidates(app, role).first()
    if candidate is None:
        raise Conflict(
            "Δεν υπάρχει διαθέσιμος χρήστης χωρίς σύγκρουση συμφερόντων για αυτή την ανάθεση.",
            code="no_candidate",
        )
    return assignment_create(
        actor=actor, application_id=app.pk, evaluator_id=candidate.pk, role=role, automatic=True
    )


def assignments_fill_queue(*, actor, call_id: int) -> list[Assignment]:
    """Give every submitted, unassigned application of the call an evaluator, in priority order."""
    _require_role(actor, Role.SUPERVISOR, Role.PROGRAMME_ADMIN)
    pending = (
        Application.objects.filter(
            call_id=call_id, status__in=[Application.Status.SUBMITTED, Application.Status.RESERVE]
        )
        .exclude(evaluation_assignments__role=Assignment.Role.EVALUATOR)
        .order_by("priority_seq", "pk")
    )
    return [assignment_auto(actor=actor, application_id=a.pk) for a in pending]


def assignment_withdraw(*, actor, assignment_id: int, reason: str = "") -> Assignment:
    """Take an open assignment back (reassignment by the supervisor); the history stays."""
    _require_role(actor, Role.SUPERVISOR, Role.PROGRAMME_ADMIN)
    with transaction.atomic():
        a = _locked_assignment(assignment_id)
        if (
            a.state not in Assignment.OPEN_STATES
            or Evaluation.objects.filter(assignment=a).exclude(state=Evaluation.State.DRAFT).exists()
        ):
            raise Conflict("Η ανάθεση έχει ολοκληρωθεί και δεν ανακαλείται.", code="assignment_closed")
        before = {"state": a.state}
        a.state = Assignment.State.WITHDRAWN
        a.save(update_fields=["state"])
        audit.record(
            actor=actor, action="evaluation.assignment.withdrawn", obj=a, before=before,
            after={"state": a.state}, reason=reason,
        )  # fmt: skip
    return a


AUTO_ASSIGN_ACTOR = "σύστημα: αυτόματη ανάθεση"


def _has_live_evaluator(application_id: int) -> bool:
    return Assignment.objects.filter(
        application_id=application_id,
        role=Assignment.Role.EVALUATOR,
        state__in=[*Assignment.OPEN_STATES, Assignment.State.DONE],
    ).exists()


def assignment_on_submission(*, application_id: int) -> Assignment | None:
    """After a final submission is recorded: its one evaluator when the call assigns automatically.

    Runs as a task after commit (never in the submission's lock). Safe to run twice: the
    application row is locked and an application that already has a live evaluator is left alone.
    With nobody free of conflicts it stays in the administrator's queue (ΚΥΑ 7066 Art. 7.1α).
    """
    with transaction.atomic():
        app = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call")
            .filter(pk=application_id)
            .first()
        )
        if app is None:
            return None
        if not assignment_rules.assign_on_submission(
            method=app.call.evaluation_method,
            setting=gap_value(app.call.config or {}, "assignment"),
            status=app.status,
            has_live_evaluator=_has_live_evaluator(app.pk),
        ):
            return None
        try:
            with transaction.atomic():
                return assignment_auto(actor=AUTO_ASSIGN_ACTOR, application_id=app.pk)
        except Conflict as exc:
            audit.record(
                actor=AUTO_ASSIGN_ACTOR,
                action="evaluation.assignment.auto_failed",
                obj=app,
                reason=exc.message,
            )
            return None


def enqueue_assignment_on_submission(application) -> None:
    """`applications.hooks` callback: schedule the automatic assignment after commit.

    `robust=True`: a broker outage is logged and never undoes the recorded submission; the
    application then simply waits in the administrator's queue of unassigned applications.
    """
    from evaluation.tasks import assign_on_submission

    application_id = application.pk
    transaction.on_commit(lambda: assign_on_submission.delay(application_id), robust=True)


def assignment_reassign(*, actor, assignment_id: int, evaluator_id: int, reason: str) -> Assignment:
    """Withdraw an open assignment and give the application to another person, reason kept.

    The withdrawn assignment stays in the history (state «Ανακλήθηκε») with the reason on its
    audit event; the new one carries the same reason, so the audit trail reads as one step.
    """
    _require_role(actor, Role.SUPERVISOR, Role.PROGRAMME_ADMIN)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Γράψτε τον λόγο της ανάθεσης σε άλλον.", fields={"reason": "Απαιτείται αιτιολογία."}
        )
    with transaction.atomic():
        old = _locked_assignment(assignment_id)
        if old.evaluator_id == int(evaluator_id):
            raise ValidationFailed(
                "Επιλέξτε άλλο πρόσωπο από αυτό που έχει ήδη την ανάθεση.",
                fields={"evaluator": "Το ίδιο πρόσωπο έχει ήδη την ανάθεση."},
            )
        assignment_withdraw(actor=actor, assignment_id=old.pk, reason=reason)
        new = assignment_create(
            actor=actor, application_id=old.application_id, evaluator_id=evaluator_id, role=old.role
        )
        audit.record(
            actor=actor,
            action="evaluation.assignment.reassigned",
            obj=new,
            before={"assignment": old.pk, "evaluator": old.evaluator_id},
            after={"assignment": new.pk, "evaluator": new.evaluator_id},
            reason=reason,
        )
    return new


def conflict_declaration_sign(
    *, actor, assignment_id: int, has_conflict: bool, details: str = "", confirm: bool = False
) -> ConflictDeclaration:
    """The assignee signs the (no-)conflict declaration. A conflict blocks and reassigns."""
    if not confirm:
        raise ValidationFailed(
            "Επιβεβαιώστε ότι υπογράφετε ηλεκτρονικά τη δήλωση.",
            fields={"confirm": "Απαιτείται επιβεβαίωση."},
        )
    if has_conflict and not (details or "").strip():
        raise ValidationFailed(
            "Περιγράψτε τη σύγκρουση συμφερόντων.", fields={"details": "Απαιτείται περιγραφή."}
        )
    with transaction.atomic():
        a = _locked_assignment(assignment_id)
        if a.evaluator_id != getattr(actor, "pk", None):
            raise NotFound("Η ανάθεση δεν βρέθηκε.")
        if a.state != Assignment.State.AWAITING_DECLARATION:
            raise Conflict("Η δήλωση έχει ήδη υπογραφεί.", code="already_declared")
        declaration = ConflictDeclaration.objects.create(
            assignment=a,
            declared_by=actor,
            declared_at=timezone.now(),
            has_conflict=has_conflict,
            text=DECLARATION_TEXT,
            details=(details or "").strip(),
            confirmed=True,
        )
        before = {"state": a.state}
        a.state = Assignment.State.CONFLICTED if has_conflict else Assignment.State.ACTIVE
        a.save(update_fields=["state"])
        audit.record(
            actor=actor,
            action="evaluation.conflict_declared" if has_conflict else "evaluation.no_conflict_declared",
            obj=a,
            before=before,
            after={"state": a.state, "declaration": declaration.pk},
            reason=declaration.details,
        )
        if has_conflict:
            # The conflicted person is excluded from candidates for this application for good.
            # Nobody else free: the supervisor sees the unassigned application in the queue.
            with contextlib.suppress(Conflict):
                assignment_auto(actor="σύστημα: ανακατανομή", application_id=a.application_id, role=a.role)
    return declaration


# --- the evaluation form -----------------------------------------------------------------------


def evaluation_open(*, actor, assignment_id: int) -> Evaluation:
    """Open (or reopen) the form; refused until a «no conflict» declaration is signed."""
    with transaction.atomic():
        a = _locked_assignment(assignment_id)
        if a.evaluator_id != getattr(actor, "pk", None):
            raise NotFound("Η ανάθεση δεν βρέθηκε.")
        if a.state == Assignment.State.AWAITING_DECLARATION:
            raise PermissionDenied(
                "Υπογράψτε πρώτα τη δήλωση μη σύγκρουσης συμφερόντων.", code="declaration_required"
            )
        if a.state == Assignment.State.CONFLICTED:
            raise PermissionDenied(
                "Δηλώσατε σύγκρουση συμφερόντων· η αίτηση ανατέθηκε σε άλλον.", code="conflict_declared"
            )
        existing = Evaluation.objects.filter(assignment=a).first()
        if existing is not None:
            return existing
        app = a.application
        if app.status in (Application.Status.SUBMITTED, Application.Status.RESERVE):
            # ΚΥΑ 7066 Art. 6.7(b): once evaluation has started, re-editing is closed.
            application_evaluation_transition(
                actor=actor, application_id=app.pk, transition="start_evaluation"
            )
        evaluation = Evaluation.objects.create(application=app, assignment=a, level=a.level)
        audit.record(actor=actor, action="evaluation.opened", obj=evaluation, after={"assignment": a.pk})
    return evaluation


def criteria_for(application: Application):
    return method_for(application.call.evaluation_method).criteria(application.call)


def finding_save(
    *,
    actor,
    evaluation_id: int,
    criterion_code: str,
    value: str,
    score=None,
    justification: str = "",
    remarks="",
) -> Finding:
    """Autosave one criterion. A score off the scale or a negative without reasons is refused."""
    with transaction.atomic():
        ev = _locked_evaluation(evaluation_id)
        if ev.assignment.evaluator_id != getattr(actor, "pk", None):
            raise NotFound("Η αξιολόγηση δεν βρέθηκε.")
        if ev.state != Evaluation.State.DRAFT:
            raise Conflict("Η αξιολόγηση έχει υποβληθεί και δεν αλλάζει.", code="evaluation_submitted")
        spec = next((s for s in criteria_for(ev.application) if s.code == str(criterion_code)), None)
        if spec is None:
            raise ValidationFailed("Άγνωστο κριτήριο.", fields={"criterion": "Μη έγκυρο κριτήριο."})
        if spec.kind != "binary":
            value = SCORE
        check = check_finding(spec, value=value, score=score, justification=justification)
        if not check.ok:
            raise ValidationFailed(check.message, code="finding_invalid", fields={check.field: check.message})
        finding = Finding.objects.filter(evaluation=ev, criterion_code=spec.code).first()
        before = (
            {"value": finding.value, "score": finding.score, "justification": finding.justification}
            if finding
            else None
        )
        if finding is None:
            finding = Finding(evaluation=ev, criterion_code=spec.code)
        finding.value = value
        finding.score = check.score
        finding.justification = (justification or "").strip()
        finding.remarks = (remarks or "").strip()
        finding.save()
        audit.record(
            actor=actor,
            action="evaluation.finding_saved",
            obj=ev,
            before=before,
            after={
                "criterion": spec.code,
                "value": value,
                "score": finding.score,
                "justification": finding.justification,
            },
        )
    return finding


def evaluation_submit(*, actor, evaluation_id: int, justification: str = "") -> Evaluation:
    """Submit the form: every criterion filled (even after a negative), result computed by the method."""
    with transaction.atomic():
        ev = _locked_evaluation(evaluation_id)
        if ev.assignment.evaluator_id != getattr(actor, "pk", None):
            raise NotFound("Η αξιολόγηση δεν βρέθηκε.")
        if ev.state != Evaluation.State.DRAFT:
            raise Conflict("Η αξιολόγηση έχει ήδη υποβληθεί.", code="evaluation_submitted")
        findings = {f.criterion_code: f for f in ev.findings.all()}
        outcome = method_for(ev.application.call.evaluation_method).result(ev, findings)
        if not outcome.complete:
            missing = ", ".join(outcome.missing)
            raise ValidationFailed(
                f"Συμπληρώστε όλα τα κριτήρια πριν από την υποβολή (λείπουν: {missing}). "
                "Όλες οι ομάδες συμπληρώνονται ακόμη και μετά από αρνητική κρίση (ΚΥΑ 7066 Άρθ. 7.2Β).",
                code="criteria_missing",
                fields={f"criterion_{c}": "Λείπει η κρίση." for c in outcome.missing},
            )
        ev.submit()
        ev.result = outcome.result
        ev.score = outcome.score
        ev.reasons = list(outcome.reasons)
        ev.justification = (justification or ev.justification or "").strip()
        ev.submitted_at = timezone.now()
        _save_transition(ev)
        Assignment.objects.filter(pk=ev.assignment_id).update(state=Assignment.State.DONE)
        audit.record(
            actor=actor,
            action="evaluation.submitted",
            obj=ev,
            before={"state": Evaluation.State.DRAFT},
            after={"state": ev.state, "result": ev.result, "score": ev.score, "reasons": ev.reasons},
        )
        if (
            ev.level == 1
            and not Assignment.objects.filter(
                application_id=ev.application_id, role=Assignment.Role.SECOND_LEVEL
            )
            .exclude(state__in=[Assignment.State.WITHDRAWN, Assignment.State.CONFLICTED])
            .exists()
        ):
            # No free supervisor: shown as unassigned on the supervisor's list.
            with contextlib.suppress(Conflict):
                assignment_auto(
                    actor="σύστημα: ανάθεση β' επιπέδου",
                    application_id=ev.application_id,
                    role=Assignment.Role.SECOND_LEVEL,
                )
    return ev


def _second_level_assignment(actor, application_id) -> Assignment:
    a = Assignment.objects.filter(
        application_id=application_id, evaluator=actor, role=Assignment.Role.SECOND_LEVEL
    ).first()
    if a is None:
        raise PermissionDenied("Δεν σας έχει ανατεθεί ο έλεγχος β' επιπέδου αυτής της αίτησης.")
    if a.state == Assignment.State.AWAITING_DECLARATION:
        raise PermissionDenied(
            "Υπογράψτε πρώτα τη δήλωση μη σύγκρουσης συμφερόντων.", code="declaration_required"
        )
    if a.state == Assignment.State.CONFLICTED:
        raise PermissionDenied(
            "Δηλώσατε σύγκρουση συμφερόντων για αυτή την αίτηση.", code="conflict_declared"
        )
    return a


def second_level_review(
    *, actor, evaluation_id: int, outcome: str, reasons: str = "", overrides: dict | None = None
) -> SecondLevelReview:
    """ΚΥΑ 7066 Art. 7.1β: the head reviews every evaluation, agreeing or deviating with reasons.

    Two supervisors finalising at once: the evaluation row is locked and moved SUBMITTED→REVIEWED;
    whoever comes second finds it REVIEWED and gets a Conflict; nothing of theirs is written.
    """
    _require_role(actor, Role.SUPERVISOR)
    reasons = (reasons or "").strip()
    overrides = overrides or {}
    if outcome not in SecondLevelReview.Outcome.values:
        raise ValidationFailed("Επιλέξτε συμφωνία ή απόκλιση.", fields={"outcome": "Μη έγκυρη τιμή."})
    if outcome == SecondLevelReview.Outcome.DEVIATE and not reasons:
        raise ValidationFailed(
            "Η απόκλιση από το α' επίπεδο απαιτεί τεκμηριωμένη αιτιολόγηση (ΚΥΑ 7066 Άρθ. 7.1β).",
            code="deviation_reasons_missing",
            fields={"reasons": "Απαιτείται αιτιολόγηση."},
        )
    with transaction.atomic():
        ev = _locked_evaluation(evaluation_id)
        second = _second_level_assignment(actor, ev.application_id)
        if ev.state != Evaluation.State.SUBMITTED:
            raise Conflict(
                "Η αξιολόγηση έχει ήδη οριστικοποιηθεί από άλλον χρήστη ή δεν έχει υποβληθεί.",
                code="already_reviewed",
            )
        if ClarificationRequest.objects.filter(evaluation=ev, state=ClarificationRequest.State.OPEN).exists():
            raise Conflict("Αναμένεται απάντηση σε αίτημα διευκρινίσεων.", code="clarification_open")
        final = ev.result
        clean_overrides = {}
        if outcome == SecondLevelReview.Outcome.DEVIATE:
            specs = {s.code: s for s in criteria_for(ev.application)}
            findings = {f.criterion_code: f for f in ev.findings.all()}
            for code, change in overrides.items():
                spec = specs.get(str(code))
                if spec is None:
                    raise ValidationFailed("Άγνωστο κριτήριο.", fields={"overrides": f"Κριτήριο {code}."})
                check = check_finding(
                    spec, value=change.get("value", SCORE), score=change.get("score"), justification=reasons
                )
                if not check.ok:
                    raise ValidationFailed(
                        check.message, code="finding_invalid", fields={"overrides": check.message}
                    )
                clean_overrides[spec.code] = {
                    "value": change.get("value", SCORE),
                    "score": str(check.score or ""),
                }
                findings[spec.code] = Finding(
                    criterion_code=spec.code,
                    value=change.get("value", SCORE),
                    score=check.score,
                    justification=reasons,
                )
            recomputed = method_for(ev.application.call.evaluation_method).result(ev, findings)
            final = recomputed.result if clean_overrides else ("fail" if ev.result == "pass" else "pass")
        review = SecondLevelReview.objects.create(
            evaluation=ev,
            reviewer=actor,
            outcome=outcome,
            final_result=final,
            reasons=reasons,
            overrides=clean_overrides,
            reviewed_at=timezone.now(),
        )
        ev.mark_reviewed()
        ev.final_result = final
        ev.reviewed_at = review.reviewed_at
        _save_transition(ev)
        Assignment.objects.filter(pk=second.pk).update(state=Assignment.State.DONE)
        audit.record(
            actor=actor,
            action="evaluation.second_level_reviewed",
            obj=ev,
            before={"state": Evaluation.State.SUBMITTED, "result": ev.result},
            after={
                "state": ev.state,
                "final_result": final,
                "outcome": outcome,
                "overrides": clean_overrides,
            },
            reason=reasons,
        )
        method_for(ev.application.call.evaluation_method).conclude(
            application=ev.application, evaluation=ev, actor=actor
        )
    return review


# --- clarifications (ΚΥΑ 7066 Art. 7.1β) ---------------------------------------------------------


def _deadline_rule(call: Call, kind: str) -> dict | None:
    row = (
        CallDeadline.objects.filter(call=call, kind=kind)
        .values("length", "counting", "anchor", "roll_to_working_day", "citation")
        .first()
    )
    return row


def clarification_request(*, actor, evaluation_id: int, question: str) -> ClarificationRequest:
    """The head asks the applicant in writing; no reply by the deadline → rejection (Art. 7.1β)."""
    _require_role(actor, Role.SUPERVISOR)
    question = (question or "").strip()
    if not question:
        raise ValidationFailed(
            "Γράψτε το ερώτημα προς τον αιτούντα.", fields={"question": "Απαιτείται κείμενο."}
        )
    with transaction.atomic():
        ev = _locked_evaluation(evaluation_id)
        _second_level_assignment(actor, ev.application_id)
        if ev.state != Evaluation.State.SUBMITTED:
            raise Conflict("Διευκρινίσεις ζητούνται κατά τον έλεγχο β' επιπέδου.", code="not_in_review")
        if ClarificationRequest.objects.filter(evaluation=ev, state=ClarificationRequest.State.OPEN).exists():
            raise Conflict("Υπάρχει ήδη ανοιχτό αίτημα διευκρινίσεων.", code="clarification_open")
        rule = _deadline_rule(ev.application.call, CallDeadline.Kind.CLARIFICATION_REPLY) or {
            "length": 5,
            "counting": "calendar",
        }
        counting = rule["counting"]
        if ev.application.call.evaluation_method == Call.EvaluationMethod.FCFS_DIRECT:
            # ΚΥΑ 7066 Art. 7.1β «εντός προθεσμίας πέντε (5) ημερών» does not say which days (gap 4):
            # the call's `clarification_days_counting` reading decides, calendar by default.
            counting = gap_value(ev.application.call.config, "clarification_days_counting")
        now = timezone.now()
        due = clarification_due(now.astimezone(ATHENS).date(), days=int(rule["length"]), counting=counting)
        cr = ClarificationRequest.objects.create(
            application=ev.application,
            evaluation=ev,
            requested_by=actor,
            question=question,
            requested_at=now,
            due_on=due,
        )
        deadline_schedule(obj=cr, kind="evaluation.clarification_expired", due_at=due, actor=actor)
        audit.record(
            actor=actor,
            action="evaluation.clarification_requested",
            obj=cr,
            after={"question": question, "due_on": due, "application": ev.application_id},
        )
        notify(
            recipients=applicant_users(ev.application),
            addresses=notice_addresses_for(ev.application),
            subject=f"Αίτημα διευκρινίσεων για την αίτηση {ev.application}",
            body=(
                f"{question}\n\nΠαρακαλούμε απαντήστε στην πύλη έως και {due:%d/%m/%Y}. "
                "Αν δεν απαντήσετε, η αίτηση "
                "απορρίπτεται (ΚΥΑ 7066 Άρθ. 7.1β)."
            ),
            kind=CLARIFICATION_NOTICE_KIND,
            obj=cr,
            legal=True,
            actor=actor,
        )
    return cr


def clarification_reply(*, actor, clarification_id: int, reply: str) -> ClarificationRequest:
    from applications.services import applicant_roles

    reply = (reply or "").strip()
    if not reply:
        raise ValidationFailed("Γράψτε την απάντησή σας.", fields={"reply": "Απαιτείται κείμενο."})
    with transaction.atomic():
        cr = (
            ClarificationRequest.objects.select_for_update(of=("self",))
            .select_related("application")
            .filter(pk=clarification_id)
            .first()
        )
        if cr is None or not applicant_roles(actor, cr.application) & OBJECTION_ROLES:
            raise NotFound("Το αίτημα δεν βρέθηκε.")
        if cr.state != ClarificationRequest.State.OPEN:
            raise Conflict("Το αίτημα διευκρινίσεων έχει κλείσει.", code="clarification_closed")
        if timezone.now() > end_of_day_athens(cr.due_on):
            raise Conflict(
                f"Η προθεσμία απάντησης έληξε στις {cr.due_on:%d/%m/%Y}.", code="clarification_late"
            )
        cr.state = ClarificationRequest.State.ANSWERED
        cr.reply = reply
        cr.replied_by = actor
        cr.replied_at = timezone.now()
        cr.save()
        deadline_cancel(obj=cr, kind="evaluation.clarification_expired", actor=actor, reason="απαντήθηκε")
        audit.record(
            actor=actor,
            action="evaluation.clarification_answered",
            obj=cr,
            before={"state": ClarificationRequest.State.OPEN},
            after={"state": cr.state, "reply": reply},
        )
    return cr


def clarification_expire(*, clarification: ClarificationRequest, actor="σύστημα: προθεσμίες") -> None:
    """Deadline fired without a reply: the application is rejected (ΚΥΑ 7066 Art. 7.1β)."""
    with transaction.atomic():
        cr = ClarificationRequest.objects.select_for_update().filter(pk=clarification.pk).first()
        if cr is None or cr.state != ClarificationRequest.State.OPEN:
            return
        cr.state = ClarificationRequest.State.EXPIRED
        cr.save(update_fields=["state"])
        ev = Evaluation.objects.select_for_update().get(pk=cr.evaluation_id)
        reason = (
            f"Δεν δόθηκαν οι διευκρινίσεις που ζητήθηκαν έως και {cr.due_on:%d/%m/%Y} (ΚΥΑ 7066 Άρθ. 7.1β)."
        )
        audit.record(
            actor=actor,
            action="evaluation.clarification_expired",
            obj=cr,
            after={"state": cr.state},
            reason=reason,
        )
        if ev.state == Evaluation.State.SUBMITTED:
            ev.mark_reviewed()
            ev.final_result = Evaluation.Result.FAIL
            ev.reasons = [*ev.reasons, reason]
            ev.reviewed_at = timezone.now()
            _save_transition(ev)
            audit.record(
                actor=actor,
                action="evaluation.rejected_no_clarification",
                obj=ev,
                after={"state": ev.state, "final_result": ev.final_result},
                reason=reason,
            )
        _conclude_rejection(actor=actor, application_id=cr.application_id, reasons=[reason, *ev.reasons[:-1]])


# --- decisions ---------------------------------------------------------------------------------


def _next_protocol(app: Application) -> str:
    n = Decision.objects.filter(application=app).count() + 1
    return f"{app.protocol_number or f'ΑΙΤ-{app.pk}'}/ΑΠ-{n}"


def _decision_act(decision: Decision) -> dict:
    """The parts that make the PDF a Greek administrative act: the issuing authority's header, place,
    issuer and signatory (call config `decision_act`) and «Έχοντας υπόψη» (call config `legal_basis`,
    then this call, the application and its evaluation)."""
    app = decision.application
    call = app.call
    config = call.config or {}
    act = config.get("decision_act") or {}
    legal_act = call.programme.legal_act if call.programme_id else ""
    basis = [str(item) for item in config.get("legal_basis") or []]
    if not basis and legal_act:
        basis.append(f"Την {legal_act}.")
    basis.append(f"Την πρόσκληση «{call.title}» (κωδ. {call.call_code or call.code}).")
    submitted = f" που υποβλήθηκε στις {format_date(app.submitted_at)}" if app.submitted_at else ""
    basis.append(f"Την αίτηση με αρ. πρωτ. {app.protocol_number or app.pk}{submitted} μέσω του ΟΠΣΚΕ.")
    approval = (decision.details or {}).get("approval") or {}
    if decision.kind == Decision.Kind.INCLUSION and approval.get("protocol_number"):
        ada = f" (ΑΔΑ {approval['ada']})" if approval.get("ada") else ""
        basis.append(f"Την εγκριτική απόφαση αρ. πρωτ. {approval['protocol_number']}{ada}.")
    if decision.supersedes_id:
        basis.append(
            f"Την απόφαση αρ. πρωτ. {decision.supersedes.protocol_number}, η οποία αντικαθίσταται μετά "
            "την αποδοχή ένστασης."
        )
    basis.append("Το πόρισμα της αξιολόγησης της αίτησης, όπως οριστικοποιήθηκε στο ΟΠΣΚΕ.")
    authority = [str(line) for line in act.get("authority") or []] or [
        line for line in (call.managing_authority, getattr(call, "implementing_body", "")) if line
    ]
    return {
        "authority": authority,
        "place": act.get("place") or "Αθήνα",
        "issuer": act.get("issuer") or "",
        "signatory_role": act.get("signatory_role") or "",
        "legal_basis": basis,
    }


def decision_context(decision: Decision) -> dict:
    """Plain JSON the PDF template renders (kept on the GeneratedDocument for reproduction)."""
    app = decision.application
    call = app.call
    details = decision.details or {}
    act = _decision_act(decision)
    fcfs_inclusion = decision.kind == Decision.Kind.INCLUSION and (
        call.evaluation_method == Call.EvaluationMethod.FCFS_DIRECT
    )
    return {
        **act,
        "ada": decision.ada or "",
        "title": decision.get_kind_display(),
        "protocol_number": decision.protocol_number,
        "subject": decision.subject,
        "date": timezone.localdate().strftime("%d/%m/%Y"),
        "call_title": call.title,
        "call_code": call.call_code or call.code,
        "legal_act": call.programme.legal_act if call.programme_id else "",
        "application": str(app),
        # The act goes to Diavgeia: nothing personal beyond what may be published (Application.public_label).
        "applicant": app.public_label,
        "kind": decision.kind,
        "amount_total": f"{decision.amount_total:.2f}",
        "de_minimis_amount": f"{decision.de_minimis_amount:.2f}",
        "per_category": details.get("per_category", []),
        "persons": details.get("persons"),
        "reasons": details.get("reasons", []),
        "objection_text": details.get("objection_text", ""),
        "signed_by": decision.signed_by.get_full_name() if decision.signed_by_id else "",
        # ΚΥΑ 7066 Art. 7.6: inclusion is decided by the Deputy Governor of ΔΥΠΑ.
        "issuer": "Ο/Η ΥΠΟΔΙΟΙΚΗΤΗΣ/ΤΡΙΑ ΤΗΣ Δ.ΥΠ.Α." if fcfs_inclusion else act["issuer"],
        "signer_title": (
            "για τον Υποδιοικητή της ΔΥΠΑ (ΚΥΑ 7066 Άρθ. 7.6)"
            if fcfs_inclusion
            else act["signatory_role"] or "Προϊστάμενος/η ΚΠΑ2"
        ),
        "approval": details.get("approval") or {},
    }


def decision_create(
    *,
    actor,
    application: Application,
    kind: str,
    subject: str,
    amount_total=Decimal("0.00"),
    de_minimis_amount=Decimal("0.00"),
    details: dict | None = None,
    supersedes: Decision | None = None,
) -> Decision:
    """A DRAFT decision for one application. Any method calls this (inclusion decisions included)."""
    if kind not in Decision.Kind.values:
        raise ValidationFailed("Άγνωστο είδος απόφασης.")
    with transaction.atomic():
        policy = objection_policy_for(application.call)
        details = {
            **(details or {}),
            "objection_text": (details or {}).get("objection_text")
            or (
                "Δικαίωμα ένστασης: μία φορά, ηλεκτρονικά στο ΟΠΣΚΕ («Οι ενστάσεις μου»), "
                f"εντός {policy.days} "
                f"{'εργάσιμων' if policy.counting == 'working' else 'ημερολογιακών'} ημερών "
                f"{'από την επομένη της' if policy.anchor.startswith('day_after') else 'από την'} "
                f"{'ανάρτησης' if 'posting' in policy.anchor else 'ηλεκτρονικής κοινοποίησης'} "
                f"({policy.citation})."
            ),
        }
        decision = Decision.objects.create(
            application=application,
            round=round_for_call(application.call),
            kind=kind,
            protocol_number=_next_protocol(application),
            subject=subject[:400],
            amount_total=money(amount_total),
            de_minimis_amount=money(de_minimis_amount),
            details=details,
            created_by=actor if hasattr(actor, "pk") else None,
            supersedes=supersedes,
        )
        audit.record(
            actor=actor,
            action="evaluation.decision.drafted",
            obj=decision,
            after={
                "kind": kind,
                "application": application.pk,
                "amount_total": decision.amount_total,
                "de_minimis_amount": decision.de_minimis_amount,
                "protocol_number": decision.protocol_number,
            },
        )
    return decision


def decision_sign(*, actor, decision_id: int, confirm: bool = False) -> Decision:
    """The supervisor signs; the PDF is rendered and published to Diavgeia after commit."""
    _require_role(actor, Role.SUPERVISOR)
    if not confirm:
        raise ValidationFailed(
            "Επιβεβαιώστε την υπογραφή της απόφασης.", fields={"confirm": "Απαιτείται επιβεβαίωση."}
        )
    registry = (
        _grant_registry_answer(decision_id) if Decision.objects.filter(pk=decision_id).exists() else None
    )
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("application__call__programme", "application__business", "application__person")
            .filter(pk=decision_id)
            .first()
        )
        if decision is None:
            raise NotFound("Η απόφαση δεν βρέθηκε.")
        if decision.state != Decision.State.DRAFT:
            raise Conflict("Η απόφαση έχει ήδη υπογραφεί.", code="already_signed")
        _de_minimis_check_at_grant(decision, registry)
        decision.sign()
        decision.signed_by = actor
        decision.signed_at = timezone.now()
        _save_transition(decision)
        document = document_request(
            obj=decision,
            kind=f"decision_{decision.kind}",
            template="evaluation/pdf/decision.html",
            context=decision_context(decision),
            actor=actor,
        )
        Decision.objects.filter(pk=decision.pk).update(document=document)
        decision.document = document
        audit.record(
            actor=actor,
            action="evaluation.decision.signed",
            obj=decision,
            before={"state": Decision.State.DRAFT},
            after={"state": decision.state, "document": document.pk},
        )
        _enqueue_publication(decision.pk)
    return decision


def _grant_registry_answer(decision_id: int) -> dict | None:
    """For an approval of a de minimis call: what ΠΣΣΕΗΣ holds *now* for the single undertaking
    (every regulation), asked before the signing transaction so no lock waits on the registry."""
    from evaluation.registry_handlers import fetch_deminimis
    from interop.waiting import to_plain
    from opske.errors import RegistryRefused, RegistryUnavailable

    decision = Decision.objects.select_related("application__call", "application__business").get(
        pk=decision_id
    )
    app = decision.application
    if decision.kind != Decision.Kind.APPROVAL or app.call.aid_regime != Call.AidRegime.DE_MINIMIS:
        return None
    if not app.business_id or decision.state != Decision.State.DRAFT:
        return None
    try:
        return to_plain(fetch_deminimis(app.business.afm, timezone.localdate().isoformat()))
    except (RegistryUnavailable, RegistryRefused):
        # ΠΣΣΕΗΣ down at signing: the grant rests on the re-check before approval (Art. 7.2), whose
        # awards were kept; the registration after the notice waits for the register as before.
        check = app.pre_inclusion_checks.filter(state=PreInclusionCheck.State.DONE).first()
        aids = ((check.data or {}).get("aids") or []) if check else []
        return {
            "awards": [
                {"regulation": a["regulation"], "gge_amount": a["amount"], "grant_date": a["granted_on"]}
                for a in aids
                if a.get("source") == "registry"
            ]
        }


def _de_minimis_check_at_grant(decision: Decision, registry: dict | None) -> None:
    """ΚΥΑ 7066 Art. 2.16: new de minimis aid is granted only once it is verified that it does not
    take the single undertaking over the ceiling — the third check, with the one rule, over what
    ΠΣΣΕΗΣ holds at signing and the declared grants. The signed approval's notice is the grant
    (Art. 7.6). A breach refuses the signature, naming the figures; nothing is changed."""
    if registry is None:
        return
    dm = application_de_minimis_cumulation(
        decision.application, registry_data=registry, amount=decision.de_minimis_amount or 0
    )
    if not dm.ok:
        raise Conflict(
            f"Η ενίσχυση δεν μπορεί να χορηγηθεί: {dm.message}", code="de_minimis_exceeded_at_grant"
        )


def _enqueue_publication(decision_id: int) -> None:
    def run():
        from evaluation.tasks import publish_decision

        try:
            publish_decision.delay(decision_id)
        except Exception:  # broker down: the decision stays SIGNED and visible; «retry» re-enqueues
            import logging

            logging.getLogger(__name__).warning("could not enqueue publication of decision %s", decision_id)

    transaction.on_commit(run)


def decision_request_publication(*, actor, decision_id: int) -> Decision:
    """Retry a publication that failed or waits (the page's «Νέα προσπάθεια ανάρτησης»)."""
    _require_role(actor, Role.SUPERVISOR)
    decision = Decision.objects.filter(pk=decision_id).first()
    if decision is None:
        raise NotFound("Η απόφαση δεν βρέθηκε.")
    if decision.state != Decision.State.SIGNED:
        raise Conflict("Η απόφαση δεν αναμένει ανάρτηση.", code="not_awaiting_publication")
    with transaction.atomic():
        audit.record(actor=actor, action="evaluation.decision.publication_requested", obj=decision)
        _enqueue_publication(decision.pk)
    return decision


def decision_record_publish_failure(*, decision: Decision, message: str) -> None:
    with transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(publish_error=message[:2000])
        audit.record(
            actor=None, action="evaluation.decision.publication_refused", obj=decision, reason=message
        )


def decision_record_published(*, decision: Decision, ada: str, url: str = "") -> Decision:
    """Diavgeia gave the ΑΔΑ: store it and send the legal notice (its sending starts the deadlines)."""
    with transaction.atomic():
        d = Decision.objects.select_for_update(of=("self",)).select_related("application").get(pk=decision.pk)
        if d.state != Decision.State.SIGNED:
            return d  # a retried task: already published
        d.mark_published()
        d.ada = ada
        d.diavgeia_url = url
        d.published_at = timezone.now()
        d.publish_error = ""
        _save_transition(d)
        audit.record(
            actor=None,
            action="evaluation.decision.published",
            obj=d,
            before={"state": Decision.State.SIGNED},
            after={"state": d.state, "ada": ada},
        )
        # The copy served to the applicant carries its ΑΔΑ in the header, as a posted act does; the
        # file sent to Diavgeia (rendered at signing) stays recorded as it was.
        document = document_request(
            obj=d,
            kind=f"decision_{d.kind}",
            template="evaluation/pdf/decision.html",
            context=decision_context(d),
        )
        Decision.objects.filter(pk=d.pk).update(document=document)
        d.document = document
        app = d.application
        amount = format_eur(d.amount_total)
        lines = [
            f"{d.get_kind_display()} αρ. {d.protocol_number} (ΑΔΑ {ada}) για την αίτηση {app}.",
            f"Θέμα: {d.subject}.",
        ]
        if d.kind in (Decision.Kind.APPROVAL, Decision.Kind.INCLUSION):
            lines.append(
                f"Εγκεκριμένο ποσό: {amount}. Ποσό ενίσχυσης de minimis: {format_eur(d.de_minimis_amount)}."
            )
        for reason in (d.details or {}).get("reasons", []):
            lines.append(f"- {reason}")
        lines.append((d.details or {}).get("objection_text", ""))
        lines.append(
            "Η ημερομηνία αποστολής του παρόντος αποτελεί την ημερομηνία κοινοποίησης "
            + (
                "(Πρόσκληση 004 §10.3· άρθ. 19 ν. 2690/1999)."
                if app.call.evaluation_method == Call.EvaluationMethod.COMPARATIVE
                else "(ΚΥΑ 7066 Άρθ. 7.3)."
            )
        )
        notify(
            recipients=applicant_users(app),
            addresses=notice_addresses_for(app),
            subject=f"{d.get_kind_display()} — αίτηση {app}",
            body="\n".join(lines),
            kind=NOTICE_KIND,
            obj=d,
            legal=True,
        )
    return d


def objection_policy_for(call: Call):
    return objection_policy(
        call.evaluation_method,
        objection_row=_deadline_rule(call, CallDeadline.Kind.OBJECTION),
        decision_row=_deadline_rule(call, CallDeadline.Kind.OBJECTION_DECISION),
        config=(call.config or {}).get("gaps", {}),
    )


def decision_open_objection_window(*, decision: Decision, anchor_on: datetime.date, actor=None) -> Decision:
    """Compute and store the objection deadline from `anchor_on`; schedule its closing."""
    policy = objection_policy_for(decision.application.call)
    last_day = objection_deadline(policy, anchor_on)
    with transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(objection_deadline=last_day)
        decision.objection_deadline = last_day
        deadline_schedule(
            obj=decision, kind="evaluation.objection_window_closed", due_at=last_day, actor=actor
        )
    return decision


def decision_record_notified(*, decision_id: int, sent_at: datetime.datetime) -> Decision | None:
    """The legal notice left the portal: that moment is the service time (ΚΥΑ 7066 Art. 7.3).

    It starts the objection deadline and, for an approval, is the de minimis grant date and the
    start of implementation (Art. 7.3, 7.6, 2.18). Only the first notice counts.
    """
    with transaction.atomic():
        d = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("application__call")
            .get(pk=decision_id)
        )
        if d.notified_at is not None or d.state != Decision.State.PUBLISHED:
            return d
        d.mark_notified()
        d.notified_at = sent_at
        _save_transition(d)
        call = d.application.call
        policy = objection_policy_for(call)
        if not grant_rules.objection_window_applies(method=call.evaluation_method, kind=d.kind):
            pass  # ΚΥΑ 7066 Art. 7.5: the objection lies against the approval, already served
        elif not policy.anchor.endswith("posting"):
            decision_open_objection_window(decision=d, anchor_on=sent_at.astimezone(ATHENS).date())
        else:
            decision_open_objection_window(decision=d, anchor_on=d.published_at.astimezone(ATHENS).date())
        if grant_rules.grant_registration_due(
            aid_regime=call.aid_regime, kind=d.kind, amount=d.de_minimis_amount
        ):
            Decision.objects.filter(pk=d.pk).update(deminimis_state=Decision.DeminimisState.PENDING)
            d.deminimis_state = Decision.DeminimisState.PENDING
            _enqueue_grant_registration(d.pk)
        audit.record(
            actor=None,
            action="evaluation.decision.notified",
            obj=d,
            before={"state": Decision.State.PUBLISHED},
            after={
                "state": d.state,
                "notified_at": sent_at,
                "objection_deadline": d.objection_deadline,
                "grant_date": d.grant_date,
                "deminimis_state": d.deminimis_state,
            },
        )
        if grant_rules.inclusion_follows(method=call.evaluation_method, kind=d.kind):
            inclusion_decision_draft(approval=d)
        decision_hooks.decision_notified(d)
    return d


# --- after the approval (ΚΥΑ 7066 Art. 7.6): inclusion act and ΠΣΣΕΗΣ grant registration -------


def inclusion_decision_draft(*, approval: Decision, actor="σύστημα: απόφαση ένταξης") -> Decision | None:
    """ΚΥΑ 7066 Art. 7.6: «Η ένταξη των πράξεων γίνεται με απόφαση του Υποδιοικητή της Δ.ΥΠ.Α.»
    *after* and *on the basis of* the approval (Art. 7.3). The approval stays the evaluation result
    and the grant; this separate act states what it approved — persons, amount per category, total
    and de minimis amount (Art. 7.3, 2.17) — and is drafted once per standing approval."""
    with transaction.atomic():
        app = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call")
            .get(pk=approval.application_id)
        )
        if (
            Decision.objects.filter(application=app, kind=Decision.Kind.INCLUSION)
            .exclude(state=Decision.State.SUPERSEDED)
            .exists()
        ):
            return None
        details = approval.details or {}
        grant_date = approval.grant_date
        if grant_date is None:
            return None  # not yet served: the inclusion follows the notified approval only
        return decision_create(
            actor=actor,
            application=app,
            kind=Decision.Kind.INCLUSION,
            subject=f"Ένταξη της πράξης {app} στην πρόσκληση «{app.call.title}»",
            amount_total=approval.amount_total,
            de_minimis_amount=approval.de_minimis_amount,
            details={
                "persons": details.get("persons"),
                "per_category": details.get("per_category", []),
                "pool": details.get("pool", ""),
                "approval": {
                    "id": approval.pk,
                    "protocol_number": approval.protocol_number,
                    "ada": approval.ada,
                    "grant_date": grant_date.strftime("%d/%m/%Y"),
                },
                "reasons": [
                    f"Εντάσσεται η πράξη βάσει της εγκριτικής απόφασης {approval.protocol_number} "
                    f"(ΑΔΑ {approval.ada}), κοινοποιηθείσας στις {grant_date:%d/%m/%Y} "
                    "(ΚΥΑ 7066 Άρθ. 7.3, 7.6).",
                    "Ημερομηνία χορήγησης της ενίσχυσης de minimis παραμένει η ημερομηνία κοινοποίησης "
                    "της εγκριτικής απόφασης (ΚΥΑ 7066 Άρθ. 7.6 τελ. εδ.).",
                ],
                "objection_text": (
                    "Η απόφαση ένταξης εκδίδεται με βάση την εγκριτική απόφαση· η ένσταση ασκείται άπαξ "
                    "κατά του αποτελέσματος της αξιολόγησης (ΚΥΑ 7066 Άρθ. 7.5). Τροποποιείται ή "
                    "επικαιροποιείται κατά το Άρθ. 9.4."
                ),
            },
        )


def _enqueue_grant_registration(decision_id: int) -> None:
    """After commit; a broker outage leaves the decision «pending» for the outbox sweep."""

    def run():
        from evaluation.tasks import register_deminimis_grant

        try:
            register_deminimis_grant.delay(decision_id)
        except Exception:
            import logging

            logging.getLogger(__name__).warning(
                "could not enqueue ΠΣΣΕΗΣ registration of decision %s", decision_id
            )

    transaction.on_commit(run)


def grant_registration_params(decision: Decision) -> dict:
    """The ΠΣΣΕΗΣ record of the grant as JSON values (a registry retry replays them verbatim)."""
    app = decision.application
    call = app.call
    business = app.business
    nominal = money(decision.de_minimis_amount)
    return {
        "external_reference": decision.deminimis_reference,
        "measure_code": call.action_code or call.call_code or call.code,
        "regulation": grant_rules.REGULATION,
        "beneficiary_afm": business.afm,
        "beneficiary_name": business.name,
        "granting_authority": call.implementing_body or call.managing_authority or "ΔΥΠΑ",
        "grant_date": decision.grant_date.isoformat(),
        "nominal_amount": f"{nominal:.2f}",
        "gge_amount": f"{grant_rules.gross_grant_equivalent(nominal):.2f}",
        "instrument": grant_rules.INSTRUMENT_GRANT,
        "ada": decision.ada,
    }


def decision_record_grant_registration(*, decision: Decision, status: str, data, checked_at) -> Decision:
    """ΠΣΣΕΗΣ answered (or a supervisor recorded it manually): keep the registry id, once."""
    with transaction.atomic():
        d = Decision.objects.select_for_update(of=("self",)).get(pk=decision.pk)
        if d.deminimis_state != Decision.DeminimisState.PENDING:
            return d  # a retried or concurrent task: the first answer stands
        before = {"deminimis_state": d.deminimis_state}
        data = data or {}
        registry_id = str(data.get("registry_id") or "").strip()
        if status == "refused" or not registry_id:
            d.deminimis_state = Decision.DeminimisState.REFUSED
            d.deminimis_error = str(data.get("message") or "Το ΠΣΣΕΗΣ δεν έδωσε αριθμό καταχώρισης.")[:2000]
            d.save(update_fields=["deminimis_state", "deminimis_error"])
            audit.record(
                actor=None, action="evaluation.decision.deminimis_refused", obj=d, before=before,
                after={"deminimis_state": d.deminimis_state}, reason=d.deminimis_error,
            )  # fmt: skip
            return d
        d.deminimis_state = Decision.DeminimisState.REGISTERED
        d.deminimis_registry_id = registry_id[:60]
        d.deminimis_registered_at = checked_at
        d.deminimis_error = ""
        d.save(
            update_fields=[
                "deminimis_state",
                "deminimis_registry_id",
                "deminimis_registered_at",
                "deminimis_error",
            ]
        )
        audit.record(
            actor=None,
            action="evaluation.decision.deminimis_registered",
            obj=d,
            before=before,
            after={
                "deminimis_state": d.deminimis_state,
                "registry_id": d.deminimis_registry_id,
                "external_reference": d.deminimis_reference,
                "grant_date": d.grant_date,
                "gge_amount": d.de_minimis_amount,
                "manual": status == "manual",
            },
        )
    return d


def decision_request_grant_registration(*, actor, decision_id: int) -> Decision:
    """A refused registration, once the cause is fixed, is asked again (same reference)."""
    _require_role(actor, Role.SUPERVISOR)
    with transaction.atomic():
        d = Decision.objects.select_for_update(of=("self",)).filter(pk=decision_id).first()
        if d is None:
            raise NotFound("Η απόφαση δεν βρέθηκε.")
        if d.deminimis_state != Decision.DeminimisState.REFUSED:
            raise Conflict("Η καταχώριση στο ΠΣΣΕΗΣ δεν χρειάζεται επανάληψη.", code="not_refused")
        d.deminimis_state = Decision.DeminimisState.PENDING
        d.save(update_fields=["deminimis_state"])
        audit.record(
            actor=actor,
            action="evaluation.decision.deminimis_requested",
            obj=d,
            before={"deminimis_state": Decision.DeminimisState.REFUSED},
            after={"deminimis_state": d.deminimis_state},
        )
        _enqueue_grant_registration(d.pk)
    return d


def decision_supersede(*, actor, decision: Decision, reason: str) -> None:
    with transaction.atomic():
        d = Decision.objects.select_for_update(of=("self",)).get(pk=decision.pk)
        before = d.state
        d.supersede()
        _save_transition(d)
        deadline_cancel(obj=d, actor=actor, reason=reason)
        audit.record(
            actor=actor, action="evaluation.decision.superseded", obj=d, before={"state": before},
            after={"state": d.state}, reason=reason,
        )  # fmt: skip


# --- objections ---------------------------------------------------------------------------------


def _objection_window(decision: Decision, now=None) -> tuple[bool, datetime.date | None]:
    if decision.objection_deadline is None:
        return False, None
    today = timezone.localtime(now or timezone.now(), ATHENS).date()
    return objection_is_timely(today=today, last_day=decision.objection_deadline), decision.objection_deadline


def objection_file(*, actor, decision_id: int, text: str) -> Objection:
    """Once per result, electronically, within the deadline; late is impossible (Art. 7.5)."""
    from applications.services import applicant_roles

    text = (text or "").strip()
    with transaction.atomic():
        d = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("application__call", "application__business", "application__person")
            .filter(pk=decision_id)
            .first()
        )
        if d is None or not applicant_roles(actor, d.application):
            raise NotFound("Η απόφαση δεν βρέθηκε.")
        if not applicant_roles(actor, d.application) & OBJECTION_ROLES:
            raise PermissionDenied("Ο ρόλος σας στην επιχείρηση δεν επιτρέπει την υποβολή ένστασης.")
        if Objection.objects.filter(decision=d).exists():
            raise Conflict(
                "Έχει ήδη υποβληθεί ένσταση για αυτό το αποτέλεσμα (μία φορά).", code="objection_exists"
            )
        timely, last_day = _objection_window(d)
        if last_day is None:
            raise Conflict("Η απόφαση δεν έχει κοινοποιηθεί ακόμη.", code="not_notified")
        if not timely:
            raise Conflict(
                f"Η προθεσμία υποβολής ενστάσεων έληξε στις {last_day:%d/%m/%Y}· "
                "εκπρόθεσμη ένσταση δεν γίνεται δεκτή.",
                code="objection_late",
            )
        if not text:
            raise ValidationFailed("Γράψτε τους λόγους της ένστασης.", fields={"text": "Απαιτείται κείμενο."})
        policy = objection_policy_for(d.application.call)
        due = objection_decision_due(policy, last_day)
        obj = Objection.objects.create(
            decision=d,
            application=d.application,
            filed_by=actor,
            filed_at=timezone.now(),
            text=text,
            body=policy.body,
            filing_deadline=last_day,
            decision_due=due,
        )
        deadline_schedule(obj=obj, kind="evaluation.objection_decision_due", due_at=due, actor=actor)
        audit.record(
            actor=actor,
            action="evaluation.objection.filed",
            obj=obj,
            after={"decision": d.pk, "text": text, "filing_deadline": last_day, "decision_due": due},
        )
        notify(
            recipients=_supervisors(),
            subject=f"Νέα ένσταση για την αίτηση {d.application}",
            body=(
                f"Υποβλήθηκε ένσταση κατά της απόφασης {d.protocol_number}. "
                f"Προθεσμία απόφασης: {due:%d/%m/%Y}."
            ),
            kind="evaluation.objection_filed",
            obj=obj,
        )
    return obj


def objection_update(*, actor, objection_id: int, text: str) -> Objection:
    """Call 004 §10.4: the objection can be edited until the filing deadline; other calls: no."""
    from applications.services import applicant_roles

    text = (text or "").strip()
    with transaction.atomic():
        obj = (
            Objection.objects.select_for_update(of=("self",))
            .select_related("application__call")
            .filter(pk=objection_id)
            .first()
        )
        if obj is None or not applicant_roles(actor, obj.application) & OBJECTION_ROLES:
            raise NotFound("Η ένσταση δεν βρέθηκε.")
        if not objection_policy_for(obj.application.call).reedit_allowed:
            raise Conflict(
                "Η πρόσκληση δεν επιτρέπει τροποποίηση υποβληθείσας ένστασης.", code="reedit_not_allowed"
            )
        today = timezone.localtime(timezone.now(), ATHENS).date()
        if (
            not objection_is_timely(today=today, last_day=obj.filing_deadline)
            or obj.state != Objection.State.FILED
        ):
            raise Conflict("Η προθεσμία έληξε· η ένσταση δεν τροποποιείται πλέον.", code="objection_late")
        if not text:
            raise ValidationFailed("Γράψτε τους λόγους της ένστασης.", fields={"text": "Απαιτείται κείμενο."})
        before = {"text": obj.text}
        obj.text = text
        obj.save(update_fields=["text", "updated_at"])
        audit.record(
            actor=actor, action="evaluation.objection.updated", obj=obj, before=before, after={"text": text}
        )
    return obj


def objection_give_opinion(*, actor, objection_id: int, recommends: str, opinion: str) -> Objection:
    """The examining committee's opinion (Π.ΕΠ.Ε.Ε. in ΚΥΑ 7066)."""
    _require_role(actor, Role.COMMITTEE_MEMBER, Role.SUPERVISOR)
    opinion = (opinion or "").strip()
    if recommends not in ("accept", "reject") or not opinion:
        raise ValidationFailed(
            "Συμπληρώστε την εισήγηση και την αιτιολόγηση της γνωμοδότησης.",
            fields={"opinion": "Απαιτείται αιτιολόγηση."},
        )
    with transaction.atomic():
        obj = Objection.objects.select_for_update(of=("self",)).filter(pk=objection_id).first()
        if obj is None:
            raise NotFound("Η ένσταση δεν βρέθηκε.")
        if obj.state != Objection.State.FILED:
            raise Conflict("Η γνωμοδότηση έχει ήδη δοθεί.", code="opinion_given")
        obj.give_opinion()
        obj.opinion, obj.opinion_recommends = opinion, recommends
        obj.opinion_by, obj.opinion_at = actor, timezone.now()
        _save_transition(obj)
        audit.record(
            actor=actor,
            action="evaluation.objection.opinion",
            obj=obj,
            before={"state": Objection.State.FILED},
            after={"state": obj.state, "recommends": recommends},
            reason=opinion,
        )
    return obj


def objection_decide(*, actor, objection_id: int, accepted: bool, reasons: str) -> Objection:
    """Decision on the objection; an accepted one reopens the result (new pre-inclusion check)."""
    _require_role(actor, Role.SUPERVISOR)
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationFailed("Η απόφαση επί της ένστασης αιτιολογείται.", fields={"reasons": "Απαιτείται."})
    with transaction.atomic():
        obj = (
            Objection.objects.select_for_update(of=("self",))
            .select_related("decision", "application__call")
            .filter(pk=objection_id)
            .first()
        )
        if obj is None:
            raise NotFound("Η ένσταση δεν βρέθηκε.")
        if not obj.is_open:
            raise Conflict("Η ένσταση έχει ήδη κριθεί.", code="objection_decided")
        before = obj.state
        obj.accept() if accepted else obj.reject()
        obj.outcome_reasons, obj.decided_by, obj.decided_at = reasons, actor, timezone.now()
        _save_transition(obj)
        deadline_cancel(obj=obj, kind="evaluation.objection_decision_due", actor=actor, reason="κρίθηκε")
        audit.record(
            actor=actor,
            action="evaluation.objection.accepted" if accepted else "evaluation.objection.rejected",
            obj=obj,
            before={"state": before},
            after={"state": obj.state},
            reason=reasons,
        )
        if accepted:
            _objection_accepted(actor=actor, objection=obj, reasons=reasons)
        notify(
            recipients=applicant_users(obj.application),
            addresses=notice_addresses_for(obj.application),
            subject=f"Απόφαση επί της ένστασής σας — αίτηση {obj.application}",
            body=(
                f"Η ένστασή σας κατά της απόφασης {obj.decision.protocol_number} "
                f"{'έγινε δεκτή' if accepted else 'απορρίφθηκε'}.\n\nΑιτιολόγηση: {reasons}"
            ),
            kind=OBJECTION_NOTICE_KIND,
            obj=obj,
            legal=True,
            actor=actor,
        )
    return obj


def _objection_accepted(*, actor, objection: Objection, reasons: str) -> None:
    """The accepted objection feeds back: the original result is superseded and re-examined."""
    decision = objection.decision
    app = objection.application
    decision_supersede(actor=actor, decision=decision, reason=f"Αποδοχή ένστασης: {reasons}")
    final_ev = (
        Evaluation.objects.select_for_update()
        .filter(application=app, state=Evaluation.State.REVIEWED)
        .order_by("-reviewed_at", "-pk")
        .first()
    )
    if decision.kind in (Decision.Kind.REJECTION, Decision.Kind.APPROVED_NOT_FUNDED):
        application_evaluation_transition(
            actor=actor, application_id=app.pk, transition="reopen_after_objection", reason=reasons
        )
        if final_ev is not None and decision.kind == Decision.Kind.REJECTION:
            before = final_ev.final_result
            Evaluation.objects.filter(pk=final_ev.pk).update(
                final_result=Evaluation.Result.PASS,
                reasons=[*final_ev.reasons, f"Αποδοχή ένστασης: {reasons}"],
            )
            final_ev.refresh_from_db()
            audit.record(
                actor=actor,
                action="evaluation.result_changed_by_objection",
                obj=final_ev,
                before={"final_result": before},
                after={"final_result": final_ev.final_result},
                reason=reasons,
            )
        if final_ev is not None:
            method_for(app.call.evaluation_method).conclude(application=app, evaluation=final_ev, actor=actor)


# --- FCFS_DIRECT (ΚΥΑ 7066): conclusion, pre-inclusion check, funding ----------------------------


def _conclude_rejection(*, actor, application_id: int, reasons: list[str]) -> Decision:
    """Reject, give the reservation back to the pool (next in line may be funded), draft the decision."""
    app = Application.objects.select_for_update(of=("self",)).get(pk=application_id)
    released_from = None
    if app.reserved_amount > 0 and app.pool_id:
        pool_release(pool_id=app.pool_id, amount=app.reserved_amount)
        released_from = app.pool_id
    app = application_evaluation_transition(
        actor=actor, application_id=app.pk, transition="reject", reason="; ".join(reasons)[:2000],
        reserved_amount=Decimal("0.00"),
    )  # fmt: skip
    if released_from:
        reserves_promote(pool_id=released_from, actor=actor)
    return decision_create(
        actor=actor,
        application=app,
        kind=Decision.Kind.REJECTION,
        subject=f"Απόρριψη της αίτησης {app} στην πρόσκληση «{app.call.title}»",
        details={"reasons": reasons},
    )


def fcfs_conclude_after_review(*, actor, application_id: int, evaluation: Evaluation) -> None:
    """After the second level: a negative result is rejected; a positive goes to the ΠΣΣΕΗΣ re-check."""
    if evaluation.final_result != Evaluation.Result.PASS:
        reasons = list(evaluation.reasons) or ["Αρνητική αξιολόγηση (Παρ. 4)."]
        review = getattr(evaluation, "review", None)
        if review is not None and review.reasons:
            reasons.append(f"Β' επίπεδο: {review.reasons}")
        _conclude_rejection(actor=actor, application_id=application_id, reasons=reasons)
        return
    pre_inclusion_check_request(actor=actor, application_id=application_id)


def pre_inclusion_check_request(*, actor, application_id: int) -> PreInclusionCheck:
    """Start the pre-inclusion check; the ΠΣΣΕΗΣ call runs in a task after commit."""
    with transaction.atomic():
        app = Application.objects.select_for_update(of=("self",)).get(pk=application_id)
        if app.status != Application.Status.UNDER_EVALUATION:
            raise Conflict("Η αίτηση δεν είναι υπό αξιολόγηση.", code="application_state")
        check = PreInclusionCheck.objects.create(
            application=app,
            requested_by=actor if hasattr(actor, "pk") else None,
            requested_at=timezone.now(),
        )
        audit.record(
            actor=actor, action="evaluation.pre_inclusion.requested", obj=check, after={"application": app.pk}
        )

        def run(pk=check.pk):
            from evaluation.tasks import run_pre_inclusion_check

            try:
                run_pre_inclusion_check.delay(pk)
            except Exception:
                import logging

                logging.getLogger(__name__).warning("could not enqueue pre-inclusion check %s", pk)

        transaction.on_commit(run)
    return check


def _concluded_findings(app: Application) -> dict[str, tuple[str, str]]:
    """The criteria as the evaluation concluded them: the first level's findings with the second
    level's overrides (Art. 7.1β), code → (value, justification)."""
    ev = (
        Evaluation.objects.filter(application=app, level=1, state=Evaluation.State.REVIEWED)
        .select_related("review")
        .order_by("-pk")
        .first()
    )
    if ev is None:
        return {}
    out = {f.criterion_code: (f.value, f.justification) for f in ev.findings.all()}
    review = getattr(ev, "review", None)
    for code, change in ((review.overrides or {}) if review else {}).items():
        out[str(code)] = (str(change.get("value") or ""), review.reasons)
    return out


def _positions_for_amount(app: Application) -> list[tuple[str, int]]:
    return [(p.category, p.persons) for p in app.positions.all()]


def pre_inclusion_check_complete(
    *, check: PreInclusionCheck, status: str, data, checked_at
) -> PreInclusionCheck:
    """ΠΣΣΕΗΣ answered: apply Art. 7.2 (cumulation) and Art. 7.3 (funding from the area's pool)."""
    with transaction.atomic():
        check = PreInclusionCheck.objects.select_for_update().get(pk=check.pk)
        if check.state != PreInclusionCheck.State.PENDING:
            return check
        actor = check.requested_by or "σύστημα: προενταξιακός έλεγχος"
        if status == "refused":
            check.state = PreInclusionCheck.State.REFUSED
            check.reason = str((data or {}).get("message") or "Το ΠΣΣΕΗΣ απέρριψε το αίτημα.")
            check.checked_at = checked_at
            check.save()
            audit.record(
                actor=None, action="evaluation.pre_inclusion.refused", obj=check, reason=check.reason
            )
            return check
        app = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call")
            .get(pk=check.application_id)
        )
        if app.pool_id:  # funding below changes it after the audit event: lock it first
            pool_lock(pool_id=app.pool_id)
        call = app.call
        rates = {r.code: r.monthly_amount for r in call.unit_rates.all()} or fcfs_rules.DEFAULT_RATES
        months = int((call.config or {}).get("subsidy_months") or fcfs_rules.SUBSIDY_MONTHS)
        amount = fcfs_rules.approved_amount(_positions_for_amount(app), rates, months=months)
        dm = application_de_minimis_cumulation(app, registry_data=data, amount=amount.total)
        general = dm.lines[0]
        check.state = PreInclusionCheck.State.DONE
        check.prior_de_minimis = general.prior
        check.passed = dm.ok
        check.reason = dm.message
        check.data = {
            "total_gge": str((data or {}).get("total_gge") or "0"),
            "status": status,
            **dm.as_json(),
        }
        check.checked_at = checked_at
        check.save()
        audit.record(
            actor=None,
            action="evaluation.pre_inclusion.done",
            obj=check,
            after={"prior": general.prior, "requested": dm.requested, "ok": dm.ok},
            reason=dm.message,
        )
        if app.status != Application.Status.UNDER_EVALUATION:
            return check
        # Criterion 4 by computation: (στ) the cumulation, and (δ) the Annex 2 ΚΑΔ when the call
        # evaluates rather than blocks on registry data (applications.services, readings per check);
        # the rejection gives every group's answer.
        kad = [p.message for p in application_kad_problems(app)]
        failed = ([dm.criterion_answer] if not dm.ok else []) + kad
        if failed:
            reasons = fcfs_rules.criteria_answers(_concluded_findings(app), computed={"4": "· ".join(failed)})
            head = ([dm.message] if not dm.ok else []) + kad
            _conclude_rejection(actor=actor, application_id=app.pk, reasons=[*head, *reasons])
            return check
        _fcfs_fund(actor=actor, app=app, amount=amount, pool_id=app.pool_id)
    return check


def _fcfs_fund(*, actor, app: Application, amount, pool_id) -> Decision:
    """Commit against the area's pool (reservation → commitment); no cover → approved-not-funded."""
    total = amount.total
    covered = False
    if pool_id and total > 0:
        if app.reserved_amount < total:
            # Freed budget reaches waiting applications in priority order, this one included only
            # when its turn comes (applications/reserves.py).
            reserves_promote(pool_id=pool_id, actor=actor)
            app.refresh_from_db(fields=["reserved_amount"])
        if app.reserved_amount >= total:
            if app.reserved_amount > total:
                pool_release(pool_id=pool_id, amount=app.reserved_amount - total)
            pool_commit(pool_id=pool_id, amount=total)
            covered = True
            if app.reserved_amount > total:
                app.reserved_amount = total
                reserves_promote(pool_id=pool_id, actor=actor)
    outcome = fcfs_rules.funding_outcome(evaluation_passed=True, de_minimis_ok=True, pool_covers=covered)
    per_category = [
        {
            "category": r.category,
            "persons": r.persons,
            "monthly_rate": f"{r.monthly_rate:.2f}",
            "months": r.months,
            "amount": f"{r.amount:.2f}",
        }
        for r in amount.per_category
    ]
    pool = BudgetPool.objects.filter(pk=pool_id).first()
    if outcome == fcfs_rules.APPROVED:
        app = application_evaluation_transition(
            actor=actor, application_id=app.pk, transition="approve", reserved_amount=Decimal("0.00"),
            reason=f"Δέσμευση {format_eur(total)} στο ταμείο {pool.label if pool else ''}",
        )  # fmt: skip
        return decision_create(
            actor=actor,
            application=app,
            kind=Decision.Kind.APPROVAL,
            subject=f"Έγκριση της αίτησης {app} στην πρόσκληση «{app.call.title}»",
            amount_total=total,
            de_minimis_amount=total,
            details={
                "persons": amount.persons,
                "per_category": per_category,
                "pool": pool.label if pool else "",
                "reasons": [
                    "Όλα τα κριτήρια του Παραρτήματος 4 είναι ΝΑΙ· ο έλεγχος σώρευσης de minimis πληρούται."
                ],
            },
        )
    app = application_evaluation_transition(
        actor=actor, application_id=app.pk, transition="approve_not_funded", reserved_amount=Decimal("0.00"),
        reason="Εξαντλήθηκε ο προϋπολογισμός της περιοχής (ΚΥΑ 7066 Άρθ. 7.3).",
    )  # fmt: skip
    return decision_create(
        actor=actor,
        application=app,
        kind=Decision.Kind.APPROVED_NOT_FUNDED,
        subject=f"Εγκεκριμένη μη χρηματοδοτούμενη αίτηση {app}",
        amount_total=Decimal("0.00"),
        details={
            "persons": amount.persons,
            "per_category": per_category,
            "requested_total": f"{total:.2f}",
            "reasons": [
                "Η αίτηση πληροί τα κριτήρια αλλά ο προϋπολογισμός της περιοχής "
                f"«{pool.label if pool else ''}» "
                "δεν επαρκεί (ΚΥΑ 7066 Άρθ. 7.3)."
            ],
        },
    )


# --- results tables as files (rendered by the worker) ------------------------------------------


def results_export_request(*, actor, call: Call, fmt: str, public: bool):
    """Record the results table (PDF or XLSX) for the worker; the same unchanged table asked again
    returns the document already recorded, so repeated clicks render it once."""
    from evaluation import exports
    from evaluation.selectors import result_rows
    from opske.models import GeneratedDocument

    if fmt not in exports.FORMATS:
        raise ValidationFailed("Μη έγκυρη μορφή αρχείου (PDF ή XLSX).", fields={"format": "Μη έγκυρη τιμή."})
    if not public and not (getattr(actor, "is_authenticated", False) and actor.has_role(*_STAFF_READERS)):
        raise PermissionDenied("Ο εσωτερικός πίνακας αποτελεσμάτων είναι μόνο για τα στελέχη.")
    context = exports.results_table_context(call, result_rows(call, public=public), public=public)
    kind = exports.document_kind(fmt, public=public)
    with transaction.atomic():
        rnd = round_for_call(call)
        existing = (
            GeneratedDocument.objects.filter(
                content_type__app_label="evaluation",
                content_type__model="evaluationround",
                object_id=str(rnd.pk),
                kind=kind,
                context__fingerprint=context["fingerprint"],
            )
            .exclude(state=GeneratedDocument.State.FAILED)
            .order_by("-pk")
            .first()
        )
        if existing is not None:
            return existing
        return document_request(
            obj=rnd,
            kind=kind,
            template=exports.template_for(fmt),
            context=context,
            actor=actor if getattr(actor, "is_authenticated", False) else "επισκέπτης: δημόσιος κατάλογος",
        )


_STAFF_READERS = (Role.SUPERVISOR, Role.PROGRAMME_ADMIN, Role.AUDITOR)


__all__ = [
    "NO",
    "YES",
    "applicant_users",
    "assignment_auto",
    "assignment_create",
    "conflict_declaration_sign",
    "decision_create",
    "decision_sign",
    "evaluation_open",
    "evaluation_submit",
    "finding_save",
    "objection_decide",
    "objection_file",
    "second_level_review",
]
