"""FCFS_DIRECT — «άμεση αξιολόγηση» of ΚΥΑ 7066/2025, Annex 4, as pure functions.

- Stage A (Art. 7.2Α, Annex 4 §3Α) starts with an automatic check that the final submission was
  within the call window; then the evaluator fills the eight ΝΑΙ/ΟΧΙ criteria of Annex 4 §3.
- Every group is completed even after a ΟΧΙ (Art. 7.2Β), so a rejection gives reasons for the
  whole proposal; the result is «Η πράξη εγκρίνεται» only if all eight are ΝΑΙ (Annex 4, result
  row «ΠΡΟΫΠΟΘΕΣΗ ΘΕΤΙΚΗΣ ΑΞΙΟΛΟΓΗΣΗΣ»).
- The approved amount is Σ persons × category rate × 12 months (Art. 5.1.1, 5.1.3): €1,185.00 for
  01.22 and €829.50 for 01.23 (= €14,220.00 and €9,954.00 per person).
- The ΠΣΣΕΗΣ cumulation check is repeated before approval (Art. 7.2): prior de minimis of the
  single undertaking + this aid ≤ €300,000 (Art. 2.4, 2.8 and Reg. 2023/2831 Art. 3(2)); a breach
  makes criterion 4 ΟΧΙ — the whole new aid is not covered (Art. 2.9, worked example E9).
- Applications are taken in priority order (Art. 6.3, 7.2); once the area's pool cannot cover the
  whole amount an eligible application is «εγκεκριμένη μη επιχορηγούμενη» (Art. 7.3; no
  part-funding by default, gap 19).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from evaluation.rules import NO, YES, CriterionSpec, money
from opske.money import format_eur

CITATION = "ΚΥΑ 7066 Παρ. 4 §3"
GROUP_A = "Πληρότητα και επιλεξιμότητα"
GROUP_B = "Νομικό πλαίσιο και οριζόντιες πολιτικές"
SUBSIDY_MONTHS = 12
DE_MINIMIS_CEILING = Decimal("300000.00")
DEFAULT_RATES = {"01.22": Decimal("1185.00"), "01.23": Decimal("829.50")}

# Εξειδίκευση column of Annex 4, shown beside each criterion as guidance.
GUIDANCE = {
    "1": "Ελέγξτε ότι ο αιτών είναι επιχείρηση της κατηγορίας δυνητικών δικαιούχων (Άρθ. 4.1).",
    "2": "Τηρήθηκε η διαδικασία και επισυνάπτονται όλα τα δικαιολογητικά του Παραρτήματος 1 "
    "(09.04 υπεύθυνη δήλωση σώρευσης, 02.06 πραγματικοί δικαιούχοι). Ελλείποντα δεν ζητούνται (Άρθ. 7.1β).",
    "3": "Μη επικάλυψη με άλλα προγράμματα ή χρηματοδοτικά μέσα — έλεγχος μέσω τρίτων συστημάτων.",
    "4": "(α) μη μείωση προσωπικού τον τελευταίο μήνα (ΕΡΓΑΝΗ)· (β) όχι κυρώσεις άρθ. 40 ν.4488/2017· "
    "(γ) θέσεις εντός ορίου 300.000 €· (δ) δραστηριότητα/κλάδος (Παρ. 2)· (ε) τόπος έδρας/υποκαταστήματος· "
    "(στ) de minimis ≤ 300.000 € (ΠΣΣΕΗΣ)· (ζ) όχι εκκρεμής ανάκτηση.",
    "5": "ΝΑΙ και όταν η πράξη απευθύνεται στο σύνολο του πληθυσμού χωρίς διάκριση.",
    "6": "Σεβασμός του Χάρτη Θεμελιωδών Δικαιωμάτων· συμβατότητα με κανόνες ανταγωνισμού "
    "και κρατικών ενισχύσεων.",
    "7": "Μη διάκριση λόγω φύλου, φυλής, εθνοτικής καταγωγής, θρησκείας, αναπηρίας, ηλικίας "
    "ή γενετήσιου προσανατολισμού.",
    "8": "ΝΑΙ αν πληρούνται οι απαιτήσεις του Παραρτήματος 7 ή δεν απαιτούνται λόγω της φύσης της πράξης.",
}

CRITERIA: tuple[CriterionSpec, ...] = (
    CriterionSpec("1", "Ο δυνητικός δικαιούχος εμπίπτει στις κατηγορίες δικαιούχων", GROUP_A),
    CriterionSpec(
        "2", "Τυπική πληρότητα: τηρήθηκε η διαδικασία και επισυνάπτονται όλα τα δικαιολογητικά", GROUP_A
    ),
    CriterionSpec(
        "3", "Μη επικάλυψη με άλλα προγράμματα ή χρηματοδοτικά μέσα (διπλή χρηματοδότηση)", GROUP_A
    ),
    CriterionSpec("4", "Πληρούνται οι προϋποθέσεις της επιχείρησης", GROUP_A),
    CriterionSpec("5", "Ισότητα ανδρών και γυναικών", GROUP_B),
    CriterionSpec(
        "6", "Χάρτης Θεμελιωδών Δικαιωμάτων· κανόνες ανταγωνισμού και κρατικών ενισχύσεων", GROUP_B
    ),
    CriterionSpec("7", "Μη διάκριση", GROUP_B),
    CriterionSpec("8", "Προσβασιμότητα ατόμων με αναπηρία (Παράρτημα 7)", GROUP_B),
)


def criteria(rows: Iterable[Mapping] = ()) -> list[CriterionSpec]:
    """The Annex 4 form, titles taken from the call's criteria rows when it has them."""
    titles = {str(r["code"]): (r["title"], r.get("group") or "") for r in rows}
    out = []
    for spec in CRITERIA:
        title, group = titles.get(spec.code, (spec.title, spec.group))
        out.append(
            CriterionSpec(
                spec.code,
                title,
                group or spec.group,
                "binary",
                guidance=GUIDANCE[spec.code],
                citation=CITATION,
            )
        )
    return out


