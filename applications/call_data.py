"""A call's rule configuration compiled once per process into plain data (the submission hot path).

What final submission checks against — eligible areas, ΚΑΔ list (619 codes for ΚΥΑ 7066 Annex 2),
unit rates, pools, expense categories and §7.5 limits, placement services — changes only when the
call is amended (a new CallVersion) or edited (a new `updated_at`). Both are in the key, so a
surge of submissions reads the configuration from memory instead of rebuilding it per request,
and a change is picked up by the next request that loads the call row. A small LRU bounds memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from calls.models import Call, RequiredAttachment

MAX_ENTRIES = 32
_lock = threading.Lock()
_cache: OrderedDict[tuple, dict] = OrderedDict()


def _key(call: Call) -> tuple:
    return (call.pk, call.current_version_id, call.updated_at)


def _category_data(c) -> dict:
    return {
        "code": c.code,
        "budget_group": c.budget_group,
        "is_personnel": c.is_personnel,
        "flat_rate_percent": c.flat_rate_percent,
        "aid_intensity_percent": c.aid_intensity_percent,
        "intensity_table": c.intensity_table,
    }


def _mandatory_attachments(call: Call):
    stage = RequiredAttachment.Stage.APPLICATION
    return call.attachments.filter(stage=stage, mandatory=True).order_by("position", "opske_code")


def _compile(call: Call) -> dict:
    pools = list(call.pools.all())
    return {
        "areas": [a.as_rule_data() for a in call.areas.select_related("pool")],
        "rates": {r.code: r.monthly_amount for r in call.unit_rates.all()},
        "pools": {p.code: p.pk for p in pools},
        "pool_labels": {p.pk: p.label for p in pools},
        "pool_codes": {p.pk: p.code for p in pools},
        "kad_codes": list(call.kad_rules.values_list("code", flat=True)),
        "categories": {c.code: _category_data(c) for c in call.expense_categories.all()},
        "limits": {g.budget_group: g.max_share_percent for g in call.budget_limits.all()},
        "placement_services": [s.code for s in call.placement_services.all()],
        # The mandatory documents of the application stage, in the call's order (attachments.py).
        "mandatory_attachments": [
            {
                "id": r.pk,
                "code": r.opske_code,
                "name": r.name,
                "citation": r.citation,
                "applies_to": r.applies_to,
            }
            for r in call.attachments.filter(
                stage=RequiredAttachment.Stage.APPLICATION, mandatory=True
            ).order_by("position", "opske_code")
        ],
        # Annex 2 answers per ΚΑΔ, filled as codes are met (a pure function of list and code).
        "kad_results": {},
    }


def call_rule_data(call: Call) -> dict:
    """The compiled configuration of `call` as loaded (its version and `updated_at`). Read-only."""
    key = _key(call)
    with _lock:
        data = _cache.get(key)
        if data is not None:
            _cache.move_to_end(key)
            return data
    data = _compile(call)  # outside the lock: two first requests may both compile; same result
    with _lock:
        _cache[key] = data
        _cache.move_to_end(key)
        while len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)
    return data


def clear() -> None:
    with _lock:
        _cache.clear()
