"""Πρόσκληση 004 (Συνεργατικοί Σχηματισμοί Καινοτομίας) — how much is paid, and when (§7.2, §11.3).

Pure functions over plain values; `payments.programmes.call004` gathers the facts and
`payments.services.call004` writes. Every amount is in euros, `Decimal`, quantized to cents.

- Aid of a certification (§7.2, §11.3.Β): per expense category, the verified eligible amount × the
  intensity of the category's GBER article, research type and the cluster's size
  (`calls.rules.line_intensity`: Art. 27 65% / 50%; Art. 25 by research type and size, +15 pp for
  wide dissemination, overall cap 80%).
- Advance (προκαταβολή, §11.3.Α): ≤ 40% of the approved public funding, against an equal bank
  letter of guarantee in favour of ΕΦΕΠΑΕ of indefinite duration, before the first verification
  request; offset («ισόποσος συμψηφισμός») against the public funding of each certification.
- Interim payments (§11.3.Β): cumulatively with the advance ≤ 80% of the approved public funding
  («το άθροισμα των εκταμιεύσεων … δεν μπορεί να ξεπερνά … το 80%»), at most two.
- Final payment (αποπληρωμή, §11.3.Γ): after completion, the public aid on the final certified
  eligible cost (never above the approved public funding) minus everything paid.
- Coverage of the advance (§11.3.Α): by paid expenses within the implementation period, or three
  years from the year it was paid, or 30/06/2029, whichever is earlier; the rest is ineligible.
- Discounting (§11.3, GBER Art. 7(3)): with an advance, payments and eligible costs are brought to
  their value at the grant date before the final payment.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from calls.rules import SIZE_LABELS, line_intensity
from opske.money import format_eur

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HUNDRED = Decimal("100")

ADVANCE_MAX_PERCENT = Decimal("40")  # §11.3.Α «μέχρι το 40% της δημόσιας χρηματοδότησης»
PAYMENTS_CAP_PERCENT = Decimal("80")  # §11.3 and §11.3.Β «δεν μπορούν να υπερβούν το 80%»
MAX_INTERIM_PAYMENTS = 2  # §11.3.Β «και να είναι περισσότερες από δύο (2)»
ADVANCE_COVER_YEARS = 3  # §11.3.Α «εντός τριών ετών από το έτος καταβολής της προκαταβολής»
ADVANCE_COVER_CUTOFF = datetime.date(2029, 6, 30)  # §11.3.Α «ή την 30/06/2029»
CUT_80 = "περικοπή λόγω ορίου 80%"

# §11.3.Α «από αναγνωρισμένο προς τούτο ίδρυμα»: credit institutions licensed in Greece (Bank of
# Greece register) and the funds that issue letters of guarantee by law. Kept as data: staff
# extend it when the register changes.
RECOGNISED_ISSUERS = (
    "Εθνική Τράπεζα της Ελλάδος",
    "Τράπεζα Πειραιώς",
    "Eurobank",
    "Alpha Bank",
    "Attica Bank",
    "Optima bank",
    "Παγκρήτια Τράπεζα",
    "Τράπεζα Χανίων",
    "Συνεταιριστική Τράπεζα Καρδίτσας",
    "Συνεταιριστική Τράπεζα Θεσσαλίας",
    "Συνεταιριστική Τράπεζα Κεντρικής Μακεδονίας",
    "Aegean Baltic Bank",
    "Ταμείο Παρακαταθηκών και Δανείων",
    "Ταμείο Μηχανικών Εργοληπτών Δημοσίων Έργων (ΤΜΕΔΕ)",
)


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount, percent) -> Decimal:
    return money(Decimal(str(amount)) * Decimal(str(percent)) / HUNDRED)


# --- aid per category (§7.2) --------------------------------------------------------------------


@dataclass(frozen=True)
class AidLine:
    category: str
    article: str
    eligible: Decimal
    percent: Decimal
    aid: Decimal
    note: str = ""

    @property
    def citation(self) -> str:
        return (
            f"Άρθρο {self.article} Καν. (ΕΕ) 651/2014 · Πρόσκληση 004 §7.2"
            if self.article
            else "Πρόσκληση 004 §7.2"
        )

    @property
    def label(self) -> str:
        return (
            f"Κατηγορία {self.category}: επιλέξιμο {format_eur(self.eligible)} × "
            f"{format(self.percent.normalize(), 'f').replace('.', ',')}%"
        )


def _research_choice(category: Mapping, variants: Sequence[tuple[str, bool]], size: str):
    """(research_type, dissemination, note) for an Art. 25 category: the approved budget line's;
    when lines of several types share the category, the lowest intensity (never above the aid the
    approval allows for the expense), said in the note."""
    table = category.get("intensity_table") or {}
    types = [k for k, v in table.items() if isinstance(v, dict)]
    if not types:
        return "", False, ""
    candidates = [(t or (types[0] if len(types) == 1 else ""), d) for t, d in variants] or [
        (t, False) for t in types
    ]
    candidates = [(t, d) for t, d in candidates if t in types] or [(t, False) for t in types]
    scored = sorted(
        candidates, key=lambda c: line_intensity(category, size=size, research_type=c[0], dissemination=c[1])
    )
    chosen = scored[0]
    note = ""
    if len(set(candidates)) > 1:
        note = "Γραμμές διαφορετικού είδους έρευνας στην ίδια κατηγορία: εφαρμόζεται η χαμηλότερη ένταση."
    return chosen[0], chosen[1], note


def category_aid(
    eligible_by_category: Mapping[str, Decimal],
    categories: Mapping[str, Mapping],
    *,
    size: str,
    research: Mapping[str, Sequence[tuple[str, bool]]] | None = None,
) -> list[AidLine]:
    """Πρόσκληση 004 §7.2: aid per category = eligible amount × intensity(article, category,
    research type and dissemination, size). `categories`: code → {"gber_article",
    "aid_intensity_percent", "intensity_table"}; `research`: code → the (research_type,
    dissemination) of the approved budget lines of an Art. 25 category.

    Small cluster, 100.000,00 € of 02.06 (Art. 27, 65%) → 65.000,00 €; 50.000,00 € of 04.02
    industrial research with dissemination (70 + 15 = 85, capped at 80%) → 40.000,00 €.
    """
    research = research or {}
    out = []
    for code in sorted(eligible_by_category):
        eligible = money(eligible_by_category[code])
        cat = categories.get(code)
        if cat is None:
            out.append(
                AidLine(
                    code, "", eligible, ZERO, ZERO, "Η κατηγορία δεν είναι επιλέξιμη στην πρόσκληση (§6.1)."
                )
            )
            continue
        rtype, dissemination, note = _research_choice(cat, research.get(code, ()), size)
        try:
            pct = line_intensity(cat, size=size, research_type=rtype, dissemination=dissemination)
        except ValueError as exc:
            out.append(AidLine(code, str(cat.get("gber_article") or ""), eligible, ZERO, ZERO, str(exc)))
            continue
        if rtype:
            word = {"industrial": "βιομηχανική έρευνα", "experimental": "πειραματική ανάπτυξη",
                    "feasibility": "μελέτη σκοπιμότητας"}.get(rtype, rtype)  # fmt: skip
            extra = f"{word}, {SIZE_LABELS.get(size, size)} επιχείρηση" + (
                ", ευρεία διάδοση (+15 μ.)" if dissemination else ""
            )
            note = f"{extra}. {note}".strip()
        out.append(
            AidLine(code, str(cat.get("gber_article") or ""), eligible, pct, percent_of(eligible, pct), note)
        )
    return out


def total_aid(lines: Iterable[AidLine]) -> Decimal:
    return money(sum((line.aid for line in lines), ZERO))


def approved_public_funding(decided, budget_aid) -> tuple[Decimal, str]:
    """The public funding the 40% and 80% limits are measured on: the inclusion decision's, never
    above the aid its approved budget gives at the §7.2 intensities (aid above them would break
    GBER Art. 25/27). Returns (amount, warning or "")."""
    decided, budget_aid = money(decided or 0), money(budget_aid or 0)
    if decided <= 0:
        return budget_aid, ""
    if budget_aid > 0 and decided > budget_aid:
        return budget_aid, (
            f"Η δημόσια δαπάνη της απόφασης ({format_eur(decided)}) υπερβαίνει την ενίσχυση που δίνουν οι "
            f"εντάσεις του §7.2 στον εγκεκριμένο προϋπολογισμό ({format_eur(budget_aid)}): τα όρια 40% και "
            f"80% υπολογίζονται επί της δεύτερης."
        )
    return decided, ""


# --- advance (§11.3.Α) --------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    message: str


@dataclass(frozen=True)
class GuaranteeFacts:
    number: str
    issuer: str
    amount: Decimal | None
    issued_on: datetime.date | None
    expires_on: datetime.date | None
    has_letter: bool


def advance_max(public_funding) -> Decimal:
    """§11.3.Α: the advance is at most 40% of the public funding (400.000,00 € → 160.000,00 €)."""
    return percent_of(public_funding, ADVANCE_MAX_PERCENT)


def advance_problems(
    *,
    amount: Decimal | None,
    public_funding: Decimal,
    guarantee: GuaranteeFacts | None,
    first_request_filed_on: datetime.date | None,
    has_advance: bool,
    operation_active: bool,
    today: datetime.date,
) -> list[Problem]:
    """Why an advance request is refused (Πρόσκληση 004 §11.3.Α), each at its field; [] = accepted."""
    out: list[Problem] = []
    if not operation_active:
        out.append(Problem("__all__", "advance_operation_not_active", "Η πράξη δεν βρίσκεται σε υλοποίηση."))
    if has_advance:
        out.append(
            Problem("amount", "advance_exists", "Έχει ήδη υποβληθεί αίτημα προκαταβολής για την πράξη.")
        )
    if first_request_filed_on is not None:
        out.append(
            Problem(
                "amount",
                "advance_after_request",
                "Το αίτημα προκαταβολής πρέπει να προηγείται της υποβολής του πρώτου αιτήματος επαλήθευσης "
                f"(υποβλήθηκε στις {first_request_filed_on:%d/%m/%Y}· Πρόσκληση 004 §11.3.Α).",
            )
        )
    ceiling = advance_max(public_funding)
    if amount is None or amount <= 0:
        out.append(Problem("amount", "advance_amount", "Συμπληρώστε το ποσό της προκαταβολής."))
    elif money(amount) > ceiling:
        out.append(
            Problem(
                "amount",
                "advance_over_40",
                f"Η προκαταβολή {format_eur(amount)} υπερβαίνει το 40% της δημόσιας χρηματοδότησης "
                f"({format_eur(ceiling)} επί {format_eur(public_funding)}· Πρόσκληση 004 §11.3.Α).",
            )
        )
    if guarantee is None or not (
        guarantee.number or guarantee.issuer or guarantee.amount or guarantee.has_letter
    ):
        out.append(
            Problem(
                "guarantee_number",
                "advance_without_guarantee",
                "Η προκαταβολή χορηγείται μόνο με ισόποση εγγυητική επιστολή προκαταβολής υπέρ του ΕΦΕΠΑΕ "
                "(Πρόσκληση 004 §11.3.Α): συμπληρώστε τα στοιχεία της και αναρτήστε την.",
            )
        )
        return out
    if not guarantee.number.strip():
        out.append(
            Problem(
                "guarantee_number", "guarantee_number", "Συμπληρώστε τον αριθμό της εγγυητικής επιστολής."
            )
        )
    if guarantee.issuer not in RECOGNISED_ISSUERS:
        out.append(
            Problem(
                "guarantee_issuer",
                "guarantee_issuer",
                "Επιλέξτε το πιστωτικό ίδρυμα που εξέδωσε την επιστολή· γίνονται δεκτές επιστολές "
                "αναγνωρισμένων ιδρυμάτων (Πρόσκληση 004 §11.3.Α).",
            )
        )
    if guarantee.amount is None or guarantee.amount <= 0:
        out.append(
            Problem("guarantee_amount", "guarantee_amount", "Συμπληρώστε το ποσό της εγγυητικής επιστολής.")
        )
    elif amount is not None and money(guarantee.amount) < money(amount):
        out.append(
            Problem(
                "guarantee_amount",
                "guarantee_below_advance",
                f"Η εγγυητική επιστολή ({format_eur(guarantee.amount)}) είναι μικρότερη από την προκαταβολή "
                f"({format_eur(amount)})· απαιτείται ισόποση επιστολή (Πρόσκληση 004 §11.3.Α).",
            )
        )
    if guarantee.issued_on is None:
        out.append(
            Problem("guarantee_issued_on", "guarantee_issued_on", "Συμπληρώστε την ημερομηνία έκδοσης.")
        )
    elif guarantee.issued_on > today:
        out.append(
            Problem(
                "guarantee_issued_on",
                "guarantee_issued_future",
                "Η ημερομηνία έκδοσης δεν μπορεί να είναι μελλοντική.",
            )
        )
    if guarantee.expires_on is not None:
        if guarantee.expires_on < today:
            msg = f"Η εγγυητική επιστολή έληξε στις {guarantee.expires_on:%d/%m/%Y}."
            code = "guarantee_expired"
        else:
            msg = (
                "Η εγγυητική επιστολή προκαταβολής εκδίδεται με διάρκεια ισχύος αορίστου χρόνου "
                "(Πρόσκληση 004 §11.3.Α)· αφήστε κενή τη λήξη."
            )
            code = "guarantee_not_indefinite"
        out.append(Problem("guarantee_expires_on", code, msg))
    if not guarantee.has_letter:
        out.append(Problem("guarantee_letter", "guarantee_letter", "Αναρτήστε την εγγυητική επιστολή (PDF)."))
    return out


# --- interim payments (§11.3.Β) and the 80% ceiling --------------------------------------------


@dataclass(frozen=True)
class InterimOutcome:
    certified_aid: Decimal  # public aid of this certification
    offset: Decimal  # part of it that offsets the advance (the guarantee is reduced by it)
    payable: Decimal  # certified aid − offset, before the ceiling
    room: Decimal  # what the 80% ceiling still allows
    amount: Decimal  # what this interim payment pays
    cut: Decimal  # payable − amount because of the ceiling
    warnings: tuple[str, ...] = field(default=())


def payments_ceiling(public_funding) -> Decimal:
    """§11.3: advance + interim payments ≤ 80% of the approved public funding."""
    return percent_of(public_funding, PAYMENTS_CAP_PERCENT)


def interim_payment(
    *,
    certified_aid: Decimal,
    public_funding: Decimal,
    advance: Decimal = ZERO,
    advance_offset_before: Decimal = ZERO,
    interim_paid_before: Decimal = ZERO,
    interim_count_before: int = 0,
) -> InterimOutcome:
    """One interim payment (Πρόσκληση 004 §11.3.Α–Β).

    The certification's public aid first offsets what is left of the advance (the guarantee is
    reduced «με βάση ισόποσο συμψηφισμό»); the rest is paid, as long as advance + interim payments
    stay ≤ 80% of the approved public funding and this is at most the second interim payment.

    230.000,00 € approved, 92.000,00 € advance, 190.000,00 € certified: 92.000,00 € offset, 98.000,00
    € payable, the ceiling 184.000,00 € leaves 92.000,00 €: paid 92.000,00 €, cut 6.000,00 €.
    """
    certified_aid, advance = money(certified_aid), money(advance)
    left = max(advance - money(advance_offset_before), ZERO)
    offset = min(left, certified_aid)
    payable = money(certified_aid - offset)
    ceiling = payments_ceiling(public_funding)
    room = max(money(ceiling - advance - money(interim_paid_before)), ZERO)
    warnings: list[str] = []
    if offset:
        warnings.append(
            f"Συμψηφισμός με την προκαταβολή: {format_eur(offset)} της πιστοποιηθείσας δημόσιας δαπάνης "
            f"απομειώνουν την εγγυητική επιστολή (Πρόσκληση 004 §11.3.Α)."
        )
    if payable and interim_count_before >= MAX_INTERIM_PAYMENTS:
        warnings.append(
            f"Έχουν ήδη γίνει {interim_count_before} ενδιάμεσες καταβολές· η πρόσκληση επιτρέπει έως "
            f"{MAX_INTERIM_PAYMENTS} (§11.3.Β). Η πιστοποίηση λογίζεται στην αποπληρωμή."
        )
        return InterimOutcome(certified_aid, offset, payable, room, ZERO, ZERO, tuple(warnings))
    amount = min(payable, room)
    cut = money(payable - amount)
    if cut:
        warnings.append(
            f"Περικοπή λόγω ορίου 80%: {format_eur(cut)}. Προκαταβολή και ενδιάμεσες καταβολές δεν "
            f"υπερβαίνουν το 80% της εγκεκριμένης δημόσιας χρηματοδότησης ({format_eur(ceiling)} επί "
            f"{format_eur(public_funding)}· Πρόσκληση 004 §11.3.Β). Το ποσό καταβάλλεται με την αποπληρωμή."
        )
    return InterimOutcome(certified_aid, offset, payable, room, amount, cut, tuple(warnings))


# --- final payment (§11.3.Γ) --------------------------------------------------------------------


@dataclass(frozen=True)
class FinalOutcome:
    final_aid: Decimal  # public aid on the final certified eligible cost
    capped_aid: Decimal  # never above the approved public funding
    paid_before: Decimal
    amount: Decimal  # the final payment
    excess_paid: Decimal  # paid above the final aid: to be recovered
    warnings: tuple[str, ...] = ()


def final_payment(*, final_aid: Decimal, public_funding: Decimal, paid_before: Decimal) -> FinalOutcome:
    """Αποπληρωμή (§11.3.Γ): the public aid on the final certified eligible cost, not above the
    approved public funding, minus everything paid before (advance and interim payments).

    Final aid 220.000,00 €, approved 230.000,00 €, paid 184.000,00 € → 36.000,00 €.
    """
    final_aid, public_funding, paid_before = money(final_aid), money(public_funding), money(paid_before)
    capped = min(final_aid, public_funding)
    warnings = []
    if final_aid > public_funding:
        warnings.append(
            f"Η ενίσχυση επί του τελικού επιλέξιμου κόστους ({format_eur(final_aid)}) περιορίζεται στην "
            f"εγκεκριμένη δημόσια χρηματοδότηση ({format_eur(public_funding)})."
        )
    amount = max(money(capped - paid_before), ZERO)
    excess = max(money(paid_before - capped), ZERO)
    if excess:
        warnings.append(
            f"Έχουν καταβληθεί {format_eur(excess)} πάνω από την τελική δημόσια χρηματοδότηση: "
            f"ανακτώνται (Πρόσκληση 004 §11.3.Α, §14.3)."
        )
    return FinalOutcome(final_aid, capped, paid_before, amount, excess, tuple(warnings))


# --- coverage of the advance within three years (§11.3.Α) ---------------------------------------


@dataclass(frozen=True)
class Coverage:
    deadline: datetime.date
    covered: Decimal
    uncovered: Decimal
    closed: bool  # the deadline passed: the uncovered part is ineligible

    @property
    def ineligible(self) -> Decimal:
        return self.uncovered if self.closed else ZERO


def advance_cover_deadline(
    *, paid_on: datetime.date, implementation_end: datetime.date | None
) -> datetime.date:
    """§11.3.Α: the implementation's end, or three years from the year the advance was paid
    (31/12 of that year + 3), or 30/06/2029, whichever is earlier.

    Paid 15/03/2026, implementation to 31/07/2029 → 30/06/2029; paid 2024 → 31/12/2027.
    """
    three_years = datetime.date(paid_on.year + ADVANCE_COVER_YEARS, 12, 31)
    candidates = [three_years, ADVANCE_COVER_CUTOFF]
    if implementation_end is not None:
        candidates.append(implementation_end)
    return min(candidates)


def advance_coverage(
    *,
    advance: Decimal,
    paid_on: datetime.date,
    implementation_end: datetime.date | None,
    expenses: Iterable[tuple[datetime.date | None, Decimal]],
    today: datetime.date,
) -> Coverage:
    """How much of the advance paid expenses cover (§11.3.Α): `expenses` are (payment date, public
    aid of the certified expense); only those paid by the deadline count. After the deadline the
    uncovered part is ineligible (to be recovered)."""
    deadline = advance_cover_deadline(paid_on=paid_on, implementation_end=implementation_end)
    advance = money(advance)
    aid = money(sum((Decimal(a) for d, a in expenses if d is not None and d <= deadline), ZERO))
    covered = min(aid, advance)
    return Coverage(deadline, covered, money(advance - covered), today > deadline)


# --- discounting before the final payment (§11.3, GBER Art. 7(3)) ------------------------------


def discount_factor(*, on: datetime.date, grant_date: datetime.date, rate_percent) -> Decimal:
    """1 / (1 + r)^(days/365): the value at the grant date of one euro on `on` (annual compounding,
    the Commission's method for reference/discount rates, 2008/C 14/02)."""
    years = Decimal((on - grant_date).days) / Decimal(365)
    base = Decimal(1) + Decimal(str(rate_percent)) / HUNDRED
    return Decimal(1) / (base**years) if years else Decimal(1)


def discounted_final_cap(
    *,
    payments: Iterable[tuple[datetime.date, Decimal]],
    costs: Iterable[tuple[datetime.date, Decimal]],
    max_intensity_percent,
    grant_date: datetime.date,
    final_on: datetime.date,
    rate_percent,
) -> Decimal:
    """The largest final payment on `final_on` that keeps the discounted aid within the intensity
    (§11.3: «οι καταβολές των ενισχύσεων και οι επιλέξιμες δαπάνες ανάγονται στην αξία τους κατά το
    χρόνο χορήγησης»): (I × PV(costs) − PV(payments so far)) / factor(final_on).

    `max_intensity_percent` is the weighted intensity of the final certified cost (final aid ÷
    final eligible cost × 100)."""
    pv_costs = sum(
        (
            Decimal(a) * discount_factor(on=d, grant_date=grant_date, rate_percent=rate_percent)
            for d, a in costs
        ),
        Decimal(0),
    )
    pv_paid = sum(
        (
            Decimal(a) * discount_factor(on=d, grant_date=grant_date, rate_percent=rate_percent)
            for d, a in payments
        ),
        Decimal(0),
    )
    room = Decimal(str(max_intensity_percent)) / HUNDRED * pv_costs - pv_paid
    factor = discount_factor(on=final_on, grant_date=grant_date, rate_percent=rate_percent)
    return max(money(room / factor), ZERO)
