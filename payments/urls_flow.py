"""Browser pages of payments/, area «flow» (included by payments/urls.py)."""

from django.urls import path

from payments import views_flow as views

urlpatterns: list = [
    path("mine/", views.mine, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("limits/", views.limits, name="limits"),
    path("limits/<int:limit_pk>/delete/", views.limit_delete, name="limit-delete"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/documents/", views.document_upload, name="document-upload"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document-download"),
    path("<int:pk>/documents/<int:document_pk>/delete/", views.document_delete, name="document-delete"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/receipt/", views.receipt, name="receipt"),
    path("<int:pk>/propose/", views.propose, name="propose"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/send-back/", views.send_back, name="send-back"),
    path("<int:pk>/reject/", views.reject, name="reject"),
]
