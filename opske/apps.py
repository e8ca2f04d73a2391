from django.apps import AppConfig


class OpskeConfig(AppConfig):
    name = "opske"
    verbose_name = "ΟΠΣΚΕ: κοινές υπηρεσίες"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.urls import register_converter

        from opske.ids import IdConverter

        register_converter(IdConverter, "id")
