from django.urls import path

from evaluation.points import views
from evaluation.points import views_employment as emp

app_name = "points"
urlpatterns = [
    path("", views.round_list, name="round-list"),
    path("call/<id:call_id>/open/", views.round_open, name="round-open"),
    path("<id:pk>/", views.round_detail, name="round-detail"),
    path("bars/", views.bar_list, name="bars"),
    path("<id:pk>/fetch/", views.round_fetch, name="round-fetch"),
    path("<id:pk>/provisional/", views.provisional_post, name="provisional-post"),
    path("<id:pk>/final/", views.final_post, name="final-post"),
    path("<id:pk>/tables/<str:kind>/", views.table_detail, name="table"),
    path("<id:pk>/tables/<str:kind>/export.<str:fmt>", views.table_export, name="table-export"),
    path("<id:pk>/objections/", views.objection_list, name="objections"),
    path("<id:pk>/objections/close/", views.objections_close, name="objections-close"),
    path("objections/<id:objection_pk>/decide/", views.objection_decide_view, name="objection-decide"),
    path("<id:pk>/placements/", views.placement_list, name="placements"),
    path("<id:pk>/placements/allocate/", views.placements_allocate_view, name="allocate"),
    path("placements/<id:placement_pk>/<str:action>/", views.placement_action, name="placement-action"),
    # Employment after the referral (Art. 6(4)–(11), 7(6), 8(1)): ΚΠΑ2/ΔΥΠΑ and the services' staff.
    path("employment/", emp.employment_list, name="employment"),
    path("employment/requests/", emp.request_list, name="employment-requests"),
    path("employment/requests/<id:request_pk>/decide/", emp.request_decide, name="employment-request-decide"),
    path("employment/<id:pk>/", emp.employment_detail, name="employment-detail"),
    path("employment/<id:pk>/note/", emp.note_received, name="employment-note"),
    path("employment/<id:pk>/start/", emp.employment_start_view, name="employment-start"),
    path("employment/<id:pk>/attendance/", emp.attendance_new, name="employment-attendance"),
    path("employment/<id:pk>/end/", emp.employment_end_view, name="employment-end"),
    path("employment/<id:pk>/request/", emp.host_request_new, name="employment-request"),
    path("employment/<id:pk>/relocate/", emp.relocate_after_end, name="employment-relocate"),
    path("employment/<id:pk>/certificate.pdf", emp.employment_certificate, name="employment-certificate"),
    # Public (no login): the posted tables by application code only (Art. 5(6)–(7), 5(9)).
    path("public/<id:pk>/<str:kind>/", views.public_table, name="public-table"),
    # The applicant's own row and objection (Art. 5(8)).
    path("mine/<id:application_pk>/", views.my_result, name="my-result"),
]
