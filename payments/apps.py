from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Πληρωμές"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from evaluation.hooks import on_decision_notified
        from operations.hooks import on_approved_total_lowered
        from payments import hooks, selectors_recoveries  # noqa: F401 (recovery document access)
        from payments.programmes import call004, kya7066  # noqa: F401 (register their providers)
        from payments.services import objections, recoveries  # noqa: F401 (their deadline handlers)
        from payments.services.call004 import guarantee_offset_for_request
        from verification.hooks import on_result_final

        # After operations' own hook (operations is installed before payments).
        on_decision_notified(hooks.commit_operation_on_notice)
        on_result_final(hooks.open_payment_for_request)
        on_approved_total_lowered(hooks.decommit_lowered_total)
        # Πρόσκληση 004 §11.3.Α: certified public funding offsets the advance's guarantee.
        on_result_final(guarantee_offset_for_request)
        self._ready_flow()

    def _ready_flow(self):
        """Area «flow»: who downloads a payment's documents, and «Οι πληρωμές μου» on the
        business's dashboard."""
        from accounts.dashboard import register_panel
        from payments import selectors_flow  # registers the document access hook on import
        from payments.models import Payment

        def my_payments(request, business):
            qs = selectors_flow.payments_for_business(request.user, business).order_by("-created_at", "-pk")
            return {"payments": qs[:10], "waiting": qs.filter(state=Payment.State.DRAFT).count()}

        register_panel(
            audience="business", template="payments/flow/_panel.html", context=my_payments, order=25
        )
