"""The legal rules of ΚΥΑ 16936/2025 (ΦΕΚ Β' 3360/01.07.2025) as pure functions over plain data.

Nothing here touches the database or the network: the services feed in the facts fetched from the
ΔΥΠΑ register (stored with the time they were fetched) and the call's points grid
(`Call.config["points_grid"]`, seeded in `calls.seeds.kya16936`), and store what comes out.

Choices where the text is silent (domain note 002 §11), each a call setting with this default:
- income column (Art. 4(3)(ii)): gap setting `income_column` (calls/gaps.py) = "joint_return_family":
  the family column when the applicant files a joint return, the individual column otherwise;
  "individual" always reads the individual column.
- age (Art. 4(3)(iii)): gap setting `age_rule` = "completed_years_at_deadline": completed years on
  the application deadline (the critical time, Art. 5(6)); "birth_year" = the difference of the
  years. Under 18 falls in no band and is excluded (`points_grid.min_age`).
- tie-breakers (Art. 6(2)): the order of `points_grid.tie_breakers`, by default the text's: total,
  then criteria i, ii, iii, iv of Art. 4(3), then «σύμφωνα με τον χρόνο υποβολής» (the earlier final
  submission of the valid, latest application wins); the application code settles the practically
  impossible identical timestamp, so the order is total and reproducible.
- categories (Art. 5(6)): applications are processed and ranked «ανά κατηγορία εκπαίδευσης»; the
  positions of each placement service are split by category (`category_positions`), so candidates
  of different categories never compete for the same position.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from applications import rules as application_rules

ZERO = Decimal("0.00")

# Art. 4(1)(γ): the EU member states (one list, applications.rules.EU_COUNTRIES).
EU_COUNTRIES = application_rules.EU_COUNTRIES

# Art. 5(11): a temporary loss of status for these reasons keeps the candidate in the final table
# with the same points; any other reason (card not renewed, revoked, ΚΠΑ2 sanction) does not.
TEMPORARY_LOSS_KEEPS_PLACE = frozenset({"almp", "illness"})
TEMPORARY_LOSS_REASONS = {
    "almp": "ενεργητικές πολιτικές απασχόλησης",
    "illness": "ασθένεια",
    "not_renewed": "μη ανανέωση του δελτίου ανεργίας",
    "revoked": "ανάκληση του δελτίου ανεργίας",
    "sanction": "κυρώσεις από το ΚΠΑ2",
}

CRITERIA = ("unemployment", "income", "age", "children")  # Art. 4(3) i–iv, the Art. 6(2) order
CRITERION_LABELS = {
    "unemployment": "i. Συνεχόμενη ανεργία",
    "income": "ii. Εισόδημα",
    "age": "iii. Ηλικία",
    "children": "iv. Ανήλικα τέκνα",
}


@dataclass(frozen=True)
class Reason:
    """Why a candidate is excluded. `message` is posted in the public tables (Art. 5(6)–(7): the
    candidate by application code only), so it never names the person nor any of their numbers;
    `detail` is the staff's fuller text (e.g. the register's own answer) and is never posted."""

    code: str
    message: str
    detail: str = ""


@dataclass(frozen=True)
class Facts:
    """What the points and the eligibility depend on, at the critical time (Art. 5(6))."""

    registered: bool
    card_status: str  # active | revoked | not_renewed | none
    individual_approach_completed: bool
    action_plan_agreed: bool
    citizenship: str
    continuous_months: int
    individual_income: Decimal
    family_income: Decimal
    joint_return: bool
    age: int
    minor_children: int
    # From the application (the solemn declarations of Art. 4(1)(δ), 5(4)).
    preferences: tuple[str, ...] = ()
    pension_declaration: bool = False
    declared_omogenis: bool = False
    greek_language_certified: bool = False  # legacy flag: a certificate of sufficient level
    previously_refused_placement: bool = False
    registered_since: datetime.date | None = None
    birth_date: datetime.date | None = None
    education: str = ""
    greek_cert_level: str = ""  # A2 | B1 | B2 | C1 (applications.rules.GREEK_LEVELS)
    administrative: bool = True  # the category's positions are administrative staff
    bars: tuple[Bar, ...] = ()  # recorded bars from earlier programmes and impediments

    @classmethod
    def from_register(cls, register: Mapping, application: Mapping) -> Facts:
        """Build from the stored ΔΥΠΑ answer (JSON) and the application's declarations (JSON)."""
        income = register.get("income") or {}
        card = register.get("card") or {}
        return cls(
            registered=bool(register.get("registered")),
            card_status=str(card.get("status") or register.get("card_status") or "none"),
            individual_approach_completed=bool(register.get("individual_approach_completed")),
            action_plan_agreed=bool(register.get("action_plan_agreed")),
            citizenship=str(register.get("citizenship") or ""),
            continuous_months=int(register.get("continuous_months") or 0),
            individual_income=as_amount(income.get("individual", register.get("individual_income"))),
            family_income=as_amount(income.get("family", register.get("family_income"))),
            joint_return=bool(income.get("joint_return", register.get("joint_return"))),
            age=int(register.get("age") or 0),
            minor_children=int(register.get("minor_children") or 0),
            preferences=tuple(str(p) for p in application.get("preferences") or ()),
            pension_declaration=bool(application.get("pension_declaration")),
            declared_omogenis=bool(application.get("declared_omogenis")),
            greek_language_certified=bool(application.get("greek_language_certified")),
            previously_refused_placement=bool(application.get("previously_refused_placement")),
            registered_since=_as_date(register.get("registered_since")),
            birth_date=_as_date(register.get("birth_date")),
            education=str(application.get("education") or ""),
            greek_cert_level=str(application.get("greek_cert_level") or ""),
            administrative=bool(application.get("administrative", True)),
            bars=tuple(application.get("bars") or ()),
        )


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Bar:
    """A recorded bar on a person (evaluation.points.models.ProgrammeBar as plain data)."""

    kind: str  # declined_placement | public_dismissal
    occurred_on: datetime.date
    source: str = ""  # e.g. the earlier call's title or the dismissing body


