"""Browser pages of the call 004 payments (Πρόσκληση 004 §11.3): the business's advance request
with its letter of guarantee and the receipt, the staff list of guarantees, a guarantee's page with
its reductions and release, and opening the final payment of a completed operation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import role_required
from operations import selectors as operation_selectors
from opske.confirm import confirmation_page, confirmed
from opske.errors import ApplicationError
from opske.money import AmountError, format_eur, parse_amount
from opske.views_util import paginate, show_refusal
from payments import selectors_call004 as selectors
from payments.filters_call004 import GuaranteeFilterSet
from payments.forms_call004 import AdvanceRequestForm, ReleaseForm
from payments.programmes import call004 as provider
from payments.services import call004 as services

PAGE_SIZE = 20


@login_required
@require_http_methods(["GET", "POST"])
def advance_request(request, pk):
    op = operation_selectors.operation_get_for_user(user=request.user, pk=pk)
    funding, warning = provider.public_funding(op)
    form = AdvanceRequestForm(
        request.POST or None, request.FILES or None, advance_max=services.rules.advance_max(funding)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                guarantee = services.advance_request(
                    actor=request.user,
                    operation_id=op.pk,
                    amount=data["amount"],
                    guarantee_number=data["guarantee_number"],
                    guarantee_issuer=data["guarantee_issuer"],
                    guarantee_amount=data["guarantee_amount"],
                    guarantee_issued_on=data["guarantee_issued_on"],
                    guarantee_expires_on=data["guarantee_expires_on"],
                    guarantee_letter=data["guarantee_letter"],
                )
            except ApplicationError as exc:
                show_refusal(request, form, exc)
            else:
                messages.success(request, "Το αίτημα προκαταβολής υποβλήθηκε.")
                return redirect("payments:advance-receipt", pk=guarantee.pk)
        status = 400
    return render(
        request,
        "payments/call004/advance_form.html",
        {
            "operation": op,
            "form": form,
            "public_funding": funding,
            "funding_warning": warning,
            "may_request": services.may_request_advance(request.user, op),
        },
        status=status,
    )


@login_required
def advance_receipt(request, pk):
    guarantee = selectors.guarantee_get_for_user(user=request.user, pk=pk)
    return render(
        request, "payments/call004/advance_receipt.html", {"g": guarantee, "payment": guarantee.advance}
    )


@role_required(*selectors.STAFF_READERS)
def guarantees(request):
    filterset = GuaranteeFilterSet(request.GET or None, queryset=selectors.guarantees_for_staff())
    qs = filterset.qs if (not filterset.is_bound or filterset.is_valid()) else filterset.queryset.none()
    page, query = paginate(request, qs, PAGE_SIZE)
    return render(
        request,
        "payments/call004/guarantees.html",
        {"page": page, "guarantees": page.object_list, "filter": filterset, "query": query},
    )


def _guarantee_page(request, guarantee, form=None, status=200):
    return render(
        request,
        "payments/call004/guarantee.html",
        {
            "g": guarantee,
            "reductions": list(guarantee.reductions.all()),
            "offset_total": sum((r.amount for r in guarantee.reductions.all()), services.ZERO),
            "release_problem": services.release_problem(guarantee),
            "can_release": request.user.has_role(*services.RELEASE_ROLES),
            "form": form or ReleaseForm(),
            "is_staff_view": selectors.is_payments_staff(request.user),
        },
        status=status,
    )


@login_required
def guarantee(request, pk):
    return _guarantee_page(request, selectors.guarantee_get_for_user(user=request.user, pk=pk))


@login_required
def guarantee_letter(request, pk):
    g = selectors.guarantee_get_for_user(user=request.user, pk=pk)
    return FileResponse(g.letter.open("rb"), content_type="application/pdf", filename=g.letter_name)


@role_required(*services.RELEASE_ROLES)
@require_POST
def guarantee_release(request, pk):
    g = selectors.guarantee_get_for_user(user=request.user, pk=pk)
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        return _guarantee_page(request, g, form, status=400)
    problem = services.release_problem(g)
    if problem is None and not confirmed(request):
        return confirmation_page(
            request,
            title="Αποδέσμευση εγγυητικής επιστολής",
            caption=f"{g.number} · {g.issuer}",
            summary=[("Πράξη", g.operation.code), ("Ποσό εγγύησης", format_eur(g.amount))],
            irreversible="Η εγγυητική επιστολή επιστρέφεται στον δικαιούχο και εκδίδεται το έγγραφο "
            "αποδέσμευσης (Πρόσκληση 004 §11.3.Α). Η ενέργεια δεν αναιρείται.",
            button="Αποδέσμευση",
            check_label="Επιβεβαιώνω τον πλήρη συμψηφισμό και την αποδέσμευση",
            cancel_url=reverse("payments:guarantee", args=[g.pk]),
        )
    try:
        services.guarantee_release(actor=request.user, guarantee_id=g.pk, reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        show_refusal(request, form, exc)
        return _guarantee_page(request, g, form, status=409)
    messages.success(request, "Η εγγυητική επιστολή αποδεσμεύτηκε· το έγγραφο αποδέσμευσης εκδίδεται.")
    return redirect("payments:guarantee", pk=g.pk)


@role_required(*services.FINAL_ROLES)
@require_POST
def final_open(request, pk):
    op = operation_selectors.operation_get_for_user(user=request.user, pk=pk)
    problem = services.final_payment_problem(op)
    if problem:
        messages.error(request, problem)
        return redirect("operations:detail", pk=op.pk)
    raw_rate = (request.POST.get("discount_rate") or "").strip()
    rate = None
    if raw_rate:
        try:
            rate = parse_amount(raw_rate)
        except AmountError as exc:
            messages.error(request, f"Επιτόκιο αναφοράς: {exc.message}")
            return redirect("operations:detail", pk=op.pk)
    if not confirmed(request):
        plan = provider.final_plan(op, discount_rate=rate)
        return confirmation_page(
            request,
            title="Άνοιγμα αποπληρωμής",
            caption=op.code,
            summary=[("Ποσό αποπληρωμής", format_eur(plan.amount))] + [(w, "") for w in plan.warnings],
            irreversible="Ανοίγει η αποπληρωμή της πράξης με το ποσό αυτό (Πρόσκληση 004 §11.3.Γ).",
            button="Άνοιγμα αποπληρωμής",
            check_label="Επιβεβαιώνω το ποσό της αποπληρωμής",
            cancel_url=reverse("operations:detail", args=[op.pk]),
        )
    try:
        payment = services.final_payment_open(actor=request.user, operation_id=op.pk, discount_rate=rate)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Άνοιξε η αποπληρωμή {payment.code}: {format_eur(payment.amount)}.")
    return redirect("operations:detail", pk=op.pk)
