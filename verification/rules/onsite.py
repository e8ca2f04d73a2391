"""Guidance Ο.3 §4.4: the semi-annual sample of operations for on-the-spot verification.

Pure functions over plain values (no ORM): the service gathers the facts (accepted expenditure per
operation in the semester, the latest semi-annual risk run, the staff's exclusions and mandatory
picks), calls `draw_sample`, and stores the result with its explanation. Each step records what it
did and why, so the sample page can say why every operation is in it (issue 12, «Explainable»).

Readings where the text is silent ([GAP], domain note §10), each documented where it is applied:
- the semester an expenditure is «charged to» (§4.4.2): the ΔΔΔ's period end, else its submission;
- counts are rounded up (ceil), amounts up to the cent (§4.4.3);
- compulsory carry-overs are never dropped, even beyond the 50% cap of §4.4.4;
- Table 2 shares by largest remainder, shortfall to the next stratum (§4.4.5);
- an odd high-stratum share gives the extra unit to the top-score half;
- operations with no score in the run («not assessed yet») are drawn last, at random.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from opske.money import format_eur, format_number

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# --- the semester (§4.4.2) ----------------------------------------------------------------------


def semester_period(code: str) -> tuple[datetime.date, datetime.date]:
    """«2026-H2» → 01/07/2026–31/12/2026 (1st semester of accounting year 2026-27), «2027-H1» →
    01/01/2027–30/06/2027 (2nd semester of 2026-27). Guidance Ο.3 §4.4.2; accounting year 1/7–30/6."""
    year, half = parse_semester(code)
    if half == 1:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    return datetime.date(year, 7, 1), datetime.date(year, 12, 31)


def parse_semester(code: str) -> tuple[int, int]:
    text = (code or "").strip().upper()
    if len(text) != 7 or text[4:6] != "-H" or not text[:4].isdigit() or text[6] not in "12":
        raise ValueError("Το εξάμηνο γράφεται ως ΕΕΕΕ-H1 ή ΕΕΕΕ-H2 (π.χ. 2026-H2).")
    year = int(text[:4])
    if not 2021 <= year <= 2040:
        raise ValueError("Το εξάμηνο πρέπει να ανήκει στην περίοδο 2021-2027 (έως το 2040).")
    return year, int(text[6])


def semester_of(day: datetime.date) -> str:
    return f"{day.year}-H{1 if day.month <= 6 else 2}"


def semester_label(code: str) -> str:
    """«Β' εξάμηνο 2026 (1ο της λογιστικής χρήσης 2026-2027)»."""
    year, half = parse_semester(code)
    start, end = semester_period(code)
    acc = f"{year}-{year + 1}" if half == 2 else f"{year - 1}-{year}"
    order = "1ο" if half == 2 else "2ο"
    return f"{start:%d/%m/%Y}–{end:%d/%m/%Y} ({order} εξάμηνο λογιστικής χρήσης {acc})"


def previous_semester(code: str) -> str:
    year, half = parse_semester(code)
    return f"{year - 1}-H2" if half == 1 else f"{year}-H1"


def next_semester(code: str) -> str:
    year, half = parse_semester(code)
    return f"{year}-H2" if half == 1 else f"{year + 1}-H1"


def charged_on(
    *, period_end: datetime.date | None, submitted_on: datetime.date | None
) -> datetime.date | None:
    """[GAP] §4.4.2 «βαρύνουν το εξάμηνο»: the ΔΔΔ's period end when it has one (the period its
    expenditure belongs to), else its submission date."""
    return period_end or submitted_on


# --- step 3: sample size by the Audit Authority's reliability rating (§4.4.3) --------------------

WORKS_WELL = "works_well"
SOME_IMPROVEMENTS = "some_improvements"
PARTIAL = "partial"
NOT_WORKING = "not_working"

