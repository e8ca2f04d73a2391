"""Sandbox for the registry «idika»: filled in by the registry issue."""

urlpatterns: list = []
