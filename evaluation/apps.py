from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "Αξιολόγηση"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Deadline handlers, notice hooks and document access hooks register on import.
        from evaluation import access, handlers  # noqa: F401