@dataclass(frozen=True)
class StageA:
    ok: bool
    reason: str = ""


def stage_a_timely(
    submitted_at: datetime.datetime | None,
    opens_at: datetime.datetime | None,
    closes_at: datetime.datetime | None,
) -> StageA:
    """Stage A, automatic: the final submission falls within the call window (Art. 7.2Α, 6.1)."""
    if submitted_at is None:
        return StageA(False, "Η αίτηση δεν έχει οριστικοποιηθεί (Άρθ. 6.3).")
    if opens_at and submitted_at < opens_at:
        return StageA(False, "Η οριστικοποίηση έγινε πριν από την έναρξη υποβολών (Άρθ. 6.1).")
    if closes_at and submitted_at >= closes_at:
        return StageA(False, "Η οριστικοποίηση έγινε μετά τη λήξη υποβολών (Άρθ. 6.1).")
    return StageA(True, "Η αίτηση υποβλήθηκε εμπρόθεσμα (Άρθ. 6.1, 7.2Α).")


@dataclass(frozen=True)
class FcfsResult:
    passed: bool
    complete: bool
    negatives: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    reasons: tuple[str, ...] = field(default_factory=tuple)


def evaluate(
    findings: Mapping[str, str], *, stage_a: StageA | None = None, justifications=None
) -> FcfsResult:
    """Annex 4 result: all eight ΝΑΙ → approved; any ΟΧΙ → rejected with every negative's reason.

    `findings` maps criterion code → "yes"/"no". A form with a criterion left empty is not
    complete and has no result (every group is filled even after a ΟΧΙ, Art. 7.2Β).
    """
    justifications = justifications or {}
    missing = tuple(s.code for s in CRITERIA if findings.get(s.code) not in (YES, NO))
    negatives = tuple(s.code for s in CRITERIA if findings.get(s.code) == NO)
    reasons = []
    if stage_a is not None and not stage_a.ok:
        reasons.append(f"Στάδιο Α: {stage_a.reason}")
    for spec in CRITERIA:
        if spec.code in negatives:
            why = (justifications.get(spec.code) or "").strip()
            reasons.append(f"Κριτήριο {spec.code} ({spec.title}): ΟΧΙ — {why}")
    if missing:
        return FcfsResult(False, False, negatives, missing, tuple(reasons))
    passed = not negatives and (stage_a is None or stage_a.ok)
    if passed:
        reasons.append("Όλα τα κριτήρια είναι ΝΑΙ: η πράξη εγκρίνεται (Παρ. 4).")
    return FcfsResult(passed, True, negatives, (), tuple(reasons))