BAR_DECLINED = "declined_placement"
BAR_DISMISSAL = "public_dismissal"
DISMISSAL_YEARS = 5  # Art. 4(2)(ε)


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def bar_reasons(bars: Iterable[Bar], *, on: datetime.date) -> list[Reason]:
    """Bars recorded on the person, as of the critical date `on` (Art. 5(6)).

    - Art. 6(5) εδ. β': who did not accept the placement is excluded «από τη δυνατότητα συμμετοχής σε
      νέο ειδικό πρόγραμμα για το Δημόσιο που θα υλοποιήσει η Δ.ΥΠ.Α.» — every later programme, no end.
    - Art. 4(2)(ε): dismissed from a public-service post, ΟΤΑ or other public-sector legal person for
      final removal (οριστική παύση) or for serious cause attributable to the employee, «αν δεν
      παρέλθει πενταετία από την απόλυση»: dismissed 10/03/2021 → barred on 09/03/2026, free on 10/03/2026.
    """
    reasons = []
    for bar in bars:
        if bar.kind == BAR_DECLINED:
            reasons.append(
                Reason(
                    "previous_refusal",
                    f"Δεν αποδέχθηκε θέση τοποθέτησης σε προηγούμενο ειδικό πρόγραμμα της ΔΥΠΑ "
                    f"({bar.source or '—'}, {bar.occurred_on:%d/%m/%Y}) και αποκλείεται από νέα ειδικά "
                    "προγράμματα για το Δημόσιο (ΚΥΑ 16936 Άρθ. 6(5) εδ. β').",
                )
            )
        elif bar.kind == BAR_DISMISSAL:
            free_on = _add_years(bar.occurred_on, DISMISSAL_YEARS)
            if on < free_on:
                reasons.append(
                    Reason(
                        "public_dismissal",
                        f"Απολύθηκε από θέση του δημόσιου τομέα ({bar.source or '—'}) στις "
                        f"{bar.occurred_on:%d/%m/%Y}· δεν έχει παρέλθει πενταετία (έως {free_on:%d/%m/%Y}) "
                        "(ΚΥΑ 16936 Άρθ. 4(2)(ε)).",
                    )
                )
    return reasons


