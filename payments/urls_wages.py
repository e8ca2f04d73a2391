"""Browser pages of payments/, area «wages» (included by payments/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
