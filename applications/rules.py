"""Application-level legal rules as pure functions over plain values.

The call-level rules (ΚΑΔ lists, eligible areas, pools, unit rates, the budget table's caps) live
in `calls.rules` and are reused here; this module adds what only makes sense for one application:
the amount it asks for, the de minimis headroom of the single undertaking, the cluster's partner
composition, the placement preferences of a person, the window and the re-editing conditions.
Every function returns problems carrying a code, the field they concern and a Greek message that
cites the article, so the UI and the API show the same reason.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from calls.rules import area_is_eligible, kad_is_allowed, kad_is_excluded, money, pool_for_area
from opske.dates import parse_date
from opske.money import format_eur as fmt_eur
from opske.money import parse_stored_amount

# ΚΥΑ 16936 Art. 4(1)(γ): Greek citizens, citizens of other EU member states (ν. 2431/1996); ομογενείς are
# declared in the application (`declared_omogenis`), the register holds only an ISO country code.
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

DE_MINIMIS_CEILING = Decimal("300000.00")  # Καν. (ΕΕ) 2023/2831 Άρθ. 3(2)
DEFAULT_SUBSIDY_MONTHS = 12  # ΚΥΑ 7066 Άρθ. 5.1.1


@dataclass(frozen=True)
class Problem:
    code: str
    field: str
    message: str
    # Where on the step the problem sits (an element id, e.g. "position-2"); "" = the field itself.
    anchor: str = ""


def problems_as_fields(problems: Iterable[Problem]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for p in problems:
        fields.setdefault(p.field, []).append(p.message)
    return fields


# --- Amount requested (ΚΥΑ 7066) ------------------------------------------------------------------


def requested_amount_for_positions(
    positions: Sequence[Mapping],
    monthly_rates: Mapping[str, Decimal],
    *,
    months: int = DEFAULT_SUBSIDY_MONTHS,
) -> Decimal:
    """ΚΥΑ 7066 Άρθ. 5.1.1, 5.1.3: Σ persons × monthly rate of the category × 12 months.

    With 01.22 = €1,185.00 and 01.23 = €829.50: one 01.22 hire asks €14,220.00, one 01.23 €9,954.00.
    """
    total = Decimal("0")
    for p in positions:
        rate = monthly_rates.get(p["category"])
        if rate is None:
            continue  # an unknown category is reported by position_problems
        total += Decimal(str(rate)) * int(p.get("persons") or 0) * months
    return money(total)


CATEGORY_AFFECTED = "01.22"  # from declining or transforming sectors, 100% (Art. 5.1.3Α)
CATEGORY_OTHER = "01.23"  # from other businesses, 70% (Art. 5.1.3Β)
CATEGORY_FLAG = "flag"


@dataclass(frozen=True)
class CategoryFinding:
    category: str  # "01.22" | "01.23" | "flag"
    reason: str


def unemployed_category(
    *, previous_sectors_affected: Sequence[bool], never_employed_reading: str = "flag"
) -> CategoryFinding:
    """The category of a referred unemployed person (ΚΥΑ 7066 Άρθ. 5.1.3, 7.4).

    `previous_sectors_affected`: for each earlier employment, whether the business was in a
    declining or transforming sector of Art. 5.1.3Α. Any such employment → 01.22; other earlier
    employment → 01.23. The article gives no rate for a person never employed (Β speaks of those
    «που απασχολούνταν σε λοιπές επιχειρήσεις», gap 17): setting `never_employed_category` —
    `flag` (default) leaves it to a decision, `rate_0123` applies 01.23.
    """
    if any(previous_sectors_affected):
        return CategoryFinding(CATEGORY_AFFECTED, "Προηγούμενη απασχόληση σε πληττόμενο τομέα (Άρθ. 5.1.3Α).")
    if previous_sectors_affected:
        return CategoryFinding(CATEGORY_OTHER, "Προηγούμενη απασχόληση σε λοιπές επιχειρήσεις (Άρθ. 5.1.3Β).")
    if never_employed_reading == "rate_0123":
        return CategoryFinding(
            CATEGORY_OTHER,
            "Χωρίς προηγούμενη απασχόληση: κατηγορία 01.23 κατά τη ρύθμιση της πρόσκλησης (Άρθ. 5.1.3).",
        )
    return CategoryFinding(
        CATEGORY_FLAG,
        "Χωρίς προηγούμενη απασχόληση: το Άρθ. 5.1.3 δεν ορίζει ποσοστό· απαιτείται απόφαση πριν "
        "την υπόδειξη.",
    )


# --- de minimis (ΚΥΑ 7066 Άρθ. 2.4–2.12, Παρ. 4 κριτ. 4; Καν. 2023/2831 Άρθ. 3(2)) ----------------


def de_minimis_headroom(prior_total, ceiling=DE_MINIMIS_CEILING) -> Decimal:
    """What the single undertaking may still receive in the rolling three years (never negative)."""
    return max(money(ceiling) - money(prior_total), Decimal("0.00"))


def de_minimis_problems(*, prior_total, requested, ceiling=DE_MINIMIS_CEILING) -> list[Problem]:
    """Κανόνες B19/B21: prior aid to the single undertaking + this request ≤ €300,000.

    If the ceiling would be exceeded the whole new aid falls outside the regulation, so the
    submission is blocked (ΚΥΑ 7066 Άρθ. 2.4, 6.5) and the message says by how much.
    """
    prior, asked, cap = money(prior_total), money(requested), money(ceiling)
    if prior + asked <= cap:
        return []
    headroom = de_minimis_headroom(prior, cap)
    return [
        Problem(
            "de_minimis_exceeded",
            "positions",
            f"Υπέρβαση του ορίου de minimis: η ενιαία επιχείρηση έλαβε {fmt_eur(prior)} την τελευταία "
            f"τριετία και ζητά {fmt_eur(asked)}· το όριο είναι {fmt_eur(cap)}, άρα το περιθώριο είναι "
            f"{fmt_eur(headroom)} και η υπέρβαση {fmt_eur(prior + asked - cap)} "
            "(Καν. (ΕΕ) 2023/2831 Άρθ. 3(2)· ΚΥΑ 7066 Άρθ. 2.4 και Παρ. 4 κριτ. 4).",
        )
    ]


def declared_amount(text) -> Decimal:
    """An amount of the declaration table as stored (opske.money: Python notation since the step
    parses it, Greek notation for rows typed before): «250000.00» and «250.000» are €250,000.00."""
    return parse_stored_amount(text, allow_negative=True)


def declared_grants_problems(rows: Sequence[Mapping]) -> list[Problem]:
    """The table of prior grants in the cumulation declaration (ΚΥΑ 7066 Παρ. 1, υπόδειγμα 09.04)."""
    problems = []
    for i, row in enumerate(rows, 1):
        missing = [
            label
            for key, label in (("grantor", "φορέας"), ("date", "ημερομηνία"), ("amount", "ποσό"))
            if not str(row.get(key) or "").strip()
        ]
        if missing:
            problems.append(
                Problem(
                    "de_minimis_row_incomplete",
                    "de_minimis",
                    f"Γραμμή {i} του πίνακα ενισχύσεων: λείπει {', '.join(missing)} (ΚΥΑ 7066 Παρ. 1, "
                    "09.04).",
                )
            )
            continue
        try:
            amount = declared_amount(row["amount"])
            parse_date(row["date"])
        except (ArithmeticError, ValueError):
            problems.append(
                Problem(
                    "de_minimis_row_invalid",
                    "de_minimis",
                    f"Γραμμή {i} του πίνακα ενισχύσεων: μη έγκυρο ποσό ή ημερομηνία (ΗΗ/ΜΜ/ΕΕΕΕ).",
                )
            )
            continue
        if amount < 0:
            problems.append(
                Problem(
                    "de_minimis_row_invalid",
                    "de_minimis",
                    f"Γραμμή {i}: το ποσό δεν μπορεί να είναι αρνητικό.",
                )
            )
    return problems


# Every de minimis regulation the single undertaking may have received aid under, with its own
# ceiling over three years (the ceiling that binds aid granted *under that regulation*). The seed
# (ΚΥΑ 7066 Άρθ. 2.8–2.12) and interop.md §5 give 2023/2831 €300,000 and 2023/2832 €750,000; the
# agriculture and fisheries ceilings are those of the regulations as amended (1408/2013 by
# 2024/3118: €50,000; 717/2014 by 2023/2391: €40,000); 1407/2013 and 360/2012 are the previous
# general and SGEI regulations, still inside a three-year window.
DE_MINIMIS_REGULATIONS: dict[str, tuple[str, Decimal]] = {
    "2023/2831": ("γενικός de minimis, Καν. (ΕΕ) 2023/2831", Decimal("300000.00")),
    "1407/2013": ("γενικός de minimis (προηγούμενος), Καν. (ΕΕ) 1407/2013", Decimal("200000.00")),
    "2023/2832": ("ΥΓΟΣ (SGEI), Καν. (ΕΕ) 2023/2832", Decimal("750000.00")),
    "360/2012": ("ΥΓΟΣ (προηγούμενος), Καν. (ΕΕ) 360/2012", Decimal("500000.00")),
    "1408/2013": ("γεωργία, Καν. (ΕΕ) 1408/2013", Decimal("50000.00")),
    "717/2014": ("αλιεία, Καν. (ΕΕ) 717/2014", Decimal("40000.00")),
}
# Which prior aid counts towards which ceiling binding a new 2023/2831 grant:
# (1) Art. 3(2) €300,000 — general aid and, by Art. 5(2) (ΚΥΑ 7066 Άρθ. 2.12), agriculture and
#     fisheries aid «μέχρι το σχετικό ανώτατο όριο» of 2023/2831;
# (2) Art. 5(1) (ΚΥΑ 7066 Άρθ. 2.11) — cumulation with SGEI aid up to the 2023/2832 ceiling, €750,000,
#     over every de minimis regulation.
GENERAL_CEILING_REGULATIONS = frozenset({"2023/2831", "1407/2013", "1408/2013", "717/2014"})
SGEI_CEILING = Decimal("750000.00")
DE_MINIMIS_WINDOW_DAYS = 3 * 365  # «οποιαδήποτε περίοδο 3 ετών», κυλιόμενη (Άρθ. 2.8)


def de_minimis_regulation_of(text: str) -> str:
    """The regulation a declared row names («Καν. 1408/2013», «2023/2832»...). A row naming none is
    counted as general de minimis (2023/2831): the stricter ceiling, the reading an authority defends."""
    value = (text or "").replace(" ", "")
    for code in DE_MINIMIS_REGULATIONS:
        if code in value:
            return code
    return "2023/2831"


@dataclass(frozen=True)
class PriorAid:
    """One de minimis aid of the single undertaking, from the register or from the declaration."""

    regulation: str
    amount: Decimal  # ΑΙΕ (gross grant equivalent)
    granted_on: datetime.date
    source: str  # "registry" (ΠΣΣΕΗΣ) | "declared" (υπεύθυνη δήλωση 09.04)
    label: str = ""


@dataclass(frozen=True)
class CeilingLine:
    code: str  # "general" | "sgei"
    label: str
    ceiling: Decimal
    prior: Decimal
    requested: Decimal
    ok: bool
    citation: str

    @property
    def total(self) -> Decimal:
        return self.prior + self.requested


@dataclass(frozen=True)
class DeMinimisCumulation:
    ok: bool
    requested: Decimal
    as_on: datetime.date
    counted: tuple[PriorAid, ...]
    per_regulation: tuple[tuple[str, str, Decimal, Decimal], ...]  # (code, label, own ceiling, prior)
    lines: tuple[CeilingLine, ...]
    declared_only: Decimal  # what only the applicant's declaration shows (not in ΠΣΣΕΗΣ)
    message: str

    @property
    def criterion_answer(self) -> str:
        """The short answer of Annex 4 criterion 4(στ), for the list of every group's answer."""
        failed = next((ln for ln in self.lines if not ln.ok), None)
        if failed is None:
            return f"σώρευση de minimis {fmt_eur(self.lines[0].total)} ≤ {fmt_eur(self.lines[0].ceiling)}"
        return (
            f"Υπέρβαση ορίου de minimis, κριτήριο 4(στ): {fmt_eur(failed.total)} > {fmt_eur(failed.ceiling)} "
            "(ΚΥΑ 7066 Άρθ. 2.9, 7.2)"
        )

    def as_json(self) -> dict:
        return {
            "ok": self.ok,
            "requested": f"{self.requested:.2f}",
            "as_on": self.as_on.isoformat(),
            "declared_only": f"{self.declared_only:.2f}",
            "message": self.message,
            "aids": [
                {
                    "regulation": a.regulation,
                    "amount": f"{a.amount:.2f}",
                    "granted_on": a.granted_on.isoformat(),
                    "source": a.source,
                    "label": a.label,
                }
                for a in self.counted
            ],
            "lines": [
                {
                    "code": ln.code,
                    "label": ln.label,
                    "ceiling": f"{ln.ceiling:.2f}",
                    "prior": f"{ln.prior:.2f}",
                    "requested": f"{ln.requested:.2f}",
                    "total": f"{ln.total:.2f}",
                    "ok": ln.ok,
                    "citation": ln.citation,
                }
                for ln in self.lines
            ],
        }


