from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "Αιτήσεις χρηματοδότησης"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.dashboard import register_panel
        from applications.models import Application
        from applications.selectors import applications_for_user, can_download_receipt
        from opske.pdf import document_access

        register_panel(
            audience="business",
            template="applications/_my_applications.html",
            context=lambda request, business: {
                "applications": applications_for_user(request.user).filter(business=business)
            },
            order=10,
        )
        register_panel(
            audience="person",
            template="applications/_my_applications.html",
            context=lambda request, person: {
                "applications": applications_for_user(request.user).filter(person__isnull=False)
            },
            order=10,
        )

        # Who may download an application's receipt: its applicant's members and staff readers.
        document_access(Application)(can_download_receipt)
