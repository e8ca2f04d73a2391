"""FCFS_DIRECT — «άμεση αξιολόγηση» of ΚΥΑ 7066/2025, Annex 4, as pure functions.

- Stage A (Art. 7.2Α, Annex 4 §3Α) starts with an automatic check that the final submission was
  within the call window; then the evaluator fills the eight ΝΑΙ/ΟΧΙ criteria of Annex 4 §3.
- Every group is completed even after a ΟΧΙ (Art. 7.2Β), so a rejection gives reasons for the
  whole proposal; the result is «Η πράξη εγκρίνεται» only if all eight are ΝΑΙ (Annex 4, result
  row «ΠΡΟΫΠΟΘΕΣΗ ΘΕΤΙΚΗΣ ΑΞΙΟΛΟΓΗΣΗΣ»).
- The approved amount is Σ persons × category rate × 12 months (Art. 5.1.1, 5.1.3): €1,185.00 for
  01.22 and €829.50 for 01.23 (= €14,220.00 and €9,954.00 per person).
- The cumulation check is repeated before approval (Art. 7.2) with the one rule of submission
  (`applications.rules.de_minimis_cumulation`: every de minimis regulation in ΠΣΣΕΗΣ plus the
  declared grants it does not show); a breach makes criterion 4 ΟΧΙ — the whole new aid is not
  covered (Art. 2.9, worked example E9) — and the rejection lists every criteria group's answer.
- Applications are taken in priority order (Art. 6.3, 7.2); once the area's pool cannot cover the
  whole amount an eligible application is «εγκεκριμένη μη επιχορηγούμενη» (Art. 7.3; no
  part-funding by default, gap 19).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from evaluation.rules import NO, YES, CriterionSpec, money

CITATION = "ΚΥΑ 7066 Παρ. 4 §3"
GROUP_A = "Πληρότητα και επιλεξιμότητα"
GROUP_B = "Νομικό πλαίσιο και οριζόντιες πολιτικές"
SUBSIDY_MONTHS = 12
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


def criteria_answers(
    findings: Mapping[str, tuple[str, str]], *, computed: Mapping[str, str] | None = None
) -> list[str]:
    """Every criteria group's answer, for a reasoned rejection (Art. 7.2Β: «η αιτιολογημένη απόρριψη
    της πρότασης να περιλαμβάνει κρίση για το σύνολο της πρότασης»; Art. 7.5 the business objects).

    `findings`: code → (value, justification) as the evaluation concluded; `computed`: code → the
    reason a computed check (the de minimis re-check of Art. 7.2) makes that criterion ΟΧΙ.
    """
    computed = computed or {}
    lines = []
    for group in (GROUP_A, GROUP_B):
        for spec in (s for s in CRITERIA if s.group == group):
            value, why = findings.get(spec.code, ("", ""))
            if spec.code in computed:
                lines.append(f"{group} — Κριτήριο {spec.code} ({spec.title}): ΟΧΙ — {computed[spec.code]}")
            elif value == NO:
                lines.append(f"{group} — Κριτήριο {spec.code} ({spec.title}): ΟΧΙ — {why}".rstrip(" —"))
            elif value == YES:
                lines.append(f"{group} — Κριτήριο {spec.code} ({spec.title}): ΝΑΙ")
            else:
                lines.append(f"{group} — Κριτήριο {spec.code} ({spec.title}): χωρίς κρίση")
    return lines


APPROVED = "approved"
APPROVED_NOT_FUNDED = "approved_not_funded"
REJECTED = "rejected"


def funding_outcome(*, evaluation_passed: bool, de_minimis_ok: bool, pool_covers: bool) -> str:
    """Final status after the pre-inclusion check (Art. 7.3): approved / approved-not-funded / rejected."""
    if not evaluation_passed or not de_minimis_ok:
        return REJECTED
    return APPROVED if pool_covers else APPROVED_NOT_FUNDED


# --- staff reduction (ΚΥΑ 7066 Άρθ. 4.1.2–4.1.6; Παρ. 4 κριτ. 4(α)) ------------------------------

# ΕΡΓΑΝΗ departure kinds (interop.ergani.DEPARTURE_KIND) against the article's two lists. ΕΡΓΑΝΗ
# files the form, not the cause: a dismissal (Ε6) is a reduction (4.1.3α) unless the business shows
# with documents one of 4.1.6 (retirement, serious cause); a resignation (Ε5) is not (4.1.6δ)
# unless it is deemed a dismissal (4.1.3δ, άρθ. 38 ν. 4488/2017). Hence the documents the evaluator
# may request (4.1.5β, 4.1.6 last paragraph).
REDUCTION_BY_KIND: dict[str, tuple[bool, str]] = {
    "dismissal": (True, "καταγγελία σύμβασης εργασίας: μείωση (Άρθ. 4.1.3α)"),
    "full_to_part_time": (True, "αλλαγή από πλήρη σε μερική/εκ περιτροπής απασχόληση: μείωση (Άρθ. 4.1.3β)"),
    "employer_voluntary_exit": (True, "εθελουσία έξοδος με πρωτοβουλία του εργοδότη: μείωση (Άρθ. 4.1.3γ)"),
    "deemed_dismissal": (True, "οικειοθελής αποχώρηση που λογίζεται καταγγελία: μείωση (Άρθ. 4.1.3δ)"),
    "availability": (True, "θέση σε διαθεσιμότητα: μείωση (Άρθ. 4.1.3ε)"),
    "retention": (True, "επίσχεση εργασίας (άρθ. 325 ΑΚ): μείωση (Άρθ. 4.1.3στ)"),
    "retirement": (False, "συνταξιοδότηση: δεν είναι μείωση (Άρθ. 4.1.6α)"),
    "serious_cause": (False, "καταγγελία για σπουδαίο λόγο του εργαζομένου: δεν είναι μείωση (Άρθ. 4.1.6β)"),
    "fixed_term_end": (False, "λήξη σύμβασης ορισμένου χρόνου: δεν είναι μείωση (Άρθ. 4.1.6γ)"),
    "resignation": (False, "οικειοθελής αποχώρηση: δεν είναι μείωση (Άρθ. 4.1.6δ)"),
    "imprisonment": (False, "φυλάκιση: δεν είναι μείωση (Άρθ. 4.1.6ε)"),
    "death": (False, "θάνατος: δεν είναι μείωση (Άρθ. 4.1.6ε)"),
    "permit_not_renewed": (False, "μη ανανέωση άδειας διαμονής/εργασίας: δεν είναι μείωση (Άρθ. 4.1.6στ)"),
}
REDUCTION_DOCUMENTS = (
    "Για κάθε αποχώρηση που η επιχείρηση θεωρεί ότι δεν είναι μείωση: τα δικαιολογητικά της αιτίας "
    "(συνταξιοδότηση, σπουδαίος λόγος, λήξη σύμβασης ορισμένου χρόνου, οικειοθελής αποχώρηση, φυλάκιση "
    "ή θάνατος, μη ανανέωση άδειας διαμονής) — ΚΥΑ 7066 Άρθ. 4.1.6.",
    "Για μείωση που καλύφθηκε: τα στοιχεία της πρόσληψης που την κάλυψε, αν δεν εμφανίζεται στο ΕΡΓΑΝΗ "
    "— ΚΥΑ 7066 Άρθ. 4.1.5β.",
)


def headcount_window_start(submitted_on: datetime.date, window: str = "rolling") -> datetime.date:
    """The start of «ο ελεγχόμενος μήνας» (Art. 4.1.2, «ημερολογιακά»), setting `headcount_window`.

    `rolling` (default, gap 5): the same day one calendar month before the submission, clamped to
    the month's last day (submitted 31/03/2026 → 28/02/2026; 10/03/2026 → 10/02/2026).
    `previous_calendar`: the first day of the previous calendar month (10/03/2026 → 01/02/2026).
    Either way the headcount then is compared with the one on the submission date.
    """
    year, month = (
        (submitted_on.year, submitted_on.month - 1) if submitted_on.month > 1 else (submitted_on.year - 1, 12)
    )
    if window == "previous_calendar":
        return datetime.date(year, month, 1)

    return datetime.date(year, month, min(submitted_on.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class DepartureVerdict:
    left_on: datetime.date  # last day of employment
    kind: str
    form: str
    protocol: str
    counted: bool
    reason: str


@dataclass(frozen=True)
class StaffPeriod:
    label: str
    start: datetime.date
    end: datetime.date
    headcount_start: int
    headcount_end: int
    departures: tuple[DepartureVerdict, ...]
    hires: tuple[datetime.date, ...]
    uncovered: int  # reduction positions not covered by the end of the period
    ok: bool
    reason: str


@dataclass(frozen=True)
class StaffReduction:
    ok: bool
    window: str
    periods: tuple[StaffPeriod, ...]
    message: str
    documents: tuple[str, ...] = REDUCTION_DOCUMENTS


def _d(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def _period(label, start, end, headcount, departures, hires, cover_by, citation) -> StaffPeriod:
    verdicts = []
    for dep in sorted(departures, key=lambda d: d["left_on"]):
        if not (start <= dep["left_on"] < end):
            continue  # employed on its last day: a departure on `end` is not yet a change at `end`
        counted, why = REDUCTION_BY_KIND.get(
            dep["kind"], (True, f"αιτία «{dep['kind']}» εκτός των εξαιρέσεων του Άρθ. 4.1.6: μείωση")
        )
        verdicts.append(
            DepartureVerdict(
                dep["left_on"], dep["kind"], dep.get("form", ""), dep.get("protocol", ""), counted, why
            )
        )
    hired = tuple(sorted(h for h in hires if start < h <= end))
    before, after = headcount[start], headcount[end]
    counted = sum(1 for v in verdicts if v.counted)
    # Art. 4.1.2: the same number on both dates is enough, whatever moved in between; a fall is a
    # reduction only as far as departures of 4.1.3 explain it and no hire covered them.
    uncovered = 0 if after >= before else min(before - after, max(0, counted - len(hired)))
    figures = f"προσωπικό {before} στις {_d(start)} και {after} στις {_d(end)}"
    if after >= before:
        reason = f"{label}: {figures} — καμία μείωση ({citation})."
    elif not uncovered:
        reason = (
            f"{label}: {figures}· η διαφορά οφείλεται σε αποχωρήσεις που δεν είναι μείωση ή καλύφθηκε με "
            f"{len(hired)} πρόσληψη/εις ({citation}, 4.1.6)."
        )
    else:
        reason = (
            f"{label}: {figures}· {counted} αποχώρηση/εις μετρούν ως μείωση, {len(hired)} πρόσληψη/εις· "
            f"μείωση {uncovered} θέσης/εων χωρίς κάλυψη έως {cover_by} ({citation})."
        )
    return StaffPeriod(
        label, start, end, before, after, tuple(verdicts), hired, uncovered, not uncovered, reason
    )


def headcount_period(
    *,
    label: str,
    start: datetime.date,
    end: datetime.date,
    headcount_start: int,
    headcount_end: int,
    departures: Iterable[Mapping] = (),
    hires: Iterable[datetime.date] = (),
    cover_by: str,
    citation: str,
) -> StaffPeriod:
    """One comparison of two headcounts with the departures (4.1.3 counted, 4.1.6 not) and hires
    between them, as criterion 4(α) does; ΚΥΑ 7066 Art. 10.1–10.2 reuse it during implementation
    with the committed staff as the first figure (operations.services.hires)."""
    return _period(
        label, start, end, {start: headcount_start, end: headcount_end}, list(departures), list(hires),
        cover_by, citation,
    )  # fmt: skip


def staff_reduction_check(
    *,
    submitted_on: datetime.date,
    evaluated_on: datetime.date,
    headcount: Mapping[datetime.date, int],
    departures: Iterable[Mapping] = (),
    hires: Iterable[datetime.date] = (),
    window: str = "rolling",
) -> StaffReduction:
    """Criterion 4(α): no staff reduction (ΚΥΑ 7066 Άρθ. 4.1.2–4.1.6).

    - Before submission: headcount at the start of the checked month against the submission date;
      a 4.1.3 reduction must be covered by the submission date (4.1.3 last paragraph).
    - From submission to the evaluation: a reduction after submission is no reduction if it is
      covered by the evaluation date (4.1.2 last sentence, 4.1.4).
    `headcount` maps the three dates (window start, submission, evaluation) to ΕΡΓΑΝΗ's number of
    staff on that day; `departures` are {"left_on", "kind", "form", "protocol"}; `hires` hire dates.

    Worked example (Art. 4.1.2–4.1.3): submitted 10/03/2026, rolling window from 10/02/2026;
    headcount 21 → 19 with two dismissals (Ε6) on 27/02/2026 and no hire → reduction of 2 → ΟΧΙ.
    With one of them a retirement and one hire on 01/03/2026 → 21 → 20, 1 counted − 1 hire → ΝΑΙ.
    """
    departures, hires = list(departures), list(hires)
    start = headcount_window_start(submitted_on, window)
    periods = [
        _period(
            "Μήνας πριν από την υποβολή",
            start,
            submitted_on,
            headcount,
            departures,
            hires,
            f"την υποβολή ({_d(submitted_on)})",
            "Άρθ. 4.1.2, 4.1.3",
        )
    ]
    if evaluated_on > submitted_on:
        periods.append(
            _period(
                "Από την υποβολή έως την αξιολόγηση",
                submitted_on,
                evaluated_on,
                headcount,
                departures,
                hires,
                f"την αξιολόγηση ({_d(evaluated_on)})",
                "Άρθ. 4.1.2 τελ. εδάφιο, 4.1.4",
            )
        )
    ok = all(p.ok for p in periods)
    verdict = "ΝΑΙ" if ok else "ΟΧΙ"
    message = f"Κριτήριο 4(α) μη μείωση προσωπικού: {verdict}. " + " ".join(p.reason for p in periods)
    return StaffReduction(ok, window, tuple(periods), message)
