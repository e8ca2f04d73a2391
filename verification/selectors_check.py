"""Reads of the administrative verification, scoped to who may see them: staff of the
verification roles see every submitted ΔΔΔ; a business sees its own operations' requests only (any
other is a 404)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from accounts.models import Role
from opske.errors import NotFound
from verification.models import DeskCheck, ExpenditureItem, ItemResult, SampleEntry, VerificationRequest
from verification.rules import item_sampling
from verification.rules.subprojects import SUBPROJECT_TYPES

CHECK_READ_ROLES = (Role.VERIFIER, Role.SUPERVISOR, Role.PROGRAMME_ADMIN, Role.AUDITOR)
METHOD_LABELS = {
    "full": "Πλήρης έλεγχος (100%) — Ο.3 §4.3.1.Β.1",
    "sample": "Δείγμα κατ' ελάχιστο ποσοστού ανά κατηγορία δαπάνης — Ο.3 §4.3.1.Β.2",
    "second_level": (
        "Υποέργο 5011: όλες οι δαπάνες (η δειγματοληψία 2ου επιπέδου, Ο.3 §4.5, δεν εφαρμόζεται ανά δαπάνη)"
    ),
}


def can_read_checks(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*CHECK_READ_ROLES))


def _pk(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise NotFound("Το αίτημα επαλήθευσης δεν βρέθηκε.") from None


def requests_for_checks(user) -> QuerySet[VerificationRequest]:
    if not can_read_checks(user):
        return VerificationRequest.objects.none()
    return (
        VerificationRequest.objects.exclude(state=VerificationRequest.State.DRAFT)
        .select_related("operation__call", "operation__business", "desk_check__verifier")
        .order_by("submitted_at", "pk")
    )


def request_get_for_staff(*, user, pk) -> VerificationRequest:
    req = requests_for_checks(user).filter(pk=_pk(pk)).first()
    if req is None:
        raise NotFound("Το αίτημα επαλήθευσης δεν βρέθηκε.")
    return req


def requests_for_beneficiary(user) -> QuerySet[VerificationRequest]:
    from applications.selectors import applications_for_user

    if not getattr(user, "is_authenticated", False):
        return VerificationRequest.objects.none()
    apps = applications_for_user(user).values("pk")
    return (
        VerificationRequest.objects.filter(operation__application__in=apps)
        .exclude(state=VerificationRequest.State.DRAFT)
        .select_related("operation__call", "operation__business")
    )


def request_get_for_beneficiary(*, user, pk) -> VerificationRequest:
    req = requests_for_beneficiary(user).filter(pk=_pk(pk)).first()
    if req is None:
        raise NotFound("Το αίτημα επαλήθευσης δεν βρέθηκε.")
    return req


def check_of(req: VerificationRequest) -> DeskCheck | None:
    return DeskCheck.objects.filter(request=req).select_related("verifier").first()


def _why(entry: SampleEntry, check: DeskCheck, share: Decimal) -> str:
    if entry.reason == item_sampling.EXTENSION and entry.extension_id:
        return f"Επέκταση δείγματος ({entry.extension.get_scope_display()}): {entry.extension.reason}"
    return item_sampling.reason_label(entry.reason, draw=entry.draw, seed=check.sample_seed, share=share)


def sample_explanation(check: DeskCheck) -> dict:
    """For each sampled item why it is in the sample, and the coverage reached per category."""
    req = check.request
    params = item_sampling.SamplingParams.from_config(req.operation.call.config)
    items = list(ExpenditureItem.objects.filter(request=req).order_by("category", "pk"))
    entries = {
        e.item_id: e for e in SampleEntry.objects.filter(check_record=check).select_related("extension")
    }
    results = {r.item_id: r for r in ItemResult.objects.filter(item__request=req)}
    rows = [
        {
            "item": i,
            "entry": entries[i.pk],
            "why": _why(entries[i.pk], check, params.mandatory_share),
            "result": results.get(i.pk),
        }
        for i in items
        if i.pk in entries
    ]
    order = {
        item_sampling.FULL: 0,
        item_sampling.MANDATORY_LARGE: 1,
        item_sampling.MARKED: 2,
        item_sampling.RANDOM: 3,
        item_sampling.EXTENSION: 4,
    }
    rows.sort(
        key=lambda r: (
            r["item"].category,
            order.get(r["entry"].reason, 9),
            r["entry"].draw or 0,
            r["item"].pk,
        )
    )
    coverage = []
    if check.sampled_at:
        for c in item_sampling.coverage_of(
            [item_sampling.SampleItem(i.pk, i.category, i.amount) for i in items],
            entries.keys(),
            check.sample_percent or Decimal("100"),
        ):
            coverage.append(
                {
                    "category": c.category,
                    "items": c.items,
                    "total": c.total,
                    "target": c.target,
                    "sampled_items": c.sampled_items,
                    "sampled_total": c.sampled_total,
                    "achieved_percent": c.achieved_percent,
                    "met": c.met,
                }
            )
    return {
        "method": check.sample_method,
        "method_label": METHOD_LABELS.get(check.sample_method, ""),
        "subproject_label": SUBPROJECT_TYPES.get(check.subproject_type, ""),
        "rows": rows,
        "coverage": coverage,
        "unsampled": [i for i in items if i.pk not in entries],
        "mandatory_share": params.mandatory_share,
    }
