"""The rules of filing a verification request (αίτημα επαλήθευσης – πιστοποίησης, ΔΔΔ), as pure
functions over plain values. The service gathers the facts, calls these, and writes.

Call 004 (Πρόσκληση 004 §11.1.A, as amended by the 2nd amendment A.2):
- the first request (interim or final) covers at least 30% of the approved subsidised budget and is
  submitted within 18 months of T0 (the electronic notification of the final approval);
- at most two interim requests, each at 30%–80% of the subsidised physical and financial object
  (cumulatively by default, calls.gaps «interim_percent_basis»); the second one at the latest four
  months before the formal end date;
- the final request at the latest 30 calendar days after the formal end date, rolled to the next
  working day.
Expenses (§6.1, §6.5.2, §11.2): dated within the eligibility period (from the electronic submission
of the application to the call's `expenditure_eligibility_end`, never after the operation's end);
in the operation's approved categories; more than 500 € net of VAT only through a bank.

The figures are the call's configuration (`Call.config["verification_requests"]`, the call's
deadlines «first_verification» and «final_verification»); a call without them sets no such limit.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from opske.calendar import deadline_end
from opske.money import format_eur, format_percent

CENTS = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")

SOURCE = "Πρόσκληση 004 §11.1.A"
SOURCE_ELIGIBILITY = "Πρόσκληση 004 §6.1, §6.5.2"
SOURCE_PAYMENT = "Πρόσκληση 004 §11.2"


@dataclass(frozen=True)
class Problem:
    """What stops (or, as a warning, marks) a request or an item; `field` names the form field."""

    code: str
    field: str
    message: str


@dataclass(frozen=True)
class RequestLimits:
    """A call's limits on its verification requests; None = no such limit."""

    first_min_percent: Decimal | None = None
    first_deadline_months: int | None = None
    interim_min_percent: Decimal | None = None
    interim_max_percent: Decimal | None = None
    interim_max_count: int | None = None
    last_interim_months_before_end: int | None = None
    final_deadline_days: int | None = None
    final_deadline_roll: bool = True
    cash_max_net: Decimal | None = None
    interim_percent_basis: str = "cumulative"  # calls.gaps «interim_percent_basis»
    late_first_request: str = "refuse"  # calls.gaps «late_first_request»


