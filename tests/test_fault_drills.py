"""Fault drills (issue 11): the registries answer errors half the time while businesses start their
applications through the pages, and the broker refuses work meanwhile; the broker refuses the
receipts while businesses finalise; a real worker is killed mid-task. Nothing is lost (every
prefill is finished, by retries or by the outbox sweep), nothing is done twice (one draft each, one
snapshot per registry), no answer is a 5xx, and the audit chain verifies afterwards."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

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


def test_with_the_broker_down_submissions_are_answered_and_each_receipt_comes_once_it_is_back(
    django_capture_on_commit_callbacks, monkeypatch, settings
):
    """The broker refuses the receipts' tasks while two businesses finalise through the API (one
    retries its request with the same Idempotency-Key): every answer is a 200 with its protocol
    number, at once; the receipts are owed. When the broker is back the outbox sweep records each
    receipt and its notices once; a second sweep and a late second delivery add nothing."""
    from rest_framework.test import APIClient

    from applications import services
    from applications.models import Submission
    from applications.tasks import after_submission, after_submissions
    from applications.tests.factories import complete_business_draft
    from opske.models import Delivery, GeneratedDocument

    load_world()
    call = seeded_call()
    # The third demo business is over its de minimis ceiling (a 400 at the field, tested elsewhere).
    drafts = {afm: complete_business_draft(member(afm), call, afm=afm) for afm in BUSINESSES[:2]}

    def refuse(*args, **kwargs):
        raise OSError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    settings.APPLICATIONS_RECEIPT_BATCH_SECONDS = 30  # as served: receipts in batches through the broker
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setitem(services._receipt_batch, "next", 0.0)
    monkeypatch.setattr(after_submission, "delay", refuse)
    monkeypatch.setattr(after_submissions, "apply_async", refuse)
    answers = []
    for n, (afm, draft) in enumerate(drafts.items()):
        api = APIClient()
        api.force_authenticate(member(afm))
        url = f"/api/v1/applications/{draft.pk}/submit/"
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(api.post(url, HTTP_IDEMPOTENCY_KEY=f"drill-{n}"))
            if n == 0:  # the client did not see its answer and asks again
                answers.append(api.post(url, HTTP_IDEMPOTENCY_KEY="drill-0"))
    assert [a.status_code for a in answers] == [200, 200, 200], [a.json() for a in answers]
    assert answers[0].json() == answers[1].json()  # the retry is the first answer, not a second one
    numbers = [a.json()["protocol_number"] for a in answers[1:]]
    assert len(set(numbers)) == 2 and all(numbers)
    assert Submission.objects.count() == 2 and Submission.objects.filter(receipt__isnull=True).count() == 2

    monkeypatch.undo()  # the broker is back; beat's sweep runs (its tasks inline, as a worker would)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    receipts = GeneratedDocument.objects.filter(kind="application_receipt")
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_outbox(older_than_minutes=0) >= 2
    assert not Submission.objects.filter(receipt__isnull=True).exists()
    assert receipts.count() == 2 and not receipts.exclude(state=GeneratedDocument.State.READY).exists()
    sent = Delivery.objects.count()
    assert sent >= 2 and not Delivery.objects.filter(state=Delivery.State.PENDING).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_outbox(older_than_minutes=0) == 0  # nothing is owed any more
        for submission in Submission.objects.all():
            after_submission(submission.pk)  # a late second delivery of the lost message
    assert receipts.count() == 2 and Delivery.objects.count() == sent
    assert {a.receipt_id for a in Application.objects.filter(pk__in=[d.pk for d in drafts.values()])} == set(
        receipts.values_list("pk", flat=True)
    )
    assert verify_chain() is None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_task_loses_nothing_and_nothing_is_done_twice(tmp_path, monkeypatch):
    """A real `celery worker` is killed (SIGKILL) while it renders a document, holding the row's
    lock; the message it held stays unacknowledged. The outbox sweep, run by a second worker,
    re-sends the owed work; the document is rendered once, and a late second delivery of the same
    message (what Redis does when the visibility timeout passes) changes nothing."""
    import signal
    import time

    from django.db import DatabaseError, transaction

    from accounts.models import User
    from opske.models import GeneratedDocument
    from opske.pdf import document_request
    from opske.tests.test_worker import broker_client, start_worker, stop_worker, worker_env

    env = worker_env(tmp_path)
    client = broker_client()
    owner = User.objects.create(username="drill-owner", kind=User.Kind.TAXISNET)
    first = start_worker(env, tmp_path / "worker-1.log", client, name="-1")
    try:
        # The request's on-commit hook sends the task through the broker (tests otherwise run tasks
        # inline in this process).
        monkeypatch.setattr(
            "opske.pdf._enqueue", lambda pk: client.send_task("opske.tasks.render_document", args=[pk])
        )
        document = document_request(
            obj=owner,
            kind="drill",
            template="pdf/notice.html",
            context={"title": "Άσκηση βλάβης", "paragraphs": ["Παράγραφος ελέγχου αντοχής."] * 300},
        )
        deadline = time.monotonic() + 60
        while True:  # mid-task: the worker holds the document's row lock while it renders
            assert time.monotonic() < deadline, (tmp_path / "worker-1.log").read_text()
            try:
                with transaction.atomic():
                    GeneratedDocument.objects.select_for_update(nowait=True).filter(pk=document.pk).first()
            except DatabaseError:
                break
            assert first.proc.poll() is None, (tmp_path / "worker-1.log").read_text()
            time.sleep(0.02)
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait(timeout=10)
    finally:
        if first.proc.poll() is None:
            stop_worker(first)

    document.refresh_from_db()
    assert document.state == GeneratedDocument.State.PENDING  # the render died with the worker

    second = start_worker(env, tmp_path / "worker-2.log", client, name="-2")
    try:
        assert second.run("opske.tasks.sweep_outbox", [0]) >= 1  # re-sends what is owed
        deadline = time.monotonic() + 90
        while document.state == GeneratedDocument.State.PENDING:
            assert time.monotonic() < deadline, (tmp_path / "worker-2.log").read_text()
            time.sleep(0.2)
            document.refresh_from_db()
        assert document.state == GeneratedDocument.State.READY
        rendered = (document.sha256, document.ready_at, document.file.name)
        # The killed worker's message, delivered again late, finds the work done.
        assert second.run("opske.tasks.render_document", [document.pk]) == GeneratedDocument.State.READY
        document.refresh_from_db()
        assert (document.sha256, document.ready_at, document.file.name) == rendered
        files = list((tmp_path / "media").rglob("drill-*"))
        assert [f.name for f in files] == [Path(document.file.name).name]  # one file, made once
        assert second.run("opske.tasks.sweep_outbox", [0]) == 0  # nothing is owed any more
    finally:
        stop_worker(second)
        client.close()
    assert verify_chain() is None
