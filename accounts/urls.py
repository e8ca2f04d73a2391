from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_choice, name="login"),
    path("taxisnet/start/", views.taxisnet_start, name="taxisnet_start"),
    path("taxisnet/callback/", views.taxisnet_callback, name="taxisnet_callback"),
    path("staff/login/", views.StaffLoginView.as_view(), name="staff_login"),
    path("logout/", views.logout_view, name="logout"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("business/select/", views.business_select, name="business_select"),
    path("business/<str:afm>/refresh/", views.business_refresh, name="business_refresh"),
    path("business/<str:afm>/members/invite/", views.member_invite, name="member_invite"),
    path("business/<str:afm>/members/<int:pk>/revoke/", views.member_revoke, name="member_revoke"),
]
