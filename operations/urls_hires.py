"""Pages of the hires area (ΚΥΑ 7066 positions, hires, leavers), included by operations/urls.py."""

from django.urls import path

from operations import views_hires as views

urlpatterns: list = [
    path("hires/attention/", views.watch, name="hires-watch"),
    path("<int:pk>/hires/", views.overview, name="hires"),
    path("<int:pk>/hires/positions/<int:position_pk>/hire/", views.hire_new, name="hire-new"),
    path("<int:pk>/hires/<int:hire_pk>/leave/", views.hire_leave, name="hire-leave"),
    path(
        "<int:pk>/hires/positions/<int:position_pk>/extension/",
        views.extension_request,
        name="hire-extension-request",
    ),
    path(
        "<int:pk>/hires/positions/<int:position_pk>/extension/decide/",
        views.extension_decide,
        name="hire-extension-decide",
    ),
    path("<int:pk>/hires/positions/<int:position_pk>/stop/", views.position_stop, name="hire-position-stop"),
    path("<int:pk>/hires/headcount/", views.headcount_check, name="hire-headcount"),
]
