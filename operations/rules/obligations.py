"""Long-term obligations after completion (Πρόσκληση 004 §14.2, §14.3).

§14.2: «για διάστημα τριών (3) ετών από την τελική πληρωμή» (art. 65(1) Reg. 2021/1060) the
beneficiary keeps the activity in the Region, the ownership, the nature of the investment, the
aided assets, the actual operation, no leasing, audits, publicity and services only to SMEs.
§14.3: each year the managing body verifies them (annual programme of administrative checks);
a breach is corrected pro rata to the period of non-compliance (issue 13).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from operations.rules.dates import add_months

CALL004_LONG_TERM_YEARS = 3

CALL004_LONG_TERM_ITEMS = (
    "α) μη παύση ή μετεγκατάσταση της παραγωγικής δραστηριότητας εκτός ΠΚΜ",
    "β) μη αλλαγή ιδιοκτησίας που παρέχει αθέμιτο πλεονέκτημα",
    "γ) μη ουσιαστική αλλαγή της φύσης, των στόχων ή των όρων υλοποίησης",
    "δ) μη μεταβίβαση ενισχυμένων στοιχείων χωρίς αντικατάσταση",
    "ε) πραγματική λειτουργία της επένδυσης",
    "στ) μη εκμίσθωση",
    "ζ) αποδοχή ελέγχων",
    "η) διατήρηση των μέτρων δημοσιότητας",
    "θ) παροχή υπηρεσιών μόνο σε ΜμΕ",
)


@dataclass(frozen=True)
class LongTermPlan:
    starts_on: datetime.date
    ends_on: datetime.date
    check_dates: tuple[datetime.date, ...]


def long_term_plan(*, final_payment_on: datetime.date, years: int = CALL004_LONG_TERM_YEARS) -> LongTermPlan:
    """Three years from the final payment, one check at each anniversary (§14.2, §14.3.1).

    Final payment 10/09/2029 → obligations through 10/09/2032, checks 10/09/2030, 2031, 2032.
    """
    checks = tuple(add_months(final_payment_on, 12 * n) for n in range(1, years + 1))
    return LongTermPlan(
        starts_on=final_payment_on, ends_on=checks[-1] if checks else final_payment_on, check_dates=checks
    )


def long_term_years(method: str) -> int:
    """Call 004 (comparative) carries the 3-year obligations of §14.2; ΚΥΑ 7066 states none after
    completion beyond keeping the records (Art. 13)."""
    return CALL004_LONG_TERM_YEARS if method == "comparative" else 0
