from django.urls import path

from evaluation.comparative import views

app_name = "evaluation_comparative"
urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("call/<id:call_id>/", views.round_detail, name="round"),
    path("call/<id:call_id>/committee/", views.committee_appoint, name="committee"),
    path("call/<id:call_id>/ranking/", views.ranking, name="ranking"),
    path("call/<id:call_id>/what-if/", views.what_if, name="what-if"),
    path("application/<id:application_id>/", views.sheet, name="sheet"),
    path("run/<id:run_id>/export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("run/<id:run_id>/export.pdf", views.export_pdf, name="export-pdf"),
]
