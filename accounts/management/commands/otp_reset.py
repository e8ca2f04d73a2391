"""`manage.py otp_reset <username>`: a staff member lost the phone with the authenticator app; their
device is deleted (audited) and the next login enrols a new one (accounts.two_factor)."""

from django.core.management.base import BaseCommand, CommandError

from accounts import two_factor
from accounts.models import User


class Command(BaseCommand):
    help = "Μηδενισμός της εφαρμογής επαλήθευσης (TOTP) ενός στελέχους."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username, kind=User.Kind.STAFF).first()
        if user is None:
            raise CommandError(f"Δεν υπάρχει στέλεχος με όνομα χρήστη «{username}».")
        removed = two_factor.reset(actor=None, user=user)
        self.stdout.write(
            f"{username}: διαγράφηκαν {removed} εφαρμογές επαλήθευσης· η επόμενη σύνδεση θα ζητήσει νέα."
        )
