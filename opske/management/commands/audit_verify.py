from django.core.management.base import BaseCommand, CommandError

from opske.audit import verify_chain
from opske.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and report the first broken link."

    def handle(self, *args, **options):
        broken = verify_chain()
        if broken:
            raise CommandError(f"Audit chain broken at event #{broken.seq}: {broken.reason}")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {AuditEvent.objects.count()} events."))
