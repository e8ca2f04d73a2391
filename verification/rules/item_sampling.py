"""Which expenditure items inside a selected ΔΔΔ are verified (Guidance Ο.3 §4.3.1.B, §4.3.2).

- Sub-projects 5001–5004, 5008, 5009: 100% of the ΔΔΔ («επαληθεύεται το σύνολο των δαπανών»).
- 5005, 5007, 5013: a sample covering at least 20% of the ΔΔΔ's expenditure, applied per
  expenditure category «έτσι ώστε να επαληθεύεται κατ' ελάχιστο το 20% των δαπανών κάθε
  κατηγορίας»; ΔΔΔ with many items («ενδεικτικά >100») at least 15%; with «πολύ μεγαλύτερο»
  number the minimum «μπορεί να περιοριστεί στο 10% ή και στο 5%» — the note's [GAP]: the portal
  offers those tiers (configurable) only above the many-items threshold and only with a recorded
  justification. Coverage is by amount (€) [INTERP of «καλύπτει … το 20% των συνολικών δαπανών»].
- Per category: first the mandatory items, «διακριτές συναλλαγές σημαντικού ποσού (ενδεικτικά με
  ποσό ≥ 10% του συνολικού ποσού της συγκεκριμένης κατηγορίας)» and those the verifier judges
  «ασυνήθιστες ή ενέχουν ενδείξεις απάτης»; then random items until, mandatory included, the
  percentage of the category is covered. In the first ΔΔΔ the verifier «μπορεί να αυξήσει τα
  ποσοστά»; a higher percentage is always allowed, the rules only refuse a lower one.
- 5011: second-level sampling of bodies and participants (§4.5) is not an item sample; until that
  is built here the portal verifies every item of such a ΔΔΔ and says so.
- Extension (§4.3.2): to the affected category, more categories or the whole ΔΔΔ, with a reason.
  The document gives no size for an extension [GAP]; the portal extends to every unverified item of
  the chosen categories (the «ανέλεγκτο πληθυσμό» of those categories).

Reproducible: the random order of a category is `random.Random(f"{seed}:{category}")` shuffling
the category's remaining items sorted by id; the seed is stored with the sample, so the same seed,
items and marks give the same sample.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from opske.money import format_number
from verification.rules.subprojects import item_check_method

HUNDRED = Decimal("100")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class SampleItem:
    id: int
    category: str
    amount: Decimal


@dataclass(frozen=True)
class SamplingParams:
    """Call configuration «item_sampling» (defaults: Ο.3 §4.3.1.B)."""

    percent: Decimal = Decimal("20")
    many_items_threshold: int = 100
    many_items_percent: Decimal = Decimal("15")
    reduced_percents: tuple[Decimal, ...] = (Decimal("10"), Decimal("5"))
    mandatory_share: Decimal = Decimal("10")

    @classmethod
    def from_config(cls, config: dict | None) -> SamplingParams:
        raw = (config or {}).get("item_sampling") or {}
        base = cls()
        return cls(
            percent=Decimal(str(raw.get("percent", base.percent))),
            many_items_threshold=int(raw.get("many_items_threshold", base.many_items_threshold)),
            many_items_percent=Decimal(str(raw.get("many_items_percent", base.many_items_percent))),
            reduced_percents=tuple(
                Decimal(str(p)) for p in raw.get("reduced_percents", base.reduced_percents)
            ),
            mandatory_share=Decimal(str(raw.get("mandatory_share", base.mandatory_share))),
        )


DEFAULT_PARAMS = SamplingParams()

# Why an item is in the sample (stored on each pick and shown on the explain page).
FULL = "full"
MANDATORY_LARGE = "mandatory_large"
MARKED = "marked"
RANDOM = "random"
EXTENSION = "extension"
REASON_LABELS = {
    FULL: "Πλήρης έλεγχος (100% των δαπανών του ΔΔΔ)",
    MANDATORY_LARGE: "Υποχρεωτική: ποσό ≥ {share}% της κατηγορίας",
    MARKED: "Υποχρεωτική: ασυνήθιστη / ενδείξεις απάτης κατά την κρίση του επαληθευτή",
    RANDOM: "Τυχαία επιλογή #{draw} (σπόρος {seed})",
    EXTENSION: "Επέκταση δείγματος (Ο.3 §4.3.2)",
}


@dataclass(frozen=True)
class Pick:
    item_id: int
    category: str
    amount: Decimal
    reason: str
    draw: int | None = None


@dataclass(frozen=True)
class CategoryCoverage:
    category: str
    items: int
    total: Decimal
    target: Decimal
    sampled_items: int
    sampled_total: Decimal

    @property
    def achieved_percent(self) -> Decimal:
        if not self.total:
            return ZERO
        return (self.sampled_total * HUNDRED / self.total).quantize(Decimal("0.01"))

    @property
    def met(self) -> bool:
        return self.sampled_total >= self.target


@dataclass
class Sample:
    method: str  # full | sample | second_level
    percent: Decimal
    seed: int
    picks: list[Pick] = field(default_factory=list)
    coverage: list[CategoryCoverage] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def item_ids(self) -> set[int]:
        return {p.item_id for p in self.picks}


def minimum_percent(item_count: int, params: SamplingParams = DEFAULT_PARAMS) -> Decimal:
    """Ο.3 §4.3.1.B(2): 20%, or 15% for a ΔΔΔ with more than ~100 items.

    >>> minimum_percent(100), minimum_percent(101)
    (Decimal('20'), Decimal('15'))
    """
    return params.many_items_percent if item_count > params.many_items_threshold else params.percent


def percent_errors(
    percent: Decimal, *, item_count: int, justification: str = "", params: SamplingParams = DEFAULT_PARAMS
) -> list[str]:
    """Why a chosen sample percentage is refused (empty list: accepted)."""
    if percent <= 0 or percent > HUNDRED:
        return ["Το ποσοστό του δείγματος πρέπει να είναι από 0 έως 100%."]
    if percent != percent.quantize(Decimal("0.01")):
        return ["Το ποσοστό δέχεται έως δύο δεκαδικά."]
    minimum = minimum_percent(item_count, params)
    if percent >= minimum:
        return []
    if percent not in params.reduced_percents or item_count <= params.many_items_threshold:
        return [
            f"Το δείγμα πρέπει να καλύπτει τουλάχιστον {minimum}% των δαπανών κάθε κατηγορίας "
            f"(Ο.3 §4.3.1.Β· ΔΔΔ με {item_count} δαπάνες). Μικρότερο ποσοστό "
            f"({', '.join(str(p) for p in params.reduced_percents)}%) μόνο σε ΔΔΔ με πάνω από "
            f"{params.many_items_threshold} δαπάνες και με αιτιολόγηση."
        ]
    if not justification.strip():
        return [
            f"Το ποσοστό {percent}% είναι κάτω από το {minimum}%: καταγράψτε την αιτιολόγηση "
            "(Ο.3 §4.3.1.Β, «πολύ μεγαλύτερο» πλήθος δαπανών)."
        ]
    return []


def _by_category(items: Iterable[SampleItem]) -> dict[str, list[SampleItem]]:
    out: dict[str, list[SampleItem]] = {}
    for item in sorted(items, key=lambda i: (i.category, i.id)):
        out.setdefault(item.category, []).append(item)
    return out


def random_order(items: list[SampleItem], *, seed: int, category: str) -> list[SampleItem]:
    """The category's items (sorted by id) in the seed's random order."""
    ordered = sorted(items, key=lambda i: i.id)
    random.Random(f"{seed}:{category}").shuffle(ordered)
    return ordered


def draw_sample(
    items: Iterable[SampleItem],
    *,
    subproject_type: str,
    seed: int,
    percent: Decimal | None = None,
    marked: Iterable[int] = (),
    params: SamplingParams = DEFAULT_PARAMS,
    category_percents: dict[str, Decimal] | None = None,
) -> Sample:
    """The items to verify in a selected ΔΔΔ, each with why (see the module docstring).

    Worked example (tests): one category of 10 items totalling 50.000,00 € with one item of
    6.000,00 €: the 6.000,00 € item is mandatory (≥ 5.000,00 €, 10%), then random items are drawn
    until the sample reaches 10.000,00 € (20%).
    """
    items = list(items)
    method = item_check_method(subproject_type)
    marked_ids = set(marked)
    groups = _by_category(items)
    if method in ("full", "second_level"):
        sample = Sample(method=method, percent=HUNDRED, seed=seed)
        sample.picks = [Pick(i.id, i.category, i.amount, FULL) for cat in groups.values() for i in cat]
        if method == "second_level":
            sample.notes.append(
                "Υποέργο 5011: η δειγματοληψία 2ου επιπέδου (Ο.3 §4.5) δεν εφαρμόζεται σε επίπεδο "
                "δαπάνης· επαληθεύονται όλες οι δαπάνες του ΔΔΔ."
            )
        else:
            sample.notes.append(
                f"Υποέργο {subproject_type}: επαληθεύεται το σύνολο των δαπανών (Ο.3 §4.3.1.Β.1)."
            )
        sample.coverage = _coverage(groups, sample.picks, HUNDRED)
        return sample

    percent = percent if percent is not None else minimum_percent(len(items), params)
    per_category = {c: p for c, p in (category_percents or {}).items() if p is not None}
    sample = Sample(method=method, percent=percent, seed=seed)
    for category, members in groups.items():
        total = sum((i.amount for i in members), ZERO)
        target = total * per_category.get(category, percent) / HUNDRED
        chosen: set[int] = set()
        covered = ZERO
        # 1. Mandatory: significant amount (≥ share of the category), largest first; then marked.
        for item in sorted(members, key=lambda i: (-i.amount, i.id)):
            if total and item.amount * HUNDRED >= total * params.mandatory_share:
                sample.picks.append(Pick(item.id, category, item.amount, MANDATORY_LARGE))
                chosen.add(item.id)
                covered += item.amount
        for item in members:
            if item.id in marked_ids and item.id not in chosen:
                sample.picks.append(Pick(item.id, category, item.amount, MARKED))
                chosen.add(item.id)
                covered += item.amount
        # 2. Random items until the category's percentage is covered.
        rest = random_order([i for i in members if i.id not in chosen], seed=seed, category=category)
        for draw, item in enumerate(rest, 1):
            if covered >= target:
                break
            sample.picks.append(Pick(item.id, category, item.amount, RANDOM, draw))
            chosen.add(item.id)
            covered += item.amount
    sample.coverage = _coverage(groups, sample.picks, percent, per_category)
    return sample


def overall_errors(sample: Sample, *, minimum: Decimal) -> list[str]:
    """Ο.3 §4.3.1.B(2): a category may get its own percentage («σε περίπτωση που κρίνει ότι μια
    κατηγορία δαπάνης ενέχει μεγαλύτερο κίνδυνο»), «τηρώντας σε κάθε περίπτωση το ελάχιστο
    συνολικό ποσοστό δαπανών που επαληθεύονται»: the whole sample must still reach the minimum."""
    total = sum((c.total for c in sample.coverage), ZERO)
    sampled = sum((c.sampled_total for c in sample.coverage), ZERO)
    if sample.method != "sample" or not total or sampled * HUNDRED >= total * minimum:
        return []
    reached = (sampled * HUNDRED / total).quantize(Decimal("0.01"))
    return [
        f"Με τα ποσοστά ανά κατηγορία το δείγμα καλύπτει {format_number(reached)}% του ΔΔΔ· το "
        f"ελάχιστο συνολικό ποσοστό είναι {format_number(minimum, 0)}% (Ο.3 §4.3.1.Β)."
    ]


def extend_sample(
    items: Iterable[SampleItem], *, already: Iterable[int], categories: Iterable[str] | None
) -> list[Pick]:
    """Ο.3 §4.3.2: the unverified items of `categories` (None: the whole ΔΔΔ)."""
    already = set(already)
    wanted = None if categories is None else set(categories)
    return [
        Pick(i.id, i.category, i.amount, EXTENSION)
        for i in sorted(items, key=lambda i: (i.category, i.id))
        if i.id not in already and (wanted is None or i.category in wanted)
    ]


def _coverage(
    groups: dict[str, list[SampleItem]], picks: list[Pick], percent: Decimal, per_category: dict | None = None
) -> list[CategoryCoverage]:
    picked = {p.item_id for p in picks}
    per_category = per_category or {}
    rows = []
    for category, members in groups.items():
        total = sum((i.amount for i in members), ZERO)
        chosen = [i for i in members if i.id in picked]
        rows.append(
            CategoryCoverage(
                category=category,
                items=len(members),
                total=total,
                target=(total * per_category.get(category, percent) / HUNDRED).quantize(Decimal("0.01")),
                sampled_items=len(chosen),
                sampled_total=sum((i.amount for i in chosen), ZERO),
            )
        )
    return rows


def coverage_of(
    items: Iterable[SampleItem], picked: Iterable[int], percent: Decimal, per_category: dict | None = None
) -> list[CategoryCoverage]:
    """Coverage per category of the items picked so far (after extensions)."""
    return _coverage(_by_category(items), [Pick(i, "", ZERO, "") for i in picked], percent, per_category)


def reason_label(
    reason: str, *, draw: int | None = None, seed: int | None = None, share: Decimal | None = None
) -> str:
    return REASON_LABELS.get(reason, reason).format(draw=draw, seed=seed, share=share)
