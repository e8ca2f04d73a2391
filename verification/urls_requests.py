"""Pages of verification requests (ΔΔΔ): the beneficiary's filing and the staff's read-only view."""

from django.urls import path

from verification import views_requests as views

urlpatterns = [
    path("", views.mine, name="requests-mine"),
    path("new/<id:operation_pk>/", views.create, name="requests-create"),
    path("<id:pk>/", views.detail, name="requests-detail"),
    path("<id:pk>/kind/", views.set_kind, name="requests-kind"),
    path("<id:pk>/items/", views.item_add, name="requests-item-add"),
    path("<id:pk>/items/<id:item_pk>/", views.item_edit, name="requests-item-edit"),
    path("<id:pk>/items/<id:item_pk>/remove/", views.item_remove, name="requests-item-remove"),
    path("<id:pk>/files/", views.attachment_upload, name="requests-file-upload"),
    path("<id:pk>/files/<id:attachment_pk>/", views.attachment_download, name="requests-file"),
    path("<id:pk>/files/<id:attachment_pk>/delete/", views.attachment_delete, name="requests-file-delete"),
    path("<id:pk>/submit/", views.submit, name="requests-submit"),
    path("<id:pk>/receipt/", views.receipt, name="requests-receipt"),
    path("staff/", views.staff_list, name="requests-staff"),
    path("staff/<id:pk>/", views.staff_detail, name="requests-staff-detail"),
]
