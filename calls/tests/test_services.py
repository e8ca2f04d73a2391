"""Call lifecycle: create, edit, publish, amend with versions and diffs, archive, permissions."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from calls import services
from calls.models import Call, CallVersion
from calls.tests.factories import (
    CallFactory,
    ProgrammeFactory,
    business_user,
    evaluator,
    programme_admin,
    published_call,
)
from calls.versioning import diff_snapshots
from opske.errors import Conflict, PermissionDenied, ValidationFailed
from opske.models import AuditEvent

pytestmark = pytest.mark.django_db


def _fields(**overrides):
    now = timezone.now()
    return {
        "title": "Νέα πρόσκληση",
        "aid_regime": Call.AidRegime.DE_MINIMIS,
        "applicant_kind": Call.ApplicantKind.BUSINESS,
        "evaluation_method": Call.EvaluationMethod.FCFS_DIRECT,
        "total_budget": Decimal("1000.00"),
        "submission_opens_at": now,
        "submission_closes_at": now + datetime.timedelta(days=10),
        **overrides,
    }


def test_programme_admin_creates_a_draft_with_pools_and_kad_list():
    admin = programme_admin()
    programme = ProgrammeFactory()

    call = services.call_create(
        actor=admin,
        programme_id=programme.pk,
        code="nea",
        fields=_fields(kad_list_mode="exclude"),
        children={
            "pools": [
                {"code": "a", "label": "Α", "amount": Decimal("600.00")},
                {"code": "b", "label": "Β", "amount": Decimal("400.00")},
            ],
            "areas": [{"level": "region", "region": "Δυτικής Μακεδονίας", "pool": "a"}],
            "kad_rules": ["01", "47995501"],
        },
    )

    assert call.status == Call.Status.DRAFT
    assert sorted(call.kad_rules.values_list("code", flat=True)) == ["01", "47.99.55.01"]
    assert call.areas.get().pool.code == "a"
    assert AuditEvent.objects.filter(action="call.create", object_id=str(call.pk)).count() == 1


@pytest.mark.parametrize("make_user", [business_user, evaluator])
def test_business_user_and_evaluator_cannot_create_publish_or_amend(make_user):
    user = make_user()
    draft = CallFactory()
    live = published_call()

    with pytest.raises(PermissionDenied):
        services.call_create(actor=user, programme_id=draft.programme_id, code="x", fields=_fields())
    with pytest.raises(PermissionDenied):
        services.call_publish(actor=user, call_id=draft.pk)
    with pytest.raises(PermissionDenied):
        services.call_amend(actor=user, call_id=live.pk, reason="x", fields={"title": "άλλο"})
    with pytest.raises(PermissionDenied):
        services.call_archive(actor=user, call_id=live.pk)
    draft.refresh_from_db()
    assert draft.status == Call.Status.DRAFT
    assert live.versions.count() == 1


def test_publish_freezes_version_one_and_makes_the_call_public():
    call = CallFactory()

    version = services.call_publish(actor=programme_admin(), call_id=call.pk, decision_ref="ΑΔΑ ΧΧΧ")

    call.refresh_from_db()
    assert call.status == Call.Status.PUBLISHED
    assert call.current_version == version
    assert version.number == 1
    assert version.snapshot["call"]["total_budget"] == "100000.00"
    assert version.snapshot["pools"]["all"]["amount"] == "100000.00"
    assert Call.objects.public().filter(pk=call.pk).exists()


def test_publish_refuses_pools_that_do_not_add_up_to_the_budget():
    call = CallFactory(total_budget=Decimal("200000.00"))
    call.pools.update(amount=Decimal("150000.00"))

    with pytest.raises(ValidationFailed) as err:
        services.call_publish(actor=programme_admin(), call_id=call.pk)

    assert "pools" in err.value.fields
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT


def test_draft_edit_is_refused_after_publication():
    call = published_call()

    with pytest.raises(Conflict):
        services.call_update_draft(actor=programme_admin(), call_id=call.pk, fields={"title": "Άλλος"})


def test_amendment_creates_a_new_version_with_a_field_by_field_diff_and_audit():
    call = published_call()
    admin = programme_admin()

    version = services.call_amend(
        actor=admin,
        call_id=call.pk,
        reason="Αύξηση προϋπολογισμού",
        fields={"total_budget": Decimal("150000.00")},
        children={"pools": [{"code": "all", "label": "Σύνολο", "amount": Decimal("150000.00")}]},
    )

    first = call.versions.get(number=1)
    changes = {c.path: (c.before, c.after) for c in diff_snapshots(first.snapshot, version.snapshot)}
    assert version.number == 2
    assert changes == {
        "call.total_budget": ("100000.00", "150000.00"),
        "pools.all.amount": ("100000.00", "150000.00"),
    }
    event = AuditEvent.objects.get(action="call.amend", object_id=str(call.pk))
    assert event.reason == "Αύξηση προϋπολογισμού"
    assert event.after["call.total_budget"] == "150000.00"


def test_amendment_needs_a_reason_and_a_change():
    call = published_call()
    admin = programme_admin()

    with pytest.raises(ValidationFailed) as no_reason:
        services.call_amend(actor=admin, call_id=call.pk, reason=" ", fields={"title": "Άλλος"})
    with pytest.raises(ValidationFailed) as no_change:
        services.call_amend(actor=admin, call_id=call.pk, reason="τίποτα")

    assert "reason" in no_reason.value.fields
    assert no_change.value.code == "amendment_empty"
    assert call.versions.count() == 1


def test_earlier_versions_stay_unchanged_after_an_amendment():
    call = published_call()
    services.call_amend(
        actor=programme_admin(), call_id=call.pk, reason="τίτλος", fields={"title": "Νέος τίτλος"}
    )

    first = CallVersion.objects.get(call=call, number=1)

    assert first.snapshot["call"]["title"] != "Νέος τίτλος"
    with pytest.raises(TypeError):
        first.save()
    with pytest.raises(TypeError):
        CallVersion.objects.filter(pk=first.pk).update(label="x")


def test_amendment_cannot_shrink_a_pool_below_what_it_already_holds():
    call = published_call()
    pool = call.pools.get()
    services.pool_reserve(pool_id=pool.pk, amount="90000")

    with pytest.raises(Conflict):
        services.call_amend(
            actor=programme_admin(),
            call_id=call.pk,
            reason="μείωση",
            fields={"total_budget": Decimal("80000.00")},
            children={"pools": [{"code": "all", "label": "Σύνολο", "amount": Decimal("80000.00")}]},
        )

    pool.refresh_from_db()
    assert pool.amount == Decimal("100000.00")


def test_invalid_config_is_refused_with_field_errors():
    call = CallFactory()

    with pytest.raises(ValidationFailed) as err:
        services.call_update_draft(
            actor=programme_admin(), call_id=call.pk, fields={"config": {"gaps": {"score_rounding": "ποτέ"}}}
        )

    assert "config" in err.value.fields


def test_archive_ends_the_lifecycle():
    call = published_call()

    services.call_archive(actor=programme_admin(), call_id=call.pk, reason="λήξη")

    call.refresh_from_db()
    assert call.status == Call.Status.ARCHIVED
    assert call.phase == Call.Phase.ARCHIVED
    with pytest.raises(Conflict):
        services.call_amend(actor=programme_admin(), call_id=call.pk, reason="x", fields={"title": "y"})


def test_phase_is_derived_from_the_window():
    now = timezone.now()
    call = published_call()

    assert call.phase_at(call.submission_opens_at - datetime.timedelta(seconds=1)) == Call.Phase.UPCOMING
    assert call.phase_at(now) == Call.Phase.OPEN
    assert call.phase_at(call.submission_closes_at) == Call.Phase.CLOSED
