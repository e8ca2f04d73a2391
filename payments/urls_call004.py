"""Browser pages of payments/, area «call004» (included by payments/urls.py)."""

from django.urls import path

from payments import views_call004 as views

urlpatterns: list = [
    path("call004/operations/<id:pk>/advance/", views.advance_request, name="advance-request"),
    path("call004/operations/<id:pk>/final/", views.final_open, name="final-open"),
    path("call004/guarantees/", views.guarantees, name="guarantees"),
    path("call004/guarantees/<id:pk>/", views.guarantee, name="guarantee"),
    path("call004/guarantees/<id:pk>/receipt/", views.advance_receipt, name="advance-receipt"),
    path("call004/guarantees/<id:pk>/letter/", views.guarantee_letter, name="guarantee-letter"),
    path("call004/guarantees/<id:pk>/release/", views.guarantee_release, name="guarantee-release"),
]
