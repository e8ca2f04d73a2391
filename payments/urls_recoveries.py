"""Browser pages of payments/, area «recoveries» (included by payments/urls.py)."""

from django.urls import path

from payments import views_recoveries as views

urlpatterns: list = [
    path("recoveries/", views.recoveries, name="recoveries"),
    path("recoveries/rates/", views.reference_rates, name="reference-rates"),
    path("recoveries/cases/<id:case_pk>/compute/", views.compute_clawback, name="recovery-compute-clawback"),
    path(
        "recoveries/corrections/<id:correction_pk>/compute/",
        views.compute_correction,
        name="recovery-compute-correction",
    ),
    path(
        "recoveries/operations/<id:operation_pk>/obligation/",
        views.compute_obligation,
        name="recovery-compute-obligation",
    ),
    path("recoveries/<id:pk>/", views.recovery_detail, name="recovery-detail"),
    path("recoveries/<id:pk>/decide/", views.recovery_decide, name="recovery-decide"),
    path("recoveries/<id:pk>/repay/", views.recovery_repay, name="recovery-repay"),
    path("recoveries/<id:pk>/certify/", views.recovery_certify, name="recovery-certify"),
    path("recoveries/<id:pk>/send/", views.recovery_send, name="recovery-send"),
    path("recoveries/<id:pk>/object/", views.recovery_object, name="recovery-object"),
]
