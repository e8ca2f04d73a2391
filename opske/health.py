"""`GET /healthz`: is the database answering, the broker reachable, beat ticking?

200 when every part is ok, 503 otherwise. Without a broker (embedded mode: tasks inline, `manage.py
tick` standing in for beat) a missing tick is reported but does not fail the check.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlparse

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from opske.models import Heartbeat

BEAT_MAX_AGE = datetime.timedelta(minutes=3)


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "vendor": connection.vendor, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> dict:
    url = settings.REDIS_URL
    if not url:
        return {"ok": True, "eager": True}
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        client.ping()
        client.close()
    except Exception as exc:
        return {"ok": False, "url_scheme": urlparse(url).scheme, "error": type(exc).__name__}
    return {"ok": True, "url_scheme": urlparse(url).scheme}


def check_beat(database_ok: bool) -> dict:
    last = None
    if database_ok:
        try:
            last = Heartbeat.objects.filter(name="beat").values_list("at", flat=True).first()
        except Exception:
            last = None
    recent = last is not None and timezone.now() - last <= BEAT_MAX_AGE
    result = {"ok": recent, "last_tick": last.isoformat() if last else None}
    if not settings.REDIS_URL:
        result["ok"] = True
        if not recent:
            result["note"] = "not running (embedded mode)"
    return result


@never_cache
@require_GET
def healthz(request):
    database = check_database()
    broker = check_broker()
    beat = check_beat(database["ok"])
    healthy = database["ok"] and broker["ok"] and beat["ok"]
    body = {"status": "ok" if healthy else "fail", "database": database, "broker": broker, "beat": beat}
    return JsonResponse(body, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})
