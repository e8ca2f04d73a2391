from django.conf import settings


def portal(request):
    return {"PORTAL_NAME": "ΟΠΣΚΕ", "SANDBOXES_ENABLED": settings.SANDBOXES_ENABLED}
