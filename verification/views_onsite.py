"""Browser pages of the on-the-spot area (Guidance Ο.3 §4.4; ΔΙΙ_7, ΔΙΙ_8).

Thin views: they read through `selectors_onsite`, write through `services.onsite`, and show every
refusal as the service's Greek message at its field, with what was typed kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from opske.confirm import confirmation_page, confirmed
from opske.errors import ApplicationError
from opske.money import format_eur
from opske.views_util import or_404 as _or_404
from opske.views_util import paginate
from opske.views_util import show_refusal as _fail
from verification import selectors_onsite as sel
from verification import services
from verification.filters_onsite import OnSiteSampleFilterSet, OnSiteVisitFilterSet
from verification.forms_onsite import (
    CommentsForm,
    ConclusionForm,
    DrawScopeForm,
    FindingForm,
    PlanForm,
    ReasonForm,
    ReliabilityForm,
    ReplaceForm,
    VisitForm,
)
from verification.models import OnSiteSample, ReliabilityRating
from verification.rules import onsite as rules

PAGE_SIZE = 20
READ = sel.STAFF_READ
WRITE = sel.STAFF_WRITE


def _page(request, qs):
    return paginate(request, qs, PAGE_SIZE)


def _filtered(filterset):
    return filterset.qs if (not filterset.is_bound or filterset.is_valid()) else filterset.queryset.none()


def _risk_page_url() -> str:
    """The risk area's page, where the semi-annual run that stratifies population B is made."""
    return reverse("verification:risk_index")


# --- index and reliability rating -----------------------------------------------------------------


@role_required(*READ)
def index(request):
    """«Επιτόπιες επαληθεύσεις»: the semesters' samples (filtered, paginated) and the ΕΕΕ rating."""
    filterset = OnSiteSampleFilterSet(request.GET or None, queryset=sel.samples_for_staff(request.user))
    page, query = _page(request, _filtered(filterset))
    return render(
        request,
        "verification/onsite/index.html",
        {
            "page": page,
            "samples": page.object_list,
            "filter": filterset,
            "query": query,
            "rating": sel.reliability_for(None),
            "can_write": sel.is_onsite_writer(request.user),
        },
    )


@role_required(*READ)
@require_http_methods(["GET", "POST"])
def reliability(request):
    form = ReliabilityForm(request.POST or None)
    if request.method == "POST":
        if not sel.is_onsite_writer(request.user):
            raise_403()
        if form.is_valid():
            d = form.cleaned_data
            try:
                r = services.reliability_rating_record(
                    actor=request.user,
                    programme=d["programme"],
                    rating=d["rating"],
                    year=d["year"],
                    report_reference=d["report_reference"],
                )
            except ApplicationError as exc:
                _fail(request, form, exc)
            else:
                messages.success(request, f"Καταχωρίστηκε: ΕΕΕ {r.year} — «{r.get_rating_display()}».")
                return redirect("verification:onsite-reliability")
    page, query = _page(request, ReliabilityRating.objects.select_related("programme", "entered_by"))
    return render(
        request,
        "verification/onsite/reliability.html",
        {
            "form": form,
            "page": page,
            "ratings": page.object_list,
            "query": query,
            "can_write": sel.is_onsite_writer(request.user),
            "table": [(rules.RELIABILITY_LABELS[k], v[0], v[1]) for k, v in rules.RELIABILITY_TABLE.items()],
        },
        status=400 if form.errors else 200,
    )


def raise_403():
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied("Μόνο ανάγνωση.")


# --- drawing the semester's sample ----------------------------------------------------------------


