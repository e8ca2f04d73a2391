from django.apps import AppConfig


class PointsConfig(AppConfig):
    """ΚΥΑ 16936: points ranking of unemployed persons, tables, objections, placements."""

    name = "evaluation.points"
    label = "evaluation_points"
    verbose_name = "Μοριοδότηση και κατάταξη (ΚΥΑ 16936)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.dashboard import register_panel
        from evaluation.points import handlers  # noqa: F401  (deadline handlers)

        def my_points_applications(request, person):
            from django.db.models import Q

            from applications.models import Application
            from calls.models import Call

            return {
                "applications": Application.objects.filter(
                    Q(person__user=request.user) | Q(applicant_user=request.user),
                    call__evaluation_method=Call.EvaluationMethod.POINTS_RANKING,
                )
                .exclude(status=Application.Status.DRAFT)
                .select_related("call")
                .order_by("-created_at")
            }

        # The citizen's own place in the posted tables, and the way to object (ΚΥΑ 16936 Art. 5(8)).
        register_panel(
            audience="person",
            template="evaluation/points/_my_results_panel.html",
            context=my_points_applications,
            order=20,
        )
