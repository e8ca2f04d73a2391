from django.urls import path

from . import views

app_name = "interop"
urlpatterns = [
    path("console/", views.console_home, name="console"),
    path("console/lookup/", views.lookup, name="lookup"),
    path("console/lookups/<id:pk>/", views.lookup_status, name="lookup-status"),
    path("calls/", views.call_log, name="calls"),
    path("waits/", views.waits, name="waits"),
    path("waits/<id:pk>/manual/", views.wait_manual, name="wait-manual"),
    path("sandboxes/", views.sandboxes, name="sandboxes"),
    path("sandboxes/deminimis/grant/", views.sandbox_deminimis_grant, name="sandbox-deminimis-grant"),
    path("sandboxes/<str:registry>/", views.sandbox_switch, name="sandbox-switch"),
    path("businesses/", views.business_find, name="business-find"),
    path("businesses/<id:pk>/check/", views.business_check, name="business-check"),
]

from . import ergani_views  # noqa: E402 - additive: the business's ΕΡΓΑΝΗ access (interop.ergani_access)

urlpatterns += [
    path("ergani/<id:business_pk>/", ergani_views.ergani_page, name="ergani"),
    path("ergani/<id:business_pk>/authorize/", ergani_views.ergani_authorize_view, name="ergani-authorize"),
    path("ergani/<id:business_pk>/upload/", ergani_views.ergani_upload_view, name="ergani-upload"),
    path("ergani/<id:business_pk>/revoke/", ergani_views.ergani_revoke_view, name="ergani-revoke"),
]