def prior_aids(
    *, registry_awards: Sequence[Mapping] = (), declared_rows: Sequence[Mapping] = ()
) -> list[PriorAid]:
    """The register's awards plus the declared grants the register does not show.

    ΚΥΑ 7066 Άρθ. 2.10, 2.16: the check uses *both* the solemn declaration (table of prior aid) and
    ΠΣΣΕΗΣ. A declared row with the same date and amount as a registered award is that award
    (counted once); any other declared row counts on top of the register.
    """
    out: list[PriorAid] = []
    seen: list[tuple[datetime.date, Decimal]] = []
    for a in registry_awards:
        regulation = str(a.get("regulation") or "")
        if regulation not in DE_MINIMIS_REGULATIONS:
            continue  # GBER or other State aid is not de minimis
        if str(a.get("status") or "active") != "active":
            continue
        when = datetime.date.fromisoformat(str(a["grant_date"])[:10])
        amount = money(a.get("gge_amount") or a.get("amount") or 0)
        seen.append((when, amount))
        label = " · ".join(
            x for x in (str(a.get("registry_id") or ""), str(a.get("granting_authority") or "")) if x
        )
        out.append(PriorAid(regulation, amount, when, "registry", label))
    for row in declared_rows:
        try:
            when = datetime.date.fromisoformat(str(row.get("date") or "")[:10])
            amount = money(declared_amount(row.get("amount")))
        except (ArithmeticError, ValueError):
            continue  # refused at the de minimis step (declared_grants_problems)
        if (when, amount) in seen:
            seen.remove((when, amount))
            continue
        out.append(
            PriorAid(
                de_minimis_regulation_of(str(row.get("regulation") or "")),
                amount,
                when,
                "declared",
                str(row.get("grantor") or ""),
            )
        )
    return out


