"""Which submitted declarations get a desk check (Guidance Ο.3 §4.3.1.A, Table 1).

`flag_for_desk_check` is called by the submission service, inside its transaction, and records on
the request whether it is «προς επαλήθευση», by which rule(s) (verification.rules.risk
`desk_check_rules`), and the stratum and score it was decided on: those of the operation in the
latest monthly run of its Programme and body (§4.3.1: «εκτίμηση κινδύνου … που εφαρμόζεται κάθε
μήνα»), or of the initial run that ranked it after its inclusion (§4.2.2) when that is later.
[INTERP] An operation not in any run yet (included after the last run) is treated as high risk:
all its ΔΔΔ are checked until a run ranks it, and its score snapshot stays empty.

Staff may add a ΔΔΔ with a recorded reason (`request_flag_by_staff`): on medium/low operations a
ΔΔΔ of ≥ 30% of the sub-project budget; in any stratum, because of earlier problems.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from opske import audit
from opske.errors import Conflict, ValidationFailed
from verification.models import RiskRun, RiskScore, VerificationRequest
from verification.rules import risk as rules
from verification.rules.subprojects import subproject_type_for

NO_RUN_STRATUM = rules.HIGH


def stratum_for(operation) -> tuple[str, int | None]:
    """(stratum, score) of the operation in its latest monthly run — or the initial run that ranked
    it after inclusion, if later; (high, None) if none yet."""
    score = (
        RiskScore.objects.filter(
            operation=operation, run__kind__in=[RiskRun.Kind.MONTHLY, RiskRun.Kind.INITIAL]
        )
        .order_by("-run__as_of", "-run_id")
        .values_list("stratum", "total")
        .first()
    )
    if score is None:
        return NO_RUN_STRATUM, None
    return score[0], score[1]


def _declaration(request: VerificationRequest, sco: set[str]) -> rules.Declaration:
    return rules.Declaration(
        declared=request.declared_total or Decimal("0"),
        advance_only=request.advance_only,
        is_final=request.is_final,
        sco_types=frozenset(sco),
        ex_post_contract=request.ex_post_contract,
    )


def _sco_by_request(request_ids) -> dict[int, set[str]]:
    from verification.models import ExpenditureItem

    out: dict[int, set[str]] = {}
    for rid, sco in (
        ExpenditureItem.objects.filter(request_id__in=request_ids)
        .exclude(sco_type="")
        .values_list("request_id", "sco_type")
    ):
        out.setdefault(rid, set()).add(sco)
    return out


def flag_for_desk_check(*, request: VerificationRequest) -> VerificationRequest:
    operation = request.operation
    earlier = list(
        VerificationRequest.objects.filter(operation_id=request.operation_id, seq__lt=request.seq)
        .exclude(state=VerificationRequest.State.DRAFT)
        .order_by("seq")
    )
    sco = _sco_by_request([r.pk for r in earlier] + [request.pk])
    stratum, score = stratum_for(operation)
    budget = operation.public_expenditure or operation.approved_total or Decimal("0")
    matched = rules.desk_check_rules(
        stratum=stratum,
        subproject_type=subproject_type_for(operation),
        budget=budget,
        earlier=[_declaration(r, sco.get(r.pk, set())) for r in earlier],
        current=_declaration(request, sco.get(request.pk, set())),
    )
    request.selected = bool(matched)
    request.selection_rule = "+".join(matched)
    request.stratum_at_selection = stratum
    request.score_at_selection = score
    VerificationRequest.objects.filter(pk=request.pk).update(
        selected=request.selected,
        selection_rule=request.selection_rule,
        stratum_at_selection=stratum,
        score_at_selection=score,
    )
    return request


def selection_labels(rule: str) -> list[str]:
    """«first+30%» → the Greek label of each rule, for the pages."""
    return [rules.RULE_LABELS.get(code, code) for code in (rule or "").split("+") if code]


def request_flag_by_staff(
    *, actor, request: VerificationRequest, ground: str, reason: str
) -> VerificationRequest:
    """Add a submitted, not selected ΔΔΔ to the desk checks with the ground and its justification
    («η ΔΑ/ΕΦ τεκμηριώνει στο ΔΔΔ στο ΟΠΣ τη σκοπιμότητα», §4.3.1.A box)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Γράψτε την αιτιολόγηση της επιλογής.", code="selection_reason", fields={"reason": "required"}
        )
    with transaction.atomic():
        locked = (
            VerificationRequest.objects.select_for_update().select_related("operation").get(pk=request.pk)
        )
        if locked.state == VerificationRequest.State.DRAFT:
            raise Conflict("Το ΔΔΔ δεν έχει υποβληθεί.", code="selection_not_submitted")
        if locked.selected:
            raise Conflict("Το ΔΔΔ είναι ήδη «προς επαλήθευση».", code="selection_already")
        stratum = locked.stratum_at_selection or stratum_for(locked.operation)[0]
        op = locked.operation
        refusal = rules.staff_selection_refusal(
            ground=ground,
            stratum=stratum,
            declared=locked.declared_total or Decimal("0"),
            budget=op.public_expenditure or op.approved_total or Decimal("0"),
        )
        if refusal:
            raise ValidationFailed(refusal, code="selection_ground", fields={"ground": refusal})
        before = {"selected": locked.selected, "selection_rule": locked.selection_rule}
        locked.selected = True
        locked.selection_rule = "staff"
        locked.selection_reason = f"{rules.STAFF_GROUNDS[ground]}: {reason}"
        locked.stratum_at_selection = stratum
        VerificationRequest.objects.filter(pk=locked.pk).update(
            selected=True,
            selection_rule="staff",
            selection_reason=locked.selection_reason,
            stratum_at_selection=stratum,
        )
        audit.record(
            actor=actor,
            action="verification.request.selected_by_staff",
            obj=locked,
            before=before,
            after={"selected": True, "selection_rule": "staff", "ground": ground},
            reason=reason,
        )
    return locked
