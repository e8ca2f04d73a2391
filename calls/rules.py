"""The call-level legal rules as pure functions over plain data.

Nothing here touches the database, a request or a form: the applications half passes plain values
(a ΚΑΔ string, a list of area dicts, budget lines) and receives a result with a Greek reason that
can be shown to the applicant as is. Each function cites the article it applies.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

# The one rounding and formatting of euros (opske.money); `money` and `_fmt` stay importable here.
from opske.money import CENT  # noqa: F401 (re-exported)
from opske.money import format_eur as _fmt
from opske.money import to_cents as money

HUNDRED = Decimal("100")


@dataclass(frozen=True)
class RuleResult:
    ok: bool
    reason: str = ""
    code: str = ""

    def __bool__(self) -> bool:
        return self.ok


# --- ΚΑΔ ---------------------------------------------------------------------------------------

_KAD_DOTTED = re.compile(r"^\d{2}(\.\d{1,2}){0,3}$")


def normalise_kad(kad: str) -> str:
    """A ΚΑΔ in the dotted form legal texts use: «56101101» → «56.10.11.01», «47.81.10.01» kept.

    Undotted input is split in pairs (division, group+class, sub-class, national extension) the way
    AADE returns codes; dotted input is only stripped. Anything else raises ValueError.
    """
    raw = (kad or "").strip().replace(" ", "")
    if raw.isascii() and raw.isdigit():
        if len(raw) % 2 or not 2 <= len(raw) <= 8:
            raise ValueError(f"Μη έγκυρος ΚΑΔ «{kad}».")
        raw = ".".join(raw[i : i + 2] for i in range(0, len(raw), 2))
    if not _KAD_DOTTED.match(raw):
        raise ValueError(f"Μη έγκυρος ΚΑΔ «{kad}».")
    return raw


def kad_digits(kad: str) -> int:
    return len(normalise_kad(kad).replace(".", ""))


def _kad_covers(listed: str, kad: str) -> bool:
    """True when `listed` is `kad` itself or one of its ancestors in the ΚΑΔ 2008 hierarchy.

    Levels are 2 digits (division «01»), 3 («47.8»), 4 («47.81»), 5 («47.81.1»), 6 («47.81.10»)
    and 8 («47.81.10.01»). An odd level ends in a one-digit segment that the next level extends
    without a dot («47.8» → «47.81», «47.81.1» → «47.81.10»), so it covers every code that starts
    with it; an even level covers itself and the codes that continue after a dot. Hence a 2-digit
    division excludes every code under it and an 8-digit code excludes only itself.
    """
    if kad == listed:
        return True
    if len(listed.rsplit(".", 1)[-1]) == 1:
        return kad.startswith(listed)
    return kad.startswith(listed + ".")


def kad_match(kad: str, codes: Iterable[str]) -> str | None:
    """The most specific listed code covering `kad`, or None."""
    target = normalise_kad(kad)
    best = None
    for code in codes:
        listed = normalise_kad(code)
        if _kad_covers(listed, target) and (best is None or len(listed) > len(best)):
            best = listed
    return best


def kad_is_excluded(
    kad: str, exclusion_list: Iterable[str], *, source: str = "Παράρτημα 2 ΚΥΑ 7066"
) -> RuleResult:
    """ΚΥΑ 7066 Παράρτημα 2 (κανόνας B13): a ΚΑΔ is ineligible if it or an ancestor is listed.

    `ok` is True when the ΚΑΔ is eligible (not excluded).
    """
    try:
        hit = kad_match(kad, exclusion_list)
    except ValueError as exc:
        return RuleResult(False, str(exc), "kad_invalid")
    if hit is None:
        return RuleResult(True, f"Ο ΚΑΔ {normalise_kad(kad)} δεν εξαιρείται ({source}).", "kad_ok")
    target = normalise_kad(kad)
    if hit == target:
        return RuleResult(False, f"Ο ΚΑΔ {target} εξαιρείται ({source}).", "kad_excluded")
    return RuleResult(
        False, f"Ο ΚΑΔ {target} εξαιρείται, γιατί υπάγεται στον ΚΑΔ {hit} ({source}).", "kad_excluded"
    )


def kad_is_allowed(
    kad: str, allow_list: Iterable[str], *, source: str = "λίστα επιλέξιμων ΚΑΔ"
) -> RuleResult:
    """Allow-list variant: the ΚΑΔ (or an ancestor) must be listed."""
    try:
        hit = kad_match(kad, allow_list)
    except ValueError as exc:
        return RuleResult(False, str(exc), "kad_invalid")
    if hit is None:
        return RuleResult(
            False, f"Ο ΚΑΔ {normalise_kad(kad)} δεν είναι επιλέξιμος ({source}).", "kad_not_allowed"
        )
    return RuleResult(True, f"Ο ΚΑΔ {normalise_kad(kad)} είναι επιλέξιμος ({source}).", "kad_ok")


# --- Areas ---------------------------------------------------------------------------------------

_PREFIXES = ("περιφερειακη ενοτητα ", "περιφερεια ", "π.ε. ", "δημος ", "δ. ")


@functools.lru_cache(maxsize=4096)  # a pure function of a few hundred place names, called per position
def normalise_place(name: str) -> str:
    """Compare place names without case, accents or the «Περιφέρεια/Π.Ε./Δήμος» prefix."""
    text = unicodedata.normalize("NFD", (name or "").strip().casefold())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("ς", "σ")
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            prefix = prefix.replace("ς", "σ")
            if text.startswith(prefix):
                text = text[len(prefix) :].strip()
                changed = True
    return " ".join(text.split())


def _area_matches(area: Mapping, region: str, regional_unit: str, municipality: str) -> bool:
    level = area.get("level")
    if normalise_place(area.get("region", "")) != normalise_place(region):
        return False
    if level == "region":
        return True
    if area.get("regional_unit") and normalise_place(area["regional_unit"]) != normalise_place(regional_unit):
        return False
    if level == "regional_unit":
        return True
    return normalise_place(area.get("municipality", "")) == normalise_place(municipality)


def _specificity(area: Mapping) -> int:
    return {"region": 1, "regional_unit": 2, "municipality": 3}.get(area.get("level"), 0)


def matching_area(
    region: str, regional_unit: str, municipality: str, areas: Sequence[Mapping]
) -> Mapping | None:
    """The most specific eligible area containing the place, or None."""
    hits = [a for a in areas if _area_matches(a, region, regional_unit, municipality)]
    return max(hits, key=_specificity) if hits else None


def area_is_eligible(
    region: str, regional_unit: str, municipality: str, areas: Sequence[Mapping], *, source: str = ""
) -> RuleResult:
    """ΚΥΑ 7066 Άρθ. 4.1.1 (κανόνας B02); Πρόσκληση 004 §4.c5: the place must lie in an eligible area.

    `areas` are dicts with level (region|regional_unit|municipality), region, regional_unit,
    municipality. An empty list means the call has no geographic restriction.
    """
    place = ", ".join(p for p in (municipality, regional_unit, region) if p) or "—"
    suffix = f" ({source})" if source else ""
    if not areas:
        return RuleResult(True, "Η πρόσκληση δεν έχει γεωγραφικό περιορισμό.", "area_ok")
    hit = matching_area(region, regional_unit, municipality, areas)
    if hit is None:
        return RuleResult(False, f"Η περιοχή «{place}» δεν είναι επιλέξιμη{suffix}.", "area_ineligible")
    return RuleResult(True, f"Η περιοχή «{place}» είναι επιλέξιμη{suffix}.", "area_ok")


def pool_for_area(region: str, regional_unit: str, municipality: str, areas: Sequence[Mapping]) -> str | None:
    """ΚΥΑ 7066 Άρθ. 2.2 (κανόνας B03): the budget pool code of the most specific matching area."""
    hit = matching_area(region, regional_unit, municipality, areas)
    return (hit.get("pool") or None) if hit else None


def split_budget(total, shares: Mapping[str, Decimal | int | str]) -> dict[str, Decimal]:
    """Split a budget by percentage shares, rounding each to cents; the last share takes the rest.

    ΚΥΑ 7066 Άρθ. 2.2: 70% Δυτική Μακεδονία, 30% Μεγαλόπολη κ.λπ. of €10,726,800.
    """
    total = money(total)
    items = list(shares.items())
    out: dict[str, Decimal] = {}
    allocated = Decimal("0")
    for i, (key, pct) in enumerate(items):
        if i == len(items) - 1:
            out[key] = total - allocated
        else:
            out[key] = money(total * Decimal(str(pct)) / HUNDRED)
            allocated += out[key]
    return out


# --- Unit rates ------------------------------------------------------------------------------------


class UnknownCategory(ValueError):
    pass


def monthly_rate(category: str, *, unit_cost, rate_percents: Mapping[str, Decimal | int | str]) -> Decimal:
    """ΚΥΑ 7066 Άρθ. 5.1.1, 5.1.3: monthly amount = unit cost × rate of the category, in cents.

    With unit cost €1,185: 01.22 (100%) → €1,185.00; 01.23 (70%) → €829.50.
    """
    if category not in rate_percents:
        raise UnknownCategory(f"Άγνωστη κατηγορία ανέργου «{category}».")
    return money(Decimal(str(unit_cost)) * Decimal(str(rate_percents[category])) / HUNDRED)


# --- Budget table: caps and aid intensities (call 004 §6.5.1, §7.2, §7.5) -------------------------


@dataclass(frozen=True)
class Violation:
    code: str
    reason: str
    limit: Decimal | None = None
    actual: Decimal | None = None
    excess: Decimal | None = None


@dataclass
class BudgetCheck:
    violations: list[Violation] = field(default_factory=list)
    subsidised_total: Decimal = Decimal("0.00")
    public_aid: Decimal = Decimal("0.00")
    group_totals: dict[str, Decimal] = field(default_factory=dict)
    # The whole plan (Σ of each line's total amount, subsidised part included) and what the
    # beneficiary covers itself: the plan minus the aid, so the excess above the subsidised maximum
    # is private participation too (call 004 §6.5.1, §7.4).
    total_budget: Decimal = Decimal("0.00")
    private_participation: Decimal = Decimal("0.00")
    private_share_percent: Decimal = Decimal("0.00")
    indirect_expected: Decimal | None = None

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def non_subsidised(self) -> Decimal:
        """The part of the plan above the subsidised budget (not aided at all, §6.5.1)."""
        return money(self.total_budget - self.subsidised_total)


INDIRECT_EXACT = "exact"
INDIRECT_AT_MOST = "at_most"


def private_participation(total_budget, public_aid) -> tuple[Decimal, Decimal]:
    """Call 004 §7.4: private participation = the plan's eligible cost minus the public aid, with
    any amount above the subsidised maximum counted in it (§6.5.1); and its share of the plan (%).

    A plan of €650,000 with €500,000 subsidised at €300,000 aid: €350,000 private, 53,85%.
    """
    total, aid = money(total_budget), money(public_aid)
    private = money(total - aid)
    share = money(private * HUNDRED / total) if total > 0 else Decimal("0.00")
    return private, share


GROUP_LABELS = {
    "investment": "Επενδυτικές δαπάνες",
    "operating": "Λειτουργικές δαπάνες",
    "rnd": "Δαπάνες έρευνας και ανάπτυξης",
    "other": "Λοιπές δαπάνες",
}
SIZE_LABELS = {"micro": "πολύ μικρή", "small": "μικρή", "medium": "μεσαία", "large": "μεγάλη"}


def line_intensity(
    category: Mapping, *, size: str, research_type: str = "", dissemination: bool = False
) -> Decimal:
    """Aid intensity (%) of a budget line (call 004 §7.2; GBER Art. 25(5)-(6), 27(6)-(7)).

    Art. 27 categories carry one figure; Art. 25 lines look up research type and enterprise size,
    add the wide-dissemination bonus and stop at the overall cap (80%).
    """
    table = category.get("intensity_table") or {}
    if research_type:
        by_size = table.get(research_type)
        if not by_size or size not in by_size:
            raise ValueError(
                f"Δεν ορίζεται ένταση για «{research_type}» και μέγεθος «{SIZE_LABELS.get(size, size)}» "
                f"στην κατηγορία {category.get('code')}."
            )
        pct = Decimal(str(by_size[size]))
        if dissemination and table.get("dissemination_bonus"):
            pct += Decimal(str(table["dissemination_bonus"]))
        if table.get("cap") is not None:
            pct = min(pct, Decimal(str(table["cap"])))
        return pct
    if category.get("aid_intensity_percent") is None:
        raise ValueError(f"Δεν ορίζεται ένταση ενίσχυσης για την κατηγορία {category.get('code')}.")
    return Decimal(str(category["aid_intensity_percent"]))


def check_budget_table(
    lines: Sequence[Mapping],
    categories: Mapping[str, Mapping],
    group_limits: Mapping[str, Decimal | int | str],
    *,
    size: str,
    min_budget=None,
    max_budget=None,
    min_budget_inclusive: bool = True,
    indirect_rule: str = INDIRECT_EXACT,
    indirect_tolerance=Decimal("0.01"),
    min_private_share_percent=None,
    source: str = "Πρόσκληση 004",
) -> BudgetCheck:
    """Validate a budget table at submission: range, caps per group, the mandatory flat-rate
    indirect costs, and the private participation, all computed from the table.

    `lines`: dicts with category (code), amount (the line's subsidised amount), optional
    total_amount (the line's whole cost; missing = the subsidised amount), research_type and
    dissemination. `categories`: code → dict of the ExpenseCategory fields (budget_group,
    is_personnel, flat_rate_percent, aid_intensity_percent, intensity_table). `group_limits`:
    group → max share % of the subsidised budget (§7.5: investment ≤ 50, operating ≤ 90, R&D ≤ 25).

    - §6.5.1: the subsidised budget lies in [min, max] (the minimum itself eligible unless
      `min_budget_inclusive` is False, gap `min_budget_inclusive`); a plan whose *total* is above
      the maximum is fine: what exceeds the subsidised budget is private participation.
    - §6.2 «θα πρέπει να περιλαμβάνεται υποχρεωτικά»: a category with a flat rate (09.02, 15% of
      the direct personnel costs) must be in the plan; `indirect_rule` (gap `indirect_cost_rule`)
      "exact" = the flat rate to the cent (± tolerance), "at_most" = no more than it.
    - §4.c24(i): the beneficiary's own participation (plan − aid) is at least
      `min_private_share_percent` of the plan.
    Each violation names the limit, the actual value and the excess in euros.
    """
    result = BudgetCheck()
    totals: dict[str, Decimal] = {}
    personnel = Decimal("0")
    flat_amounts: dict[str, Decimal] = {}
    aid = Decimal("0")
    plan = Decimal("0")
    for i, line in enumerate(lines, 1):
        code = line.get("category")
        cat = categories.get(code)
        amount = money(line.get("amount", 0))
        raw_total = line.get("total_amount")
        line_total = amount if raw_total in (None, "") else money(raw_total)
        if cat is None:
            result.violations.append(
                Violation(
                    "unknown_category", f"Η κατηγορία δαπάνης «{code}» δεν είναι επιλέξιμη ({source} §6.1)."
                )
            )
            continue
        if amount < 0 or line_total < 0:
            result.violations.append(Violation("negative_amount", f"Αρνητικό ποσό στην κατηγορία {code}."))
            continue
        if line_total < amount:
            result.violations.append(
                Violation(
                    "line_total_below_subsidised",
                    f"Γραμμή {i} ({code}): το επιχορηγούμενο ποσό {_fmt(amount)} υπερβαίνει το συνολικό "
                    f"ποσό της δαπάνης {_fmt(line_total)}· το επιχορηγούμενο είναι μέρος του συνολικού "
                    f"({source} §6.5.1).",
                    line_total,
                    amount,
                    money(amount - line_total),
                )
            )
        plan += max(line_total, amount)
        group = cat.get("budget_group", "other")
        totals[group] = totals.get(group, Decimal("0")) + amount
        if cat.get("is_personnel"):
            personnel += amount
        if cat.get("flat_rate_percent") is not None:
            flat_amounts[code] = flat_amounts.get(code, Decimal("0")) + amount
        try:
            pct = line_intensity(
                cat,
                size=size,
                research_type=line.get("research_type", ""),
                dissemination=bool(line.get("dissemination")),
            )
        except ValueError as exc:
            result.violations.append(Violation("intensity_undefined", str(exc)))
            continue
        aid += amount * pct / HUNDRED

    total = money(sum(totals.values(), Decimal("0")))
    result.subsidised_total = total
    result.public_aid = money(aid)
    result.group_totals = {k: money(v) for k, v in totals.items()}
    result.total_budget = money(plan)
    result.private_participation, result.private_share_percent = private_participation(plan, aid)

    if min_budget is not None:
        floor = money(min_budget)
        below = total < floor if min_budget_inclusive else total <= floor
        if below:
            short = floor - total
            wording = "υπολείπεται του ελάχιστου" if min_budget_inclusive else "πρέπει να υπερβαίνει το"
            result.violations.append(
                Violation(
                    "below_min_budget",
                    f"Ο επιχορηγούμενος προϋπολογισμός {_fmt(total)} {wording} {_fmt(floor)}"
                    + (f" κατά {_fmt(short)}" if short else "")
                    + f" ({source} §6.5.1"
                    + ("" if min_budget_inclusive else ", §4.c22")
                    + ").",
                    floor,
                    total,
                    short,
                )
            )
    if max_budget is not None and total > money(max_budget):
        over = total - money(max_budget)
        result.violations.append(
            Violation(
                "above_max_budget",
                f"Ο επιχορηγούμενος προϋπολογισμός {_fmt(total)} υπερβαίνει το ανώτατο "
                f"{_fmt(money(max_budget))} κατά {_fmt(over)}. Μειώστε το επιχορηγούμενο ποσό των "
                "γραμμών· το συνολικό ποσό τους μπορεί να μείνει ως έχει και η διαφορά είναι ιδιωτική "
                f"συμμετοχή ({source} §6.5.1).",
                money(max_budget),
                total,
                over,
            )
        )

    for group, pct in group_limits.items():
        limit = money(total * Decimal(str(pct)) / HUNDRED)
        actual = result.group_totals.get(group, Decimal("0.00"))
        if actual > limit:
            result.violations.append(
                Violation(
                    f"group_cap_{group}",
                    f"{GROUP_LABELS.get(group, group)}: {_fmt(actual)} υπερβαίνουν το όριο {pct}% του "
                    f"επιχορηγούμενου προϋπολογισμού ({_fmt(limit)}) κατά {_fmt(actual - limit)} "
                    f"({source} §7.5).",
                    limit,
                    actual,
                    money(actual - limit),
                )
            )

    result.violations += _indirect_violations(
        categories, flat_amounts, personnel, rule=indirect_rule, tolerance=indirect_tolerance, source=source
    )
    if min_private_share_percent is not None and result.total_budget > 0:
        floor_pct = Decimal(str(min_private_share_percent))
        needed = money(result.total_budget * floor_pct / HUNDRED)
        if result.private_participation < needed:
            result.violations.append(
                Violation(
                    "private_share_below_min",
                    f"Η ιδιωτική συμμετοχή {_fmt(result.private_participation)} "
                    f"({result.private_share_percent}% του προϋπολογισμού {_fmt(result.total_budget)}) "
                    f"υπολείπεται του ελάχιστου {floor_pct}% ({_fmt(needed)}) κατά "
                    f"{_fmt(needed - result.private_participation)} ({source} §4 όρος 24(i)).",
                    needed,
                    result.private_participation,
                    money(needed - result.private_participation),
                )
            )
    flat = [c for c in categories.values() if c.get("flat_rate_percent") is not None]
    if flat:
        result.indirect_expected = money(personnel * Decimal(str(flat[0]["flat_rate_percent"])) / HUNDRED)
    return result


def _indirect_violations(
    categories: Mapping[str, Mapping],
    flat_amounts: Mapping[str, Decimal],
    personnel: Decimal,
    *,
    rule: str,
    tolerance,
    source: str,
) -> list[Violation]:
    """Call 004 §6.2 (09. ΕΜΜΕΣΕΣ ΔΑΠΑΝΕΣ): the flat-rate category is mandatory in the plan and is
    checked against its rate on the direct personnel costs (Καν. 1060/2021 άρθ. 54)."""
    out = []
    for code, cat in categories.items():
        if cat.get("flat_rate_percent") is None:
            continue
        rate = Decimal(str(cat["flat_rate_percent"]))
        expected = money(personnel * rate / HUNDRED)
        rate_text = f"{rate.normalize():f}".replace(".", ",")
        if code not in flat_amounts:
            out.append(
                Violation(
                    "indirect_missing",
                    f"Οι έμμεσες δαπάνες ({code}) είναι υποχρεωτικές στο επενδυτικό σχέδιο: {rate_text}% "
                    f"των δαπανών προσωπικού {_fmt(money(personnel))}, δηλαδή {_fmt(expected)} "
                    f"({source} §6.2).",
                    expected,
                    Decimal("0.00"),
                    expected,
                )
            )
            continue
        amount = money(flat_amounts[code])
        if rule == INDIRECT_AT_MOST:
            if amount > expected + Decimal(str(tolerance)):
                out.append(
                    Violation(
                        "flat_rate_exceeded",
                        f"Οι έμμεσες δαπάνες ({code}) μπορούν να είναι έως {rate_text}% των δαπανών "
                        f"προσωπικού, δηλαδή έως {_fmt(expected)}· δηλώθηκαν {_fmt(amount)} (υπέρβαση "
                        f"{_fmt(amount - expected)}) ({source} §6.2, §7.5).",
                        expected,
                        amount,
                        money(amount - expected),
                    )
                )
        elif abs(amount - expected) > Decimal(str(tolerance)):
            out.append(
                Violation(
                    "flat_rate_mismatch",
                    f"Οι έμμεσες δαπάνες ({code}) πρέπει να είναι {rate_text}% των δαπανών προσωπικού, "
                    f"δηλαδή {_fmt(expected)}· δηλώθηκαν {_fmt(amount)} (διαφορά "
                    f"{_fmt(abs(amount - expected))}) ({source} §6.2).",
                    expected,
                    amount,
                    money(abs(amount - expected)),
                )
            )
    return out
