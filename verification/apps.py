from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = "Επαληθεύσεις"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The on-the-spot area's deadline handler and report download hook register on import.
        from verification.services import onsite  # noqa: F401
