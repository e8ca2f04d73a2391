"""Browser pages of operations/ (filled in area by area; each area may add its own urls module here)."""

from django.urls import path  # noqa: F401

app_name = "operations"
urlpatterns: list = []
