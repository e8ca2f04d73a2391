"""Browser pages of payments/ (filled in area by area; each area may add its own urls module here)."""

from django.urls import path  # noqa: F401

app_name = "payments"
urlpatterns: list = []
