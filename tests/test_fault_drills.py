"""Fault drills (issue 11): the registries answer errors half the time while businesses start their
applications through the pages, and the broker refuses work meanwhile. Nothing is lost (every
prefill is finished, by retries or by the outbox sweep), nothing is done twice (one draft each, one
snapshot per registry), no answer is a 5xx, and the audit chain verifies afterwards."""

from __future__ import annotations

from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from applications.tasks import prefill_registries
from applications.tests.factories import load_world, member, seeded_call
from interop.models import RegistryCall, RegistryWait
from interop.sandboxes.control import set_mode
from opske.audit.chain import verify_chain
from opske.tasks import sweep_outbox

pytestmark = pytest.mark.django_db
BUSINESSES = ("804773470", "806994236", "808982626")
REGISTRIES = ("aade", "deminimis", "gemi", "ergani", "efka", "aade_clearance")


@pytest.fixture
def flaky_registries():
    for registry in REGISTRIES:
        set_mode(registry, "flaky")
    yield
    for registry in REGISTRIES:
        set_mode(registry, "normal")


def _start(afm, call, capture):
    client = Client()
    client.force_login(member(afm))
    with capture(execute=True):
        answer = client.post(reverse("applications:start", args=[call.pk]), {"business_afm": afm})
    return answer


def test_with_registries_failing_half_the_time_every_prefill_completes_once(
    flaky_registries, django_capture_on_commit_callbacks
):
    load_world()
    call = seeded_call()

    answers = [_start(afm, call, django_capture_on_commit_callbacks) for afm in BUSINESSES]

    assert [a.status_code for a in answers] == [302, 302, 302]
    apps = list(Application.objects.filter(call=call))
    assert sorted(a.business.afm for a in apps) == sorted(BUSINESSES)  # one draft each
    for app in apps:
        assert app.registry_prefill_requested_at is None, app.pk
        snapshots = Counter(app.registry_snapshots.values_list("registry", flat=True))
        assert {"aade", "deminimis"} <= set(snapshots)
        assert max(snapshots.values()) == 1, snapshots  # each registry's answer kept once
    # The faults happened and were absorbed by the clients' retries.
    assert RegistryCall.objects.filter(attempts__gt=1).exists()
    assert not RegistryWait.objects.filter(status="open").exists()
    assert verify_chain() is None


def test_with_the_broker_down_and_registries_failing_the_sweep_finishes_what_was_owed(
    flaky_registries, django_capture_on_commit_callbacks, monkeypatch, settings
):
    settings.INTEROP_MAX_ATTEMPTS = 1  # a failed call is not retried at once: the outbox must
    load_world()
    call = seeded_call()

    def refuse(*args, **kwargs):
        raise OSError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(prefill_registries, "delay", refuse)
    answers = [_start(afm, call, django_capture_on_commit_callbacks) for afm in BUSINESSES]
    assert [a.status_code for a in answers] == [302, 302, 302]  # the page answers, the work is owed
    assert Application.objects.filter(call=call, registry_prefill_requested_at__isnull=False).count() == 3

    monkeypatch.undo()  # the broker is back; beat's sweeps and wait retries run
    from interop.waiting import registry_waits_retry_due

    for _ in range(6):
        sweep_outbox(older_than_minutes=0)
        RegistryWait.objects.filter(status="open").update(next_attempt_at=timezone.now())
        registry_waits_retry_due()
    apps = list(Application.objects.filter(call=call))
    assert len(apps) == 3
    for app in apps:
        assert app.registry_prefill_requested_at is None, app.pk
        assert {"aade", "deminimis"} <= set(app.registry_snapshots.values_list("registry", flat=True))
    assert RegistryCall.objects.filter(outcome=RegistryCall.Outcome.UNAVAILABLE).exists()  # faults happened
    assert verify_chain() is None
