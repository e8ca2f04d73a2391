"""Stand-in for Celery beat when there is no broker (`make run` without REDIS_URL).

Runs the beat tick and the deadline and outbox sweeps inline, once or every N seconds.
"""

import time

from django.core.management.base import BaseCommand

from opske.tasks import beat_tick, heartbeat, sweep_deadlines, sweep_outbox


class Command(BaseCommand):
    help = "Run beat_tick and the deadline/outbox sweeps inline (once, or --loop every N seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running")
        parser.add_argument("--every", type=float, default=30.0, help="seconds between runs with --loop")

    def handle(self, *args, loop=False, every=30.0, **options):
        while True:
            try:
                beat_tick()
                heartbeat("tick")
                fired = sweep_deadlines()
                enqueued = sweep_outbox()
                self.stdout.write(f"tick: {fired} deadline(s) fired, {enqueued} outbox item(s) re-sent")
            except Exception as exc:
                if not loop:
                    raise
                # A passing database hiccup must not stop the embedded scheduler.
                self.stderr.write(f"tick failed: {type(exc).__name__}: {exc}")
            if not loop:
                return
            time.sleep(max(every, 1.0))
