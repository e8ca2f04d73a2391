from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "interop"
    verbose_name = "Διαλειτουργικότητα μητρώων"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.dashboard import register_panel

        from .ergani_views import panel_context

        register_panel(
            audience="business", template="interop/_ergani_panel.html", context=panel_context, order=30
        )
