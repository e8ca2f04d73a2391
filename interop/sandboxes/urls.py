"""The registry sandboxes, served by the portal itself in development and tests."""

app_name = "sandbox"
urlpatterns: list = []
