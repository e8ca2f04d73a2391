"""Browser pages of operations/ (Πράξεις). Areas keep their own url modules, included here."""

from django.urls import include, path

from operations import views

app_name = "operations"
urlpatterns: list = [
    path("mine/", views.my_list, name="my-list"),
    path("staff/", views.staff_list, name="staff-list"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/modifications/new/", views.modification_new, name="modification-new"),
    path("modifications/<id:pk>/", views.modification_detail, name="modification"),
    path("<id:pk>/complete/", views.complete, name="complete"),
    path("<id:pk>/extend/", views.extend, name="extend"),
    path("obligation-checks/<id:pk>/", views.obligation_check, name="obligation-check"),
    path("", include("operations.urls_hires")),
    path("", include("operations.urls_questionnaires")),
]
