"""Browser pages of verification/. Areas keep their own url modules, included here."""

from django.urls import include, path

app_name = "verification"
urlpatterns: list = [
    path("", include("verification.urls_check")),
    path("risk/", include("verification.urls_risk")),
    path("onsite/", include("verification.urls_onsite")),
    path("claims/", include("verification.urls_claims")),
    path("requests/", include("verification.urls_requests")),
]
