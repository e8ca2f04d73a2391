"""Demo evaluation assignments so the ΚΥΑ 7066 journey can be tried on `make run`. Idempotent.

Every submitted application of an FCFS call without an evaluator is assigned, in priority order,
to the demo «evaluator»; the demo «supervisor» takes the second level when the form is submitted.
Skips quietly when there are no demo users or no submitted applications yet.
"""

from __future__ import annotations

from accounts.models import User
from applications.models import Application
from evaluation import services
from evaluation.models import Assignment

ACTOR = "load_demo"


def load(stdout) -> None:
    evaluator = User.objects.filter(username="evaluator").first()
    if evaluator is None:
        stdout.write("evaluation: δεν υπάρχουν δοκιμαστικοί χρήστες· παράλειψη.\n")
        return
    pending = (
        Application.objects.filter(
            call__evaluation_method="fcfs_direct",
            status__in=[Application.Status.SUBMITTED, Application.Status.RESERVE],
        )
        .exclude(evaluation_assignments__role=Assignment.Role.EVALUATOR)
        .order_by("call_id", "priority_seq", "pk")
    )
    made = 0
    for app in pending:
        services.assignment_create(
            actor=ACTOR, application_id=app.pk, evaluator_id=evaluator.pk, role=Assignment.Role.EVALUATOR
        )
        made += 1
    if not made and not Assignment.objects.exists():
        stdout.write("evaluation: δεν υπάρχουν ακόμη οριστικοποιημένες αιτήσεις ΚΥΑ 7066· παράλειψη.\n")
        return
    stdout.write(
        f"evaluation: {made} νέες αναθέσεις στον «evaluator». Αξιολόγηση → /evaluation/ "
        "(evaluator), β' επίπεδο και αποφάσεις → /evaluation/reviews/ (supervisor), "
        "αποτελέσματα επιχείρησης → /evaluation/my/.\n"
    )
