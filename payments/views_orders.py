"""Browser pages of payment orders (area «orders»): the officer builds an order from approved
payments, exports its pain.001 and XLSX, and reads the bank's pain.002 / camt.054 back. The
supervisor and the auditor read the same pages without their buttons. Views read through
selectors_orders and write through services.orders; a refusal is shown at its field."""

from __future__ import annotations

import base64
import binascii

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import role_required
from opske.confirm import confirmation_page, confirmed
from opske.errors import ApplicationError
from opske.money import format_eur
from opske.views_util import or_404, paginate, show_refusal
from payments import selectors_orders as selectors
from payments.banking import mask_iban
from payments.filters_orders import OrderablePaymentFilterSet, PaymentOrderFilterSet
from payments.forms_orders import CancelForm, OrderBuildForm, ReportUploadForm
from payments.models import BankFile, PaymentOrder
from payments.services import orders as services

PAGE_SIZE = 25
CANDIDATES_PAGE_SIZE = 50
CONTENT_TYPES = {
    BankFile.Kind.PAIN001: "application/xml",
    BankFile.Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    BankFile.Kind.PAIN002: "application/xml",
    BankFile.Kind.CAMT054: "application/xml",
}


@role_required(*services.READERS)
def order_list(request):
    filterset = PaymentOrderFilterSet(request.GET or None, queryset=selectors.orders_for(request.user))
    qs = filterset.qs if (not filterset.is_bound or filterset.is_valid()) else filterset.queryset.none()
    page, query = paginate(request, qs, PAGE_SIZE)
    return render(
        request,
        "payments/orders/list.html",
        {
            "page": page,
            "orders": page.object_list,
            "filter": filterset,
            "query": query,
            "can_write": selectors.can_write(request.user),
            "orderable_count": selectors.orderable_payments(request.user).count(),
        },
    )


