"""Sandbox for the registry «gemi»: filled in by the registry issue."""

urlpatterns: list = []
