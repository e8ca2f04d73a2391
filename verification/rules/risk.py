"""Guidance Ο.3 (ΣΔΕ 2021-2027, 1η έκδοση 26.06.2023) §4.2: the 19 risk factors of an operation,
its total score and the stratification into three equal groups; §4.3.1.A Table 1: which
expenditure declarations (ΔΔΔ) get a desk check.

Every function takes plain values and returns a result with its reason, so a rule can be tested
without a database and shown to staff («βαθμός 5: 7 ανοικτές πράξεις > 5», §4.2.1 παράγοντας 7).
Each factor has a `grade_<n>` (the scale of §4.2.1, used by the set-based run) and a `factor_<n>`
that returns `Factor(value, grade, source)` for the explain page; both share the same scale.

Where the Guidance is silent ([GAP] in shared/domain/003) the reading is a documented choice; the
ones a managing authority may reasonably read otherwise are in `RiskParameters`, whose version is
stored on every run (§6: the methodology is revised over time).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from opske.money import format_eur, format_number, format_percent
from verification.rules.subprojects import ESF_SPECIAL_CASE, OWN_MEANS_TYPES, PUBLIC_CONTRACT_TYPES

ZERO = Decimal("0")
HUNDRED = Decimal("100")
FACTOR_NUMBERS = tuple(range(1, 20))
INACTIVE_FACTORS = frozenset({5})
# The grades each factor can take (§4.2.1 tables); a staff-entered grade must be one of them.
ALLOWED_GRADES: dict[int, tuple[int, ...]] = {
    1: (1, 2, 3, 4, 5), 2: (1, 3, 5), 3: (1, 10), 4: (1, 3, 5), 6: (1, 5), 7: (1, 5), 8: (1, 3, 4, 5),
    9: (1, 3, 5), 10: (1, 3, 5), 11: (1, 3, 5), 12: (1, 2, 3, 4, 5), 13: (1, 3, 5), 14: (1, 5),
    15: (1, 3, 5), 16: (1, 3, 5), 17: (1, 3, 5), 18: (1, 5, 10), 19: (1, 2, 3, 4, 5),
}  # fmt: skip

FACTOR_TITLES = {
    1: "Τύπος δικαιούχου",
    2: "Ποσοστό δημοσιονομικών διορθώσεων πράξεων του δικαιούχου",
    3: "Έχει διενεργηθεί επιτόπια επαλήθευση/έλεγχος στον δικαιούχο",
    4: "Πολλαπλοί δικαιούχοι",
    5: "Συμμόρφωση δικαιούχου με υποχρεώσεις προς ΔΑ/ΕΦ",
    6: "Ο δικαιούχος υλοποιεί και πράξεις άλλων ταμείων/χρηματοδοτικών μηχανισμών",
    7: "Αριθμός πράξεων που υλοποιεί ο δικαιούχος",
    8: "Ποσοστό δηλωθεισών δαπανών του δικαιούχου στο σύνολο",
    9: "Συνθετότητα πράξης",
    10: "Αριθμός υποέργων πράξης",
    11: "Τύπος/φύση της πράξης",
    12: "Μέθοδος υλοποίησης της πράξης",
    13: "Διάρκεια υλοποίησης φυσικού αντικειμένου",
    14: "Ημερομηνία έναρξης πριν την υποβολή του ΤΔΠ",
    15: "Ύψος π/υ πράξης (€)",
    16: "Τροποποιήσεις πράξης (εγκεκριμένες)",
    17: "Διορθώσεις από διοικητική επαλήθευση δαπανών",
    18: "Χρόνος από την προηγούμενη επιτόπια επαλήθευση/έλεγχο",
    19: "Ύψος δημοσιονομικών διορθώσεων στην πράξη (% δαπανών που επαληθεύτηκαν)",
}
CITATION = "Οδηγία Ο.3 §4.2.1, παράγοντας {n}"


@dataclass(frozen=True)
class RiskParameters:
    """The readings a managing authority may set otherwise (shared/domain/003 §10). Stored on the
    run with `version`; change `version` whenever a value changes."""

    version: str = "Ο.3/1η-π1"
    # §4.2.2 «κάθε στρώμα έχει τον ίδιο αριθμό πράξεων» [GAP: N not divisible by 3]:
    # "higher" gives the extra operations to the higher strata (10 → 4/3/3, 11 → 4/4/3),
    # "lower" to the lower ones (10 → 3/3/4, 11 → 3/4/4).
    remainder: str = "higher"
    # [GAP: ties at a boundary] "split": strictly equal counts, ties broken by operation code
    # (deterministic); "together": operations with the boundary score join the higher stratum.
    ties: str = "split"
    # Factor 17 [GAP: exactly 2%]: the grade of an operation whose corrections are exactly 2%.
    f17_exactly_2pct_grade: int = 3
    # Factor 18 [GAP: exactly 12 months]: the grade when (B−A)/30 is exactly 12.
    f18_exactly_12_months_grade: int = 1
    # Factor 6 and any other factor the portal cannot compute and staff have not entered
    # [GAP: missing data]: "lowest" grade (the scale's 1) or "highest".
    missing_input: str = "lowest"
    # Table 1 [GAP: does the contract advance count in the cumulative 30%/70%?].
    advance_counts_in_cumulative: bool = True

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> RiskParameters:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in (data or {}).items() if k in known})


DEFAULT_PARAMETERS = RiskParameters()


@dataclass(frozen=True)
class Factor:
    number: int
    value: object
    grade: int | None
    source: str
    staff_entered: bool = False
    missing: bool = False

    @property
    def title(self) -> str:
        return FACTOR_TITLES[self.number]

    @property
    def citation(self) -> str:
        return CITATION.format(n=self.number)

    @property
    def shown(self) -> str:
        """The value as the page shows it (amounts in €, percentages, years, months)."""
        if self.value is None:
            return "—"
        if self.staff_entered or not isinstance(self.value, Decimal):
            return str(self.value)
        if self.number == 15:
            return format_eur(self.value)
        if self.number == 13:
            return f"{format_number(self.value, 2)} έτη"
        if self.number == 18:
            return f"{format_number(self.value, 2)} μήνες"
        return format_percent(self.value, 2)


def _raw_pct(part: Decimal, whole: Decimal) -> Decimal | None:
    """The percentage a scale compares, unrounded (1.999% is below 2%)."""
    if not whole:
        return None
    return Decimal(part) * HUNDRED / Decimal(whole)


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    """The percentage as shown (two decimals)."""
    raw = _raw_pct(part, whole)
    return None if raw is None else raw.quantize(Decimal("0.01"))


# --- Beneficiary factors (1–8) -------------------------------------------------------------------

# §4.2.1 factor 1: the ten types of the Beneficiary Card and their grades.
BENEFICIARY_TYPE_GRADES = {
    "ministry": ("Υπουργείο", 1),
    "deko": ("ΔΕΚΟ", 2),
    "npdd_public": ("ΝΠΔΔ εντός δημόσιου τομέα (πλην ΟΤΑ)", 2),
    "npid_public": ("ΝΠΙΔ εντός δημόσιου τομέα (πλην ΟΤΑ)", 2),
    "ota_a": ("ΟΤΑ Α' βαθμού (Δήμοι)", 3),
    "ota_b": ("ΟΤΑ Β' βαθμού (Περιφέρειες)", 3),
    "ota_enterprise": ("Επιχειρήσεις ΟΤΑ", 4),
    "npdd_private": ("ΝΠΔΔ εκτός δημόσιου τομέα (πλην ΟΤΑ)", 4),
    "npid_private": ("ΝΠΙΔ εκτός δημόσιου τομέα (πλην ΟΤΑ)", 4),
    "ngo": ("ΜΚΟ", 5),
}
# [INTERP] The portal's beneficiaries are businesses, whose card holds a legal form, not one of the
# ten types: a non-profit form (ΑΜΚΕ, σωματείο, ίδρυμα, ΚοινΣΕπ) reads as ΜΚΟ; every other
# business — companies and sole proprietors — as «ΝΠΙΔ εκτός δημόσιου τομέα». Staff may enter the
# type instead (RiskFactorInput), e.g. for a municipal enterprise.
NGO_FORMS = ("ΑΜΚΕ", "ΜΚΟ", "ΣΩΜΑΤΕΙΟ", "ΙΔΡΥΜΑ", "ΚΟΙΝΣΕΠ", "ΜΗΚΕΡΔΟΣΚΟΠ")


@functools.lru_cache(maxsize=256)
def beneficiary_type_from_legal_form(legal_form: str) -> str:
    compact = "".join(ch for ch in (legal_form or "").upper() if ch.isalnum())
    compact = compact.translate(str.maketrans("ΆΈΉΊΌΎΏΪΫ", "ΑΕΗΙΟΥΩΙΥ"))
    if any(form in compact for form in NGO_FORMS):
        return "ngo"
    return "npid_private"


def grade_1(beneficiary_type: str) -> int:
    return BENEFICIARY_TYPE_GRADES.get(beneficiary_type, BENEFICIARY_TYPE_GRADES["npid_private"])[1]


def factor_1(*, beneficiary_type: str, legal_form: str = "") -> Factor:
    label = BENEFICIARY_TYPE_GRADES.get(beneficiary_type, BENEFICIARY_TYPE_GRADES["npid_private"])[0]
    source = f"Καρτέλα δικαιούχου: νομική μορφή «{legal_form or '—'}» → {label}"
    return Factor(1, label, grade_1(beneficiary_type), source)


def grade_2(corrections: Decimal, accepted: Decimal) -> int:
    """< 2% → 1; 2% έως 5% → 3; > 5% → 5. [INTERP] A = 0 (nothing accepted yet) → 1."""
    pct = _raw_pct(corrections, accepted)
    if pct is None or pct < 2:
        return 1
    return 3 if pct <= 5 else 5


def factor_2(*, corrections: Decimal, accepted: Decimal) -> Factor:
    pct = _pct(corrections, accepted)
    source = (
        f"Β = {format_eur(corrections)} διορθώσεις ΔΚΔ κατ. 1 και 6 στις πράξεις του δικαιούχου, "
        f"Α = {format_eur(accepted)} αποδεκτά διαχείρισης; Β/Α = {format_percent(pct, 2)}"
        if pct is not None
        else "Δεν υπάρχουν ακόμη δαπάνες σε «αποδεκτό διαχείρισης» (Α = 0): βαθμός 1"
    )
    return Factor(2, pct, grade_2(corrections, accepted), source)


def grade_3(verified: bool) -> int:
    return 1 if verified else 10


def factor_3(*, verified: bool, count: int = 0) -> Factor:
    source = (
        f"{count} επιτόπιες επαληθεύσεις/έλεγχοι σε πράξεις του δικαιούχου στο ΟΠΣΚΕ"
        if verified
        else "Καμία επιτόπια επαλήθευση/έλεγχος του δικαιούχου στο ΟΠΣΚΕ"
    )
    return Factor(3, "Ναι" if verified else "Όχι", grade_3(verified), source)


def grade_4(beneficiaries: int) -> int:
    if beneficiaries <= 1:
        return 1
    return 3 if beneficiaries <= 3 else 5


def factor_4(*, beneficiaries: int) -> Factor:
    source = f"{beneficiaries} δικαιούχος/εμπλεκόμενοι φορείς (δικαιούχος και εταίροι της αίτησης, πεδίο Β.1)"
    return Factor(4, beneficiaries, grade_4(beneficiaries), source)


def factor_5() -> Factor:
    """Inactive: values and grades come after the first two accounting years of 2021-27."""
    return Factor(5, None, None, "Ανενεργός: ορίζεται μετά τις 2 πρώτες λογιστικές χρήσεις 2021-27")


def grade_6(other_funds: bool) -> int:
    return 5 if other_funds else 1


def grade_7(open_operations: int) -> int:
    return 1 if open_operations <= 5 else 5


def factor_7(*, open_operations: int) -> Factor:
    source = f"{open_operations} ανοικτές πράξεις του δικαιούχου σε όλα τα προγράμματα κατά την εκτίμηση"
    return Factor(7, open_operations, grade_7(open_operations), source)


QUARTILE_GRADES = {1: 1, 2: 3, 3: 4, 4: 5}


def quartiles(shares: dict[object, Decimal]) -> dict[object, int]:
    """Quartile (1–4) of each beneficiary's declared expenditure among all beneficiaries with
    declared expenditure [GAP: method]: rank ascending, tied amounts share the lowest rank,
    quartile = ⌊4 · (rank − 1) / N⌋ + 1 (the smallest is in the 1st; with N = 4
    ranks 1..4 are quartiles 1..4). A beneficiary with nothing declared is in the 1st quartile."""
    positive = sorted(v for v in shares.values() if v and v > 0)
    n = len(positive)
    first_rank: dict[Decimal, int] = {}
    for i, v in enumerate(positive, start=1):
        first_rank.setdefault(v, i)
    return {k: ((4 * (first_rank[v] - 1)) // n + 1 if v and v > 0 else 1) for k, v in shares.items()}


def grade_8(quartile: int) -> int:
    return QUARTILE_GRADES.get(quartile, 1)


def factor_8(*, declared: Decimal, total_declared: Decimal, quartile: int) -> Factor:
    pct = _pct(declared, total_declared)
    source = (
        f"Δηλωθείσες δαπάνες δικαιούχου {format_eur(declared)} από {format_eur(total_declared)} "
        f"συνολικά ({format_percent(pct, 2)}): {quartile}ο τεταρτημόριο"
    )
    return Factor(8, f"{quartile}ο τεταρτημόριο", grade_8(quartile), source)


# --- Operation factors (9–19) --------------------------------------------------------------------


def grade_9(distinct_types: int) -> int:
    if distinct_types <= 2:
        return 1
    return 3 if distinct_types <= 4 else 5


def factor_9(*, types: Sequence[str]) -> Factor:
    distinct = sorted(set(types))
    source = f"Είδη υποέργων (ΣΤ.4): {', '.join(distinct) or '—'}"
    return Factor(9, len(distinct), grade_9(len(distinct)), source)


def grade_10(subprojects: int) -> int:
    if subprojects <= 2:
        return 1
    return 3 if subprojects <= 5 else 5


def factor_10(*, subprojects: int) -> Factor:
    return Factor(10, subprojects, grade_10(subprojects), f"{subprojects} υποέργα (ΣΤ.1)")


# Annex I: main sub-project type → group → factor 11 grade. Groups 1 (works, 5002) and 2
# (equipment, 5003) → 1; group 3 (studies/services via public contract, 5001/5004) → 3; else 5.
def operation_group(types: Iterable[str]) -> str:
    types = set(types)
    if "5002" in types:
        return "1"
    if "5003" in types and not types - PUBLIC_CONTRACT_TYPES:
        return "2"
    if types and not types - {"5001", "5004"}:
        return "3"
    return "other"


GROUP_LABELS = {
    "1": "Ομάδα 1 «Έργα υποδομής»",
    "2": "Ομάδα 2 «Εξοπλισμός - προμήθεια/εγκατάσταση»",
    "3": "Ομάδα 3 «Μελέτες και υπηρεσίες μέσω δημόσιας σύμβασης»",
    "other": "Λοιποί τύποι/ομάδες πράξεων",
}


def grade_11(group: str) -> int:
    return {"1": 1, "2": 1, "3": 3}.get(group, 5)


def factor_11(*, group: str, types: Sequence[str] = ()) -> Factor:
    listed = ", ".join(sorted(set(types))) or "—"
    source = f"{GROUP_LABELS.get(group, group)} (Παράρτημα Ι), από τα είδη υποέργων {listed}"
    return Factor(11, GROUP_LABELS.get(group, group), grade_11(group), source)


def own_means_share(budgets: dict[str, Decimal]) -> Decimal | None:
    total = sum(budgets.values(), ZERO)
    own = sum((v for t, v in budgets.items() if t in OWN_MEANS_TYPES), ZERO)
    return _pct(own, total)


def grade_12(budgets: dict[str, Decimal]) -> int:
    """[INTERP] any 5011 → 5 (ESF+ special case); 5005/5007 are own means; 5001–5004 public
    contracts; [GAP] 5008/5009 count as public contracts (verified 100% like them, §4.3.1.B.1),
    5013/5014 as own means."""
    types = set(budgets)
    if ESF_SPECIAL_CASE in types:
        return 5
    contract = {t for t in types if t in PUBLIC_CONTRACT_TYPES | {"5008", "5009"}}
    if not types or types == contract:
        return 1
    if not contract:
        return 4
    own = {t: v for t, v in budgets.items() if t not in contract}
    total = sum(budgets.values(), ZERO)
    share = _raw_pct(sum(own.values(), ZERO), total) or ZERO
    return 2 if share <= 10 else 3


def factor_12(*, budgets: dict[str, Decimal]) -> Factor:
    grade = grade_12(budgets)
    labels = {
        1: "αποκλειστικά με δημόσιες συμβάσεις",
        2: "με δημόσιες συμβάσεις και έως 10% αυτεπιστασία",
        3: "με δημόσιες συμβάσεις και >10% αυτεπιστασία",
        4: "αποκλειστικά με αυτεπιστασία",
        5: "ειδική περίπτωση ΕΚΤ+",
    }
    parts = ", ".join(f"{t}: {format_eur(v)}" for t, v in sorted(budgets.items()))
    return Factor(12, labels[grade], grade, f"Είδη υποέργων και επιλέξιμη δημόσια δαπάνη: {parts or '—'}")


def grade_13(days: int | None) -> int:
    """1–2 χρόνια → 1; > 2 έως 4 → 3; > 4 → 5. [GAP] under a year → 1."""
    if days is None:
        return 1
    years = Decimal(days) / Decimal("365.25")
    if years <= 2:
        return 1
    return 3 if years <= 4 else 5


def factor_13(*, starts_on: datetime.date | None, ends_on: datetime.date | None) -> Factor:
    days = (ends_on - starts_on).days if starts_on and ends_on else None
    if days is None:
        return Factor(13, None, grade_13(None), "Χωρίς ημερομηνία λήξης (ΣΤ.24): βαθμός 1", missing=True)
    years = (Decimal(days) / Decimal("365.25")).quantize(Decimal("0.01"))
    source = f"Υλοποίηση {starts_on:%d/%m/%Y} – {ends_on:%d/%m/%Y}: {days} ημέρες ({years} έτη)"
    return Factor(13, years, grade_13(days), source)


def grade_14(starts_on: datetime.date | None, submitted_on: datetime.date | None) -> int:
    return 5 if starts_on and submitted_on and starts_on < submitted_on else 1


def factor_14(*, starts_on: datetime.date | None, submitted_on: datetime.date | None) -> Factor:
    earlier = grade_14(starts_on, submitted_on) == 5
    fmt = lambda d: d.strftime("%d/%m/%Y") if d else "—"  # noqa: E731
    source = f"Έναρξη πράξης (ΣΤ.25) {fmt(starts_on)}, υποβολή αίτησης/ΤΔΠ (Α.16) {fmt(submitted_on)}"
    return Factor(14, "Ναι" if earlier else "Όχι", grade_14(starts_on, submitted_on), source)


def grade_15(public_expenditure: Decimal) -> int:
    """0 έως 1.000.000 → 1; 1.000.001 έως 5.000.000 → 3; > 5.000.000 → 5 (cents above a whole
    million read as «above»)."""
    if public_expenditure <= 1_000_000:
        return 1
    return 3 if public_expenditure <= 5_000_000 else 5


def factor_15(*, public_expenditure: Decimal) -> Factor:
    source = f"Συνολική επιλέξιμη δημόσια δαπάνη της πράξης {format_eur(public_expenditure)}"
    return Factor(15, public_expenditure, grade_15(public_expenditure), source)


def grade_16(necessary_modifications: int) -> int:
    """Only approved modifications characterised «necessary for correct implementation» (Α.24)
    count; exogenous ones (Α.23) read as none."""
    if necessary_modifications <= 0:
        return 1
    return 3 if necessary_modifications <= 5 else 5


def factor_16(*, necessary_modifications: int, exogenous_modifications: int = 0) -> Factor:
    source = (
        f"{necessary_modifications} εγκεκριμένες τροποποιήσεις «απαραίτητες για την ορθή υλοποίηση» "
        f"(Α.24); {exogenous_modifications} λόγω εξωγενών συνθηκών (Α.23, δεν μετρούν)"
    )
    return Factor(16, necessary_modifications, grade_16(necessary_modifications), source)


def grade_17(declared: Decimal, accepted: Decimal, params: RiskParameters = DEFAULT_PARAMETERS) -> int:
    """Inverted as printed: no corrections → 5; < 2% → 3; > 2% → 1. [INTERP] A = 0 → no
    corrections → 5; exactly 2% → `f17_exactly_2pct_grade`."""
    if not declared or declared - accepted <= 0:
        return 5
    pct = (declared - accepted) * HUNDRED / declared
    if pct < 2:
        return 3
    if pct == 2:
        return params.f17_exactly_2pct_grade
    return 1


def factor_17(*, declared: Decimal, accepted: Decimal, params: RiskParameters = DEFAULT_PARAMETERS) -> Factor:
    pct = _pct(declared - accepted, declared) if declared else None
    source = (
        f"Α = {format_eur(declared)} δηλωθέντα σε ΔΔΔ με ολοκληρωμένη επαλήθευση, Β = {format_eur(accepted)} "
        f"«αποδεκτό διαχείρισης»; (Α−Β)/Α = {format_percent(pct, 2)}"
        if declared
        else "Δεν υπάρχουν ακόμη επαληθευμένα ΔΔΔ (Α = 0): «καθόλου διορθώσεις»"
    )
    return Factor(17, pct, grade_17(declared, accepted, params), source)


def months_since(last: datetime.date | None, today: datetime.date) -> Decimal | None:
    """(B − A) / 30, §4.2.1 factor 18."""
    if last is None:
        return None
    return (Decimal((today - last).days) / Decimal(30)).quantize(Decimal("0.01"))


def grade_18(
    last: datetime.date | None, today: datetime.date, params: RiskParameters = DEFAULT_PARAMETERS
) -> int:
    """< 1 έτος → 1; > 1 έτος → 5; καθόλου έλεγχος → 10. [INTERP] 1 year = 12 months of (B−A)/30;
    exactly 12 → `f18_exactly_12_months_grade`."""
    if last is None:
        return 10
    days = (today - last).days
    if days < 360:
        return 1
    if days == 360:
        return params.f18_exactly_12_months_grade
    return 5


def factor_18(
    *, last: datetime.date | None, today: datetime.date, params: RiskParameters = DEFAULT_PARAMETERS
) -> Factor:
    months = months_since(last, today)
    source = (
        f"Τελευταία επιτόπια επαλήθευση/έλεγχος {last:%d/%m/%Y}, εκτίμηση {today:%d/%m/%Y}: "
        f"(Β−Α)/30 = {months} μήνες"
        if last
        else "Καμία επιτόπια επαλήθευση/έλεγχος της πράξης"
    )
    return Factor(18, months, grade_18(last, today, params), source)


def grade_19(corrections: Decimal, checked: Decimal) -> int:
    """0 έως 1% → 1; > 1 έως 2% → 2; > 2 έως 10% → 3; > 10 έως 25% → 4; > 25% → 5.
    [INTERP] A = 0 → 1 (factor 18 already scores «never checked»)."""
    if not checked:
        return 1
    pct = Decimal(corrections) * HUNDRED / Decimal(checked)
    for upper, grade in ((1, 1), (2, 2), (10, 3), (25, 4)):
        if pct <= upper:
            return grade
    return 5


def factor_19(*, corrections: Decimal, checked: Decimal) -> Factor:
    pct = _pct(corrections, checked)
    source = (
        f"Β = {format_eur(corrections)} διορθώσεις μετά από επιτόπιες επαληθεύσεις/ελέγχους (χωρίς "
        f"οριζόντιες και κατ' αποκοπή), Α = {format_eur(checked)} ελεγμένα; Β/Α = {format_percent(pct, 2)}"
        if checked
        else "Δεν έχουν ελεγχθεί ποσά σε επιτόπια επαλήθευση (Α = 0): βαθμός 1"
    )
    return Factor(19, pct, grade_19(corrections, checked), source)


# --- Facts → factors → total ---------------------------------------------------------------------


@dataclass(slots=True)
class OperationFacts:
    """What the portal knows about one operation at the time of a run (stored on its score as
    plain JSON, so the explain page recomputes each factor's value and source from it)."""

    legal_form: str = ""
    beneficiary_type: str = "npid_private"
    b_corrections: Decimal = ZERO  # ΔΚΔ cat. 1 and 6, all the beneficiary's operations
    b_accepted: Decimal = ZERO  # «αποδεκτό διαχείρισης», all the beneficiary's operations
    b_onsite: int = 0  # on-the-spot verifications/audits of the beneficiary
    beneficiaries: int = 1
    b_open_operations: int = 1
    b_declared: Decimal = ZERO
    total_declared: Decimal = ZERO
    b_quartile: int = 1
    budgets: dict[str, Decimal] = field(default_factory=dict)  # sub-project type → budget
    subprojects: int = 1
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    submitted_on: datetime.date | None = None
    public_expenditure: Decimal = ZERO
    mods_necessary: int = 0
    mods_exogenous: int = 0
    declared: Decimal = ZERO  # ΔΔΔ whose verification is complete (accepted amount recorded)
    accepted: Decimal = ZERO
    last_onsite: datetime.date | None = None
    onsite_checked: Decimal = ZERO
    onsite_corrections: Decimal = ZERO
    # factor number → {"value", "grade", "note", "by", "on"}: entered by staff (RiskFactorInput)
    staff: dict[int, dict] = field(default_factory=dict)

    _DECIMALS = (
        "b_corrections", "b_accepted", "b_declared", "total_declared", "public_expenditure", "declared",
        "accepted", "onsite_checked", "onsite_corrections",
    )  # fmt: skip
    _DATES = ("starts_on", "ends_on", "submitted_on", "last_onsite")

    def to_json(self) -> dict:
        """Plain JSON; values equal to the defaults are left out (a run stores 50,000 of these)."""
        out = {}
        for name, default in _raw_defaults().items():
            value = getattr(self, name)
            if value == default:
                continue
            if name in _DECIMAL_FIELDS:
                value = str(value)
            elif name in _DATE_FIELDS:
                value = value.isoformat()
            elif name == "budgets":
                value = {k: str(v) for k, v in value.items()}
            elif name == "staff":
                value = {str(k): v for k, v in value.items()}
            out[name] = value
        return out

    @classmethod
    def from_json(cls, data: dict) -> OperationFacts:
        kwargs = {}
        for name in cls.__dataclass_fields__:
            if name not in data:
                continue
            value = data[name]
            if name in cls._DECIMALS:
                value = Decimal(value or "0")
            elif name in cls._DATES:
                value = datetime.date.fromisoformat(value) if value else None
            elif name == "budgets":
                value = {k: Decimal(v) for k, v in (value or {}).items()}
            elif name == "staff":
                value = {int(k): v for k, v in (value or {}).items()}
            kwargs[name] = value
        return cls(**kwargs)


_RAW_DEFAULTS: dict = {}
_DECIMAL_FIELDS = frozenset(OperationFacts._DECIMALS)
_DATE_FIELDS = frozenset(OperationFacts._DATES)


def _raw_defaults() -> dict:
    if not _RAW_DEFAULTS:
        blank = OperationFacts()
        _RAW_DEFAULTS.update({name: getattr(blank, name) for name in OperationFacts.__dataclass_fields__})
    return _RAW_DEFAULTS


@functools.lru_cache(maxsize=1024)
def _structure_grades(types: tuple[str, ...]) -> tuple[int, int]:
    """Factors 9 and 11 depend only on the set of sub-project types."""
    return grade_9(len(set(types))), grade_11(operation_group(types))


def _missing_grade(number: int, params: RiskParameters) -> int:
    grades = ALLOWED_GRADES[number]
    return grades[-1] if params.missing_input == "highest" else grades[0]


def grades(facts: OperationFacts, today: datetime.date, params: RiskParameters = DEFAULT_PARAMETERS) -> list:
    """The 19 grades (index 0 = factor 1; factor 5 None), the set-based run's fast path."""
    f = facts
    types = tuple(sorted(f.budgets))
    g9, g11 = _structure_grades(types)
    out = [
        grade_1(f.beneficiary_type),
        grade_2(f.b_corrections, f.b_accepted),
        grade_3(f.b_onsite > 0),
        grade_4(f.beneficiaries),
        None,
        _missing_grade(6, params),
        grade_7(f.b_open_operations),
        grade_8(f.b_quartile),
        g9,
        grade_10(f.subprojects),
        g11,
        grade_12(f.budgets),
        grade_13((f.ends_on - f.starts_on).days if f.starts_on and f.ends_on else None),
        grade_14(f.starts_on, f.submitted_on),
        grade_15(f.public_expenditure),
        grade_16(f.mods_necessary),
        grade_17(f.declared, f.accepted, params),
        grade_18(f.last_onsite, today, params),
        grade_19(f.onsite_corrections, f.onsite_checked),
    ]
    for number, entry in f.staff.items():
        if number not in INACTIVE_FACTORS and entry.get("grade") is not None:
            out[number - 1] = int(entry["grade"])
    return out


def factors(
    facts: OperationFacts, today: datetime.date, params: RiskParameters = DEFAULT_PARAMETERS
) -> list[Factor]:
    """The 19 factors with value, grade and the data each came from (the explain page)."""
    f = facts
    types = list(f.budgets)
    group = operation_group(types)
    out = [
        factor_1(beneficiary_type=f.beneficiary_type, legal_form=f.legal_form),
        factor_2(corrections=f.b_corrections, accepted=f.b_accepted),
        factor_3(verified=f.b_onsite > 0, count=f.b_onsite),
        factor_4(beneficiaries=f.beneficiaries),
        factor_5(),
        Factor(
            6,
            None,
            _missing_grade(6, params),
            "Δεν είναι γνωστό στο ΟΠΣΚΕ (ΤΑΑ, ΜΣΕ/CEF, ΤΑΜΕΥ): καταχωρίζεται από στέλεχος; "
            f"μέχρι τότε {'ο μέγιστος' if params.missing_input == 'highest' else 'ο ελάχιστος'} βαθμός",
            missing=True,
        ),
        factor_7(open_operations=f.b_open_operations),
        factor_8(declared=f.b_declared, total_declared=f.total_declared, quartile=f.b_quartile),
        factor_9(types=types),
        factor_10(subprojects=f.subprojects),
        factor_11(group=group, types=types),
        factor_12(budgets=f.budgets),
        factor_13(starts_on=f.starts_on, ends_on=f.ends_on),
        factor_14(starts_on=f.starts_on, submitted_on=f.submitted_on),
        factor_15(public_expenditure=f.public_expenditure),
        factor_16(necessary_modifications=f.mods_necessary, exogenous_modifications=f.mods_exogenous),
        factor_17(declared=f.declared, accepted=f.accepted, params=params),
        factor_18(last=f.last_onsite, today=today, params=params),
        factor_19(corrections=f.onsite_corrections, checked=f.onsite_checked),
    ]
    for number, entry in f.staff.items():
        if number in INACTIVE_FACTORS or entry.get("grade") is None:
            continue
        source = f"Καταχώριση στελέχους {entry.get('by', '')} ({entry.get('on', '')})"
        if entry.get("note"):
            source += f": {entry['note']}"
        out[number - 1] = Factor(number, entry.get("value"), int(entry["grade"]), source, staff_entered=True)
    return out


def total_score(grade_list: Iterable[int | None]) -> int:
    """[INTERP] the unweighted sum of the active factors' grades: 18..100 with factor 5 inactive
    (factors 3 and 18 weigh up to 10, the others up to 5)."""
    return sum(g for g in grade_list if g is not None)


# --- Stratification (§4.2.2) ---------------------------------------------------------------------

HIGH, MEDIUM, LOW = "high", "medium", "low"


def stratum_sizes(n: int, params: RiskParameters = DEFAULT_PARAMETERS) -> tuple[int, int, int]:
    base, extra = divmod(n, 3)
    if params.remainder == "lower":
        return base + (extra >= 3), base + (extra >= 2), base + (extra >= 1)
    return base + (extra >= 1), base + (extra >= 2), base


def stratify(
    rows: Sequence[tuple[object, str, int]], params: RiskParameters = DEFAULT_PARAMETERS
) -> list[tuple[object, int, int, str]]:
    """rows: (key, code, total) → [(key, total, rank, stratum)] in rank order. «Κάθε στρώμα έχει τον
    ίδιο αριθμό πράξεων» (§4.2.2): sort by total descending, ties by code; sizes by
    `stratum_sizes`; with ties="together" an operation tied with the last one of a higher stratum
    joins that stratum."""
    ordered = sorted(rows, key=lambda r: (-r[2], r[1]))
    high, medium, _low = stratum_sizes(len(ordered), params)
    out = []
    bounds = (high, high + medium)
    for i, (key, _code, total) in enumerate(ordered):
        stratum = HIGH if i < bounds[0] else MEDIUM if i < bounds[1] else LOW
        out.append([key, total, i + 1, stratum])
    if params.ties == "together":
        for i in range(1, len(out)):
            if out[i][1] == out[i - 1][1] and out[i][3] != out[i - 1][3]:
                out[i][3] = out[i - 1][3]
    return [tuple(r) for r in out]


# --- Table 1: which ΔΔΔ get a desk check (§4.3.1.A) ----------------------------------------------


@dataclass(frozen=True)
class Declaration:
    """One ΔΔΔ as Table 1 sees it."""

    declared: Decimal
    advance_only: bool = False
    is_final: bool = False
    sco_types: frozenset[str] = frozenset()
    ex_post_contract: bool = False


RULE_LABELS = {
    "first": "Πρώτο ΔΔΔ του υποέργου (όλα τα στρώματα)",
    "high": "Πράξη υψηλού κινδύνου: όλα τα ΔΔΔ",
    "30%": "Το ΔΔΔ με το οποίο το υποέργο φτάνει το 30% του π/υ του",
    "70%": "Το ΔΔΔ με το οποίο το υποέργο φτάνει το 70% του π/υ του",
    "last": "Τελευταίο ΔΔΔ υποέργου δημοσίων συμβάσεων (5001–5004)",
    "sco": "Πρώτη δαπάνη με επιλογή απλοποιημένου κόστους",
    "ex_post": "Δαπάνη σύμβασης χωρίς προληπτικό έλεγχο (κατασταλτικός έλεγχος, §4.3.3)",
    "staff": "Επιλογή της ΔΑ/ΕΦ με αιτιολόγηση",
}


def desk_check_rules(
    *,
    stratum: str,
    subproject_type: str,
    budget: Decimal,
    earlier: Sequence[Declaration],
    current: Declaration,
    params: RiskParameters = DEFAULT_PARAMETERS,
) -> list[str]:
    """The Table 1 rules that make `current` «προς επαλήθευση» (empty: not selected).

    - first: the first ΔΔΔ of the sub-project; an advance-only ΔΔΔ of a public contract is not it;
    - high: every ΔΔΔ of a high-risk operation;
    - medium: also the ΔΔΔ whose cumulative declared amount first reaches ≥ 30% and ≥ 70% of the
      sub-project budget [INTERP of «φτάνει στο 30%»]; low: the one reaching ≥ 70%;
    - medium/low on 5001–5004: also the last ΔΔΔ (marked final, or reaching 100%);
    - sco: every ΔΔΔ with the first expenditure under a simplified-cost option, per option;
    - ex_post: the beneficiary declared contract expenditure not checked ex ante (§4.3.3: the
      ex-post check happens on it, and a correction needs a level-B verification).
    """
    rules: list[str] = []
    if not current.advance_only and not any(not d.advance_only for d in earlier):
        rules.append("first")
    if stratum == HIGH:
        rules.append("high")
    elif stratum in (MEDIUM, LOW) and budget and budget > 0:

        def counted(d: Declaration) -> Decimal:
            return d.declared if (params.advance_counts_in_cumulative or not d.advance_only) else ZERO

        before = sum((counted(d) for d in earlier), ZERO)
        after = before + counted(current)
        thresholds = (30, 70) if stratum == MEDIUM else (70,)
        for pct in thresholds:
            line = budget * pct / HUNDRED
            if before < line <= after:
                rules.append(f"{pct}%")
        if subproject_type in PUBLIC_CONTRACT_TYPES and (current.is_final or after >= budget > before):
            rules.append("last")
    seen_sco = set().union(*(d.sco_types for d in earlier)) if earlier else set()
    if current.sco_types - seen_sco:
        rules.append("sco")
    if current.ex_post_contract:
        rules.append("ex_post")
    return [r for i, r in enumerate(rules) if r not in rules[:i]]


STAFF_GROUNDS = {
    "significant_share": (
        "ΔΔΔ με σημαντικό ποσοστό δαπανών (≥ 30% του π/υ του υποέργου) — μεσαίος/χαμηλός κίνδυνος"
    ),
    "earlier_problems": "Σημαντικά ή ασυνήθιστα προβλήματα σε προηγούμενη επαλήθευση ή στην παρακολούθηση",
}


def staff_selection_refusal(*, ground: str, stratum: str, declared: Decimal, budget: Decimal) -> str:
    """Why a discretionary selection is not allowed on this ground ('' = allowed), §4.3.1.A:
    «για τις πράξεις μεσαίου και χαμηλού κινδύνου … ΔΔΔ με ποσό δαπανών ≥30% του π/υ του
    υποέργου»; «άλλα ΔΔΔ … λόγω διαπίστωσης σημαντικών ή/και ασυνήθιστων προβλημάτων» (any stratum)."""
    if ground == "earlier_problems":
        return ""
    if ground != "significant_share":
        return "Άγνωστος λόγος επιλογής."
    if stratum not in (MEDIUM, LOW):
        return "Η επιλογή λόγω ποσοστού αφορά πράξεις μεσαίου ή χαμηλού κινδύνου (οι υψηλού ελέγχονται όλες)."
    if not budget or declared * HUNDRED < budget * 30:
        return (
            f"Το ΔΔΔ δηλώνει {format_eur(declared)}, λιγότερο από το 30% του π/υ του υποέργου "
            f"({format_eur(budget * 30 / HUNDRED)})."
        )
    return ""