@role_required(*services.WRITERS)
@require_http_methods(["GET", "POST"])
def order_new(request):
    """The approved (and failed) payments, filtered and paged; the officer ticks lines, sets the
    execution date, and confirms (every line's IBAN/ΑΦΜ is checked before the confirmation)."""
    base = selectors.orderable_payments(request.user)
    filterset = OrderablePaymentFilterSet(request.GET or None, queryset=base)
    qs = filterset.qs if (not filterset.is_bound or filterset.is_valid()) else filterset.queryset.none()
    page, query = paginate(request, qs, CANDIDATES_PAGE_SIZE)
    form = OrderBuildForm(
        request.POST if request.method == "POST" else None, payment_ids=base.values_list("pk", flat=True)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            ids = form.cleaned_data["payments"]
            when = form.cleaned_data["execution_date"]
            try:
                if confirmed(request):
                    order = services.order_create(actor=request.user, payment_ids=ids, execution_date=when)
                    messages.success(
                        request,
                        f"Δημιουργήθηκε η εντολή πληρωμής {order.code} με {len(ids)} γραμμές. "
                        "Οι πληρωμές είναι πλέον «Σε εντολή πληρωμής».",
                    )
                    return redirect("payments:order-detail", pk=order.pk)
                # Every check of the real step, rolled back: a bad line is refused before the
                # confirmation page, not after it.
                with transaction.atomic():
                    services.order_create(actor=request.user, payment_ids=ids, execution_date=when)
                    transaction.set_rollback(True)
            except ApplicationError as exc:
                show_refusal(request, form, exc)
            else:
                chosen = list(base.filter(pk__in=ids).order_by("approved_at", "pk"))
                total = sum(p.amount for p in chosen)
                payer = services.debtor()
                return confirmation_page(
                    request,
                    title="Επιβεβαίωση εντολής πληρωμής",
                    caption="Εντολές πληρωμής",
                    irreversible=(
                        "Οι επιλεγμένες πληρωμές μπαίνουν στην εντολή και δεν μπορούν να μπουν σε άλλη· "
                        "η εντολή ακυρώνεται μόνο πριν εξαχθεί για την τράπεζα."
                    ),
                    button="Δημιουργία εντολής πληρωμής",
                    check_label="Έλεγξα τις γραμμές, το ποσό και την ημερομηνία εκτέλεσης.",
                    cancel_url=reverse("payments:order-new"),
                    summary=[
                        ("Ημερομηνία εκτέλεσης", when.strftime("%d/%m/%Y")),
                        ("Εντολέας", f"{payer.name}\n{payer.iban}"),
                        ("Πλήθος γραμμών", str(len(chosen))),
                        ("Σύνολο", format_eur(total)),
                        ("Πληρωμές", "\n".join(f"{p.code} · {format_eur(p.amount)}" for p in chosen)),
                    ],
                )
        status = 400
    return render(
        request,
        "payments/orders/new.html",
        {
            "page": page,
            "payments": page.object_list,
            "filter": filterset,
            "query": query,
            "form": form,
            "selected": {str(v) for v in (form.data.getlist("payments") if form.is_bound else [])},
        },
        status=status,
    )


def _detail_context(request, order, *, upload_form=None) -> dict:
    lines = list(selectors.order_lines(order))
    for line in lines:
        line.iban_masked = mask_iban(line.creditor_iban)
    files = list(order.files.defer("content").order_by("created_at", "pk"))
    can_write = selectors.can_write(request.user)
    return {
        "order": order,
        "lines": lines,
        "exports": [f for f in files if f.kind in (BankFile.Kind.PAIN001, BankFile.Kind.XLSX)],
        "reports": [f for f in files if f.kind in (BankFile.Kind.PAIN002, BankFile.Kind.CAMT054)],
        "debtor_iban_masked": mask_iban(order.debtor_iban),
        "can_export": can_write and order.state == PaymentOrder.State.DRAFT,
        "can_cancel": can_write and order.state == PaymentOrder.State.DRAFT,
        "can_read_report": can_write and order.state == PaymentOrder.State.EXPORTED,
        "upload_form": upload_form or ReportUploadForm(),
        "cancel_form": CancelForm(),
    }


@role_required(*services.READERS)
def order_detail(request, pk):
    order = or_404(selectors.order_get_for_user, user=request.user, pk=pk)
    return render(request, "payments/orders/detail.html", _detail_context(request, order))


@role_required(*services.WRITERS)
@require_POST
def order_export(request, pk):
    order = or_404(selectors.order_get_for_user, user=request.user, pk=pk)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=f"Εξαγωγή της εντολής {order.code} για την τράπεζα",
            caption="Εντολές πληρωμής",
            irreversible=(
                "Παράγονται το αρχείο μεταφοράς SEPA (pain.001) και το XLSX· από εδώ και πέρα η εντολή "
                "δεν ακυρώνεται και οι γραμμές της κλείνουν μόνο με την απάντηση της τράπεζας."
            ),
            button="Εξαγωγή αρχείων",
            check_label="Η εντολή είναι έτοιμη να σταλεί στην τράπεζα.",
            cancel_url=reverse("payments:order-detail", args=[order.pk]),
            summary=[
                ("Ημερομηνία εκτέλεσης", order.execution_date.strftime("%d/%m/%Y")),
                ("Πλήθος γραμμών", str(order.line_count)),
                ("Σύνολο", format_eur(order.total)),
            ],
        )
    try:
        order = services.order_export(actor=request.user, order_id=order.pk)
    except ApplicationError as exc:
        show_refusal(request, None, exc)
    else:
        messages.success(
            request, f"Η εντολή {order.code} εξήχθη· SHA-256 του αρχείου pain.001: {order.xml_sha256}."
        )
    return redirect("payments:order-detail", pk=pk)


@role_required(*services.READERS)
def order_download(request, pk, file_id):
    order = or_404(selectors.order_get_for_user, user=request.user, pk=pk)
    f = order.files.filter(pk=file_id).first()
    if f is None:
        raise Http404("Δεν βρέθηκε το αρχείο.")
    response = HttpResponse(
        bytes(f.content), content_type=CONTENT_TYPES.get(f.kind, "application/octet-stream")
    )
    response["Content-Disposition"] = content_disposition_header(True, f.filename)
    response["Cache-Control"] = "no-store"
    return response


def _report_content(request, form) -> tuple[bytes, str] | None:
    """The uploaded file on the first post; the carried copy on the confirming one."""
    carried = request.POST.get("content_b64")
    if carried:
        try:
            return base64.b64decode(carried, validate=True), request.POST.get("filename", "")
        except (binascii.Error, ValueError):
            form.add_error("file", "Το αρχείο δεν μεταφέρθηκε σωστά· ανεβάστε το ξανά.")
            return None
    if not form.is_valid():
        return None
    upload = form.cleaned_data["file"]
    return upload.read(), upload.name or ""