def as_amount(value) -> Decimal:
    """Euros to cents; a missing or unreadable amount counts as 0 (and is flagged by the caller)."""
    try:
        return Decimal(str(value if value not in (None, "") else "0")).quantize(Decimal("0.01"))
    except InvalidOperation:
        return ZERO


# --- Points (Art. 4(3)) --------------------------------------------------------------------------


def unemployment_points(full_months: int, *, points_per_month: int = 1, cap_months: int = 12) -> int:
    """Art. 4(3)(i): 1 point per full month of continuous registered unemployment, at most 12."""
    return min(max(int(full_months), 0), cap_months) * points_per_month


INCOME_BY_RETURN = "joint_return_family"  # gap `income_column` default
AGE_COMPLETED_YEARS = "completed_years_at_deadline"  # gap `age_rule` default
AGE_BIRTH_YEAR = "birth_year"


def income_column(*, basis: str, joint_return: bool) -> str:
    """Art. 4(3)(ii) [GAP 11.1]: which column of the income table applies (gap `income_column`):
    "joint_return_family" → the family column with a joint return, else the individual one;
    "individual" (or "family") → always that column."""
    if basis in ("individual", "family"):
        return basis
    return "family" if joint_return else "individual"


def age_on(*, birth_date: datetime.date | None, on: datetime.date | None, rule: str, reported: int) -> int:
    """Art. 4(3)(iii), 5(6) [GAP 11.2] (gap `age_rule`): the age the bands read.

    "completed_years_at_deadline": completed years on the deadline — born 15/09/1996, deadline
    14/09/2025 → 28 (45 points), deadline 15/09/2025 → 29; "birth_year": 2025 − 1996 = 29 whatever the
    day. Without a birth date, the register's age (completed years on the critical date) is used.
    """
    if birth_date is None or on is None:
        return int(reported)
    if rule == AGE_BIRTH_YEAR:
        return on.year - birth_date.year
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def income_points(amount: Decimal, *, column: str, bands: Sequence[Mapping]) -> int:
    """Art. 4(3)(ii): the first band whose upper bound (inclusive) covers the declared income.

    Bounds are inclusive at the upper value: individual 3,500.00 → 30 points, 3,500.01 → 25.
    Losses (negative income) are not addressed by the text; read as 0 → the top band.
    """
    amount = max(as_amount(amount), ZERO)
    key = f"{column}_max"
    for band in bands:
        upper = band.get(key)
        if upper is None or amount <= Decimal(str(upper)):
            return int(band["points"])
    return 0


def age_points(age: int, *, bands: Sequence[Mapping]) -> int | None:
    """Art. 4(3)(iii): 18–29 → 45, 30–44 → 35, 45–54 → 25, 55+ → 15; None outside every band."""
    for band in bands:
        if age >= int(band["min"]) and (band.get("max") is None or age <= int(band["max"])):
            return int(band["points"])
    return None


def children_points(minor_children: int, *, points_per_child: int = 10, cap: int | None = None) -> int:
    """Art. 4(3)(iv): 10 points for each minor child, no ceiling unless the call sets one."""
    children = max(int(minor_children), 0)
    if cap is not None:
        children = min(children, int(cap))
    return children * points_per_child


class Points(NamedTuple):
    """Points per criterion of Art. 4(3) (a tuple: 100,000 of them are built per ranking)."""

    unemployment: int
    income: int
    age: int
    children: int
    income_column: str

    @property
    def total(self) -> int:
        return self.unemployment + self.income + self.age + self.children

    def as_dict(self) -> dict:
        return {
            "unemployment": self.unemployment,
            "income": self.income,
            "age": self.age,
            "children": self.children,
            "total": self.total,
            "income_column": self.income_column,
        }


