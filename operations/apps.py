from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Πράξεις"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.dashboard import register_panel
        from evaluation.hooks import on_decision_notified
        from operations import handlers_hires, hooks, panels_hires  # noqa: F401 (handlers register on import)
        from operations.selectors import operations_for_member

        on_decision_notified(hooks.start_operation_on_notice)
        # «Οι πράξεις μου» on the business's dashboard, after its applications.
        register_panel(
            audience="business",
            template="operations/_my_operations.html",
            context=lambda request, business: {
                "operations": operations_for_member(request.user).filter(business=business)[:10]
            },
            order=20,
        )
        panels_hires.register()

        def questionnaire_operations(request, business):
            from operations.models import Operation

            return {
                "operations": Operation.objects.filter(
                    business=business, call__evaluation_method="fcfs_direct"
                ).order_by("-starts_on")
            }

        # ΚΥΑ 7066 Annex 6: the business records its participants' entry and exit questionnaires.
        register_panel(
            audience="business",
            template="operations/questionnaires/_panel.html",
            context=questionnaire_operations,
            order=40,
        )
