"""Reads of the comparative evaluation, scoped to who may see them (STYLE.md practice 4).

Committee members of a round and supervisors see the round; everyone else (a business, an
evaluator not on the committee) gets a 404, never a 403.
"""

from __future__ import annotations

from accounts.models import Role
from applications.models import Application
from evaluation.comparative.models import Committee, ComparativeScore, RankingRun
from evaluation.models import Assignment, Decision
from opske.errors import NotFound

CONFLICT_CLEAR = "clear"
CONFLICT_DECLARED = "declared"
CONFLICT_UNDECLARED = "undeclared"


def is_supervisor(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(Role.SUPERVISOR, Role.PROGRAMME_ADMIN))


def committees_for_user(*, user):
    """The committees whose rounds the user may open (all for a supervisor)."""
    if not (user and user.is_authenticated):
        return Committee.objects.none()
    qs = Committee.objects.select_related("round__call", "chair")
    if is_supervisor(user):
        return qs
    return qs.filter(members=user)


def committee_get_for_user(*, user, call_id: int) -> Committee:
    committee = committees_for_user(user=user).filter(round__call_id=call_id).first()
    if committee is None:
        raise NotFound()
    return committee


def conflict_state(*, user, application: Application) -> str:
    """The user's declaration for the application (common framework, evaluation.models).

    A declared conflict on any of the user's assignments for this application wins; a signed
    «no conflict» on a live assignment clears; otherwise nothing has been declared yet.
    """
    assignments = list(
        Assignment.objects.filter(application=application, evaluator=user).select_related("declaration")
    )
    for a in assignments:
        declaration = getattr(a, "declaration", None)
        if a.state == Assignment.State.CONFLICTED or (declaration is not None and declaration.has_conflict):
            return CONFLICT_DECLARED
    for a in assignments:
        declaration = getattr(a, "declaration", None)
        if a.state in (Assignment.State.ACTIVE, Assignment.State.DONE) and declaration is not None:
            return CONFLICT_CLEAR
    return CONFLICT_UNDECLARED


def round_applications(*, committee: Committee):
    """The applications of the round with their sheets, for the committee's list."""
    return (
        Application.objects.filter(call=committee.round.call)
        .exclude(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
        .select_related("business", "comparative_score")
        .order_by("protocol_number", "pk")
    )


def application_get_for_committee(*, user, application_id: int) -> tuple[Application, Committee]:
    app = Application.objects.select_related("call", "business").filter(pk=application_id).first()
    if app is None:
        raise NotFound()
    committee = committee_get_for_user(user=user, call_id=app.call_id)
    if app.status in (Application.Status.DRAFT, Application.Status.WITHDRAWN):
        raise NotFound()
    return app, committee


def sheet_for_application(*, application: Application) -> ComparativeScore | None:
    return (
        ComparativeScore.objects.filter(application=application)
        .prefetch_related("criterion_scores", "cuts__line")
        .first()
    )


def runs_for_committee(*, committee: Committee):
    return (
        RankingRun.objects.filter(round=committee.round)
        .select_related("created_by", "approved_by")
        .order_by("-number")
    )


def run_get_for_user(*, user, run_id: int) -> RankingRun:
    run = RankingRun.objects.select_related("round__call").filter(pk=run_id).first()
    if run is None:
        raise NotFound()
    committee_get_for_user(user=user, call_id=run.round.call_id)
    return run


def pending_declaration(*, user, application: Application) -> Assignment | None:
    """The user's assignment still waiting for its signed declaration (common framework page)."""
    return Assignment.objects.filter(
        application=application, evaluator=user, state=Assignment.State.AWAITING_DECLARATION
    ).first()


def decisions_for_run(run: RankingRun):
    """The live decisions of the applications in an approved run, for the supervisor to sign."""
    ids = [row["id"] for key in ("funded", "unfunded", "rejected") for row in run.outputs.get(key, [])]
    return (
        Decision.objects.filter(application_id__in=ids)
        .exclude(state=Decision.State.SUPERSEDED)
        .select_related("application")
        .order_by("application__protocol_number", "-created_at")
    )
