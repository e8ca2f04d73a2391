"""Sandbox for the registry «deminimis»: filled in by the registry issue."""

urlpatterns: list = []
