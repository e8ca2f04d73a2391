"""Pages of the recoveries area: the staff list and a recovery's page with its computation, the
decision (after a confirmation), the repayment, the act certifying the debt and its routing; the
reference rates table; the business's objections. Reads through payments.selectors_recoveries,
writes through payments.services.recoveries; a refusal is shown at its field."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from opske.confirm import confirmation_page, confirmed
from opske.errors import ApplicationError
from opske.ids import int_or_none
from opske.money import format_eur
from opske.views_util import or_404, paginate, show_refusal
from payments import recovery_rules as rules
from payments import selectors_recoveries as selectors
from payments.filters_recoveries import RecoveryFilterSet
from payments.forms_recoveries import (
    DecideForm,
    ObjectionForm,
    ObligationBreachForm,
    ReferenceRateForm,
    RepaymentForm,
    SendForm,
)
from payments.models import Recovery, ReferenceRate
from payments.services import recoveries as services

PAGE_SIZE = 20


def _staff(request):
    if not selectors.is_staff_reader(request.user):
        raise Http404("Η σελίδα δεν βρέθηκε.")


def _can(user, roles) -> bool:
    return user.has_role(*roles)


@login_required
def recoveries(request):
    """Staff: every recovery, filtered by state / origin / code or ΑΦΜ, and the open Art. 11 cases."""
    _staff(request)
    fs = RecoveryFilterSet(request.GET or None, queryset=selectors.recoveries_for_user(request.user))
    rows = fs.qs if (not fs.is_bound or fs.is_valid()) else fs.queryset.none()
    page, query = paginate(request, rows, PAGE_SIZE)
    return render(
        request,
        "payments/recoveries/list.html",
        {
            "page": page,
            "recoveries": page.object_list,
            "filter": fs,
            "query": query,
            "cases": list(selectors.open_cases()[:50]),
            "corrections": list(selectors.open_corrections()[:50]),
            "breaches": list(selectors.breached_checks()[:50]),
            "can_compute": _can(request.user, services.COMPUTE_ROLES),
        },
    )


def _computed(request, compute, **ids):
    """Run one of the recovery computations for a staff member; a refusal goes back to the list."""
    _staff(request)
    try:
        recovery = compute(actor=request.user, **ids)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("payments:recoveries")
    messages.success(request, f"Υπολογίστηκε η ανάκτηση {recovery.code}: {format_eur(recovery.total_due)}.")
    return redirect("payments:recovery-detail", pk=recovery.pk)


@login_required
@require_POST
def compute_clawback(request, case_pk):
    return _computed(request, services.recovery_compute_clawback, case_id=case_pk)


@login_required
@require_POST
def compute_correction(request, correction_pk):
    return _computed(request, services.recovery_compute_correction, correction_id=correction_pk)


@login_required
@require_http_methods(["GET", "POST"])
def compute_obligation(request, operation_pk):
    """Πρόσκληση 004 §14.2: a breach of the long-term obligations, pro rata or in full."""
    _staff(request)
    from operations.models import Operation

    operation = Operation.objects.filter(pk=operation_pk).select_related("call").first()
    if operation is None:
        raise Http404("Η πράξη δεν βρέθηκε.")
    form = ObligationBreachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            recovery = services.recovery_compute_obligation(
                actor=request.user,
                operation_id=operation.pk,
                breach_kind=d["breach_kind"],
                compliant_months=d["compliant_months"] or 0,
                reason=d["reason"],
                check_id=int_or_none(request.GET.get("check", "")),
            )
        except ApplicationError as exc:
            show_refusal(request, form, exc)
        else:
            return redirect("payments:recovery-detail", pk=recovery.pk)
    return render(
        request,
        "payments/recoveries/form.html",
        {
            "form": form,
            "operation": operation,
            "title": "Ανάκτηση για παράβαση μακροχρόνιων υποχρεώσεων",
            "button": "Υπολογισμός ανάκτησης",
            "back": "payments:recoveries",
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def recovery_detail(request, pk):
    recovery = or_404(selectors.recovery_get_for_user, user=request.user, pk=pk)
    staff = selectors.is_staff_reader(request.user)
    user = request.user
    return render(
        request,
        "payments/recoveries/detail.html",
        {
            "recovery": recovery,
            "staff": staff,
            "interest_lines": list(recovery.interest_lines.order_by("seq")),
            "interest_citation": rules.INTEREST_END_CITATION.get(recovery.interest_end, ""),
            "can_decide": staff
            and recovery.state == Recovery.State.COMPUTED
            and _can(user, services.DECIDE_ROLES)
            and recovery.computed_by_id != user.pk,
            "can_repay": staff
            and recovery.state in (Recovery.State.INVITED, Recovery.State.CERTIFIED, Recovery.State.SENT)
            and _can(user, services.COMPUTE_ROLES),
            "can_certify": staff
            and recovery.state == Recovery.State.INVITED
            and _can(user, services.DECIDE_ROLES),
            "can_send": staff
            and recovery.state == Recovery.State.CERTIFIED
            and _can(user, services.COMPUTE_ROLES),
            "can_object": not staff and recovery.state == Recovery.State.INVITED and not recovery.objected_at,
            "decide_form": DecideForm(),
            "repay_form": RepaymentForm(initial={"amount": recovery.total_due}),
            "send_form": SendForm(),
            "objection_form": ObjectionForm(),
        },
    )


@login_required
@require_POST
def recovery_decide(request, pk):
    recovery = or_404(selectors.recovery_get_for_user, user=request.user, pk=pk)
    _staff(request)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return redirect("payments:recovery-detail", pk=recovery.pk)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=f"Απόφαση ανάκτησης {recovery.code}",
            irreversible="Η απόφαση ορίζει το ποσό προς επιστροφή και στέλνει στην επιχείρηση την πρόσκληση "
            "επιστροφής με προθεσμία 15 ημερών. Δεν αναιρείται από τη σελίδα.",
            button="Απόφαση και πρόσκληση επιστροφής",
            check_label="Επιβεβαιώνω ότι αποφασίζω ως αρμόδιο όργανο το ποσό που φαίνεται.",
            cancel_url=f"/payments/recoveries/{recovery.pk}/",
            summary=[
                ("Κεφάλαιο", format_eur(recovery.principal)),
                ("Τόκοι (υπολογισμός έως σήμερα)", format_eur(recovery.interest)),
                ("Σύνολο", format_eur(recovery.total_due)),
            ],
        )
    try:
        recovery = services.recovery_decide(
            actor=request.user,
            recovery_id=recovery.pk,
            decision_protocol=form.cleaned_data["decision_protocol"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if recovery.nothing_due:
            messages.success(
                request, "Αποφασίστηκε: δεν επιστρέφεται ποσό· διακόπτονται μόνο οι μελλοντικές πληρωμές."
            )
        else:
            messages.success(
                request,
                f"Αποφασίστηκε η ανάκτηση {format_eur(recovery.total_due)}. Η πρόσκληση επιστροφής εκδόθηκε "
                f"με προθεσμία έως {recovery.due_on:%d/%m/%Y}.",
            )
    return redirect("payments:recovery-detail", pk=recovery.pk)


@login_required
@require_POST
def recovery_repay(request, pk):
    recovery = or_404(selectors.recovery_get_for_user, user=request.user, pk=pk)
    _staff(request)
    form = RepaymentForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            recovery = services.recovery_record_repayment(
                actor=request.user,
                recovery_id=recovery.pk,
                amount=d["amount"],
                repaid_on=d["repaid_on"],
                reference=d["reference"],
            )
        except ApplicationError as exc:
            show_refusal(request, form, exc)
        else:
            messages.success(request, f"Καταχωρίστηκε η επιστροφή {format_eur(recovery.repaid_amount)}.")
            return redirect("payments:recovery-detail", pk=recovery.pk)
    return render(
        request,
        "payments/recoveries/form.html",
        {
            "form": form,
            "recovery": recovery,
            "title": "Καταχώριση επιστροφής",
            "button": "Καταχώριση",
            "back_url": f"/payments/recoveries/{recovery.pk}/",
        },
        status=422,
    )


@login_required
@require_POST
def recovery_certify(request, pk):
    recovery = or_404(selectors.recovery_get_for_user, user=request.user, pk=pk)
    _staff(request)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=f"Πράξη βεβαίωσης οφειλής {recovery.code}",
            irreversible="Συντάσσεται πράξη βεβαίωσης οφειλής και αποστέλλεται στην αρμόδια ΔΟΥ "
            "της επιχείρησης "
            "για βεβαίωση και είσπραξη (ΚΥΑ 7066 Άρθ. 11, άρθ. 29 §8 ν.1262/1982).",
            button="Έκδοση πράξης βεβαίωσης",
            check_label="Επιβεβαιώνω ότι το ποσό δεν επιστράφηκε εντός της προθεσμίας.",
            cancel_url=f"/payments/recoveries/{recovery.pk}/",
            summary=[
                ("Οφειλή", format_eur(recovery.total_due)),
                ("Προθεσμία", f"{recovery.due_on:%d/%m/%Y}"),
            ],
        )
    try:
        services.recovery_certify(actor=request.user, recovery_id=recovery.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Εκδόθηκε η πράξη βεβαίωσης οφειλής.")
    return redirect("payments:recovery-detail", pk=recovery.pk)


@login_required
@require_POST
def recovery_send(request, pk):
    recovery = or_404(selectors.recovery_get_for_user, user=request.user, pk=pk)
    _staff(request)
    form = SendForm(request.POST)
    if form.is_valid():
        try:
            services.recovery_send_to_treasury(
                actor=request.user, recovery_id=recovery.pk, reference=form.cleaned_data["reference"]
            )
        except ApplicationError as exc:
            show_refusal(request, form, exc)
        else:
            messages.success(request, "Καταχωρίστηκε η διαβίβαση στη ΔΟΥ.")
            return redirect("payments:recovery-detail", pk=recovery.pk)
    return render(
        request,
        "payments/recoveries/form.html",
        {
            "form": form,
            "recovery": recovery,
            "title": "Διαβίβαση στη ΔΟΥ",
            "button": "Καταχώριση",
            "back_url": f"/payments/recoveries/{recovery.pk}/",
        },
        status=422,
    )


@login_required
@require_http_methods(["GET", "POST"])
def recovery_object(request, pk):
    """The business's objections within the window (receipt on success)."""
    recovery = or_404(selectors.recovery_get_for_user, user=request.user, pk=pk)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recovery = services.recovery_object(
                actor=request.user, recovery_id=recovery.pk, text=form.cleaned_data["text"]
            )
        except ApplicationError as exc:
            show_refusal(request, form, exc)
        else:
            messages.success(
                request,
                f"Οι αντιρρήσεις σας για την ανάκτηση {recovery.code} υποβλήθηκαν στις "
                f"{recovery.objected_at.astimezone():%d/%m/%Y %H:%M} (αποδεικτικό υποβολής).",
            )
            return redirect("payments:recovery-detail", pk=recovery.pk)
    return render(
        request,
        "payments/recoveries/form.html",
        {
            "form": form,
            "recovery": recovery,
            "title": "Υποβολή αντιρρήσεων",
            "button": "Υποβολή αντιρρήσεων",
            "back_url": f"/payments/recoveries/{recovery.pk}/",
            "intro": f"Προθεσμία έως {recovery.objection_due:%d/%m/%Y}." if recovery.objection_due else "",
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reference_rates(request):
    """The EC reference rates for Greece by year; programme_admin maintains them."""
    _staff(request)
    can_edit = request.user.has_role(Role.PROGRAMME_ADMIN)
    form = ReferenceRateForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise Http404("Η σελίδα δεν βρέθηκε.")
        if form.is_valid():
            d = form.cleaned_data
            try:
                row = services.reference_rate_save(
                    actor=request.user,
                    year=d["year"],
                    rate=d["rate"],
                    source=d["source"],
                    to_verify=d["to_verify"],
                )
            except ApplicationError as exc:
                show_refusal(request, form, exc)
            else:
                messages.success(request, f"Καταχωρίστηκε το επιτόκιο αναφοράς του {row.year}.")
                return redirect("payments:reference-rates")
    page, query = paginate(request, ReferenceRate.objects.select_related("updated_by"), PAGE_SIZE)
    return render(
        request,
        "payments/recoveries/rates.html",
        {"page": page, "rates": page.object_list, "query": query, "form": form, "can_edit": can_edit},
        status=422 if request.method == "POST" else 200,
    )