@role_required(*services.WRITERS)
@require_POST
def order_report(request, pk):
    """The bank's answer: checked first (a dry run of the whole reading, rolled back), shown on the
    confirmation page line by line, then read for real on confirmation."""
    order = or_404(selectors.order_get_for_user, user=request.user, pk=pk)
    form = ReportUploadForm(request.POST, request.FILES)
    got = _report_content(request, form)
    if got is not None:
        content, filename = got
        try:
            if confirmed(request):
                outcome = services.order_read_report(
                    actor=request.user, order_id=order.pk, content=content, filename=filename
                )
                if outcome.already_read:
                    messages.info(request, "Το αρχείο αυτό έχει ήδη διαβαστεί· δεν άλλαξε τίποτα.")
                else:
                    messages.success(
                        request,
                        f"Διαβάστηκε η απάντηση της τράπεζας: {outcome.paid} πιστώθηκαν, {outcome.failed} "
                        f"απέτυχαν, {outcome.pending} σε αναμονή.",
                    )
                return redirect("payments:order-detail", pk=pk)
            with transaction.atomic():
                outcome = services.order_read_report(
                    actor=request.user, order_id=order.pk, content=content, filename=filename
                )
                changes = list(
                    order.lines.exclude(status="pending").values_list(
                        "end_to_end_id", "status", "status_reason"
                    )
                )
                transaction.set_rollback(True)
        except ApplicationError as exc:
            show_refusal(request, form, exc)
        else:
            if outcome.already_read:
                messages.info(request, "Το αρχείο αυτό έχει ήδη διαβαστεί· δεν άλλαξε τίποτα.")
                return redirect("payments:order-detail", pk=pk)
            request.POST = request.POST.copy()
            request.POST["content_b64"] = base64.b64encode(content).decode()
            request.POST["filename"] = filename
            labels = {"paid": "πιστώθηκε", "failed": "απέτυχε"}
            return confirmation_page(
                request,
                title=f"Καταχώριση της απάντησης της τράπεζας για την {order.code}",
                caption="Εντολές πληρωμής",
                irreversible=(
                    "Οι πιστωμένες πληρωμές γίνονται «Πληρώθηκε» και το μητρώο de minimis ενημερώνεται· "
                    "οι αποτυχημένες γίνονται «Απέτυχε η πίστωση» και το ποσό τους επιστρέφει στον "
                    "προϋπολογισμό."
                ),
                button="Καταχώριση απάντησης τράπεζας",
                check_label="Το αρχείο είναι η απάντηση της τράπεζας για αυτή την εντολή.",
                cancel_url=reverse("payments:order-detail", args=[order.pk]),
                summary=[
                    ("Αρχείο", filename or "—"),
                    ("Είδος", "pain.002.001.03" if outcome.kind == "pain002" else "camt.054.001.02"),
                    ("Πιστώθηκαν", str(outcome.paid)),
                    ("Απέτυχαν", str(outcome.failed)),
                    ("Σε αναμονή", str(outcome.pending)),
                    (
                        "Γραμμές",
                        "\n".join(f"{e2e}: {labels.get(s, s)} {reason}".strip() for e2e, s, reason in changes)
                        or "—",
                    ),
                ],
            )
    # The order page again, with the refusal at the upload field; nothing was written.
    context = _detail_context(request, order, upload_form=form)
    return render(request, "payments/orders/detail.html", context, status=400)


@role_required(*services.WRITERS)
@require_POST
def order_cancel(request, pk):
    order = or_404(selectors.order_get_for_user, user=request.user, pk=pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, order)
        context["cancel_form"] = form
        return render(request, "payments/orders/detail.html", context, status=400)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=f"Ακύρωση της εντολής {order.code}",
            caption="Εντολές πληρωμής",
            irreversible="Η εντολή ακυρώνεται και οι πληρωμές της επιστρέφουν σε «Εγκρίθηκε η πληρωμή».",
            button="Ακύρωση εντολής",
            check_label="Η εντολή δεν έχει σταλεί στην τράπεζα.",
            cancel_url=reverse("payments:order-detail", args=[order.pk]),
            summary=[("Αιτία", form.cleaned_data["reason"])],
            warning_button=True,
        )
    try:
        services.order_cancel(actor=request.user, order_id=order.pk, reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        show_refusal(request, None, exc)
    else:
        messages.success(request, f"Η εντολή {order.code} ακυρώθηκε.")
    return redirect("payments:order-detail", pk=pk)
