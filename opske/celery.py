"""The Celery app. Without REDIS_URL tasks run inline (CELERY_TASK_ALWAYS_EAGER)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opske.settings.local")

app = Celery("opske")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
