"""Reads of verification requests, scoped to what the user may see (STYLE.md practice 4).

The beneficiary's active members see the operations and requests of their businesses; another
business's request is a 404. Staff with a reading role (and verifiers, payment officers) see the
submitted requests, read-only; a draft is the beneficiary's own business.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from accounts.models import Membership
from operations.models import Operation
from operations.selectors import STAFF_READERS
from opske.errors import NotFound
from verification.models import ExpenditureItem, RequestAttachment, VerificationRequest
from verification.rules import requests as rules

ZERO = Decimal("0.00")
# Who reads the beneficiaries' payment claims: those who monitor operations (operations.selectors).
# Not the evaluators and committee members: management verification is kept apart from the
# evaluation of applications (separation of functions, Guidance Ο.3; issue 11, least privilege).
STAFF_ROLES = STAFF_READERS
# States that do not count towards the call's limits (a request withdrawn, returned or rejected by
# the check: «αιτήματα που θα … ολοκληρωθούν θετικά», §11.1.A). The check's states are «vcheck»'s.
NOT_COUNTING = ("draft", "withdrawn", "returned", "rejected")


def _member_of(user) -> Q:
    return Q(business__memberships__user=user, business__memberships__state=Membership.State.ACTIVE)


def operations_for_user(user) -> QuerySet[Operation]:
    """The operations of the businesses the user acts for, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Operation.objects.none()
    ids = Operation.objects.filter(_member_of(user)).values("pk")
    return (
        Operation.objects.filter(pk__in=ids).select_related("call", "business").order_by("-starts_on", "-pk")
    )


def operation_get_for_user(*, user, pk) -> Operation:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("Η πράξη δεν βρέθηκε.") from None
    op = operations_for_user(user).select_related("application").filter(pk=pk).first()
    if op is None:
        raise NotFound("Η πράξη δεν βρέθηκε.")
    return op


def _with_counts(qs: QuerySet[VerificationRequest]) -> QuerySet[VerificationRequest]:
    # A correlated count, evaluated for the rows of the page only: Count("items") grouped every
    # submitted request before the ORDER BY … LIMIT (1.2 s at 40,000 requests; issue 11).
    items = (
        ExpenditureItem.objects.filter(request=OuterRef("pk"))
        .order_by()
        .values("request")
        .annotate(n=Count("pk"))
    )
    return qs.select_related("operation__call", "operation__business").annotate(
        item_count=Coalesce(Subquery(items.values("n")), 0)
    )


def requests_for_user(user, *, operation: Operation | None = None) -> QuerySet[VerificationRequest]:
    """The beneficiary's requests (drafts included), newest first."""
    if not getattr(user, "is_authenticated", False):
        return VerificationRequest.objects.none()
    ops = operations_for_user(user).values("pk") if operation is None else [operation.pk]
    # A ΚΥΑ 7066 claim being prepared (its documents only) lives on the claim page, not here.
    preparing = Q(kind=VerificationRequest.Kind.PERIOD, state=VerificationRequest.State.DRAFT)
    return _with_counts(VerificationRequest.objects.filter(operation_id__in=ops).exclude(preparing)).order_by(
        "-operation__starts_on", "operation_id", "-seq"
    )


def _detail(qs: QuerySet[VerificationRequest]) -> QuerySet[VerificationRequest]:
    current = RequestAttachment.objects.filter(is_current=True).select_related("required_attachment")
    related = ("operation__call", "operation__business", "operation__application", "receipt_document")
    return qs.select_related(*related).prefetch_related(
        Prefetch("items", queryset=ExpenditureItem.objects.order_by("pk").prefetch_related(
            Prefetch("attachments", queryset=current, to_attr="current_attachments"))),
        Prefetch("attachments", queryset=current, to_attr="current_attachments"),
        "operation__budget_lines",
    )  # fmt: skip


def request_get_for_user(*, user, pk) -> VerificationRequest:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("Το αίτημα επαλήθευσης δεν βρέθηκε.") from None
    req = _detail(requests_for_user(user)).filter(pk=pk).first()
    if req is None:
        raise NotFound("Το αίτημα επαλήθευσης δεν βρέθηκε.")
    return req


def can_read_all(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*STAFF_ROLES))


