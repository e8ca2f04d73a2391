"""Pages of the payment flow (DRAFT → APPROVED): the business's «Οι πληρωμές μου» and its payment
documents, the staff queue, the payment page with its actions by role, and the approval limits.
Thin views over payments.services.flow; a refusal shows the service's Greek message at its field
and keeps what was typed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.permissions import role_required
from opske.confirm import confirmation_page, confirmed
from opske.errors import ApplicationError
from opske.money import format_eur
from opske.views_util import or_404, paginate, show_refusal
from payments import selectors_flow as selectors
from payments.filters_flow import PaymentQueueFilter
from payments.forms_flow import DocumentsSubmitForm, LimitForm, NoteForm, ReasonForm
from payments.models import ApprovalLimit, Payment, PaymentSubmission
from payments.services import flow as services

ACTIVE_BUSINESS_KEY = "active_business_pk"  # accounts.views: the business chosen on the dashboard


def _payment(request, pk) -> Payment:
    return or_404(selectors.payment_get_for_user, user=request.user, pk=pk)


def _detail_url(payment, anchor: str = "") -> str:
    return reverse("payments:detail", args=[payment.pk]) + (f"#{anchor}" if anchor else "")


def _context(request, payment: Payment, **extra) -> dict:
    user = request.user
    member = bool(services.business_member_roles(user, payment) & {str(r) for r in services.FILING_ROLES})
    staff = selectors.is_payment_staff(user)
    files = services.current_documents(payment)
    needs = services.documents_for(payment)
    documents = [{"need": n, "files": [f for f in files if f.opske_code == n.code]} for n in needs]
    submission = PaymentSubmission.objects.filter(payment=payment).select_related("receipt_document").first()
    signatures = list(payment.approvals.select_related("user").order_by("at", "pk"))
    state = payment.state
    acting = staff and user.has_role(*services.ACTING_ROLES)
    may_approve = False
    approve_refusal = ""
    if acting and state == Payment.State.PROPOSED:
        try:
            services.approval_plan(user, payment)
            may_approve = True
        except ApplicationError as exc:
            approve_refusal = exc.message
    on_record = services.iban_on_record(payment)
    required, expenditure, threshold = services.clearance_required(payment)
    return {
        "payment": payment,
        "operation": payment.operation,
        "lines": payment.breakdown,
        "member": member,
        "staff": staff,
        "editable": member and state == Payment.State.DRAFT,
        "documents": documents,
        "submission": submission,
        "signatures": signatures,
        "iban_on_record": services.mask_iban(on_record) if on_record else "",
        "iban_display": services.format_iban(payment.payee_iban)
        if staff
        else services.mask_iban(payment.payee_iban),
        "may_propose": staff and user.has_role(*services.PROPOSER_ROLES) and state == Payment.State.SUBMITTED,
        # The proposer sees the approval too: the service then says why they may not (four eyes).
        "show_approve": acting and state == Payment.State.PROPOSED and (may_approve or bool(approve_refusal)),
        "may_approve": may_approve,
        "approve_refusal": approve_refusal,
        "may_check": staff
        and user.has_role(*services.APPROVER_ROLES)
        and state in (Payment.State.DRAFT, Payment.State.SUBMITTED, Payment.State.PROPOSED),
        "awaits": services.approvals_needed(payment),
        "clearance": {"required": required, "expenditure": expenditure, "threshold": threshold},
        "form": extra.pop("form", None) or DocumentsSubmitForm(),
        "note_form": extra.pop("note_form", None) or NoteForm(),
        "reason_form": extra.pop("reason_form", None) or ReasonForm(),
        **extra,
    }


def _page(request, payment, *, status=200, **extra):
    return render(request, "payments/flow/detail.html", _context(request, payment, **extra), status=status)


# --- the business -------------------------------------------------------------------------------------


@login_required
def mine(request):
    """«Οι πληρωμές μου»: the payments of the operations of the active business."""
    qs = selectors.payments_for_member(request.user)
    active = request.session.get(ACTIVE_BUSINESS_KEY)
    if active and qs.filter(operation__business_id=active).exists():
        qs = qs.filter(operation__business_id=active)
    page, query = paginate(request, qs.order_by("-created_at", "-pk"), 20)
    return render(request, "payments/flow/mine.html", {"page": page, "query": query})


@login_required
def detail(request, pk):
    return _page(request, _payment(request, pk))


@login_required
@require_POST
def document_upload(request, pk):
    payment = _payment(request, pk)
    try:
        document = services.document_upload(
            actor=request.user,
            payment_id=payment.pk,
            code=request.POST.get("document", ""),
            file=request.FILES.get("file"),
        )
    except ApplicationError as exc:
        errors = [m for msgs in (exc.fields or {}).values() for m in msgs] or [exc.message]
        return _page(request, _payment(request, pk), upload_errors=errors, status=400)
    messages.success(
        request,
        _("Αναρτήθηκε το αρχείο «%(n)s» (%(c)s).") % {"n": document.original_name, "c": document.opske_code},
    )
    return redirect(_detail_url(payment, "documents"))


@login_required
@require_POST
def document_delete(request, pk, document_pk):
    payment = _payment(request, pk)
    try:
        services.document_delete(actor=request.user, payment_id=payment.pk, document_id=document_pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Διαγράφηκε το αρχείο."))
    return redirect(_detail_url(payment, "documents"))


@login_required
def document_download(request, pk, document_pk):
    payment = _payment(request, pk)
    document = payment.documents.filter(pk=document_pk).first()
    if document is None:
        raise Http404("Το αρχείο δεν βρέθηκε.")
    try:
        handle = document.file.open("rb")
    except OSError as exc:
        raise Http404("Το αρχείο δεν είναι διαθέσιμο.") from exc
    return FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )


@login_required
@require_POST
def submit(request, pk):
    payment = _payment(request, pk)
    form = DocumentsSubmitForm(request.POST)
    form.is_valid()
    iban = form.cleaned_data.get("iban", "")
    declaration = bool(form.cleaned_data.get("declaration"))
    if not confirmed(request):
        # The service's own checks before the confirmation page: a wrong IBAN is shown at once.
        try:
            with_iban = services.submission_check(payment, iban=iban, declaration=declaration)
        except ApplicationError as exc:
            show_refusal(request, form, exc)
            return _page(request, payment, form=form, status=400, submit_refused=True)
        return confirmation_page(
            request,
            title=_("Υποβολή των δικαιολογητικών της πληρωμής %(c)s") % {"c": payment.code},
            caption=payment.operation.code if payment.operation_id else "",
            irreversible=_(
                "Με την υποβολή τα δικαιολογητικά και ο λογαριασμός πίστωσης δεν αλλάζουν πια· η πληρωμή "
                "παίρνει αριθμό πρωτοκόλλου και περνά στον έλεγχο της υπηρεσίας πληρωμών."
            ),
            button=_("Υποβολή δικαιολογητικών"),
            check_label=_("Επιβεβαιώνω ότι τα στοιχεία και ο λογαριασμός είναι σωστά."),
            cancel_url=_detail_url(payment),
            summary=[
                (_("Πληρωμή"), payment.code),
                (_("Ποσό"), format_eur(payment.amount)),
                (_("Λογαριασμός (IBAN)"), services.mask_iban(with_iban)),
            ],
        )
    try:
        payment = services.documents_submit(
            actor=request.user, payment_id=payment.pk, iban=iban, declaration=declaration
        )
    except ApplicationError as exc:
        show_refusal(request, form, exc)
        return _page(request, _payment(request, pk), form=form, status=400, submit_refused=True)
    messages.success(
        request,
        _("Τα δικαιολογητικά υποβλήθηκαν με αριθμό πρωτοκόλλου %(n)s.") % {"n": payment.protocol_number},
    )
    return redirect("payments:receipt", pk=payment.pk)


@login_required
def receipt(request, pk):
    payment = _payment(request, pk)
    submission = PaymentSubmission.objects.filter(payment=payment).select_related("receipt_document").first()
    if submission is None:
        raise Http404("Τα δικαιολογητικά της πληρωμής δεν έχουν υποβληθεί.")
    return render(
        request, "payments/flow/receipt.html", {"payment": payment, "s": submission, "r": submission.receipt}
    )


# --- staff ----------------------------------------------------------------------------------------------


@role_required(*services.QUEUE_ROLES)
def queue(request):
    filterset = PaymentQueueFilter(request.GET, queryset=selectors.payment_queue(request.user))
    page, query = paginate(request, filterset.qs, 50)
    return render(request, "payments/flow/queue.html", {"filter": filterset, "page": page, "query": query})


@role_required(*services.PROPOSER_ROLES)
@require_POST
def propose(request, pk):
    payment = _payment(request, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        services.payment_propose(
            actor=request.user, payment_id=payment.pk, note=form.cleaned_data.get("note", "")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _page(request, _payment(request, pk), status=400)
    messages.success(request, _("Η πληρωμή %(c)s προτάθηκε για έγκριση.") % {"c": payment.code})
    return redirect(_detail_url(payment))


@role_required(*services.ACTING_ROLES)
@require_POST
def approve(request, pk):
    payment = _payment(request, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        step, _role, limit = services.approval_plan(request.user, payment)
    except ApplicationError as exc:
        return _page(request, payment, approve_error=exc.message, status=400)
    if not confirmed(request):
        final = step != services.Step.APPROVAL or payment.amount <= limit.max_amount
        return confirmation_page(
            request,
            title=_("Έγκριση της πληρωμής %(c)s") % {"c": payment.code},
            caption=payment.payee_name,
            irreversible=_(
                "Η έγκριση καταχωρίζει την πληρωμή στον προϋπολογισμό και εκδίδει την απόφαση έγκρισης "
                "πληρωμής· δεν αναιρείται."
            )
            if final
            else _(
                "Το ποσό υπερβαίνει το όριο έγκρισής σας (%(l)s): η υπογραφή σας καταχωρίζεται και η πληρωμή "
                "αναμένει έγκριση ανώτερου επιπέδου."
            )
            % {"l": format_eur(limit.max_amount)},
            button=_("Έγκριση πληρωμής"),
            check_label=_("Έλεγξα την ανάλυση του ποσού, τα δικαιολογητικά και τις επισημάνσεις."),
            cancel_url=_detail_url(payment),
            summary=[
                (_("Πληρωμή"), payment.code),
                (_("Ποσό"), format_eur(payment.amount)),
                (_("Όριο έγκρισής σας"), format_eur(limit.max_amount)),
            ],
        )
    try:
        payment = services.payment_approve(
            actor=request.user, payment_id=payment.pk, note=form.cleaned_data.get("note", "")
        )
    except ApplicationError as exc:
        return _page(
            request,
            _payment(request, pk),
            approve_error=exc.message,
            status=409 if exc.http_status == 409 else 400,
        )
    if payment.state == Payment.State.APPROVED:
        messages.success(request, _("Η πληρωμή %(c)s εγκρίθηκε.") % {"c": payment.code})
    else:
        messages.success(request, _("Η έγκρισή σας καταχωρίστηκε· αναμένεται έγκριση ανώτερου επιπέδου."))
    return redirect(_detail_url(payment))


@role_required(*services.APPROVER_ROLES)
@require_POST
def send_back(request, pk):
    payment = _payment(request, pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.payment_send_back(
            actor=request.user, payment_id=payment.pk, reason=form.cleaned_data.get("reason", "")
        )
    except ApplicationError as exc:
        show_refusal(request, form, exc)
        return _page(request, _payment(request, pk), reason_form=form, status=400)
    messages.success(request, _("Η πληρωμή επιστράφηκε για διόρθωση στον υπάλληλο πληρωμών."))
    return redirect(_detail_url(payment))


@role_required(*services.APPROVER_ROLES)
def reject(request, pk):
    payment = _payment(request, pk)
    if request.method != "POST":
        return render(request, "payments/flow/reject.html", {"payment": payment, "form": ReasonForm()})
    form = ReasonForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    if len(reason.strip()) >= 10 and not confirmed(request):
        return confirmation_page(
            request,
            title=_("Απόρριψη της πληρωμής %(c)s") % {"c": payment.code},
            caption=payment.payee_name,
            irreversible=_("Η απόρριψη είναι οριστική: η πληρωμή δεν προχωρά και ο δικαιούχος ενημερώνεται."),
            button=_("Απόρριψη πληρωμής"),
            check_label=_("Επιβεβαιώνω την απόρριψη με την αιτιολογία που έγραψα."),
            cancel_url=_detail_url(payment),
            summary=[
                (_("Πληρωμή"), payment.code),
                (_("Ποσό"), format_eur(payment.amount)),
                (_("Αιτιολογία"), reason),
            ],
            warning_button=True,
        )
    try:
        services.payment_reject(actor=request.user, payment_id=payment.pk, reason=reason)
    except ApplicationError as exc:
        show_refusal(request, form, exc)
        return render(request, "payments/flow/reject.html", {"payment": payment, "form": form}, status=400)
    messages.success(request, _("Η πληρωμή %(c)s απορρίφθηκε.") % {"c": payment.code})
    return redirect(_detail_url(payment))


@role_required(Role.PROGRAMME_ADMIN)
def limits(request):
    form = LimitForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.limit_save(
                    actor=request.user,
                    role=d["role"],
                    call_id=d["call"].pk if d["call"] else None,
                    max_amount=d["max_amount"],
                    level=d["level"],
                )
            except ApplicationError as exc:
                show_refusal(request, form, exc)
            else:
                messages.success(request, _("Αποθηκεύτηκε το όριο έγκρισης."))
                return redirect("payments:limits")
        status = 400
    rows = ApprovalLimit.objects.select_related("call").order_by("level", "role", "call__code")
    return render(request, "payments/flow/limits.html", {"form": form, "rows": rows}, status=status)


@role_required(Role.PROGRAMME_ADMIN)
@require_POST
def limit_delete(request, limit_pk):
    try:
        services.limit_delete(actor=request.user, limit_id=limit_pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Διαγράφηκε το όριο έγκρισης."))
    return redirect("payments:limits")
