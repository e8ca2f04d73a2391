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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from calls.rules import _fmt, area_is_eligible, kad_is_allowed, kad_is_excluded, money, pool_for_area
from opske.dates import parse_date

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


def fmt_eur(amount) -> str:
    return _fmt(money(amount))


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
            amount = Decimal(str(row["amount"]).replace(",", "."))  # TODO(money): parse_amount
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


# --- Window and re-editing ------------------------------------------------------------------------------


def window_problem(*, now: datetime.datetime, opens_at, closes_at) -> Problem | None:
    """ΚΥΑ 7066 Άρθ. 6.1, κανόνας B24: final submission only inside the call's window."""
    if opens_at is None or now < opens_at:
        return Problem(
            "window_not_open", "call", "Η υποβολή αιτήσεων δεν έχει ξεκινήσει (ΚΥΑ 7066 Άρθ. 6.1)."
        )
    if closes_at is not None and now >= closes_at:
        return Problem(
            "window_closed",
            "call",
            f"Η προθεσμία υποβολής έληξε στις {_local(closes_at)}· η αίτηση δεν μπορεί να οριστικοποιηθεί "
            "(ΚΥΑ 7066 Άρθ. 6.1).",
        )
    return None


def _local(value: datetime.datetime) -> str:
    """Closing times are shown in Greek local time, to the second."""
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M:%S")


def reedit_problem(
    *, now: datetime.datetime, closes_at, evaluation_started: bool, pool_remaining
) -> Problem | None:
    """ΚΥΑ 7066 Άρθ. 6.7: re-editing a finalised application needs all three of
    (α) before the submission deadline, (β) evaluation not started, (γ) budget not exhausted."""
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
    if pool_remaining is not None and money(pool_remaining) <= 0:
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
