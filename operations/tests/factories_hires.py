"""Builders for the hires tests: a ΚΥΑ 7066 operation started the real way (a notified approval
through operation_start_from_decision), on the seed call with its unit rates."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import Business
from applications.models import Application
from applications.models import Position as ApplicationPosition
from applications.tests.factories import member
from evaluation.models import Decision, EvaluationRound
from operations.services import operation_start_from_decision
from opske.dates import ATHENS

GREVENA = "808982626"  # ΓΡΕΒΕΝΑ ΞΥΛΟΤΕΧΝΙΚΗ: the sandbox ΕΡΓΑΝΗ has ΠΑΠΑΔΟΠΟΥΛΟΥ's Ε3 (data_people)
PAPADOPOULOU = "15038580948"  # ΚΠΑ2 Κοζάνης, earlier work in retail (ΚΑΔ 47.81) → 01.23
KONSTANTINIDIS = "30019660924"  # ΚΠΑ2 Θεσσαλονίκης, never employed, no action plan
NIKOLAOU = "22048802627"  # never registered with ΔΥΠΑ
_counter = [0]


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=ATHENS)


def operation_for(
    call,
    *,
    afm: str = GREVENA,
    per_category=(("01.23", 1),),
    notified_on: datetime.date,
    signed_on: datetime.date | None = None,
    submitted_on: datetime.date | None = None,
    user=None,
):
    """A notified ΚΥΑ 7066 approval of `per_category` and the operation it starts."""
    _counter[0] += 1
    user = user or member(afm)
    business = Business.objects.get(afm=afm)
    submitted_on = submitted_on or notified_on - datetime.timedelta(days=20)
    app = Application.objects.create(
        call=call,
        kind=Application.Kind.BUSINESS,
        business=business,
        applicant_user=user,
        protocol_number=f"ΔΟΚ-{_counter[0]}",
        submitted_at=at(submitted_on),
    )
    for n, (category, persons) in enumerate(per_category):
        ApplicationPosition.objects.create(
            application=app, specialty=f"Ξυλουργός {n + 1}", category=category, persons=persons,
            place_region="Δυτικής Μακεδονίας", position=n,
        )  # fmt: skip
    rnd, _ = EvaluationRound.objects.get_or_create(call=call, defaults={"method": call.evaluation_method})
    rates = {"01.22": "1185.00", "01.23": "829.50"}
    rows = [
        {"category": c, "persons": p, "monthly_rate": rates[c], "months": 12,
         "amount": f"{float(rates[c]) * 12 * p:.2f}"}
        for c, p in per_category
    ]  # fmt: skip
    total = sum(float(r["amount"]) for r in rows)
    decision = Decision.objects.create(
        application=app,
        round=rnd,
        kind=Decision.Kind.APPROVAL,
        protocol_number=f"ΑΠΦ-{_counter[0]}",
        subject=f"Έγκριση {app.protocol_number}",
        amount_total=f"{total:.2f}",
        details={"per_category": rows},
        signed_at=at(signed_on or notified_on),
        notified_at=at(notified_on, 12),
    )
    return operation_start_from_decision(decision=decision), user


def today() -> datetime.date:
    return timezone.localdate()
