"""Evaluation methods plug into the common workflow here.

A method says which criteria its form has and what result a completed form gives; everything
else (assignment, conflict declarations, autosave, second level, decisions, objections) is common.
Sub-apps register theirs at import time (e.g. in their `apps.py` `ready()`)::

    from evaluation.methods import EvaluationMethod, register

    class ComparativeMethod(EvaluationMethod):
        code = "comparative"
        def criteria(self, call): ...            # list[evaluation.rules.CriterionSpec]
        def result(self, evaluation, findings):  # -> FormResult

    register(ComparativeMethod())

`findings` is {criterion_code: Finding}. `FormResult.complete=False` blocks submission with
`missing` listed; `result` is "pass"/"fail"; `score` is optional (two decimals).

A method may also override `conclude(application, evaluation, actor)` — what happens after the
second level (FCFS: the pre-inclusion check; COMPARATIVE/POINTS: nothing yet, the ranking decides).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from evaluation.rules import CriterionSpec
from evaluation.rules import fcfs as fcfs_rules


@dataclass(frozen=True)
class FormResult:
    complete: bool
    result: str = ""  # "pass" | "fail" | "" (incomplete)
    score: Decimal | None = None
    missing: tuple[str, ...] = ()
    reasons: tuple[str, ...] = field(default_factory=tuple)


class EvaluationMethod:
    code = ""
    # Whether the application waits in the queue by priority (FCFS) or all after the deadline.
    priority_queue = False

    def criteria(self, call) -> list[CriterionSpec]:
        rows = [
            {"code": c.code, "title": c.title, "group": c.group, "kind": c.kind, "max_score": c.max_score}
            for c in call.criteria.all()
        ]
        return [
            CriterionSpec(
                r["code"],
                r["title"],
                r["group"],
                "binary" if r["kind"] == "binary" else "scored",
                max_score=r["max_score"],
            )
            for r in rows
        ]

    def result(self, evaluation, findings) -> FormResult:
        specs = self.criteria(evaluation.application.call)
        missing = tuple(s.code for s in specs if s.code not in findings)
        if missing:
            return FormResult(False, missing=missing)
        negative = [c for c, f in findings.items() if f.value == "no"]
        return FormResult(True, "fail" if negative else "pass")

    def conclude(self, *, application, evaluation, actor) -> None:
        """After the second level; default: nothing (ranking methods decide on the whole round)."""


class FcfsDirectMethod(EvaluationMethod):
    """ΚΥΑ 7066 Annex 4: eight ΝΑΙ/ΟΧΙ criteria after the automatic Stage A timeliness check."""

    code = "fcfs_direct"
    priority_queue = True

    def criteria(self, call) -> list[CriterionSpec]:
        rows = [{"code": c.code, "title": c.title, "group": c.group} for c in call.criteria.all()]
        return fcfs_rules.criteria(rows)

    def stage_a(self, application):
        call = application.call
        return fcfs_rules.stage_a_timely(
            application.submitted_at, call.submission_opens_at, call.submission_closes_at
        )

    def result(self, evaluation, findings) -> FormResult:
        outcome = fcfs_rules.evaluate(
            {c: f.value for c, f in findings.items()},
            stage_a=self.stage_a(evaluation.application),
            justifications={c: f.justification for c, f in findings.items()},
        )
        if not outcome.complete:
            return FormResult(False, missing=outcome.missing, reasons=outcome.reasons)
        return FormResult(True, "pass" if outcome.passed else "fail", reasons=outcome.reasons)

    def conclude(self, *, application, evaluation, actor) -> None:
        from evaluation.services import fcfs_conclude_after_review

        fcfs_conclude_after_review(actor=actor, application_id=application.pk, evaluation=evaluation)


_METHODS: dict[str, EvaluationMethod] = {}


def register(method: EvaluationMethod) -> EvaluationMethod:
    _METHODS[method.code] = method
    return method


def method_for(code: str) -> EvaluationMethod:
    return _METHODS.get(code) or EvaluationMethod()


register(FcfsDirectMethod())