RELIABILITY_LABELS = {
    WORKS_WELL: "Εφαρμόζεται καλά, μόνο ελάσσονες βελτιώσεις απαιτούνται",
    SOME_IMPROVEMENTS: "Εφαρμόζεται, αλλά μερικές βελτιώσεις απαιτούνται",
    PARTIAL: "Εφαρμόζεται μερικώς, σημαντικές βελτιώσεις απαιτούνται",
    NOT_WORKING: "Πρακτικά δεν εφαρμόζεται",
}
# (share of operations, share of expenditure), Guidance Ο.3 §4.4.3 table.
RELIABILITY_TABLE = {
    WORKS_WELL: (Decimal("0.10"), Decimal("0.05")),
    SOME_IMPROVEMENTS: (Decimal("0.15"), Decimal("0.10")),
    PARTIAL: (Decimal("0.20"), Decimal("0.15")),
    NOT_WORKING: (Decimal("0.25"), Decimal("0.20")),
}
# §4.4.3: on first use, with no rating from the ΕΔΕΛ yet, the 2nd row applies.
FIRST_USE = SOME_IMPROVEMENTS


@dataclass(frozen=True)
class Minimums:
    reliability: str
    first_use: bool
    share_operations: Decimal
    share_expenditure: Decimal
    population_count: int
    population_expenditure: Decimal
    count: int
    expenditure: Decimal
    explanation: str


def sample_minimums(
    *, population_count: int, population_expenditure: Decimal, reliability: str | None
) -> Minimums:
    """§4.4.3: minimum number of operations and minimum expenditure; both must be met.

    [GAP] rounding: the count is rounded up (40 × 15% = 6; 41 × 15% = 6,15 → 7), the amount up to
    the cent, so the minimum is never below the percentage."""
    first_use = reliability is None
    used = FIRST_USE if first_use else reliability
    if used not in RELIABILITY_TABLE:
        raise ValueError(f"Άγνωστο επίπεδο αξιοπιστίας: {reliability}")
    share_ops, share_exp = RELIABILITY_TABLE[used]
    exact = Decimal(population_count) * share_ops
    count = math.ceil(exact)
    amount = (Decimal(population_expenditure) * share_exp).quantize(CENT, rounding=ROUND_CEILING)
    why = (
        f"{'Πρώτη εφαρμογή χωρίς επίπεδο αξιοπιστίας από την ΕΔΕΛ: 2η γραμμή. ' if first_use else ''}"
        f"«{RELIABILITY_LABELS[used]}»: {share_ops:.0%} των {population_count} πράξεων = {format_number(exact)} → {count} "  # noqa: E501
        f"(στρογγυλοποίηση προς τα πάνω) και {share_exp:.0%} των δαπανών (Ο.3 §4.4.3)."
    )
    return Minimums(
        used,
        first_use,
        share_ops,
        share_exp,
        population_count,
        Decimal(population_expenditure),
        count,
        amount,
        why,
    )


# --- plain inputs -------------------------------------------------------------------------------

HIGH, MEDIUM, LOW, UNASSESSED = "high", "medium", "low", "unassessed"
STRATA = (HIGH, MEDIUM, LOW)
STRATUM_LABELS = {
    HIGH: "Υψηλός κίνδυνος",
    MEDIUM: "Μεσαίος κίνδυνος",
    LOW: "Χαμηλός κίνδυνος",
    UNASSESSED: "Δεν έχει εκτιμηθεί ακόμη",
}
# Table 2 (§4.4.5): shares of the remaining sample.
TABLE_2 = {HIGH: Decimal("0.50"), MEDIUM: Decimal("0.30"), LOW: Decimal("0.20")}
JUDGMENTAL_MAX_POPULATION = 10  # §4.4.5: B ≤ 10 → the ΔΑ/ΕΦ chooses by judgement


@dataclass(frozen=True)
class Candidate:
    operation_id: int
    code: str
    expenditure: Decimal = ZERO  # accepted in the semester, after ΔΚΔ category 2 (§4.4.2)
    stratum: str = UNASSESSED
    score: int | None = None
    group: str = ""  # Annex I type/group, for the step-6 replacement


