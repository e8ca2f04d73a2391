"""Legal rules shared by every evaluation method, as pure functions over plain values.

- `CriterionSpec` describes one criterion of a form (binary ΝΑΙ/ΟΧΙ, or scored on a scale) with
  the guidance the evaluator sees beside it. Methods build their lists from the call's
  `EvaluationCriterion` rows and their own texts (see `evaluation.methods`).
- `check_finding()` refuses a score outside the criterion's scale and a negative or reduced
  finding without reasons (ΚΥΑ 7066 Art. 7.2Β: a rejection gives reasons for the whole proposal;
  call 004 §10.1: every score is justified).
- `ObjectionPolicy` and the deadline functions compute when an objection can still be filed and
  when its examination must end, from the call's `CallDeadline` rows or the per-method defaults
  cited below, counted with `opske.calendar`.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from opske.calendar import add_calendar_days, add_working_days, deadline_end
from opske.money import CENT
from opske.money import to_cents as money  # noqa: F401 (the one half-up rounding; re-exported)

YES = "yes"
NO = "no"
SCORE = "score"


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    title: str
    group: str = ""
    kind: str = "binary"  # "binary" (ΝΑΙ/ΟΧΙ) | "scored"
    max_score: Decimal | None = None
    min_score: Decimal = Decimal("0")
    guidance: str = ""
    citation: str = ""


@dataclass(frozen=True)
class FindingCheck:
    ok: bool
    field: str = ""
    message: str = ""
    score: Decimal | None = None


def check_finding(spec: CriterionSpec, *, value: str, score=None, justification: str = "") -> FindingCheck:
    """Whether one finding may be recorded as given; the Greek message says why not.

    Binary: value must be ΝΑΙ or ΟΧΙ; ΟΧΙ needs reasons. Scored: the score must lie on the scale
    [min, max] with at most two decimals (call 004 §10.1: «με ακρίβεια δύο δεκαδικών»); anything
    below the maximum is a reduced finding and needs reasons.
    """
    reasons_given = bool((justification or "").strip())
    if spec.kind == "binary":
        if value not in (YES, NO):
            return FindingCheck(False, "value", f"Κριτήριο {spec.code}: επιλέξτε ΝΑΙ ή ΟΧΙ.")
        if value == NO and not reasons_given:
            return FindingCheck(
                False,
                "justification",
                f"Κριτήριο {spec.code}: η αρνητική κρίση (ΟΧΙ) απαιτεί αιτιολόγηση.",
            )
        return FindingCheck(True)
    try:
        number = Decimal(str(score).replace(",", ".").strip())
    except (InvalidOperation, AttributeError):
        return FindingCheck(False, "score", f"Κριτήριο {spec.code}: δώστε αριθμητική βαθμολογία.")
    if not number.is_finite() or number != number.quantize(CENT):
        return FindingCheck(False, "score", f"Κριτήριο {spec.code}: η βαθμολογία έχει έως δύο δεκαδικά.")
    top = spec.max_score if spec.max_score is not None else Decimal("10")
    if number < spec.min_score or number > top:
        return FindingCheck(
            False,
            "score",
            f"Κριτήριο {spec.code}: η βαθμολογία πρέπει να είναι από {spec.min_score} έως {top}.",
        )
    if number < top and not reasons_given:
        return FindingCheck(
            False,
            "justification",
            f"Κριτήριο {spec.code}: βαθμολογία κάτω από το μέγιστο ({top}) απαιτεί αιτιολόγηση.",
        )
    return FindingCheck(True, score=number.quantize(CENT))


def missing_criteria(specs, codes_found) -> list[str]:
    """Criteria without a finding: every group is completed, even after a negative one."""
    found = set(codes_found)
    return [s.code for s in specs if s.code not in found]


# --- objections --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectionPolicy:
    days: int
    counting: str  # "calendar" | "working"
    anchor: str  # CallDeadline.Anchor value: "day_after_notification" | "notification" | "day_after_posting"
    roll_to_working_day: bool
    decision_days: int
    decision_counting: str
    reedit_allowed: bool
    body: str
    citation: str


# Per-method defaults when a call has no CallDeadline row (the seeds' own numbers).
DEFAULT_POLICIES: Mapping[str, ObjectionPolicy] = {
    # ΚΥΑ 7066 Art. 7.5: 10 calendar days from the day after notification, once; Π.ΕΠ.Ε.Ε. opinion,
    # Κ.ΕΠ.Ε.Ε. decision within 15 working days from the objection deadline.
    "fcfs_direct": ObjectionPolicy(
        10, "calendar", "day_after_notification", False, 15, "working", False,
        "Π.ΕΠ.Ε.Ε. (γνωμοδότηση) και Κ.ΕΠ.Ε.Ε. (απόφαση)", "ΚΥΑ 7066 Άρθ. 7.5",
    ),
    # Call 004 §10.4: 10 days from notification, the objection may be edited until the deadline.
    "comparative": ObjectionPolicy(
        10, "calendar", "day_after_notification", True, 15, "working", True,
        "Επιτροπή Εξέτασης Ενστάσεων", "Πρόσκληση 004 §10.4",
    ),
    # ΚΥΑ 16936 Art. 5(8): 3 working days from the day after publication; decision in 10 working days.
    "points_ranking": ObjectionPolicy(
        3, "working", "day_after_posting", False, 10, "working", False,
        "Επιτροπή Ενστάσεων ΔΥΠΑ", "ΚΥΑ 16936 Άρθ. 5(8)",
    ),
}  # fmt: skip


def objection_policy(method: str, *, objection_row=None, decision_row=None, config: Mapping | None = None):
    """The objection rule of a call: its CallDeadline rows (plain dicts) over the method's default."""
    base = DEFAULT_POLICIES.get(method, DEFAULT_POLICIES["fcfs_direct"])
    cfg = config or {}
    values = dict(base.__dict__)
    if objection_row:
        values.update(
            days=int(objection_row["length"]),
            counting=objection_row["counting"],
            anchor=objection_row["anchor"],
            roll_to_working_day=bool(objection_row.get("roll_to_working_day")),
            citation=objection_row.get("citation") or base.citation,
        )
    if decision_row:
        values.update(decision_days=int(decision_row["length"]), decision_counting=decision_row["counting"])
    if "objection_reedit" in cfg:
        values["reedit_allowed"] = bool(cfg["objection_reedit"])
    if cfg.get("objection_body"):
        values["body"] = str(cfg["objection_body"])
    return ObjectionPolicy(**values)