def _parse_choices(post, ids):
    exclusions, mandatory, notes, judgmental, no_exec = {}, {}, {}, [], []
    for op_id in ids:
        choice = post.get(f"choice_{op_id}", "")
        if choice.startswith("x:"):
            exclusions[op_id] = choice[2:]
        elif choice.startswith("m:"):
            mandatory[op_id] = choice[2:]
        note = post.get(f"note_{op_id}", "").strip()
        if note:
            notes[op_id] = note
        if post.get(f"judge_{op_id}"):
            judgmental.append(op_id)
        if post.get(f"noexec_{op_id}"):
            no_exec.append(op_id)
    return exclusions, mandatory, notes, judgmental, no_exec


@role_required(*WRITE)
@require_http_methods(["GET", "POST"])
def draw(request):
    """Step 1 chooses programme, body and semester (GET); step 2 lists population A with the
    staff's exclusions and mandatory picks, then the confirmation (the draw is irreversible)."""
    programmes = sel.programmes_with_operations()
    data = request.POST if request.method == "POST" else (request.GET if "programme" in request.GET else None)
    scope = DrawScopeForm(data, programmes=programmes)
    ctx = {"scope": scope, "programmes": programmes, "risk_url": _risk_page_url()}
    if not scope.is_bound or not scope.is_valid():
        return render(request, "verification/onsite/draw.html", ctx, status=400 if scope.errors else 200)
    programme, body, semester = (scope.cleaned_data[k] for k in ("programme", "management_body", "semester"))
    pop = sel.onsite_population(programme=programme, management_body=body, semester=semester)
    existing = OnSiteSample.objects.filter(
        programme=programme, management_body=body, semester=semester
    ).first()
    visited = sel.previous_semester_visited([c.operation_id for c in pop.candidates], semester)
    post = request.POST if request.method == "POST" else {}
    rows = [
        {
            "c": c,
            "title": pop.labels.get(c.operation_id, ""),
            "choice": post.get(f"choice_{c.operation_id}", ""),
            "note": post.get(f"note_{c.operation_id}", ""),
            "judge": bool(post.get(f"judge_{c.operation_id}")),
            "visited": c.operation_id in visited,
        }
        for c in pop.candidates
    ]
    noexec_rows = [
        {
            "c": c,
            "title": pop.labels.get(c.operation_id, ""),
            "checked": bool(post.get(f"noexec_{c.operation_id}"))
            if post
            else c.operation_id in pop.short_ids,
        }
        for c in pop.no_execution
    ]
    rating = sel.reliability_for(programme)
    mins = rules.sample_minimums(
        population_count=len(pop.candidates),
        population_expenditure=sum((c.expenditure for c in pop.candidates), rules.ZERO),
        reliability=rating.rating if rating else None,
    )
    ctx.update(
        {
            "programme": programme,
            "body": body,
            "semester": semester,
            "semester_label": rules.semester_label(semester),
            "run": pop.run,
            "rows": rows,
            "noexec_rows": noexec_rows,
            "rating": rating,
            "minimums": mins,
            "existing": existing,
            "exclusion_reasons": rules.EXCLUSION_REASONS,
            "mandatory_reasons": rules.MANDATORY_REASONS,
            "errors": {},
            "strata": rules.STRATUM_LABELS,
        }
    )
    if request.method != "POST" or existing is not None:
        return render(request, "verification/onsite/draw.html", ctx)
    ids = [c.operation_id for c in pop.candidates] + [c.operation_id for c in pop.no_execution]
    exclusions, mandatory, notes, judgmental, no_exec = _parse_choices(request.POST, ids)
    if not confirmed(request):
        # Check everything first, with a throwaway seed, so the confirmation never hides a refusal.
        pre = rules.draw_sample(
            candidates=pop.candidates,
            reliability=rating.rating if rating else None,
            seed=0,
            exclusions=exclusions,
            mandatory=mandatory,
            judgmental=judgmental,
            no_execution=[c for c in pop.no_execution if c.operation_id in set(no_exec)],
        )
        missing_note = [op for op in [*exclusions, *mandatory] if not notes.get(op)]
        errors = dict(pre.problems)
        if missing_note:
            errors.setdefault("notes", []).append(
                "Κάθε εξαίρεση και υποχρεωτική επιλογή χρειάζεται αιτιολόγηση."
            )
        if errors:
            ctx["errors"] = errors
            return render(request, "verification/onsite/draw.html", ctx, status=400)
        return confirmation_page(
            request,
            title="Κλήρωση δείγματος επιτόπιων επαληθεύσεων",
            caption=f"{programme} · {semester}",
            summary=[
                ("Εξάμηνο", rules.semester_label(semester)),
                ("Επίπεδο αξιοπιστίας", mins.explanation),
                (
                    "Πληθυσμός Α",
                    f"{len(pre.population_a)} πράξεις · {format_eur(mins.population_expenditure)}",
                ),
                ("Εξαιρέσεις", str(len(exclusions))),
                ("Υποχρεωτικές επιλογές", str(len(mandatory))),
                (
                    "Χωρίς εκτελεσμένο οικονομικό αντικείμενο (§4.4.8)",
                    f"{len(no_exec)} → τυχαία τουλάχιστον 10%",
                ),
                (
                    "Εκτίμηση κινδύνου",
                    f"#{pop.run.pk} της {pop.run.as_of:%d/%m/%Y}"
                    if pop.run
                    else "Δεν υπάρχει εξαμηνιαία εκτίμηση: οι πράξεις κληρώνονται ως «δεν έχουν εκτιμηθεί ακόμη»",  # noqa: E501
                ),
            ],
            irreversible="Η κλήρωση γίνεται μία φορά για το εξάμηνο, το πρόγραμμα και τον φορέα: ο σπόρος, οι πληθυσμοί "  # noqa: E501
            "και οι επιλογές αποθηκεύονται και δεν αλλάζουν· μόνο αντικαταστάσεις με αιτιολογία (Ο.3 §4.4.6).",  # noqa: E501
            button="Κλήρωση δείγματος",
            check_label="Επιβεβαιώνω την κλήρωση του δείγματος",
            cancel_url=reverse("verification:onsite-draw") + f"?programme={programme.pk}&semester={semester}",
        )
    try:
        sample = services.onsite_sample_draw(
            actor=request.user,
            programme=programme,
            management_body=body,
            semester=semester,
            exclusions=exclusions,
            mandatory=mandatory,
            notes=notes,
            judgmental=judgmental,
            no_execution=no_exec,
        )
    except ApplicationError as exc:
        ctx["errors"] = exc.fields or {"__all__": [exc.message]}
        return render(request, "verification/onsite/draw.html", ctx, status=400)
    messages.success(request, f"Το δείγμα του εξαμήνου {sample.semester} κληρώθηκε (σπόρος {sample.seed}).")
    return redirect("verification:onsite-sample", pk=sample.pk)


