from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Πληρωμές"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from evaluation.hooks import on_decision_notified
        from payments import hooks
        from verification.hooks import on_result_final

        # After operations' own hook (operations is installed before payments).
        on_decision_notified(hooks.commit_operation_on_notice)
        on_result_final(hooks.open_payment_for_request)

        # Πρόσκληση 004: the provider (registers itself), then the guarantee's offset (§11.3.Α).
        from payments.programmes import call004  # noqa: F401
        from payments.services.call004 import guarantee_offset_for_request

        on_result_final(guarantee_offset_for_request)
