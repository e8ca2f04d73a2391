"""The legal rules of ΚΥΑ 16936/2025 (ΦΕΚ Β' 3360/01.07.2025) as pure functions over plain data.

Nothing here touches the database or the network: the services feed in the facts fetched from the
ΔΥΠΑ register (stored with the time they were fetched) and the call's points grid
(`Call.config["points_grid"]`, seeded in `calls.seeds.kya16936`), and store what comes out.

Choices where the text is silent (domain note 002 §11), each a call setting with this default:
- income column (Art. 4(3)(ii)): `points_grid.income_basis` = "by_return": the family column when
  the applicant files a joint return, the individual column otherwise; "individual"/"family" force one.
- age (Art. 4(3)(iii)): completed years on the application deadline (the critical time, Art. 5(6)),
  as the register reports it; under 18 falls in no band and is excluded (`points_grid.min_age`).
- last tie-breaker (Art. 6(2) last sentence: «σύμφωνα με τον χρόνο υποβολής»): the earlier final
  submission of the valid (latest) application wins; the application code settles the practically
  impossible identical timestamp, so the order is total and reproducible.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

ZERO = Decimal("0.00")

# Art. 4(1)(γ): Greek citizens, citizens of other EU member states (ν. 2431/1996); ομογενείς are
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
    greek_language_certified: bool = False
    previously_refused_placement: bool = False

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
        )


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


def income_column(*, basis: str, joint_return: bool) -> str:
    """Art. 4(3)(ii) [GAP 11.1]: which column of the income table applies (call setting)."""
    if basis in ("individual", "family"):
        return basis
    return "family" if joint_return else "individual"


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


def compute_points(facts: Facts, grid: Mapping) -> Points:
    """All four criteria of Art. 4(3) and their sum."""
    unemployment = grid.get("unemployment") or {}
    children = grid.get("children") or {}
    column = income_column(basis=grid.get("income_basis", "by_return"), joint_return=facts.joint_return)
    amount = facts.family_income if column == "family" else facts.individual_income
    return Points(
        unemployment=unemployment_points(
            facts.continuous_months,
            points_per_month=int(unemployment.get("points_per_month", 1)),
            cap_months=int(unemployment.get("cap_months", 12)),
        ),
        income=income_points(amount, column=column, bands=grid["income_bands"]),
        age=age_points(facts.age, bands=grid["age_bands"]) or 0,
        children=children_points(
            facts.minor_children,
            points_per_child=int(children.get("points_per_child", 10)),
            cap=children.get("cap"),
        ),
        income_column=column,
    )


# --- Eligibility (Art. 4(1), 5(1), 6(5)) ------------------------------------------------------------


def eligibility_reasons(
    facts: Facts, grid: Mapping, *, allowed_services: Iterable[str], preferences_min=1, preferences_max=3
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
        reasons.append(
            Reason(
                "greek_language",
                "Πολίτης άλλου κράτους-μέλους χωρίς πιστοποίηση ελληνομάθειας "
                "(ΚΥΑ 16936 Άρθ. 4(1)(γ) εδ. β').",
            )
        )
    if not facts.pension_declaration:
        reasons.append(
            Reason(
                "no_pension_declaration",
                "Λείπει η υπεύθυνη δήλωση ότι δεν έχει θεμελιωθεί ούτε ζητηθεί σύνταξη γήρατος "
                "(ΚΥΑ 16936 Άρθ. 4(1)(δ)).",
            )
        )
    min_age = int(grid.get("min_age", 18))
    if facts.age < min_age or age_points(facts.age, bands=grid["age_bands"]) is None:
        reasons.append(
            Reason(
                "age",
                f"Η ηλικία ({facts.age}) κατά τη λήξη των αιτήσεων δεν εμπίπτει σε κλίμακα μοριοδότησης "
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
    if facts.previously_refused_placement:
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


def ranking_key(c: Candidate) -> tuple:
    """ΚΥΑ 16936 Art. 6(2): higher total; then, in turn, higher points on criterion i, ii, iii,
    iv of Art. 4(3); then the time the electronic application was submitted (earlier first);
    the application code only to make the order total."""
    p = c.points
    return (-p.total, -p.unemployment, -p.income, -p.age, -p.children, c.submitted_at, c.code)


def tie_break_step(a: Candidate, b: Candidate) -> str:
    """Which rule of Art. 6(2) put `a` before `b` (shown to the reader of the table)."""
    pa, pb = a.points, b.points
    for name, va, vb in (
        ("total", pa.total, pb.total),
        ("unemployment", pa.unemployment, pb.unemployment),
        ("income", pa.income, pb.income),
        ("age", pa.age, pb.age),
        ("children", pa.children, pb.children),
    ):
        if va != vb:
            return name
    return "submitted_at" if a.submitted_at != b.submitted_at else "code"


def rank(candidates: Iterable[Candidate]) -> list[Candidate]:
    """The ranking table order: position 1 is `result[0]`. Ranks are never shared."""
    return sorted(candidates, key=ranking_key)


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


def replacement_for(service: str, remaining: Sequence[Candidate]) -> tuple[Candidate, int] | None:
    """Art. 6(5), 6(8): the position a candidate declined or left goes to the best-ranked
    candidate of the final table not yet placed who listed that service (note 002 §5.6 [INF]:
    the runner-up list). Returns the candidate and the rank of that service among their preferences."""
    for c in rank(remaining):
        if service in c.preferences:
            return c, c.preferences.index(service) + 1
    return None


def keeps_place_after_loss(reason: str) -> bool:
    """Art. 5(11): lost status after the deadline for ALMP or illness and regained it → stays."""
    return reason in TEMPORARY_LOSS_KEEPS_PLACE
