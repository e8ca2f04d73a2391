from django.apps import AppConfig


class ComparativeConfig(AppConfig):
    name = "evaluation.comparative"
    label = "evaluation_comparative"
    verbose_name = "Συγκριτική αξιολόγηση (Πρόσκληση 004)"
    default_auto_field = "django.db.models.BigAutoField"
