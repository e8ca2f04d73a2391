from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Πληρωμές"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from evaluation.hooks import on_decision_notified
        from operations.hooks import on_approved_total_lowered
        from payments import hooks
        from verification.hooks import on_result_final

        # After operations' own hook (operations is installed before payments).
        on_decision_notified(hooks.commit_operation_on_notice)
        on_result_final(hooks.open_payment_for_request)
        on_approved_total_lowered(hooks.decommit_lowered_total)
