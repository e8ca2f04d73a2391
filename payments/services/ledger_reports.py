"""The budget ledger's reports per programme (call): what is committed, paid, recovered and still
free per pool (area) and per budget year, for the call and per operation; the reconciliation of
every balance with its movements («συμφωνία»); the output indicator (ΚΥΑ 7066 EECO02); the
projection of committed cost per year against the yearly ceilings (ΚΥΑ 16936 Rec. 35).

Reads only: nothing here writes the ledger (payments.services.ledger does). A scope with no
balance row yet (nothing booked on it) shows as zeros, without creating the row.
"""

from __future__ import annotations

import datetime
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth

from accounts.models import Role
from calls.models import AnnualAllocation, Call
from payments.models import LedgerBalance, LedgerEntry

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
Scope = LedgerBalance.Scope
Kind = LedgerEntry.Kind

# Who reads the ledger's pages: all read-only (the auditor can do nothing else anyway).
LEDGER_READERS = (Role.PROGRAMME_ADMIN, Role.SUPERVISOR, Role.PAYMENT_OFFICER, Role.AUDITOR)


@dataclass
class Row:
    """One scope of the report: its ceiling and running sums."""

    label: str
    ceiling: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    recovered: Decimal = ZERO
    key: str = ""
    code: str = ""
    booked: bool = False  # a balance row exists
    extra: dict = field(default_factory=dict)

    @property
    def net_paid(self) -> Decimal:
        return self.paid - self.recovered

    @property
    def uncommitted(self) -> Decimal:
        """What is not yet committed (αδέσμευτο)."""
        return self.ceiling - self.committed

    @property
    def available(self) -> Decimal:
        """What may still be paid (διαθέσιμο προς πληρωμή): the ceiling less net payments."""
        return self.ceiling - self.net_paid


def _row(label: str, balance: LedgerBalance | None, *, ceiling: Decimal, **kw) -> Row:
    if balance is None:
        return Row(label=label, ceiling=ceiling, **kw)
    return Row(
        label=label, ceiling=balance.ceiling, committed=balance.committed, paid=balance.paid,
        recovered=balance.recovered, booked=True, **kw,
    )  # fmt: skip


# --- the call's summary ---------------------------------------------------------------------------


def calls_for_ledger():
    """The calls whose ledger staff may open: every call with a budget, newest first."""
    return Call.objects.filter(total_budget__gt=0).select_related("programme").order_by("-pk")


def call_rows(calls: Iterable[Call]) -> list[tuple[Call, Row]]:
    calls = list(calls)
    balances = {
        b.call_id: b for b in LedgerBalance.objects.filter(scope=Scope.CALL, call__in=[c.pk for c in calls])
    }
    return [(c, _row(c.code, balances.get(c.pk), ceiling=c.total_budget, key=str(c.pk))) for c in calls]


def pool_rows(call: Call) -> list[Row]:
    """Per pool (area, or year where the call's pools are by year, ΚΥΑ 16936)."""
    balances = {b.pool_id: b for b in LedgerBalance.objects.filter(scope=Scope.POOL, call=call)}
    return [
        _row(p.label, balances.get(p.pk), ceiling=p.amount, key=str(p.pk), code=p.code)
        for p in call.pools.order_by("year", "code")
    ]


def year_rows(call: Call) -> list[Row]:
    """Per budget year: the allocation's cash ceiling (ΚΥΑ 7066 Rec. 53, ΚΥΑ 16936 Rec. 35)."""
    balances = {b.year: b for b in LedgerBalance.objects.filter(scope=Scope.YEAR, call=call)}
    allocations = {a.year: a.amount for a in AnnualAllocation.objects.filter(call=call)}
    years = sorted(set(balances) | set(allocations))
    return [
        _row(str(y), balances.get(y), ceiling=allocations.get(y, call.total_budget), key=str(y))
        for y in years
    ]


def operation_rows(call: Call) -> list[Row]:
    """Per operation of the call, with its pool; an operation with nothing booked shows zeros."""
    from operations.models import Operation
    from payments.services.ledger import operation_commitment

    balances = {b.operation_id: b for b in LedgerBalance.objects.filter(scope=Scope.OPERATION, call=call)}
    rows = []
    for op in (
        Operation.objects.filter(call=call).select_related("business", "application__pool").order_by("code")
    ):
        pool = op.application.pool
        rows.append(
            _row(
                op.title or op.code,
                balances.get(op.pk),
                ceiling=operation_commitment(op),
                key=str(op.pk),
                code=op.code,
                extra={"pool": pool.label if pool else "", "operation": op},
            )
        )
    return rows


