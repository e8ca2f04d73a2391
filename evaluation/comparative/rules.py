"""Comparative evaluation of call 004 «Συνεργατικοί Σχηματισμοί» (ΠΚΜ 2021-2027): the rules.

Pure functions over plain values (no ORM, no HTTP), each citing the article it applies, so the
committee's result can be explained line by line and tested without a database.

Stages (Πρόσκληση 004 §10.2):
    Α  completeness of the Annex I documents            → `stage_a_result`
    Β  the 31 formal conditions of §4 / Annex V §1      → `stage_b_result`
    Γ  the six weighted criteria of Annex V §3          → `score_total`
All criteria are scored even when Α or Β fail (§10.2, "αξιολογεί και βαθμολογεί όλα τα κριτήρια").

Rounding (Annex V §3: "Οι τιμές της βαθμολογίας λαμβάνονται υπόψη μέχρι το δεύτερο δεκαδικό ψηφίο"):
    * a sub-criterion score has at most two decimals; a value with more is refused, never rounded;
    * a criterion score is the exact sum of its sub-criteria (≤ 10, two decimals by construction);
    * the weighted total Σ S_k × W_k is exact (weights are whole percents, so ≤ 4 decimals);
    * gap setting `score_rounding` (calls.gaps): "unrounded" (default, the note's recommendation)
      ranks and compares the exact total with the pass mark and rounds half-up to 2 decimals only
      for display; "two_decimals" rounds the total half-up to 2 decimals first and uses that figure
      for the pass mark and the ranking (what the published table shows).

Funding (§10.2 "Προϋπόθεση για να προχωρήσει μία αίτηση..."): complete documents, all formal
conditions met, eligible budget ≥ €300,000 after cuts, total ≥ the pass mark (5). Eligible
applications are funded down the ranking until the budget runs out (§10.2 tables).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from itertools import groupby

from calls.rules import line_intensity, money
from opske.money import format_eur as fmt_eur
from opske.money import parse_amount  # noqa: F401 (Greek notation «500.000» = 500.000,00 €; re-exported)

ZERO = Decimal("0")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")
SOURCE = "Πρόσκληση 004"

YES, NO, NA = "yes", "no", "na"
ANSWERS = {YES: "ΝΑΙ", NO: "ΟΧΙ", NA: "Δ.Α."}


class ScoreRefused(ValueError):
    """A score the scale does not allow; `field` names the input, `message` is Greek."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@lru_cache(maxsize=65536)
def round2(value: Decimal) -> Decimal:
    """Half-up to two decimals (how a score or an amount is shown and, if chosen, compared).

    Cached: a round has few distinct totals, and the tables show each of them many times.
    """
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- Stage Β: the 31 formal conditions (§4.c1–31 = Annex V §1, answers ΝΑΙ/ΟΧΙ/Δ.Α.) ------------

