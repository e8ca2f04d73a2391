"""Browser pages of operations/ (Πράξεις). Areas keep their own url modules, included here."""

from django.urls import include, path

app_name = "operations"
urlpatterns: list = [
    path("", include("operations.urls_hires")),
    path("", include("operations.urls_questionnaires")),
]
