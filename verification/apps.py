from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = "Επαληθεύσεις"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.dashboard import register_panel
        from operations.hooks import open_payment_request_check
        from opske.pdf import document_access
        from verification import access_check  # noqa: F401 (objection deadline handler, report downloads)
        from verification.models import VerificationRequest
        from verification.selectors.requests import can_download_receipt, operations_for_user
        from verification.services import checks, onsite  # noqa: F401 (deadline handlers, report downloads)

        open_payment_request_check(open_verification_request)
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


# States of a verification request that are over (its result accepted, its objection closed): A request in any
# other state past the draft is «open» for the rule on major modifications (ΚΥΑ 7066 Art. 9.2 ΙΙ,
# Πρόσκληση 004 §12.3).
CLOSED_STATES = ("accepted", "accepted_no_check", "closed", "withdrawn", "cancelled")


def open_verification_request(operation) -> bool:
    from verification.models import VerificationRequest

    return (
        VerificationRequest.objects.filter(operation=operation)
        .exclude(state=VerificationRequest.State.DRAFT)
        .exclude(state__in=CLOSED_STATES)
        .exists()
    )
