"""ΚΥΑ 7066 rules for positions, hires, leavers and the two-month claim, as pure functions.

Each function cites its article; worked examples are in operations/tests/test_hires_rules.py.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from applications.rules import unemployed_category
from opske.money import format_eur

HIRING_DAYS = 60  # Art. 7.4
REPLACEMENT_DAYS = 30  # Art. 10.2
EXTENSION_DAYS = 30  # Art. 10.2: once, on request, by the Head's decision
CLAIM_DAYS = 90  # Art. 8.1
SUBSIDY_MONTHS = 12  # Art. 5.1.1
FULL_MONTH_DAYS = 25  # Art. 5.1.3
LOOKBACK_MONTHS = 12  # Art. 4.2.1α: «κατά το τελευταίο 12μηνο»
NIGHT_START = datetime.time(22, 0)  # Art. 4.2.1γ
NIGHT_END = datetime.time(6, 0)
CENT = Decimal("0.01")

# ΚΑΔ prefixes of the declining and transforming sectors of Art. 5.1.3Α, which the article names
# only in words (gap 16 of the note). [INFERENCE] from ΚΑΔ 2008 (NACE Rev. 2): lignite mining and
# its support (05.2, 09.9), conventional power generation (35.11), extractive waste and
# remediation (38, 39), electricity distribution and trading (35.13, 35.14), metal products,
# machinery and equipment (25, 28, 46.6), rubber and plastic (22), transport (49–52), repair of
# machinery and heavy trucks (33.1, 45.2), specialised construction (43).
AFFECTED_KAD_PREFIXES = (
    "05.2", "09.9", "35.11", "35.13", "35.14", "38", "39", "25", "28", "46.6", "22",
    "49", "50", "51", "52", "33.1", "45.2", "43",
)  # fmt: skip
# ΚΠΑ2 whose registered unemployed may be referred (Art. 4.2.1, first paragraph).
WESTERN_MACEDONIA_KPA2 = ("Κοζάνης", "Πτολεμαΐδας", "Φλώρινας", "Καστοριάς", "Γρεβενών", "Εορδαίας")
TRIPOLI_KPA2 = ("Τρίπολης",)


@dataclass(frozen=True)
class Problem:
    code: str
    field: str
    message: str


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


# --- hiring deadline (Art. 7.4) ----------------------------------------------------------------


def hiring_anchor(
    *, reading: str, notified_on: datetime.date, issued_on: datetime.date | None
) -> datetime.date:
    """Art. 7.4 names the anchor twice: «τη λήψη του ενημερωτικού μηνύματος περί έγκρισης» and
    «από την έκδοση της εγκριτικής απόφασης» (gap 2). Setting `hiring_deadline_anchor`:
    `email_sent` (default, the notice that is also the grant date, Art. 7.3/7.6) or
    `decision_issued` (the signing of the decision)."""
    if reading == "decision_issued" and issued_on is not None:
        return issued_on
    return notified_on


def hiring_deadline(anchor: datetime.date) -> datetime.date:
    """Art. 7.4: hires within 60 days. Notice on 02/06/2025 → last day 01/08/2025."""
    return anchor + datetime.timedelta(days=HIRING_DAYS)


# --- the person's category (Art. 5.1.3, 7.4) ---------------------------------------------------


def affected_sector(kad: str) -> bool:
    """Is ΚΑΔ `kad` (8 digits or dotted) in a declining or transforming sector of Art. 5.1.3Α?"""
    digits = "".join(ch for ch in (kad or "") if ch.isdigit())
    dotted = ".".join(filter(None, [digits[:2], digits[2:4], digits[4:6], digits[6:8]]))
    return any(dotted == p or dotted.startswith(p) for p in AFFECTED_KAD_PREFIXES)


def person_category(previous_kads: Iterable[str], *, never_employed_reading: str) -> tuple[str, str]:
    """The referred person's category from the employers' ΚΑΔ (Art. 5.1.3) and the reason.

    01.22 after any employment in an affected sector, 01.23 after other employment; a person never
    employed gets what the setting `never_employed_category` says (gap 17): `flag` → no category
    (CATEGORY_FLAG, a decision is needed), `rate_0123` → 01.23.
    """
    finding = unemployed_category(
        previous_sectors_affected=[affected_sector(k) for k in previous_kads],
        never_employed_reading=never_employed_reading,
    )
    return finding.category, finding.reason


# --- the referral of an unemployed person (Art. 4.2.1) -----------------------------------------


def _minutes_after_22(t: datetime.time) -> int:
    return ((t.hour - 22) * 60 + t.minute) % (24 * 60)


def night_only(work_from: datetime.time, work_to: datetime.time) -> bool:
    """Art. 4.2.1γ: employed exclusively from 22:00 (start) to 06:00 (end).

    22:00–06:00 and 23:00–05:00 are night only; 21:00–05:00 and 08:00–16:00 are not.
    """
    start = _minutes_after_22(work_from)
    duration = (_minutes_after_22(work_to) - start) % (24 * 60)
    return duration > 0 and start + duration <= 8 * 60


@dataclass(frozen=True)
class ReferralFacts:
    """What the business entered and what ΔΥΠΑ and ΕΡΓΑΝΗ answered about the referred person."""

    referral_date: datetime.date
    submitted_on: datetime.date  # the application's final submission (D_sub)
    registered: bool
    registered_since: datetime.date | None
    kpa2_name: str
    individual_approach_completed: bool
    action_plan_agreed: bool
    citizenship: str
    previous_employers: tuple[tuple[str, datetime.date | None], ...]  # (ΑΦΜ, last day)
    applicant_afms: frozenset[str]  # the business and its single undertaking
    earlier_hires_by_applicant: tuple[datetime.date, ...]  # Ε3 of this person at this business
    work_from: datetime.time
    work_to: datetime.time
    declaration_exclusions: bool  # the person's solemn declaration on α1–α4 (Art. 4.2.1 τελ.)
    declaration_other_scheme: bool  # δ1–δ3, declared by the business
    full_time: bool  # ΕΡΓΑΝΗ Ε3
    pool_area: str = ""  # "wm" Western Macedonia, "meg" Megalopoli area


def referral_problems(f: ReferralFacts) -> list[Problem]:
    """Every reason ΚΥΑ 7066 Art. 4.2.1 forbids this referral, each naming its paragraph."""
    problems: list[Problem] = []
    since = add_months(f.referral_date, -LOOKBACK_MONTHS)
    if not f.registered or (f.registered_since and f.registered_since > f.referral_date):
        problems.append(Problem(
            "not_registered", "amka",
            "Ο/Η άνεργος δεν ήταν εγγεγραμμένος/η στο μητρώο ανέργων της ΔΥΠΑ κατά την υπόδειξη "
            "(ΚΥΑ 7066 Άρθ. 4.2.1, 5.1.1).",
        ))  # fmt: skip
    elif not any(name in f.kpa2_name for name in WESTERN_MACEDONIA_KPA2 + TRIPOLI_KPA2) or (
        f.pool_area == "meg" and not any(name in f.kpa2_name for name in TRIPOLI_KPA2)
    ):
        problems.append(Problem(
            "kpa2_area", "amka",
            f"Η εγγραφή είναι στο {f.kpa2_name}: υποδεικνύονται εγγεγραμμένοι ΚΠΑ2 των Περιφερειακών "
            "Ενοτήτων Δυτικής Μακεδονίας ή του ΚΠΑ2 Τρίπολης (ΚΥΑ 7066 Άρθ. 4.2.1).",
        ))  # fmt: skip
    if not (f.individual_approach_completed and f.action_plan_agreed):
        problems.append(Problem(
            "action_plan", "amka",
            "Δεν έχει ολοκληρωθεί η εξατομικευμένη προσέγγιση με Ψηφιακό Ατομικό Σχέδιο Δράσης "
            "(ΚΥΑ 7066 Άρθ. 4.2.1α).",
        ))  # fmt: skip
    if f.citizenship and f.citizenship not in EU_COUNTRIES:
        problems.append(Problem(
            "citizenship", "amka",
            "Πολίτης τρίτης χώρας: απαιτείται άδεια διαμονής για εξαρτημένη εργασία για όλη τη "
            "διάρκεια της δράσης (ΚΥΑ 7066 Άρθ. 4.2.1β)· προσκομίστε την στο ΚΠΑ2.",
        ))  # fmt: skip
    for afm, last_day in f.previous_employers:
        if afm in f.applicant_afms and (last_day is None or last_day >= since):
            problems.append(Problem(
                "employed_last_12_months", "amka",
                "Ο/Η άνεργος απασχολήθηκε στην ίδια επιχείρηση ή σε επιχείρηση της ίδιας ενιαίας "
                f"επιχείρησης κατά το τελευταίο 12μηνο πριν από την υπόδειξη (έως {last_day:%d/%m/%Y}) "
                "(ΚΥΑ 7066 Άρθ. 4.2.1α1)." if last_day else
                "Ο/Η άνεργος απασχολείται στην ίδια επιχείρηση (ΚΥΑ 7066 Άρθ. 4.2.1α1).",
            ))  # fmt: skip
            break
    if any(f.submitted_on < d < f.referral_date for d in f.earlier_hires_by_applicant):
        problems.append(Problem(
            "hired_after_submission", "amka",
            "Ο/Η άνεργος προσλήφθηκε από την επιχείρηση μετά την υποβολή της αίτησης χρηματοδότησης "
            "(ΚΥΑ 7066 Άρθ. 4.2.1β).",
        ))  # fmt: skip
    if night_only(f.work_from, f.work_to):
        problems.append(Problem(
            "night_only", "work_from",
            "Το ωράριο καλύπτει αποκλειστικά τις ώρες 22:00–06:00 (ΚΥΑ 7066 Άρθ. 4.2.1γ).",
        ))  # fmt: skip
    if not f.full_time:
        problems.append(Problem(
            "not_full_time", "hire_date",
            "Η αναγγελία Ε3 δεν είναι σύμβαση εξαρτημένης εργασίας πλήρους απασχόλησης "
            "(ΚΥΑ 7066 Άρθ. 1.3, 4.2.1δ4, 5.1.2).",
        ))  # fmt: skip
    if not f.declaration_exclusions:
        problems.append(Problem(
            "declaration_exclusions", "declaration_exclusions",
            "Απαιτείται η υπεύθυνη δήλωση του/της ανέργου για τις εξαιρέσεις α1–α4 "
            "(ΚΥΑ 7066 Άρθ. 4.2.1, τελευταίο εδάφιο της περ. α).",
        ))  # fmt: skip
    if not f.declaration_other_scheme:
        problems.append(Problem(
            "declaration_other_scheme", "declaration_other_scheme",
            "Δηλώστε ότι ο/η άνεργος δεν είναι μέλος συνεταιρισμού, δεν προσλαμβάνεται για άλλο "
            "καθεστώς ενίσχυσης ούτε για διάθεση σε άλλον εργοδότη (ΚΥΑ 7066 Άρθ. 4.2.1δ1–δ3, 10.9).",
        ))  # fmt: skip
    return problems


EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "EL",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)


# --- money (Art. 5.1.1, 5.1.3) ------------------------------------------------------------------


def month_amount(rate: Decimal, days: int, *, full_month_days: int = FULL_MONTH_DAYS) -> Decimal:
    """Art. 5.1.3: the monthly amount less 1/25 for each day short of 25; never more above 25.

    01.22 (€1,185.00): 25 days → 1.185,00 €; 20 → 948,00 €; 28 → 1.185,00 €. 01.23 20 days → 663,60 €.
    """
    counted = min(max(int(days), 0), full_month_days)
    return (Decimal(rate) * counted / full_month_days).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class SubsidyMonth:
    number: int  # 1..12, counted from the hire date (Art. 5.1.1)
    start: datetime.date
    end: datetime.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def subsidy_months(hire_date: datetime.date, months: int = SUBSIDY_MONTHS) -> list[SubsidyMonth]:
    """Art. 5.1.1: 12 months from the hire date. Hired 15/07/2025 → month 1 is 15/07–14/08/2025."""
    return [
        SubsidyMonth(n, add_months(hire_date, n - 1), add_months(hire_date, n) - datetime.timedelta(days=1))
        for n in range(1, months + 1)
    ]


def employed_days(month: SubsidyMonth, *, hire_date: datetime.date, left_on: datetime.date | None) -> int:
    """Calendar days of `month` inside the employment (Ε3 hire date to the last day of work)."""
    first = max(month.start, hire_date)
    last = min(month.end, left_on) if left_on else month.end
    return max((last - first).days + 1, 0)


# --- the two-month claim (Art. 8.1) -------------------------------------------------------------


def claim_period(anchor: datetime.date, number: int) -> tuple[datetime.date, datetime.date]:
    """Art. 8.1 «κάθε διμήνου απασχόλησης», counted from the first hire (Art. 5.1.1, note §6.6):
    hire 15/07/2025 → period 1 is 15/07–14/09/2025, period 2 is 15/09–14/11/2025."""
    start = add_months(anchor, 2 * (number - 1))
    return start, add_months(anchor, 2 * number) - datetime.timedelta(days=1)


def claim_deadline(period_end: datetime.date) -> datetime.date:
    """Art. 8.1: within 90 days of the end of the two-month period. 14/09/2025 → 13/12/2025."""
    return period_end + datetime.timedelta(days=CLAIM_DAYS)


def claim_timing_problem(*, period_end: datetime.date, today: datetime.date) -> Problem | None:
    if today <= period_end:
        return Problem(
            "period_not_ended", "period",
            f"Το δίμηνο λήγει στις {period_end:%d/%m/%Y}· η αίτηση καταβολής υποβάλλεται μετά τη λήξη "
            "του (ΚΥΑ 7066 Άρθ. 8.1).",
        )  # fmt: skip
    last = claim_deadline(period_end)
    if today > last:
        return Problem(
            "claim_late", "period",
            f"Η προθεσμία υποβολής για το δίμηνο έως {period_end:%d/%m/%Y} έληξε στις {last:%d/%m/%Y} "
            "(90 ημέρες από τη λήξη του διμήνου, ΚΥΑ 7066 Άρθ. 8.1).",
        )  # fmt: skip
    return None


# --- leavers, replacement and the category switch (Art. 10) -------------------------------------


def replacement_due(
    left_on: datetime.date, *, extended: bool = False, action_end: datetime.date | None = None
) -> datetime.date:
    """Art. 10.2: replace within 30 days, once extensible by 30 on request and the Head's decision.
    Left 31/03/2026 → 30/04/2026; extended → 30/05/2026. Art. 10.5: a reduction in the month
    before the end of the action is replaced by its end (action ending 09/07/2026, left 20/06/2026
    → 09/07/2026)."""
    due = left_on + datetime.timedelta(days=REPLACEMENT_DAYS + (EXTENSION_DAYS if extended else 0))
    if action_end is not None and add_months(action_end, -1) <= left_on <= action_end:
        return min(due, action_end)
    return due


def served_months(hire_date: datetime.date, left_on: datetime.date) -> int:
    """Subsidy months begun by the last day of work (a month begun is paid pro rata by its days)."""
    return sum(1 for m in subsidy_months(hire_date) if m.start <= left_on)


@dataclass(frozen=True)
class SwitchCheck:
    ok: bool
    projected_total: Decimal
    message: str


def category_switch_check(
    *,
    approved_total: Decimal,
    committed_elsewhere: Decimal,
    paid_on_position: Decimal,
    remaining_months: int,
    new_rate: Decimal,
) -> SwitchCheck:
    """Art. 10.3: a replacement of the other category «με αντίστοιχη μεταβολή του ποσού, εκτός εάν
    η νέα κατηγορία επιφέρει αύξηση του προϋπολογισμού». The new rate runs for the remaining
    months; paid plus remaining (with the other positions) must stay within the approved total.

    E11: 01.22 paid 5 months (5.925,00) + 7 × 829,50 (5.806,50) = 11.731,50 ≤ 14.220,00 → allowed.
    Reverse: 01.23 paid 5 months (4.147,50) + 7 × 1.185,00 = 12.442,50 > 9.954,00 → refused.
    """
    projected = (committed_elsewhere + paid_on_position + new_rate * remaining_months).quantize(CENT)
    if projected > approved_total:
        return SwitchCheck(
            False,
            projected,
            f"Η αντικατάσταση με άλλη κατηγορία αυξάνει τον προϋπολογισμό: καταβληθέντα και υπόλοιπα "
            f"{format_eur(projected)} υπερβαίνουν τα εγκεκριμένα {format_eur(approved_total)} "
            "(ΚΥΑ 7066 Άρθ. 10.3).",
        )
    return SwitchCheck(True, projected, "")


def remaining_position_amount(*, rate: Decimal, hire_date: datetime.date, left_on: datetime.date) -> Decimal:
    """What an interrupted position would still have received: the months not begun (Art. 10.4α)."""
    return (Decimal(rate) * (SUBSIDY_MONTHS - served_months(hire_date, left_on))).quantize(CENT)
