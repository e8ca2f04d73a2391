"""Pages of the hires area (ΚΥΑ 7066 positions over the operation's life). Thin views: reads through
operations.selectors_hires, writes through operations.services.hires; a refusal is shown at its
field with the service's Greek message and nothing typed is lost."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from operations import selectors_hires as selectors
from operations import services
from operations.filters_hires import HireFilterSet, PositionFilterSet, PositionWatchFilterSet
from operations.forms_hires import ExtensionDecisionForm, HeadcountForm, HireForm, LeaveForm, ReasonForm
from operations.models import HeadcountCheck, Position, RecoveryCase
from opske.confirm import confirmation_page, confirmed
from opske.errors import ApplicationError
from opske.views_util import or_404 as _or_404
from opske.views_util import show_refusal as _fail

PAGE_SIZE = 20


def _filtered(request, filterset_class, qs, prefix):
    fs = filterset_class(request.GET or None, queryset=qs, prefix=prefix)
    rows = fs.qs if (not fs.is_bound or fs.is_valid()) else qs.none()
    return fs, Paginator(rows, PAGE_SIZE).get_page(request.GET.get(f"{prefix}-page"))


@login_required
def overview(request, pk):
    """The operation's positions, hires, hiring deadline, headcount checks and recovery cases."""
    operation = _or_404(selectors.operation_get_for_user, user=request.user, pk=pk)
    positions_filter, positions = _filtered(
        request, PositionFilterSet, selectors.positions_of(operation), "p"
    )
    hires_filter, hires = _filtered(request, HireFilterSet, selectors.hires_of(operation), "h")
    all_positions = list(selectors.positions_of(operation))
    return render(
        request,
        "operations/hires/overview.html",
        {
            "operation": operation,
            "positions": positions,
            "positions_filter": positions_filter,
            "hires": hires,
            "hires_filter": hires_filter,
            "hiring_deadline": all_positions[0].hiring_deadline if all_positions else None,
            "unfilled": [p for p in all_positions if p.state == Position.State.OPEN],
            "flagged": [p for p in all_positions if p.unfilled_flagged_at and p.state == Position.State.OPEN],
            "checks": HeadcountCheck.objects.filter(operation=operation)[:6],
            "recoveries": RecoveryCase.objects.filter(operation=operation).select_related("position"),
            "is_member": selectors.is_member(request.user, operation),
            "is_supervisor": request.user.has_role(Role.SUPERVISOR),
            "is_staff_reader": selectors.is_staff_reader(request.user),
            "headcount_form": HeadcountForm(),
        },
    )


def _member_operation(request, pk):
    operation = _or_404(selectors.operation_get_for_user, user=request.user, pk=pk)
    if not selectors.is_member(request.user, operation):
        raise Http404("Η πράξη δεν βρέθηκε.")
    return operation