def de_minimis_cumulation(
    *,
    requested,
    aids: Sequence[PriorAid],
    as_on: datetime.date,
    general_ceiling=DE_MINIMIS_CEILING,
    sgei_ceiling=SGEI_CEILING,
) -> DeMinimisCumulation:
    """Whether a new 2023/2831 grant of `requested` fits every de minimis ceiling (ΚΥΑ 7066 Άρθ.
    2.8–2.12, 2.16, 7.2; Παρ. 4 κριτ. 4(στ)). The one rule of the three checks: submission, the
    re-check before approval and the grant.

    Counted: aid granted after as_on − 1,095 days up to as_on. If any ceiling is exceeded the
    whole new aid falls outside the regulation (Άρθ. 2.9).
    Worked example: €200,000 under 2023/2831 + €45,000 under 1408/2013 (agriculture) + a request
    of €62,568 = €307,568 > €300,000 → refused, excess €7,568; the same with the €45,000 under
    2023/2832 (SGEI) counts only towards €750,000 → €200,000 + €62,568 ≤ €300,000 → fits.
    """
    asked = money(requested)
    after = as_on - datetime.timedelta(days=DE_MINIMIS_WINDOW_DAYS)
    counted = tuple(sorted((a for a in aids if after < a.granted_on <= as_on), key=lambda a: a.granted_on))
    per_regulation = []
    for code, (label, own) in DE_MINIMIS_REGULATIONS.items():
        total = sum((a.amount for a in counted if a.regulation == code), Decimal("0.00"))
        if total:
            per_regulation.append((code, label, own, money(total)))
    general_prior = money(
        sum((a.amount for a in counted if a.regulation in GENERAL_CEILING_REGULATIONS), Decimal("0"))
    )
    all_prior = money(sum((a.amount for a in counted), Decimal("0")))
    general_cap, sgei_cap = money(general_ceiling), money(sgei_ceiling)
    lines = (
        CeilingLine(
            "general",
            "Γενικό όριο (2023/2831, με 1407/2013, 1408/2013, 717/2014)",
            general_cap,
            general_prior,
            asked,
            general_prior + asked <= general_cap,
            "Καν. (ΕΕ) 2023/2831 Άρθ. 3(2), 5(2)· ΚΥΑ 7066 Άρθ. 2.8, 2.12",
        ),
        CeilingLine(
            "sgei",
            "Σώρευση με ΥΓΟΣ (όλοι οι κανονισμοί de minimis)",
            sgei_cap,
            all_prior,
            asked,
            all_prior + asked <= sgei_cap,
            "Καν. (ΕΕ) 2023/2831 Άρθ. 5(1)· ΚΥΑ 7066 Άρθ. 2.11",
        ),
    )
    declared_only = money(sum((a.amount for a in counted if a.source == "declared"), Decimal("0")))
    failed = [ln for ln in lines if not ln.ok]
    if not failed:
        message = (
            f"Σώρευση de minimis εντός ορίων: {fmt_eur(general_prior)} + {fmt_eur(asked)} = "
            f"{fmt_eur(general_prior + asked)} ≤ {fmt_eur(general_cap)} (ΚΥΑ 7066 Άρθ. 2.8, 7.2)."
        )
    else:
        ln = failed[0]
        parts = ", ".join(f"{label}: {fmt_eur(total)}" for _c, label, _own, total in per_regulation)
        declared = (
            f" — από αυτά {fmt_eur(declared_only)} μόνο στην υπεύθυνη δήλωση σώρευσης, όχι στο ΠΣΣΕΗΣ"
            if declared_only
            else ""
        )
        message = (
            f"Υπέρβαση ορίου de minimis ({ln.label}): προηγούμενες ενισχύσεις της ενιαίας επιχείρησης "
            f"την τριετία έως {as_on.strftime('%d/%m/%Y')} {fmt_eur(ln.prior)} ({parts}{declared}) + "
            f"αιτούμενη {fmt_eur(asked)} = {fmt_eur(ln.total)} > {fmt_eur(ln.ceiling)}, υπέρβαση "
            f"{fmt_eur(ln.total - ln.ceiling)}· η νέα ενίσχυση δεν καλύπτεται στο σύνολό της "
            f"({ln.citation}, Άρθ. 2.9· Παρ. 4 κριτ. 4(στ))."
        )
    return DeMinimisCumulation(
        not failed, asked, as_on, counted, tuple(per_regulation), lines, declared_only, message
    )