FORMAL_CONDITIONS: tuple[tuple[str, str], ...] = (
    ("E01", "Καταστατικό που αναφέρει ρητά συνεργατικό σχηματισμό (ή μνημόνιο συνεργασίας για υπό σύσταση)"),
    ("E02", "Πολύ μικρή, μικρή ή μεσαία επιχείρηση (Σύσταση 2003/361/ΕΚ, Παρ. Ι ΓΑΚ)"),
    ("E03", "Τουλάχιστον ένας οργανισμός έρευνας και διάδοσης γνώσεων και πέντε (5) ΜΜΕ εταίροι"),
    ("E04", "Υπό σύσταση: κανένας εταίρος με ποσοστό συμμετοχής άνω του 25%"),
    ("E05", "Δραστηριότητα και δαπάνες αποκλειστικά εντός Περιφέρειας Κεντρικής Μακεδονίας"),
    ("E06", "Νομική μορφή ΟΕ, ΕΕ, ΕΠΕ, ΑΕ, ΙΚΕ, ΑΜΚΕ ή άλλο μη κερδοσκοπικό ΝΠΙΔ"),
    ("E07", "Τήρηση απλογραφικών ή διπλογραφικών βιβλίων (ν.4308/2014)"),
    ("E08", "Όχι χρηματοπιστωτικός/ασφαλιστικός οργανισμός, δημόσιος φορέας, ΝΠΔΔ ή εξωχώρια"),
    ("E09", "Νόμιμη λειτουργία με κατάλληλο έγγραφο αδειοδότησης σε ισχύ"),
    ("E10", "Εγγραφή στο Μητρώο Πραγματικών Δικαιούχων (άρθ. 20 ν.4557/2018)"),
    ("E11", "Όχι πτώχευση, εκκαθάριση, αναγκαστική διαχείριση ή αίτηση εξυγίανσης"),
    ("E12", "Όχι προβληματική επιχείρηση (άρθ. 2 σημ. 18 ΓΑΚ)"),
    ("E13", "Καμία εκκρεμής ανάκτηση παράνομης ενίσχυσης (απόφαση Επιτροπής / ΔΕΕ)"),
    ("E14", "Κανένας λόγος αποκλεισμού άρθ. 39 παρ. 1-4 και 40 παρ. 1 ν.4488/2017"),
    ("E15", "Τήρηση νομοθεσίας υγείας και ασφάλειας εργαζομένων"),
    ("E16", "Καμία ενίσχυση διάσωσης ή αναδιάρθρωσης σε εξέλιξη"),
    ("E17", "Χαρακτήρας κινήτρου (άρθ. 6 παρ. 2 ΓΑΚ)"),
    ("E18", "Κλιματική ανθεκτικότητα υποδομών (Ανακοίνωση 2021/C 373/01)"),
    ("E19", "Όλες οι προϋποθέσεις του Κεφαλαίου Ι και των εφαρμοζόμενων άρθρων του ΓΑΚ"),
    ("E20", "Καμία παύση ίδιας/παρεμφερούς δραστηριότητας στον ΕΟΧ εντός διετίας"),
    ("E21", "Καμία επένδυση που έπαυσε ή μετεγκαταστάθηκε εκτός περιοχής εντός πενταετίας"),
    ("E22", "Επιχορηγούμενος π/υ ≥ 300.000 € και δαπάνες συνδεδεμένες με ΚΑΔ, τομείς και κατηγορίες"),
    ("E23", "Περίοδος υλοποίησης εντός της επιλέξιμης (έως 30/06/2029)"),
    ("E24", "Χρηματοοικονομική βιωσιμότητα (ίδια συμμετοχή ≥ 25% και φερεγγυότητα)"),
    ("E25", "Καμία διπλή χρηματοδότηση"),
    ("E26", "Δέσμευση για οριζόντιες αρχές (Χάρτης Θεμελιωδών Δικαιωμάτων, ισότητα, ΑμεΑ, DNSH)"),
    ("E27", "Δέσμευση για προσβασιμότητα ΑμεΑ έως την ολοκλήρωση (Παρ. VIII)"),
    ("E28", "Υπηρεσίες του σχηματισμού αποκλειστικά σε ΜΜΕ"),
    ("E29", "Ανοικτή, διαφανής και χωρίς διακρίσεις πρόσβαση· τέλη σε τιμή αγοράς"),
    ("E30", "Μία και μοναδική αίτηση ανά ΑΦΜ"),
    ("E31", "Ηλεκτρονική αίτηση με όλα τα απαραίτητα στοιχεία, δικαιολογητικά και έντυπα"),
)
CONDITION_CODES = tuple(code for code, _ in FORMAL_CONDITIONS)
CONDITION_TEXT = dict(FORMAL_CONDITIONS)


@dataclass(frozen=True)
class StageResult:
    passed: bool
    reasons: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()  # items not answered yet


