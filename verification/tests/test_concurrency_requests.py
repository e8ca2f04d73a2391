"""Two people of the same business open a request at the same moment: one draft, one number
(request_create takes the operation's row lock before it reads the open draft and the next seq)."""

import threading

import pytest
from django.db import close_old_connections

from verification.models import VerificationRequest
from verification.services import requests as services
from verification.tests.factories import member_of, operation_004


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_make_one_draft():
    op = operation_004()
    users = [member_of(op.business), member_of(op.business)]
    barrier = threading.Barrier(len(users))
    results, errors = [], []

    def create(user):
        try:
            barrier.wait()
            results.append(services.request_create(actor=user, operation_id=op.pk).pk)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=create, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(set(results)) == 1
    assert VerificationRequest.objects.filter(operation=op).count() == 1
