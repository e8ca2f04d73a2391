from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Χρήστες, επιχειρήσεις και ρόλοι"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts import lockout  # noqa: F401  (registers the login audit receivers)
