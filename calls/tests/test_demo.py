"""The seed programmes as loaded by load_demo: real figures, amendment history, idempotency."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone

from calls import demo
from calls.models import BudgetPool, Call, CallVersion, KadRule
from calls.versioning import diff_snapshots

pytestmark = pytest.mark.django_db


def _load():
    out = io.StringIO()
    demo.load(out)
    return out.getvalue()


def test_loading_twice_changes_nothing():
    _load()
    counts = (
        Call.objects.count(),
        CallVersion.objects.count(),
        KadRule.objects.count(),
        BudgetPool.objects.count(),
    )

    second = _load()

    assert counts == (3, 5, 619, 5)
    assert (
        Call.objects.count(),
        CallVersion.objects.count(),
        KadRule.objects.count(),
        BudgetPool.objects.count(),
    ) == counts
    assert "υπάρχουν ήδη" in second


def test_kya7066_pools_rates_and_windows():
    _load()
    call = Call.objects.get(code="kya7066-proslipseis-esdim")

    assert call.total_budget == Decimal("10726800.00")
    assert {p.code: p.amount for p in call.pools.all()} == {
        "wm": Decimal("7508760.00"),
        "meg": Decimal("3218040.00"),
    }
    assert {r.code: r.monthly_amount for r in call.unit_rates.all()} == {
        "01.22": Decimal("1185.00"),
        "01.23": Decimal("829.50"),
    }
    assert call.kad_rules.count() == 619
    assert call.is_open and call.submission_opens_at <= timezone.now()


def test_kya16936_points_grid_is_call_configuration():
    _load()
    call = Call.objects.get(code="kya16936-opekepe-100")

    grid = call.current_version.snapshot["config"]["points_grid"]
    assert grid["age_bands"][0] == {"min": 18, "max": 29, "points": 45}
    assert grid["income_bands"][0]["points"] == 30
    assert sum(p.positions for p in call.placement_services.all()) == 100
    assert {p.year: p.amount for p in call.pools.all()} == {
        2025: Decimal("770000.00"),
        2026: Decimal("1090000.00"),
    }


def test_call004_has_original_first_and_second_amendment_with_the_stated_changes():
    _load()
    call = Call.objects.get(code="pkm-133-synergatikoi-sxhmatismoi")
    v1, v2, v3 = call.versions.order_by("number")

    changes = {c.path: c for c in diff_snapshots(v2.snapshot, v3.snapshot)}

    assert [v.label for v in (v1, v2, v3)] == ["Αρχική", "1η τροποποίηση", "2η τροποποίηση"]
    assert diff_snapshots(v1.snapshot, v2.snapshot) == []
    assert changes["deadlines.first_verification.anchor"].after == "notification"
    assert "attachments.payment / 02.06" in changes
    assert changes["attachments.payment / 05.01.applies_to"].after == "κάθε αίτημα (ενδιάμεσο ή τελικό)"
    assert v3.decision_ref.startswith("ΑΔΑ 9ΑΜ67ΛΛ-Ε0Η")
    assert call.official_window_start.isoformat() == "2024-07-04T09:00:00+00:00"
    assert call.pass_mark == Decimal("5.00")
    assert {limit.budget_group: limit.max_share_percent for limit in call.budget_limits.all()} == {
        "investment": Decimal("50.00"),
        "operating": Decimal("90.00"),
        "rnd": Decimal("25.00"),
    }
    assert sum(c.weight_percent for c in call.criteria.all()) == 100
