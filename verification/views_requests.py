"""Pages of the verification request (αίτημα επαλήθευσης, ΔΔΔ): the beneficiary files it, staff
read it. Thin views over verification.services.requests; htmx adds and removes items in place.

A refused change keeps what the person typed and shows the service's Greek message at the field;
nothing already saved is touched.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import role_required
from opske.confirm import confirmation_page, confirmed
from opske.errors import ApplicationError, NotFound
from opske.ids import is_ascii_digits
from opske.money import format_eur
from opske.pagination import IdsFirstPaginator
from opske.views_util import paginate
from verification.filters_requests import VerificationRequestFilter
from verification.forms_requests import ItemForm
from verification.models import VerificationRequest
from verification.rules import requests as rules
from verification.selectors import requests as selectors
from verification.services import requests as services


def _mine(request, pk) -> VerificationRequest:
    try:
        return selectors.request_get_for_user(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _staff(request, pk) -> VerificationRequest:
    try:
        return selectors.request_get_for_staff(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _categories(req: VerificationRequest) -> list[tuple[str, str]]:
    labels = selectors.category_labels(req.operation)
    return [
        (line.category, line.label or labels.get(line.category, ""))
        for line in sorted(req.operation.budget_lines.all(), key=lambda line: line.category)
    ]


def _context(req: VerificationRequest, *, form: ItemForm | None = None, staff: bool = False, **extra) -> dict:
    categories = _categories(req)
    labels = dict(categories)
    problems, warnings, facts = services.submission_check(req)
    documents = []
    current = req.current_attachments
    for r in services.payment_documents(req.operation.call):
        if services.document_applies(r, is_final=req.is_final):
            documents.append(
                {"required": r, "files": [a for a in current if a.required_attachment_id == r.pk]}
            )
    extra_files = [a for a in current if a.required_attachment_id is None and a.item_id is None]
    budget = req.operation.approved_total
    cumulative = sum((e.total for e in facts["earlier"]), facts["total"])
    return {
        "req": req,
        "operation": req.operation,
        "items": list(req.items.all()),
        "rows": facts["rows"],
        "labels": labels,
        "total": facts["total"],
        "vat_total": sum((i.vat for i in req.items.all()), 0),
        "share": rules.share(facts["total"], budget),
        "cumulative": cumulative,
        "cumulative_share": rules.share(cumulative, budget),
        "limits": facts["limits"],
        "first_deadline": rules.first_request_deadline(
            starts_on=req.operation.starts_on, limits=facts["limits"]
        ),
        "problems": problems if req.is_editable else [],
        "warnings": warnings if req.is_editable else req.warnings,
        "documents": documents,
        "extra_files": extra_files,
        "form": form if form is not None else ItemForm(categories=categories),
        "staff": staff,
        "eligibility": selectors.eligibility_window(req.operation),
        **extra,
    }


def _page(request, req, *, status=200, **extra):
    template = "verification/requests/detail.html"
    if request.headers.get("HX-Request") and not extra.get("full"):
        template = "verification/requests/_draft.html"
    return render(request, template, _context(req, **extra), status=status)


# --- the beneficiary ---------------------------------------------------------------------------


@login_required
def mine(request):
    """The beneficiary's operations with their requests, and a «new request» button for each."""
    operations = Paginator(selectors.operations_for_user(request.user), 20).get_page(request.GET.get("page"))
    by_operation: dict[int, list] = {}
    for r in selectors.requests_for_user(request.user).filter(operation__in=[o.pk for o in operations]):
        by_operation.setdefault(r.operation_id, []).append(r)
    rows = [(op, by_operation.get(op.pk, [])) for op in operations]
    return render(request, "verification/requests/mine.html", {"page": operations, "rows": rows})


@login_required
@require_POST
def create(request, operation_pk):
    kind = request.POST.get("kind") or VerificationRequest.Kind.INTERIM
    try:
        req = services.request_create(actor=request.user, operation_id=operation_pk, kind=kind)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("verification:requests-mine")
    return redirect("verification:requests-detail", pk=req.pk)