def _checklist(
    answers: Mapping[str, str], codes: Sequence[str], texts: Mapping[str, str], label: str, cite: str
):
    reasons, missing = [], []
    for code in codes:
        answer = answers.get(code)
        if answer not in ANSWERS:
            missing.append(code)
        elif answer == NO:
            reasons.append(f"{label} {code} δεν πληρείται: {texts.get(code, code)} ({cite}).")
    return reasons, missing


def stage_a_result(answers: Mapping[str, str], documents: Mapping[str, str]) -> StageResult:
    """Stage Α: every required Annex I document present and correct (§10.2; §10.2 "Δεν προβλέπεται
    η αναζήτηση τυχόν ελλειπόντων δικαιολογητικών" — a missing document is not asked for again)."""
    reasons, missing = _checklist(
        answers, list(documents), documents, "Δικαιολογητικό", f"{SOURCE} §10.2, Παρ. I"
    )
    return StageResult(passed=not reasons and not missing, reasons=tuple(reasons), missing=tuple(missing))


def stage_b_result(answers: Mapping[str, str]) -> StageResult:
    """Stage Β: all 31 formal conditions ΝΑΙ or Δ.Α.; one ΟΧΙ excludes the plan (§4 last paragraph)."""
    reasons, missing = _checklist(
        answers, CONDITION_CODES, CONDITION_TEXT, "Προϋπόθεση", f"{SOURCE} §4, Παρ. V §1"
    )
    return StageResult(passed=not reasons and not missing, reasons=tuple(reasons), missing=tuple(missing))


def partner_composition_ok(partner_kinds: Iterable[str], *, min_research: int = 1, min_smes: int = 5) -> bool:
    """§4.c3 (E03): at least one research organisation and at least five SMEs among the partners."""
    kinds = list(partner_kinds)
    return kinds.count("research") >= min_research and kinds.count("sme") >= min_smes


# --- Stage Γ: the six weighted criteria (Annex V §3) -------------------------------------------


@dataclass(frozen=True)
class SubCriterion:
    code: str
    title: str
    max: Decimal
    anchors: tuple[tuple[Decimal, str], ...] = ()  # the scale's named levels, e.g. 2.5 "Άριστα"
    automatic: bool = False  # computed from the application's data, never typed


@dataclass(frozen=True)
class Criterion:
    code: str
    title: str
    weight_percent: Decimal
    subs: tuple[SubCriterion, ...]
    max: Decimal = Decimal("10")

    @property
    def weight(self) -> Decimal:
        return self.weight_percent / HUNDRED


PARTNER_COUNT_KEY = ("3", "β")  # Annex V §3, criterion 3β: number of partners

# Annex V §3, 3β: ≥10 partners = 2.5; 9 = 2; 8 = 1.5; 7 = 1; 6 = 0.5; 5 = 0.
DEFAULT_PARTNER_SCALE: tuple[tuple[int, Decimal], ...] = (
    (10, Decimal("2.5")),
    (9, Decimal("2")),
    (8, Decimal("1.5")),
    (7, Decimal("1")),
    (6, Decimal("0.5")),
    (5, Decimal("0")),
)


def criteria_from_config(rows: Sequence[Mapping]) -> tuple[Criterion, ...]:
    """Criteria from the call's configuration (calls.EvaluationCriterion rows as dicts).

    A sub-criterion with an empty scale is the automatic partner count (3β in the seed).
    """
    out = []
    for row in rows:
        subs = []
        for sub in row.get("sub_criteria") or []:
            anchors = tuple(
                (Decimal(str(a["score"])), str(a.get("label", ""))) for a in sub.get("scale") or []
            )
            subs.append(
                SubCriterion(
                    code=str(sub["code"]),
                    title=str(sub.get("title", "")),
                    max=Decimal(str(sub["max"])),
                    anchors=anchors,
                    automatic=(str(row["code"]), str(sub["code"])) == PARTNER_COUNT_KEY,
                )
            )
        out.append(
            Criterion(
                code=str(row["code"]),
                title=str(row.get("title", "")),
                weight_percent=Decimal(str(row.get("weight_percent") or 0)),
                max=Decimal(str(row.get("max_score") or 10)),
                subs=tuple(subs),
            )
        )
    return tuple(out)


