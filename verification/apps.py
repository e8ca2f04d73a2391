from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = "Επαληθεύσεις"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.dashboard import register_panel
        from opske.pdf import document_access
        from verification.models import VerificationRequest
        from verification.selectors.requests import can_download_receipt, operations_for_user

        # The beneficiary's verification requests (αιτήματα επαλήθευσης) and staff's list of them.
        register_panel(
            audience="business",
            template="verification/requests/_panel_business.html",
            context=lambda request, business: {
                "operations": operations_for_user(request.user).filter(business=business)[:20]
            },
            order=20,
        )

        # Who may download a request's receipt PDF: the beneficiary's members and staff readers.
        document_access(VerificationRequest)(can_download_receipt)
