"""Reads of evaluation/, scoped to what the user may see (STYLE.md practice 4).

- An evaluator sees only the applications assigned to them; an unassigned one is a 404.
- A supervisor (second level, approver) sees every evaluation, decision and objection.
- An applicant sees only the decisions, clarification requests and objections of their own
  applications; another applicant's is a 404.
- `users_who_evaluated(application)` keeps «an evaluator never monitors an operation they
  evaluated» checkable by verification/.
"""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from accounts.models import Role
from applications.selectors import applications_for_user
from evaluation.models import (
    Assignment,
    ClarificationRequest,
    Decision,
    Evaluation,
    Objection,
)
from opske.errors import NotFound

STAFF_ROLES = (Role.SUPERVISOR, Role.PROGRAMME_ADMIN, Role.AUDITOR)


def _int(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise NotFound("Δεν βρέθηκε.") from None


def is_supervisor(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.SUPERVISOR))


def is_staff_reader(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*STAFF_ROLES))


def assignments_for_user(user) -> QuerySet[Assignment]:
    """The user's queue, in FCFS priority order (ΚΥΑ 7066 Art. 6.3, 7.2)."""
    if not getattr(user, "is_authenticated", False):
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(evaluator=user)
        .exclude(state=Assignment.State.WITHDRAWN)
        .select_related("application__call", "application__business", "application__person", "evaluation")
        # The evaluation a second-level reviewer opens, in the same query (not one query per row).
        .annotate(
            review_evaluation_id=Subquery(
                Evaluation.objects.filter(application_id=OuterRef("application_id"))
                .order_by("level", "pk")
                .values("pk")[:1]
            )
        )
        .order_by("application__call_id", "application__priority_seq", "application_id", "pk")
    )


# What a row of «Οι αναθέσεις μου» shows (templates/evaluation/queue.html); the FSM fields of the
# application and its call are read as the models are made, so they stay in (issue 11).
_QUEUE_ROW = (
    "state", "role", "application__status", "application__priority_seq", "application__protocol_number",
    "application__call__title", "application__call__status", "application__business__name",
    "application__business__afm", "application__person__first_name", "application__person__last_name",
    "application__person__amka",
)  # fmt: skip


def assignments_for_user_list(user) -> QuerySet[Assignment]:
    """assignments_for_user, reading only the columns a row of the queue shows."""
    return (
        assignments_for_user(user)
        .select_related(None)
        .select_related("application__call", "application__business", "application__person")
        .only(*_QUEUE_ROW)
    )


def assignment_get_for_user(*, user, pk) -> Assignment:
    a = assignments_for_user(user).filter(pk=_int(pk)).first()
    if a is None:
        raise NotFound("Η ανάθεση δεν βρέθηκε.")
    return a


def evaluation_get_for_evaluator(*, user, pk) -> Evaluation:
    ev = (
        Evaluation.objects.filter(pk=_int(pk), assignment__evaluator=user)
        .select_related(
            "assignment", "application__call__programme", "application__business", "application__pool"
        )
        .prefetch_related("findings", "application__positions", "application__registry_snapshots")
        .first()
    )
    if ev is None:
        raise NotFound("Η αξιολόγηση δεν βρέθηκε.")
    return ev


def evaluations_for_review(user) -> QuerySet[Evaluation]:
    """Level-1 evaluations a supervisor reviews (all of them, Art. 7.1β), priority order."""
    if not is_staff_reader(user):
        return Evaluation.objects.none()
    return (
        Evaluation.objects.filter(level=1)
        .select_related(
            "application__call", "application__business", "application__person", "assignment__evaluator"
        )
        .order_by("application__call_id", "application__priority_seq", "pk")
    )


# What a row of the reviews list shows (templates/evaluation/reviews.html): a page of 100 whole rows
# with their call, application and applicant decoded 4,000 model fields and their JSON per request
# (80 ms of the page's 100; issue 11). The FSM fields are read (ConcurrentTransitionMixin) as a model is
# made: they stay in, or each row would fetch them again.
_REVIEW_ROW = (
    "state", "result", "final_result", "application__status", "application__priority_seq",
    "application__protocol_number",
    "application__business__name", "application__business__afm", "application__person__first_name",
    "application__person__last_name", "application__person__amka", "assignment__evaluator__username",
    "assignment__evaluator__first_name", "assignment__evaluator__last_name",
)  # fmt: skip


