"""ΚΥΑ 16936: the monthly wage of a participant and the year's budget, as pure functions.

- Gross pay €1,300 a month (Art. 2(3); call setting `monthly_gross_pay`), cut by gross / D for each
  day of absence not covered by a legal right (Art. 7(6); leave, short sick leave and the blameless
  impediment of arts 657–658 ΑΚ cut nothing). D is the call's `absence_divisor` (note 002 §7.1 [GAP]:
  the text gives none; 25, the insured days of Art. 7(2), by default).
- The hazardous/unhealthy-work allowance of art. 18 ν. 4354/2015 is part of the eligible gross where
  it applies (Art. 7(1)(α)). Whether it comes on top of the €1,300 or inside it is a [GAP] (note 002
  §7.1): the call's reading `hazardous_allowance_reading`, «on_top» by default (note 002 §7.3 F).
- Employee and employer contributions by the call's rates (`wage_contribution_rates`), ΦΜΥ as the
  host's payroll gives it; net = gross − employee contributions − ΦΜΥ (Art. 8(1)(β)(xiii)); ΔΥΠΑ's
  cost = gross + employer contributions (Art. 7(1)(α)–(β)), paid as the net to the participant's IBAN
  and the contributions with the ΦΜΥ through ΤΠΤΕ (Art. 8(3)).
- Nothing else is paid (Art. 7(4)–(5), 2(3)): a claim line above the gross that is not the hazardous
  allowance is refused (note 002 §7.3 Example D).
- The yearly ceilings of Rec. 35 (2025 ≤ €770,000, 2026 ≤ €1,090,000) against committed plus
  projected cost (note 002 §7.3 Example E).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from opske.money import format_eur

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")

MONTHLY_GROSS_PAY = Decimal("1300.00")  # Art. 2(3)
ABSENCE_DIVISOR = 25  # note 002 §7.1 [INF]: the 25 insured days of Art. 7(2)
# PLACEHOLDERS, not from the decision (note 002 §7.3): the real rates come from the e-ΕΦΚΑ insurance
# package code (ΚΠΚ) of the participants' category; set them on the call (`wage_contribution_rates`).
PLACEHOLDER_EMPLOYEE_PERCENT = Decimal("13.87")
PLACEHOLDER_EMPLOYER_PERCENT = Decimal("21.79")
HAZARDOUS_ON_TOP = "on_top"
HAZARDOUS_INSIDE = "inside"

CITE_GROSS = "ΚΥΑ 16936 Άρθ. 2(3), 7(1)(α)"
CITE_ABSENCE = "ΚΥΑ 16936 Άρθ. 7(6)"
CITE_HAZARDOUS = "ΚΥΑ 16936 Άρθ. 7(1)(α), άρθ. 18 ν. 4354/2015"
CITE_EMPLOYEE = "ΚΥΑ 16936 Άρθ. 7(1)(α), 7(2), 8(1)(β)(ix)"
CITE_EMPLOYER = "ΚΥΑ 16936 Άρθ. 7(1)(β), 8(1)(β)(x)"
CITE_TAX = "ΚΥΑ 16936 Άρθ. 7(1)(α), 8(1)(β)(xii)"
CITE_NET = "ΚΥΑ 16936 Άρθ. 8(1)(β)(xiii), 8(3)"
CITE_TPTE = "ΚΥΑ 16936 Άρθ. 8(1)(ε), 8(3)"


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class WageRates:
    """The call's settings for the month's pay (defaults where the call says nothing)."""

    monthly_gross: Decimal = MONTHLY_GROSS_PAY
    absence_divisor: int = ABSENCE_DIVISOR
    employee_percent: Decimal = PLACEHOLDER_EMPLOYEE_PERCENT
    employer_percent: Decimal = PLACEHOLDER_EMPLOYER_PERCENT
    hazardous_reading: str = HAZARDOUS_ON_TOP
    rates_are_placeholders: bool = True

    @property
    def daily_rate(self) -> Decimal:
        return cents(self.monthly_gross / Decimal(self.absence_divisor))

    def full_month_cost(self) -> Decimal:
        """ΔΥΠΑ's cost of a month without absences: gross + employer contributions (1.583,27 €)."""
        return self.monthly_gross + cents(self.monthly_gross * self.employer_percent / HUNDRED)


@dataclass(frozen=True)
class ClaimLine:
    """A line the host claims beyond the month's gross (e.g. a weekend premium, Art. 7(4))."""

    label: str
    amount: Decimal
    hazardous: bool = False


@dataclass(frozen=True)
class WageMonth:
    base_gross: Decimal
    absence_days: int
    daily_rate: Decimal
    absence_deduction: Decimal
    hazardous_allowance: Decimal
    gross: Decimal
    employee_contributions: Decimal  # (ix)
    employer_contributions: Decimal  # (x)
    total_contributions: Decimal  # (xi)
    income_tax: Decimal  # (xii) ΦΜΥ
    net: Decimal  # (xiii)

    @property
    def dypa_cost(self) -> Decimal:
        """What ΔΥΠΑ pays for the month: gross + employer contributions (Art. 7(1)(α)–(β))."""
        return self.gross + self.employer_contributions

    @property
    def via_tpte(self) -> Decimal:
        """Paid through ΤΠΤΕ: both contributions and the ΦΜΥ (Art. 8(3))."""
        return self.total_contributions + self.income_tax


