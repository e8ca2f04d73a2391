from django.contrib.auth.views import LogoutView
from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("login/", views.login_choice, name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
]
