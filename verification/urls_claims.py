"""ΚΥΑ 7066 two-month claim pages (Art. 8.1), included by verification/urls.py at «claims/»."""

from django.urls import path

from verification import views_claims as views

urlpatterns: list = [
    path("operation/<id:op_pk>/", views.periods, name="claims"),
    path("operation/<id:op_pk>/period/<id:number>/", views.claim_new, name="claim-new"),
    path("<id:pk>/receipt/", views.claim_receipt, name="claim-receipt"),
]
