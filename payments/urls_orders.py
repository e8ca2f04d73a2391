"""Browser pages of payments/, area «orders» (included by payments/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
