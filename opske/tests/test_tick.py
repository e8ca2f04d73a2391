import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from opske.deadlines import deadline_schedule
from opske.models import Deadline, Heartbeat, Notification
from opske.tests.factories import UserFactory


@pytest.mark.django_db
def test_tick_stands_in_for_beat_and_fires_due_deadlines():
    user = UserFactory()
    deadline = deadline_schedule(
        obj=user,
        kind="opske.reminder",
        due_at=timezone.now() - datetime.timedelta(minutes=1),
        payload={"recipients": [user.pk], "subject": "Υπενθύμιση: λήγει η προθεσμία υποβολής"},
    )
    out = StringIO()

    call_command("tick", stdout=out)

    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.FIRED
    assert Notification.objects.filter(recipient=user, subject__startswith="Υπενθύμιση").exists()
    assert set(Heartbeat.objects.values_list("name", flat=True)) >= {"beat", "tick"}
    assert "sweep_deadlines=1" in out.getvalue()