def partner_count_score(
    n_partners: int, scale: Sequence[tuple[int, Decimal]] = DEFAULT_PARTNER_SCALE
) -> Decimal:
    """Annex V §3, criterion 3β: the first step of the scale whose minimum the count reaches.

    Fewer partners than the lowest step (5) score 0; such a scheme also fails E03 (§4.c3).
    """
    for minimum, score in sorted(scale, key=lambda s: -s[0]):
        if n_partners >= minimum:
            return Decimal(score)
    return ZERO


def partner_scale_from_config(rows: Sequence[Mapping] | None) -> tuple[tuple[int, Decimal], ...]:
    if not rows:
        return DEFAULT_PARTNER_SCALE
    return tuple((int(r["min_partners"]), Decimal(str(r["score"]))) for r in rows)


def validate_sub_score(sub: SubCriterion, raw, *, anchors_only: bool = False) -> Decimal:
    """The score as a Decimal, or ScoreRefused with a Greek message (Annex V §3 scales).

    Allowed: 0 ≤ value ≤ the sub-criterion's maximum, at most two decimals. With `anchors_only`
    the value must be one of the scale's named levels (e.g. 0, 0.5, 1, 1.5, 2, 2.5).
    """
    label = f"Υποκριτήριο {sub.code}"
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ScoreRefused("value", f"{label}: η βαθμολογία πρέπει να είναι αριθμός.") from None
    if not value.is_finite():
        raise ScoreRefused("value", f"{label}: η βαθμολογία πρέπει να είναι αριθμός.")
    if value < 0 or value > sub.max:
        raise ScoreRefused(
            "value",
            f"{label}: η βαθμολογία {value} είναι εκτός κλίμακας 0–{sub.max.normalize()} "
            f"({SOURCE} Παρ. V §3).",
        )
    if value != value.quantize(CENT):
        raise ScoreRefused(
            "value", f"{label}: η βαθμολογία λαμβάνεται έως το δεύτερο δεκαδικό ψηφίο ({SOURCE} Παρ. V §3)."
        )
    if anchors_only and sub.anchors and value not in {a for a, _ in sub.anchors}:
        levels = ", ".join(str(a.normalize()) for a, _ in sub.anchors)
        raise ScoreRefused("value", f"{label}: επιτρέπονται μόνο οι τιμές της κλίμακας ({levels}).")
    return value.quantize(CENT)


MIN_JUSTIFICATION = 10


def validate_justification(sub: SubCriterion, text: str) -> str:
    """Every score is reasoned (αιτιολογία): the applicant must be able to see why (§10.3, §10.4)."""
    text = (text or "").strip()
    if len(text) < MIN_JUSTIFICATION:
        raise ScoreRefused(
            "justification",
            f"Υποκριτήριο {sub.code}: γράψτε αιτιολόγηση της βαθμολογίας "
            f"(τουλάχιστον {MIN_JUSTIFICATION} χαρακτήρες).",
        )
    return text


@dataclass(frozen=True)
class CriterionResult:
    code: str
    title: str
    score: Decimal  # S_k, sum of sub-criteria (two decimals)
    weight_percent: Decimal
    weighted: Decimal  # S_k × W_k, exact


@dataclass(frozen=True)
class ScoreTotal:
    criteria: tuple[CriterionResult, ...]
    exact: Decimal  # Σ S_k × W_k, exact
    total: Decimal  # the figure used for the pass mark and the ranking (see module docstring)
    missing: tuple[str, ...]  # "1.α", ... not yet scored

    @property
    def display(self) -> Decimal:
        return round2(self.total)