# --- the sample, its plan ---------------------------------------------------------------------------


@role_required(*READ)
def sample_detail(request, pk):
    sample = _or_404(sel.sample_get_for_staff, user=request.user, pk=pk)
    selections = list(
        sample.selections.select_related("operation", "replaced_by__operation").prefetch_related("visits")
    )
    active = [s for s in selections if s.active]
    return render(
        request,
        "verification/onsite/sample.html",
        {
            "sample": sample,
            "active": active,
            "replaced": [s for s in selections if not s.active],
            "can_write": sel.is_onsite_writer(request.user),
            "is_supervisor": request.user.has_role(Role.SUPERVISOR),
            "strata": rules.STRATUM_LABELS,
            "exclusion_reasons": rules.EXCLUSION_REASONS,
            "semester_label": rules.semester_label(sample.semester),
            "covered": sum((s.expenditure for s in active if s.reason != rules.MANDATORY), rules.ZERO),
            "planned_all": all(s.is_planned for s in active),
            "reproduces": sel.sample_reproduces(sample),
            "return_form": ReasonForm(),
        },
    )


@role_required(*WRITE)
@require_http_methods(["GET", "POST"])
def plan(request, pk):
    s = _or_404(sel.selection_get_for_staff, user=request.user, pk=pk)
    initial = {
        "planned_from": s.planned_from,
        "planned_to": s.planned_to,
        "planned_object": s.planned_object,
        "team": s.team,
    }
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.onsite_plan_record(actor=request.user, selection=s, **form.cleaned_data)
        except ApplicationError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, f"Καταχωρίστηκε ο προγραμματισμός της πράξης {s.operation}.")
            return redirect("verification:onsite-sample", pk=s.sample_id)
    return render(
        request,
        "verification/onsite/plan.html",
        {"selection": s, "form": form},
        status=400 if form.errors else 200,
    )


