from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Πληρωμές"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from evaluation.hooks import on_decision_notified
        from payments import hooks, selectors_recoveries  # noqa: F401 (recovery document access)
        from payments.services import recoveries  # noqa: F401 (repayment deadline handler)
        from verification.hooks import on_result_final

        # After operations' own hook (operations is installed before payments).
        on_decision_notified(hooks.commit_operation_on_notice)
        on_result_final(hooks.open_payment_for_request)