def score_total(
    criteria: Sequence[Criterion],
    scores: Mapping[tuple[str, str], Decimal],
    *,
    rounding: str = "unrounded",
    aggregation: str = "sum",
) -> ScoreTotal:
    """Annex V §3: S_k = Σ sub-criteria (≤ 10); total = Σ S_k × W_k.

    `aggregation` "average" reads the table header instead ("ως Μ.Ο."): the call's gap setting
    `criterion_aggregation`; the explicit rule below the table (sum) is the default.
    A sub-criterion not yet scored counts 0 and is listed in `missing`.
    """
    results, missing = [], []
    exact = ZERO
    for crit in criteria:
        values = []
        for sub in crit.subs:
            value = scores.get((crit.code, sub.code))
            if value is None:
                missing.append(f"{crit.code}.{sub.code}")
                value = ZERO
            values.append(Decimal(value))
        s_k = sum(values, ZERO)
        if aggregation == "average" and values:
            # The header's reading: the mean of the sub-criteria, each taken on its own scale,
            # brought to the criterion's 0-10 scale and kept to two decimals.
            share = sum((v / s.max for v, s in zip(values, crit.subs, strict=True)), ZERO) / len(values)
            s_k = round2(share * crit.max)
        s_k = min(s_k, crit.max)
        weighted = s_k * crit.weight
        exact += weighted
        results.append(CriterionResult(crit.code, crit.title, s_k, crit.weight_percent, weighted))
    total = round2(exact) if rounding == "two_decimals" else exact
    return ScoreTotal(criteria=tuple(results), exact=exact, total=total, missing=tuple(missing))


# --- Budget after cuts (§10.1: the committee's opinion on the eligible budget) ------------------


@dataclass(frozen=True)
class BudgetAfterCuts:
    total_budget: Decimal  # the whole plan as submitted (Σ of each line's total amount)
    eligible_budget: Decimal  # subsidised amounts after the committee's cuts
    subsidised_budget: Decimal  # eligible, capped at the per-project maximum (§6.5.1)
    public_expenditure: Decimal  # aid on the subsidised budget
    # The plan minus the cuts minus the aid: what the beneficiary covers (§6.5.1, §7.4).
    private_participation: Decimal = ZERO


def budget_after_cuts(
    lines: Sequence[Mapping],
    cuts: Sequence[Mapping],
    categories: Mapping[str, Mapping],
    *,
    size: str,
    max_budget=None,
) -> BudgetAfterCuts:
    """Eligible budget and public expenditure after cuts.

    `lines`: {"id", "category", "amount" (subsidised), optional "total_amount" (the line's whole
    cost), "research_type", "dissemination"}; `cuts`: {"line_id", "amount"}. Aid per line =
    (amount − its cuts) × the line's intensity (§7.2, calls.rules).
    Above €500,000 the excess is private participation (§6.5.1, §7.4); how the excess is split
    across lines is not stated [GAP 14], so the aid is scaled pro rata to the cap.
    """
    cut_by_line: dict = {}
    for cut in cuts:
        cut_by_line[cut["line_id"]] = cut_by_line.get(cut["line_id"], ZERO) + money(cut["amount"])
    total = eligible = aid = cut_total = ZERO
    for line in lines:
        amount = money(line["amount"])
        kept = max(amount - cut_by_line.get(line["id"], ZERO), ZERO)
        line_total = line.get("total_amount")
        total += max(money(line_total), amount) if line_total is not None else amount
        eligible += kept
        cut_total += amount - kept
        cat = categories.get(line["category"])
        if cat is None:
            continue  # an unknown category is not eligible at all (Stage Β, E22)
        try:
            pct = line_intensity(
                cat,
                size=size,
                research_type=line.get("research_type", ""),
                dissemination=bool(line.get("dissemination")),
            )
        except ValueError:
            continue
        aid += kept * pct / HUNDRED
    subsidised = eligible
    if max_budget is not None and eligible > money(max_budget):
        subsidised = money(max_budget)
        aid = aid * subsidised / eligible
    plan_after_cuts = money(total - cut_total)
    return BudgetAfterCuts(
        money(total),
        money(eligible),
        money(subsidised),
        money(aid),
        private_participation=money(plan_after_cuts - money(aid)),
    )


