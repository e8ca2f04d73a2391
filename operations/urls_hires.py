"""Pages of the hires area (ΚΥΑ 7066 positions, hires, leavers), included by operations/urls.py."""

from django.urls import path

from operations import views_hires as views

urlpatterns: list = [
    path("hires/attention/", views.watch, name="hires-watch"),
    path("<id:pk>/hires/", views.overview, name="hires"),
    path("<id:pk>/hires/positions/<id:position_pk>/hire/", views.hire_new, name="hire-new"),
    path("<id:pk>/hires/<id:hire_pk>/leave/", views.hire_leave, name="hire-leave"),
    path(
        "<id:pk>/hires/positions/<id:position_pk>/extension/",
        views.extension_request,
        name="hire-extension-request",
    ),
    path(
        "<id:pk>/hires/positions/<id:position_pk>/extension/decide/",
        views.extension_decide,
        name="hire-extension-decide",
    ),
    path("<id:pk>/hires/positions/<id:position_pk>/stop/", views.position_stop, name="hire-position-stop"),
    path("<id:pk>/hires/headcount/", views.headcount_check, name="hire-headcount"),
]
