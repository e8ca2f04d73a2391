from django.apps import AppConfig


class PointsConfig(AppConfig):
    """ΚΥΑ 16936: points ranking of unemployed persons, tables, objections, placements."""

    name = "evaluation.points"
    label = "evaluation_points"
    verbose_name = "Μοριοδότηση και κατάταξη (ΚΥΑ 16936)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from evaluation.points import handlers  # noqa: F401  (deadline handlers)
