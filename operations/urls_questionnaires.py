"""Participant questionnaires of an operation (ΚΥΑ 7066 Annex 6), under /operations/<pk>/questionnaires/."""

from django.urls import path

from operations import views_questionnaires as views

urlpatterns = [
    path("<id:operation_pk>/questionnaires/", views.questionnaire_list, name="questionnaires"),
    path(
        "<id:operation_pk>/questionnaires/new/<str:kind>/", views.questionnaire_new, name="questionnaire-new"
    ),
    path(
        "<id:operation_pk>/questionnaires/<id:pk>/", views.questionnaire_detail, name="questionnaire-detail"
    ),
]