def private_share_after_cuts(budget: BudgetAfterCuts) -> Decimal:
    """The beneficiary's share of the plan after cuts, in % to the cent (§4 όρος 24(i), §7.4)."""
    plan = budget.private_participation + budget.public_expenditure
    return money(budget.private_participation * HUNDRED / plan) if plan > 0 else ZERO


def private_share_reason(budget: BudgetAfterCuts, *, min_percent=None) -> str | None:
    """Why E24 fails on the computed figures after the committee's cuts, or None."""
    if min_percent is None:
        return None
    share = private_share_after_cuts(budget)
    if share >= Decimal(str(min_percent)):
        return None
    return (
        f"Η ιδιωτική συμμετοχή μετά τις περικοπές είναι {fmt_eur(budget.private_participation)} "
        f"({str(share).replace('.', ',')}% του σχεδίου), κάτω από το ελάχιστο {min_percent}% "
        f"({SOURCE} §4 όρος 24(i))."
    )


def private_participation_note(budget: BudgetAfterCuts, *, min_percent=None) -> str:
    """Formal condition E24 (§4 όρος 24(i)) computed from the budget table, not typed: the plan after
    cuts minus the public expenditure, as a share of the plan after cuts (§6.5.1, §7.4)."""
    plan = budget.private_participation + budget.public_expenditure
    share = private_share_after_cuts(budget)
    floor = f" · ελάχιστο {Decimal(str(min_percent)).normalize():f}%" if min_percent is not None else ""
    verdict = ""
    if min_percent is not None:
        verdict = " → πληρείται" if share >= Decimal(str(min_percent)) else " → ΔΕΝ πληρείται"
    return (
        f"Υπολογισμένη ιδιωτική συμμετοχή: {fmt_eur(budget.private_participation)} "
        f"({str(share).replace('.', ',')}% του σχεδίου {fmt_eur(plan)}){floor}{verdict}."
    )


# --- Funding eligibility (§10.2, four conditions) ----------------------------------------------


def funding_reasons(
    *,
    stage_a: StageResult,
    stage_b: StageResult,
    eligible_budget: Decimal,
    total: Decimal,
    min_budget: Decimal = Decimal("300000"),
    pass_mark: Decimal = Decimal("5"),
    min_budget_inclusive: bool = True,
) -> list[str]:
    """Why an application cannot be funded; empty means it can (§10.2 points 1-4).

    Eligible budget at exactly €300,000 passes by default (§6.5.1 "τουλάχιστον"; gap setting
    `min_budget_inclusive`, against §4.c22 "μεγαλύτερο").
    """
    reasons = []
    if not stage_a.passed:
        reasons.append(f"Ελλιπή δικαιολογητικά ({SOURCE} §10.2 σημ. 1).")
        reasons += list(stage_a.reasons)
    if not stage_b.passed:
        reasons.append(f"Δεν πληρούνται όλες οι τυπικές προϋποθέσεις ({SOURCE} §10.2 σημ. 2).")
        reasons += list(stage_b.reasons)
    below = eligible_budget < min_budget if min_budget_inclusive else eligible_budget <= min_budget
    if below:
        reasons.append(
            f"Επιλέξιμος προϋπολογισμός {fmt_eur(eligible_budget)} "
            f"κάτω από το ελάχιστο {fmt_eur(min_budget)} "
            f"μετά τις περικοπές ({SOURCE} §10.2 σημ. 3, §6.5.1)."
        )
    if total < pass_mark:
        reasons.append(
            f"Συνολική βαθμολογία {round2(total)} κάτω από τη βάση {pass_mark.normalize()} "
            f"({SOURCE} Παρ. V §3)."
        )
    return reasons


