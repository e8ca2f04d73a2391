"""Pages of verification requests (ΔΔΔ): the beneficiary's filing and the staff's read-only view."""

from django.urls import path

from verification import views_requests as views

urlpatterns = [
    path("", views.mine, name="requests-mine"),
    path("new/<int:operation_pk>/", views.create, name="requests-create"),
    path("<int:pk>/", views.detail, name="requests-detail"),
    path("<int:pk>/kind/", views.set_kind, name="requests-kind"),
    path("<int:pk>/items/", views.item_add, name="requests-item-add"),
    path("<int:pk>/items/<int:item_pk>/", views.item_edit, name="requests-item-edit"),
    path("<int:pk>/items/<int:item_pk>/remove/", views.item_remove, name="requests-item-remove"),
    path("<int:pk>/files/", views.attachment_upload, name="requests-file-upload"),
    path("<int:pk>/files/<int:attachment_pk>/", views.attachment_download, name="requests-file"),
    path("<int:pk>/files/<int:attachment_pk>/delete/", views.attachment_delete, name="requests-file-delete"),
    path("<int:pk>/submit/", views.submit, name="requests-submit"),
    path("<int:pk>/receipt/", views.receipt, name="requests-receipt"),
    path("staff/", views.staff_list, name="requests-staff"),
    path("staff/<int:pk>/", views.staff_detail, name="requests-staff-detail"),
]
