"""The hires pages: who may do what (another business and the wrong role get a 404, a step without
its confirmation changes nothing), the Head's extension decision and the Art. 10.4γ stop."""

import datetime
from datetime import time as T

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from applications.tests.factories import member
from interop.sandboxes.data_people import GREVENA_SUBSIDISED_HIRE as HIRED
from operations import services
from operations.models import HeadcountCheck, Position
from operations.tests.factories_hires import PAPADOPOULOU, operation_for

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def vacant(kya7066):
    op, user = operation_for(kya7066, notified_on=HIRED - 10 * DAY)
    hire = services.hire_record(
        actor=user, operation_id=op.pk, position_id=op.positions.get().pk, amka=PAPADOPOULOU, hire_date=HIRED,
        referral_number="Σ-1", referral_date=HIRED - DAY, work_from=T(8, 0), work_to=T(16, 0),
        declaration_exclusions=True, declaration_other_scheme=True,
    )  # fmt: skip
    services.hire_record_leaving(
        actor=user, hire_id=hire.pk, left_on=timezone.localdate() - DAY, reason="Παραίτηση"
    )
    return op, user, op.positions.get()


def test_the_head_decides_the_extension_on_a_confirmation_page_art_10_2(vacant, client, supervisor):
    op, user, position = vacant
    client.force_login(user)
    ask = reverse("operations:hire-extension-request", args=[op.pk, position.pk])
    assert client.post(ask, {"reason": ""}).status_code == 422  # the reason is required, at the field
    assert client.post(ask, {"reason": "Το ΚΠΑ2 αναζητά υποψήφιο"}).status_code == 302
    decide = reverse("operations:hire-extension-decide", args=[op.pk, position.pk])
    assert client.get(decide).status_code == 404  # the business does not decide

    client.force_login(supervisor)
    overview = client.get(reverse("operations:hires", args=[op.pk])).content.decode()
    assert "Απόφαση παράτασης" in overview and "Ιστορικό αλλαγών" in overview
    page = client.post(decide, {"grant": "yes", "reason": "Εύλογο"})
    assert page.status_code == 200 and b"confirm-irreversible" in page.content
    position.refresh_from_db()
    assert position.extension == "requested"  # nothing changed before the confirmation
    done = client.post(decide, {"grant": "yes", "reason": "Εύλογο", "confirm": "on"})
    position.refresh_from_db()
    assert done.status_code == 302 and position.extension == "granted"
    assert position.replacement_due == position.vacated_on + 60 * DAY


def test_only_the_head_records_that_no_unemployed_person_exists_art_10_4c(vacant, client, supervisor):
    op, user, position = vacant
    url = reverse("operations:hire-position-stop", args=[op.pk, position.pk])
    verifier = UserFactory(username="epalitheftis", roles=[Role.VERIFIER])
    for who in (user, verifier):
        client.force_login(who)
        assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == 404
    client.force_login(supervisor)
    client.post(url, {"reason": "Βεβαίωση ΚΠΑ2 αρ. 55: κανείς άνεργος της ειδικότητας", "confirm": "on"})
    position.refresh_from_db()
    assert position.state == Position.State.STOPPED


def test_staff_check_the_headcount_from_the_page_and_the_business_cannot(vacant, client):
    op, user, _ = vacant
    url = reverse("operations:hire-headcount", args=[op.pk])
    period = {"period_start": HIRED.isoformat(), "period_end": (timezone.localdate() - DAY).isoformat()}
    client.force_login(user)
    assert client.post(url, period).status_code == 404
    client.force_login(UserFactory(username="epalitheftis", roles=[Role.VERIFIER]))
    assert client.post(url, period).status_code == 302
    check = HeadcountCheck.objects.get(operation=op)
    assert check.committed == 20 and check.period_end == timezone.localdate() - DAY


def test_the_overview_lists_with_a_bounded_number_of_queries(vacant, client, django_assert_max_num_queries):
    op, user, _ = vacant
    client.force_login(user)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("operations:hires", args=[op.pk]) + "?p-state=vacant")
    assert page.status_code == 200 and "Αντικατάσταση" in page.content.decode()
    client.force_login(member("804773470"))
    assert client.get(reverse("operations:hires", args=[op.pk])).status_code == 404


def test_staff_see_the_positions_past_the_hiring_deadline_and_the_vacant_ones(kya7066, client, supervisor):
    late, _ = operation_for(kya7066, notified_on=timezone.localdate() - 70 * DAY)
    in_time, _ = operation_for(kya7066, notified_on=timezone.localdate() - 5 * DAY)
    url = reverse("operations:hires-watch")
    client.force_login(member("804773470"))
    assert client.get(url).status_code == 404
    client.force_login(supervisor)
    page = client.get(url).content.decode()
    assert late.code in page and in_time.code not in page
    assert late.code not in client.get(url, {"w-state": "vacant"}).content.decode()


def test_the_operation_page_section_summarises_positions_and_flags_the_unfilled(kya7066, rf):
    from django.template.loader import render_to_string

    from opske.deadlines import sweep_due_deadlines

    op, user = operation_for(kya7066, notified_on=timezone.localdate() - 61 * DAY)
    sweep_due_deadlines()
    request = rf.get("/")
    request.user = user
    html = render_to_string(
        "operations/sections/_hires.html", {"operation": op, "user": user, "request": request}
    )
    assert "1 εγκεκριμένη θέση" in html and "χωρίς πρόσληψη μετά την προθεσμία" in html
    assert (
        reverse("operations:hires", args=[op.pk]) in html
        and reverse("verification:claims", args=[op.pk]) in html
    )