# --- Ranking and the funding line (§10.2 tables) -------------------------------------------------

TIE_COMMITTEE = "committee"
TIE_SUBMISSION_TIME = "submission_time"
TIE_CRITERIA_ORDER = "criteria_order"


@dataclass(slots=True)
class Candidate:
    """One scored application as the ranking sees it."""

    id: int
    code: str  # ΟΠΣΚΕ protocol number
    total: Decimal
    public_expenditure: Decimal
    eligible_budget: Decimal = ZERO
    total_budget: Decimal = ZERO
    submitted_at: object = None  # sortable (datetime or ISO string); earlier first
    criteria: tuple[Decimal, ...] = ()  # S_1..S_6, for the criteria-order tie policy
    reasons: tuple[str, ...] = ()  # why it cannot be funded; empty = fundable
    cut_reasons: tuple[str, ...] = ()

    @property
    def fundable(self) -> bool:
        return not self.reasons


@dataclass
class RankingResult:
    budget: Decimal
    funded: list = field(default_factory=list)  # [(rank, Candidate, amount)]
    rejected: list = field(default_factory=list)  # [Candidate] table 2, by total desc
    unfunded: list = field(default_factory=list)  # [(rank, Candidate)] table 3
    tie: list = field(default_factory=list)  # [Candidate] tied at the budget line, pending the committee
    remaining: Decimal = ZERO
    line_score: Decimal | None = None  # total of the last funded application

    @property
    def needs_committee(self) -> bool:
        return bool(self.tie)


def _tie_key(policy: str):
    def key(c: Candidate):
        if policy == TIE_CRITERIA_ORDER:
            # Higher criterion 1 first, then 2, ... then the earlier final submission.
            return (tuple(-s for s in c.criteria), c.submitted_at or "", c.code)
        if policy == TIE_SUBMISSION_TIME:
            return ((), c.submitted_at or "", c.code)
        return ((), "", c.code)  # committee: order only for display until resolved

    return key


def rank(
    candidates: Iterable[Candidate], *, tie_policy: str = TIE_COMMITTEE, resolved_order: Sequence[int] = ()
):
    """Fundable candidates by total descending, with the ranks they share (1, 2, 2, 4).

    Equal totals are ordered by the tie policy; `resolved_order` (candidate ids) is the
    committee's recorded decision for a tie and takes precedence inside a group.
    """
    position = {cid: i for i, cid in enumerate(resolved_order)}
    tkey = _tie_key(tie_policy)
    ordered = sorted(
        (c for c in candidates if c.fundable),
        key=lambda c: (-c.total, position.get(c.id, len(position)), tkey(c)),
    )
    out, last_total, last_rank = [], None, 0
    for i, c in enumerate(ordered, 1):
        if c.total != last_total:
            last_rank, last_total = i, c.total
        out.append((last_rank, c))
    return out


