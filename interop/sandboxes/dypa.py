"""Sandbox for the registry «dypa»: filled in by the registry issue."""

urlpatterns: list = []