def de_minimis_cumulation_problems(result: DeMinimisCumulation) -> list[Problem]:
    return [] if result.ok else [Problem("de_minimis_exceeded", "positions", result.message)]


# --- the applicant's ΑΦΜ at AADE (every programme; ΚΥΑ 7066 Άρθ. 6.5) ------------------------------


def afm_not_found_problem(status: str, data: Mapping | None, *, afm: str) -> Problem | None:
    """AADE answered that the ΑΦΜ does not exist, is not a business or is invalid: the registry
    data show the applicant is not a potential beneficiary, so submission is blocked (Art. 6.5),
    as a deactivated ΑΦΜ is. Any other refusal (our credentials) is an administrator's matter."""
    from interop.aade import NOT_FOUND_CODES

    code = str((data or {}).get("code") or "")
    if status != "refused" or code not in NOT_FOUND_CODES:
        return None
    said = str((data or {}).get("message") or "")
    return Problem(
        "afm_not_found",
        "business",
        f"Ο ΑΦΜ {afm} δεν βρέθηκε ως επιχείρηση στο μητρώο της ΑΑΔΕ ({said or code}): η αίτηση δεν μπορεί "
        "να οριστικοποιηθεί (ΚΥΑ 7066 Άρθ. 6.5, 4.1.1). Ελέγξτε τον ΑΦΜ της επιχείρησης στο TAXISnet.",
    )


# --- ΚΑΔ and place of employment (ΚΥΑ 7066 Παρ. 2, Άρθ. 4.1.1, 2.2) -------------------------------


def kad_problems(kads: Sequence[str], *, mode: str, codes: Sequence[str], source: str) -> list[Problem]:
    """Κανόνας B13: a ΚΑΔ of the business (per the call's scope) in the exclusion list blocks."""
    if mode == "none" or not codes:
        return []
    problems = []
    for kad in kads:
        result = (
            kad_is_excluded(kad, codes, source=source)
            if mode == "exclude"
            else kad_is_allowed(kad, codes, source=source)
        )
        if not result.ok:
            problems.append(Problem(result.code or "kad_excluded", "business", result.reason))
    return problems


