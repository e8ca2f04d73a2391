import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from opske.models import Delivery, Notification
from opske.notifications import delivery_send, notify, on_notice_sent
from opske.tasks import sweep_outbox
from opske.tests.factories import BusinessUserFactory, UserFactory

SERVED = []


@on_notice_sent("test.evaluation_result")
def _start_objection_window(notification):
    SERVED.append((notification.pk, notification.sent_at))


@pytest.mark.django_db
def test_a_legal_notice_is_emailed_after_commit_and_its_send_time_is_kept(django_capture_on_commit_callbacks):
    business = BusinessUserFactory(email="info@bakery.gr")
    SERVED.clear()

    with django_capture_on_commit_callbacks(execute=True):
        [notification] = notify(
            recipients=[business],
            subject="Αποτέλεσμα αξιολόγησης",
            body="Η αίτησή σας εγκρίθηκε.",
            kind="test.evaluation_result",
            obj=business,
            legal=True,
        )
        assert mail.outbox == []  # nothing leaves before commit

    notification.refresh_from_db()
    delivery = notification.deliveries.get()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["info@bakery.gr"]
    assert "Η αίτησή σας εγκρίθηκε." in mail.outbox[0].body
    assert reverse("opske:inbox-detail", args=[notification.pk]) in mail.outbox[0].body
    assert delivery.state == Delivery.State.SENT and delivery.sent_at is not None
    assert notification.sent_at == delivery.sent_at
    assert [(notification.pk, delivery.sent_at)] == SERVED


@pytest.mark.django_db
def test_a_sent_delivery_is_never_sent_again(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = notify(recipients=[user], subject="Θέμα", body="Κείμενο", kind="test.info")
    delivery = notification.deliveries.get()

    assert delivery_send(delivery.pk) == Delivery.State.SENT
    assert delivery_send(delivery.pk) == Delivery.State.SENT

    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1


@pytest.mark.django_db
def test_a_recipient_without_email_still_gets_the_inbox_copy_and_a_failed_delivery_with_reason(
    django_capture_on_commit_callbacks,
):
    user = BusinessUserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[user], subject="Κλήση για διευκρινίσεις", body="…", kind="test.info", legal=True)

    notification = Notification.objects.get(recipient=user)
    delivery = notification.deliveries.get()
    assert delivery.state == Delivery.State.FAILED
    assert "e-mail" in delivery.error
    assert notification.sent_at is None
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_outbox_sweep_sends_a_delivery_whose_task_was_never_enqueued():
    # Given a delivery recorded while the broker was down: inside the test's transaction the
    # on_commit enqueue never runs, so no task was ever sent for it...
    user = UserFactory(email="clerk@example.gr")
    [notification] = notify(recipients=[user], subject="Υπενθύμιση", body="…", kind="test.info")
    delivery = notification.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    assert mail.outbox == []

    # ...when the outbox is swept...
    enqueued = sweep_outbox()

    # ...then it is sent.
    delivery.refresh_from_db()
    assert enqueued == 1
    assert delivery.state == Delivery.State.SENT
    assert [m.to for m in mail.outbox] == [["clerk@example.gr"]]
    assert sweep_outbox() == 0


@pytest.mark.django_db
def test_the_outbox_sweep_leaves_fresh_deliveries_to_their_own_task():
    user = UserFactory()
    notify(recipients=[user], subject="Νέο", body="…", kind="test.info")

    assert sweep_outbox() == 0
    assert Delivery.objects.get().state == Delivery.State.PENDING


@pytest.mark.django_db
def test_the_inbox_lists_unread_first_and_reading_marks_read(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    other = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(recipients=[user], subject="Πρώτο μήνυμα", body="α", kind="test.info")[0]
        notify(recipients=[user], subject="Δεύτερο μήνυμα", body="β", kind="test.info")
        others = notify(recipients=[other], subject="Ξένο μήνυμα", body="γ", kind="test.info")[0]
    client.force_login(user)

    page = client.get(reverse("home")).content.decode()
    assert 'class="opske-badge"' in page and ">2</span>" in page

    response = client.get(reverse("opske:inbox-detail", args=[first.pk]))
    assert response.status_code == 200
    assert "Πρώτο μήνυμα" in response.content.decode()
    first.refresh_from_db()
    assert first.read_at is not None

    unread = client.get(reverse("opske:inbox") + "?unread=1").content.decode()
    assert "Δεύτερο μήνυμα" in unread and "Πρώτο μήνυμα" not in unread
    listing = client.get(reverse("opske:inbox")).content.decode()
    assert listing.index("Δεύτερο μήνυμα") < listing.index("Πρώτο μήνυμα")
    assert "Ξένο μήνυμα" not in listing
    assert client.get(reverse("opske:inbox-detail", args=[others.pk])).status_code == 404


@pytest.mark.django_db
def test_the_inbox_list_costs_the_same_queries_for_many_messages(client, django_assert_max_num_queries):
    user = UserFactory()
    for n in range(30):
        notify(recipients=[user], subject=f"Μήνυμα {n}", body="…", kind="test.info")
    client.force_login(user)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("opske:inbox"))

    assert response.status_code == 200
    assert "Σελίδα 1 από 2" in response.content.decode()


@pytest.mark.django_db
def test_the_inbox_needs_a_login(client):
    response = client.get(reverse("opske:inbox"))
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_same_delivery_send_one_email():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    user = UserFactory(email="twice@example.gr")
    [notification] = notify(recipients=[user], subject="Μία φορά", body="…", kind="test.info")
    delivery = notification.deliveries.get()
    mail.outbox.clear()  # the after-commit send already ran; make the row pending again
    Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.PENDING, sent_at=None)
    barrier = threading.Barrier(2)
    states = []

    def send():
        try:
            barrier.wait()
            states.append(delivery_send(delivery.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert states == [Delivery.State.SENT, Delivery.State.SENT]
    assert len(mail.outbox) == 1