def compute_points(
    facts: Facts,
    grid: Mapping,
    *,
    income_rule: str = INCOME_BY_RETURN,
    age_rule: str = AGE_COMPLETED_YEARS,
    on: datetime.date | None = None,
) -> Points:
    """All four criteria of Art. 4(3) and their sum; `income_rule`/`age_rule` are the call's gap
    settings and `on` the critical date (Art. 5(6))."""
    unemployment = grid.get("unemployment") or {}
    children = grid.get("children") or {}
    column = income_column(basis=income_rule, joint_return=facts.joint_return)
    age = age_on(birth_date=facts.birth_date, on=on, rule=age_rule, reported=facts.age)
    amount = facts.family_income if column == "family" else facts.individual_income
    return Points(
        unemployment=unemployment_points(
            facts.continuous_months,
            points_per_month=int(unemployment.get("points_per_month", 1)),
            cap_months=int(unemployment.get("cap_months", 12)),
        ),
        income=income_points(amount, column=column, bands=grid["income_bands"]),
        age=age_points(age, bands=grid["age_bands"]) or 0,
        children=children_points(
            facts.minor_children,
            points_per_child=int(children.get("points_per_child", 10)),
            cap=children.get("cap"),
        ),
        income_column=column,
    )


# --- Eligibility (Art. 4(1), 5(1), 6(5)) ------------------------------------------------------------


def eligibility_reasons(
    facts: Facts,
    grid: Mapping,
    *,
    allowed_services: Iterable[str],
    preferences_min=1,
    preferences_max=3,
    publication_date: datetime.date | None = None,
    critical_date: datetime.date | None = None,
    age_rule: str = AGE_COMPLETED_YEARS,
) -> list[Reason]:
    """Every reason the candidate goes to the exclusion table (Art. 5(7)); empty = eligible.

    All conditions are checked even after the first failure, so the table shows every reason.
    The impediments of Art. 4(2) (convictions, guardianship, dismissal) are checked by the host
    on the documents after selection (Art. 6(3)(iv)), not here.
    """
    reasons: list[Reason] = []
    if not facts.registered:
        reasons.append(
            Reason(
                "not_registered",
                "Δεν ήταν εγγεγραμμένος/η στο Ψηφιακό Μητρώο Ανέργων της ΔΥΠΑ κατά τη λήξη των αιτήσεων "
                "(ΚΥΑ 16936 Άρθ. 4(1)(α), 5(6)).",
            )
        )
    elif (
        publication_date is not None
        and facts.registered_since is not None
        and facts.registered_since > publication_date
    ):
        reasons.append(
            Reason(
                "registered_after_publication",
                f"Εγγραφή στο Ψηφιακό Μητρώο Ανέργων από {facts.registered_since:%d/%m/%Y}, μετά τη "
                "δημοσίευση "
                f"της πρόσκλησης ({publication_date:%d/%m/%Y})· απαιτείται εγγραφή κατά την ημερομηνία "
                "δημοσίευσης και μετά (ΚΥΑ 16936 Άρθ. 4(1)(α)).",
            )
        )
    if not facts.individual_approach_completed:
        reasons.append(
            Reason(
                "no_individual_approach",
                "Δεν έχει συμπληρωθεί το έντυπο εξατομικευμένης προσέγγισης (ΚΥΑ 16936 Άρθ. 4(1)(β)).",
            )
        )
    if not facts.action_plan_agreed:
        reasons.append(
            Reason(
                "no_action_plan",
                "Δεν έχει ολοκληρωθεί το Ψηφιακό Ατομικό Σχέδιο Δράσης (ΚΥΑ 16936 Άρθ. 4(1)(β)).",
            )
        )
    country = facts.citizenship.upper()
    if country not in EU_COUNTRIES and not facts.declared_omogenis:
        reasons.append(
            Reason(
                "citizenship",
                f"Η ιθαγένεια ({country or 'άγνωστη'}) δεν είναι ελληνική ή άλλου κράτους-μέλους της ΕΕ "
                "και δεν δηλώθηκε ομογένεια (ΚΥΑ 16936 Άρθ. 4(1)(γ)).",
            )
        )
    elif country in EU_COUNTRIES and country != "GR" and not facts.greek_language_certified:
        problem = application_rules.greek_language_problem(
            level=facts.greek_cert_level, education=facts.education, administrative=facts.administrative
        )
        if problem is not None:
            reasons.append(Reason("greek_language", problem.message))
    if not facts.pension_declaration:
        reasons.append(
            Reason(
                "no_pension_declaration",
                "Λείπει η υπεύθυνη δήλωση ότι δεν έχει θεμελιωθεί ούτε ζητηθεί σύνταξη γήρατος "
                "(ΚΥΑ 16936 Άρθ. 4(1)(δ)).",
            )
        )
    min_age = int(grid.get("min_age", 18))
    age = age_on(birth_date=facts.birth_date, on=critical_date, rule=age_rule, reported=facts.age)
    if age < min_age or age_points(age, bands=grid["age_bands"]) is None:
        reasons.append(
            Reason(
                "age",
                f"Η ηλικία ({age}) κατά τη λήξη των αιτήσεων δεν εμπίπτει σε κλίμακα μοριοδότησης "
                f"(ελάχιστη {min_age}· ΚΥΑ 16936 Άρθ. 4(3)(iii)).",
            )
        )
    allowed = set(allowed_services)
    prefs = facts.preferences
    if not preferences_min <= len(prefs) <= preferences_max or len(set(prefs)) != len(prefs):
        reasons.append(
            Reason(
                "preferences",
                f"Πρέπει να δηλωθούν {preferences_min} έως {preferences_max} διαφορετικές υπηρεσίες "
                f"τοποθέτησης· δηλώθηκαν {len(prefs)} (ΚΥΑ 16936 Άρθ. 5(1)).",
            )
        )
    elif any(p not in allowed for p in prefs):
        reasons.append(
            Reason(
                "preferences_unknown",
                "Δηλώθηκε υπηρεσία τοποθέτησης που δεν ανήκει στην πρόσκληση (Άρθ. 5(1)).",
            )
        )
    if facts.bars and critical_date is not None:
        reasons += bar_reasons(facts.bars, on=critical_date)
    elif facts.previously_refused_placement:
        reasons.append(
            Reason(
                "previous_refusal",
                "Έχει αρνηθεί τοποθέτηση σε προηγούμενο ειδικό πρόγραμμα της ΔΥΠΑ "
                "(ΚΥΑ 16936 Άρθ. 6(5) εδ. β').",
            )
        )
    return reasons


