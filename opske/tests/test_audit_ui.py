import datetime

import pytest
from django.db import connection, transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from opske.audit import record
from opske.models import AuditEvent
from opske.tests.factories import BusinessUserFactory, UserFactory


def _change(actor, obj, action, before, after, reason=""):
    with transaction.atomic():
        return record(actor=actor, action=action, obj=obj, before=before, after=after, reason=reason)


def _history_url(obj):
    return reverse("opske:audit-history", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [
        Role.PROGRAMME_ADMIN,
        Role.SUPERVISOR,
        Role.AUDITOR,
        Role.VERIFIER,
        Role.PAYMENT_OFFICER,
        Role.EVALUATOR,
    ],
)
def test_staff_roles_see_an_objects_history_newest_first_with_the_diff(client, role):
    clerk = UserFactory(first_name="Νίκος", last_name="Αλεξίου")
    subject = BusinessUserFactory()
    _change(clerk, subject, "application.submitted", {"state": "draft"}, {"state": "submitted"})
    _change(
        clerk,
        subject,
        "application.rejected",
        {"state": "submitted"},
        {"state": "rejected"},
        "ΚΑΔ 56.10 αποκλείεται",
    )
    client.force_login(UserFactory(roles=[role]))

    response = client.get(_history_url(subject))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("application.rejected") < page.index("application.submitted")
    assert "ΚΑΔ 56.10 αποκλείεται" in page
    assert "Νίκος Αλεξίου" in page
    assert "opske-diff--changed" in page and "rejected" in page


@pytest.mark.django_db
@pytest.mark.parametrize("make_user", [BusinessUserFactory, lambda: UserFactory(roles=[Role.API_CLIENT])])
def test_a_business_user_gets_404_for_audit_pages(client, make_user):
    subject = BusinessUserFactory()
    _change(None, subject, "x.changed", {"a": 1}, {"a": 2})
    client.force_login(make_user())

    assert client.get(_history_url(subject)).status_code == 404
    assert client.get(reverse("opske:audit-list")).status_code == 404


@pytest.mark.django_db
def test_anonymous_users_get_404_too(client):
    subject = BusinessUserFactory()
    assert client.get(_history_url(subject)).status_code == 404


@pytest.mark.django_db
def test_the_history_is_paginated(client):
    subject = BusinessUserFactory()
    for n in range(30):
        _change(None, subject, f"step.{n:02d}", {"n": n}, {"n": n + 1})
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    first = client.get(_history_url(subject)).content.decode()
    second = client.get(_history_url(subject) + "?page=2").content.decode()

    assert "step.29" in first and "step.00" not in first
    assert "step.00" in second


@pytest.mark.django_db
def test_auditors_filter_the_global_audit_list_by_action_and_actor(client, django_assert_max_num_queries):
    alice = UserFactory(username="alice")
    bob = UserFactory(username="bob")
    subject = BusinessUserFactory()
    _change(alice, subject, "payment.approved", None, {"amount": "1000.00"})
    _change(bob, subject, "payment.rejected", None, {"amount": "50.00"})
    _change(alice, subject, "application.submitted", None, {"state": "submitted"})
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as ctx:
        page = client.get(
            reverse("opske:audit-list"), {"action": "payment", "actor": alice.pk}
        ).content.decode()

    assert "payment.approved" in page
    assert "payment.rejected" not in page and "application.submitted" not in page
    assert f'<option value="{alice.pk}" selected>alice</option>' in page and ">bob</option>" in page
    # The «Ενεργών» options are one plain query, not a server-side cursor's DECLARE/FETCH/CLOSE.
    assert not [q for q in ctx.captured_queries if "DECLARE" in q["sql"]]


@pytest.mark.django_db
def test_a_bad_date_filter_shows_a_greek_error_instead_of_failing(client):
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    response = client.get(reverse("opske:audit-list"), {"date_from": "όχι-ημερομηνία"})

    assert response.status_code == 200
    assert "govgr-error-message" in response.content.decode()


@pytest.mark.django_db
def test_the_history_link_include_shows_only_for_staff():
    subject = BusinessUserFactory()
    template = Template('{% include "opske/_history_link.html" with obj=subject %}')
    request = RequestFactory().get("/")

    request.user = UserFactory(roles=[Role.VERIFIER])
    assert _history_url(subject) in template.render(Context({"request": request, "subject": subject}))
    request.user = subject
    assert template.render(Context({"request": request, "subject": subject})).strip() == ""


@pytest.mark.django_db
def test_the_global_list_filters_by_date_range(client):
    subject = BusinessUserFactory()
    old = _change(None, subject, "old.event", None, {"a": 1})
    _change(None, subject, "new.event", None, {"a": 2})
    # Events are append-only through the ORM; the test backdates one with plain SQL.
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE opske_auditevent SET created_at = %s WHERE id = %s",
            [datetime.datetime(2024, 1, 10, 12, tzinfo=datetime.UTC), old.pk],
        )
    assert AuditEvent.objects.count() == 2
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    page = client.get(reverse("opske:audit-list"), {"date_from": "2024-01-01", "date_to": "2024-01-31"})

    assert "old.event" in page.content.decode() and "new.event" not in page.content.decode()


@pytest.fixture
def kya7066_draft(db):
    from applications.tests.factories import complete_business_draft, load_world, member, seeded_call
    from calls import seeds

    load_world()
    call = seeded_call(seeds.kya7066)
    return complete_business_draft(member("804773470"), call, afm="804773470")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.VERIFIER, 404),
        (Role.PAYMENT_OFFICER, 404),
        (Role.EVALUATOR, 404),
        (Role.AUDITOR, 200),
        (Role.PROGRAMME_ADMIN, 200),
    ],
)
def test_a_draft_applications_history_is_not_for_verifiers_payers_or_evaluators(
    client, kya7066_draft, role, status
):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(_history_url(kya7066_draft)).status_code == status


@pytest.mark.django_db
def test_the_unfiltered_audit_list_pages_by_the_chain_numbers_without_counting_or_offset(client):
    subject = BusinessUserFactory()
    for n in range(60):
        _change(None, subject, f"step.{n:02d}", None, {"n": n})
    last = AuditEvent.objects.order_by("-seq").first().seq
    total = AuditEvent.objects.count()
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    with CaptureQueriesContext(connection) as ctx:
        third = client.get(reverse("opske:audit-list"), {"page": 3}).content.decode()
    listing = [q["sql"] for q in ctx.captured_queries if "opske_auditevent" in q["sql"]]  # before the next
    first = client.get(reverse("opske:audit-list")).content.decode()

    assert "step.59" in first and "step.34" not in first  # 25 a page, newest first
    assert "step.09" in third and "step.10" not in third and "step.08" in third
    assert f"από {-(-total // 25)}" in third  # the page count from the chain's head
    assert not any("COUNT(" in sql for sql in listing)
    assert any(f'"seq" <= {last - 50}' in sql and "OFFSET" not in sql for sql in listing)
