from django.urls import path

from evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("assignments/queue/", views.assign_queue, name="assign-queue"),
    path("assignments/applications/<id:pk>/", views.assign, name="assign"),
    path("assignments/<id:pk>/declaration/", views.declaration, name="declaration"),
    path("assignments/<id:pk>/", views.workspace, name="workspace"),
    path("evaluations/<id:pk>/criteria/<str:code>/", views.finding_autosave, name="finding"),
    path("evaluations/<id:pk>/submit/", views.evaluation_submit, name="submit"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<id:pk>/", views.review, name="review"),
    path("decisions/<id:pk>/", views.decision_detail, name="decision"),
    path("objections/", views.objections, name="objections"),
    path("objections/<id:pk>/", views.objection_detail, name="objection"),
    path("my/", views.my_results, name="my-results"),
    path("my/decisions/<id:pk>/", views.my_decision, name="my-decision"),
    path("my/clarifications/<id:pk>/", views.my_clarification, name="my-clarification"),
    path("results/<slug:code>/", views.results, name="results"),
    path("results/<slug:code>/public/", views.results_public, name="results-public"),
    path("results/<slug:code>/exports/<id:pk>/", views.results_export_status, name="results-export"),
    path(
        "results/<slug:code>/exports/<id:pk>/download/",
        views.results_export_download,
        name="results-export-download",
    ),
]
