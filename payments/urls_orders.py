"""Browser pages of payments/, area «orders» (included by payments/urls.py)."""

from django.urls import path

from payments import views_orders as views

urlpatterns: list = [
    path("orders/", views.order_list, name="orders"),
    path("orders/new/", views.order_new, name="order-new"),
    path("orders/<id:pk>/", views.order_detail, name="order-detail"),
    path("orders/<id:pk>/export/", views.order_export, name="order-export"),
    path("orders/<id:pk>/files/<id:file_id>/", views.order_download, name="order-file"),
    path("orders/<id:pk>/report/", views.order_report, name="order-report"),
    path("orders/<id:pk>/cancel/", views.order_cancel, name="order-cancel"),
]
