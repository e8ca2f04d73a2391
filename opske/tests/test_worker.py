"""A real Celery worker process against Redis and the test database.

Proves the production path end to end: a task sent through the broker is run by a separate worker
process (which loads the portal's settings from the environment), and a deadline sweep run there
fires a due deadline.
"""

import datetime
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone

from opske.deadlines import deadline_schedule
from opske.models import Deadline, Heartbeat, Notification
from opske.tests.factories import UserFactory

pytestmark = pytest.mark.worker


def _own_redis_url(url: str) -> str:
    """One Redis database per xdist process. The worker tests of two processes would otherwise share
    the broker's queue: one process's worker took the other's tasks and ran them against the wrong
    test database, and `purge()` emptied the other's queue."""
    index = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base - int(index or 0)) % 16}"))


REDIS_URL = _own_redis_url(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/2")
RESULT_TIMEOUT = 60


def _redis_reachable() -> bool:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:
        return False
    return True


def worker_env(tmp_path) -> dict:
    """The environment of a worker process on the test database and Redis (skips without them)."""
    if not _redis_reachable():
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: the real-worker test needs a broker")
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a shared PostgreSQL test database (set DATABASE_URL)")
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if db.get("PASSWORD"):
        database_url = database_url.replace(f"{db['USER']}@", f"{db['USER']}:{db['PASSWORD']}@", 1)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "opske.settings.local",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_URL": "dummymail://",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "SANDBOXES_ENABLED": "0",
    }


def start_worker(env: dict, log_path: Path, client: Celery, name: str = "") -> "Worker":
    """A `celery worker` process (one task at a time) writing its log to `log_path`."""
    log = log_path.open("a")
    celery_bin = Path(sys.executable).with_name("celery")
    proc = subprocess.Popen(  # noqa: S603
        [
            str(celery_bin),
            "-A",
            "opske",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"h2test-{os.getpid()}{name}@%h",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()  # the child holds its own descriptor
    return Worker(client=client, proc=proc, log_path=log_path)


def stop_worker(worker: "Worker") -> None:
    worker.proc.terminate()
    try:
        worker.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.proc.kill()
        worker.proc.wait(timeout=10)


def broker_client() -> Celery:
    client = Celery("opske-test-client", broker=REDIS_URL, backend=REDIS_URL)
    client.conf.broker_connection_retry_on_startup = True
    client.control.purge()  # leftovers of an earlier interrupted run must not run against this DB
    return client


@pytest.fixture
def worker(transactional_db, tmp_path):
    env = worker_env(tmp_path)
    client = broker_client()
    running = start_worker(env, tmp_path / "worker.log", client)
    try:
        yield running
    finally:
        stop_worker(running)
        client.close()


@dataclass
class Worker:
    client: Celery
    proc: subprocess.Popen
    log_path: Path

    def run(self, name, args=()):
        """Send a task through the broker and wait for its result from the worker process."""
        async_result = self.client.send_task(name, args=list(args))
        deadline = time.monotonic() + RESULT_TIMEOUT
        try:
            while not async_result.ready():
                if self.proc.poll() is not None:
                    pytest.fail(f"the worker exited ({self.proc.returncode}):\n{self.log_path.read_text()}")
                if time.monotonic() > deadline:
                    pytest.fail(f"no result for {name} in {RESULT_TIMEOUT}s:\n{self.log_path.read_text()}")
                time.sleep(0.1)
            # Not inside a task; an eager task run earlier in this process can leave Celery thinking so.
            return async_result.get(timeout=1, disable_sync_subtasks=False)
        finally:
            async_result.forget()


def test_a_real_worker_runs_ping_and_a_deadline_sweep(worker):
    # Given a worker process and a deadline that fell due while no sweep ran
    user = UserFactory(email="clerk@example.gr")
    deadline = deadline_schedule(
        obj=user,
        kind="opske.reminder",
        due_at=timezone.now() - datetime.timedelta(minutes=5),
        payload={"recipients": [user.pk], "subject": "Λήξη προθεσμίας ενστάσεων", "body": "…"},
    )

    # When ping goes through the broker
    answer = worker.run("opske.tasks.ping", [41])

    # Then the worker answered and left its heartbeat
    assert answer == 42
    assert Heartbeat.objects.filter(name="worker").exists()

    # And a deadline sweep run by the worker fires the due deadline exactly once
    assert worker.run("opske.tasks.sweep_deadlines") == 1
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.FIRED
    assert Notification.objects.filter(recipient=user, subject="Λήξη προθεσμίας ενστάσεων").count() == 1
    assert worker.run("opske.tasks.sweep_deadlines") == 0

    # And the e-mail delivery queued after commit is sent by the worker too
    delivery = Notification.objects.get(recipient=user).deliveries.get()
    for _ in range(100):
        delivery.refresh_from_db()
        if delivery.state == "sent":
            break
        time.sleep(0.2)
    assert delivery.state == "sent"