@login_required
def detail(request, pk):
    return _page(request, _mine(request, pk), full=True)


@login_required
@require_POST
def set_kind(request, pk):
    req = _mine(request, pk)
    try:
        services.request_set_kind(actor=request.user, request_id=req.pk, kind=request.POST.get("kind", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("verification:requests-detail", pk=req.pk)


def _item_data(form: ItemForm) -> dict:
    return dict(form.cleaned_data)


@login_required
@require_POST
def item_add(request, pk):
    req = _mine(request, pk)
    form = ItemForm(request.POST, categories=_categories(req))
    htmx = bool(request.headers.get("HX-Request"))
    if form.is_valid():
        try:
            item = services.item_add(actor=request.user, request_id=req.pk, data=_item_data(form))
        except ApplicationError as exc:
            form.add_service_errors(exc.fields, exc.message)
        else:
            notice = _("Προστέθηκε η δαπάνη %(n)s (%(a)s).") % {
                "n": item.document_number,
                "a": format_eur(item.amount),
            }
            if htmx:
                return _page(request, _mine(request, pk), notice=notice)
            messages.success(request, notice)
            return redirect(reverse("verification:requests-detail", args=[req.pk]) + "#items")
    # htmx swaps a 422 in place (base.html htmx-config): the form comes back with its errors.
    return _page(request, _mine(request, pk), form=form, status=422 if htmx else 400, full=not htmx)


@login_required
def item_edit(request, pk, item_pk):
    req = _mine(request, pk)
    item = next((i for i in req.items.all() if i.pk == int(item_pk)), None)
    if item is None:
        raise Http404("Η δαπάνη δεν βρέθηκε.")
    categories = _categories(req)
    if request.method == "POST":
        form = ItemForm(request.POST, categories=categories)
        if form.is_valid():
            try:
                services.item_update(
                    actor=request.user, request_id=req.pk, item_id=item.pk, data=_item_data(form)
                )
            except ApplicationError as exc:
                form.add_service_errors(exc.fields, exc.message)
            else:
                messages.success(
                    request, _("Αποθηκεύτηκε η δαπάνη %(n)s.") % {"n": form.cleaned_data["document_number"]}
                )
                return redirect(reverse("verification:requests-detail", args=[req.pk]) + "#items")
        status = 400
    else:
        initial = {f: getattr(item, f) for f in services.ITEM_FIELDS}
        form = ItemForm(initial=initial, categories=categories)
        status = 200
    return render(
        request,
        "verification/requests/item_edit.html",
        {"req": req, "item": item, "form": form},
        status=status,
    )


@login_required
@require_POST
def item_remove(request, pk, item_pk):
    req = _mine(request, pk)
    try:
        services.item_remove(actor=request.user, request_id=req.pk, item_id=item_pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("verification:requests-detail", pk=req.pk)
    notice = _("Αφαιρέθηκε η δαπάνη.")
    if request.headers.get("HX-Request"):
        return _page(request, _mine(request, pk), notice=notice)
    messages.success(request, notice)
    return redirect(reverse("verification:requests-detail", args=[req.pk]) + "#items")


def _int_or_none(raw: str):
    raw = (raw or "").strip()
    return int(raw) if is_ascii_digits(raw) and len(raw) <= 12 else (0 if raw else None)


@login_required
@require_POST
def attachment_upload(request, pk):
    req = _mine(request, pk)
    target = request.POST.get("target", "")
    item_id = _int_or_none(target[5:]) if target.startswith("item-") else None
    required_id = _int_or_none(target[4:]) if target.startswith("doc-") else None
    try:
        attachment = services.attachment_upload(
            actor=request.user,
            request_id=req.pk,
            file=request.FILES.get("file"),
            item_id=item_id,
            required_attachment_id=required_id,
        )
    except ApplicationError as exc:
        errors = [m for msgs in (exc.fields or {}).values() for m in msgs] or [exc.message]
        return _page(
            request, _mine(request, pk), upload_errors={target or "extra": errors}, status=400, full=True
        )
    messages.success(request, _("Αναρτήθηκε το αρχείο «%(n)s».") % {"n": attachment.original_name})
    return redirect(reverse("verification:requests-detail", args=[req.pk]) + "#documents")


@login_required
@require_POST
def attachment_delete(request, pk, attachment_pk):
    req = _mine(request, pk)
    try:
        attachment = services.attachment_delete(
            actor=request.user, request_id=req.pk, attachment_id=attachment_pk
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Διαγράφηκε το αρχείο «%(n)s».") % {"n": attachment.original_name})
    return redirect(reverse("verification:requests-detail", args=[req.pk]) + "#documents")


@login_required
def attachment_download(request, pk, attachment_pk):
    try:
        attachment = selectors.attachment_get_for_user(user=request.user, request_id=pk, pk=attachment_pk)
        handle = attachment.file.open("rb")
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except OSError as exc:
        raise Http404("Το αρχείο δεν είναι διαθέσιμο.") from exc
    return FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )


@login_required
@require_POST
def submit(request, pk):
    req = _mine(request, pk)
    problems, warnings, facts = services.submission_check(req)
    if problems:
        return _page(request, req, status=400, full=True, submit_refused=True)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("Υποβολή του αιτήματος επαλήθευσης %(seq)s") % {"seq": req.seq},
            caption=req.operation.code,
            irreversible=_(
                "Με την υποβολή το αίτημα και οι δαπάνες του δεν αλλάζουν πια· το αίτημα παίρνει αριθμό "
                "πρωτοκόλλου και περνά στον έλεγχο του φορέα (Πρόσκληση 004 §11.1)."
            ),
            button=_("Υποβολή αιτήματος"),
            check_label=_(
                "Δηλώνω ότι οι δαπάνες έχουν υλοποιηθεί και εξοφληθεί και ότι τα στοιχεία είναι ακριβή."
            ),
            cancel_url=reverse("verification:requests-detail", args=[req.pk]),
            summary=[
                (_("Πράξη"), req.operation.code),
                (_("Είδος"), _("Τελικό") if req.is_final else _("Ενδιάμεσο")),
                (_("Δαπάνες"), str(len(list(req.items.all())))),
                (_("Σύνολο (χωρίς ΦΠΑ)"), format_eur(facts["total"])),
            ]
            + [(_("Επισήμανση"), w.message) for w in warnings],
        )
    try:
        req = services.request_submit(actor=request.user, request_id=req.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _page(request, _mine(request, pk), status=400, full=True, submit_refused=True)
    messages.success(
        request, _("Το αίτημα υποβλήθηκε με αριθμό πρωτοκόλλου %(n)s.") % {"n": req.protocol_number}
    )
    return redirect("verification:requests-receipt", pk=req.pk)


@login_required
def receipt(request, pk):
    try:
        req = selectors.request_get_for_user(user=request.user, pk=pk)
    except NotFound:
        req = _staff(request, pk)
    if req.is_editable:
        raise Http404("Το αίτημα δεν έχει υποβληθεί.")
    return render(request, "verification/requests/receipt.html", {"req": req, "r": req.receipt})


# --- staff -------------------------------------------------------------------------------------


@role_required(*selectors.STAFF_ROLES)
def staff_list(request):
    filterset = VerificationRequestFilter(
        request.GET, queryset=selectors.request_list_for_staff(user=request.user)
    )
    page, query = paginate(request, filterset.qs, 50, paginator_class=IdsFirstPaginator)
    return render(
        request,
        "verification/requests/staff_list.html",
        {"filter": filterset, "page": page, "query": query},
    )


@role_required(*selectors.STAFF_ROLES)
def staff_detail(request, pk):
    req = _staff(request, pk)
    return render(request, "verification/requests/staff_detail.html", _context(req, staff=True))