def call_row(call: Call) -> Row:
    return call_rows([call])[0][1]


# --- «συμφωνία»: every balance equals the sum of its movements ------------------------------------


@dataclass(frozen=True)
class Mismatch:
    balance: LedgerBalance
    column: str
    balance_value: Decimal
    entries_value: Decimal


def _signed(kinds_plus, kinds_minus):
    return Coalesce(
        Sum(
            Case(
                When(entries__kind__in=kinds_plus, then=F("entries__amount")),
                When(entries__kind__in=kinds_minus, then=-F("entries__amount")),
                default=Value(ZERO),
                output_field=DecimalField(max_digits=16, decimal_places=2),
            )
        ),
        Value(ZERO),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def reconciliation(call: Call | None = None) -> tuple[int, list[Mismatch]]:
    """(balances checked, mismatches): committed = Σ commit − Σ decommit, paid = Σ payment −
    Σ reversal, recovered = Σ recovery, for every LedgerBalance (of `call`, or all). One query."""
    qs = LedgerBalance.objects.all() if call is None else LedgerBalance.objects.filter(call=call)
    qs = qs.annotate(
        e_committed=_signed([Kind.COMMIT], [Kind.DECOMMIT]),
        e_paid=_signed([Kind.PAYMENT], [Kind.PAYMENT_REVERSAL]),
        e_recovered=_signed([Kind.RECOVERY], []),
    ).order_by("pk")
    checked, bad = 0, []
    for b in qs:
        checked += 1
        for column in ("committed", "paid", "recovered"):
            mine, theirs = getattr(b, column), getattr(b, f"e_{column}")
            if mine != theirs:
                bad.append(Mismatch(b, column, mine, theirs))
    return checked, bad


# --- movements ------------------------------------------------------------------------------------


def movements(call: Call):
    """The call's ledger movements, newest first, with what the list shows."""
    return (
        LedgerEntry.objects.filter(balance__call=call)
        .select_related("balance", "balance__pool", "balance__operation", "payment", "created_by")
        .order_by("-booked_on", "-pk")
    )


SOURCE_LABELS = {
    "operation": "Απόφαση ένταξης / έγκρισης της πράξης",
    "position": "Περικοπή θέσης (ΚΥΑ 7066 Άρθ. 10.4)",
    "payment": "Πληρωμή",
    "recovery": "Ανάκτηση",
}


def source_label(entry: LedgerEntry) -> str:
    """What caused a movement, in words: «operation:3» is the operation's approval decision."""
    if entry.payment_id:
        return f"Πληρωμή {entry.payment.code}"
    prefix, _, rest = (entry.source or "").partition(":")
    label = SOURCE_LABELS.get(prefix)
    return f"{label} (#{rest})" if label and rest else (entry.source or "—")


# --- output indicator: ΚΥΑ 7066 EECO02 (Art. 1.3, 2.19) -------------------------------------------

MONTHS_GR = ["Ιαν", "Φεβ", "Μαρ", "Απρ", "Μάι", "Ιουν", "Ιουλ", "Αύγ", "Σεπ", "Οκτ", "Νοέ", "Δεκ"]


@dataclass(frozen=True)
class IndicatorMonth:
    month: datetime.date
    new: int
    cumulative: int

    @property
    def label(self) -> str:
        return f"{MONTHS_GR[self.month.month - 1]} {self.month:%Y}"


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    citation: str
    target: int | None
    achieved: int
    months: list[IndicatorMonth]

    @property
    def percent(self) -> Decimal | None:
        if not self.target:
            return None
        return (Decimal(self.achieved) * 100 / Decimal(self.target)).quantize(Decimal("0.1"))

    @property
    def remaining(self) -> int | None:
        return None if self.target is None else max(self.target - self.achieved, 0)

    @property
    def reached(self) -> bool:
        return self.target is not None and self.achieved >= self.target


def positions_target(call: Call) -> int | None:
    """The call's output target (ΚΥΑ 7066 Art. 1.3: 1.000 participants), call setting
    `positions_target`; None when the call sets none."""
    value = (call.config or {}).get("positions_target")
    return int(value) if value not in (None, "") else None


def eeco02(call: Call) -> Indicator | None:
    """EECO02 «Άνεργοι, συμπεριλαμβανομένων των μακροχρόνια ανέργων» (ΚΥΑ 7066 Art. 2.19): the
    participants whose hire is recorded on the call's operations, by month of hire, towards the
    call's target. Only for the hiring-subsidy programme (its participants are operations.Hire)."""
    from operations.models import Hire

    if call.evaluation_method != Call.EvaluationMethod.FCFS_DIRECT:
        return None
    per_month = (
        Hire.objects.filter(operation__call=call)
        .annotate(m=TruncMonth("hire_date"))
        .values("m")
        .annotate(n=Count("pk"))
        .order_by("m")
    )
    months, total = [], 0
    for row in per_month:
        m = row["m"]
        m = m.date() if isinstance(m, datetime.datetime) else m
        total += row["n"]
        months.append(IndicatorMonth(m.replace(day=1), row["n"], total))
    return Indicator(
        code="EECO02",
        label="Άνεργοι, συμπεριλαμβανομένων των μακροχρόνια ανέργων (συμμετέχοντες)",
        citation="ΚΥΑ 7066 Άρθ. 1.3, 2.19",
        target=positions_target(call),
        achieved=total,
        months=months,
    )


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    label: str
    value: int
    cumulative: int


CHART_W, CHART_H, CHART_PAD = 640, 220, 36


def indicator_chart(indicator: Indicator) -> dict:
    """Geometry of the server-rendered SVG: a bar per month (new participants, scaled to the
    busiest month) and the progress towards the target as a horizontal bar."""
    months = indicator.months[-12:]
    peak = max((m.new for m in months), default=0) or 1
    inner_w, inner_h = CHART_W - 2 * CHART_PAD, CHART_H - 2 * CHART_PAD
    step = inner_w // max(len(months), 1)
    width = max(min(step - 8, 60), 8)
    bars = []
    for i, m in enumerate(months):
        h = max(round(inner_h * m.new / peak), 1)
        x = CHART_PAD + i * step + (step - width) // 2
        bars.append(Bar(x, CHART_PAD + inner_h - h, width, h, m.label, m.new, m.cumulative))
    share = (
        min(Decimal(indicator.achieved) / Decimal(indicator.target), Decimal(1)) if indicator.target else 0
    )
    return {
        "width": CHART_W,
        "height": CHART_H,
        "pad": CHART_PAD,
        "base_y": CHART_PAD + inner_h,
        "bars": bars,
        "progress_width": 600,
        "progress_fill": max(round(600 * share), 0),
    }


# --- yearly ceilings: projected committed cost per year (ΚΥΑ 16936 Rec. 35; 002 §7.3 Ex. E) ------


@dataclass(frozen=True)
class YearLine:
    year: int
    ceiling: Decimal
    projected: Decimal

    @property
    def excess(self) -> Decimal:
        return max(self.projected - self.ceiling, ZERO)

    @property
    def over(self) -> bool:
        return self.projected > self.ceiling


@dataclass(frozen=True)
class YearProjection:
    years: list[YearLine]
    total_ceiling: Decimal
    source: str = ""

    @property
    def projected(self) -> Decimal:
        return sum((y.projected for y in self.years), ZERO)

    @property
    def shortfall(self) -> Decimal:
        """002 §7.3 Example E: 1.899.924 − 1.860.000 = 39.924."""
        return max(self.projected - self.total_ceiling, ZERO)

    @property
    def over(self) -> bool:
        return self.projected > self.total_ceiling or any(y.over for y in self.years)

    def warnings(self) -> list[str]:
        from opske.money import format_eur

        out = [
            f"Οι προβλεπόμενες δεσμεύσεις του {y.year} ({format_eur(y.projected)}) υπερβαίνουν το ετήσιο "
            f"όριο {format_eur(y.ceiling)} κατά {format_eur(y.excess)}."
            for y in self.years
            if y.over
        ]
        if self.projected > self.total_ceiling:
            out.append(
                f"Οι συνολικές προβλεπόμενες δεσμεύσεις ({format_eur(self.projected)}) υπερβαίνουν τον "
                f"προϋπολογισμό {format_eur(self.total_ceiling)}: έλλειμμα {format_eur(self.shortfall)}."
            )
        return out


def project_years(
    *, ceilings: Mapping[int, Decimal], total_ceiling: Decimal,
    per_month_cost_by_year: Mapping[int, Decimal | Iterable[Decimal]], source: str = "",
) -> YearProjection:  # fmt: skip
    """Pure: sum each year's monthly costs and set them against that year's ceiling (a year with
    no allocation is held to the total). A year's value may be the list of its months' costs or
    their sum already."""
    years = sorted(set(ceilings) | set(per_month_cost_by_year))
    lines = []
    for y in years:
        cost = per_month_cost_by_year.get(y, ZERO)
        projected = cost if isinstance(cost, Decimal | int) else sum((Decimal(c) for c in cost), ZERO)
        lines.append(YearLine(y, Decimal(ceilings.get(y, total_ceiling)), Decimal(projected).quantize(CENT)))
    return YearProjection(lines, Decimal(total_ceiling), source)


def year_projection(
    call: Call, per_month_cost_by_year: Mapping[int, Decimal | Iterable[Decimal]], *, source: str = ""
) -> YearProjection:
    """The call's yearly ceilings (calls.AnnualAllocation) against the committed cost per month
    the caller projects (the wages dossiers of ΚΥΑ 16936, the hires of ΚΥΑ 7066)."""
    ceilings = {a.year: a.amount for a in AnnualAllocation.objects.filter(call=call)}
    return project_years(
        ceilings=ceilings, total_ceiling=call.total_budget, per_month_cost_by_year=per_month_cost_by_year,
        source=source,
    )  # fmt: skip


# Where a call's projected monthly cost comes from, per evaluation method: fn(call) ->
# (per_month_cost_by_year, source text) or None. The wages area registers ΚΥΑ 16936's.
ProjectionSource = Callable[[Call], "tuple[Mapping[int, Iterable[Decimal]], str] | None"]
_PROJECTION_SOURCES: dict[str, ProjectionSource] = {}


def register_projection(method: str, fn: ProjectionSource) -> ProjectionSource:
    _PROJECTION_SOURCES[method] = fn
    return fn


def projection_for(call: Call) -> YearProjection | None:
    fn = _PROJECTION_SOURCES.get(call.evaluation_method)
    found = fn(call) if fn else None
    if not found:
        return None
    costs, source = found
    return year_projection(call, costs, source=source)


def hires_monthly_cost(call: Call):
    """ΚΥΑ 7066 Art. 5.1.1: each recorded hire costs its monthly rate for each of its 12 subsidy
    months from the hire date (a leaver's only up to the month of leaving), in the calendar year
    that month begins; positions not yet filled are not projected (they have no start)."""
    from operations.models import Hire
    from operations.rules.hires import subsidy_months

    by_year: dict[int, list[Decimal]] = OrderedDict()
    hires = Hire.objects.filter(operation__call=call).only("hire_date", "months", "monthly_rate", "left_on")
    for h in hires:
        for m in subsidy_months(h.hire_date, h.months):
            if h.left_on and m.start > h.left_on:
                break
            by_year.setdefault(m.start.year, []).append(h.monthly_rate)
    if not by_year:
        return None
    return by_year, "Καταχωρισμένες προσλήψεις × μηνιαίο ποσό ανά μήνα επιχορήγησης (ΚΥΑ 7066 Άρθ. 5.1.1)"


register_projection(Call.EvaluationMethod.FCFS_DIRECT, hires_monthly_cost)


# --- the page's whole report ----------------------------------------------------------------------


def call_report(call: Call) -> dict:
    checked, mismatches = reconciliation(call)
    indicator = eeco02(call)
    return {
        "call": call,
        "total": call_row(call),
        "pools": pool_rows(call),
        "years": year_rows(call),
        "operations": operation_rows(call),
        "reconciliation": {"checked": checked, "mismatches": mismatches},
        "indicator": indicator,
        "chart": indicator_chart(indicator) if indicator else None,
        "projection": projection_for(call),
        "by_kind": dict(
            movements(call)
            .filter(balance__scope=Scope.CALL)
            .values_list("kind")
            .annotate(total=Sum("amount"))
            .values_list("kind", "total")
        ),
    }