def position_problems(
    positions: Sequence[Mapping], *, areas: Sequence[Mapping], categories: Iterable[str], source: str
) -> tuple[list[Problem], str | None]:
    """Κανόνες B02/B03: every place of employment in an eligible area, all in one pool.

    Returns the problems and the pool code the application draws from. A request with places in
    two pools (e.g. Western Macedonia and Megalopoli) must be split: FCFS runs per pool (Art. 2.2).
    """
    problems: list[Problem] = []
    pools: set[str] = set()
    allowed = set(categories)
    if not positions:
        return [
            Problem("positions_missing", "positions", "Δηλώστε τουλάχιστον μία θέση (ΚΥΑ 7066 Άρθ. 6.2β).")
        ], None
    for i, p in enumerate(positions, 1):
        label = f"Θέση {i} ({p.get('specialty') or '—'})"
        if not str(p.get("specialty") or "").strip():
            problems.append(
                Problem(
                    "position_specialty_missing",
                    "positions",
                    f"{label}: λείπει η ειδικότητα (ΚΥΑ 7066 Άρθ. 6.2β).",
                    anchor=f"position-{i}",
                )
            )
        if p.get("category") not in allowed:
            problems.append(
                Problem(
                    "position_category_invalid",
                    "positions",
                    f"{label}: επιλέξτε κατηγορία 01.22 ή 01.23 (ΚΥΑ 7066 Άρθ. 5.1.3).",
                    anchor=f"position-{i}",
                )
            )
        region, unit, municipality = (
            p.get("place_region", ""),
            p.get("place_regional_unit", ""),
            p.get("place_municipality", ""),
        )
        result = area_is_eligible(region, unit, municipality, areas, source=source)
        if not result.ok:
            problems.append(
                Problem("area_ineligible", "positions", f"{label}: {result.reason}", anchor=f"position-{i}")
            )
            continue
        pool = pool_for_area(region, unit, municipality, areas)
        if pool:
            pools.add(pool)
    if len(pools) > 1:
        problems.append(
            Problem(
                "positions_span_pools",
                "positions",
                "Οι θέσεις βρίσκονται σε περιοχές διαφορετικών ταμείων προϋπολογισμού· υποβάλετε χωριστή "
                "αίτηση ανά περιοχή (ΚΥΑ 7066 Άρθ. 2.2).",
            )
        )
    return problems, (next(iter(pools)) if len(pools) == 1 else None)


# --- Cluster (call 004 §4.c) -------------------------------------------------------------------------


def cluster_problems(partner_kinds: Sequence[str], *, min_research: int, min_smes: int) -> list[Problem]:
    """Call 004 §4.c: the cluster has at least one research organisation and at least five SMEs."""
    research = sum(1 for k in partner_kinds if k == "research")
    smes = sum(1 for k in partner_kinds if k == "sme")
    problems = []
    if research < min_research:
        problems.append(
            Problem(
                "cluster_research_missing",
                "partners",
                f"Ο σχηματισμός πρέπει να έχει τουλάχιστον {min_research} ερευνητικό οργανισμό· "
                f"δηλώθηκαν {research} (Πρόσκληση 004 §4.c).",
            )
        )
    if smes < min_smes:
        problems.append(
            Problem(
                "cluster_smes_missing",
                "partners",
                f"Ο σχηματισμός πρέπει να έχει τουλάχιστον {min_smes} ΜΜΕ· δηλώθηκαν {smes}, "
                f"λείπουν {min_smes - smes} (Πρόσκληση 004 §4.c).",
            )
        )
    return problems


# --- Person (ΚΥΑ 16936 Art. 5(1)) ----------------------------------------------------------------------


def preference_problems(
    preferences: Sequence[str], *, allowed: Iterable[str], minimum=1, maximum=3
) -> list[Problem]:
    """ΚΥΑ 16936 Άρθ. 5(1): 1–3 distinct placement services of the call."""
    allowed = set(allowed)
    problems = []
    if not minimum <= len(preferences) <= maximum:
        problems.append(
            Problem(
                "preferences_count",
                "placement_preferences",
                f"Επιλέξτε από {minimum} έως {maximum} υπηρεσίες τοποθέτησης· επιλέξατε {len(preferences)} "
                "(ΚΥΑ 16936 Άρθ. 5(1)).",
            )
        )
    if len(set(preferences)) != len(preferences):
        problems.append(
            Problem(
                "preferences_duplicate", "placement_preferences", "Κάθε υπηρεσία μπορεί να επιλεγεί μία φορά."
            )
        )
    unknown = [p for p in preferences if p not in allowed]
    if unknown:
        problems.append(
            Problem(
                "preferences_unknown",
                "placement_preferences",
                f"Άγνωστη υπηρεσία τοποθέτησης: {', '.join(unknown)}.",
            )
        )
    return problems


# --- A second application of the same person (ΚΥΑ 16936 Art. 5(5)) ---------------------------------

SECOND_REPLACES = "replace"
SECOND_REFUSED = "refuse"


def second_application_outcome(*, applicant_kind: str, one_per_applicant: bool) -> str | None:
    """What a second final submission of the same applicant to the same call does.

    ΚΥΑ 16936 Άρθ. 5(5): «Διόρθωση ή τροποποίηση ή συμπλήρωση των αιτήσεων … επιτρέπεται με νέες
    αιτήσεις, οι οποίες υποβάλλονται σε αντικατάσταση των προηγουμένων οι οποίες και ακυρώνονται,
    μέχρι τη λήξη της προθεσμίας»: a person's new application replaces and cancels the previous one.
    A business call that takes one application per ΑΦΜ refuses the second (Πρόσκληση 004 §8);
    None = several applications are allowed.
    """
    if applicant_kind == "natural_person":
        return SECOND_REPLACES
    return SECOND_REFUSED if one_per_applicant else None