class WageError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def absence_deduction(monthly_gross: Decimal, days: int, divisor: int) -> Decimal:
    """Art. 7(6): «για κάθε ημέρα απουσίας … περικόπτονται αντίστοιχα οι ακαθάριστες αποδοχές»,
    gross / D per day. 2 days, D = 25 → 1.300,00 × 2 / 25 = 104,00. Never beyond the gross."""
    if days < 0:
        raise WageError("unjustified_absence_days", "Οι ημέρες απουσίας δεν μπορεί να είναι αρνητικές.")
    if divisor <= 0:
        raise WageError("absence_divisor", "Ο διαιρέτης ημερών πρέπει να είναι θετικός.")
    return min(cents(monthly_gross * Decimal(days) / Decimal(divisor)), monthly_gross)


def wage_month(
    rates: WageRates,
    *,
    unjustified_absence_days: int = 0,
    hazardous_allowance: Decimal = ZERO,
    income_tax: Decimal = ZERO,
) -> WageMonth:
    """The month's pay of one participant (note 002 §7.3 A–C, F). Justified leave is not an input:
    it cuts nothing (Art. 7(6))."""
    hazardous = cents(hazardous_allowance or ZERO)
    tax = cents(income_tax or ZERO)
    if hazardous < 0:
        raise WageError("hazardous_allowance", "Το επίδομα δεν μπορεί να είναι αρνητικό.")
    if tax < 0:
        raise WageError("income_tax", "Ο ΦΜΥ δεν μπορεί να είναι αρνητικός.")
    base = cents(rates.monthly_gross)
    deduction = absence_deduction(base, unjustified_absence_days, rates.absence_divisor)
    if rates.hazardous_reading == HAZARDOUS_INSIDE:
        # Inside the €1,300: the allowance is part of the gross, which stays at most the monthly pay.
        if hazardous > base:
            raise WageError(
                "hazardous_allowance",
                "Κατά την επιλογή της πρόσκλησης το επίδομα περιλαμβάνεται στις μικτές αποδοχές "
                f"των {format_eur(base)} και δεν μπορεί να τις υπερβαίνει.",
            )
        gross = base - deduction
    else:
        gross = base - deduction + hazardous
    employee = cents(gross * rates.employee_percent / HUNDRED)
    employer = cents(gross * rates.employer_percent / HUNDRED)
    net = gross - employee - tax
    if net < 0:
        raise WageError("income_tax", "Ο ΦΜΥ υπερβαίνει τις αποδοχές μετά τις εισφορές.")
    return WageMonth(
        base_gross=base,
        absence_days=unjustified_absence_days,
        daily_rate=rates.daily_rate,
        absence_deduction=deduction,
        hazardous_allowance=hazardous,
        gross=gross,
        employee_contributions=employee,
        employer_contributions=employer,
        total_contributions=employee + employer,
        income_tax=tax,
        net=net,
    )


def claim_problems(claims: list[ClaimLine]) -> list[str]:
    """Example D: ΔΥΠΑ pays nothing above the gross but the hazardous allowance (Art. 2(3), 7(4),
    7(5)). A weekend premium of 80,00 € under a written-consent schedule is the host's."""
    problems = []
    for claim in claims:
        if claim.amount and claim.amount > 0 and not claim.hazardous:
            problems.append(
                f"Η γραμμή «{claim.label}» ({format_eur(claim.amount)}) υπερβαίνει τις μικτές αποδοχές "
                "και δεν είναι το επίδομα επικίνδυνης και ανθυγιεινής εργασίας: "
                "την επιπλέον δαπάνη την καλύπτει ο φορέας "
                "(ΚΥΑ 16936 Άρθ. 2(3), 7(4), 7(5))."
            )
    return problems


def statement_problems(
    *, gross: Decimal, employee: Decimal, employer: Decimal, total: Decimal, income_tax: Decimal, net: Decimal
) -> dict[str, str]:
    """The monthly statement's own arithmetic (Art. 8(1)(β)): (ix) + (x) = (xi) and
    (xiii) = gross − (ix) − (xii). Field → message."""
    errors = {}
    if employee + employer != total:
        errors["total_contributions"] = (
            f"(xi) {total:.2f} ≠ (ix) {employee:.2f} + (x) {employer:.2f}: οι συνολικές εισφορές "
            "είναι το άθροισμα ωφελούμενου και φορέα."
        )
    if gross - employee - income_tax != net:
        errors["net"] = (
            f"(xiii) {net:.2f} ≠ μικτές {gross:.2f} − (ix) {employee:.2f} − (xii) {income_tax:.2f}: "
            "οι καθαρές αποδοχές δεν συμφωνούν."
        )
    return errors


@dataclass(frozen=True)
class YearProjection:
    year: int
    ceiling: Decimal | None
    committed: Decimal
    remaining_person_months: int
    monthly_cost: Decimal

    @property
    def projected(self) -> Decimal:
        return cents(self.monthly_cost * self.remaining_person_months)

    @property
    def total(self) -> Decimal:
        return self.committed + self.projected

    @property
    def exceeds(self) -> bool:
        return self.ceiling is not None and self.total > self.ceiling

    @property
    def shortfall(self) -> Decimal:
        """How much the ceiling lacks (Example E: 1.899.924,00 − 1.860.000,00 = 39.924,00)."""
        if self.ceiling is None:
            return ZERO
        return max(self.total - self.ceiling, ZERO)


def year_projection(
    *,
    year: int,
    ceiling: Decimal | None,
    committed: Decimal,
    remaining_person_months: int,
    monthly_cost: Decimal,
) -> YearProjection:
    """Committed cost of the year's verified months plus the months still ahead of every active
    placement × the month's full cost (Rec. 35 ceilings; note 002 §7.2, §7.3 E)."""
    return YearProjection(
        year, ceiling, cents(committed), max(remaining_person_months, 0), cents(monthly_cost)
    )
