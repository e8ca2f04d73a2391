"""Demo of the ΚΥΑ 16936 monthly wage dossier: two participants in employment with last month's
attendance recorded, so the placement service («ypiresia») can prepare and submit the month's
dossier at /payments/wages/ and ΚΠΑ2 («supervisor») can verify it.

A closed copy of the call («…-misthodosia», apart from the employment demo's, whose placements its
own journey walks from the referral): the two demo persons of the employment demo applied for
ΟΠΕΚΕΠΕ Αθήνας; the round is carried to the referrals by the portal's services (as
evaluation/points/employment_demo.py does), then the service records the referral notes, the Ε3
and the start of employment four months ago, and last month's attendance: the first participant
with 2 days of unjustified absence (Art. 7(6)), the second with 1 day of leave and 1 of short sick
leave (no cut). The second's IBAN is on file; the first's is given with this first payment
(Art. 8(1)(β)(xiv)). Idempotent: a second run finds the call and stops.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.utils import timezone

CALL_CODE = "kya16936-opekepe-100-misthodosia"
SERVICE = "opekepe-athina"
PERSONS = ["11077243449", "05058029934"]
DEMO_IBAN = "GR5101101250000000087654321"
ACTOR = "load_demo"


def _call():
    from calls import services as call_services
    from calls.models import Call, Programme
    from evaluation.points import demo as points_demo

    seed = points_demo.seeds.kya16936()
    first = seed["versions"][0]
    programme = Programme.objects.get(code=seed["programme"]["code"])
    closes = timezone.now().replace(hour=15, minute=0, second=0, microsecond=0) - datetime.timedelta(days=200)
    fields = {
        **first["fields"],
        "title": first["fields"]["title"] + " (μισθοδοσία επίδειξης)",
        "submission_opens_at": closes - datetime.timedelta(days=30),
        "submission_closes_at": closes,
    }
    call = call_services.call_create(
        actor=ACTOR, programme_id=programme.pk, code=CALL_CODE, fields=fields, children=first["children"]
    )
    call_services.call_publish(actor=ACTOR, call_id=call.pk, reason="Επίδειξη μισθοδοσίας", label="Αρχική")
    return Call.objects.get(pk=call.pk)


def load(stdout) -> None:
    from applications.models import Application
    from calls.models import Call, PlacementService
    from evaluation.points import demo as points_demo
    from evaluation.points import employment, employment_demo, services
    from evaluation.points.models import Placement
    from payments.services import wages

    if Call.objects.filter(code=CALL_CODE).exists():
        return
    call = _call()
    for seq, amka in enumerate(PERSONS, 1):
        person, user = points_demo._person(amka)
        submitted = call.submission_closes_at - datetime.timedelta(days=20, minutes=-7 * seq)
        Application.objects.create(
            call=call,
            kind=Application.Kind.NATURAL_PERSON,
            status=Application.Status.SUBMITTED,
            person=person,
            applicant_user=user,
            amka=amka,
            education="ΔΕ",
            placement_preferences=[SERVICE],
            data={"declarations": {"solemn": True, "data_processing": True}},
            protocol_seq=seq,
            protocol_number=f"ΟΠΣΚΕ-{call.pk}-{seq:06d}",
            priority_seq=seq,
            submitted_at=submitted,
            first_submitted_at=submitted,
            email=f"{amka}@example.gr",
        )
    rnd = services.points_round_open(actor=ACTOR, call_id=call.pk)
    employment_demo._facts(rnd)
    services.provisional_tables_post(
        actor=ACTOR, round_id=rnd.pk, posted_on=timezone.localdate() - datetime.timedelta(days=180)
    )
    services.points_round_close_objections(actor=ACTOR, round_id=rnd.pk)
    services.final_table_post(actor=ACTOR, round_id=rnd.pk)
    services.placements_allocate(actor=ACTOR, round_id=rnd.pk)
    host = employment_demo._host_user(PlacementService.objects.get(call=call, code=SERVICE))

    today = timezone.localdate()
    started = today.replace(day=1) - relativedelta(months=4)
    last_month = today.replace(day=1) - relativedelta(months=1)
    attendance = [
        {"days_worked": 19, "unjustified_absence_days": 2, "note": "2 ημέρες αδικαιολόγητης απουσίας."},
        {
            "days_worked": 19,
            "justified_leave_days": 2,
            "note": "1 ημέρα κανονικής άδειας, 1 βραχυχρόνιας αναρρωτικής.",
        },
    ]
    placements = list(Placement.objects.filter(round=rnd).order_by("final_rank"))
    for p, days in zip(placements, attendance, strict=False):
        services.placement_refer(
            actor=ACTOR,
            placement_id=p.pk,
            note=f"Συστατικό σημείωμα ΚΠΑ2 για την αίτηση {p.application.protocol_number}.",
            kpa2_label="ΚΠΑ2 Αθήνας",
            register={"registered": True, "card_status": "active"},
        )
        # The referral happened before the start (a loader's shortcut: the demo has a past).
        referred = timezone.make_aware(
            datetime.datetime.combine(started - datetime.timedelta(days=20), datetime.time(10))
        )
        Placement.objects.filter(pk=p.pk).update(referred_at=referred)
        employment.placement_note_received(
            actor=host, placement_id=p.pk, received_on=started - datetime.timedelta(days=10)
        )
        employment.employment_start(
            actor=host,
            placement_id=p.pk,
            started_on=started,
            e3_filed_on=started - datetime.timedelta(days=5),
            e3_protocol=f"Ε3-{started:%Y}-{p.pk:06d}",
        )
        employment.attendance_record(actor=host, placement_id=p.pk, month=last_month, **days)
    if len(placements) > 1:
        wages.participant_account_record(
            actor=host, placement_id=placements[1].pk, iban=DEMO_IBAN, first_holder_confirmed=True
        )
    stdout.write(
        f"  payments.wages: πρόσκληση «{CALL_CODE}» με {len(placements)} ωφελούμενους σε απασχόληση και "
        f"παρουσίες {last_month:%m/%Y}· «{host.username}» → /payments/wages/.\n"
    )
