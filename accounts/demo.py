"""Demo accounts: one staff user per role, an API client, and the registry world's businesses/persons.

Businesses are built from `registry_data.TAXPAYERS` with the same mapping as a live AADE answer
(`interop.aade.taxpayer_record`), without HTTP. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from accounts.geo import Place
from accounts.models import Business, Membership, Role, RoleAssignment, User
from accounts.services import business_apply_record, person_upsert_from_registry
from interop.aade import taxpayer_record
from interop.sandboxes import registry_data
from opske.audit.chain import record as audit

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - published demo credential, sandbox only
API_TOKEN = "0b5e1f3c9a7d4e2b8c6f1a3d5e7b9c2d4f6a8e01"  # noqa: S105 - published demo token
STAFF = [
    ("admin", Role.PROGRAMME_ADMIN, "Διαχειριστής", "Προγράμματος"),
    ("evaluator", Role.EVALUATOR, "Αξιολογητής", "Δοκιμαστικός"),
    ("committee", Role.COMMITTEE_MEMBER, "Μέλος", "Επιτροπής"),
    ("supervisor", Role.SUPERVISOR, "Προϊστάμενος", "ΚΠΑ2"),
    ("verifier", Role.VERIFIER, "Επαληθευτής", "Δοκιμαστικός"),
    ("payer", Role.PAYMENT_OFFICER, "Υπάλληλος", "Πληρωμών"),
    ("auditor", Role.AUDITOR, "Ελεγκτής", "Δοκιμαστικός"),
]
COORDINATOR_AFM = "185012342"
LIGNITIS_AFM = "804773470"


def _user(username: str, *, kind: str, first: str = "", last: str = "", superuser=False) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, kind=kind, first_name=first, last_name=last)
        user.is_superuser = user.is_staff = superuser
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _business(afm: str, data: dict) -> Business:
    record = taxpayer_record(dict(data, afm=afm), data.get("activities", []))
    business = Business.objects.filter(afm=afm).first()
    if business is not None and business.registry_snapshot == record.raw:
        return business
    created = business is None
    business = business or Business.objects.create(afm=afm, name=record.name)
    # The demo world states each business's municipality (as ΓΕΜΗ would); trust it over the gazetteer.
    place = Place(data.get("region", ""), data.get("regional_unit", ""), data.get("municipality", ""))
    business_apply_record(business, record, place=place)
    audit(
        actor="load_demo",
        action="business.created_from_registry" if created else "business.refreshed_from_registry",
        obj=business,
    )
    return business


@transaction.atomic
def load(stdout) -> None:
    for username, role, first, last in STAFF:
        user = _user(username, kind=User.Kind.STAFF, first=first, last=last, superuser=username == "admin")
        RoleAssignment.objects.get_or_create(user=user, role=role)
    api_user = _user("api-client", kind=User.Kind.API_CLIENT, first="Πελάτης", last="API")
    RoleAssignment.objects.get_or_create(user=api_user, role=Role.API_CLIENT)
    Token.objects.filter(user=api_user).exclude(key=API_TOKEN).delete()
    Token.objects.get_or_create(user=api_user, defaults={"key": API_TOKEN})

    for afm, data in registry_data.TAXPAYERS.items():
        _business(afm, data)
    for amka, data in registry_data.PERSONS.items():
        person_upsert_from_registry(amka=amka, data=data, actor="load_demo")

    lignitis = Business.objects.get(afm=LIGNITIS_AFM)
    if not Membership.objects.filter(
        business=lignitis, invited_afm=COORDINATOR_AFM, role=Membership.BusinessRole.COORDINATOR
    ).exists():
        membership = Membership.objects.create(
            business=lignitis,
            invited_afm=COORDINATOR_AFM,
            role=Membership.BusinessRole.COORDINATOR,
            email="coordinator@lignitis.example.gr",
        )
        audit(
            actor="load_demo",
            action="membership.invited",
            obj=membership,
            after={"invited_afm": COORDINATOR_AFM},
        )

    lines = [f"Λογαριασμοί στελεχών (κωδικός για όλους: {DEMO_PASSWORD}) → /accounts/staff/login/:"]
    lines += [f"  {username:<11} {role.label}" for username, role, _, _ in STAFF]
    lines += [
        f"  API: χρήστης api-client, κεφαλίδα «Authorization: Token {API_TOKEN}»",
        "TAXISnet (sandbox, κωδικός taxisnet-demo) → /accounts/login/: lignitis, arkadika, laikes,",
        "  grevena, palaia, cluster, coordinator (συντονιστής ΛΙΓΝΙΤΗΣ), papadopoulou, ioannidis, ...",
    ]
    for line in lines:
        stdout.write(line + "\n")
