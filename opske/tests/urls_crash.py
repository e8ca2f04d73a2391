"""The portal's URLs plus one view that fails, to exercise the 500 page."""

from django.urls import path

from opske.urls import handler403, handler404, handler500
from opske.urls import urlpatterns as portal_urlpatterns


def _boom(request):
    raise RuntimeError("deliberate failure for the 500 page test")


urlpatterns = [path("boom/", _boom), *portal_urlpatterns]
__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
