"""Demo accounts: one staff user per role and an API client. Idempotent.

The registry world's businesses and persons come from the sandbox data, which `accounts` (below
`interop`) cannot see: `interop/demo.py` loads them right after this module.
"""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from accounts.models import Role, RoleAssignment, User

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


def _user(username: str, *, kind: str, first: str = "", last: str = "", superuser=False) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, kind=kind, first_name=first, last_name=last)
        user.is_superuser = user.is_staff = superuser
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


@transaction.atomic
def load(stdout) -> None:
    for username, role, first, last in STAFF:
        user = _user(username, kind=User.Kind.STAFF, first=first, last=last, superuser=username == "admin")
        RoleAssignment.objects.get_or_create(user=user, role=role)
    api_user = _user("api-client", kind=User.Kind.API_CLIENT, first="Πελάτης", last="API")
    RoleAssignment.objects.get_or_create(user=api_user, role=Role.API_CLIENT)
    Token.objects.filter(user=api_user).exclude(key=API_TOKEN).delete()
    Token.objects.get_or_create(user=api_user, defaults={"key": API_TOKEN})

    lines = [
        f"Λογαριασμοί στελεχών (κωδικός για όλους: {DEMO_PASSWORD}) → /accounts/staff/login/,",
        "  και μετά κωδικός από εφαρμογή επαλήθευσης (TOTP): στην πρώτη σύνδεση η σελίδα δείχνει το κλειδί:",
    ]
    lines += [f"  {username:<11} {role.label}" for username, role, _, _ in STAFF]
    lines += [
        f"  API: χρήστης api-client, κεφαλίδα «Authorization: Token {API_TOKEN}»",
        "TAXISnet (sandbox, κωδικός taxisnet-demo) → /accounts/login/: lignitis, arkadika, laikes,",
        "  grevena, palaia, cluster, coordinator (συντονιστής ΛΙΓΝΙΤΗΣ), papadopoulou, ioannidis, ...",
    ]
    for line in lines:
        stdout.write(line + "\n")
