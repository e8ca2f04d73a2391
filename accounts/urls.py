"""Pages that need no registry. TAXISnet login/logout, the AADE refresh and «Δήλωση ΑΜΚΑ» are
mounted under the same /accounts/ prefix from `interop.identity_urls` (namespace «identity»)."""

from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_choice, name="login"),
    path("staff/login/", views.StaffLoginView.as_view(), name="staff_login"),
    path("staff/otp/", views.staff_otp, name="staff_otp"),
    path("staff/otp/enrol/", views.staff_otp_enrol, name="staff_otp_enrol"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("business/select/", views.business_select, name="business_select"),
    path("business/<str:afm>/contact/", views.business_contact, name="business_contact"),
    path("contact/confirm/<str:token>/", views.contact_confirm, name="contact_confirm"),
    path("business/<str:afm>/members/invite/", views.member_invite, name="member_invite"),
    path("business/<str:afm>/members/<id:pk>/revoke/", views.member_revoke, name="member_revoke"),
    path(
        "invitations/<id:pk>/<str:answer>/",
        views.invitation_answer,
        name="invitation_answer",
    ),
]
