"""Freeze a call's configuration into a snapshot, and compare two snapshots field by field.

Child rows are stored under a natural key (pool code, expense code, deadline kind …) rather than in
a list, so an amendment that changes one expense category's intensity shows up as exactly that one
field, not as "row 7 changed".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder

from calls.models import CALL_LIST_FIELDS, CALL_SETTINGS_FIELDS

CALL_SNAPSHOT_FIELDS = ["code", *CALL_SETTINGS_FIELDS, *CALL_LIST_FIELDS]

# section -> (related name, key fields, value fields)
SECTIONS = {
    "pools": ("pools", ("code",), ("label", "year", "share_percent", "amount", "citation")),
    "areas": ("areas", ("region", "regional_unit", "municipality"), ("level", "pool")),
    "unit_rates": ("unit_rates", ("code",), ("label", "rate_percent", "monthly_amount", "citation")),
    "expense_categories": (
        "expense_categories",
        ("code",),
        (
            "name",
            "gber_article",
            "budget_group",
            "is_personnel",
            "flat_rate_percent",
            "aid_intensity_percent",
            "intensity_table",
            "conditions",
        ),
    ),
    "budget_limits": ("budget_limits", ("budget_group",), ("max_share_percent", "citation")),
    "attachments": (
        "attachments",
        ("stage", "opske_code"),
        ("name", "mandatory", "applies_to", "max_files", "max_file_mb", "allowed_extensions", "citation"),
    ),
    "deadlines": (
        "deadlines",
        ("kind",),
        ("label", "length", "unit", "counting", "anchor", "roll_to_working_day", "citation"),
    ),
    "criteria": (
        "criteria",
        ("code",),
        ("title", "kind", "group", "weight_percent", "max_score", "sub_criteria", "citation"),
    ),
    "placement_services": ("placement_services", ("code",), ("name", "regional_unit", "positions")),
}

SECTION_LABELS = {
    "call": "Πρόσκληση",
    "config": "Παράμετροι",
    "pools": "Ταμεία προϋπολογισμού",
    "annual_allocations": "Ετήσια κατανομή",
    "areas": "Επιλέξιμες περιοχές",
    "kad_list": "Λίστα ΚΑΔ",
    "unit_rates": "Μοναδιαία ποσά",
    "expense_categories": "Κατηγορίες δαπανών",
    "budget_limits": "Όρια ομάδων δαπανών",
    "attachments": "Δικαιολογητικά",
    "deadlines": "Προθεσμίες",
    "criteria": "Κριτήρια",
    "placement_services": "Υπηρεσίες τοποθέτησης",
}


def _plain(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool | int | str | list | dict):
        return value
    return DjangoJSONEncoder().default(value)


def _row_key(row, key_fields) -> str:
    return " / ".join(str(getattr(row, f) or "—") for f in key_fields)


def _row_value(row, name):
    if name == "pool":
        return row.pool.code if row.pool_id else ""
    return _plain(getattr(row, name))


def build_snapshot(call) -> dict:
    """The whole configuration of `call` as plain JSON (schema: calls.schema.CALL_VERSION_SCHEMA)."""
    snap = {
        "schema_version": 1,
        "call": {f: _plain(getattr(call, f)) for f in CALL_SNAPSHOT_FIELDS},
        "config": call.config or {},
        "annual_allocations": {str(a.year): _plain(a.amount) for a in call.annual_allocations.all()},
        "kad_list": sorted(call.kad_rules.values_list("code", flat=True)),
    }
    snap["call"]["programme"] = call.programme.code
    for section, (related, keys, values) in SECTIONS.items():
        rows = getattr(call, related).all()
        if section == "areas":
            rows = rows.select_related("pool")
        snap[section] = {_row_key(r, keys): {v: _row_value(r, v) for v in values} for r in rows}
    return snap


@dataclass(frozen=True)
class Change:
    path: str
    section: str
    before: object
    after: object

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed"

    @property
    def section_label(self) -> str:
        return SECTION_LABELS.get(self.section, self.section)

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "section": self.section,
            "kind": self.kind,
            "before": self.before,
            "after": self.after,
        }


def _flatten(prefix: str, value, out: dict):
    if isinstance(value, dict) and value:
        for k, v in value.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out)
    else:
        out[prefix] = value


def diff_snapshots(old: dict | None, new: dict) -> list[Change]:
    """Every field that differs between two snapshots, in a stable order.

    Lists of scalars (the ΚΑΔ list, legal forms) are compared as sets, so adding one code to a
    619-code list reports that code as added instead of shifting the whole list.
    """
    old = old or {}
    changes: list[Change] = []
    for section in sorted(
        set(old) | set(new), key=lambda s: list(SECTION_LABELS).index(s) if s in SECTION_LABELS else 99
    ):
        if section == "schema_version":
            continue
        a, b = {}, {}
        old_part, new_part = old.get(section), new.get(section)
        if section in SECTIONS and isinstance(old_part, dict) and isinstance(new_part, dict):
            # A row added or removed as a whole is one change, not one per field.
            for key in sorted(set(old_part) ^ set(new_part)):
                changes.append(Change(f"{section}.{key}", section, old_part.get(key), new_part.get(key)))
            shared = set(old_part) & set(new_part)
            old_part = {k: v for k, v in old_part.items() if k in shared}
            new_part = {k: v for k, v in new_part.items() if k in shared}
        _flatten(section, old_part, a)
        _flatten(section, new_part, b)
        for path in sorted(set(a) | set(b)):
            before, after = a.get(path), b.get(path)
            if before == after:
                continue
            if (
                isinstance(before, list)
                and isinstance(after, list)
                and all(not isinstance(x, dict | list) for x in before + after)
            ):
                removed = sorted(set(map(str, before)) - set(map(str, after)))
                added = sorted(set(map(str, after)) - set(map(str, before)))
                changes.extend(Change(f"{path}[{x}]", section, x, None) for x in removed)
                changes.extend(Change(f"{path}[{x}]", section, None, x) for x in added)
                continue
            changes.append(Change(path, section, before, after))
    return changes
