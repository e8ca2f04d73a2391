from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from opske import health, views

# Cross-cutting pages, namespaced "opske:".
opske_patterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<id:pk>/", views.inbox_detail, name="inbox-detail"),
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/<str:app_label>/<str:model>/<str:pk>/", views.audit_history, name="audit-history"),
    path("documents/<id:pk>/download/", views.document_download, name="document-download"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Registry-backed identity pages (TAXISnet, AADE refresh, ΑΜΚΑ) share the /accounts/ prefix.
    path("accounts/", include("interop.identity_urls")),
    path("accounts/", include("accounts.urls")),
    path("calls/", include("calls.urls")),
    path("api/v1/calls/", include("calls.api.urls")),
    path("evaluation/points/", include("evaluation.points.urls")),
    path("evaluation/comparative/", include("evaluation.comparative.urls")),
    path("applications/", include("applications.urls")),
    path("api/v1/applications/", include("applications.api.urls")),
    path("registries/", include("interop.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("operations/", include("operations.urls")),
    path("verification/", include("verification.urls")),
    path("api/v1/verification/", include("verification.api.urls")),
    path("payments/", include("payments.urls")),
    path("", include((opske_patterns, "opske"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("accounts.api.urls")),
    path("django-admin/", admin.site.urls),
]

if settings.SANDBOXES_ENABLED:
    urlpatterns += [path("sandbox/", include("interop.sandboxes.urls"))]

handler403 = "opske.views.error_403"
handler404 = "opske.views.error_404"
handler500 = "opske.views.error_500"
