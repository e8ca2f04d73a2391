"""Modification requests (αιτήματα τροποποίησης): which kind a request is, when it may be filed,
and what it may change.

ΚΥΑ 7066 Art. 9.2:
- I. minor (ήσσονος): change of project manager, of legal representative, and an extension of the
  subsidy period «κατά τριάντα (30) το πολύ ημέρες», «χωρίς αύξηση στο ποσό επιχορήγησης», «με
  ισόχρονη δέσμευση της επιχείρησης, για μη απόλυση προσωπικού», for (α) justified illness, (β)
  unpaid leave, (γ) replacement of a subsidised employee; «χωρίς αριθμητικό περιορισμό και
  παράλληλα με ανοιχτές ενέργειες στο ΟΠΣΚΕ (όπως … Καταβολής Ενίσχυσης)».
- II. major (μείζονος): change of name / legal form with a new ΑΦΜ; change of the physical and
  financial object. «Δεν είναι δυνατή η αύξηση του εγκεκριμένου επιχορηγούμενου προϋπολογισμού»;
  «δεν είναι δυνατόν να υποβληθούν παράλληλα με άλλες ανοιχτές ενέργειες στο ΟΠΣΚΕ».

Πρόσκληση 004 §12 as replaced by the 2nd amendment (Α.4):
- 12.2 minor, ΟΠΣΚΕ codes 03 (legal representative) and 10 (financing scheme): in parallel with
  other actions in progress;
- 12.3 major, codes 02 (place of implementation / ΚΑΔ), 04 (coordination & communication manager),
  05 (shareholding), 07 (physical and financial object: shifts between categories «έως 25% του
  αρχικού συνολικού προϋπολογισμού κάθε κατηγορίας», a new category «έως 5% του συνολικού
  προϋπολογισμού»): only «εφόσον δεν βρίσκεται σε εξέλιξη άλλη ενέργεια»;
- 12.4 forbidden: an increase of the approved budget, a decrease below €300.000.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from opske.money import format_eur as _eur

MINOR = "minor"
MAJOR = "major"
HUNDRED = Decimal("100")
ZERO = Decimal("0.00")

# ΚΥΑ 7066 Art. 9.2: the request types (the ΚΥΑ gives no ΟΠΣΚΕ codes: these are the portal's).
KYA7066_TYPES: dict[str, tuple[str, str]] = {
    "manager": (MINOR, "Αλλαγή υπεύθυνου έργου (Άρθ. 9.2 Ι.i)"),
    "legal_rep": (MINOR, "Αλλαγή νόμιμου εκπροσώπου (Άρθ. 9.2 Ι.ii)"),
    "extension": (MINOR, "Παράταση χρόνου επιχορήγησης έως 30 ημέρες (Άρθ. 9.2 Ι.iii)"),
    "afm_change": (MAJOR, "Μεταβολή επωνυμίας / νομικής μορφής με αλλαγή ΑΦΜ (Άρθ. 9.2 ΙΙ.i)"),
    "object": (MAJOR, "Τροποποίηση φυσικού και οικονομικού αντικειμένου (Άρθ. 9.2 ΙΙ.ii)"),
}
# Πρόσκληση 004 §12.2-12.3 (2η τροποποίηση Α.4): ΟΠΣΚΕ modification codes.
CALL004_TYPES: dict[str, tuple[str, str]] = {
    "02": (MAJOR, "Αλλαγή / προσθήκη τόπου υλοποίησης ή ΚΑΔ επένδυσης"),
    "03": (MINOR, "Αλλαγή νόμιμου εκπροσώπου"),
    "04": (MAJOR, "Αλλαγή υπεύθυνου συντονισμού και επικοινωνίας"),
    "05": (MAJOR, "Αλλαγή μετοχικής / εταιρικής σύνθεσης"),
    "07": (MAJOR, "Φυσικό και οικονομικό αντικείμενο (μετακίνηση έως 25% ανά κατηγορία)"),
    "10": (MINOR, "Αλλαγή σχήματος χρηματοδότησης"),
}
# The types whose request carries new budget lines.
BUDGET_TYPES = frozenset({"07", "object"})

KYA7066_EXTENSION_MAX_DAYS = 30  # ΚΥΑ 7066 Art. 9.2 Ι.iii
EXTENSION_GROUNDS = {
    "illness": "Δικαιολογημένη ασθένεια επιχορηγούμενου εργαζομένου (α)",
    "unpaid_leave": "Άδεια άνευ αποδοχών μετά από αίτηση του εργαζομένου (β)",
    "replacement": "Αντικατάσταση επιχορηγούμενου μισθωτού (γ)",
}
CALL004_SHIFT_PERCENT = Decimal("25")  # §12.3 ΦΟΑ
CALL004_NEW_CATEGORY_PERCENT = Decimal("5")  # §12.3 ΦΟΑ
CALL004_MIN_BUDGET = Decimal("300000.00")  # §12.4


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


@dataclass
class Verdict:
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def fields(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for p in self.problems:
            out.setdefault(p.field, []).append(p.message)
        return out


def modification_types(programme: str, configured: dict | None = None) -> dict[str, tuple[str, str]]:
    """The request types of a programme ("kya7066" or "call004") → (severity, label).

    Call 004's labels come from the call's `implementation.modification_types` when it states them.
    """
    if programme == "call004":
        labels = configured or {}
        return {code: (sev, labels.get(code) or label) for code, (sev, label) in CALL004_TYPES.items()}
    return dict(KYA7066_TYPES)


def severity_of(programme: str, type_code: str) -> str:
    types = modification_types(programme)
    if type_code not in types:
        raise ValueError(f"unknown modification type {type_code!r}")
    return types[type_code][0]


def may_file(
    *, severity: str, other_modification_open: bool, payment_request_open: bool, citation: str
) -> Verdict:
    """A minor request runs in parallel with open actions; a major one only when none is open
    (ΚΥΑ 7066 Art. 9.2 Ι, ΙΙ; Πρόσκληση 004 §12.2, §12.3)."""
    verdict = Verdict()
    if severity != MAJOR:
        return verdict
    if other_modification_open:
        verdict.problems.append(
            Problem(
                "type_code",
                "Βρίσκεται σε εξέλιξη άλλο αίτημα τροποποίησης της πράξης· αίτημα μείζονος σημασίας "
                f"υποβάλλεται μόνο όταν δεν εκκρεμεί άλλη ενέργεια ({citation}).",
            )
        )
    if payment_request_open:
        verdict.problems.append(
            Problem(
                "type_code",
                "Εκκρεμεί αίτημα επαλήθευσης / καταβολής της πράξης· αίτημα μείζονος σημασίας δεν "
                f"υποβάλλεται παράλληλα με άλλες ανοιχτές ενέργειες ({citation}).",
            )
        )
    return verdict


def check_extension(*, days: int | None, ground: str, max_days: int = KYA7066_EXTENSION_MAX_DAYS) -> Verdict:
    """ΚΥΑ 7066 Art. 9.2 Ι.iii: up to 30 days, on one of the three grounds."""
    verdict = Verdict()
    if days is None or days < 1:
        verdict.problems.append(Problem("extension_days", "Δηλώστε τις ημέρες της παράτασης (1 έως 30)."))
    elif days > max_days:
        verdict.problems.append(
            Problem(
                "extension_days",
                f"Η παράταση είναι έως {max_days} ημέρες (ΚΥΑ 7066 Άρθ. 9.2 Ι.iii)· ζητήθηκαν {days}.",
            )
        )
    if ground not in EXTENSION_GROUNDS:
        verdict.problems.append(
            Problem("extension_ground", "Επιλέξτε τον λόγο της παράτασης (ΚΥΑ 7066 Άρθ. 9.2 Ι.iii α–γ).")
        )
    return verdict


@dataclass(frozen=True)
class Extended:
    ends_on: datetime.date | None
    no_dismissal_until: datetime.date | None
    total: Decimal


def apply_extension(*, ends_on, no_dismissal_until, total: Decimal, days: int) -> Extended:
    """The approved extension moves the end and, by the same days, the no-dismissal commitment;
    the subsidy amount stays as it was (ΚΥΑ 7066 Art. 9.2 Ι.iii)."""
    delta = datetime.timedelta(days=days)
    return Extended(
        ends_on=ends_on + delta if ends_on else None,
        no_dismissal_until=(no_dismissal_until or ends_on) + delta
        if (no_dismissal_until or ends_on)
        else None,
        total=total,
    )


def check_budget_change(
    *,
    initial: dict[str, Decimal],
    proposed: dict[str, Decimal],
    programme: str,
    field_for=lambda category: f"amount_{category}",
) -> Verdict:
    """The new budget lines of a physical-and-financial-object change.

    Both programmes: the total may not grow (ΚΥΑ 7066 Art. 9.2 ΙΙ; Πρόσκληση 004 §12.4).
    Call 004 (§12.3 ΦΟΑ, §12.4): each category of the initial budget moves by at most 25% of its
    initial amount; a category not in the initial budget takes at most 5% of the initial total; the
    total may not fall below €300.000. `initial` is the budget of the first approved version, so
    successive requests together stay within the limits.
    """
    verdict = Verdict()
    initial_total = sum(initial.values(), ZERO)
    new_total = sum(proposed.values(), ZERO)
    for category, amount in proposed.items():
        if amount < 0:
            verdict.problems.append(Problem(field_for(category), "Το ποσό δεν μπορεί να είναι αρνητικό."))
    if new_total > initial_total:
        citation = "Πρόσκληση 004 §12.4" if programme == "call004" else "ΚΥΑ 7066 Άρθ. 9.2 ΙΙ"
        verdict.problems.append(
            Problem(
                "__all__",
                f"Ο νέος προϋπολογισμός ({_eur(new_total)}) υπερβαίνει τον εγκεκριμένο "
                f"({_eur(initial_total)})· δεν επιτρέπεται αύξηση ({citation}).",
            )
        )
    if programme != "call004":
        return verdict
    if new_total < CALL004_MIN_BUDGET:
        verdict.problems.append(
            Problem(
                "__all__",
                f"Ο προϋπολογισμός δεν μπορεί να μειωθεί κάτω από {_eur(CALL004_MIN_BUDGET)} "
                "(Πρόσκληση 004 §12.4).",
            )
        )
    for category in sorted(set(initial) | set(proposed)):
        before = initial.get(category, ZERO)
        after = proposed.get(category, ZERO)
        if category in initial and before > 0:
            limit = (before * CALL004_SHIFT_PERCENT / HUNDRED).quantize(Decimal("0.01"))
            if abs(after - before) > limit:
                verdict.problems.append(
                    Problem(
                        field_for(category),
                        f"Κατηγορία {category}: μεταβολή {_eur(abs(after - before))} πάνω από το 25% του "
                        f"αρχικού ποσού ({_eur(before)} → έως {_eur(limit)}) (Πρόσκληση 004 §12.3).",
                    )
                )
        elif after > 0:
            limit = (initial_total * CALL004_NEW_CATEGORY_PERCENT / HUNDRED).quantize(Decimal("0.01"))
            if after > limit:
                verdict.problems.append(
                    Problem(
                        field_for(category),
                        f"Νέα κατηγορία {category}: {_eur(after)} πάνω από το 5% του συνολικού "
                        f"προϋπολογισμού (έως {_eur(limit)}) (Πρόσκληση 004 §12.3).",
                    )
                )
    return verdict


MODIFICATION_OBJECTION_DAYS = 10  # ΚΥΑ 7066 Art. 9.3; Πρόσκληση 004 §12.5


def objection_allowed(*, programme: str, severity: str) -> bool:
    """Who may object to a rejection: ΚΥΑ 7066 Art. 9.1 — any rejected request («Σε περίπτωση
    απόρριψης του αιτήματος, είναι δυνατή η υποβολή αντιρρήσεων»); Πρόσκληση 004 §12.2, §12.5 —
    only a rejected major one (a rejected minor one is filed again, «δεν προβλέπονται αντιρρήσεις»)."""
    return severity == MAJOR if programme == "call004" else True


def objection_is_timely(*, today: datetime.date, last_day: datetime.date | None) -> bool:
    return last_day is not None and today <= last_day