@role_required(*WRITE)
@require_http_methods(["GET", "POST"])
def replace(request, pk):
    s = _or_404(sel.selection_get_for_staff, user=request.user, pk=pk)
    in_sample = set(s.sample.selections.filter(active=True).values_list("operation_id", flat=True))
    options = [
        (r["operation"], f"{r['code']} · {format_eur(r['expenditure'])}")
        for r in s.sample.population_b.get(s.stratum, [])
        if r["operation"] not in in_sample
    ]
    form = ReplaceForm(request.POST or None, options=options)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            new = services.onsite_selection_replace(
                actor=request.user,
                selection=s,
                replacement_operation_id=d["replacement"],
                reason=d["reason"],
                note=d["note"],
            )
        except ApplicationError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, f"Η πράξη {s.operation} αντικαταστάθηκε από την {new.operation}.")
            return redirect("verification:onsite-sample", pk=s.sample_id)
    return render(
        request,
        "verification/onsite/replace.html",
        {"selection": s, "form": form, "strata": rules.STRATUM_LABELS},
        status=400 if form.errors else 200,
    )


@role_required(*WRITE)
@require_POST
def plan_submit(request, pk):
    sample = _or_404(sel.sample_get_for_staff, user=request.user, pk=pk)
    try:
        services.onsite_plan_submit(actor=request.user, sample=sample)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Το πρόγραμμα (Έντυπο Ε.ΙΙ_7_1) υποβλήθηκε για έγκριση.")
    return redirect("verification:onsite-sample", pk=sample.pk)


@role_required(Role.SUPERVISOR)
@require_POST
def plan_decide(request, pk):
    sample = _or_404(sel.sample_get_for_staff, user=request.user, pk=pk)
    approve = request.POST.get("action") != "return"
    if approve and not confirmed(request):
        return confirmation_page(
            request,
            title="Έγκριση προγράμματος επιτόπιων επαληθεύσεων",
            caption=f"{sample.programme} · {sample.semester}",
            summary=[("Πράξεις", str(sample.selections.filter(active=True).count()))],
            irreversible="Μετά την έγκριση το δείγμα και ο προγραμματισμός δεν αλλάζουν.",
            button="Έγκριση προγράμματος",
            check_label="Επιβεβαιώνω την έγκριση του προγράμματος",
            cancel_url=reverse("verification:onsite-sample", args=[sample.pk]),
        )
    try:
        services.onsite_plan_approve(
            actor=request.user, sample=sample, approve=approve, reason=request.POST.get("reason", "")
        )
    except ApplicationError as exc:
        messages.error(request, "; ".join(m for ms in exc.fields.values() for m in ms) or exc.message)
    else:
        messages.success(
            request, "Το πρόγραμμα εγκρίθηκε." if approve else "Το πρόγραμμα επιστράφηκε για διόρθωση."
        )
    return redirect("verification:onsite-sample", pk=sample.pk)


# --- visits ------------------------------------------------------------------------------------------


@login_required
def visits(request):
    filterset = OnSiteVisitFilterSet(request.GET or None, queryset=sel.visits_for_user(request.user))
    page, query = _page(request, _filtered(filterset))
    return render(
        request,
        "verification/onsite/visits.html",
        {
            "page": page,
            "visits": page.object_list,
            "filter": filterset,
            "query": query,
            "is_staff": sel.is_onsite_reader(request.user),
        },
    )


