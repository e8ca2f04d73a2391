"""The recoveries pages: staff list with filters and pagination, the reference rates page kept by
programme_admin with errors at the field, another business's recovery a 404."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from applications.tests.factories import load_world, member, seeded_call
from calls import seeds
from operations.tests.factories_hires import operation_for
from payments.demo_recoveries import paid_history
from payments.models import ReferenceRate
from payments.services import recoveries as services

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def setup(db):
    load_world()
    payer = UserFactory(username="plirotis", roles=[Role.PAYMENT_OFFICER])
    admin = UserFactory(username="diaxeiristis", roles=[Role.PROGRAMME_ADMIN])
    for year in range(timezone.localdate().year - 2, timezone.localdate().year + 1):
        services.reference_rate_save(actor=admin, year=year, rate=Decimal("3.5"), source="ΕΕ C (δοκιμή)")
    call = seeded_call(seeds.kya7066)
    hired = timezone.localdate() - 400 * DAY
    op, business_user = operation_for(call, per_category=(("01.22", 1),), notified_on=hired - 10 * DAY)
    case = paid_history(operation=op, member=business_user, payer=payer, hired=hired)
    recovery = services.recovery_compute_clawback(actor=payer, case_id=case.pk)
    return {"payer": payer, "admin": admin, "recovery": recovery, "business": business_user}


def test_staff_list_filters_and_shows_the_amounts(client, setup, django_assert_max_num_queries):
    client.force_login(setup["payer"])
    with django_assert_max_num_queries(25):
        page = client.get(reverse("payments:recoveries"), {"state": "computed"})
    assert page.status_code == 200 and setup["recovery"].code in page.content.decode()
    assert "3.160,00 €" in page.content.decode()
    none = client.get(reverse("payments:recoveries"), {"state": "repaid"})
    assert setup["recovery"].code not in none.content.decode()
    assert client.get(reverse("payments:recoveries"), {"page": "x"}).status_code == 200


def test_business_does_not_see_a_computation_nor_another_business(client, setup):
    client.force_login(setup["business"])
    url = reverse("payments:recovery-detail", args=[setup["recovery"].pk])
    assert client.get(url).status_code == 404  # not yet decided: internal
    assert client.get(reverse("payments:recoveries")).status_code == 404
    other = member("804773470")
    client.force_login(other)
    assert client.get(url).status_code == 404


def test_reference_rate_page_refuses_a_bad_rate_at_the_field(client, setup):
    client.force_login(setup["admin"])
    url = reverse("payments:reference-rates")
    answer = client.post(url, {"year": "2030", "rate": "τρία", "source": "ΕΕ C 2030"})
    body = answer.content.decode()
    assert answer.status_code == 422 and "Γράψτε το επιτόκιο ως αριθμό" in body and 'id="field-rate"' in body
    assert not ReferenceRate.objects.filter(year=2030).exists()
    answer = client.post(url, {"year": "2030", "rate": "3,25", "source": "ΕΕ C 2030"})
    assert answer.status_code == 302 and ReferenceRate.objects.get(year=2030).rate == Decimal("3.250")
    client.force_login(setup["payer"])
    assert client.post(url, {"year": "2031", "rate": "3", "source": "x"}).status_code == 404


def test_the_staff_list_costs_the_same_queries_for_more_recoveries(client, setup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("payments:recoveries")).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(setup["payer"])
    one = queries()
    call = setup["recovery"].operation.call
    hired = timezone.localdate() - 400 * DAY
    op, user = operation_for(
        call, per_category=(("01.22", 1),), notified_on=hired - 10 * DAY, user=setup["business"]
    )
    case = paid_history(operation=op, member=user, payer=setup["payer"], hired=hired)
    services.recovery_compute_clawback(actor=setup["payer"], case_id=case.pk)
    assert queries() == one
