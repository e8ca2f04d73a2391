"""Browser UI of evaluation/: queue, declaration, workspace, second level, decisions, objections,
the applicant's results, and the results tables. Views read through selectors and write through
services; every refusal is shown as the service's Greek message and nothing is lost.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from calls.models import Call
from evaluation import exports, selectors, services
from evaluation.filters import AssignmentFilterSet, AssignmentQueueFilterSet, ReviewFilterSet
from evaluation.forms import (
    AssignForm,
    ClarificationForm,
    DeclarationForm,
    FindingForm,
    ObjectionDecisionForm,
    ObjectionForm,
    OpinionForm,
    ReassignForm,
    ReplyForm,
    ReviewForm,
    SignForm,
)
from evaluation.models import Assignment, Decision, Evaluation, Objection
from evaluation.rules import objection_is_timely
from interop.waiting import open_waits_for
from opske.confirm import confirmation_page, confirmed
from opske.errors import ApplicationError
from opske.ids import int_or_none
from opske.pagination import IdsFirstPaginator
from opske.views_util import or_404 as _or_404
from opske.views_util import paginate
from opske.views_util import show_refusal as _fail

PAGE_SIZE = 20
RESULTS_PAGE_SIZE = 50  # results tables (issue 11); the export holds the whole table
MISSING_FINDING = (
    "Συμπληρώστε την κρίση πριν από την υποβολή· όλα τα κριτήρια συμπληρώνονται ακόμη και μετά από "
    "αρνητική κρίση (ΚΥΑ 7066 Άρθ. 7.2Β)."
)


def _page(request, qs):
    # Ids first (opske.pagination): the queue's per-row annotations are computed for its page only.
    return paginate(request, qs, PAGE_SIZE, paginator_class=IdsFirstPaginator)


# --- evaluator ---------------------------------------------------------------------------------


@role_required(Role.EVALUATOR, Role.COMMITTEE_MEMBER, Role.SUPERVISOR)
def queue(request):
    """«Οι αναθέσεις μου»: in priority order (submission sequence), paginated and filtered."""
    filterset = AssignmentFilterSet(
        request.GET or None, queryset=selectors.assignments_for_user_list(request.user)
    )
    qs = filterset.qs if (not filterset.is_bound or filterset.is_valid()) else filterset.queryset.none()
    page, query = _page(request, qs)
    return render(
        request,
        "evaluation/queue.html",
        {"page": page, "assignments": page.object_list, "filter": filterset, "query": query},
    )


@login_required
@require_http_methods(["GET", "POST"])
def declaration(request, pk):
    assignment = _or_404(selectors.assignment_get_for_user, user=request.user, pk=pk)
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.conflict_declaration_sign(
                actor=request.user,
                assignment_id=assignment.pk,
                has_conflict=form.cleaned_data["has_conflict"],
                details=form.cleaned_data["details"],
                confirm=form.cleaned_data["confirm"],
            )
        except ApplicationError as exc:
            _fail(request, form, exc)
        else:
            if form.cleaned_data["has_conflict"]:
                messages.info(request, "Η δήλωση σύγκρουσης καταχωρίστηκε· η αίτηση ανατίθεται σε άλλον.")
                return redirect("evaluation:queue")
            messages.success(request, "Η δήλωση μη σύγκρουσης συμφερόντων υπογράφηκε.")
            if assignment.role == Assignment.Role.SECOND_LEVEL:
                ev = assignment.application.evaluations.filter(level=1).order_by("-pk").first()
                return redirect("evaluation:review", pk=ev.pk) if ev else redirect("evaluation:reviews")
            return redirect("evaluation:workspace", pk=assignment.pk)
    return render(
        request,
        "evaluation/declaration.html",
        {"assignment": assignment, "form": form, "text": services.DECLARATION_TEXT},
    )


def _row(spec, finding, posted=None, error=""):
    """One criterion row; after a refusal it shows what was typed, so nothing is lost."""
    source = posted or {}
    if posted is None and finding is not None:
        source = {"value": finding.value, "score": finding.score, "justification": finding.justification}
    return {
        "spec": spec,
        "finding": finding,
        "error": error,
        "value": source.get("value") or "",
        "score": "" if source.get("score") is None else source.get("score"),
        "justification": source.get("justification") or "",
    }


def _criterion4(application) -> dict | None:
    """Criterion 4's computed checks for a ΚΥΑ 7066 business application: the de minimis
    cumulation (registry + declaration, the rule of every check) and the staff reduction (ΕΡΓΑΝΗ)."""
    if application.call.evaluation_method != Call.EvaluationMethod.FCFS_DIRECT or not application.business_id:
        return None
    from applications.services import de_minimis_cumulation_for
    from evaluation.staff_reduction import staff_reduction_for

    snapshot = application.registry_snapshots.filter(registry="deminimis", status="ok").first()
    de_minimis = None
    if application.call.aid_regime == Call.AidRegime.DE_MINIMIS:
        de_minimis = de_minimis_cumulation_for(
            application,
            registry_data=snapshot.data if snapshot else {},
            amount=application.requested_amount or 0,
        )
    from applications.services import kad_problems_for

    return {
        "de_minimis": de_minimis,
        "staff": staff_reduction_for(application),
        "kad": [p.message for p in kad_problems_for(application)],
    }


def _rows(evaluation, errors=None, posted=None):
    """Every criterion row; `errors` {code: message} puts a refusal at its row (with what was typed)."""
    errors = errors or {}
    findings = {f.criterion_code: f for f in evaluation.findings.all()}
    return [
        _row(
            spec,
            findings.get(spec.code),
            posted=(posted or {}).get(spec.code),
            error=errors.get(spec.code, ""),
        )
        for spec in services.criteria_for(evaluation.application)
    ]


def _render_workspace(request, assignment, evaluation, *, errors=None, posted=None, status=200):
    method = evaluation.application.call.evaluation_method
    stage_a = None
    if method == Call.EvaluationMethod.FCFS_DIRECT:
        from evaluation.methods import method_for

        stage_a = method_for(method).stage_a(evaluation.application)
    rows = _rows(evaluation, errors, posted)
    return render(
        request,
        "evaluation/workspace.html",
        {
            "assignment": assignment,
            "evaluation": evaluation,
            "application": evaluation.application,
            "rows": rows,
            "error_rows": [r for r in rows if r["error"]],
            "stage_a": stage_a,
            "criterion4": _criterion4(evaluation.application),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def workspace(request, pk):
    """Application summary beside the form; the first visit after the declaration opens it."""
    assignment = _or_404(selectors.assignment_get_for_user, user=request.user, pk=pk)
    if assignment.state == Assignment.State.AWAITING_DECLARATION:
        messages.info(request, "Υπογράψτε πρώτα τη δήλωση μη σύγκρουσης συμφερόντων.")
        return redirect("evaluation:declaration", pk=assignment.pk)
    try:
        evaluation = Evaluation.objects.filter(assignment=assignment).first()
        if evaluation is None:
            if request.method != "POST":
                return render(request, "evaluation/open.html", {"assignment": assignment})
            services.evaluation_open(actor=request.user, assignment_id=assignment.pk)
            return redirect("evaluation:workspace", pk=assignment.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:queue")
    evaluation = _or_404(selectors.evaluation_get_for_evaluator, user=request.user, pk=evaluation.pk)
    return _render_workspace(request, assignment, evaluation)


@login_required
@require_POST
def finding_autosave(request, pk, code):
    """htmx autosave of one criterion row; a refusal comes back in the row, nothing is saved."""
    evaluation = _or_404(selectors.evaluation_get_for_evaluator, user=request.user, pk=pk)
    form = FindingForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    error = ""
    try:
        services.finding_save(
            actor=request.user,
            evaluation_id=evaluation.pk,
            criterion_code=code,
            value=data.get("value", ""),
            score=data.get("score") or None,
            justification=data.get("justification", ""),
        )
    except ApplicationError as exc:
        error = exc.message
    evaluation = selectors.evaluation_get_for_evaluator(user=request.user, pk=evaluation.pk)
    spec = next((s for s in services.criteria_for(evaluation.application) if s.code == code), None)
    if spec is None:
        raise Http404("Άγνωστο κριτήριο.")
    finding = next((f for f in evaluation.findings.all() if f.criterion_code == code), None)
    row = _row(spec, finding, posted=data if error else None, error=error)
    status = 422 if error else 200
    if request.headers.get("HX-Request"):
        # The row comes back in place with its error; the summary at the top links to it.
        context = {"row": row, "evaluation": evaluation, "oob_summary": bool(error), "oob_rows": [row]}
        return render(request, "evaluation/_criterion_row.html", context, status=status)
    if error:  # without JavaScript: the whole form, the refusal at its row, what was typed kept
        return _render_workspace(
            request, evaluation.assignment, evaluation, errors={code: error}, posted={code: data}, status=400
        )
    return redirect("evaluation:workspace", pk=evaluation.assignment_id)


@login_required
@require_POST
def evaluation_submit(request, pk):
    evaluation = _or_404(selectors.evaluation_get_for_evaluator, user=request.user, pk=pk)
    if not confirmed(request):
        preview = selectors.evaluation_outcome_preview(evaluation)
        if not preview.complete:
            # Each missing criterion is marked at its row and listed, linked, at the top.
            return _render_workspace(
                request,
                evaluation.assignment,
                evaluation,
                errors=dict.fromkeys(preview.missing, MISSING_FINDING),
                status=400,
            )
        app = evaluation.application
        return confirmation_page(
            request,
            title="Υποβολή αξιολόγησης",
            caption=f"{app.protocol_number} · {app.applicant_label}",
            summary=[
                ("Αποτέλεσμα α' επιπέδου", Evaluation.Result(preview.result).label),
                ("Λόγοι", "\n".join(preview.reasons) or "—"),
            ],
            irreversible="Μετά την υποβολή η φόρμα κλειδώνει: οι κρίσεις και οι αιτιολογήσεις δεν αλλάζουν "
            "και η αίτηση περνά στον έλεγχο β' επιπέδου (ΚΥΑ 7066 Άρθ. 7.1α–β).",
            button="Οριστική υποβολή αξιολόγησης",
            check_label="Επιβεβαιώνω την υποβολή της αξιολόγησης",
            cancel_url=reverse("evaluation:workspace", args=[evaluation.assignment_id]),
        )
    try:
        services.evaluation_submit(
            actor=request.user,
            evaluation_id=evaluation.pk,
            justification=request.POST.get("justification", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:workspace", pk=evaluation.assignment_id)
    messages.success(request, "Η αξιολόγηση υποβλήθηκε για έλεγχο β' επιπέδου.")
    return redirect("evaluation:queue")


# --- the administrator's assignment queue (ΚΥΑ 7066 Art. 7.1α) ------------------------------------


@role_required(Role.PROGRAMME_ADMIN, Role.SUPERVISOR)
def assign_queue(request):
    """«Αναθέσεις αιτήσεων»: submitted applications without an evaluator (or with one, to reassign)."""
    filterset = AssignmentQueueFilterSet(
        request.GET or None, queryset=selectors.applications_for_assignment(request.user)
    )
    qs = filterset.qs if (not filterset.is_bound or filterset.is_valid()) else filterset.queryset.none()
    page, query = _page(request, qs)
    return render(
        request,
        "evaluation/assign_queue.html",
        {"page": page, "applications": page.object_list, "filter": filterset, "query": query},
    )


@role_required(Role.PROGRAMME_ADMIN, Role.SUPERVISOR)
@require_http_methods(["GET", "POST"])
def assign(request, pk):
    """Assign one application (chosen person or the balanced automatic pick) or reassign it."""
    app = _or_404(selectors.application_get_for_assignment, user=request.user, pk=pk)
    candidates = list(services.assignment_candidates(app, Assignment.Role.EVALUATOR))
    action = request.POST.get("action")
    assign_form = AssignForm(request.POST if action == "assign" else None, candidates=candidates)
    reassign_form = ReassignForm(
        request.POST if action == "reassign" else None, candidates=candidates, auto_id="id_re_%s"
    )
    live = (
        Assignment.objects.filter(
            application=app, role=Assignment.Role.EVALUATOR, state__in=Assignment.OPEN_STATES
        )
        .select_related("evaluator")
        .first()
    )
    status = 200
    if request.method == "POST":
        try:
            if action == "auto":
                a = services.assignment_auto(actor=request.user, application_id=app.pk)
                messages.success(request, f"Η αίτηση ανατέθηκε αυτόματα σε: {a.evaluator.get_full_name()}.")
                return redirect("evaluation:assign", pk=app.pk)
            if action == "assign" and assign_form.is_valid():
                a = services.assignment_create(
                    actor=request.user,
                    application_id=app.pk,
                    evaluator_id=assign_form.cleaned_data["evaluator"],
                    role=Assignment.Role.EVALUATOR,
                )
                messages.success(request, f"Η αίτηση ανατέθηκε σε: {a.evaluator.get_full_name()}.")
                return redirect("evaluation:assign", pk=app.pk)
            if action == "reassign" and live is not None and reassign_form.is_valid():
                a = services.assignment_reassign(
                    actor=request.user,
                    assignment_id=live.pk,
                    evaluator_id=reassign_form.cleaned_data["evaluator"],
                    reason=reassign_form.cleaned_data["reason"],
                )
                messages.success(request, f"Η αίτηση ανατέθηκε σε: {a.evaluator.get_full_name()}.")
                return redirect("evaluation:assign", pk=app.pk)
        except ApplicationError as exc:
            form = reassign_form if action == "reassign" else assign_form
            _fail(request, form, exc)
        status = 400
    return render(
        request,
        "evaluation/assign.html",
        {
            "application": app,
            "live": live,
            "candidates": candidates,
            "assign_form": assign_form,
            "reassign_form": reassign_form,
            "history": selectors.assignment_history(app),
        },
        status=status,
    )


# --- second level --------------------------------------------------------------------------------


@role_required(Role.SUPERVISOR, Role.PROGRAMME_ADMIN, Role.AUDITOR)
def reviews(request):
    filterset = ReviewFilterSet(
        request.GET or None, queryset=selectors.evaluations_for_review_list(request.user)
    )
    qs = filterset.qs if (not filterset.is_bound or filterset.is_valid()) else filterset.queryset.none()
    page, query = paginate(request, qs, PAGE_SIZE, paginator_class=IdsFirstPaginator)
    return render(
        request,
        "evaluation/reviews.html",
        {
            "page": page,
            "evaluations": page.object_list,
            "filter": filterset,
            "query": query,
            "decisions": selectors.decisions_latest_for_staff(request.user),
        },
    )


@role_required(Role.SUPERVISOR, Role.PROGRAMME_ADMIN, Role.AUDITOR)
@require_http_methods(["GET", "POST"])
def review(request, pk):
    evaluation = _or_404(selectors.evaluation_get_for_review, user=request.user, pk=pk)
    second = selectors.second_level_assignment(request.user, evaluation.application)
    form = ReviewForm(request.POST or None) if request.POST.get("action") == "review" else ReviewForm()
    clar_form = (
        ClarificationForm(request.POST or None)
        if request.POST.get("action") == "clarify"
        else ClarificationForm()
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "assign_me":
                services.assignment_create(
                    actor=request.user,
                    application_id=evaluation.application_id,
                    evaluator_id=request.user.pk,
                    role=Assignment.Role.SECOND_LEVEL,
                )
                second = selectors.second_level_assignment(request.user, evaluation.application)
                return redirect("evaluation:declaration", pk=second.pk)
            if request.POST.get("action") == "clarify" and clar_form.is_valid():
                services.clarification_request(
                    actor=request.user,
                    evaluation_id=evaluation.pk,
                    question=clar_form.cleaned_data["question"],
                )
                messages.success(request, "Το αίτημα διευκρινίσεων εστάλη στον αιτούντα.")
                return redirect("evaluation:review", pk=evaluation.pk)
            if request.POST.get("action") == "review" and form.is_valid() and not confirmed(request):
                outcome = dict(form.fields["outcome"].choices)[form.cleaned_data["outcome"]]
                return confirmation_page(
                    request,
                    title="Οριστικοποίηση ελέγχου β' επιπέδου",
                    caption=evaluation.application.applicant_label,
                    summary=[
                        ("Αποτέλεσμα α' επιπέδου", evaluation.get_result_display()),
                        ("Κρίση β' επιπέδου", outcome),
                        ("Αιτιολόγηση", form.cleaned_data["reasons"] or "—"),
                    ],
                    irreversible="Το τελικό πόρισμα καταχωρίζεται οριστικά (ΚΥΑ 7066 Άρθ. 7.1β): ακολουθεί "
                    "ο προενταξιακός έλεγχος και η απόφαση έγκρισης ή απόρριψης (Άρθ. 7.3)· "
                    "η κρίση δεν αλλάζει.",
                    button="Οριστική καταχώριση πορίσματος",
                    check_label="Επιβεβαιώνω το τελικό πόρισμα του ελέγχου β' επιπέδου",
                    cancel_url=reverse("evaluation:review", args=[evaluation.pk]),
                )
            if request.POST.get("action") == "review" and form.is_valid():
                services.second_level_review(
                    actor=request.user,
                    evaluation_id=evaluation.pk,
                    outcome=form.cleaned_data["outcome"],
                    reasons=form.cleaned_data["reasons"],
                )
                messages.success(request, "Ο έλεγχος β' επιπέδου οριστικοποιήθηκε.")
                return redirect("evaluation:review", pk=evaluation.pk)
        except ApplicationError as exc:
            _fail(request, form if request.POST.get("action") == "review" else clar_form, exc)
    decision = (
        evaluation.application.decisions.exclude(state=Decision.State.SUPERSEDED).order_by("-pk").first()
    )
    check = evaluation.application.pre_inclusion_checks.first()
    criterion4 = _criterion4(evaluation.application)
    staff = (criterion4 or {}).get("staff")
    if staff and staff.check and not staff.check.ok and not clar_form.is_bound:
        # Art. 4.1.5β: no covering hire in ΕΡΓΑΝΗ → ask for the documents the article allows.
        from evaluation.staff_reduction import documents_request_text

        clar_form = ClarificationForm(initial={"question": documents_request_text(staff.check)})
    return render(
        request,
        "evaluation/review.html",
        {
            "evaluation": evaluation,
            "application": evaluation.application,
            "rows": _rows(evaluation),
            "second": second,
            "form": form,
            "clar_form": clar_form,
            "clarifications": evaluation.clarifications.all(),
            "decision": decision,
            "check": check,
            "check_waits": open_waits_for(check) if check else [],
            "criterion4": criterion4,
        },
    )


@role_required(Role.SUPERVISOR, Role.PROGRAMME_ADMIN, Role.AUDITOR)
@require_http_methods(["GET", "POST"])
def decision_detail(request, pk):
    decision = _or_404(selectors.decision_get_for_staff, user=request.user, pk=pk)
    form = SignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "retry":
                services.decision_request_publication(actor=request.user, decision_id=decision.pk)
                messages.info(request, "Η ανάρτηση στη Διαύγεια ξεκίνησε ξανά.")
            elif request.POST.get("action") == "retry_deminimis":
                services.decision_request_grant_registration(actor=request.user, decision_id=decision.pk)
                messages.info(request, "Η καταχώριση της ενίσχυσης στο ΠΣΣΕΗΣ ζητήθηκε ξανά.")
            elif form.is_valid() and not form.cleaned_data["confirm"]:
                return confirmation_page(
                    request,
                    title="Υπογραφή απόφασης",
                    caption=f"{decision.get_kind_display()} {decision.protocol_number}",
                    summary=[
                        ("Αίτηση", str(decision.application)),
                        ("Θέμα", decision.subject),
                    ],
                    irreversible="Η υπογεγραμμένη απόφαση αναρτάται στη Διαύγεια και κοινοποιείται στον "
                    "αιτούντα· από την αποστολή του e-mail αρχίζουν οι προθεσμίες (ΚΥΑ 7066 Άρθ. 7.3). "
                    "Αλλάζει μόνο με νέα απόφαση.",
                    button="Υπογραφή απόφασης",
                    check_label="Επιβεβαιώνω ότι υπογράφω την απόφαση",
                    cancel_url=reverse("evaluation:decision", args=[decision.pk]),
                )
            elif form.is_valid():
                services.decision_sign(
                    actor=request.user, decision_id=decision.pk, confirm=form.cleaned_data["confirm"]
                )
                messages.success(
                    request, "Η απόφαση υπογράφηκε· ακολουθεί ανάρτηση στη Διαύγεια και κοινοποίηση."
                )
            return redirect("evaluation:decision", pk=decision.pk)
        except ApplicationError as exc:
            _fail(request, form, exc)
    return render(
        request,
        "evaluation/decision.html",
        {
            "decision": decision,
            "form": form,
            "waits": open_waits_for(decision),
            "objection": getattr(decision, "objection", None),
            "inclusion": decision.application.decisions.filter(kind=Decision.Kind.INCLUSION)
            .exclude(state=Decision.State.SUPERSEDED)
            .exclude(pk=decision.pk)
            .first(),
        },
    )


# --- objections (examining body) ----------------------------------------------------------------


@role_required(Role.SUPERVISOR, Role.COMMITTEE_MEMBER, Role.AUDITOR)
def objections(request):
    page, query = _page(request, selectors.objections_for_staff(request.user))
    return render(
        request, "evaluation/objections.html", {"page": page, "objections": page.object_list, "query": query}
    )


@role_required(Role.SUPERVISOR, Role.COMMITTEE_MEMBER, Role.AUDITOR)
@require_http_methods(["GET", "POST"])
def objection_detail(request, pk):
    obj = _or_404(selectors.objection_get_for_staff, user=request.user, pk=pk)
    action = request.POST.get("action")
    opinion_form = OpinionForm(request.POST if action == "opinion" else None)
    decide_form = ObjectionDecisionForm(request.POST if action == "decide" else None)
    if request.method == "POST":
        try:
            if action == "opinion" and opinion_form.is_valid():
                services.objection_give_opinion(
                    actor=request.user, objection_id=obj.pk, **opinion_form.cleaned_data
                )
                messages.success(request, "Η γνωμοδότηση καταχωρίστηκε.")
                return redirect("evaluation:objection", pk=obj.pk)
            if action == "decide" and decide_form.is_valid() and not confirmed(request):
                accepted = decide_form.cleaned_data["accepted"]
                return confirmation_page(
                    request,
                    title="Απόφαση επί της ένστασης",
                    caption=f"{obj.application} · {obj.decision.protocol_number}",
                    summary=[
                        ("Απόφαση", "Η ένσταση γίνεται δεκτή" if accepted else "Η ένσταση απορρίπτεται"),
                        ("Αιτιολόγηση", decide_form.cleaned_data["reasons"]),
                    ],
                    irreversible="Η απόφαση επί της ένστασης κοινοποιείται στον αιτούντα και δεν "
                    "επανεξετάζεται στο ΟΠΣΚΕ (ΚΥΑ 7066 Άρθ. 7.5).",
                    button="Οριστική καταχώριση απόφασης",
                    check_label="Επιβεβαιώνω την απόφαση επί της ένστασης",
                    cancel_url=reverse("evaluation:objection", args=[obj.pk]),
                )
            if action == "decide" and decide_form.is_valid():
                services.objection_decide(actor=request.user, objection_id=obj.pk, **decide_form.cleaned_data)
                messages.success(request, "Η απόφαση επί της ένστασης καταχωρίστηκε και κοινοποιήθηκε.")
                return redirect("evaluation:objection", pk=obj.pk)
        except ApplicationError as exc:
            _fail(request, opinion_form if action == "opinion" else decide_form, exc)
    return render(
        request,
        "evaluation/objection.html",
        {
            "objection": obj,
            "opinion_form": opinion_form,
            "decide_form": decide_form,
            "is_supervisor": selectors.is_supervisor(request.user),
        },
    )


# --- applicant ----------------------------------------------------------------------------------


@login_required
def my_results(request):
    return render(
        request,
        "evaluation/my_results.html",
        {
            "decisions": selectors.decisions_for_applicant(request.user),
            "clarifications": selectors.clarifications_for_applicant(request.user),
        },
    )


def _objection_open(decision: Decision) -> bool:
    return bool(
        decision.objection_deadline
        and decision.state == Decision.State.NOTIFIED
        and objection_is_timely(today=timezone.localdate(), last_day=decision.objection_deadline)
        and not Objection.objects.filter(decision=decision).exists()
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_decision(request, pk):
    decision = _or_404(selectors.decision_get_for_applicant, user=request.user, pk=pk)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST":
        try:
            if form.is_valid() and _objection_open(decision) and not confirmed(request):
                return confirmation_page(
                    request,
                    title="Υποβολή ένστασης",
                    caption=f"{decision.get_kind_display()} {decision.protocol_number}",
                    summary=[("Λόγοι της ένστασης", form.cleaned_data["text"])],
                    irreversible="Η ένσταση υποβάλλεται μία φορά για κάθε απόφαση (ΚΥΑ 7066 Άρθ. 7.5)· "
                    "μετά την υποβολή δεν μπορείτε να υποβάλετε δεύτερη.",
                    button="Οριστική υποβολή ένστασης",
                    check_label="Επιβεβαιώνω την υποβολή της ένστασης",
                    cancel_url=reverse("evaluation:my-decision", args=[decision.pk]),
                )
            if form.is_valid():
                services.objection_file(
                    actor=request.user, decision_id=decision.pk, text=form.cleaned_data["text"]
                )
                messages.success(request, "Η ένστασή σας υποβλήθηκε.")
                return redirect("evaluation:my-decision", pk=decision.pk)
        except ApplicationError as exc:
            _fail(request, form, exc)
    return render(
        request,
        "evaluation/my_decision.html",
        {
            "decision": decision,
            "form": form,
            "can_object": _objection_open(decision),
            "objection": Objection.objects.filter(decision=decision).first(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_clarification(request, pk):
    cr = _or_404(selectors.clarification_get_for_applicant, user=request.user, pk=pk)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.clarification_reply(
                actor=request.user, clarification_id=cr.pk, reply=form.cleaned_data["reply"]
            )
        except ApplicationError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, "Η απάντησή σας καταχωρίστηκε.")
            return redirect("evaluation:my-results")
    return render(request, "evaluation/my_clarification.html", {"clarification": cr, "form": form})


# --- results tables ------------------------------------------------------------------------------
# The files are recorded first and rendered by the worker (`opske.tasks.render_document`); the page
# polls the document with htmx until it is ready and then offers the download.


def _call_or_404(code) -> Call:
    call = Call.objects.filter(code=code).exclude(status=Call.Status.DRAFT).first()
    if call is None:
        raise Http404("Η πρόσκληση δεν βρέθηκε.")
    return call


def _export_or_404(request, call, pk, *, public: bool):
    """A results file of this call's round, of the list the user may see (public or internal)."""
    from django.contrib.contenttypes.models import ContentType

    from evaluation.models import EvaluationRound
    from opske.models import GeneratedDocument

    if not public and not selectors.is_staff_reader(request.user):
        raise Http404("Το αρχείο δεν βρέθηκε.")
    rnd = EvaluationRound.objects.filter(call=call).first()
    if rnd is None:
        raise Http404("Το αρχείο δεν βρέθηκε.")
    document = GeneratedDocument.objects.filter(
        pk=pk,
        content_type=ContentType.objects.get_for_model(EvaluationRound),
        object_id=str(rnd.pk),
        kind__in=[exports.document_kind(f, public=public) for f in exports.FORMATS],
    ).first()
    if document is None:
        raise Http404("Το αρχείο δεν βρέθηκε.")
    return document


