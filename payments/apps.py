from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Πληρωμές"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from evaluation.hooks import on_decision_notified
        from payments import hooks
        from payments.programmes import kya7066  # noqa: F401  (registers the «fcfs_direct» provider)
        from payments.services import objections  # noqa: F401  (its deadline handler)
        from verification.hooks import on_result_final

        # After operations' own hook (operations is installed before payments).
        on_decision_notified(hooks.commit_operation_on_notice)
        on_result_final(hooks.open_payment_for_request)
