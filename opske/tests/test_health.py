import datetime
import os

import pytest
from django.urls import reverse
from django.utils import timezone

from opske.tasks import beat_tick, heartbeat

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2")


def _redis_up() -> bool:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:
        return False
    return True


@pytest.mark.django_db
def test_embedded_mode_is_healthy_without_beat_and_says_so(client, settings):
    settings.REDIS_URL = ""

    response = client.get(reverse("healthz"))

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": True, "eager": True}
    assert body["beat"]["ok"] is True and body["beat"]["note"] == "not running (embedded mode)"


@pytest.mark.django_db
def test_with_a_broker_and_a_recent_beat_tick_it_is_healthy(client, settings):
    if not _redis_up():
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    settings.REDIS_URL = REDIS_URL
    beat_tick()

    response = client.get(reverse("healthz"))

    body = response.json()
    assert response.status_code == 200, body
    assert body["broker"] == {"ok": True, "url_scheme": "redis"}
    assert body["beat"]["ok"] is True and body["beat"]["last_tick"]


@pytest.mark.django_db
def test_a_stale_beat_with_a_broker_configured_is_unhealthy(client, settings):
    if not _redis_up():
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    settings.REDIS_URL = REDIS_URL
    heartbeat("beat", at=timezone.now() - datetime.timedelta(minutes=10))

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["status"] == "fail"
    assert response.json()["beat"]["ok"] is False


@pytest.mark.django_db
def test_an_unreachable_broker_is_unhealthy(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    beat_tick()

    response = client.get(reverse("healthz"))

    body = response.json()
    assert response.status_code == 503
    assert body["broker"]["ok"] is False and body["broker"]["url_scheme"] == "redis"