def _dec(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _int(value) -> int | None:
    return None if value in (None, "") else int(value)


def limits_from_call(*, config: dict, deadlines: Iterable[dict]) -> RequestLimits:
    """The limits from a call's configuration and deadline rows (`kind`, `length`, `unit`,
    `roll_to_working_day`). Gap readings default to the note's recommendation."""
    config = config or {}
    own = config.get("verification_requests") or {}
    gaps = config.get("gaps") or {}
    rows = {d["kind"]: d for d in deadlines}
    first = rows.get("first_verification")
    final = rows.get("final_verification")
    return RequestLimits(
        first_min_percent=_dec(own.get("first_min_percent")),
        first_deadline_months=int(first["length"]) if first and first.get("unit") == "months" else None,
        interim_min_percent=_dec(own.get("interim_min_percent")),
        interim_max_percent=_dec(own.get("interim_max_percent")),
        interim_max_count=_int(own.get("interim_max_count")),
        last_interim_months_before_end=_int(own.get("last_interim_months_before_end")),
        final_deadline_days=int(final["length"]) if final and final.get("unit") == "days" else None,
        final_deadline_roll=bool(final.get("roll_to_working_day", True)) if final else True,
        cash_max_net=_dec(own.get("cash_max_net")),
        interim_percent_basis=gaps.get("interim_percent_basis", "cumulative"),
        late_first_request=gaps.get("late_first_request", "refuse"),
    )


def add_months(d: datetime.date, months: int) -> datetime.date:
    """`d` plus `months` calendar months, the day kept or clamped to the month's last day:
    15/01/2025 + 18 → 15/07/2026; 31/08/2025 + 6 → 28/02/2026."""
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    return d.replace(year=year, month=month, day=min(d.day, calendar.monthrange(year, month)[1]))


def _date(d: datetime.date) -> str:
    return d.strftime("%d/%m/%Y")


def first_request_deadline(*, starts_on: datetime.date, limits: RequestLimits) -> datetime.date | None:
    """§11.1.A: «εντός των πρώτων δεκαοκτώ (18) μηνών» from T0 — the last day still in time."""
    if limits.first_deadline_months is None:
        return None
    return add_months(starts_on, limits.first_deadline_months)


def last_interim_deadline(*, ends_on: datetime.date | None, limits: RequestLimits) -> datetime.date | None:
    """§11.1.A: the second interim request «το αργότερο έως και τέσσερις (4) μήνες πριν» the end."""
    if ends_on is None or limits.last_interim_months_before_end is None:
        return None
    return add_months(ends_on, -limits.last_interim_months_before_end)


def final_request_deadline(*, ends_on: datetime.date | None, limits: RequestLimits) -> datetime.date | None:
    """§11.1.A: «εντός τριάντα (30) ημερολογιακών ημερών από την τυπική ημερομηνία λήξης», a
    non-working last day rolled to the next working day."""
    if ends_on is None or limits.final_deadline_days is None:
        return None
    return deadline_end(
        ends_on, limits.final_deadline_days, "calendar", roll_to_working_day=limits.final_deadline_roll
    )


def share(amount: Decimal, budget: Decimal) -> Decimal:
    """`amount` as a percentage of `budget` (unrounded; shown with opske.money.format_percent)."""
    return (amount * HUNDRED / budget) if budget else ZERO


def _of_budget(percent: Decimal, budget: Decimal) -> Decimal:
    return (budget * percent / HUNDRED).quantize(CENTS)


@dataclass(frozen=True)
class Earlier:
    """A request of the operation already submitted that counts (not withdrawn or rejected)."""

    kind: str  # "first", "interim", "final", "period"
    total: Decimal


def submission_check(
    *,
    kind: str,
    total: Decimal,
    budget: Decimal,
    earlier: list[Earlier],
    submitted_on: datetime.date,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    item_count: int,
    limits: RequestLimits,
) -> tuple[list[Problem], list[Problem]]:
    """(problems that refuse the submission, warnings recorded with it) for a request of `kind`
    ("interim" or "final") declaring `total`, after the `earlier` counted requests.

    Worked examples (budget 200.000,00 €, call 004): a first request of 59.999,99 € is refused
    (30% = 60.000,00 €), one of 60.000,00 € is accepted; T0 15/01/2025: a first request on
    15/07/2026 is in time, on 16/07/2026 refused; after 100.000,00 € a second interim request of
    70.000,00 € (cumulative 85%) is refused, one of 60.000,00 € (80%) accepted.
    """
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if item_count == 0:
        problems.append(
            Problem("no_items", "items", "Το αίτημα δεν έχει δαπάνες· προσθέστε τουλάχιστον μία δαπάνη.")
        )
    if any(e.kind == "final" for e in earlier):
        problems.append(
            Problem(
                "after_final",
                "kind",
                f"Έχει ήδη υποβληθεί τελικό αίτημα επαλήθευσης· δεν υποβάλλεται άλλο αίτημα ({SOURCE}).",
            )
        )
    first = not earlier
    cumulative = sum((e.total for e in earlier), ZERO) + total
    if first and limits.first_min_percent is not None and budget:
        needed = _of_budget(limits.first_min_percent, budget)
        if total < needed:
            problems.append(
                Problem(
                    "first_below_min",
                    "items",
                    f"Το πρώτο αίτημα επαλήθευσης πρέπει να καλύπτει τουλάχιστον "
                    f"{format_percent(limits.first_min_percent)} του εγκεκριμένου προϋπολογισμού "
                    f"({format_eur(budget)}), δηλαδή {format_eur(needed)}· δηλώνει {format_eur(total)} "
                    f"({format_percent(share(total, budget), 2)}) ({SOURCE}).",
                )
            )
    if first:
        deadline = first_request_deadline(starts_on=starts_on, limits=limits)
        if deadline is not None and submitted_on > deadline:
            late = Problem(
                "first_late",
                "kind",
                f"Το πρώτο αίτημα επαλήθευσης υποβάλλεται έως {_date(deadline)}, εντός "
                f"{limits.first_deadline_months} μηνών από την έναρξη υλοποίησης ({_date(starts_on)}); "
                f"σήμερα είναι {_date(submitted_on)} ({SOURCE}).",
            )
            (problems if limits.late_first_request == "refuse" else warnings).append(late)
    if kind == "interim":
        interims = [e for e in earlier if e.kind in ("first", "interim")]
        if limits.interim_max_count is not None and len(interims) >= limits.interim_max_count:
            problems.append(
                Problem(
                    "too_many_interim",
                    "kind",
                    f"Έχουν ήδη υποβληθεί {len(interims)} ενδιάμεσα αιτήματα· η πρόσκληση επιτρέπει έως "
                    f"{limits.interim_max_count}. Υποβάλετε τελικό αίτημα ({SOURCE}).",
                )
            )
        measured = cumulative if limits.interim_percent_basis == "cumulative" else total
        what = "Η σωρευτική υλοποίηση μετά το αίτημα" if measured is cumulative else "Το ποσό του αιτήματος"
        if (
            limits.interim_min_percent is not None
            and budget
            and not (first and problems_has(problems, "first_below_min"))
        ):
            floor = _of_budget(limits.interim_min_percent, budget)
            if measured < floor:
                problems.append(
                    Problem(
                        "interim_below_min",
                        "items",
                        f"{what} είναι {format_eur(measured)} ({format_percent(share(measured, budget), 2)}) "
                        f"— κάτω από το {format_percent(limits.interim_min_percent)} του προϋπολογισμού "
                        f"({format_eur(floor)}) ({SOURCE}).",
                    )
                )
        if limits.interim_max_percent is not None and budget:
            ceiling = _of_budget(limits.interim_max_percent, budget)
            if measured > ceiling:
                problems.append(
                    Problem(
                        "interim_above_max",
                        "items",
                        f"{what} είναι {format_eur(measured)} ({format_percent(share(measured, budget), 2)}) "
                        f"— πάνω από το {format_percent(limits.interim_max_percent)} του προϋπολογισμού "
                        f"({format_eur(ceiling)}). Πάνω από αυτό υποβάλλεται τελικό αίτημα ({SOURCE}).",
                    )
                )
        if interims:
            deadline = last_interim_deadline(ends_on=ends_on, limits=limits)
            if deadline is not None and submitted_on > deadline:
                problems.append(
                    Problem(
                        "interim_late",
                        "kind",
                        f"Δεύτερο ενδιάμεσο αίτημα υποβάλλεται το αργότερο {_date(deadline)}, "
                        f"{limits.last_interim_months_before_end} μήνες πριν από τη λήξη της πράξης "
                        f"({_date(ends_on)}) ({SOURCE}).",
                    )
                )
    if kind == "final":
        deadline = final_request_deadline(ends_on=ends_on, limits=limits)
        if deadline is not None and submitted_on > deadline:
            problems.append(
                Problem(
                    "final_late",
                    "kind",
                    f"Το τελικό αίτημα επαλήθευσης υποβάλλεται έως {_date(deadline)} "
                    f"({limits.final_deadline_days} ημερολογιακές ημέρες από τη λήξη {_date(ends_on)}) "
                    f"({SOURCE}).",
                )
            )
    return problems, warnings


def problems_has(problems: list[Problem], code: str) -> bool:
    return any(p.code == code for p in problems)


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def normalise_document_number(number: str) -> str:
    """«ΤΠΥ 0012» and «τπυ-12»… are not folded: only case and surrounding/inner spaces, so two
    documents typed the same way by the same supplier are one document."""
    return "".join((number or "").split()).upper()


def item_problems(
    *,
    category: str,
    approved_categories: Iterable[str],
    net: Decimal,
    vat: Decimal,
    total: Decimal | None,
    document_date: datetime.date | None,
    payment_date: datetime.date | None,
    payment_method: str,
    supplier_key: str,
    document_number: str,
    other_documents: set[tuple[str, str]],
    eligible_from: datetime.date | None,
    eligible_until: datetime.date | None,
    limits: RequestLimits,
) -> list[Problem]:
    """What refuses one expenditure item, each at its field.

    Worked examples: net 1.000,00 + VAT 240,00 with a total of 1.240,01 → «total_mismatch»;
    1.000,005 → «too_many_decimals»; a second invoice «Α-12» of the same supplier ΑΦΜ →
    «duplicate_document»; eligibility until 30/06/2029: an invoice of 01/07/2029 →
    «date_outside_eligibility»; 600,00 € net paid in cash (limit 500 €) → «cash_over_limit».
    """
    problems: list[Problem] = []
    approved = list(approved_categories)
    if category not in approved:
        problems.append(
            Problem(
                "category_not_approved",
                "category",
                "Η κατηγορία δαπάνης δεν είναι στον εγκεκριμένο προϋπολογισμό της πράξης.",
            )
        )
    for field, value in (("amount", net), ("vat", vat), ("total_amount", total)):
        if value is not None and _decimals(value) > 2:
            problems.append(
                Problem(
                    "too_many_decimals",
                    field,
                    "Τα ποσά σε ευρώ γράφονται με έως δύο δεκαδικά (π.χ. 1.234,56).",
                )
            )
    if net is not None and net <= 0:
        problems.append(Problem("amount_not_positive", "amount", "Το καθαρό ποσό πρέπει να είναι θετικό."))
    if vat is not None and vat < 0:
        problems.append(Problem("vat_negative", "vat", "Ο ΦΠΑ δεν μπορεί να είναι αρνητικός."))
    if total is not None and net is not None and vat is not None and net + vat != total:
        problems.append(
            Problem(
                "total_mismatch",
                "total_amount",
                f"Καθαρό ποσό {format_eur(net)} + ΦΠΑ {format_eur(vat)} = {format_eur(net + vat)}, όχι "
                f"{format_eur(total)} που γράψατε ως σύνολο του παραστατικού.",
            )
        )
    key = (supplier_key, normalise_document_number(document_number))
    if document_number and key in other_documents:
        problems.append(
            Problem(
                "duplicate_document",
                "document_number",
                f"Το παραστατικό «{document_number}» αυτού του προμηθευτή έχει ήδη δηλωθεί σε αίτημα "
                "επαλήθευσης της πράξης· κάθε παραστατικό δηλώνεται μία φορά.",
            )
        )
    for field, day, what in (
        ("document_date", document_date, "Η ημερομηνία του παραστατικού"),
        ("payment_date", payment_date, "Η ημερομηνία εξόφλησης"),
    ):
        if day is None:
            continue
        if eligible_from is not None and day < eligible_from:
            problems.append(
                Problem(
                    "date_outside_eligibility",
                    field,
                    f"{what} ({_date(day)}) είναι πριν από την έναρξη επιλεξιμότητας των δαπανών "
                    f"({_date(eligible_from)}, η υποβολή της αίτησης χρηματοδότησης) ({SOURCE_ELIGIBILITY}).",
                )
            )
        elif eligible_until is not None and day > eligible_until:
            problems.append(
                Problem(
                    "date_outside_eligibility",
                    field,
                    f"{what} ({_date(day)}) είναι μετά τη λήξη επιλεξιμότητας των δαπανών "
                    f"({_date(eligible_until)}) ({SOURCE_ELIGIBILITY}).",
                )
            )
    if (
        payment_method == "cash"
        and limits.cash_max_net is not None
        and net is not None
        and net > limits.cash_max_net
    ):
        problems.append(
            Problem(
                "cash_over_limit",
                "payment_method",
                f"Δαπάνη άνω των {format_eur(limits.cash_max_net)} χωρίς ΦΠΑ εξοφλείται μόνο με τραπεζικό "
                f"μέσο πληρωμής, όχι με μετρητά ({SOURCE_PAYMENT}).",
            )
        )
    return problems


CENT = Decimal("0.01")


def indirect_cost_problems(
    *, category: str, rate_percent: Decimal, personnel: Decimal, indirect: Decimal, reading: str = "exact"
) -> list[Problem]:
    """Πρόσκληση 004 §6.1 (09.02): indirect costs are a flat 15% of the direct personnel costs,
    claimed in every request that includes personnel and paid in proportion to them. `reading` is
    the call's «indirect_cost_rule» (calls.gaps): exactly 15% (0,01 € tolerance) or at most 15%.

    Worked example: personnel 40.000,00 € → 09.02 of 6.000,00 € accepted; 5.000,00 € refused when
    «exact», accepted when «at_most»; 6.000,02 € refused under both."""
    expected = (personnel * rate_percent / HUNDRED).quantize(CENTS)
    ok = indirect <= expected + CENT if reading == "at_most" else abs(indirect - expected) <= CENT
    if ok:
        return []
    how = "έως" if reading == "at_most" else "ακριβώς"
    return [
        Problem(
            "indirect_cost_mismatch",
            "items",
            f"Έμμεσες δαπάνες {category}: {how} {format_percent(rate_percent)} των δαπανών προσωπικού του "
            f"αιτήματος ({format_eur(personnel)}), δηλαδή {format_eur(expected)}· δηλώνονται "
            f"{format_eur(indirect)} (Πρόσκληση 004 §6.1).",
        )
    ]


def eligibility_window(
    *,
    application_submitted_on: datetime.date | None,
    call_eligibility_end: datetime.date | None,
    operation_ends_on: datetime.date | None,
) -> tuple[datetime.date | None, datetime.date | None]:
    """§6.1: from the electronic submission of the application; §6.5.2: to the completion date of
    the inclusion decision, never after the call's end of eligibility (call 004: 30/06/2029)."""
    ends = [d for d in (call_eligibility_end, operation_ends_on) if d is not None]
    return application_submitted_on, (min(ends) if ends else None)


@dataclass(frozen=True)
class CategoryRow:
    category: str
    label: str
    approved: Decimal
    earlier: Decimal
    this: Decimal

    @property
    def remaining_before(self) -> Decimal:
        return self.approved - self.earlier

    @property
    def remaining_after(self) -> Decimal:
        return self.approved - self.earlier - self.this

    @property
    def over(self) -> bool:
        return self.remaining_after < 0


def category_rows(
    *, lines: Iterable[tuple[str, str, Decimal]], earlier: dict[str, Decimal], this: dict[str, Decimal]
) -> list[CategoryRow]:
    """Per approved category (code, label, amount): what earlier requests and this one claim."""
    return [
        CategoryRow(code, label, amount, earlier.get(code, ZERO), this.get(code, ZERO))
        for code, label, amount in lines
    ]


def category_warnings(rows: Iterable[CategoryRow]) -> list[Problem]:
    """§11.1.B «συμμόρφωση με τα όρια»: a category claimed above its remaining approved amount is
    flagged for the verifier (the surplus is cut at the check, not refused at filing)."""
    return [
        Problem(
            "category_over_approved",
            r.category,
            f"Κατηγορία {r.category}: δηλώνονται {format_eur(r.this)} ενώ απομένουν "
            f"{format_eur(r.remaining_before)} από τα εγκεκριμένα {format_eur(r.approved)} "
            f"(υπέρβαση {format_eur(-r.remaining_after)}).",
        )
        for r in rows
        if r.over
    ]
