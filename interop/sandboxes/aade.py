"""Sandbox for the registry «aade»: filled in by the registry issue."""

urlpatterns: list = []