@dataclass(frozen=True)
class CategoryAmount:
    category: str
    persons: int
    monthly_rate: Decimal
    months: int
    amount: Decimal


@dataclass(frozen=True)
class ApprovedAmount:
    per_category: tuple[CategoryAmount, ...]
    persons: int
    total: Decimal


def approved_amount(
    positions: Iterable[tuple[str, int]],
    rates: Mapping[str, Decimal] | None = None,
    *,
    months: int = SUBSIDY_MONTHS,
) -> ApprovedAmount:
    """approved_total = Σ persons × rate(category) × 12 (Art. 5.1.1, 5.1.3; §6.2 of the notes).

    E6: 3 × 01.22 + 2 × 01.23 = 42,660.00 + 19,908.00 = €62,568.00.
    """
    rates = rates or DEFAULT_RATES
    persons_by_cat: dict[str, int] = {}
    for category, persons in positions:
        if category not in rates:
            raise ValueError(f"άγνωστη κατηγορία ανέργου {category!r}")
        persons_by_cat[category] = persons_by_cat.get(category, 0) + int(persons)
    rows = tuple(
        CategoryAmount(cat, n, money(rates[cat]), months, money(Decimal(n) * money(rates[cat]) * months))
        for cat, n in sorted(persons_by_cat.items())
    )
    return ApprovedAmount(
        rows, sum(r.persons for r in rows), money(sum((r.amount for r in rows), Decimal("0")))
    )


@dataclass(frozen=True)
class DeMinimisCheck:
    ok: bool
    prior: Decimal
    requested: Decimal
    ceiling: Decimal
    reason: str


def de_minimis_recheck(
    prior: Decimal, requested: Decimal, ceiling: Decimal = DE_MINIMIS_CEILING
) -> DeMinimisCheck:
    """Cumulation check repeated before approval (Art. 7.2): prior + requested ≤ ceiling.

    E9: prior €290,000 + one 01.22 hire €14,220 = €304,220 > €300,000 → fails as a whole (Art. 2.9).
    """
    prior, requested, ceiling = money(prior), money(requested), money(ceiling)
    total = prior + requested
    if total <= ceiling:
        return DeMinimisCheck(
            True,
            prior,
            requested,
            ceiling,
            f"Σώρευση {format_eur(total)} ≤ {format_eur(ceiling)} (Άρθ. 2.4, 7.2).",
        )
    return DeMinimisCheck(
        False,
        prior,
        requested,
        ceiling,
        f"Υπέρβαση ορίου de minimis: {format_eur(prior)} προηγούμενες ενισχύσεις της ενιαίας επιχείρησης "
        f"+ {format_eur(requested)} "
        f"= {format_eur(total)} > {format_eur(ceiling)} (Άρθ. 2.4, 2.9, 7.2). Κριτήριο 4(στ) = ΟΧΙ.",
    )


APPROVED = "approved"
APPROVED_NOT_FUNDED = "approved_not_funded"
REJECTED = "rejected"


def funding_outcome(*, evaluation_passed: bool, de_minimis_ok: bool, pool_covers: bool) -> str:
    """Final status after the pre-inclusion check (Art. 7.3): approved / approved-not-funded / rejected."""
    if not evaluation_passed or not de_minimis_ok:
        return REJECTED
    return APPROVED if pool_covers else APPROVED_NOT_FUNDED
