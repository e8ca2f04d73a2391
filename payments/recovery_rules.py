"""Recoveries as pure functions: how much is paid back, and the interest on it.

- ΚΥΑ 7066 Art. 11 (art. 29 §7 ν.1262/1982): a breach after a payment → return «το ανάλογο ποσό
  της επιχορήγησης … που αντιστοιχεί στο υπόλοιπο χρονικό διάστημα του συνολικού χρόνου
  απασχόλησης». The reading is the call's gap setting `clawback_reading` (001 §11 gap 21):
  "proportional" received × remaining / total months (E13), or "stop_future" (nothing returned,
  only the future payments stop). Art. 10.4γ (no unemployed of the specialty) stops the subsidy
  «χωρίς άλλες επιπτώσεις»: no recovery at all.
- Interest on amounts paid unduly (ΚΥΑ 7066 Art. 11, άρθ. 42 §8 ν.4914/2022; Πρόσκληση 004 §14.3):
  simple, actual/365, at the European Commission reference rate for Greece of each calendar year
  the period crosses (Reg. 794/2004 Ch. V), one line per payment and calendar year, each rounded
  to the cent. It runs from each payment's date to the financial-correction decision (ΚΥΑ 7066
  Art. 11) or to the repayment (Πρόσκληση 004 §14.3.10): `interest_end_point`.
- Πρόσκληση 004 §14.2: a breach of the 3-year obligations → recovery pro rata to the period of
  non-compliance; all of it if the activity stops or the long-term documents are not submitted.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from opske.errors import ValidationFailed
from opske.money import format_number

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
DAYS_IN_YEAR = Decimal(365)

PROPORTIONAL = "proportional"
STOP_FUTURE = "stop_future"

# Where interest stops, by the call's evaluation method (the programme).
END_AT_DECISION = "decision"
END_AT_REPAYMENT = "repayment"
INTEREST_END = {"fcfs_direct": END_AT_DECISION, "comparative": END_AT_REPAYMENT}
INTEREST_END_CITATION = {
    END_AT_DECISION: "ΚΥΑ 7066 Άρθ. 11 (άρθ. 42 §8 ν.4914/2022): έως την έκδοση της απόφασης",
    END_AT_REPAYMENT: "Πρόσκληση 004 §14.3: έως την ημερομηνία επιστροφής του ποσού",
}


def format_rate(rate) -> str:
    """3.500 → «3,5»: a percentage with its significant decimals, Greek separator."""
    text = f"{Decimal(rate):.3f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Computation:
    """A principal with the lines it was computed from (label, amount, citation)."""

    amount: Decimal
    lines: tuple[dict, ...]
    recover: bool = True  # False: nothing is to be returned (stop_future, Art. 10.4γ)


def _line(label: str, amount, citation: str) -> dict:
    return {"label": label, "amount": f"{cents(amount):.2f}", "citation": citation}


def clawback(*, received, total_months: int, served_months: int, reading: str = PROPORTIONAL) -> Computation:
    """ΚΥΑ 7066 Art. 11: what returns after a breach, per the call's reading (E13: 9.480,00 × 4/12
    = 3.160,00 €)."""
    received = cents(received)
    if total_months <= 0:
        raise ValueError("total_months must be positive")
    remaining = max(total_months - served_months, 0)
    if reading == STOP_FUTURE:
        return Computation(
            ZERO,
            (
                _line(f"Εισπραχθέντα για τη θέση ({served_months} μήνες)", received, "ΚΥΑ 7066 Άρθ. 11"),
                _line(
                    f"Ανάγνωση «μόνο διακοπή πληρωμών»: δεν επιστρέφεται ποσό· δεν καταβάλλεται τίποτα "
                    f"για τους υπόλοιπους {remaining} μήνες",
                    ZERO,
                    "ΚΥΑ 7066 Άρθ. 11, ρύθμιση πρόσκλησης clawback_reading",
                ),
            ),
            recover=False,
        )
    if reading != PROPORTIONAL:
        raise ValueError(f"unknown clawback reading {reading!r}")
    amount = cents(received * remaining / total_months)
    return Computation(
        amount,
        (
            _line(
                f"Εισπραχθέντα για τη θέση ({served_months} μήνες απασχόλησης)", received, "ΚΥΑ 7066 Άρθ. 11"
            ),
            _line(
                f"Αναλογία υπόλοιπου χρόνου: {format_number(received)} × {remaining}/{total_months}",
                amount,
                "ΚΥΑ 7066 Άρθ. 11, άρθ. 29 §7 ν.1262/1982",
            ),
        ),
    )


def stopped_without_consequence() -> Computation:
    """Art. 10.4γ: no unemployed of that specialty; the subsidy stops and nothing is recovered."""
    return Computation(
        ZERO,
        (_line("Διακοπή χωρίς άλλες επιπτώσεις: δεν αναζητείται ποσό", ZERO, "ΚΥΑ 7066 Άρθ. 10.4γ"),),
        recover=False,
    )


BREACH_PARTIAL = "partial"
BREACH_ACTIVITY_STOPPED = "activity_stopped"
BREACH_DOCUMENTS_MISSING = "documents_missing"
BREACH_KINDS = {
    BREACH_PARTIAL: "Παράβαση για μέρος της περιόδου (αναλογικά)",
    BREACH_ACTIVITY_STOPPED: "Παύση της δραστηριότητας / παραγωγικής λειτουργίας (ολική)",
    BREACH_DOCUMENTS_MISSING: "Μη υποβολή των ζητούμενων στοιχείων μακροχρόνιων υποχρεώσεων (ολική)",
}


def obligation_breach(
    *, aid_paid, breach_kind: str, compliant_months: int = 0, total_months: int = 36
) -> Computation:
    """Πρόσκληση 004 §14.2: aid 300.000,00 €, breach from month 24 of 36 → 300.000 × 12/36 =
    100.000,00 €; the whole aid when the activity stops or the documents are not submitted."""
    aid_paid = cents(aid_paid)
    if breach_kind in (BREACH_ACTIVITY_STOPPED, BREACH_DOCUMENTS_MISSING):
        return Computation(
            aid_paid,
            (
                _line("Καταβληθείσα ενίσχυση", aid_paid, "Πρόσκληση 004 §14.2"),
                _line(BREACH_KINDS[breach_kind], aid_paid, "Πρόσκληση 004 §14.2"),
            ),
        )
    if breach_kind != BREACH_PARTIAL:
        raise ValueError(f"unknown breach kind {breach_kind!r}")
    if not 0 <= compliant_months < total_months:
        raise ValidationFailed(
            f"Οι μήνες τήρησης πρέπει να είναι από 0 έως {total_months - 1}.",
            code="compliant_months",
            fields={"compliant_months": [f"Από 0 έως {total_months - 1}."]},
        )
    missing = total_months - compliant_months
    amount = cents(aid_paid * missing / total_months)
    return Computation(
        amount,
        (
            _line("Καταβληθείσα ενίσχυση", aid_paid, "Πρόσκληση 004 §14.2"),
            _line(
                f"Περίοδος μη συμμόρφωσης: {format_number(aid_paid)} × {missing}/{total_months}",
                amount,
                "Πρόσκληση 004 §14.2, §14.3.3 (αναλογικά προς την περίοδο)",
            ),
        ),
    )


@dataclass(frozen=True)
class Tranche:
    """A part of the principal and the day it was paid (interest runs from then)."""

    amount: Decimal
    paid_on: datetime.date
    payment_id: int | None = None
    label: str = ""


@dataclass(frozen=True)
class InterestSegment:
    tranche: Tranche
    year: int
    date_from: datetime.date
    date_to: datetime.date  # exclusive end: the next year's 1 January or the end point
    days: int
    rate: Decimal
    amount: Decimal


def allocate(principal, paid: list[tuple[Decimal, datetime.date, int | None, str]]) -> list[Tranche]:
    """Spread a principal over the payments it came from, in proportion to each; the last one
    takes the rounding remainder, so the tranches add up to the principal exactly."""
    principal = cents(principal)
    total = sum((cents(a) for a, *_ in paid), ZERO)
    if not paid or total <= 0 or principal <= 0:
        return []
    tranches, left = [], principal
    for k, (amount, paid_on, pid, label) in enumerate(paid):
        share = left if k == len(paid) - 1 else cents(principal * cents(amount) / total)
        left -= share
        tranches.append(Tranche(share, paid_on, pid, label))
    return tranches


class MissingReferenceRate(ValidationFailed):
    def __init__(self, year: int):
        super().__init__(
            f"Δεν έχει καταχωριστεί το επιτόκιο αναφοράς της Ευρωπαϊκής Επιτροπής για την Ελλάδα για "
            f"το έτος {year}: καταχωρίστε το στα «Επιτόκια αναφοράς» πριν υπολογιστούν τόκοι.",
            code="reference_rate_missing",
            fields={"rates": [f"Λείπει το επιτόκιο του {year}."]},
        )
        self.year = year


def interest(tranches: list[Tranche], end: datetime.date, rates: dict[int, Decimal]) -> list[InterestSegment]:
    """Simple interest, actual/365, one segment per tranche and calendar year crossed (E14: 3.160,00 ×
    3,5% × 200/365 = 60,60 €). A year without a rate is refused, naming the year."""
    segments = []
    for t in tranches:
        start = t.paid_on
        while start < end:
            year_end = datetime.date(start.year + 1, 1, 1)
            stop = min(year_end, end)
            if start.year not in rates:
                raise MissingReferenceRate(start.year)
            rate = Decimal(rates[start.year])
            days = (stop - start).days
            amount = cents(t.amount * rate / 100 * days / DAYS_IN_YEAR)
            segments.append(InterestSegment(t, start.year, start, stop, days, rate, amount))
            start = stop
    return segments


def interest_total(segments: list[InterestSegment]) -> Decimal:
    return sum((s.amount for s in segments), ZERO)