# §4.4.2 optional exclusions (codes stored with each excluded operation).
EXCLUSION_REASONS = {
    "verified_previous_semester": "Επαληθεύθηκε επιτόπια το προηγούμενο εξάμηνο",
    "studies_public_contract": "Μελέτες με δημόσια σύμβαση: η διοικητική επαλήθευση αρκεί",
    "near_completion_checked": "Ελέγχθηκε/επαληθεύτηκε σε προηγούμενο έτος κοντά στην ολοκλήρωση",
    "electronic_deliverable": "Παραδοτέο που επιβεβαιώνεται ηλεκτρονικά",
    "technical_assistance_own": "Τεχνική Βοήθεια με δικαιούχο τη ΔΑ/ΕΦ, όχι αποκλειστικά με σύμβαση",
    "flat_rate_correction": "Έλεγχος ΕΔΕΛ με κατ' αποκοπή διόρθωση",
}
# §4.4.4: the compulsory carry-over and the discretionary categories.
COMPULSORY = "carry_over"
MANDATORY_REASONS = {
    COMPULSORY: "Προγραμματίστηκε την προηγούμενη λογιστική χρήση, δεν επαληθεύτηκε, δαπάνες σε εξαίρεση",
    "completing_this_year": "Ολοκληρώνεται εντός της λογιστικής χρήσης, χωρίς επιτόπια επαλήθευση/έλεγχο ΕΔΕΛ",  # noqa: E501
    "high_cost_multiyear": "Υψηλού κόστους, πολυετής: περιοδική επιτόπια επαλήθευση",
    "significant_problems": "Σημαντικά προβλήματα (καθυστερήσεις, υπόνοιες απάτης, καταγγελίες κ.λπ.)",
    "large_semester_expenditure": "Δαπάνες μεγάλου ύψους βαρύνουν το εξάμηνο",
}
# §4.4.6: why a randomly drawn operation may be replaced by another of the same stratum.
REPLACEMENT_REASONS = {
    "insufficient_implementation": "Ανεπαρκής υλοποίηση: η επίσκεψη δεν προσθέτει σημαντική αξία",
    "missing_type_group": "Το δείγμα δεν περιλαμβάνει πράξη αυτού του τύπου/ομάδας (Παράρτημα Ι)",
}

# Why an operation is in the sample (stored with each selection).
MANDATORY = "mandatory"
TOP_SCORE = "top_score"
RANDOM = "random"
JUDGMENTAL = "judgmental"
REPLACEMENT = "replacement"
COVERAGE = "coverage"
NO_FINANCIAL_EXECUTION = "no_financial_execution"
SELECTION_REASONS = {
    MANDATORY: "Υποχρεωτική επιλογή (§4.4.4)",
    TOP_SCORE: "Υψηλότερη βαθμολογία κινδύνου (§4.4.5, Πίνακας 2)",
    RANDOM: "Τυχαία κλήρωση (§4.4.5, Πίνακας 2)",
    JUDGMENTAL: "Επιλογή κατά την κρίση της ΔΑ/ΕΦ, πληθυσμός Β ≤ 10 (§4.4.5)",
    REPLACEMENT: "Αντικατάσταση (§4.4.6)",
    COVERAGE: "Συμπλήρωση για κάλυψη ελάχιστου ύψους δαπανών (§4.4.7)",
    NO_FINANCIAL_EXECUTION: "Πράξη χωρίς εκτελεσμένο οικονομικό αντικείμενο, τυχαίο ≥ 10% (§4.4.8)",
}
RANDOM_KINDS = frozenset({RANDOM})


@dataclass
class Pick:
    operation_id: int
    code: str
    reason: str
    stratum: str
    score: int | None
    expenditure: Decimal
    draw: int | None = None  # k of «random draw #k»
    detail: str = ""


