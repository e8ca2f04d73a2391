from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Πράξεις"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from evaluation.hooks import on_decision_notified
        from operations import handlers_hires, hooks, panels_hires  # noqa: F401 (handlers register on import)

        on_decision_notified(hooks.start_operation_on_notice)
        panels_hires.register()