def _results_page(request, code, *, public: bool):
    call = _call_or_404(code)
    fmt = request.POST.get("format") if request.method == "POST" else request.GET.get("format")
    if fmt:
        try:
            document = services.results_export_request(actor=request.user, call=call, fmt=fmt, public=public)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            name = "evaluation:results-public" if public else "evaluation:results"
            return redirect(f"{reverse(name, args=[call.code])}?export={document.pk}")
    export = None
    if (export_id := int_or_none(request.GET.get("export", ""))) is not None:
        try:
            export = _export_or_404(request, call, export_id, public=public)
        except Http404:
            export = None
    # A page of the table (the whole of it is the PDF/XLSX export); the order, hence the «Σειρά»
    # column, is the table's own on every page.
    standing = selectors.standing_decisions(call, public=public)
    page, query = paginate(request, standing, RESULTS_PAGE_SIZE, paginator_class=IdsFirstPaginator)
    rows = selectors.result_rows(call, public=public, decisions=page.object_list)
    return render(
        request,
        "evaluation/results.html",
        {
            "call": call,
            "rows": rows,
            "page": page,
            "query": query,
            "public": public,
            "export": export,
            "formats": exports.FORMATS,
        },
    )


@role_required(Role.SUPERVISOR, Role.PROGRAMME_ADMIN, Role.AUDITOR)
@require_http_methods(["GET", "POST"])
def results(request, code):
    return _results_page(request, code, public=False)


@require_http_methods(["GET", "POST"])
def results_public(request, code):
    """ΚΥΑ 7066 Art. 7.6: approved recipients only — code, title, amount."""
    return _results_page(request, code, public=True)


def results_export_status(request, code, pk):
    """htmx partial: polls while the worker renders, then shows the download link."""
    call = _call_or_404(code)
    public = request.GET.get("public") == "1"
    export = _export_or_404(request, call, pk, public=public)
    return render(
        request, "evaluation/_export_status.html", {"call": call, "export": export, "public": public}
    )


def results_export_download(request, code, pk):
    call = _call_or_404(code)
    public = request.GET.get("public") == "1"
    document = _export_or_404(request, call, pk, public=public)
    from opske.models import GeneratedDocument
    from opske.pdf import document_file_type

    if document.state != GeneratedDocument.State.READY:
        raise Http404("Το αρχείο δεν είναι ακόμη έτοιμο.")
    file_type = document_file_type(document)
    response = FileResponse(
        document.file.open("rb"),
        content_type=file_type.content_type,
        as_attachment=True,
        filename=f"results-{call.code}-{'public' if public else 'internal'}.{file_type.extension}",
    )
    response["X-Content-SHA256"] = document.sha256
    return response