@dataclass
class MandatoryResult:
    remaining_count: int
    remaining_expenditure: Decimal
    cap: int
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def apply_mandatory(*, minimums: Minimums, picks: list[tuple[Candidate, str]]) -> MandatoryResult:
    """§4.4.4: mandatory picks leave A; their count and expenditure are subtracted from the minimums;
    they may not exceed 50% of the minimum count (rounded down: «δεν μπορούν να ξεπερνούν»).

    [GAP] compulsory carry-overs alone above the cap: they are all kept («σε κάθε περίπτωση πρέπει
    να επαληθεύσει»), the excess is recorded, and no discretionary pick is allowed on top."""
    cap = minimums.count // 2
    compulsory = [c for c, reason in picks if reason == COMPULSORY]
    discretionary = [c for c, reason in picks if reason != COMPULSORY]
    res = MandatoryResult(0, ZERO, cap)
    unknown = sorted({reason for _, reason in picks if reason not in MANDATORY_REASONS})
    if unknown:
        res.problems.append(f"Άγνωστη κατηγορία υποχρεωτικής επιλογής: {', '.join(unknown)}.")
    if len(compulsory) > cap:
        res.notes.append(
            f"Οι υποχρεωτικές μεταφορές ({len(compulsory)}) υπερβαίνουν το όριο του 50% ({cap}) του ελάχιστου "  # noqa: E501
            f"αριθμού ({minimums.count}): διατηρούνται όλες (κενό §4.4.4), χωρίς άλλες κατά την κρίση επιλογές."  # noqa: E501
        )
        if discretionary:
            res.problems.append(
                "Οι υποχρεωτικές μεταφορές καλύπτουν ήδη το όριο του 50%: αφαιρέστε τις επιλογές κατά την κρίση."  # noqa: E501
            )
    elif len(picks) > cap:
        res.problems.append(
            f"Οι υποχρεωτικές επιλογές ({len(picks)}) δεν μπορούν να ξεπερνούν το 50% του ελάχιστου αριθμού "
            f"πράξεων ({minimums.count} → έως {cap}) (Ο.3 §4.4.4)."
        )
    spent = sum((c.expenditure for c, _ in picks), ZERO)
    res.remaining_count = max(0, minimums.count - len(picks))
    res.remaining_expenditure = max(ZERO, minimums.expenditure - spent)
    res.notes.append(
        f"Υποχρεωτικές επιλογές: {len(picks)} (όριο {cap} = 50% του {minimums.count}, στρογγυλοποίηση προς τα "  # noqa: E501
        f"κάτω). Απομένουν {res.remaining_count} πράξεις και {format_eur(res.remaining_expenditure)} δαπάνης."
    )
    return res


# --- step 5: Table 2 allocation (§4.4.5) ---------------------------------------------------------


@dataclass
class Allocation:
    quotas: dict[str, Decimal]
    counts: dict[str, int]  # after largest remainder, before stratum sizes
    final: dict[str, int]  # after the shortfall moved on
    unassessed: int  # drawn from operations with no score
    notes: list[str]


def allocate(*, n: int, sizes: dict[str, int]) -> Allocation:
    """Split n over the strata 50/30/20 by largest remainder (ties: high, medium, low), then give
    a stratum's shortfall (fewer operations than its share) to the next one: high → medium → low,
    low back to medium, then high; what no stratum can take is drawn from the operations not
    assessed yet. [GAP] §4.4.5 (domain note §4.5).

    n = 4: quotas 2 / 1,2 / 0,8 → floors 2 / 1 / 0, the one left goes to the largest remainder
    (low, 0,8) → 2 / 1 / 1."""
    quotas = {s: Decimal(n) * TABLE_2[s] for s in STRATA}
    counts = {s: int(quotas[s]) for s in STRATA}
    left = n - sum(counts.values())
    for s in sorted(STRATA, key=lambda s: (-(quotas[s] - counts[s]), STRATA.index(s)))[:left]:
        counts[s] += 1
    notes = [
        "Πίνακας 2: "
        + ", ".join(
            f"{STRATUM_LABELS[s]} {TABLE_2[s]:.0%} × {n} = {format_number(quotas[s])}" for s in STRATA
        )
        + " → "
        + " / ".join(str(counts[s]) for s in STRATA)
        + " (μέθοδος μεγαλύτερου υπολοίπου)."
    ]
    final = dict(counts)
    chain = {HIGH: (MEDIUM, LOW), MEDIUM: (LOW, HIGH), LOW: (MEDIUM, HIGH)}
    unassessed = 0
    for s in STRATA:
        short = final[s] - sizes.get(s, 0)
        if short <= 0:
            continue
        final[s] = sizes.get(s, 0)
        for nxt in chain[s]:
            room = sizes.get(nxt, 0) - final[nxt]
            take = max(0, min(room, short))
            if take:
                final[nxt] += take
                short -= take
                notes.append(
                    f"{STRATUM_LABELS[s]}: {take} πράξη/εις που λείπουν μεταφέρονται στο στρώμα «{STRATUM_LABELS[nxt]}»."  # noqa: E501
                )
            if not short:
                break
        if short:
            unassessed += short
            notes.append(
                f"{STRATUM_LABELS[s]}: {short} πράξη/εις από όσες δεν έχουν εκτιμηθεί ακόμη (τυχαία)."
            )
    unassessed = min(unassessed, sizes.get(UNASSESSED, 0))
    return Allocation(quotas, counts, final, unassessed, notes)