def evaluations_for_review_list(user) -> QuerySet[Evaluation]:
    """evaluations_for_review, reading only the columns a row of the list shows."""
    return (
        evaluations_for_review(user)
        .select_related(None)
        .select_related("application__business", "application__person", "assignment__evaluator")
        .only(*_REVIEW_ROW)
    )


def evaluation_get_for_review(*, user, pk) -> Evaluation:
    ev = (
        evaluations_for_review(user)
        .filter(pk=_int(pk))
        .prefetch_related(
            "findings", "application__positions", "clarifications", "application__registry_snapshots"
        )
        .first()
    )
    if ev is None:
        raise NotFound("Η αξιολόγηση δεν βρέθηκε.")
    return ev


def second_level_assignment(user, application) -> Assignment | None:
    return (
        Assignment.objects.filter(application=application, evaluator=user, role=Assignment.Role.SECOND_LEVEL)
        .exclude(state=Assignment.State.WITHDRAWN)
        .select_related("declaration")
        .first()
    )


def decisions_for_staff(user) -> QuerySet[Decision]:
    if not is_staff_reader(user):
        return Decision.objects.none()
    return Decision.objects.select_related(
        "application__call", "application__business", "application__person"
    )


def decisions_latest_for_staff(user, n: int = 50) -> QuerySet[Decision]:
    """The newest n decisions in force by key (the order they were made in, read off the primary
    key's index, not the whole table sorted by created_at: 110 ms at 40,000 decisions), with only
    what a line of the list shows (issue 11)."""
    return (
        decisions_for_staff(user)
        .select_related(None)
        .exclude(state=Decision.State.SUPERSEDED)
        .only("kind", "state", "protocol_number", "ada")
        .order_by("-pk")[:n]
    )


def decision_get_for_staff(*, user, pk) -> Decision:
    d = decisions_for_staff(user).select_related("document", "signed_by").filter(pk=_int(pk)).first()
    if d is None:
        raise NotFound("Η απόφαση δεν βρέθηκε.")
    return d


def decisions_for_applicant(user) -> QuerySet[Decision]:
    """Decisions the applicant has been served (drafts and unpublished ones are internal)."""
    ids = applications_for_user(user).values("pk")
    return (
        Decision.objects.filter(application_id__in=ids)
        .filter(
            Q(state=Decision.State.NOTIFIED) | Q(state=Decision.State.SUPERSEDED, notified_at__isnull=False)
        )
        .select_related("application__call", "document")
        .order_by("-notified_at", "-pk")
    )


def decision_get_for_applicant(*, user, pk) -> Decision:
    d = decisions_for_applicant(user).filter(pk=_int(pk)).first()
    if d is None:
        raise NotFound("Η απόφαση δεν βρέθηκε.")
    return d


def clarifications_for_applicant(user) -> QuerySet[ClarificationRequest]:
    ids = applications_for_user(user).values("pk")
    return (
        ClarificationRequest.objects.filter(application_id__in=ids)
        .select_related("application")
        .order_by("-requested_at")
    )


def clarification_get_for_applicant(*, user, pk) -> ClarificationRequest:
    cr = clarifications_for_applicant(user).filter(pk=_int(pk)).first()
    if cr is None:
        raise NotFound("Το αίτημα δεν βρέθηκε.")
    return cr


def objections_for_staff(user) -> QuerySet[Objection]:
    if not getattr(user, "is_authenticated", False) or not user.has_role(
        Role.SUPERVISOR, Role.COMMITTEE_MEMBER, Role.AUDITOR
    ):
        return Objection.objects.none()
    return Objection.objects.select_related(
        "decision", "application__call", "application__business"
    ).order_by("decision_due", "pk")


def objection_get_for_staff(*, user, pk) -> Objection:
    obj = objections_for_staff(user).filter(pk=_int(pk)).first()
    if obj is None:
        raise NotFound("Η ένσταση δεν βρέθηκε.")
    return obj


def users_who_evaluated(application) -> set[int]:
    """Everyone who evaluated or reviewed the application: they never verify its operation."""
    return set(
        Assignment.objects.filter(application=application)
        .exclude(state__in=[Assignment.State.WITHDRAWN, Assignment.State.CONFLICTED])
        .values_list("evaluator_id", flat=True)
    )