# The register's refusals as the public exclusion table states them. The register's own message
# names the ΑΜΚΑ it was asked about («ο/η κάτοχος του ΑΜΚΑ … δεν είναι εγγεγραμμένος/η»), and the
# tables identify candidates by application code only (Art. 5(6)), so it is kept as staff detail.
REGISTER_REFUSALS = {
    "dypa_not_registered": "Μητρώο ΔΥΠΑ: δεν βρέθηκε εγγραφή στο Ψηφιακό Μητρώο Ανέργων "
    "(ΚΥΑ 16936 Άρθ. 4(1)(α)).",
    "dypa_invalid_amka": "Μητρώο ΔΥΠΑ: ο ΑΜΚΑ της αίτησης δεν είναι έγκυρος, οπότε η ανεργία δεν "
    "μπόρεσε να επιβεβαιωθεί (ΚΥΑ 16936 Άρθ. 4(1)(α), 5(6)).",
    "dypa_mismatch": "Μητρώο ΔΥΠΑ: η απάντηση δεν αφορούσε τον/την αιτούντα/ούσα, οπότε η ανεργία δεν "
    "μπόρεσε να επιβεβαιωθεί (ΚΥΑ 16936 Άρθ. 4(1)(α), 5(6)).",
}
REGISTER_REFUSAL_DEFAULT = (
    "Μητρώο ΔΥΠΑ: δεν επιβεβαιώθηκε η εγγραφή στο Ψηφιακό Μητρώο Ανέργων (ΚΥΑ 16936 Άρθ. 4(1)(α), 5(6))."
)


