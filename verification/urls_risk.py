"""Pages of one area, included by the app's urls.py (kept apart so areas are built in parallel)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