@role_required(*WRITE)
@require_http_methods(["GET", "POST"])
def visit_new(request):
    selection = operation = None
    if request.GET.get("selection"):
        selection = _or_404(sel.selection_get_for_staff, user=request.user, pk=request.GET["selection"])
        operation = selection.operation
    elif request.GET.get("operation"):
        operation = _or_404(
            sel.operation_get_for_onsite_staff, user=request.user, pk=request.GET["operation"]
        )
    if operation is None:
        raise Http404("Επιλέξτε πράξη του προγράμματος επιτόπιων επαληθεύσεων.")
    initial = {
        "semester": selection.sample.semester if selection else rules.semester_of(sel.today()),
        "started_on": selection.planned_from if selection else None,
        "ended_on": selection.planned_to if selection else None,
        "object_text": selection.planned_object if selection else "",
    }
    form = VisitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            visit = services.onsite_visit_record(
                actor=request.user,
                operation=operation,
                selection=selection,
                semester=d["semester"],
                started_on=d["started_on"],
                ended_on=d["ended_on"],
                object_text=d["object_text"],
                amount_checked=d["amount_checked"],
                performer=d["performer"],
            )
        except ApplicationError as exc:
            exc.fields = {("object_text" if k == "object" else k): v for k, v in exc.fields.items()}
            _fail(request, form, exc)
        else:
            messages.success(request, f"Η επιτόπια επαλήθευση καταχωρίστηκε με α/α ελέγχου {visit.serial}.")
            return redirect("verification:onsite-visit", pk=visit.pk)
    return render(
        request,
        "verification/onsite/visit_new.html",
        {"form": form, "operation": operation, "selection": selection},
        status=400 if form.errors else 200,
    )


