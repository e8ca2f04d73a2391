"""ΚΥΑ 7066 Art. 7.4, 8.6 and Annex 6: which tranche a missing participant questionnaire excludes.

Art. 7.4: «Το δελτίο εισόδου συμπληρώνεται μέχρι και την ημερομηνία υποβολής της αίτησης για
καταβολή της ενίσχυσης του πρώτου διμήνου απασχόλησης, Αντίστοιχα, το δελτίο εξόδου συμπληρώνεται
μέχρι και την ημερομηνία υποβολής της αίτησης για καταβολή της ενίσχυσης του τελευταίου διμήνου
απασχόλησης. Σε διαφορετική περίπτωση, δεν καταβάλλεται στην επιχείρηση το ποσό της ενίσχυσης που
αντιστοιχεί στο πρώτο ή το τελευταίο δίμηνο απασχόλησης, αντίστοιχα.» The participant fills the
exit form «έως 4 εβδομάδες από την ημερομηνία εξόδου».

So a missing entry form costs the first two-month tranche and nothing else; a missing exit form the
last; a position of a single period needs both. Pure functions over dates; no database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

EXIT_WEEKS = 4  # Art. 7.4: «έως 4 εβδομάδες από την ημερομηνία εξόδου»

ENTRY_CATEGORIES = ("B.1", "B.2", "B.3", "B.4", "B.5")
EDUCATION_LEVELS = tuple(f"Γ.{n}" for n in range(1, 10))


@dataclass(frozen=True)
class Gate:
    tranche: int
    payable: bool
    missing: str = ""  # "entry" | "exit" | "entry+exit"
    reason: str = ""


def _in_time(completed_on: datetime.date | None, request_date: datetime.date) -> bool:
    # «μέχρι και την ημερομηνία υποβολής»: the request's own day still counts.
    return completed_on is not None and completed_on <= request_date


def questionnaire_gate(
    *,
    tranche: int,
    last_tranche: int,
    request_date: datetime.date,
    entry_completed_on: datetime.date | None,
    exit_completed_on: datetime.date | None,
) -> Gate:
    """Is two-month tranche `tranche` (1-based) of a participant payable as far as the Annex 6
    questionnaires go, for a payment request submitted on `request_date`?

    - tranche 1: the entry form completed by the request date (Art. 7.4);
    - tranche `last_tranche`: the exit form completed by the request date (Art. 7.4);
    - any tranche in between: the questionnaires do not gate it.
    """
    if tranche < 1 or last_tranche < 1 or tranche > last_tranche:
        raise ValueError("tranche must be between 1 and last_tranche")
    missing = []
    if tranche == 1 and not _in_time(entry_completed_on, request_date):
        missing.append("entry")
    if tranche == last_tranche and not _in_time(exit_completed_on, request_date):
        missing.append("exit")
    if not missing:
        return Gate(tranche, True)
    labels = {"entry": "εισόδου (πρώτο δίμηνο)", "exit": "εξόδου (τελευταίο δίμηνο)"}
    reason = (
        "Δεν καταβάλλεται το δίμηνο: το απογραφικό δελτίο "
        + " και ".join(labels[m] for m in missing)
        + f" δεν συμπληρώθηκε έως και την υποβολή της αίτησης ({request_date:%d/%m/%Y})"
        + " (ΚΥΑ 7066 Άρθ. 7.4, 8.6)."
    )
    return Gate(tranche, False, "+".join(missing), reason)


def excluded_tranches(
    *,
    last_tranche: int,
    request_dates: dict[int, datetime.date],
    entry_completed_on: datetime.date | None,
    exit_completed_on: datetime.date | None,
) -> list[Gate]:
    """The refused tranches among those requested (`request_dates`: tranche → its request's date)."""
    gates = [
        questionnaire_gate(
            tranche=t,
            last_tranche=last_tranche,
            request_date=d,
            entry_completed_on=entry_completed_on,
            exit_completed_on=exit_completed_on,
        )
        for t, d in sorted(request_dates.items())
    ]
    return [g for g in gates if not g.payable]


def exit_due_on(exit_on: datetime.date) -> datetime.date:
    """The participant's own limit for the exit form: 4 weeks from the exit date (Art. 7.4)."""
    return exit_on + datetime.timedelta(weeks=EXIT_WEEKS)


def answer_problems(kind: str, answers: dict) -> dict[str, str]:
    """Annex 6: B (in education/training: yes/no, and if yes which of B.1–B.5), and for the entry
    form Γ (one highest education level Γ.1–Γ.9); the exit form asks Γ as a qualification gained."""
    errors: dict[str, str] = {}
    in_education = answers.get("in_education")
    categories = list(answers.get("education_categories") or [])
    if in_education not in (True, False):
        errors["in_education"] = "Απαντήστε στην ερώτηση Β (ΝΑΙ ή ΟΧΙ)."
    elif in_education and not categories:
        errors["education_categories"] = "Με ΝΑΙ στην ερώτηση Β, σημειώστε τουλάχιστον μία κατηγορία Β.1–Β.5."
    elif not in_education and categories:
        errors["education_categories"] = "Με ΟΧΙ στην ερώτηση Β δεν σημειώνεται κατηγορία."
    if any(c not in ENTRY_CATEGORIES for c in categories):
        errors["education_categories"] = "Μη έγκυρη κατηγορία."
    if kind == "entry" and answers.get("education_level") not in EDUCATION_LEVELS:
        errors["education_level"] = "Επιλέξτε το ανώτερο μορφωτικό επίπεδο (Γ.1–Γ.9)."
    if kind == "exit" and answers.get("qualification_gained") not in (True, False):
        errors["qualification_gained"] = "Απαντήστε αν αποκτήθηκε εξειδίκευση (Γ)."
    return errors


def replacement_problem(
    *, entry_completed_on: datetime.date | None, exit_completed_on: datetime.date | None
) -> str:
    """Art. 9.2: «Σε περίπτωση αντικατάστασης επιχορηγούμενου εργαζόμενου … πρέπει να ελέγχεται ότι
    έχει συμπληρωθεί το Απογραφικό Δελτίο Εισόδου/Εξόδου του ανέργου-ωφελούμενου που
    αντικαταστάθηκε.» Empty when both forms of the person replaced are there; else what is missing."""
    missing = [
        label
        for label, done in (("εισόδου", entry_completed_on), ("εξόδου", exit_completed_on))
        if done is None
    ]
    if not missing:
        return ""
    return (
        "Λείπει το απογραφικό δελτίο " + " και ".join(missing) + " του/της ωφελούμενου/ης που αντικαθίσταται "
        "(ΚΥΑ 7066 Άρθ. 9.2, 7.4)."
    )
