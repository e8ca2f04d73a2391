"""Browser pages of payments/, area «kya7066» (included by payments/urls.py): the payments of a
ΚΥΑ 7066 operation with their breakdown, and the objections to payment decisions (Art. 8.5)."""

from django.urls import path

from payments import views_kya7066 as views

urlpatterns: list = [
    path("kya7066/operation/<id:op_pk>/", views.operation_payments, name="kya7066-operation"),
    path("kya7066/<id:pk>/", views.payment_detail, name="kya7066-payment"),
    path("kya7066/<id:pk>/objection/", views.objection_new, name="kya7066-objection-new"),
    path("kya7066/objections/", views.objection_list, name="kya7066-objections"),
    path("kya7066/objections/<id:pk>/", views.objection_detail, name="kya7066-objection"),
]