def _visit_context(request, visit, **forms):
    user = request.user
    can_write = sel.is_onsite_writer(user)
    return {
        "visit": visit,
        "findings": visit.findings.select_related("correction"),
        "can_write": can_write,
        "is_staff": sel.is_onsite_reader(user),
        "is_supervisor": user.has_role(Role.SUPERVISOR),
        "is_beneficiary": sel.is_beneficiary_of(user, visit.operation),
        "finding_form": forms.get("finding_form") or FindingForm(),
        "provisional_form": forms.get("provisional_form") or ConclusionForm(),
        "final_form": forms.get("final_form") or ConclusionForm(initial={"conclusion": visit.conclusion}),
        "comments_form": forms.get("comments_form") or CommentsForm(),
        "return_form": forms.get("return_form") or ReasonForm(),
        "semester_label": rules.semester_label(visit.semester),
        "today": sel.today(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def visit_detail(request, pk):
    visit = _or_404(sel.visit_get_for_user, user=request.user, pk=pk)
    if request.method == "GET":
        return render(request, "verification/onsite/visit.html", _visit_context(request, visit))
    action = request.POST.get("action", "")
    staff_actions = {"finding", "provisional", "final"}
    if action in staff_actions and not sel.is_onsite_writer(request.user):
        raise_403()
    if action in {"approve", "return"} and not request.user.has_role(Role.SUPERVISOR):
        raise_403()
    if action == "comments" and not sel.is_beneficiary_of(request.user, visit.operation):
        raise_403()
    if action == "finding":
        form = FindingForm(request.POST)
        if form.is_valid():
            try:
                services.onsite_finding_record(actor=request.user, visit=visit, **form.cleaned_data)
            except ApplicationError as exc:
                _fail(request, form, exc)
            else:
                messages.success(request, "Το εύρημα καταχωρίστηκε.")
                return redirect("verification:onsite-visit", pk=visit.pk)
        return render(
            request,
            "verification/onsite/visit.html",
            _visit_context(request, visit, finding_form=form),
            status=400,
        )
    if action in {"provisional", "final"}:
        form = ConclusionForm(request.POST)
        key = f"{action}_form"
        if form.is_valid() and not confirmed(request):
            return confirmation_page(
                request,
                title="Έκδοση προσωρινής έκθεσης" if action == "provisional" else "Υποβολή οριστικής έκθεσης",
                caption=visit.serial,
                summary=[("Συμπέρασμα", form.cleaned_data["conclusion"])],
                irreversible=(
                    f"Η προσωρινή έκθεση (PDF) κοινοποιείται στον δικαιούχο, που έχει {rules.COMMENTS_WINDOW_DAYS} "  # noqa: E501
                    "ημέρες για σχόλια."
                    if action == "provisional"
                    else "Η οριστική έκθεση πηγαίνει για έγκριση στον προϊστάμενο· ευρήματα δεν προστίθενται πια."  # noqa: E501
                ),
                button="Έκδοση" if action == "provisional" else "Υποβολή για έγκριση",
                check_label="Επιβεβαιώνω",
                cancel_url=reverse("verification:onsite-visit", args=[visit.pk]),
            )
        if form.is_valid():
            fn = (
                services.onsite_provisional_issue if action == "provisional" else services.onsite_final_submit
            )
            try:
                fn(actor=request.user, visit=visit, conclusion=form.cleaned_data["conclusion"])
            except ApplicationError as exc:
                _fail(request, form, exc)
            else:
                messages.success(
                    request,
                    "Η προσωρινή έκθεση εκδόθηκε."
                    if action == "provisional"
                    else "Η οριστική έκθεση υποβλήθηκε για έγκριση.",
                )
                return redirect("verification:onsite-visit", pk=visit.pk)
        return render(
            request,
            "verification/onsite/visit.html",
            _visit_context(request, visit, **{key: form}),
            status=400,
        )
    if action == "comments":
        form = CommentsForm(request.POST)
        if form.is_valid():
            try:
                services.onsite_comments_submit(
                    actor=request.user, visit=visit, text=form.cleaned_data["text"]
                )
            except ApplicationError as exc:
                _fail(request, form, exc)
            else:
                messages.success(request, "Τα σχόλιά σας υποβλήθηκαν.")
                return redirect("verification:onsite-visit", pk=visit.pk)
        return render(
            request,
            "verification/onsite/visit.html",
            _visit_context(request, visit, comments_form=form),
            status=400,
        )
    if action == "approve":
        if not confirmed(request):
            return confirmation_page(
                request,
                title="Έγκριση οριστικής έκθεσης",
                caption=visit.serial,
                summary=[("Πράξη", str(visit.operation)), ("Συμπέρασμα", visit.conclusion)],
                irreversible="Η εγκεκριμένη οριστική έκθεση (PDF) κοινοποιείται στον δικαιούχο και δεν αλλάζει.",  # noqa: E501
                button="Έγκριση οριστικής έκθεσης",
                check_label="Επιβεβαιώνω την έγκριση",
                cancel_url=reverse("verification:onsite-visit", args=[visit.pk]),
            )
        try:
            services.onsite_final_approve(actor=request.user, visit=visit)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Η οριστική έκθεση εγκρίθηκε.")
        return redirect("verification:onsite-visit", pk=visit.pk)
    if action == "return":
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                services.onsite_final_return(
                    actor=request.user, visit=visit, reason=form.cleaned_data["reason"]
                )
            except ApplicationError as exc:
                _fail(request, form, exc)
            else:
                messages.success(request, "Η οριστική έκθεση επιστράφηκε.")
                return redirect("verification:onsite-visit", pk=visit.pk)
        return render(
            request,
            "verification/onsite/visit.html",
            _visit_context(request, visit, return_form=form),
            status=400,
        )
    messages.error(request, "Άγνωστη ενέργεια.")
    return redirect("verification:onsite-visit", pk=visit.pk)
