"""ΚΥΑ 7066 two-month claim pages (Art. 8.1), included by verification/urls.py at «claims/»."""

from django.urls import path

from verification import views_claims as views

urlpatterns: list = [
    path("operation/<int:op_pk>/", views.periods, name="claims"),
    path("operation/<int:op_pk>/period/<int:number>/", views.claim_new, name="claim-new"),
    path("<int:pk>/receipt/", views.claim_receipt, name="claim-receipt"),
]
