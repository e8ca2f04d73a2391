from django.urls import path

from calls.api import views

app_name = "calls-api"
urlpatterns = [
    path("", views.CallListApi.as_view(), name="list"),
    path("<id:pk>/", views.CallDetailApi.as_view(), name="detail"),
]
