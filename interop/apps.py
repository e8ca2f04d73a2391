from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "interop"
    verbose_name = "Διαλειτουργικότητα μητρώων"
    default_auto_field = "django.db.models.BigAutoField"
