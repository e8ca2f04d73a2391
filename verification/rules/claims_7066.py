"""ΚΥΑ 7066 two-month claim rules (Art. 8.1, 8.2) as pure functions: when a claim may be filed and
which of the call's documents it needs.

Art. 8.1: «Εντός ενενήντα (90) ημερών από τη λήξη κάθε διμήνου απασχόλησης και οπωσδήποτε μέχρι
την λήξη του προγράμματος». The text does not say what happens to a later claim (gap 3 of the
note): the call's `late_payment_request` setting chooses between refusing it («block») and filing
it with a warning that follows it to the payment («flag»). The end of the programme is a hard limit.

Art. 8.2 §1(iii): the IBAN document «μόνο κατά την πρώτη αίτηση καταβολής»; §1(iv): the solemn
declaration 09.03 with every claim; §3: «ειδικά στην ηλεκτρονική αίτηση για την καταβολή στην
τελική πληρωμή», the declaration that pay, contributions and taxes were paid for the whole period.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from operations.rules.hires import claim_deadline

LATE_BLOCK = "block"
LATE_FLAG = "flag"

EVERY_CLAIM = "κάθε αίτηση"
FIRST_CLAIM = "πρώτη αίτηση"
FINAL_CLAIM = "τελική αίτηση"


@dataclass(frozen=True)
class Timing:
    code: str  # "" (in time) | period_not_ended | claim_late | programme_ended
    message: str = ""
    refused: bool = False

    @property
    def late(self) -> bool:
        return self.code == "claim_late"


def claim_timing(
    *,
    period_end: datetime.date,
    today: datetime.date,
    late_policy: str = LATE_FLAG,
    programme_ends_on: datetime.date | None = None,
) -> Timing:
    """Can the claim of the period ending `period_end` be filed on `today`? (Art. 8.1)

    Period ending 14/09/2025: filed 13/12/2025 → in time; filed 14/12/2025 → late: with «block»
    refused, with «flag» filed with a warning. After the programme's end → refused whatever the policy.
    """
    if today <= period_end:
        return Timing(
            "period_not_ended",
            f"Το δίμηνο λήγει στις {period_end:%d/%m/%Y}· η αίτηση καταβολής υποβάλλεται μετά τη λήξη "
            "του (ΚΥΑ 7066 Άρθ. 8.1).",
            refused=True,
        )
    if programme_ends_on is not None and today > programme_ends_on:
        return Timing(
            "programme_ended",
            f"Το πρόγραμμα έληξε στις {programme_ends_on:%d/%m/%Y}· αίτηση καταβολής δεν υποβάλλεται "
            "(«οπωσδήποτε μέχρι την λήξη του προγράμματος», ΚΥΑ 7066 Άρθ. 8.1).",
            refused=True,
        )
    last = claim_deadline(period_end)
    if today <= last:
        return Timing("")
    if late_policy == LATE_BLOCK:
        return Timing(
            "claim_late",
            f"Η προθεσμία υποβολής για το δίμηνο έως {period_end:%d/%m/%Y} έληξε στις {last:%d/%m/%Y} "
            "(90 ημέρες από τη λήξη του διμήνου, ΚΥΑ 7066 Άρθ. 8.1)· η πρόσκληση δεν δέχεται "
            "εκπρόθεσμες αιτήσεις.",
            refused=True,
        )
    return Timing(
        "claim_late",
        f"Εκπρόθεσμη αίτηση καταβολής: υποβλήθηκε {(today - last).days} ημέρες μετά την προθεσμία "
        f"της {last:%d/%m/%Y} (90 ημέρες από τη λήξη του διμήνου {period_end:%d/%m/%Y}, ΚΥΑ 7066 "
        "Άρθ. 8.1)· εξετάζεται με επισήμανση.",
    )


def claim_document_applies(applies_to: str, *, first: bool, final: bool) -> bool:
    """Art. 8.2: «πρώτη αίτηση» only with the operation's first claim, «τελική αίτηση» only with
    its last, anything else («κάθε αίτηση» or empty) with every claim. A first claim that is also
    the last needs both."""
    text = (applies_to or "").strip().lower()
    if text.startswith(FIRST_CLAIM):
        return first
    if text.startswith(FINAL_CLAIM):
        return final
    return True
