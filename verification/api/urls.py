from django.urls import path

from verification.api import views

app_name = "verification-api"
urlpatterns = [
    path("requests/", views.VerificationRequestListApi.as_view(), name="requests"),
    path("requests/<id:pk>/", views.VerificationRequestDetailApi.as_view(), name="request"),
]
