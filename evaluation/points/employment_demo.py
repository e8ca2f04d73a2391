"""Demo: a ΚΥΑ 16936 round carried to the placements, so the employment pages can be tried.

A closed copy of the call («…-apasxolisi»): three demo persons applied for ΟΠΕΚΕΠΕ Αθήνας; the ΔΥΠΑ
facts come from the register sandbox through its client over the in-process transport
(interop.inprocess), the tables are posted, the objection window is closed, the final table posted,
the positions allocated, and ΚΠΑ2 referred the three `REFERRED_DAYS_AGO` days ago: every step is
the portal's own service. The placement service's staff user «ypiresia» (staff login, demo
password) records the referral notes, the Ε3 and the start of employment and the monthly
attendance at /evaluation/points/employment/. Idempotent: a second run finds the call and stops.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from applications.models import Application
from calls.models import PlacementService
from evaluation.points import demo as points_demo
from evaluation.points import services
from evaluation.points.models import HostServiceStaff, Placement, PointsRound

ACTOR = "load_demo"
CALL_CODE = "kya16936-opekepe-100-apasxolisi"
SERVICE = "opekepe-athina"
HOST_USERNAME = "ypiresia"
REFERRED_DAYS_AGO = 75
PERSONS = ["11077243449", "05058029934", "18116504707"]


def _call():
    from calls import services as call_services
    from calls.models import Call, Programme

    seed = points_demo.seeds.kya16936()
    first = seed["versions"][0]
    programme = Programme.objects.get(code=seed["programme"]["code"])
    closes = timezone.now().replace(hour=15, minute=0, second=0, microsecond=0) - datetime.timedelta(days=120)
    fields = {
        **first["fields"],
        "title": first["fields"]["title"] + " (απασχόληση επίδειξης)",
        "submission_opens_at": closes - datetime.timedelta(days=30),
        "submission_closes_at": closes,
    }
    call = call_services.call_create(
        actor=ACTOR, programme_id=programme.pk, code=CALL_CODE, fields=fields, children=first["children"]
    )
    call_services.call_publish(actor=ACTOR, call_id=call.pk, reason="Επίδειξη απασχόλησης", label="Αρχική")
    return Call.objects.get(pk=call.pk)


def _facts(rnd: PointsRound) -> None:
    from interop.dypa import DypaClient
    from interop.inprocess import sandbox_session
    from interop.waiting import to_plain

    client = DypaClient(session=sandbox_session())
    for a in rnd.assessments.select_related("application"):
        answer = client.unemployment_status(a.application.amka, rnd.critical_date)
        services.assessment_store_facts(
            assessment_id=a.pk, status="ok", data=to_plain(answer), fetched_at=timezone.now()
        )


def _host_user(service: PlacementService) -> User:
    user = User.objects.filter(username=HOST_USERNAME).first()
    if user is None:
        user = User(
            username=HOST_USERNAME, kind=User.Kind.STAFF, first_name="Στέλεχος", last_name="ΟΠΕΚΕΠΕ Αθήνας"
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    HostServiceStaff.objects.get_or_create(user=user, service=service)
    return user


def load(stdout) -> None:
    from calls.models import Call

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
    _facts(rnd)
    posted_on = timezone.localdate() - datetime.timedelta(days=100)
    services.provisional_tables_post(actor=ACTOR, round_id=rnd.pk, posted_on=posted_on)
    services.points_round_close_objections(actor=ACTOR, round_id=rnd.pk)
    services.final_table_post(actor=ACTOR, round_id=rnd.pk)
    services.placements_allocate(actor=ACTOR, round_id=rnd.pk)
    referred_at = timezone.now() - datetime.timedelta(days=REFERRED_DAYS_AGO)
    for p in Placement.objects.filter(round=rnd).order_by("final_rank"):
        services.placement_refer(
            actor=ACTOR,
            placement_id=p.pk,
            note=f"Συστατικό σημείωμα ΚΠΑ2 για την αίτηση {p.application.protocol_number}.",
            kpa2_label="ΚΠΑ2 Αθήνας",
            register={"registered": True, "card_status": "active"},
        )
        # The referral happened REFERRED_DAYS_AGO days ago (a loader's shortcut: the demo has a past).
        Placement.objects.filter(pk=p.pk).update(referred_at=referred_at)
    host = _host_user(PlacementService.objects.get(call=call, code=SERVICE))
    stdout.write(
        f"  evaluation.points: πρόσκληση «{CALL_CODE}» με {Placement.objects.filter(round=rnd).count()} "
        f"υποδείξεις στην ΟΠΕΚΕΠΕ Αθήνας· στέλεχος υπηρεσίας «{host.username}» "
        "→ /evaluation/points/employment/.\n"
    )