def register_refusal_reason(refusal: Mapping) -> Reason:
    """The exclusion reason for a register refusal `{"code", "message"}`: public text by code, the
    register's own words as staff detail."""
    code = str((refusal or {}).get("code") or "")
    detail = str((refusal or {}).get("message") or "")
    return Reason("register_refused", REGISTER_REFUSALS.get(code, REGISTER_REFUSAL_DEFAULT), detail=detail)


def public_reasons(reasons: Iterable[Mapping]) -> list[dict]:
    """Stored reasons reduced to what a public table may carry: code and public message."""
    return [{"code": r.get("code", ""), "message": r.get("message", "")} for r in reasons or []]


# --- Ranking (Art. 6(2)) ----------------------------------------------------------------------------


class Candidate(NamedTuple):
    """One eligible application as the ranking sees it."""

    application_id: int
    code: str  # the electronic application code (αριθμός πρωτοκόλλου)
    points: Points
    submitted_at: datetime.datetime
    preferences: tuple[str, ...] = ()
    education: str = ""


DEFAULT_TIE_BREAKERS = ("total", "unemployment", "income", "age", "children", "submitted_at")
TIE_BREAKER_LABELS = {
    "total": "συνολική βαθμολογία",
    "unemployment": "κριτήριο i (συνεχόμενη ανεργία)",
    "income": "κριτήριο ii (εισόδημα)",
    "age": "κριτήριο iii (ηλικία)",
    "children": "κριτήριο iv (ανήλικα τέκνα)",
    "submitted_at": "χρόνος υποβολής της ηλεκτρονικής αίτησης",
    "code": "κωδικός αίτησης",
}
# Higher points first; the earlier submission first.
_KEYS = {
    "total": lambda c: -c.points.total,
    "unemployment": lambda c: -c.points.unemployment,
    "income": lambda c: -c.points.income,
    "age": lambda c: -c.points.age,
    "children": lambda c: -c.points.children,
    "submitted_at": lambda c: c.submitted_at,
}


def tie_breaker_order(configured: Sequence[str] | None) -> tuple[str, ...]:
    """The call's `points_grid.tie_breakers` (known names only, each once), else the Art. 6(2) order."""
    order = tuple(dict.fromkeys(n for n in (configured or ()) if n in _KEYS))
    return order or DEFAULT_TIE_BREAKERS


def ranking_key(c: Candidate, order: Sequence[str] = DEFAULT_TIE_BREAKERS) -> tuple:
    """ΚΥΑ 16936 Art. 6(2): higher total; then, in turn, higher points on criterion i, ii, iii,
    iv of Art. 4(3); then the time the electronic application was submitted (earlier first);
    the application code only to make the order total. `order` is the call's `tie_breakers`."""
    return (*(_KEYS[name](c) for name in order), c.code)


def tie_break_step(a: Candidate, b: Candidate, order: Sequence[str] = DEFAULT_TIE_BREAKERS) -> str:
    """Which rule of Art. 6(2) put `a` before `b` (shown beside the row: «προηγείται λόγω …»)."""
    for name in order:
        if _KEYS[name](a) != _KEYS[name](b):
            return name
    return "code"


def rank(candidates: Iterable[Candidate], order: Sequence[str] = DEFAULT_TIE_BREAKERS) -> list[Candidate]:
    """The ranking table order: position 1 is `result[0]`. Ranks are never shared."""
    return sorted(candidates, key=lambda c: ranking_key(c, order))


CATEGORY_ORDER = ("ΠΕ", "ΤΕ", "ΔΕ", "ΥΕ")


def rank_by_category(
    candidates: Iterable[Candidate], order: Sequence[str] = DEFAULT_TIE_BREAKERS
) -> dict[str, list[Candidate]]:
    """Art. 5(6): «ανά κατηγορία εκπαίδευσης» — one ranking per education category (ΠΕ, ΤΕ, ΔΕ, ΥΕ,
    in that order; an unknown category last), each in the Art. 6(2) order."""
    groups: dict[str, list[Candidate]] = {}
    for c in candidates:
        groups.setdefault(c.education, []).append(c)
    known = [k for k in CATEGORY_ORDER if k in groups] + sorted(k for k in groups if k not in CATEGORY_ORDER)
    return {k: rank(groups[k], order) for k in known}


