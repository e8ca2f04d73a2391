"""Demo: a closed ΚΥΑ 16936 call whose eight demo persons have applied, with its points round open.

The ΔΥΠΑ facts are not loaded here: on `make run` the programme administrator presses «Ανάκτηση
εκκρεμών στοιχείων ΔΥΠΑ» on /evaluation/points/ and the task asks the register sandbox, as in
production. Idempotent: a second run finds the call and stops.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Person, User
from applications.models import Application
from calls import seeds
from calls import services as call_services
from calls.models import Call, Programme

ACTOR = "load_demo"
CALL_CODE = "kya16936-opekepe-100-katataxi"
PREFERENCES = {
    "15038580948": ["opekepe-athina", "opekepe-larisa"],
    "02079014649": ["opekepe-thessaloniki"],
    "11077243449": ["opekepe-athina", "opekepe-thessaloniki"],
    "30019660924": ["opekepe-thessaloniki"],
    "05058029934": ["opekepe-larisa", "opekepe-athina"],
    "18116504707": ["opekepe-irakleio"],
    "09090175481": ["opekepe-thessaloniki", "opekepe-athina", "opekepe-larisa"],
    "22048802627": ["opekepe-athina"],
}


def _call() -> Call:
    seed = seeds.kya16936()
    first = seed["versions"][0]
    values = dict(seed["programme"])
    code = values.pop("code")
    programme = Programme.objects.filter(code=code).first() or call_services.programme_get_or_create(
        actor=ACTOR, code=code, **values
    )
    closes = timezone.now().replace(hour=15, minute=0, second=0, microsecond=0) - datetime.timedelta(days=14)
    fields = {
        **first["fields"],
        "title": first["fields"]["title"] + " (κατάταξη επίδειξης)",
        "submission_opens_at": closes - datetime.timedelta(days=30),
        "submission_closes_at": closes,
    }
    call = call_services.call_create(
        actor=ACTOR, programme_id=programme.pk, code=CALL_CODE, fields=fields, children=first["children"]
    )
    call_services.call_publish(actor=ACTOR, call_id=call.pk, reason="Επίδειξη κατάταξης", label="Αρχική")
    return Call.objects.get(pk=call.pk)


def _person(amka: str) -> tuple[Person, User]:
    from interop.sandboxes.registry_data import PERSONS

    data = PERSONS[amka]
    user, _ = User.objects.get_or_create(
        kind=User.Kind.TAXISNET,
        afm=data["afm"],
        defaults={
            "username": f"taxisnet-{data['afm']}",
            "password": make_password(None),
            "first_name": data["first_name"],
            "last_name": data["last_name"],
        },
    )
    person, _ = Person.objects.get_or_create(
        amka=amka,
        defaults={
            "afm": data["afm"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "birth_date": datetime.date.fromisoformat(data["birth_date"]),
            "user": user,
        },
    )
    return person, user


def load(stdout) -> None:
    load_employment(stdout)  # its own call, carried to the placements (employment_demo)
    if Call.objects.filter(code=CALL_CODE).exists():
        return
    call = _call()
    for seq, (amka, prefs) in enumerate(PREFERENCES.items(), 1):
        person, user = _person(amka)
        submitted = call.submission_closes_at - datetime.timedelta(days=20, minutes=-7 * seq)
        Application.objects.create(
            call=call,
            kind=Application.Kind.NATURAL_PERSON,
            status=Application.Status.SUBMITTED,
            person=person,
            applicant_user=user,
            amka=amka,
            education="ΔΕ",
            placement_preferences=prefs,
            data={"declarations": {"solemn": True, "data_processing": True}},
            protocol_seq=seq,
            protocol_number=f"ΟΠΣΚΕ-{call.pk}-{seq:06d}",
            priority_seq=seq,
            submitted_at=submitted,
            first_submitted_at=submitted,
            email=f"{amka}@example.gr",
        )
    stdout.write(
        f"  evaluation.points: πρόσκληση «{CALL_CODE}» με {len(PREFERENCES)} αιτήσεις· "
        "ανοίξτε τη μοριοδότηση στο /evaluation/points/.\n"
    )


def load_employment(stdout) -> None:
    from evaluation.points import employment_demo

    employment_demo.load(stdout)
