from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "Αιτήσεις χρηματοδότησης"
    default_auto_field = "django.db.models.BigAutoField"
