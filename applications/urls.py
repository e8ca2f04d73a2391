from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("", views.my_applications, name="mine"),
    path("staff/", views.staff_list, name="staff-list"),
    path("new/<id:call_pk>/", views.application_start, name="start"),
    path("<id:pk>/", views.application_detail, name="detail"),
    path("<id:pk>/registry/", views.application_registry, name="registry"),
    path("<id:pk>/registry/refresh/", views.application_refresh_registries, name="registry-refresh"),
    path("<id:pk>/step/<slug:step>/", views.application_step, name="step"),
    path("<id:pk>/confirm/", views.application_confirm, name="confirm"),
    path("<id:pk>/reopen/", views.application_reopen, name="reopen"),
    path("<id:pk>/withdraw/", views.application_withdraw, name="withdraw"),
]
urlpatterns += [
    path("<id:pk>/attachments/upload/", views.attachment_upload, name="attachment-upload"),
    path("<id:pk>/attachments/<id:attachment_pk>/", views.attachment_download, name="attachment-download"),
    path("<id:pk>/attachments/<id:attachment_pk>/delete/", views.attachment_delete, name="attachment-delete"),
]
