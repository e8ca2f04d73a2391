"""The risk pages (Guidance Ο.3 §4.2, §4.3.1.A): strata per Programme and body with the run
history, a run on demand, each operation's factors explained, staff-entered factors, and the
declarations «προς επαλήθευση» with the rule that selected them."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.permissions import role_required
from calls.models import Programme
from opske.confirm import confirmation_page, confirmed
from opske.errors import ApplicationError
from opske.views_util import or_404 as _or_404
from opske.views_util import paginate
from verification import selection
from verification import selectors_risk as sel
from verification.filters_risk import DeskCheckFilterSet, RiskRunFilterSet, RiskScoreFilterSet
from verification.forms_risk import RiskFactorInputForm, RiskRunForm, StaffSelectionForm
from verification.models import RiskRun
from verification.rules import risk as rules
from verification.services import risk as services

PAGE_SIZE = 25


def _page(request, qs):
    return paginate(request, qs, PAGE_SIZE)


def _filtered(filterset):
    return filterset.qs if (not filterset.is_bound or filterset.is_valid()) else filterset.queryset.none()


def _fail(form, exc: ApplicationError):
    placed = False
    for field, msgs in exc.fields.items():
        if field in form.fields:
            for m in msgs:
                form.add_error(field, m)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


@role_required(*sel.READ_ROLES)
def index(request):
    """Per Programme and management body: the latest monthly and six-monthly run's strata."""
    page, query = _page(request, sel.populations_with_latest(request.user))
    return render(
        request,
        "verification/risk/index.html",
        {"populations": page.object_list, "page": page, "query": query, "can_act": sel.can_act(request.user),
         "run_form": RiskRunForm()},
    )  # fmt: skip


