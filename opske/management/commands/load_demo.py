"""Load the demo: registry-backed businesses and persons, one user per role, the seed programmes.

Idempotent: running it twice changes nothing the second time. Each app that has demo data has a
`<app>/demo.py` with `load(stdout)`; they run in layer order (accounts before calls, and so on).
"""

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

DEMO_MODULES = [
    "accounts",
    "interop",
    "calls",
    "applications",
    "evaluation",
    "evaluation.points",
    "evaluation.comparative",
    "operations",
    "verification",
    "payments",
]


class Command(BaseCommand):
    help = "Load the demo data (idempotent)."

    def handle(self, *args, **options):
        if getattr(settings, "PRODUCTION", False):
            # Demo users have known passwords and the demo's businesses are real-looking: never in a
            # live portal (issue 11). A staging copy that wants them runs with the local settings.
            raise CommandError(
                "Το load_demo δεν εκτελείται με τις ρυθμίσεις παραγωγής (opske.settings.production): "
                "οι χρήστες επίδειξης έχουν γνωστούς κωδικούς."
            )
        for app in DEMO_MODULES:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            with transaction.atomic():
                module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo loaded."))
