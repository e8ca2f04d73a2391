from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "Αιτήσεις χρηματοδότησης"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from applications.models import Application
        from applications.selectors import can_download_receipt
        from opske.pdf import document_access

        # Who may download an application's receipt: its applicant's members and staff readers.
        document_access(Application)(can_download_receipt)
