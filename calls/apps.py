from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = "Προσκλήσεις"
    default_auto_field = "django.db.models.BigAutoField"