CANCELLED_BY_REPLACEMENT = (
    "Ακυρώθηκε: υποβλήθηκε νεότερη αίτηση {new} σε αντικατάστασή της (ΚΥΑ 16936 Άρθ. 5(5))."
)


# --- Person step: numbers and the Art. 4(1)(γ) declarations ------------------------------------------

# Art. 4(1)(γ) εδ. β': the level of the Greek-language certificate (Κέντρο Ελληνικής Γλώσσας, ν. 4027/2011
# άρθ. 9) a citizen of another EU member state needs, by the education category and whether the
# position is administrative. Levels in order: Α'/A2 < Β'/B1 < Γ'/B2 < Δ'/Γ1.
GREEK_LEVELS = (
    ("A2", "Α' επίπεδο / A2"),
    ("B1", "Β' επίπεδο / B1"),
    ("B2", "Γ' επίπεδο / B2"),
    ("C1", "Δ' επίπεδο / Γ1"),
)
GREEK_LEVEL_ORDER = {code: i for i, (code, _) in enumerate(GREEK_LEVELS)}
GREEK_LEVEL_LABELS = dict(GREEK_LEVELS)
GREEK_CERT_ISSUERS = (
    ("kentro", "Κέντρο Ελληνικής Γλώσσας (ν. 4027/2011 άρθ. 9)"),
    ("auth", "Σχολείο Ελληνικής Γλώσσας ΑΠΘ"),
    ("other_school", "Άλλη σχολή ή σχολείο ελληνικής γλώσσας (μετά από εξέταση)"),
)


def required_greek_level(education: str, *, administrative: bool) -> str:
    """ΚΥΑ 16936 Άρθ. 4(1)(γ) εδ. β':
    ΥΕ → Α'/A2; ΔΕ μη διοικητικού ή εργατοτεχνικού → Β'/B1; ΠΕ/ΤΕ μη διοικητικού και ΔΕ διοικητικού →
    Γ'/B2; ΠΕ/ΤΕ διοικητικού → Δ'/Γ1. An unknown category asks the highest level."""
    if education == "ΥΕ":
        return "A2"
    if education == "ΔΕ":
        return "B2" if administrative else "B1"
    if education in ("ΠΕ", "ΤΕ"):
        return "C1" if administrative else "B2"
    return "C1"


def greek_language_problem(*, level: str, education: str, administrative: bool) -> Problem | None:
    """A citizen of another EU state without a certificate of the level the category needs."""
    needed = required_greek_level(education, administrative=administrative)
    if level in GREEK_LEVEL_ORDER and GREEK_LEVEL_ORDER[level] >= GREEK_LEVEL_ORDER[needed]:
        return None
    have = GREEK_LEVEL_LABELS.get(level, "κανένα")
    kind = "διοικητικού" if administrative else "μη διοικητικού"
    return Problem(
        "greek_language_level",
        "greek_cert_level",
        f"Για την κατηγορία {education or '—'} ({kind} προσωπικού) απαιτείται πιστοποιητικό ελληνομάθειας "
        f"τουλάχιστον {GREEK_LEVEL_LABELS[needed]}· δηλώθηκε: {have} (ΚΥΑ 16936 Άρθ. 4(1)(γ) εδ. β').",
    )


def whole_number_problem(value: str, *, field: str, label: str, maximum: int = 99) -> Problem | None:
    """Number fields take digits only («τρία» is refused, not stored as «τρί»)."""
    text = str(value or "").strip()
    if not text:
        return None
    if not text.isdigit() or not text.isascii():
        return Problem("not_a_number", field, f"{label}: γράψτε αριθμό με ψηφία (π.χ. 3), όχι «{text[:20]}».")
    if int(text) > maximum:
        return Problem("number_too_large", field, f"{label}: έως {maximum}.")
    return None


# --- Registration on the call's publication date (ΚΥΑ 16936 Art. 4(1)(α)) ------------------------------


def registration_problem(
    *, registered: bool, registered_since: datetime.date | None, publication_date: datetime.date | None
) -> Problem | None:
    """ΚΥΑ 16936 Άρθ. 4(1)(α): «εγγεγραμμένοι στο Ψηφιακό Μητρώο της Δ.ΥΠ.Α. κατά την ημερομηνία
    δημοσίευσης της δημόσιας πρόσκλησης και μετά». Registered since 01/07/2025 for a call published
    on 01/07/2025 qualifies; since 02/07/2025 does not. The register's `registered_since` is the
    start of the current, uninterrupted registration, so «and after» holds when it is still active."""
    if not registered:
        return Problem(
            "not_registered_unemployed",
            "amka",
            "Δεν είστε εγγεγραμμένος/η στο Ψηφιακό Μητρώο Ανέργων της ΔΥΠΑ (ΚΥΑ 16936 Άρθ. 4(1)(α)).",
        )
    if publication_date is not None and registered_since is not None and registered_since > publication_date:
        return Problem(
            "registered_after_publication",
            "amka",
            f"Η εγγραφή στο Ψηφιακό Μητρώο Ανέργων της ΔΥΠΑ ισχύει από {registered_since:%d/%m/%Y}, μετά τη "
            f"δημοσίευση της πρόσκλησης στις {publication_date:%d/%m/%Y}· απαιτείται εγγραφή κατά την "
            "ημερομηνία δημοσίευσης και μετά (ΚΥΑ 16936 Άρθ. 4(1)(α)).",
        )
    return None


# --- Window and re-editing ------------------------------------------------------------------------------