def split_high(n_high: int) -> tuple[int, int]:
    """Table 2: the high stratum's share is half top scores, half random. [GAP] an odd share gives
    the extra unit to the top scores (the riskier reading): 2 → 1 + 1, 3 → 2 + 1."""
    top = math.ceil(n_high / 2)
    return top, n_high - top


def _ordered(cands):
    return sorted(cands, key=lambda c: (c.code, c.operation_id))


# --- the whole draw (steps 2–8) ------------------------------------------------------------------


@dataclass
class SampleResult:
    minimums: Minimums
    population_a: list[Candidate]
    excluded: list[tuple[Candidate, str]]
    mandatory: MandatoryResult
    population_b: list[Candidate]
    allocation: Allocation | None
    judgmental: bool
    picks: list[Pick]
    no_execution_population: list[Candidate]
    steps: list[tuple[str, str]]  # (step, what was done and why)
    problems: dict[str, list[str]]

    @property
    def sample_expenditure(self) -> Decimal:
        return sum((p.expenditure for p in self.picks if p.reason != MANDATORY), ZERO)


def draw_sample(
    *,
    candidates: list[Candidate],
    reliability: str | None,
    seed: int,
    exclusions: dict[int, str] | None = None,
    mandatory: dict[int, str] | None = None,
    judgmental: list[int] | None = None,
    no_execution: list[Candidate] | None = None,
) -> SampleResult:
    """Guidance Ο.3 §4.4.2–§4.4.8 over `candidates` (operations with accepted expenditure in the
    semester). Reproducible: every random choice comes from `random.Random(seed)` over operations
    sorted by code, in a fixed order (high, medium, low, not assessed, coverage, step 8)."""
    exclusions, mandatory, judgmental = exclusions or {}, mandatory or {}, list(judgmental or [])
    problems: dict[str, list[str]] = {}
    steps: list[tuple[str, str]] = []
    rng = random.Random(seed)
    for code in exclusions.values():
        if code not in EXCLUSION_REASONS:
            problems.setdefault("exclusions", []).append(f"Άγνωστος λόγος εξαίρεσης: {code}.")
    both = set(exclusions) & set(mandatory)
    if both:
        problems.setdefault("mandatory", []).append(
            "Μια πράξη δεν μπορεί να εξαιρεθεί και να επιλεγεί υποχρεωτικά."
        )

    # Step 2 (§4.4.2): A = operations with accepted expenditure, less the optional exclusions.
    with_spend = [c for c in _ordered(candidates) if c.expenditure > ZERO]
    excluded = [(c, exclusions[c.operation_id]) for c in with_spend if c.operation_id in exclusions]
    pop_a = [c for c in with_spend if c.operation_id not in exclusions]
    total_a = sum((c.expenditure for c in pop_a), ZERO)
    steps.append(
        (
            "4.4.2",
            f"Αρχικός πληθυσμός Α: {len(pop_a)} πράξεις, {format_eur(total_a)} δαπανών αποδεκτών διαχείρισης "
            f"(μετά την αφαίρεση ΔΚΔ κατηγορίας 2)· εξαιρέθηκαν {len(excluded)}.",
        )
    )

    # Step 3 (§4.4.3).
    mins = sample_minimums(
        population_count=len(pop_a), population_expenditure=total_a, reliability=reliability
    )
    steps.append(("4.4.3", mins.explanation + f" Ελάχιστο ύψος δαπανών: {format_eur(mins.expenditure)}."))

    # Step 4 (§4.4.4).
    in_a = {c.operation_id: c for c in pop_a}
    missing = [op for op in mandatory if op not in in_a and op not in exclusions]
    if missing:
        problems.setdefault("mandatory", []).append("Υποχρεωτική επιλογή εκτός του πληθυσμού Α.")
    mand_picks = [(in_a[op], reason) for op, reason in mandatory.items() if op in in_a]
    mand = apply_mandatory(minimums=mins, picks=mand_picks)
    if mand.problems:
        problems.setdefault("mandatory", []).extend(mand.problems)
    steps.append(("4.4.4", " ".join(mand.notes)))
    picks = [
        Pick(c.operation_id, c.code, MANDATORY, c.stratum, c.score, c.expenditure, detail=reason)
        for c, reason in sorted(mand_picks, key=lambda p: p[0].code)
    ]
    pop_b = [c for c in pop_a if c.operation_id not in mandatory]
    n = min(mand.remaining_count, len(pop_b))

    # Step 5 (§4.4.5).
    allocation = None
    is_judgmental = len(pop_b) <= JUDGMENTAL_MAX_POPULATION
    in_b = {c.operation_id: c for c in pop_b}
    if is_judgmental:
        chosen = [in_b[op] for op in judgmental if op in in_b]
        if len(chosen) != len(set(judgmental)):
            problems.setdefault("judgmental", []).append(
                "Η επιλογή κατά την κρίση γίνεται μόνο από τον πληθυσμό Β."
            )
        if len(chosen) < n:
            problems.setdefault("judgmental", []).append(
                f"Ο πληθυσμός Β έχει {len(pop_b)} πράξεις (≤ 10): επιλέξτε κατά την κρίση σας τουλάχιστον {n} "  # noqa: E501
                f"(Ο.3 §4.4.5, μέγεθος δείγματος της §4.4.3)."
            )
        picks += [
            Pick(c.operation_id, c.code, JUDGMENTAL, c.stratum, c.score, c.expenditure)
            for c in _ordered(chosen)
        ]
        steps.append(
            ("4.4.5", f"Πληθυσμός Β {len(pop_b)} ≤ 10: {len(chosen)} πράξεις κατά την κρίση της ΔΑ/ΕΦ.")
        )
    else:
        if judgmental:
            problems.setdefault("judgmental", []).append(
                "Επιλογή κατά την κρίση επιτρέπεται μόνο όταν ο πληθυσμός Β έχει έως 10 πράξεις (§4.4.5)."
            )
        by = {s: [c for c in pop_b if c.stratum == s] for s in (*STRATA, UNASSESSED)}
        allocation = allocate(n=n, sizes={s: len(v) for s, v in by.items()})
        draw_no = 0
        for s in STRATA:
            pool = _ordered(by[s])
            k = allocation.final[s]
            if s == HIGH:
                top_n, _ = split_high(k)
                top = sorted(pool, key=lambda c: (-(c.score or 0), c.code))[:top_n]
                picks += [Pick(c.operation_id, c.code, TOP_SCORE, s, c.score, c.expenditure) for c in top]
                pool = [c for c in pool if c not in top]
                k -= len(top)
            for c in rng.sample(pool, k):
                draw_no += 1
                picks.append(Pick(c.operation_id, c.code, RANDOM, s, c.score, c.expenditure, draw=draw_no))
        for c in rng.sample(_ordered(by[UNASSESSED]), allocation.unassessed):
            draw_no += 1
            picks.append(Pick(c.operation_id, c.code, RANDOM, UNASSESSED, None, c.expenditure, draw=draw_no))
        steps.append(("4.4.5", " ".join(allocation.notes) + f" Σπόρος κλήρωσης {seed}."))

    # Step 7 (§4.4.7): coverage of the remaining minimum expenditure.
    picks += coverage_additions(picks=picks, population_b=pop_b, needed=mand.remaining_expenditure, rng=rng)
    covered = sum((p.expenditure for p in picks if p.reason != MANDATORY), ZERO)
    steps.append(
        (
            "4.4.7",
            f"Δαπάνη δείγματος {format_eur(covered)} έναντι εναπομείναντος ελάχιστου {format_eur(mand.remaining_expenditure)}"  # noqa: E501
            f"{': προστέθηκαν πράξεις με τυχαία επιλογή από τον εναπομείναντα πληθυσμό' if any(p.reason == COVERAGE for p in picks) else ''}.",  # noqa: E501
        )
    )

    # Step 8 (§4.4.8): ≥ 10% random of operations without financial execution.
    pool8 = _ordered(no_execution or [])
    k8 = math.ceil(len(pool8) * Decimal("0.10")) if pool8 else 0
    for i, c in enumerate(rng.sample(pool8, k8), 1):
        picks.append(Pick(c.operation_id, c.code, NO_FINANCIAL_EXECUTION, c.stratum, c.score, ZERO, draw=i))
    steps.append(
        (
            "4.4.8",
            f"Πράξεις χωρίς εκτελεσμένο οικονομικό αντικείμενο: {len(pool8)} → τυχαίο δείγμα "
            f"{k8} (10%, στρογγυλοποίηση προς τα πάνω).",
        )
    )
    return SampleResult(
        mins, pop_a, excluded, mand, pop_b, allocation, is_judgmental, picks, pool8, steps, problems
    )