def allocate(
    candidates: Sequence[Candidate],
    budget,
    *,
    tie_policy: str = TIE_COMMITTEE,
    resolved_order: Sequence[int] = (),
    part_funding: bool = False,
) -> RankingResult:
    """Fund down the ranking until the budget runs out (§10.2, §7.1) and build the three tables.

    The list stops at the first application that no longer fits: a lower-ranked one is never
    funded ahead of it (the call does not allow jumping the ranking; [GAP 14] partial funding of
    the last application is off unless the call allows it, `part_funding`).
    Equal totals at the budget line, where some of the group would fit and some would not, are a
    tie: under the committee policy (call 004 default) none of the group is funded and all are
    flagged until the committee records an order or the budget is raised. The submission-time
    and criteria-order policies break such a tie automatically.
    """
    budget = money(budget)
    result = RankingResult(budget=budget)
    result.rejected = sorted((c for c in candidates if not c.fundable), key=lambda c: (-c.total, c.code))
    ranked = rank(candidates, tie_policy=tie_policy, resolved_order=resolved_order)
    resolved = set(resolved_order)
    remaining = budget
    stopped = False
    for _total, members in groupby(ranked, key=lambda rc: rc[1].total):
        group = list(members)
        if stopped:
            result.unfunded += group
            continue
        group_need = sum((cc.public_expenditure for _, cc in group), ZERO)
        straddles = (
            len(group) > 1
            and group_need > remaining
            and any(cc.public_expenditure <= remaining for _, cc in group)
            and tie_policy == TIE_COMMITTEE
            and not {cc.id for _, cc in group} <= resolved
        )
        if straddles:
            result.tie = [cc for _, cc in group]
            stopped = True
            continue
        for rr, cc in group:
            if not stopped and cc.public_expenditure <= remaining:
                result.funded.append((rr, cc, cc.public_expenditure))
                remaining -= cc.public_expenditure
                result.line_score = cc.total
            elif not stopped and part_funding and remaining > 0:
                result.funded.append((rr, cc, remaining))
                remaining = ZERO
                result.line_score = cc.total
                stopped = True
            else:
                stopped = True
                result.unfunded.append((rr, cc))
    result.remaining = remaining
    return result


@dataclass(frozen=True)
class FundingLine:
    budget: Decimal
    funded_count: int
    funded_amount: Decimal
    line_score: Decimal | None
    next_needed: Decimal | None  # extra budget the next application in line would need
    tie: tuple[str, ...]


def what_if(candidates: Sequence[Candidate], budget, **kwargs) -> FundingLine:
    """Where the funding line falls for another budget (the Managing Authority may raise it, §7.1)."""
    res = allocate(candidates, budget, **kwargs)
    nxt = None
    if res.tie:
        nxt = sum((c.public_expenditure for c in res.tie), ZERO) - res.remaining
    elif res.unfunded:
        nxt = res.unfunded[0][1].public_expenditure - res.remaining
    return FundingLine(
        budget=res.budget,
        funded_count=len(res.funded),
        funded_amount=money(sum((a for _, _, a in res.funded), ZERO)),
        line_score=res.line_score,
        next_needed=money(nxt) if nxt is not None else None,
        tie=tuple(c.code for c in res.tie),
    )


def tables(res: RankingResult) -> dict:
    """The three tables of §10.2 as plain rows (frozen in a RankingRun, exported as PDF/XLSX).

    1. proposed for funding: code, eligible and total budget, public expenditure, score, cuts;
    2. proposed for rejection on evaluation: the same plus the reasons;
    3. rejected for lack of budget.
    """

    def row(c: Candidate, rank_=None, amount=None, reasons=None):
        return {
            "id": c.id,
            "rank": rank_,
            "code": c.code,
            "eligible_budget": str(c.eligible_budget),
            "total_budget": str(c.total_budget),
            "public_expenditure": str(c.public_expenditure if amount is None else amount),
            "score": str(round2(c.total)),
            "cuts": list(c.cut_reasons) if c.cut_reasons else [],
            "reasons": list(reasons) if reasons else [],
        }

    tie_reason = (
        "Ισοβαθμία στο όριο του προϋπολογισμού· εκκρεμεί απόφαση της Επιτροπής (Πρόσκληση 004, κενό 14)."
    )
    return {
        "funded": [row(c, r, a) for r, c, a in res.funded],
        "rejected": [row(c, reasons=c.reasons) for c in res.rejected],
        "unfunded": [row(c, r) for r, c in res.unfunded],
        "tie": [row(c, reasons=[tie_reason]) for c in res.tie],
        "budget": str(res.budget),
        "remaining": str(res.remaining),
        "line_score": str(round2(res.line_score)) if res.line_score is not None else None,
        "needs_committee": res.needs_committee,
    }
