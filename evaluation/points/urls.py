from django.urls import path

from evaluation.points import views
from evaluation.points import views_employment as emp

app_name = "points"
urlpatterns = [
    path("", views.round_list, name="round-list"),
    path("call/<int:call_id>/open/", views.round_open, name="round-open"),
    path("<int:pk>/", views.round_detail, name="round-detail"),
    path("bars/", views.bar_list, name="bars"),
    path("<int:pk>/fetch/", views.round_fetch, name="round-fetch"),
    path("<int:pk>/provisional/", views.provisional_post, name="provisional-post"),
    path("<int:pk>/final/", views.final_post, name="final-post"),
    path("<int:pk>/tables/<str:kind>/", views.table_detail, name="table"),
    path("<int:pk>/tables/<str:kind>/export.<str:fmt>", views.table_export, name="table-export"),
    path("<int:pk>/objections/", views.objection_list, name="objections"),
    path("<int:pk>/objections/close/", views.objections_close, name="objections-close"),
    path("objections/<int:objection_pk>/decide/", views.objection_decide_view, name="objection-decide"),
    path("<int:pk>/placements/", views.placement_list, name="placements"),
    path("<int:pk>/placements/allocate/", views.placements_allocate_view, name="allocate"),
    path("placements/<int:placement_pk>/<str:action>/", views.placement_action, name="placement-action"),
    # Employment after the referral (Art. 6(4)–(11), 7(6), 8(1)): ΚΠΑ2/ΔΥΠΑ and the services' staff.
    path("employment/", emp.employment_list, name="employment"),
    path("employment/requests/", emp.request_list, name="employment-requests"),
    path(
        "employment/requests/<int:request_pk>/decide/", emp.request_decide, name="employment-request-decide"
    ),
    path("employment/<int:pk>/", emp.employment_detail, name="employment-detail"),
    path("employment/<int:pk>/note/", emp.note_received, name="employment-note"),
    path("employment/<int:pk>/start/", emp.employment_start_view, name="employment-start"),
    path("employment/<int:pk>/attendance/", emp.attendance_new, name="employment-attendance"),
    path("employment/<int:pk>/end/", emp.employment_end_view, name="employment-end"),
    path("employment/<int:pk>/request/", emp.host_request_new, name="employment-request"),
    path("employment/<int:pk>/relocate/", emp.relocate_after_end, name="employment-relocate"),
    path("employment/<int:pk>/certificate.pdf", emp.employment_certificate, name="employment-certificate"),
    # Public (no login): the posted tables by application code only (Art. 5(6)–(7), 5(9)).
    path("public/<int:pk>/<str:kind>/", views.public_table, name="public-table"),
    # The applicant's own row and objection (Art. 5(8)).
    path("mine/<int:application_pk>/", views.my_result, name="my-result"),
]
