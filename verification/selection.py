"""Which submitted declarations get a desk check (Guidance Ο.3 §4.3.1.A, Table 1).

`flag_for_desk_check` is called by the submission service, inside its transaction, and records on
the request whether it is «προς επαλήθευση» and by which rule. Interim version: only the rule that
holds for every stratum (the first ΔΔΔ of the sub-project; an advance-only ΔΔΔ does not count) —
the risk-method area replaces it with the whole of Table 1.
"""

from __future__ import annotations

from verification.models import VerificationRequest


def flag_for_desk_check(*, request: VerificationRequest) -> VerificationRequest:
    earlier = (
        VerificationRequest.objects.filter(
            operation_id=request.operation_id, seq__lt=request.seq, advance_only=False
        )
        .exclude(state=VerificationRequest.State.DRAFT)
        .exists()
    )
    first = not earlier and not request.advance_only
    request.selected = first
    request.selection_rule = "first" if first else ""
    VerificationRequest.objects.filter(pk=request.pk).update(
        selected=request.selected, selection_rule=request.selection_rule
    )
    return request