def request_list_for_staff(*, user) -> QuerySet[VerificationRequest]:
    """Submitted requests for staff, newest submission first (drafts are the beneficiary's)."""
    if not can_read_all(user):
        return VerificationRequest.objects.none()
    return _with_counts(VerificationRequest.objects.exclude(state=VerificationRequest.State.DRAFT)).order_by(
        "-submitted_at", "-pk"
    )


def request_get_for_staff(*, user, pk) -> VerificationRequest:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("Το αίτημα επαλήθευσης δεν βρέθηκε.") from None
    req = _detail(request_list_for_staff(user=user)).filter(pk=pk).first()
    if req is None:
        raise NotFound("Το αίτημα επαλήθευσης δεν βρέθηκε.")
    return req


def can_download_receipt(user, req: VerificationRequest) -> bool:
    """Access hook for opske.pdf: the beneficiary's members, and staff readers once submitted."""
    return (
        requests_for_user(user).filter(pk=req.pk).exists()
        or request_list_for_staff(user=user).filter(pk=req.pk).exists()
    )


def attachment_get_for_user(*, user, request_id, pk) -> RequestAttachment:
    """A file the user may download: the beneficiary's members, staff readers once submitted."""
    try:
        request_id, pk = int(request_id), int(pk)
    except (TypeError, ValueError):
        raise NotFound("Το συνημμένο δεν βρέθηκε.") from None
    visible = requests_for_user(user).filter(pk=request_id).exists() or (
        request_list_for_staff(user=user).filter(pk=request_id).exists()
    )
    attachment = RequestAttachment.objects.filter(request_id=request_id, pk=pk).first() if visible else None
    if attachment is None:
        raise NotFound("Το συνημμένο δεν βρέθηκε.")
    return attachment


# --- the facts the rules read ------------------------------------------------------------------


def limits_for(call) -> rules.RequestLimits:
    deadlines = [
        {"kind": d.kind, "length": d.length, "unit": d.unit, "roll_to_working_day": d.roll_to_working_day}
        for d in call.deadlines.all()
    ]
    return rules.limits_from_call(config=call.config, deadlines=deadlines)


def counted_earlier(req: VerificationRequest) -> QuerySet[VerificationRequest]:
    """The operation's other requests that count for the call's limits, before this one."""
    return (
        VerificationRequest.objects.filter(operation_id=req.operation_id)
        .exclude(pk=req.pk)
        .exclude(state__in=NOT_COUNTING)
        .order_by("seq")
    )


def eligibility_window(operation: Operation):
    from opske.dates import to_athens

    submitted = operation.application.submitted_at if operation.application_id else None
    return rules.eligibility_window(
        application_submitted_on=to_athens(submitted).date() if submitted else None,
        call_eligibility_end=operation.call.expenditure_eligibility_end,
        operation_ends_on=operation.ends_on,
    )


def category_rows(req: VerificationRequest) -> list[rules.CategoryRow]:
    """The operation's approved budget lines against earlier counted requests and this one."""
    op = req.operation
    earlier = dict(
        ExpenditureItem.objects.filter(request__in=counted_earlier(req))
        .values_list("category")
        .annotate(total=Sum("amount"))
    )
    this: dict[str, Decimal] = {}
    for item in req.items.all():
        this[item.category] = this.get(item.category, ZERO) + item.amount
    lines = [(line.category, line.label, line.amount) for line in op.budget_lines.all()]
    lines.sort(key=lambda row: row[0])
    return rules.category_rows(lines=lines, earlier=earlier, this=this)


def category_labels(operation: Operation) -> dict[str, str]:
    """The labels of the call's expense categories (ΟΠΣΚΕ code → name) for the approved lines."""
    return {code: row["name"] for code, row in expense_categories(operation).items()}


def expense_categories(operation: Operation) -> dict[str, dict]:
    """The call's expense categories (ΟΠΣΚΕ code → personnel flag, flat rate), read once per request."""
    from calls.models import ExpenseCategory

    cached = getattr(operation, "_expense_categories", None)
    if cached is None:
        cached = {
            row["code"]: row
            for row in ExpenseCategory.objects.filter(call_id=operation.call_id).values(
                "code", "name", "is_personnel", "flat_rate_percent"
            )
        }
        operation._expense_categories = cached
    return cached


def flat_rate_categories(operation: Operation) -> frozenset[str]:
    """Categories paid as a flat rate (09.02 indirect costs, Πρόσκληση 004 §6.1): no invoice."""
    return frozenset(code for code, row in expense_categories(operation).items() if row["flat_rate_percent"])
