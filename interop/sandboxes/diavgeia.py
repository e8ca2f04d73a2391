"""Sandbox for the registry «diavgeia»: filled in by the registry issue."""

urlpatterns: list = []
