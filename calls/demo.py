"""Demo data for calls: the three seed programmes with their real parameters (idempotent).

The real submission dates stay on record in `official_window_*`; the live window is set to open
a week ago and close in two months so every journey can be tried today. A call whose code already
exists is left untouched, so running the loader twice changes nothing.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from calls import seeds, services
from calls.models import Call, Programme

ACTOR = "load_demo"


def _load_one(builder, stdout, now) -> bool:
    seed = builder()
    if Call.objects.filter(code=seed["code"]).exists():
        return False
    programme_values = dict(seed["programme"])
    code = programme_values.pop("code")
    programme = Programme.objects.filter(code=code).first() or services.programme_get_or_create(
        actor=ACTOR, code=code, **programme_values
    )
    first, *amendments = seed["versions"]
    window = {
        "submission_opens_at": now - datetime.timedelta(days=7),
        "submission_closes_at": now + datetime.timedelta(days=60),
    }
    call = services.call_create(
        actor=ACTOR,
        programme_id=programme.pk,
        code=seed["code"],
        fields={**first["fields"], **window},
        children=first["children"],
    )
    services.call_publish(
        actor=ACTOR,
        call_id=call.pk,
        reason=first["reason"],
        decision_ref=first["decision_ref"],
        label=first["label"],
    )
    for amendment in amendments:
        services.call_amend(
            actor=ACTOR,
            call_id=call.pk,
            reason=amendment["reason"],
            fields=amendment["fields"],
            children=amendment["children"],
            label=amendment["label"],
            decision_ref=amendment["decision_ref"],
            allow_empty=amendment.get("allow_empty", False),
        )
    stdout.write(f"  calls: {seed['code']} ({len(seed['versions'])} έκδοση/εκδόσεις)")
    return True


def load(stdout) -> None:
    now = timezone.now().replace(microsecond=0)
    created = sum(_load_one(builder, stdout, now) for builder in seeds.ALL)
    if not created:
        stdout.write("  calls: οι προσκλήσεις της επίδειξης υπάρχουν ήδη.")
