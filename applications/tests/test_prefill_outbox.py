"""The registry prefill is durable work (issue 11): recorded with the draft, re-sent by the outbox
sweep when its task was lost (broker down, worker killed), cleared when every registry answered
or waits on its own `RegistryWait`; the panel's auto-refresh then ends. Its answers lock the
application before the audit chain, as autosaves do, so the two cannot deadlock."""

import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from applications import services
from applications.models import Application, RegistrySnapshot
from applications.tasks import prefill_registries
from applications.tests.factories import member, person_user
from interop.models import RegistryWait
from interop.sandboxes.control import set_mode
from opske.tasks import sweep_outbox

LIGNITIS = "804773470"
MARIA = "15038580948"  # registered with ΔΥΠΑ since 13/01/2025


def _panel(user, app) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("applications:registry", args=[app.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(prefill_registries, "delay", refuse)


def test_a_draft_created_while_the_broker_is_down_is_prefilled_by_the_outbox_sweep(
    kya7066, monkeypatch, django_capture_on_commit_callbacks
):
    # Given the broker refuses the prefill task when the draft is created
    user = member(LIGNITIS)
    _broker_down(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        app = services.application_create(actor=user, call_id=kya7066.pk)
    # Then the request succeeded, the prefill is recorded as owed and the panel keeps polling
    app.refresh_from_db()
    assert app.registry_prefill_requested_at is not None
    assert not app.registry_snapshots.exists()
    assert 'hx-trigger="every 3s"' in _panel(user, app)
    # When the broker is back and the sweep runs
    monkeypatch.undo()
    assert sweep_outbox(older_than_minutes=0) >= 1
    # Then the registries answered, nothing is owed and the panel stops refreshing itself
    app.refresh_from_db()
    assert set(app.registry_snapshots.values_list("registry", flat=True)) >= {"aade", "deminimis"}
    assert app.registry_prefill_requested_at is None
    assert "hx-trigger" not in _panel(user, app)


def test_a_prefill_that_died_half_way_stays_owed_and_is_finished_by_the_sweep(kya7066, monkeypatch):
    # Given a worker that dies after the AADE answer, before the ΠΣΣΕΗΣ call
    user = member(LIGNITIS)
    app = services.application_create(actor=user, call_id=kya7066.pk)

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr("applications.registry_handlers.fetch_deminimis", killed)
    with pytest.raises(SystemExit):
        prefill_registries(app.pk)
    app.refresh_from_db()
    assert list(app.registry_snapshots.values_list("registry", flat=True)) == ["aade"]
    assert app.registry_prefill_requested_at is not None
    # When a worker is back and the sweep re-sends it (twice, by accident)
    monkeypatch.undo()
    sweep_outbox(older_than_minutes=0)
    sweep_outbox(older_than_minutes=0)
    # Then it is done once per registry, and no longer owed
    app.refresh_from_db()
    registries = sorted(app.registry_snapshots.values_list("registry", flat=True))
    assert registries == ["aade", "deminimis", "ergani"]
    assert app.registry_prefill_requested_at is None
    assert sweep_outbox(older_than_minutes=0) == 0


def test_a_fresh_prefill_is_left_to_its_own_task(kya7066):
    app = services.application_create(actor=member(LIGNITIS), call_id=kya7066.pk)
    assert sweep_outbox() == 0  # younger than the outbox age: its task is presumably on its way
    app.refresh_from_db()
    assert app.registry_prefill_requested_at is not None


def test_a_refresh_asked_for_while_the_prefill_runs_stays_owed(kya7066):
    user = member(LIGNITIS)
    app = services.application_create(actor=user, call_id=kya7066.pk)
    first = Application.objects.get(pk=app.pk).registry_prefill_requested_at
    services.application_request_registry_refresh(actor=user, application=app)
    newer = Application.objects.get(pk=app.pk).registry_prefill_requested_at
    assert newer > first
    # The earlier run finishing does not clear the newer request
    assert services.application_prefill_done(application_id=app.pk, requested_at=first) is False
    assert Application.objects.get(pk=app.pk).registry_prefill_requested_at == newer
    assert services.application_prefill_done(application_id=app.pk, requested_at=newer) is True


def test_a_registry_that_is_down_ends_the_prefill_with_a_named_wait_and_slow_polling(kya7066, settings):
    settings.INTEROP_MAX_ATTEMPTS = 1
    user = member(LIGNITIS)
    set_mode("deminimis", "down")
    try:
        app = services.application_create(actor=user, call_id=kya7066.pk)
        prefill_registries(app.pk)
    finally:
        set_mode("deminimis", "normal")
    app.refresh_from_db()
    # The prefill itself is done: ΠΣΣΕΗΣ has its own wait, which beat retries
    assert app.registry_prefill_requested_at is None
    assert RegistryWait.objects.filter(object_id=str(app.pk), registry="deminimis", status="open").exists()
    html = _panel(user, app)
    assert 'hx-trigger="every 30s"' in html
    assert "ΠΣΣΕΗΣ" in html and "νέα προσπάθεια αυτόματα" in html


@pytest.mark.django_db(transaction=True)
def test_registry_answers_and_autosaves_at_once_neither_deadlocks_nor_fails(postgres_only, kya16936):
    # Given a person's draft, the ΔΥΠΑ answer (which also prefills the education) and autosaves
    # of the person step arriving at the same moment, many times over
    user = person_user(MARIA)
    app = services.application_create(actor=user, call_id=kya16936.pk)
    errors: list[BaseException] = []
    rounds = 8

    def answer(barrier):
        try:
            barrier.wait()
            services.application_store_registry_result(
                application=Application.objects.get(pk=app.pk),
                registry=RegistrySnapshot.Registry.DYPA,
                status=RegistrySnapshot.Status.OK,
                data={"registered": True, "education": "ΠΕ"},
                fetched_at=app.created_at,
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def autosave(barrier):
        try:
            barrier.wait()
            services.application_save_step(
                actor=user, application_id=app.pk, step="general", payload={"email": "maria@example.gr"}
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    for _ in range(rounds):
        Application.objects.filter(pk=app.pk).update(education="")
        barrier = threading.Barrier(3, timeout=30)
        threads = [
            threading.Thread(target=answer, args=(barrier,)),
            threading.Thread(target=autosave, args=(barrier,)),
            threading.Thread(target=autosave, args=(barrier,)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    # Then nothing was aborted, and both the answer and the autosaves are kept
    assert not errors, errors
    app.refresh_from_db()
    assert app.education == "ΠΕ" and app.email == "maria@example.gr"
    assert app.registry_snapshots.get().registry == "dypa"
