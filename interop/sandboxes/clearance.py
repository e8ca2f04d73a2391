"""Sandbox for the registry «clearance»: filled in by the registry issue."""

urlpatterns: list = []