def latest_decisions(call) -> QuerySet[Decision]:
    """The standing decision of each application of a call (superseded ones excluded)."""
    return (
        Decision.objects.filter(round__call=call)
        .exclude(state=Decision.State.SUPERSEDED)
        .exclude(kind=Decision.Kind.INCLUSION)
        .select_related("application__business", "application__person", "application__pool")
        .order_by("application__priority_seq", "application_id", "-pk")
    )


def standing_decisions(call, *, public: bool) -> QuerySet[Decision]:
    """The results table as a query: each application's standing decision (`Decision.standing`: its
    newest not superseded), in priority order, so a page of it is fetched alone (issue 11: the whole
    table per request took 1.0–1.3 s at 100,000 applications). Public lists keep only the notified
    approvals."""
    qs = latest_decisions(call).filter(standing=True)
    if public:
        qs = qs.filter(kind=Decision.Kind.APPROVAL, state=Decision.State.NOTIFIED)
    return qs


def result_rows(call, *, public: bool, decisions=None) -> list[dict]:
    """Rows of the results table (of `decisions`, a page of `standing_decisions`; default all of them).
    Public lists show only what the seed allows: ΚΥΑ 7066 Art. 7.6 publishes approved recipients only
    (code, title, amount); ΚΥΑ 16936 tables identify candidates by application code, not by name."""
    rows = []
    for d in standing_decisions(call, public=public) if decisions is None else decisions:
        app = d.application
        row = {
            "code": app.protocol_number,
            "title": app.title or call.title,
            "amount": d.amount_total,
            "kind": d.get_kind_display(),
            "ada": d.ada,
        }
        if not public:
            row["applicant"] = app.applicant_label
            row["priority"] = app.priority_seq
            row["state"] = d.get_state_display()
        elif call.evaluation_method != "points_ranking" and app.business_id:
            row["applicant"] = app.business.name
        rows.append(row)
    return rows


# --- the administrator's assignment queue (ΚΥΑ 7066 Art. 7.1α) ------------------------------------

ASSIGNERS = (Role.PROGRAMME_ADMIN, Role.SUPERVISOR)
LIVE_ASSIGNMENT_STATES = (*Assignment.OPEN_STATES, Assignment.State.DONE)


def may_assign(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*ASSIGNERS))


def applications_for_assignment(user):
    """Submitted FCFS applications with their live evaluator (if any), priority order.

    Each row is annotated with `live_evaluators` (0 = unassigned); the queue shows the unassigned
    ones by default and the open ones on request, so they can be reassigned.
    """

    from applications.models import Application
    from evaluation.rules.assignment import ASSIGNABLE_STATUSES

    if not may_assign(user):
        return Application.objects.none()
    return (
        # Under evaluation too: an open (not yet submitted) assignment can still be given to another.
        Application.objects.filter(
            call__evaluation_method="fcfs_direct", status__in=[*ASSIGNABLE_STATUSES, "under_evaluation"]
        )
        .select_related("call", "business", "person")
        .annotate(
            live_evaluators=Count(
                "evaluation_assignments",
                filter=Q(
                    evaluation_assignments__role=Assignment.Role.EVALUATOR,
                    evaluation_assignments__state__in=LIVE_ASSIGNMENT_STATES,
                ),
            )
        )
        .order_by("call_id", "priority_seq", "pk")
    )


def application_get_for_assignment(*, user, pk):
    app = applications_for_assignment(user).filter(pk=_int(pk)).first()
    if app is None:
        raise NotFound("Η αίτηση δεν βρέθηκε.")
    return app


def assignment_history(application) -> list[dict]:
    """Every assignment of the application, newest first, with the reason of its withdrawal."""
    from django.contrib.contenttypes.models import ContentType

    from opske.models import AuditEvent

    rows = list(
        Assignment.objects.filter(application=application)
        .select_related("evaluator", "assigned_by")
        .order_by("-created_at", "-pk")
    )
    reasons = {}
    if rows:
        events = AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Assignment),
            action="evaluation.assignment.withdrawn",
            object_id__in=[str(a.pk) for a in rows],
        ).values_list("object_id", "reason")
        reasons = dict(events)
    return [{"assignment": a, "reason": reasons.get(str(a.pk), "")} for a in rows]


def evaluation_outcome_preview(evaluation):
    """What submitting the form now would record (complete? result, reasons), for the
    confirmation page; the same method rule the service applies (evaluation.methods)."""
    from evaluation.methods import method_for

    findings = {f.criterion_code: f for f in evaluation.findings.all()}
    return method_for(evaluation.application.call.evaluation_method).result(evaluation, findings)
