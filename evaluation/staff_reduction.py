"""Criterion 4(α) in the evaluation workspace: the ΕΡΓΑΝΗ facts of ΚΥΑ 7066 Art. 4.1.2–4.1.6 and
the computed answer (`evaluation.rules.fcfs.staff_reduction_check`).

Art. 4.1.5α has the evaluator look in ΕΡΓΑΝΗ for the hire covering a reduction; the portal does it
for them and shows the headcounts, dates and every departure counted or not, with the article.
ΕΡΓΑΝΗ acts only with the employer's own credentials (interop.md §3): the business's authorisation
(`interop.ergani_access`), or the sandbox employer account while the sandboxes stand in. Without
either the workspace says so; an uploaded «Πίνακας Προσωπικού» has no departure reasons, so it
cannot answer 4.1.3/4.1.6 and the evaluator asks for the documents instead.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from applications.models import Application
from calls.gaps import gap_value
from evaluation.rules import fcfs
from interop.ergani import ErganiClient, ErganiCredentials
from interop.ergani_access import ergani_credentials_for
from opske.errors import RegistryRefused, RegistryUnavailable


@dataclass(frozen=True)
class StaffReductionView:
    """What the workspace shows: the computed check, or why it could not be computed."""

    check: fcfs.StaffReduction | None
    unavailable: str = ""


def ergani_credentials(business) -> ErganiCredentials | None:
    """The business's own ΕΡΓΑΝΗ authorisation, or the sandbox employer account while the
    sandboxes stand in; None when neither exists (the portal cannot read its staff then)."""
    found = ergani_credentials_for(business)
    if found is not None:
        return found
    from applications.services import demo_sandbox_ergani_password

    password = demo_sandbox_ergani_password()
    return ErganiCredentials(username=f"ergani-{business.afm}", password=password) if password else None


def _credentials(app: Application) -> ErganiCredentials | None:
    return ergani_credentials(app.business)


def staff_reduction_for(
    app: Application, *, evaluated_on: datetime.date | None = None, submitted_on: datetime.date | None = None
) -> StaffReductionView | None:
    """The staff-reduction answer of a ΚΥΑ 7066 business application; None for other applications."""
    if not app.business_id or app.call.evaluation_method != "fcfs_direct" or not app.submitted_at:
        return None
    submitted_on = submitted_on or timezone.localtime(app.submitted_at).date()
    evaluated_on = evaluated_on or timezone.localdate()
    window = gap_value(app.call.config, "headcount_window")
    credentials = _credentials(app)
    if credentials is None:
        return StaffReductionView(
            None,
            "Η επιχείρηση δεν έχει δώσει πρόσβαση στο ΕΡΓΑΝΗ ΙΙ· ο έλεγχος μη μείωσης προσωπικού (ΚΥΑ 7066 "
            "Άρθ. 4.1.5α) γίνεται με τα δικαιολογητικά που ζητά ο αξιολογητής.",
        )
    afm, client = app.business.afm, ErganiClient(credentials=credentials)
    start = fcfs.headcount_window_start(submitted_on, window)
    until = max(evaluated_on, submitted_on)
    try:
        headcount = {day: client.workforce(afm, day).headcount for day in {start, submitted_on, until}}
        departures = [
            {"left_on": d.left_on, "kind": d.kind, "form": d.form, "protocol": d.protocol}
            for d in client.departures(afm, start, until)
        ]
        hires = [h.hired_on for h in client.hires(afm, start, until)]
    except (RegistryUnavailable, RegistryRefused) as exc:
        return StaffReductionView(None, f"ΕΡΓΑΝΗ ΙΙ: {exc.message}")
    check = fcfs.staff_reduction_check(
        submitted_on=submitted_on,
        evaluated_on=until,
        headcount=headcount,
        departures=departures,
        hires=hires,
        window=window,
    )
    return StaffReductionView(check)


def documents_request_text(check: fcfs.StaffReduction) -> str:
    """The clarification the evaluator may send when ΕΡΓΑΝΗ shows no covering hire (Art. 4.1.5β)."""
    lines = ["Παρακαλούμε προσκομίστε, για τον έλεγχο μη μείωσης προσωπικού (ΚΥΑ 7066 Άρθ. 4.1.2–4.1.6):"]
    for period in check.periods:
        for dep in period.departures:
            if dep.counted:
                lines.append(
                    f"- αποχώρηση {dep.form} της {dep.left_on:%d/%m/%Y} (πρωτ. {dep.protocol or '—'}): "
                    "δικαιολογητικά της αιτίας ή της πρόσληψης που την κάλυψε."
                )
    lines += [f"- {text}" for text in check.documents]
    return "\n".join(lines)
