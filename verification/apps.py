from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = "Επαληθεύσεις"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The objection-window deadline handler and who may download a verification report.
        from verification import access_check  # noqa: F401
        from verification.services import checks  # noqa: F401