@role_required(*sel.WRITE_ROLES)
@require_http_methods(["POST"])
def run_now(request):
    """Run the assessment now for one Programme and body, after a confirmation page."""
    form = RiskRunForm(request.POST)
    try:
        programme = Programme.objects.get(pk=int(request.POST.get("programme", "")))
    except (Programme.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Δεν βρέθηκε το πρόγραμμα.") from exc
    body = request.POST.get("body", "")
    if not form.is_valid():
        messages.error(request, "Επιλέξτε είδος εκτίμησης.")
        return redirect("verification:risk_index")
    kind = form.cleaned_data["kind"]
    if not confirmed(request):
        count = services.population(programme_id=programme.pk, management_body=body).count()
        return confirmation_page(
            request,
            title="Εκτέλεση εκτίμησης κινδύνου",
            caption=f"{programme.title}",
            summary=[
                ("Φορέας διαχείρισης", body or "—"),
                ("Είδος", dict(RiskRun.Kind.choices)[kind]),
                ("Πράξεις", str(count)),
                ("Έκδοση μεθοδολογίας", services.current_parameters().version),
            ],
            irreversible=(
                "Η εκτίμηση καταγράφεται στο ιστορικό και δεν διαγράφεται· οι νέες επιλογές ΔΔΔ για "
                "διοικητική επαλήθευση θα διαβάζουν τα στρώματά της (Οδηγία Ο.3 §4.2.2, §4.3.1)."
            ),
            button="Εκτέλεση εκτίμησης",
            check_label="Επιβεβαιώνω την εκτέλεση της εκτίμησης κινδύνου",
            cancel_url=reverse("verification:risk_index"),
        )
    run = services.risk_run_execute(actor=request.user, programme=programme, management_body=body, kind=kind)
    messages.success(
        request,
        f"Η εκτίμηση κινδύνου ολοκληρώθηκε: {run.operations_count} πράξεις σε τρία στρώματα "
        f"(α/α εκτίμησης {run.pk}).",
    )
    return redirect("verification:risk_run", pk=run.pk)


@role_required(*sel.READ_ROLES)
def run_detail(request, pk):
    run = _or_404(sel.run_get, request.user, pk=pk)
    filterset = RiskScoreFilterSet(request.GET or None, queryset=sel.run_scores(run))
    page, query = _page(request, _filtered(filterset))
    history = sel.runs_history(request.user, programme_id=run.programme_id, body=run.management_body)[:10]
    labels = (
        (rules.HIGH, "Υψηλός κίνδυνος"),
        (rules.MEDIUM, "Μεσαίος κίνδυνος"),
        (rules.LOW, "Χαμηλός κίνδυνος"),
    )
    strata = [(key, label, (run.strata or {}).get(key) or {"count": 0}) for key, label in labels]
    return render(
        request,
        "verification/risk/run.html",
        {"run": run, "strata": strata, "page": page, "scores": page.object_list, "filter": filterset,
         "query": query, "history": history, "can_act": sel.can_act(request.user)},
    )  # fmt: skip


@role_required(*sel.READ_ROLES)
def history(request):
    try:
        programme = Programme.objects.get(pk=int(request.GET.get("programme", "")))
    except (Programme.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Δεν βρέθηκε το πρόγραμμα.") from exc
    body = request.GET.get("body", "")
    filterset = RiskRunFilterSet(
        request.GET or None, queryset=sel.runs_history(request.user, programme_id=programme.pk, body=body)
    )
    page, query = _page(request, _filtered(filterset))
    return render(
        request,
        "verification/risk/history.html",
        {"programme": programme, "body": body, "page": page, "runs": page.object_list, "filter": filterset,
         "query": query},
    )  # fmt: skip


@role_required(*sel.READ_ROLES)
def explain(request, pk):
    """Each factor's value, grade and the data it came from, for the operation's latest score
    (or the run given with ?run=)."""
    operation = _or_404(sel.operation_get, request.user, pk=pk)
    try:
        run_id = int(request.GET["run"]) if request.GET.get("run") else None
    except ValueError:
        run_id = None
    score = sel.score_for(operation, run_id=run_id)
    factors = services.explain(score) if score else []
    scores = operation.risk_scores.select_related("run").order_by("-run__as_of", "-run_id")[:12]
    return render(
        request,
        "verification/risk/explain.html",
        {"operation": operation, "score": score, "factors": factors, "scores": scores,
         "can_act": sel.can_act(request.user),
         "parameters": rules.RiskParameters.from_dict(score.run.parameters) if score else None},
    )  # fmt: skip


@role_required(*sel.WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def factor_input(request, pk):
    """Staff enter a factor the portal cannot compute (e.g. 6), for the beneficiary or the operation."""
    operation = _or_404(sel.operation_get, request.user, pk=pk)
    form = RiskFactorInputForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subject = (
            {"business": operation.business}
            if data["subject"] == "business" and operation.business_id
            else {"operation": operation}
        )
        try:
            services.risk_factor_input_record(
                actor=request.user, factor=data["factor"], value=data["value"], grade=data["grade"],
                note=data["note"], **subject,
            )  # fmt: skip
        except ApplicationError as exc:
            _fail(form, exc)
        else:
            messages.success(
                request,
                f"Ο παράγοντας {data['factor']} καταχωρίστηκε (βαθμός {data['grade']}) και μετρά από την "
                "επόμενη εκτίμηση κινδύνου.",
            )
            return redirect("verification:risk_explain", pk=operation.pk)
    return render(request, "verification/risk/factor_input.html", {"operation": operation, "form": form})


@role_required(*sel.READ_ROLES)
def desk_checks(request):
    """The ΔΔΔ «προς επαλήθευση» (§4.3.1 box) with the rule that selected each, and the others."""
    data = request.GET.copy()
    if "selected" not in data:
        data["selected"] = "yes"
    filterset = DeskCheckFilterSet(data, queryset=sel.requests_for_desk_check(request.user))
    page, query = _page(request, _filtered(filterset))
    rows = [(r, selection.selection_labels(r.selection_rule)) for r in page.object_list]
    return render(
        request,
        "verification/risk/desk_checks.html",
        {
            "page": page,
            "rows": rows,
            "filter": filterset,
            "query": query,
            "can_act": sel.can_act(request.user),
        },
    )


@role_required(*sel.WRITE_ROLES)
@require_http_methods(["GET", "POST"])
def select_request(request, pk):
    """Add a ΔΔΔ to the desk checks with a recorded reason (§4.3.1.A)."""
    req = _or_404(sel.request_get, request.user, pk=pk)
    form = StaffSelectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            selection.request_flag_by_staff(actor=request.user, request=req, **form.cleaned_data)
        except ApplicationError as exc:
            _fail(form, exc)
        else:
            messages.success(
                request, f"Το ΔΔΔ {req.seq} της πράξης {req.operation.code} είναι «προς επαλήθευση»."
            )
            return redirect(reverse("verification:risk_desk_checks") + "?selected=yes")
    stratum, score = selection.stratum_for(req.operation)
    return render(
        request,
        "verification/risk/select_request.html",
        {"req": req, "form": form, "stratum": req.stratum_at_selection or stratum, "score": score},
    )