def objection_deadline(policy: ObjectionPolicy, anchor_on: datetime.date) -> datetime.date:
    """Last day to object. `anchor_on` is the notification's sending date (or publication date).

    ΚΥΑ 7066 Art. 7.5: notice sent Mon 2025-06-02 → counting starts 06-03 → last day 2025-06-12.
    """
    start_next_day = policy.anchor.startswith("day_after")
    return deadline_end(
        anchor_on,
        policy.days,
        kind=policy.counting,
        start_next_day=start_next_day,
        roll_to_working_day=policy.roll_to_working_day,
    )


def objection_decision_due(policy: ObjectionPolicy, filing_deadline: datetime.date) -> datetime.date:
    """Examination ends within N (working) days from the objection deadline (ΚΥΑ 7066 Art. 7.5)."""
    if policy.decision_counting == "working":
        return add_working_days(filing_deadline, policy.decision_days)
    return add_calendar_days(filing_deadline, policy.decision_days)


def objection_is_timely(policy: ObjectionPolicy, anchor_on: datetime.date, today: datetime.date) -> bool:
    return today <= objection_deadline(policy, anchor_on)


def clarification_due(
    requested_on: datetime.date, *, days: int = 5, counting: str = "calendar"
) -> datetime.date:
    """ΚΥΑ 7066 Art. 7.1β: «εντός 5 ημερών», else rejection. Calendar days by default (gap 4)."""
    if counting == "working":
        return add_working_days(requested_on, days)
    return add_calendar_days(requested_on, days)