def coverage_additions(
    *, picks: list[Pick], population_b: list[Candidate], needed: Decimal, rng: random.Random
) -> list[Pick]:
    """§4.4.7: while the sample's expenditure (mandatory picks already subtracted from the minimum)
    is below the remaining minimum, add an operation drawn at random from the rest of B (one of
    the methods the text lists)."""
    chosen = {p.operation_id for p in picks}
    have = sum((p.expenditure for p in picks if p.reason != MANDATORY), ZERO)
    rest = [c for c in _ordered(population_b) if c.operation_id not in chosen]
    added: list[Pick] = []
    while have < needed and rest:
        c = rest.pop(rng.randrange(len(rest)))
        have += c.expenditure
        added.append(
            Pick(c.operation_id, c.code, COVERAGE, c.stratum, c.score, c.expenditure, draw=len(added) + 1)
        )
    return added


def replacement_problems(
    *,
    old_reason: str,
    old_stratum: str,
    new: Candidate | None,
    in_sample: set[int],
    in_population_b: set[int],
    reason: str,
    sample_groups: set[str],
) -> dict[str, list[str]]:
    """§4.4.6: only an operation of the random sample of a stratum may be replaced, by another of
    the same stratum that was not drawn, for one of the two reasons of the text."""
    errs: dict[str, list[str]] = {}
    if reason not in REPLACEMENT_REASONS:
        errs.setdefault("reason", []).append("Επιλέξτε τον λόγο της αντικατάστασης (§4.4.6).")
    if old_reason not in RANDOM_KINDS:
        errs.setdefault("__all__", []).append(
            "Αντικαθίσταται μόνο πράξη του τυχαίου δείγματος ενός στρώματος (§4.4.6)."
        )
    if new is None or new.operation_id not in in_population_b:
        errs.setdefault("replacement", []).append("Η πράξη αντικατάστασης πρέπει να ανήκει στον πληθυσμό Β.")
    elif new.operation_id in in_sample:
        errs.setdefault("replacement", []).append("Η πράξη αυτή είναι ήδη στο δείγμα.")
    elif new.stratum != old_stratum:
        errs.setdefault("replacement", []).append(
            "Η πράξη αντικατάστασης πρέπει να ανήκει στο ίδιο στρώμα κινδύνου."
        )
    elif reason == "missing_type_group" and (not new.group or new.group in sample_groups):
        errs.setdefault("replacement", []).append(
            "Για αυτόν τον λόγο η νέα πράξη πρέπει να είναι τύπου/ομάδας που δεν υπάρχει ήδη στο δείγμα."
        )
    return errs


