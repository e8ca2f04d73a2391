"""The demo round loads, is idempotent, and can be scored by the demo committee member."""

import io

import pytest

from applications.models import Application
from applications.tests.factories import load_world
from evaluation.comparative import demo, services
from evaluation.comparative.models import Committee

pytestmark = pytest.mark.django_db


def test_demo_round_loads_once_and_the_committee_can_open_a_sheet():
    load_world()
    out = io.StringIO()
    demo.load(out)
    demo.load(out)
    assert "υπάρχει ήδη" in out.getvalue()
    committee = Committee.objects.get()
    apps = Application.objects.filter(call=committee.round.call)
    assert apps.count() == 5
    sheet = services.score_sheet_open(actor=committee.chair, application_id=apps.first().pk)
    assert sheet.criterion_scores.get(criterion_code="3", sub_code="β").value > 0