@login_required
@require_http_methods(["GET", "POST"])
def hire_new(request, pk, position_pk):
    operation = _member_operation(request, pk)
    position = _or_404(selectors.position_get, operation=operation, pk=position_pk)
    replacement = position.state == Position.State.VACANT
    form = HireForm(request.POST or None, replacement=replacement)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hire = services.hire_record(
                actor=request.user,
                operation_id=operation.pk,
                position_id=position.pk,
                amka=data["amka"],
                hire_date=data["hire_date"],
                referral_number=data["referral_number"],
                referral_date=data["referral_date"],
                work_from=data["work_from"],
                work_to=data["work_to"],
                declaration_exclusions=data["declaration_exclusions"],
                declaration_other_scheme=data["declaration_other_scheme"],
                no_same_category_unemployed=data.get("no_same_category_unemployed", False),
            )
        except ApplicationError as exc:
            _fail(request, form, exc)
        else:
            messages.success(
                request,
                f"Η πρόσληψη της {hire.hire_date:%d/%m/%Y} καταχωρίστηκε μετά τον έλεγχο στο ΕΡΓΑΝΗ "
                f"(αναγγελία {hire.e3_protocol}) και στο μητρώο ΔΥΠΑ.",
            )
            return redirect("operations:hires", pk=operation.pk)
    status = 422 if request.method == "POST" else 200
    announcements, unavailable = services.ergani_hires_since_start(actor=request.user, operation=operation)
    return render(
        request,
        "operations/hires/hire_form.html",
        {
            "operation": operation,
            "position": position,
            "form": form,
            "replacement": replacement,
            "announcements": announcements,
            "ergani_unavailable": unavailable,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def hire_leave(request, pk, hire_pk):
    operation = _member_operation(request, pk)
    hire = _or_404(selectors.hire_get, operation=operation, pk=hire_pk)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not confirmed(request):
            return confirmation_page(
                request,
                title="Αποχώρηση επιδοτούμενου/ης εργαζομένου",
                caption=f"{operation.code} · θέση {hire.position.seq}",
                summary=[
                    ("Τελευταία ημέρα", form.cleaned_data["left_on"].strftime("%d/%m/%Y")),
                    ("Αιτία", form.cleaned_data["reason"]),
                ],
                irreversible="Η θέση γίνεται κενή και πρέπει να αντικατασταθεί μέσα σε 30 ημέρες (ΚΥΑ 7066 "
                "Άρθ. 10.2)· αλλιώς η δράση διακόπτεται κατά τη θέση (Άρθ. 10.4α).",
                button="Καταχώριση αποχώρησης",
                check_label="Επιβεβαιώνω την αποχώρηση",
                cancel_url=reverse("operations:hires", args=[operation.pk]),
            )
        try:
            services.hire_record_leaving(actor=request.user, hire_id=hire.pk, **form.cleaned_data)
        except ApplicationError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, "Η αποχώρηση καταχωρίστηκε· η θέση αναμένει αντικατάσταση.")
            return redirect("operations:hires", pk=operation.pk)
    return render(
        request, "operations/hires/leave_form.html", {"operation": operation, "hire": hire, "form": form},
        status=422 if request.method == "POST" else 200,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def extension_request(request, pk, position_pk):
    operation = _member_operation(request, pk)
    position = _or_404(selectors.position_get, operation=operation, pk=position_pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.position_request_extension(
                actor=request.user, position_id=position.pk, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, "Το αίτημα παράτασης υποβλήθηκε στον Προϊστάμενο ΚΠΑ2.")
            return redirect("operations:hires", pk=operation.pk)
    return render(
        request,
        "operations/hires/reason_form.html",
        {"operation": operation, "position": position, "form": form, "title": "Αίτημα παράτασης 30 ημερών",
         "intro": "Η αντικατάσταση γίνεται μέσα σε 30 ημέρες· μία παράταση 30 ημερών δίνεται με αίτηση του "
         "εργοδότη και απόφαση του Προϊσταμένου ΚΠΑ2 (ΚΥΑ 7066 Άρθ. 10.2).",
         "button": "Υποβολή αιτήματος"},
        status=422 if request.method == "POST" else 200,
    )  # fmt: skip


def _staff_position(request, pk, position_pk):
    if not request.user.has_role(Role.SUPERVISOR):
        raise Http404("Η σελίδα δεν βρέθηκε.")
    operation = _or_404(selectors.operation_get_for_user, user=request.user, pk=pk)
    return operation, _or_404(selectors.position_get, operation=operation, pk=position_pk)


@login_required
@require_http_methods(["GET", "POST"])
def extension_decide(request, pk, position_pk):
    operation, position = _staff_position(request, pk, position_pk)
    form = ExtensionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        grant = form.cleaned_data["grant"]
        if not confirmed(request):
            return confirmation_page(
                request,
                title="Απόφαση για την παράταση αντικατάστασης",
                caption=f"{operation.code} · θέση {position.seq}",
                summary=[
                    ("Απόφαση", "Εγκρίνεται" if grant else "Δεν εγκρίνεται"),
                    ("Αιτιολογία", form.cleaned_data["reason"]),
                ],
                irreversible="Η απόφαση κοινοποιείται στην επιχείρηση· η παράταση δίνεται μία φορά (ΚΥΑ 7066 "
                "Άρθ. 10.2).",
                button="Οριστική απόφαση",
                check_label="Επιβεβαιώνω την απόφαση",
                cancel_url=reverse("operations:hires", args=[operation.pk]),
            )
        try:
            services.position_decide_extension(
                actor=request.user, position_id=position.pk, **form.cleaned_data
            )
        except ApplicationError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, "Η απόφαση για την παράταση καταχωρίστηκε.")
            return redirect("operations:hires", pk=operation.pk)
    return render(
        request,
        "operations/hires/reason_form.html",
        {"operation": operation, "position": position, "form": form, "title": "Απόφαση για την παράταση",
         "intro": position.extension_reason, "button": "Συνέχεια"},
        status=422 if request.method == "POST" else 200,
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def position_stop(request, pk, position_pk):
    operation, position = _staff_position(request, pk, position_pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not confirmed(request):
            return confirmation_page(
                request,
                title="Διακοπή θέσης χωρίς επιπτώσεις",
                caption=f"{operation.code} · θέση {position.seq}",
                summary=[("Διαπίστωση της Υπηρεσίας", form.cleaned_data["reason"])],
                irreversible="Η επιχορήγηση της θέσης διακόπτεται από την αποχώρηση χωρίς άλλες επιπτώσεις "
                "για τον εργοδότη (ΚΥΑ 7066 Άρθ. 10.4γ)· η θέση αφαιρείται από την πράξη.",
                button="Διακοπή της θέσης",
                check_label="Επιβεβαιώνω ότι δεν υπάρχει άνεργος της ειδικότητας ή κατηγορίας",
                cancel_url=reverse("operations:hires", args=[operation.pk]),
                warning_button=True,
            )
        try:
            services.position_stop_no_unemployed(
                actor=request.user, position_id=position.pk, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, "Η θέση διακόπηκε χωρίς επιπτώσεις (Άρθ. 10.4γ).")
            return redirect("operations:hires", pk=operation.pk)
    return render(
        request,
        "operations/hires/reason_form.html",
        {"operation": operation, "position": position, "form": form,
         "title": "Δεν υπάρχει άνεργος της ειδικότητας ή κατηγορίας",
         "intro": "Καταχωρίστε τη διαπίστωση της Υπηρεσίας (ΚΥΑ 7066 Άρθ. 10.4γ).", "button": "Συνέχεια"},
        status=422 if request.method == "POST" else 200,
    )  # fmt: skip


@login_required
@require_http_methods(["POST"])
def headcount_check(request, pk):
    operation = _or_404(selectors.operation_get_for_user, user=request.user, pk=pk)
    if not selectors.is_staff_reader(request.user):
        raise Http404("Η σελίδα δεν βρέθηκε.")
    form = HeadcountForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Συμπληρώστε την περίοδο ελέγχου.")
        return redirect("operations:hires", pk=operation.pk)
    try:
        check = services.headcount_check_run(
            actor=request.user, operation_id=operation.pk, **form.cleaned_data
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        (messages.success if check.ok else messages.warning)(request, check.reason)
    return redirect("operations:hires", pk=operation.pk)


@login_required
def watch(request):
    """Staff: positions past the hiring deadline or awaiting replacement, across operations."""
    if not selectors.is_staff_reader(request.user):
        raise Http404("Η σελίδα δεν βρέθηκε.")
    qs = selectors.positions_needing_attention(request.user, today=timezone.localdate())
    fs, page = _filtered(request, PositionWatchFilterSet, qs, "w")
    return render(
        request,
        "operations/hires/watch.html",
        {"positions": page, "filter": fs, "today": timezone.localdate()},
    )
