"""Sandbox for the registry «gsis»: filled in by the registry issue."""

urlpatterns: list = []
