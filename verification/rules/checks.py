"""Administrative (desk) verification of a ΔΔΔ: checklist, item amounts, corrections, the result's
acceptance and objection window. Pure functions over plain values, each citing its source.

Sources: Guidance Ο.3 §4.3.2 (corrections of the irregular amounts found, no extrapolation),
§5 of the note (verified expenditure net of corrections is «ΑΠΟΔΕΚΤΟ ΔΙΑΧΕΙΡΙΣΗΣ»); call 004
§11.1.Β-Γ (as amended: the report approved by a hierarchically superior, different body; accept in
ΟΠΣΚΕ or object within an exclusive 15 calendar days from the day after the electronic notice,
a non-working last day moving to the next working day); ΚΥΑ 7066 Art. 8.3, 8.5 (every claim is
verified; objections within 15 calendar days from the day after the notice when the report proposes
a financial correction, 30 calendar days for the other decisions on a claim; verifiers took no
part in earlier stages of the case).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from opske.calendar import deadline_end

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

ANSWERS = ("yes", "no", "na")
ANSWER_LABELS = {"yes": "Ναι", "no": "Όχι", "na": "Δεν απαιτείται (Δ.Α.)"}

# Ο.3 §5.3 of the note: the document has no checklist; these are the aspects it names, used when a
# call configures none («verification_checklist»).
DEFAULT_CHECKLIST = (
    {"code": "G1", "text": "Η δαπάνη είναι νόμιμη και κανονική.", "citation": "Ο.3 §3"},
    {
        "code": "G2",
        "text": "Ορθότητα, εγκυρότητα, επιλεξιμότητα και νομιμότητα των δαπανών.",
        "citation": "Ο.3 §4.5.2 Σημ. 2",
    },
    {
        "code": "G3",
        "text": "Ορθός υπολογισμός και δήλωση δαπανών απλοποιημένου κόστους.",
        "citation": "Ο.3 §4.3.1.Α",
    },
    {
        "code": "G4",
        "text": "Τεχνικές, διοικητικές, οικονομικές και φυσικές πτυχές της πράξης.",
        "citation": "Ο.3 §4.4.2",
    },
)

# The ΔΚΔ categories an administrative verification records (Ο.3 §4.3.2, §4.4.2; factor 2):
# 1 and 6 follow an irregularity, 2 is not an irregularity.
CORRECTION_CATEGORIES = {
    "1": "Κατηγορία 1 — παρατυπία",
    "2": "Κατηγορία 2 — μη παρατυπία (π.χ. λάθος υπολογισμού)",
    "6": "Κατηγορία 6 — παρατυπία (εντοπίστηκε πριν από τη δήλωση στην Επιτροπή)",
}


def checklist_for(config: dict | None) -> list[dict]:
    """The call's checklist («verification_checklist»), or Ο.3's general aspects."""
    items = (config or {}).get("verification_checklist")
    return [dict(i) for i in (items or DEFAULT_CHECKLIST)]


def checklist_errors(checklist: list[dict], answers: dict[str, dict]) -> dict[str, str]:
    """Per item code, why its answer is refused: every item answered yes/no/n.a.; «Όχι» needs a note
    (the finding it leads to must be stated, call 004 §11.1.Β «κάθε περικοπή πλήρως αιτιολογημένη»)."""
    errors = {}
    for item in checklist:
        answer = answers.get(item["code"]) or {}
        value = answer.get("answer", "")
        if value not in ANSWERS:
            errors[item["code"]] = "Επιλέξτε Ναι, Όχι ή Δ.Α."
        elif value == "no" and not (answer.get("note") or "").strip():
            errors[item["code"]] = "Η απάντηση «Όχι» χρειάζεται σημείωση με το εύρημα."
    return errors


@dataclass(frozen=True)
class ItemAmounts:
    eligible: Decimal
    ineligible: Decimal


def item_amounts(
    declared: Decimal, eligible: Decimal, reason: str
) -> tuple[ItemAmounts | None, dict[str, str]]:
    """An item's eligible and ineligible amounts; errors per field.

    The eligible amount is between 0 and the declared amount, in cents; whatever is not eligible
    needs its reason (call 004 §11.1.Β: «κάθε περικοπή πρέπει να είναι πλήρως αιτιολογημένη»).
    """
    errors: dict[str, str] = {}
    if eligible != eligible.quantize(CENT):
        errors["eligible_amount"] = "Το ποσό δέχεται έως δύο δεκαδικά."
    elif eligible < 0:
        errors["eligible_amount"] = "Το επιλέξιμο ποσό δεν μπορεί να είναι αρνητικό."
    elif eligible > declared:
        errors["eligible_amount"] = "Το επιλέξιμο ποσό δεν μπορεί να υπερβαίνει το δηλωθέν."
    if errors:
        return None, errors
    ineligible = declared - eligible
    if ineligible > 0 and not reason.strip():
        return None, {"ineligible_reason": "Αιτιολογήστε το μη επιλέξιμο ποσό."}
    return ItemAmounts(eligible=eligible, ineligible=ineligible), {}


def accepted_total(declared_total: Decimal, corrections: list[Decimal]) -> Decimal:
    """«Αποδεκτό διαχείρισης» = declared − the corrections found in the verified items.

    No extrapolation (Ο.3 §4.3.2: «η ΔΑ/ΕΦ δεν προβάλλει τα σφάλματα … στον ανέλεγκτο πληθυσμό»):
    unsampled items are accepted as declared. Never below zero.
    """
    return max(declared_total - sum(corrections, ZERO), ZERO)


@dataclass(frozen=True)
class ObjectionWindow:
    days: int
    counting: str  # calendar | working
    roll_to_working_day: bool
    days_without_correction: int | None

    @classmethod
    def from_config(cls, config: dict | None) -> ObjectionWindow:
        raw = (config or {}).get("verification_objection") or {}
        return cls(
            days=int(raw.get("days", 15)),
            counting=raw.get("counting", "calendar"),
            roll_to_working_day=bool(raw.get("roll_to_working_day", True)),
            days_without_correction=raw.get("days_without_correction"),
        )


def objection_deadline(
    notified_on: datetime.date, window: ObjectionWindow, *, has_correction: bool
) -> datetime.date:
    """Last day to object to a verification result, counted from the day after the notice.

    Call 004 §11.1.Γ (2nd amendment): 15 calendar days «από την επομένη της ηλεκτρονικής
    κοινοποίησης», a non-working last day moving to the next working day. ΚΥΑ 7066 Art. 8.5: 15
    calendar days when the report proposes a financial correction, 30 for other results.
    """
    days = window.days
    if not has_correction and window.days_without_correction:
        days = int(window.days_without_correction)
    return deadline_end(
        notified_on,
        days,
        kind="working" if window.counting == "working" else "calendar",
        start_next_day=True,
        roll_to_working_day=window.roll_to_working_day,
    )


def conflict_of_interest(verifier_id: int, evaluated_by: set[int]) -> str:
    """ΚΥΑ 7066 Art. 7.1, 8.3 (evaluators never monitor what they evaluated; verifiers took no part
    in earlier stages); call 004 §11.1.Β (a Verification Body independent of the evaluation)."""
    if verifier_id in evaluated_by:
        return (
            "Σύγκρουση συμφερόντων: αξιολογήσατε την αίτηση αυτής της πράξης και δεν μπορείτε να "
            "επαληθεύσετε το αίτημά της (ΚΥΑ 7066 Άρθ. 7.1, 8.3)."
        )
    return ""
