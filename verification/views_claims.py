"""ΚΥΑ 7066 two-month claim pages: the periods of an operation, the filing form (one line per
participant-month), and the receipt of each submission."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from calls.gaps import gap_value
from operations import selectors_hires
from operations.models import HeadcountCheck
from operations.services.hires import full_month_days
from opske.confirm import confirmation_page, confirmed
from opske.errors import ApplicationError
from opske.money import format_eur
from opske.views_util import or_404 as _or_404
from verification.filters_claims import ClaimFilterSet
from verification.models import VerificationRequest
from verification.rules import claims_7066 as claim_rules
from verification.services import claims_7066 as claims

PAGE_SIZE = 20


@login_required
def periods(request, op_pk):
    operation = _or_404(selectors_hires.operation_get_for_user, user=request.user, pk=op_pk)
    filed = VerificationRequest.objects.filter(
        operation=operation, kind=VerificationRequest.Kind.PERIOD
    ).exclude(state=VerificationRequest.State.DRAFT)
    fs = ClaimFilterSet(request.GET or None, queryset=filed)
    rows = fs.qs if (not fs.is_bound or fs.is_valid()) else filed.none()
    return render(
        request,
        "verification/claims/periods.html",
        {
            "operation": operation,
            "periods": claims.claim_periods(operation),
            "filed": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "filter": fs,
            "is_member": selectors_hires.is_member(request.user, operation),
            # Art. 8.1 (gap 3): with «flag» a late claim may still be filed, with a warning
            "late_flag": gap_value(operation.call.config, "late_payment_request") == claim_rules.LATE_FLAG,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_new(request, op_pk, number):
    operation = _or_404(selectors_hires.operation_get_for_user, user=request.user, pk=op_pk)
    if not selectors_hires.is_member(request.user, operation):
        raise Http404("Η πράξη δεν βρέθηκε.")
    period = _or_404(claims.claim_period_get, operation=operation, number=number)
    errors: dict[str, list[str]] = {}
    general = ""
    posted = {line.key: request.POST.get(line.key, "") for line in period.lines}
    documents = claims.claim_documents(operation, period)
    if request.method == "POST":
        # Art. 8.2: the documents are kept on the period's draft claim as soon as they are sent,
        # so a refused filing (or the confirmation step) does not lose them.
        for doc in documents:
            upload = request.FILES.get(f"doc_{doc.pk}")
            if upload is None:
                continue
            try:
                claims.claim_document_upload(
                    actor=request.user,
                    operation_id=operation.pk,
                    period_number=number,
                    required_attachment_id=doc.pk,
                    file=upload,
                )
            except ApplicationError as exc:
                for key, msgs in exc.fields.items():
                    errors.setdefault(key, []).extend(msgs)
    if request.method == "POST" and not errors:
        try:
            missing = claims.claim_missing_documents(operation, period)
            if missing:
                errors.update(missing)
                raise ApplicationError(next(iter(missing.values()))[0])
            if not confirmed(request):
                preview = claims.claim_preview(operation=operation, period=period, days=posted)
                late = claims.claim_timing(operation, period, timezone.localdate())
                late_rows = [("Επισήμανση (Άρθ. 8.1)", late.message)] if late.late else []
                return confirmation_page(
                    request,
                    title="Υποβολή αίτησης καταβολής",
                    caption=f"{operation.code} · δίμηνο {period.start:%d/%m/%Y}–{period.end:%d/%m/%Y}",
                    summary=[(label, format_eur(amount)) for label, amount in preview]
                    + [("Σύνολο", format_eur(sum((a for _, a in preview), start=0)))]
                    + late_rows,
                    irreversible="Η αίτηση υποβάλλεται μία φορά για το δίμηνο (ΚΥΑ 7066 Άρθ. 8.1) και "
                    "ενεργοποιεί την επαλήθευση (Άρθ. 8.3).",
                    button="Οριστική υποβολή",
                    check_label="Επιβεβαιώνω την υποβολή της αίτησης καταβολής",
                    cancel_url=reverse("verification:claim-new", args=[operation.pk, number]),
                )
            request_obj = claims.claim_submit(
                actor=request.user, operation_id=operation.pk, period_number=number, days=posted
            )
        except ApplicationError as exc:
            errors, general = {**errors, **exc.fields}, exc.message
        else:
            messages.success(request, "Η αίτηση καταβολής υποβλήθηκε.")
            return redirect("verification:claim-receipt", pk=request_obj.pk)
    rows = [
        {"line": line, "value": posted.get(line.key, ""), "errors": errors.get(line.key, [])}
        for line in period.lines
    ]
    files = claims.claim_document_files(operation, period)
    doc_rows = [
        {"doc": d, "files": files.get(d.pk, []), "errors": errors.get(f"doc_{d.pk}", [])} for d in documents
    ]
    doc_keys = {f"doc_{d.pk}" for d in documents}
    general_errors = [m for k, v in errors.items() if k not in posted and k not in doc_keys for m in v] or (
        [general] if general and not errors else []
    )
    timing = claims.claim_timing(operation, period, timezone.localdate())
    return render(
        request,
        "verification/claims/claim_form.html",
        {
            "operation": operation,
            "period": period,
            "rows": rows,
            "doc_rows": doc_rows,
            "late_warning": timing.message if timing.late else "",
            "general_errors": general_errors,
            "has_errors": bool(errors or general),
            "full_month_days": full_month_days(operation.call),
        },
        status=422 if (errors or general) else 200,
    )


@login_required
def claim_receipt(request, pk):
    claim = _or_404(claims.claim_get_for_user, user=request.user, pk=pk)
    headcount = HeadcountCheck.objects.filter(
        operation=claim.operation, period_start=claim.period_start, period_end=claim.period_end
    ).first()
    return render(
        request,
        "verification/claims/receipt.html",
        {"claim": claim, "operation": claim.operation, "headcount": headcount},
    )
