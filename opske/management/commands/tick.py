"""Stand-in for Celery beat when there is no broker (`make run` without REDIS_URL).

Runs every task of `CELERY_BEAT_SCHEDULE` inline (beat tick, deadline and outbox sweeps, registry
retries, and whatever later issues schedule), once or every N seconds. Running the schedule rather
than a list of its own keeps the embedded mode and the production beat from drifting apart.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from opske.celery import app as celery_app
from opske.tasks import heartbeat


def run_schedule_once() -> dict[str, object]:
    """Call each scheduled task's body in this process; returns name -> result."""
    celery_app.loader.import_default_modules()
    results = {}
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        task = celery_app.tasks[entry["task"]]
        results[entry["task"]] = task(*entry.get("args", ()), **entry.get("kwargs", {}))
    heartbeat("tick")
    return results


class Command(BaseCommand):
    help = "Run the beat schedule inline (once, or --loop every N seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running")
        parser.add_argument("--every", type=float, default=30.0, help="seconds between runs with --loop")

    def handle(self, *args, loop=False, every=30.0, **options):
        while True:
            try:
                results = run_schedule_once()
                summary = ", ".join(f"{name.rsplit('.', 1)[-1]}={value}" for name, value in results.items())
                self.stdout.write(f"tick: {summary}")
            except Exception as exc:
                if not loop:
                    raise
                # A passing database hiccup must not stop the embedded scheduler.
                self.stderr.write(f"tick failed: {type(exc).__name__}: {exc}")
            if not loop:
                return
            time.sleep(max(every, 1.0))
