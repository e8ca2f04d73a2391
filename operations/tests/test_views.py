"""The operation pages: who sees what (another business: 404, a role that does not follow
operations: 403), bad input at the field with nothing lost, the confirmation steps, query counts."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role
from accounts.tests.factories import BusinessFactory, UserFactory
from operations.models import Modification, ObligationCheck
from operations.tests.factories import call004_operation, coordinator_of, kya7066_operation

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor():
    return UserFactory(username="head", email="head@example.gr", roles=[Role.SUPERVISOR])


@pytest.fixture
def op004():
    return call004_operation()


def _page(client, user, url, **kw):
    client.force_login(user)
    return client.get(url, **kw)


def test_business_member_sees_the_operation_page(client, op004):
    answer = _page(client, coordinator_of(op004.business), reverse("operations:detail", args=[op004.pk]))
    page = answer.content.decode()
    assert answer.status_code == 200
    assert op004.code in page and op004.decision.ada in page
    assert "200.000,00 €" in page and "390.000,00 €" not in page  # per category, |eur
    assert "30/06/2029" in page or op004.ends_on.strftime("%d/%m/%Y") in page
    assert 'id="section-modifications"' in page and 'id="section-obligations"' in page
    assert reverse("operations:modification-new", args=[op004.pk]) in page


def test_another_business_gets_404_and_a_role_that_does_not_follow_operations_403(client, op004):
    other = coordinator_of(BusinessFactory())
    assert _page(client, other, reverse("operations:detail", args=[op004.pk])).status_code == 404
    assert _page(client, other, reverse("operations:modification-new", args=[op004.pk])).status_code == 404
    evaluator = UserFactory(roles=[Role.EVALUATOR])
    assert _page(client, evaluator, reverse("operations:detail", args=[op004.pk])).status_code == 403
    assert _page(client, evaluator, reverse("operations:staff-list")).status_code == 403
    verifier = UserFactory(roles=[Role.VERIFIER])
    assert _page(client, verifier, reverse("operations:detail", args=[op004.pk])).status_code == 200


def test_only_the_coordinator_opens_the_modification_form(client, op004):
    financial = coordinator_of(op004.business, role=Membership.BusinessRole.FINANCIAL_OFFICER)
    assert _page(client, financial, reverse("operations:detail", args=[op004.pk])).status_code == 200
    assert (
        _page(client, financial, reverse("operations:modification-new", args=[op004.pk])).status_code == 403
    )


def test_lists_are_paginated_filtered_and_count_their_queries(client, django_assert_max_num_queries):
    first = call004_operation()
    second = kya7066_operation()
    staff = UserFactory(roles=[Role.PROGRAMME_ADMIN])
    client.force_login(staff)
    with django_assert_max_num_queries(12):
        answer = client.get(reverse("operations:staff-list"))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert first.code in page and second.code in page
    only_004 = client.get(reverse("operations:staff-list"), {"call": first.call_id}).content.decode()
    assert first.code in only_004 and second.code not in only_004
    by_code = client.get(reverse("operations:staff-list"), {"q": second.code}).content.decode()
    assert second.code in by_code and first.code not in by_code
    from operations import services

    services.modification_file(
        actor=coordinator_of(second.business), operation_id=second.pk, type_code="manager", reason="x"
    )
    pending = client.get(reverse("operations:staff-list"), {"pending_modification": "yes"}).content.decode()
    assert second.code in pending and first.code not in pending
    assert client.get(reverse("operations:staff-list"), {"page": "999"}).status_code == 200
    assert client.get(reverse("operations:staff-list"), {"state": "nonsense"}).status_code == 200
    member = coordinator_of(first.business)
    client.force_login(member)
    with django_assert_max_num_queries(10):
        mine = client.get(reverse("operations:my-list"))
    assert first.code in mine.content.decode() and second.code not in mine.content.decode()


def _post_modification(client, op, user, **data):
    client.force_login(user)
    base = {"type_code": "07", "reason": "Νέες ανάγκες υλοποίησης"}
    return client.post(reverse("operations:modification-new", args=[op.pk]), {**base, **data})


def test_amount_with_three_decimals_is_refused_at_the_field(client, op004):
    answer = _post_modification(
        client, op004, coordinator_of(op004.business),
        **{"amount_02.06": "150.000,123", "amount_04.22": "150.000,00", "amount_07.05": "100.000,00"},
    )  # fmt: skip
    assert answer.status_code == 400
    form = answer.context["form"]
    assert "amount_02.06" in form.errors
    assert 'value="150.000,123"' in answer.content.decode()  # nothing lost
    assert not Modification.objects.exists()


def test_shift_over_the_limits_is_refused_at_its_category(client, op004):
    answer = _post_modification(
        client, op004, coordinator_of(op004.business),
        **{"amount_02.06": "140.000,00", "amount_04.22": "160.000,00", "amount_07.05": "100.000,00"},
    )  # fmt: skip
    assert answer.status_code == 400
    errors = answer.context["form"].errors
    assert "25%" in errors["amount_02.06"][0] and "25%" in errors["amount_04.22"][0]
    assert not Modification.objects.exists()


def test_a_second_request_in_progress_is_refused_with_a_clear_message(client, op004):
    coordinator = coordinator_of(op004.business)
    ok = _post_modification(client, op004, coordinator, type_code="04")
    assert ok.status_code == 302
    again = _post_modification(
        client, op004, coordinator,
        **{"amount_02.06": "150.000,00", "amount_04.22": "150.000,00", "amount_07.05": "100.000,00"},
    )  # fmt: skip
    assert again.status_code == 400
    assert "άλλο αίτημα τροποποίησης" in again.context["form"].errors["type_code"][0]
    assert Modification.objects.count() == 1


def test_filing_shows_a_receipt_and_the_supervisor_confirms_the_approval(client, op004, supervisor):
    coordinator = coordinator_of(op004.business)
    answer = _post_modification(
        client, op004, coordinator,
        **{"amount_02.06": "150.000,00", "amount_04.22": "150.000,00", "amount_07.05": "100.000,00"},
    )  # fmt: skip
    mod = Modification.objects.get()
    assert answer.url == reverse("operations:modification", args=[mod.pk])
    receipt = client.get(answer.url).content.decode()
    assert "Απόδειξη υποβολής" in receipt and mod.protocol_number in receipt
    client.force_login(UserFactory(roles=[Role.VERIFIER]))
    decide = {"decision": "approve", "characterisation": "necessary", "reason": "Τεκμηριωμένο"}
    assert client.post(answer.url, decide).status_code == 403
    client.force_login(supervisor)
    first = client.post(answer.url, decide)
    assert first.status_code == 200 and 'id="confirm-title"' in first.content.decode()
    mod.refresh_from_db()
    assert mod.state == "submitted"  # nothing changed before the confirmation
    done = client.post(answer.url, {**decide, "confirm": "on"})
    assert done.status_code == 302
    mod.refresh_from_db()
    assert mod.state == "approved"
    assert op004.versions.count() == 2
    client.force_login(coordinator)
    page = client.get(reverse("operations:detail", args=[op004.pk])).content.decode()
    assert "150.000,00 €" in page and mod.protocol_number in page


def test_approval_without_characterisation_is_refused_at_the_field(client, op004, supervisor):
    from operations import services

    mod = services.modification_file(
        actor=coordinator_of(op004.business), operation_id=op004.pk, type_code="03", reason="x"
    )
    client.force_login(supervisor)
    answer = client.post(
        reverse("operations:modification", args=[mod.pk]), {"decision": "approve", "reason": "ok"}
    )
    assert answer.status_code == 400 and "characterisation" in answer.context["form"].errors


def test_completion_with_confirmation_then_yearly_checks(client, supervisor):
    op = call004_operation(approval_notified_at=timezone.now() - datetime.timedelta(days=400))
    url = reverse("operations:complete", args=[op.pk])
    assert _page(client, UserFactory(roles=[Role.VERIFIER]), url).status_code == 403
    client.force_login(supervisor)
    bad = client.post(url, {"final_payment_on": "31/02/2026"})
    assert bad.status_code == 400 and "final_payment_on" in bad.context["form"].errors
    paid = (timezone.localdate() - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    assert 'id="confirm-title"' in client.post(url, {"final_payment_on": paid}).content.decode()
    assert client.post(url, {"final_payment_on": paid, "confirm": "on"}).status_code == 302
    op.refresh_from_db()
    assert op.state == "completed"
    check = ObligationCheck.objects.filter(obligation__operation=op).first()
    check_url = reverse("operations:obligation-check", args=[check.pk])
    missing = client.post(check_url, {"outcome": "breached", "reason": ""})
    assert missing.status_code == 400 and "reason" in missing.context["form"].errors
    assert (
        client.post(check_url, {"outcome": "breached", "reason": "Εκμίσθωση εξοπλισμού"}).status_code == 302
    )
    check.refresh_from_db()
    assert check.outcome == "breached"
    page = client.get(reverse("operations:detail", args=[op.pk])).content.decode()
    assert "Εκμίσθωση εξοπλισμού" in page


def test_kya7066_extension_form_refuses_45_days(client):
    op = kya7066_operation()
    answer = _post_modification(
        client,
        op,
        coordinator_of(op.business),
        type_code="extension",
        extension_days="45",
        extension_ground="illness",
    )
    assert answer.status_code == 400 and "extension_days" in answer.context["form"].errors
    assert op.approved_total == D("24174.00")


def test_business_dashboard_links_my_operations(client, op004):
    client.force_login(coordinator_of(op004.business))
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("operations:detail", args=[op004.pk]) in page
    assert reverse("operations:my-list") in page


def test_staff_dashboard_links_the_operations_list(client):
    client.force_login(UserFactory(roles=[Role.SUPERVISOR]))
    assert reverse("operations:staff-list") in client.get(reverse("accounts:dashboard")).content.decode()


def test_objection_to_a_rejection_through_the_pages(client, supervisor):
    from operations import services

    op = kya7066_operation()
    coordinator = coordinator_of(op.business)
    mod = services.modification_file(actor=coordinator, operation_id=op.pk, type_code="manager", reason="x")
    services.modification_decide(
        actor=supervisor, modification_id=mod.pk, approve=False, reason="Λείπει η σύμβαση"
    )
    url = reverse("operations:modification", args=[mod.pk])
    client.force_login(coordinator)
    assert 'id="object-modification"' in client.get(url).content.decode()
    empty = client.post(url, {"action": "object", "text": ""})
    assert empty.status_code == 400 and "text" in empty.context["objection_form"].errors
    asked = client.post(url, {"action": "object", "text": "Επισυνάπτεται η σύμβαση."})
    assert 'id="confirm-title"' in asked.content.decode()
    assert (
        client.post(
            url, {"action": "object", "text": "Επισυνάπτεται η σύμβαση.", "confirm": "on"}
        ).status_code
        == 302
    )
    mod.refresh_from_db()
    assert mod.state == "objected"
    client.force_login(supervisor)
    data = {"action": "objection_decide", "outcome": "dismiss", "objection_reason": "Δεν αλλάζει η κρίση"}
    assert client.post(url, {**data, "confirm": "on"}).status_code == 302
    mod.refresh_from_db()
    assert mod.state == "rejected_final"


@pytest.mark.parametrize(
    "role, detail, staff_list, complete",
    [
        (Role.PROGRAMME_ADMIN, 200, 200, 200),
        (Role.SUPERVISOR, 200, 200, 200),
        (Role.VERIFIER, 200, 200, 403),
        (Role.PAYMENT_OFFICER, 200, 200, 403),
        (Role.AUDITOR, 200, 200, 403),
        (Role.EVALUATOR, 403, 403, 403),
        (Role.COMMITTEE_MEMBER, 403, 403, 403),
    ],
)
def test_permission_matrix_of_the_staff_pages(client, op004, role, detail, staff_list, complete):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("operations:detail", args=[op004.pk])).status_code == detail
    assert client.get(reverse("operations:staff-list")).status_code == staff_list
    assert client.get(reverse("operations:complete", args=[op004.pk])).status_code == complete
    assert client.get(reverse("operations:modification-new", args=[op004.pk])).status_code in (403, 404)


def test_anonymous_is_sent_to_login(client, op004):
    answer = client.get(reverse("operations:detail", args=[op004.pk]))
    assert answer.status_code == 302 and "login" in answer.url


def test_operation_page_query_budget(client, op004, django_assert_max_num_queries):
    client.force_login(coordinator_of(op004.business))
    with django_assert_max_num_queries(25):
        assert client.get(reverse("operations:detail", args=[op004.pk])).status_code == 200


def test_extension_page_with_confirmation(client, supervisor):
    op = call004_operation(approval_notified_at=timezone.now() - datetime.timedelta(days=500))
    url = reverse("operations:extend", args=[op.pk])
    client.force_login(supervisor)
    assert url in client.get(reverse("operations:detail", args=[op.pk])).content.decode()
    late = client.post(url, {"new_end": "01/07/2029", "reason": "Τροπ. 2/2028"})
    assert late.status_code == 400 and "30/06/2029" in late.context["form"].errors["new_end"][0]
    new_end = op.ends_on + datetime.timedelta(days=60)
    data = {"new_end": new_end.strftime("%d/%m/%Y"), "reason": "Τροπ. 2/2028"}
    assert 'id="confirm-title"' in client.post(url, data).content.decode()
    assert client.post(url, {**data, "confirm": "on"}).status_code == 302
    op.refresh_from_db()
    assert op.ends_on == new_end
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(roles=[Role.AUDITOR]))
    assert client.get(url).status_code == 403