def window_problem(
    *, now: datetime.datetime, opens_at, closes_at, source: str = "ΚΥΑ 7066 Άρθ. 6.1"
) -> Problem | None:
    """ΚΥΑ 7066 Άρθ. 6.1, κανόνας B24 (ΚΥΑ 16936 Άρθ. 5(3) for persons, `source`): final submission
    only inside the call's window."""
    if opens_at is None or now < opens_at:
        return Problem("window_not_open", "call", f"Η υποβολή αιτήσεων δεν έχει ξεκινήσει ({source}).")
    if closes_at is not None and now >= closes_at:
        return Problem(
            "window_closed",
            "call",
            f"Η προθεσμία υποβολής έληξε στις {_local(closes_at)}· η αίτηση δεν μπορεί να οριστικοποιηθεί "
            f"({source}).",
        )
    return None


def _local(value: datetime.datetime) -> str:
    """Closing times are shown in Greek local time, to the second."""
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M:%S")


def reedit_problem(
    *, now: datetime.datetime, closes_at, evaluation_started: bool, pool_remaining, pool_exhausted=False
) -> Problem | None:
    """ΚΥΑ 7066 Άρθ. 6.7: re-editing a finalised application needs all three of
    (α) before the submission deadline, (β) evaluation not started, (γ) «σε κάθε περίπτωση, πριν την
    εξάντληση του διαθέσιμου προϋπολογισμού».

    (γ) is the pool's state, not the applicant's: `pool_remaining` is what is left after every hold,
    the applicant's own included. An application holding the pool's last euros sees €0.00 left and
    is refused, like everyone else; applications waiting in reserve (`pool_exhausted`) mean the pool
    could not cover them, so it is exhausted too. Example: pool €14,220.00 held whole by one 01.22
    hire → remaining €0.00 → refused.
    """
    if closes_at is not None and now >= closes_at:
        return Problem(
            "reedit_after_deadline",
            "status",
            f"Η επανεπεξεργασία επιτρέπεται μόνο πριν από τη λήξη της προθεσμίας ({_local(closes_at)}) "
            "(ΚΥΑ 7066 Άρθ. 6.7α).",
        )
    if evaluation_started:
        return Problem(
            "reedit_evaluation_started",
            "status",
            "Η αξιολόγηση της αίτησης έχει ξεκινήσει· δεν επιτρέπεται επανεπεξεργασία (ΚΥΑ 7066 Άρθ. 6.7β).",
        )
    if pool_exhausted or (pool_remaining is not None and money(pool_remaining) <= 0):
        return Problem(
            "reedit_budget_exhausted",
            "status",
            "Ο προϋπολογισμός της περιοχής έχει εξαντληθεί· δεν επιτρέπεται επανεπεξεργασία (ΚΥΑ "
            "7066 Άρθ. 6.7γ).",
        )
    return None


REEDIT_REQUEUE = "requeue"
REEDIT_KEEP = "keep"


def priority_after_reedit(policy: str, *, previous_seq: int | None, new_seq: int) -> int:
    """Priority of a resubmitted application (ΚΥΑ 7066 Άρθ. 6.7: «νέα χρονοσφραγίδα, ίδιος αριθμός»).

    `requeue` (default): the new timestamp is a new place in the FCFS queue, the reading a managing
    authority would defend since priority follows the finalisation timestamp (Art. 6.8, 7.2).
    `keep`: a call may rule that the original place is kept; the new timestamp is still recorded.
    """
    if policy == REEDIT_KEEP and previous_seq is not None:
        return previous_seq
    return new_seq


# --- required attachments (δικαιολογητικά) ----------------------------------------------------------

# Which cluster types a call 004 row's «ισχύει για» names (Πρόσκληση 004 Παρ. I).
_CLUSTER_TYPE_WORDS = {"existing": "υφιστάμεν", "new": "νέο", "under_establishment": "υπό σύσταση"}


def attachment_applies(applies_to: str, cluster_type: str = "") -> bool:
    """Whether a required document concerns this applicant (Πρόσκληση 004 Παρ. I, «ισχύει για»).

    A row naming cluster types («υφιστάμενοι / νέοι», «υπό σύσταση») applies only to those types;
    a row naming none (or an applicant with no declared type yet) applies to everyone.
    """
    text = (applies_to or "").lower()
    named = {t for t, word in _CLUSTER_TYPE_WORDS.items() if word in text}
    if not named or not cluster_type:
        return True
    return cluster_type in named


def attachment_problems(required: Iterable[dict], uploaded_codes: Iterable[str]) -> list[Problem]:
    """Every mandatory document of the call that has not been uploaded blocks final submission.

    `required`: the call's application-stage rows as {"code", "name", "citation"} (ΚΥΑ 7066
    Παράρτημα 1, e.g. 09.04 and 02.06; Πρόσκληση 004 Παρ. I; ΚΥΑ 16936 Άρθ. 4(1)(δ)).
    """
    have = set(uploaded_codes)
    problems = []
    for row in required:
        if row["code"] in have:
            continue
        citation = row.get("citation") or "πρόσκληση, δικαιολογητικά αίτησης"
        problems.append(
            Problem(
                "attachment_missing",
                "attachments",
                f"Λείπει το δικαιολογητικό {row['code']} «{row['name']}» ({citation}).",
            )
        )
    return problems


# --- Legal form and size of the applicant (call 004 §4 όροι 2 και 6) ---------------------------------

