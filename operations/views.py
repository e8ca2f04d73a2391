"""Browser pages of operations/ (Πράξεις): the business's and the staff's lists and operation
page, modification requests and their decision, completion and the long-term obligation checks.
Views read through selectors and write through services; a refusal is shown at its field."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.permissions import role_required
from operations import selectors, services
from operations.filters import OperationFilterSet
from operations.forms import (
    CompleteForm,
    ExtendForm,
    ModificationDecisionForm,
    ModificationForm,
    ModificationObjectionForm,
    ObjectionDecisionForm,
    ObligationCheckForm,
)
from operations.models import Modification, Operation
from operations.rules.dates import extension_problem
from operations.rules.modifications import objection_is_timely
from operations.services.core import parse_iso_date, programme_of
from operations.services.modifications import may_file_modifications, types_for
from operations.services.obligations import CHECK_ROLES, COMPLETE_ROLES
from opske.confirm import confirmation_page, confirmed
from opske.errors import ApplicationError
from opske.money import format_eur
from opske.pagination import IdsFirstPaginator
from opske.views_util import paginate
from opske.views_util import show_refusal as _fail

PAGE_SIZE = 20


def _page(request, qs):
    # Ids first: the page's keys from a narrow sort, then its rows with their joins (issue 11).
    return paginate(request, qs, PAGE_SIZE, paginator_class=IdsFirstPaginator)


# --- lists ---------------------------------------------------------------------------------------


@login_required
def my_list(request):
    """«Οι πράξεις μου»: the operations of the businesses the user acts for."""
    page, query = _page(request, selectors.operations_for_member(request.user))
    return render(
        request, "operations/my_list.html", {"page": page, "operations": page.object_list, "query": query}
    )


@role_required(*selectors.STAFF_READERS)
def staff_list(request):
    filterset = OperationFilterSet(request.GET or None, queryset=selectors.operations_for_staff())
    qs = filterset.qs if (not filterset.is_bound or filterset.is_valid()) else filterset.queryset.none()
    page, query = _page(request, qs)
    return render(
        request,
        "operations/staff_list.html",
        {"page": page, "operations": page.object_list, "filter": filterset, "query": query},
    )


# --- operation page ------------------------------------------------------------------------------


@login_required
def detail(request, pk):
    op = selectors.operation_get_for_user(user=request.user, pk=pk)
    is_staff = request.user.is_staff_member
    types = types_for(op)
    modifications = list(op.modifications.all())
    for m in modifications:
        m.type_label = types.get(m.type_code, ("", m.type_code))[1]
    return render(
        request,
        "operations/detail.html",
        {
            "operation": op,
            "is_staff_view": is_staff,
            "lines": list(op.budget_lines.all()),
            "versions": list(op.versions.all()),
            "modifications": modifications,
            "obligations": list(op.obligations.all()),
            "deadlines": selectors.operation_deadlines(op),
            "can_file_modification": op.state == Operation.State.ACTIVE
            and may_file_modifications(user=request.user, operation=op),
            "can_extend": is_staff
            and op.state == Operation.State.ACTIVE
            and programme_of(op.call) == "call004"
            and request.user.has_role(*COMPLETE_ROLES),
            "can_complete": is_staff
            and op.state == Operation.State.ACTIVE
            and request.user.has_role(*COMPLETE_ROLES),
            "can_check_obligations": is_staff and request.user.has_role(*CHECK_ROLES),
            "back_url": reverse("operations:staff-list") if is_staff else reverse("operations:my-list"),
        },
    )


# --- modifications -------------------------------------------------------------------------------


def _modification_form(request, op):
    return ModificationForm(
        request.POST or None,
        types=types_for(op),
        lines=list(op.budget_lines.all()),
        programme=programme_of(op.call),
    )


@login_required
@require_http_methods(["GET", "POST"])
def modification_new(request, pk):
    op = selectors.operation_get_for_user(user=request.user, pk=pk)
    if not may_file_modifications(user=request.user, operation=op):
        raise PermissionDenied("Αίτημα τροποποίησης υποβάλλει ο συντονιστής του δικαιούχου.")
    form = _modification_form(request, op)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                mod = services.modification_file(
                    actor=request.user,
                    operation_id=op.pk,
                    type_code=form.cleaned_data["type_code"],
                    reason=form.cleaned_data["reason"],
                    budget=form.budget(),
                    extension_days=form.cleaned_data.get("extension_days"),
                    extension_ground=form.cleaned_data.get("extension_ground") or "",
                )
            except ApplicationError as exc:
                _fail(request, form, exc)
            else:
                messages.success(
                    request, f"Το αίτημα τροποποίησης υποβλήθηκε με αριθμό {mod.protocol_number}."
                )
                return redirect("operations:modification", pk=mod.pk)
        status = 400
    return render(
        request,
        "operations/modification_form.html",
        {"operation": op, "form": form, "programme": programme_of(op.call)},
        status=status,
    )


def _changes_rows(mod: Modification) -> list[tuple[str, str, str]]:
    return [
        (category, format_eur(change["from"]), format_eur(change["to"]))
        for category, change in ((mod.changes or {}).get("budget") or {}).items()
    ]


@login_required
@require_http_methods(["GET", "POST"])
def modification_detail(request, pk):
    """The request and its receipt; the supervisor decides here after a confirmation page."""
    mod = selectors.modification_get_for_user(user=request.user, pk=pk)
    op = mod.operation
    action = request.POST.get("action", "decide")
    if request.method == "POST" and action == "object":
        return _modification_objection(request, mod)
    if request.method == "POST" and action == "objection_decide":
        return _objection_decision(request, mod)
    form = ModificationDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.has_role("supervisor"):
            raise PermissionDenied("Την απόφαση εκδίδει ο/η προϊστάμενος/η.")
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            if not confirmed(request):
                return confirmation_page(
                    request,
                    title="Έγκριση αιτήματος τροποποίησης" if approve else "Απόρριψη αιτήματος τροποποίησης",
                    caption=f"{mod.protocol_number} · {op.code}",
                    summary=[
                        ("Απόφαση", "Έγκριση" if approve else "Απόρριψη"),
                        ("Αιτιολογία", form.cleaned_data["reason"]),
                        *(
                            [
                                (
                                    "Χαρακτηρισμός",
                                    dict(Modification.Characterisation.choices)[
                                        form.cleaned_data["characterisation"]
                                    ],
                                )
                            ]
                            if approve
                            else []
                        ),
                    ],
                    irreversible=(
                        "Η έγκριση μεταβάλλει τα εγκεκριμένα στοιχεία της πράξης (νέα έκδοση) και "
                        "κοινοποιείται στον δικαιούχο."
                        if approve
                        else "Η απόρριψη κοινοποιείται στον δικαιούχο."
                    ),
                    button="Οριστική απόφαση",
                    check_label="Επιβεβαιώνω την απόφαση",
                    cancel_url=reverse("operations:modification", args=[mod.pk]),
                    warning_button=not approve,
                )
            try:
                services.modification_decide(
                    actor=request.user,
                    modification_id=mod.pk,
                    approve=approve,
                    reason=form.cleaned_data["reason"],
                    characterisation=form.cleaned_data.get("characterisation") or "",
                )
            except ApplicationError as exc:
                _fail(request, form, exc)
            else:
                messages.success(request, "Η απόφαση καταχωρίστηκε και κοινοποιήθηκε στον δικαιούχο.")
                return redirect("operations:modification", pk=mod.pk)
        status = 400
    return _render_modification(request, mod, form=form, status=status)


def _can_object(request, mod: Modification) -> bool:
    return (
        mod.state == Modification.State.REJECTED
        and objection_is_timely(today=timezone.localdate(), last_day=mod.objection_deadline)
        and may_file_modifications(user=request.user, operation=mod.operation)
    )


def _render_modification(
    request, mod, *, form=None, objection_form=None, objection_decision_form=None, status=200
):
    op = mod.operation
    types = types_for(op)
    supervisor = request.user.has_role("supervisor")
    return render(
        request,
        "operations/modification_detail.html",
        {
            "modification": mod,
            "operation": op,
            "type_label": types.get(mod.type_code, ("", mod.type_code))[1],
            "changes": _changes_rows(mod),
            "extension": (mod.changes or {}).get("extension"),
            "can_decide": request.user.is_staff_member
            and supervisor
            and mod.state == Modification.State.SUBMITTED,
            "form": form or ModificationDecisionForm(),
            "can_object": _can_object(request, mod),
            "objection_form": objection_form or ModificationObjectionForm(),
            "can_decide_objection": supervisor and mod.state == Modification.State.OBJECTED,
            "objection_decision_form": objection_decision_form or ObjectionDecisionForm(),
        },
        status=status,
    )


def _modification_objection(request, mod):
    """The coordinator objects to a rejection: once, after a confirmation (ΚΥΑ 7066 Art. 9.3)."""
    if not may_file_modifications(user=request.user, operation=mod.operation):
        raise PermissionDenied("Αντιρρήσεις υποβάλλει ο συντονιστής του δικαιούχου.")
    form = ModificationObjectionForm(request.POST)
    if form.is_valid() and _can_object(request, mod) and not confirmed(request):
        return confirmation_page(
            request,
            title="Υποβολή αντιρρήσεων",
            caption=mod.protocol_number,
            summary=[("Αντιρρήσεις", form.cleaned_data["text"])],
            irreversible="Οι αντιρρήσεις υποβάλλονται μία φορά για την απόρριψη του αιτήματος.",
            button="Οριστική υποβολή αντιρρήσεων",
            check_label="Επιβεβαιώνω την υποβολή των αντιρρήσεων",
            cancel_url=reverse("operations:modification", args=[mod.pk]),
        )
    if form.is_valid():
        try:
            services.modification_object(
                actor=request.user, modification_id=mod.pk, text=form.cleaned_data["text"]
            )
        except ApplicationError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, "Οι αντιρρήσεις σας υποβλήθηκαν.")
            return redirect("operations:modification", pk=mod.pk)
    return _render_modification(request, mod, objection_form=form, status=400)


def _objection_decision(request, mod):
    if not request.user.has_role("supervisor"):
        raise PermissionDenied("Επί των αντιρρήσεων αποφασίζει ο/η προϊστάμενος/η.")
    form = ObjectionDecisionForm(request.POST)
    if form.is_valid() and not confirmed(request):
        uphold = form.cleaned_data["outcome"] == "uphold"
        return confirmation_page(
            request,
            title="Απόφαση επί των αντιρρήσεων",
            caption=mod.protocol_number,
            summary=[
                ("Απόφαση", "Γίνονται δεκτές" if uphold else "Απορρίπτονται"),
                ("Αιτιολογία", form.cleaned_data["objection_reason"]),
            ],
            irreversible="Η απόφαση κοινοποιείται στον δικαιούχο"
            + ("· το αίτημα εγκρίνεται και δημιουργεί νέα έκδοση της πράξης." if uphold else "."),
            button="Οριστική απόφαση",
            check_label="Επιβεβαιώνω την απόφαση",
            cancel_url=reverse("operations:modification", args=[mod.pk]),
        )
    if form.is_valid():
        try:
            services.modification_objection_decide(
                actor=request.user,
                modification_id=mod.pk,
                uphold=form.cleaned_data["outcome"] == "uphold",
                reason=form.cleaned_data["objection_reason"],
            )
        except ApplicationError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, "Η απόφαση επί των αντιρρήσεων καταχωρίστηκε.")
            return redirect("operations:modification", pk=mod.pk)
    return _render_modification(request, mod, objection_decision_form=form, status=400)


# --- completion and long-term obligations --------------------------------------------------------


@role_required(*COMPLETE_ROLES)
@require_http_methods(["GET", "POST"])
def complete(request, pk):
    op = selectors.operation_get_for_user(user=request.user, pk=pk)
    form = CompleteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            paid = form.cleaned_data["final_payment_on"]
            if not confirmed(request):
                return confirmation_page(
                    request,
                    title="Ολοκλήρωση πράξης",
                    caption=op.code,
                    summary=[("Τελική πληρωμή", paid.strftime("%d/%m/%Y"))],
                    irreversible="Η πράξη δεν δέχεται πλέον τροποποιήσεις· αρχίζουν οι μακροχρόνιες "
                    "υποχρεώσεις και οι ετήσιοι έλεγχοί τους (Πρόσκληση 004 §14.2, §14.3).",
                    button="Οριστική ολοκλήρωση",
                    check_label="Επιβεβαιώνω την ολοκλήρωση της πράξης",
                    cancel_url=reverse("operations:detail", args=[op.pk]),
                )
            try:
                services.operation_complete(actor=request.user, operation_id=op.pk, final_payment_on=paid)
            except ApplicationError as exc:
                _fail(request, form, exc)
            else:
                messages.success(request, "Η πράξη καταχωρίστηκε ως ολοκληρωμένη.")
                return redirect("operations:detail", pk=op.pk)
        status = 400
    return render(request, "operations/complete.html", {"operation": op, "form": form}, status=status)


@role_required(*COMPLETE_ROLES)
@require_http_methods(["GET", "POST"])
def extend(request, pk):
    """Call 004 after its 2nd amendment: an extension granted by amending the call, recorded here."""
    op = selectors.operation_get_for_user(user=request.user, pk=pk)
    form = ExtendForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            new_end = form.cleaned_data["new_end"]
            problem = extension_problem(
                current_end=op.ends_on,
                requested_end=new_end,
                cap=parse_iso_date((op.call.config or {}).get("implementation_end_cap")),
            )
            if problem:
                form.add_error("new_end", problem)
        if form.is_valid():
            new_end = form.cleaned_data["new_end"]
            if not confirmed(request):
                return confirmation_page(
                    request,
                    title="Παράταση υλοποίησης",
                    caption=op.code,
                    summary=[
                        ("Τρέχουσα λήξη", op.ends_on.strftime("%d/%m/%Y") if op.ends_on else "—"),
                        ("Νέα λήξη", new_end.strftime("%d/%m/%Y")),
                        ("Τροποποίηση πρόσκλησης", form.cleaned_data["reason"]),
                    ],
                    irreversible="Η νέα λήξη γίνεται νέα έκδοση των εγκεκριμένων στοιχείων της πράξης.",
                    button="Καταχώριση παράτασης",
                    check_label="Επιβεβαιώνω την παράταση",
                    cancel_url=reverse("operations:detail", args=[op.pk]),
                )
            try:
                services.operation_extend(
                    actor=request.user,
                    operation_id=op.pk,
                    new_end=new_end,
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as exc:
                _fail(request, form, exc)
            else:
                messages.success(request, "Η παράταση καταχωρίστηκε.")
                return redirect("operations:detail", pk=op.pk)
        status = 400
    return render(request, "operations/extend.html", {"operation": op, "form": form}, status=status)


@role_required(*CHECK_ROLES)
@require_http_methods(["GET", "POST"])
def obligation_check(request, pk):
    check = selectors.obligation_check_get_for_staff(user=request.user, pk=pk)
    op = check.obligation.operation
    form = ObligationCheckForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.obligation_check_record(
                    actor=request.user,
                    check_id=check.pk,
                    kept=form.cleaned_data["outcome"] == "kept",
                    reason=form.cleaned_data.get("reason") or "",
                )
            except ApplicationError as exc:
                _fail(request, form, exc)
            else:
                messages.success(request, "Το αποτέλεσμα του ελέγχου καταχωρίστηκε.")
                return redirect("operations:detail", pk=op.pk)
        status = 400
    return render(
        request,
        "operations/obligation_check.html",
        {"check": check, "operation": op, "form": form},
        status=status,
    )
