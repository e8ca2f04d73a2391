"""Sandbox for the registry «ergani»: filled in by the registry issue."""

urlpatterns: list = []