# AADE writes a legal form either abbreviated («ΙΚΕ») or in full («ΙΔΙΩΤΙΚΗ ΚΕΦΑΛΑΙΟΥΧΙΚΗ
# ΕΤΑΙΡΕΙΑ»); a call lists them as the article does («Ο.Ε.», «Ι.Κ.Ε.»). Both are compared in one
# normal form: upper case, no accents, no dots or spaces, full names mapped to their abbreviation.
_LEGAL_FORM_NAMES = {
    "ΟΜΟΡΡΥΘΜΗΕΤΑΙΡΕΙΑ": "ΟΕ",
    "ΟΜΟΡΡΥΘΜΗΕΤΑΙΡΙΑ": "ΟΕ",
    "ΕΤΕΡΟΡΡΥΘΜΗΕΤΑΙΡΕΙΑ": "ΕΕ",
    "ΕΤΕΡΟΡΡΥΘΜΗΕΤΑΙΡΙΑ": "ΕΕ",
    "ΕΤΑΙΡΕΙΑΠΕΡΙΟΡΙΣΜΕΝΗΣΕΥΘΥΝΗΣ": "ΕΠΕ",
    "ΑΝΩΝΥΜΗΕΤΑΙΡΕΙΑ": "ΑΕ",
    "ΑΝΩΝΥΜΗΕΤΑΙΡΙΑ": "ΑΕ",
    "ΙΔΙΩΤΙΚΗΚΕΦΑΛΑΙΟΥΧΙΚΗΕΤΑΙΡΕΙΑ": "ΙΚΕ",
    "ΑΣΤΙΚΗΜΗΚΕΡΔΟΣΚΟΠΙΚΗΕΤΑΙΡΕΙΑ": "ΑΜΚΕ",
    "ΑΣΤΙΚΗΜΗΚΕΡΔΟΣΚΟΠΙΚΗΕΤΑΙΡΙΑ": "ΑΜΚΕ",
    "ΑΤΟΜΙΚΗΕΠΙΧΕΙΡΗΣΗ": "ΑΤΟΜΙΚΗ",
    "ΑΤΟΜΙΚΗ": "ΑΤΟΜΙΚΗ",
}
SOLE_PROPRIETORSHIP = "Ατομική επιχείρηση"


def normalise_legal_form(text: str) -> str:
    raw = unicodedata.normalize("NFD", (text or "").upper())
    raw = "".join(ch for ch in raw if unicodedata.category(ch) != "Mn")
    compact = "".join(ch for ch in raw if ch.isalnum())
    return _LEGAL_FORM_NAMES.get(compact, compact)


def _legal_form_listed(form: str, listed: str) -> bool:
    """`form` is the listed form, or one word of it («ΝΠΙΔ» in «Λοιπό μη κερδοσκοπικό ΝΠΙΔ»)."""
    if normalise_legal_form(form) == normalise_legal_form(listed):
        return True
    words = {normalise_legal_form(w) for w in (listed or "").replace(",", " ").split()}
    return normalise_legal_form(form) in words and len(normalise_legal_form(form)) >= 3


def legal_form_problems(
    legal_form: str,
    *,
    is_natural_person: bool,
    eligible: Sequence[str],
    citation: str = "Πρόσκληση 004 §4 όρος 6",
    field: str = "business",
) -> list[Problem]:
    """Call 004 §4 όρος 6: the applicant operates «αποκλειστικά» in one of the listed legal forms
    (ΟΕ, ΕΕ, ΕΠΕ, ΑΕ, ΙΚΕ, ΑΜΚΕ or another non-profit ΝΠΙΔ). The form is AADE's (§8: data drawn
    through interoperability prevail and cannot be edited); a natural person with business income
    is a sole proprietorship whatever AADE writes in the field, and is not in the list.
    An empty list (`Call.eligible_legal_forms`) means every form."""
    if not eligible:
        return []
    form = SOLE_PROPRIETORSHIP if is_natural_person else (legal_form or "").strip()
    listed = ", ".join(eligible)
    if not form:
        return [
            Problem(
                "legal_form_unknown",
                field,
                f"Η ΑΑΔΕ δεν αναφέρει νομική μορφή για τον ΑΦΜ· επιλέξιμες μορφές: {listed} ({citation}).",
            )
        ]
    if normalise_legal_form(form) == "ΑΤΟΜΙΚΗ" or not any(_legal_form_listed(form, e) for e in eligible):
        return [
            Problem(
                "legal_form_ineligible",
                field,
                f"Η νομική μορφή «{form}» (ΑΑΔΕ) δεν είναι επιλέξιμη· η πρόσκληση δέχεται μόνο: {listed} "
                f"({citation}).",
            )
        ]
    return []


SIZE_NAMES = {"micro": "πολύ μικρή", "small": "μικρή", "medium": "μεσαία", "large": "μεγάλη"}


def size_problems(
    size: str, *, eligible: Sequence[str], citation: str = "Πρόσκληση 004 §4 όρος 2", field: str = "budget"
) -> list[Problem]:
    """Call 004 §4 όρος 2: the entity is a micro, small or medium enterprise (Σύσταση 2003/361/ΕΚ,
    Παρ. Ι ΓΑΚ); the size declared with the SME declaration (Παρ. II) is checked against the call's
    `eligible_sizes`. An empty list means every size."""
    if not eligible:
        return []
    names = ", ".join(SIZE_NAMES.get(s, s) for s in eligible)
    if not size:
        return [Problem("size_missing", field, f"Δηλώστε το μέγεθος του φορέα ({names}) ({citation}).")]
    if size not in eligible:
        return [
            Problem(
                "size_ineligible",
                field,
                f"Μέγεθος «{SIZE_NAMES.get(size, size)}»: η πρόσκληση δέχεται μόνο {names} επιχειρήσεις "
                f"({citation}).",
            )
        ]
    return []
