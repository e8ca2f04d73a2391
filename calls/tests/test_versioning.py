"""Snapshots and the field-by-field diff between versions."""

from decimal import Decimal

import pytest

from calls import services
from calls.schema import CALL_VERSION_SCHEMA, schema_errors
from calls.tests.factories import programme_admin, published_call
from calls.versioning import build_snapshot, diff_snapshots


def test_kad_list_changes_are_reported_code_by_code():
    old = {"kad_list": ["01", "03", "84"]}
    new = {"kad_list": ["01", "84", "99"]}

    changes = diff_snapshots(old, new)

    assert [(c.path, c.kind) for c in changes] == [("kad_list[03]", "removed"), ("kad_list[99]", "added")]


def test_a_row_added_as_a_whole_is_one_change():
    old = {"pools": {"a": {"amount": "1.00"}}}
    new = {"pools": {"a": {"amount": "1.00"}, "b": {"amount": "2.00", "label": "Β"}}}

    [change] = diff_snapshots(old, new)

    assert change.path == "pools.b"
    assert change.kind == "added"
    assert change.after == {"amount": "2.00", "label": "Β"}


@pytest.mark.django_db
def test_snapshot_of_a_call_is_valid_against_the_schema():
    call = published_call()

    assert schema_errors(build_snapshot(call), CALL_VERSION_SCHEMA) == []


@pytest.mark.django_db
def test_amendment_updates_child_rows_in_place_so_their_ids_survive():
    call = published_call()
    admin = programme_admin()
    services.call_amend(
        actor=admin,
        call_id=call.pk,
        reason="κατηγορίες",
        children={
            "expense_categories": [
                {
                    "code": "02.06",
                    "name": "Εξοπλισμός",
                    "budget_group": "investment",
                    "aid_intensity_percent": Decimal("65"),
                }
            ]
        },
    )
    category = call.expense_categories.get()

    services.call_amend(
        actor=admin,
        call_id=call.pk,
        reason="ένταση",
        children={
            "expense_categories": [
                {
                    "code": "02.06",
                    "name": "Εξοπλισμός",
                    "budget_group": "investment",
                    "aid_intensity_percent": Decimal("50"),
                }
            ]
        },
    )

    updated = call.expense_categories.get()
    v2, v3 = call.versions.filter(number__in=[2, 3]).order_by("number")
    assert updated.pk == category.pk
    assert updated.aid_intensity_percent == Decimal("50.00")
    assert [c.path for c in diff_snapshots(v2.snapshot, v3.snapshot)] == [
        "expense_categories.02.06.aid_intensity_percent"
    ]