# --- the visit (ΔΙΙ_8; Ο.3 footnote 5) ----------------------------------------------------------

# [GAP] ΔΙΙ_8 (not in the seed) sets the beneficiary's reply to the provisional report; default
# 15 calendar days, as call 004 gives for accepting or objecting to a desk check.
COMMENTS_WINDOW_DAYS = 15


def comments_due(*, issued_on: datetime.date, days: int = COMMENTS_WINDOW_DAYS) -> datetime.date:
    return issued_on + datetime.timedelta(days=days)


def visit_problems(
    *, started_on, ended_on, semester: str, object_text: str, today: datetime.date
) -> dict[str, list[str]]:
    """Footnote 5: dates, semester and object are the minimum a visit needs for its α/α ελέγχου."""
    errs: dict[str, list[str]] = {}
    if not (object_text or "").strip():
        errs["object"] = ["Συμπληρώστε το αντικείμενο της επαλήθευσης (υποέργα, φορείς, εύρος)."]
    try:
        parse_semester(semester)
    except ValueError as exc:
        errs["semester"] = [str(exc)]
    if started_on and ended_on and ended_on < started_on:
        errs["ended_on"] = ["Η λήξη δεν μπορεί να είναι πριν από την έναρξη."]
    if ended_on and ended_on > today:
        errs["ended_on"] = [
            "Η επιτόπια επαλήθευση καταχωρίζεται με το πέρας της: η λήξη δεν μπορεί να είναι μελλοντική."
        ]
    return errs
