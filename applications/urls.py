from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("", views.my_applications, name="mine"),
    path("staff/", views.staff_list, name="staff-list"),
    path("new/<int:call_pk>/", views.application_start, name="start"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/registry/", views.application_registry, name="registry"),
    path("<int:pk>/registry/refresh/", views.application_refresh_registries, name="registry-refresh"),
    path("<int:pk>/step/<slug:step>/", views.application_step, name="step"),
    path("<int:pk>/confirm/", views.application_confirm, name="confirm"),
    path("<int:pk>/reopen/", views.application_reopen, name="reopen"),
    path("<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
]
urlpatterns += [
    path("<int:pk>/attachments/upload/", views.attachment_upload, name="attachment-upload"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment-download"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/delete/", views.attachment_delete, name="attachment-delete"
    ),
]