def tie_notes(ranked: Sequence[Candidate], order: Sequence[str] = DEFAULT_TIE_BREAKERS) -> dict[int, str]:
    """For each candidate with the same total as the one ranked right after it, the tie-breaker
    that put it first (Art. 6(2)): {application_id: "κριτήριο i (συνεχόμενη ανεργία)"}."""
    notes = {}
    for a, b in itertools.pairwise(ranked):
        if a.points.total == b.points.total:
            notes[a.application_id] = TIE_BREAKER_LABELS[tie_break_step(a, b, order)]
    return notes


# --- Allocation and replacement (Art. 6(2), 6(5), 6(8)) ------------------------------------------


@dataclass
class Allocation:
    service_by_candidate: dict[int, str] = field(default_factory=dict)
    preference_rank: dict[int, int] = field(default_factory=dict)  # 1 = first preference
    unplaced: list[int] = field(default_factory=list)
    free: dict[str, int] = field(default_factory=dict)


def allocate(ranked: Sequence[Candidate], capacity: Mapping[str, int]) -> Allocation:
    """Art. 6(2) «με βάση τη συνολική βαθμολογία … και τις προτιμήσεις τους» (note 002 §5.2):
    in ranking order, each candidate gets the first of their preferences with a free position,
    otherwise the next, otherwise stays unplaced (a runner-up, επιλαχών)."""
    free = {code: max(int(n), 0) for code, n in capacity.items()}
    left = sum(free.values())
    result = Allocation()
    for position, c in enumerate(ranked):
        if not left:  # every position is taken: the rest of the ranking are runners-up
            result.unplaced.extend(x.application_id for x in ranked[position:])
            break
        for i, service in enumerate(c.preferences, 1):
            if free.get(service, 0) > 0:
                free[service] -= 1
                left -= 1
                result.service_by_candidate[c.application_id] = service
                result.preference_rank[c.application_id] = i
                break
        else:
            result.unplaced.append(c.application_id)
    result.free = free
    return result


def allocate_by_category(
    ranked: Mapping[str, Sequence[Candidate]], capacity: Mapping[str, Mapping[str, int]]
) -> Allocation:
    """Art. 5(6), 6(2): each category's ranking fills only that category's positions
    (`capacity[service][category]`), in rank order and by preference as `allocate` does.

    Example: Athens has ΠΕ 1, ΔΕ 1. ΠΕ ranking: P1 (60 points), P2 (58); ΔΕ ranking: D1 (40). P1 takes
    the ΠΕ position, P2 stays a runner-up although 58 > 40, and D1 takes the ΔΕ position.
    """
    result = Allocation()
    free: dict[str, int] = {}
    for category, candidates in ranked.items():
        part = allocate(
            candidates, {service: by_cat.get(category, 0) for service, by_cat in capacity.items()}
        )
        result.service_by_candidate.update(part.service_by_candidate)
        result.preference_rank.update(part.preference_rank)
        result.unplaced.extend(part.unplaced)
        for service, n in part.free.items():
            free[f"{service}:{category}"] = n
    result.free = free
    return result


def replacement_for(
    service: str, remaining: Sequence[Candidate], *, education: str | None = None
) -> tuple[Candidate, int] | None:
    """Art. 6(5), 6(8): the position a candidate declined or left goes to the best-ranked
    candidate of the final table not yet placed who listed that service (note 002 §5.6 [INF]:
    the runner-up list) and, given `education`, is of the same category (Art. 5(6)).
    Returns the candidate and the rank of that service among their preferences."""
    for c in rank(remaining):
        if education is not None and c.education != education:
            continue  # Art. 5(6): a position of one category goes to a candidate of that category
        if service in c.preferences:
            return c, c.preferences.index(service) + 1
    return None


def keeps_place_after_loss(reason: str) -> bool:
    """Art. 5(11): lost status after the deadline for ALMP or illness and regained it → stays."""
    return reason in TEMPORARY_LOSS_KEEPS_PLACE
