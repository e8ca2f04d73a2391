"""Browser pages of payments/, area «flow» (included by payments/urls.py)."""

from django.urls import path

from payments import views_flow as views

urlpatterns: list = [
    path("mine/", views.mine, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("limits/", views.limits, name="limits"),
    path("limits/<id:limit_pk>/delete/", views.limit_delete, name="limit-delete"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/documents/", views.document_upload, name="document-upload"),
    path("<id:pk>/documents/<id:document_pk>/", views.document_download, name="document-download"),
    path("<id:pk>/documents/<id:document_pk>/delete/", views.document_delete, name="document-delete"),
    path("<id:pk>/submit/", views.submit, name="submit"),
    path("<id:pk>/receipt/", views.receipt, name="receipt"),
    path("<id:pk>/propose/", views.propose, name="propose"),
    path("<id:pk>/approve/", views.approve, name="approve"),
    path("<id:pk>/send-back/", views.send_back, name="send-back"),
    path("<id:pk>/reject/", views.reject, name="reject"),
]
