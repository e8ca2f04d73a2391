from django.urls import path

from applications.api import attachments, views

app_name = "applications-api"
urlpatterns = [
    path("", views.ApplicationListCreateApi.as_view(), name="list"),
    path("staff/", views.StaffApplicationListApi.as_view(), name="staff-list"),
    path("<id:pk>/", views.ApplicationDetailApi.as_view(), name="detail"),
    path("<id:pk>/submit/", views.ApplicationSubmitApi.as_view(), name="submit"),
    path("<id:pk>/reopen/", views.ApplicationReopenApi.as_view(), name="reopen"),
    path("<id:pk>/withdraw/", views.ApplicationWithdrawApi.as_view(), name="withdraw"),
    path("<id:pk>/attachments/", attachments.ApplicationAttachmentsApi.as_view(), name="attachments"),
    path(
        "<id:pk>/attachments/<id:attachment_pk>/",
        attachments.ApplicationAttachmentDetailApi.as_view(),
        name="attachment",
    ),
]
