"""ΚΥΑ 7066 payment pages: an operation's payments with the lines their amount was computed from,
the business's objection to a payment decision (Art. 8.5) with its receipt, and the committees'
examination (Π.ΕΠ.Ε.Ε. opinion, Κ.ΕΠ.Ε.Ε. decision) with a filtered, paginated list."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from operations import selectors_hires
from opske.confirm import confirmation_page, confirmed
from opske.errors import ApplicationError, ValidationFailed
from opske.money import format_eur
from opske.views_util import or_404, paginate
from payments.filters_kya7066 import PaymentObjectionFilterSet
from payments.models import Payment, PaymentObjection
from payments.services import objections as services

PAGE_SIZE = 20


def _lines(payment: Payment) -> list[dict]:
    return [{**line, "amount": Decimal(str(line.get("amount") or "0"))} for line in payment.breakdown or []]


def _is_staff(user) -> bool:
    return services._is_staff(user)


@login_required
def operation_payments(request, op_pk):
    operation = or_404(selectors_hires.operation_get_for_user, user=request.user, pk=op_pk)
    payments = (
        Payment.objects.filter(operation=operation)
        .select_related("verification_request")
        .prefetch_related("objections")
        .order_by("created_at", "pk")
    )
    page, query = paginate(request, payments, PAGE_SIZE)
    rows = [{"payment": p, "lines": _lines(p), "window": services.objection_window(p)} for p in page]
    return render(
        request,
        "payments/kya7066/operation.html",
        {"operation": operation, "rows": rows, "page": page, "query": query, "today": timezone.localdate()},
    )


@login_required
def payment_detail(request, pk):
    payment = or_404(services.payment_get_for_user, user=request.user, pk=pk)
    window = services.objection_window(payment)
    return render(
        request,
        "payments/kya7066/payment.html",
        {
            "payment": payment,
            "operation": payment.operation,
            "lines": _lines(payment),
            "window": window,
            "window_open": bool(window and window.open_on(timezone.localdate())),
            "objections": payment.objections.order_by("-filed_at"),
            "is_beneficiary": services._is_beneficiary(request.user, payment),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def objection_new(request, pk):
    payment = or_404(services.payment_get_for_user, user=request.user, pk=pk)
    if not services._is_beneficiary(request.user, payment):
        raise Http404("Η πληρωμή δεν βρέθηκε.")
    window = services.objection_window(payment)
    text = request.POST.get("text", "")
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        try:
            if not text.strip():
                raise ValidationFailed(
                    "Γράψτε τις αντιρρήσεις σας.", fields={"text": ["Γράψτε τις αντιρρήσεις σας."]}
                )
            if not confirmed(request):
                return confirmation_page(
                    request,
                    title="Υποβολή αντιρρήσεων επί πληρωμής",
                    caption=f"{payment.code}",
                    summary=[
                        ("Αιτηθέν ποσό", format_eur(window.claimed) if window else "—"),
                        ("Ποσό της απόφασης", format_eur(window.decided) if window else "—"),
                        ("Προθεσμία", f"{window.deadline:%d/%m/%Y}" if window else "—"),
                    ],
                    irreversible="Οι αντιρρήσεις υποβάλλονται μία φορά και εξετάζονται από την Π.ΕΠ.Ε.Ε. "
                    "και την Κ.ΕΠ.Ε.Ε. (ΚΥΑ 7066 Άρθ. 8.5).",
                    button="Οριστική υποβολή αντιρρήσεων",
                    check_label="Επιβεβαιώνω την υποβολή των αντιρρήσεων",
                    cancel_url=reverse("payments:kya7066-objection-new", args=[payment.pk]),
                )
            obj = services.objection_file(actor=request.user, payment_id=payment.pk, text=text)
        except ApplicationError as exc:
            errors = exc.fields or {"text": [exc.message]}
            status = 422
        else:
            messages.success(request, "Οι αντιρρήσεις υποβλήθηκαν.")
            return redirect("payments:kya7066-objection", pk=obj.pk)
    return render(
        request,
        "payments/kya7066/objection_form.html",
        {"payment": payment, "window": window, "text": text, "errors": errors, "today": timezone.localdate()},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def objection_detail(request, pk):
    obj = or_404(services.objection_get_for_user, user=request.user, pk=pk)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        if not _is_staff(request.user):
            raise Http404("Οι αντιρρήσεις δεν βρέθηκαν.")
        action = request.POST.get("action")
        try:
            if action == "opinion":
                services.objection_opinion(
                    actor=request.user,
                    objection_id=obj.pk,
                    favourable=request.POST.get("favourable") == "yes",
                    text=request.POST.get("opinion_text", ""),
                )
                messages.success(request, "Καταχωρίστηκε η γνώμη της Π.ΕΠ.Ε.Ε.")
            elif action == "decision":
                if not confirmed(request):
                    return confirmation_page(
                        request,
                        title="Απόφαση Κ.ΕΠ.Ε.Ε. επί αντιρρήσεων",
                        caption=obj.protocol_number,
                        irreversible="Η απόφαση κοινοποιείται στον δικαιούχο και δεν αλλάζει.",
                        button="Έκδοση απόφασης",
                        check_label="Επιβεβαιώνω την απόφαση",
                        cancel_url=reverse("payments:kya7066-objection", args=[obj.pk]),
                    )
                services.objection_decide(
                    actor=request.user,
                    objection_id=obj.pk,
                    accepted=request.POST.get("accepted") == "yes",
                    reasons=request.POST.get("reasons", ""),
                )
                messages.success(request, "Εκδόθηκε η απόφαση της Κ.ΕΠ.Ε.Ε.")
            else:
                raise ValidationFailed("Άγνωστη ενέργεια.")
        except ApplicationError as exc:
            errors = exc.fields or {"__all__": [exc.message]}
            status = 422
        else:
            return redirect("payments:kya7066-objection", pk=obj.pk)
        obj.refresh_from_db()
    return render(
        request,
        "payments/kya7066/objection.html",
        {
            "obj": obj,
            "payment": obj.payment,
            "is_staff": _is_staff(request.user),
            "errors": errors,
            "posted": request.POST,
        },
        status=status,
    )


@login_required
def objection_list(request):
    if not _is_staff(request.user):
        raise Http404("Η σελίδα δεν βρέθηκε.")
    qs = PaymentObjection.objects.select_related("payment__operation__business").order_by("-filed_at", "-pk")
    fs = PaymentObjectionFilterSet(request.GET or None, queryset=qs)
    rows = fs.qs if (not fs.is_bound or fs.is_valid()) else qs.none()
    page, query = paginate(request, rows, PAGE_SIZE)
    return render(request, "payments/kya7066/objections.html", {"page": page, "query": query, "filter": fs})
