from django.urls import path

from applications.api import views

app_name = "applications-api"
urlpatterns = [
    path("", views.ApplicationListCreateApi.as_view(), name="list"),
    path("staff/", views.StaffApplicationListApi.as_view(), name="staff-list"),
    path("<int:pk>/", views.ApplicationDetailApi.as_view(), name="detail"),
    path("<int:pk>/submit/", views.ApplicationSubmitApi.as_view(), name="submit"),
    path("<int:pk>/reopen/", views.ApplicationReopenApi.as_view(), name="reopen"),
    path("<int:pk>/withdraw/", views.ApplicationWithdrawApi.as_view(), name="withdraw"),
]
