"""Every setting the call editor shows does what it says (issue 9, «Done when»).

Walks the settings a call can carry — the gap readings (calls.gaps.GAP_SETTINGS), the keys of the
call configuration schema (calls.schema.CALL_CONFIG_SCHEMA) and the fields of the call editor
(calls.forms) — and, for each one that is not marked pending:

(a) it is read somewhere outside the places that only define, seed, validate, store or edit it:
    the source tree is scanned for the key as a string literal («"indirect_cost_rule"», how a
    config or gap value is accessed) or, for a model field, as an attribute («call.pass_mark»);
(b) it has a test `test_setting_<key>_changes_outcome` somewhere under a tests/ directory (the
    contract every engineer follows: flip the setting, assert the outcome changes).

A pending setting (capability not built yet) must not appear in the editor's rendered form.
Failures list every key with what it lacks, so a new unread setting cannot slip in silently.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from calls.forms import SECTION_FORMS, CallMainForm, GapForm
from calls.gaps import GAP_SETTINGS, PENDING_CALL_FIELDS
from calls.schema import CALL_CONFIG_SCHEMA, CONFIG_CONTAINERS, pending_config_keys

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "accounts",
    "applications",
    "calls",
    "evaluation",
    "interop",
    "operations",
    "opske",
    "payments",
    "verification",
)

# Where a setting is defined, seeded, validated, stored or edited: a mention there is not a read.
DEFINING = {
    "calls/gaps.py",
    "calls/schema.py",
    "calls/seeds.py",
    "calls/forms.py",
    "calls/models.py",
    "calls/services.py",  # copies the editor's fields into rows and versions
    "calls/versioning.py",  # freezes and diffs them
    "calls/admin.py",
    "calls/api/serializers.py",
    "calls/demo.py",
}
EDITOR_TEMPLATES = "templates/calls/manage/"

# Editor fields that describe the call (shown to the public, never a rule's input): read = shown.
DESCRIPTIVE_FIELDS = {
    "title",
    "summary",
    "gber_articles",
    "action_code",
    "call_code",
    "operation_code",
    "managing_authority",
    "implementing_body",
    "official_window_start",
    "official_window_end",
    # Published on the call's page for the applicant (templates/calls/detail.html).
    "gber_article",
    "rate_percent",
    "share_percent",
    "unit",
    "stage",
}
# Row fields whose names are identifiers or labels of the row itself (a code, a name, an order).
ROW_IDENTIFIERS = {"code", "name", "label", "title", "position", "citation", "description", "group", "kind"}
# Editor fields this branch wires into rules, held to the (b) contract as well.
FIELDS_WITH_OUTCOME_TESTS = {
    "eligible_legal_forms",
    "eligible_sizes",
    "max_files",
    "expenditure_eligibility_end",
}


def _source_files(suffix: str):
    for app in APPS:
        for path in (ROOT / app).rglob(f"*{suffix}"):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel or "/tests/" in rel or rel.endswith("/demo.py") or rel in DEFINING:
                continue
            yield rel, path.read_text(encoding="utf-8")


def _templates():
    for path in (ROOT / "templates").rglob("*.html"):
        rel = path.relative_to(ROOT).as_posix()
        if not rel.startswith(EDITOR_TEMPLATES):
            yield rel, path.read_text(encoding="utf-8")


PY = list(_source_files(".py"))
TEMPLATES = list(_templates())


def _literal(key: str) -> re.Pattern:
    return re.compile(rf"[\"']{re.escape(key)}[\"']")


def _attribute(key: str) -> re.Pattern:
    return re.compile(rf"\.{re.escape(key)}\b")


def _orm_filter(key: str) -> re.Pattern:
    return re.compile(rf"\b{re.escape(key)}(__\w+)?\s*=[^=]")


def _display(key: str) -> re.Pattern:
    return re.compile(rf"\.get_{re.escape(key)}_display\b")


def _readers(key: str, *, attribute: bool = False, templates: bool = False) -> list[str]:
    """Files outside the defining ones that read `key`: as a string literal (config, gaps) and,
    for a model field, as an attribute or an ORM filter; templates count for descriptive fields."""
    py = [_literal(key)] + ([_attribute(key), _orm_filter(key)] if attribute else [])
    html = [_attribute(key), _display(key)]
    found = [rel for rel, text in PY if any(p.search(text) for p in py)]
    if templates:
        found += [rel for rel, text in TEMPLATES if any(p.search(text) for p in html)]
    return found


def _outcome_tests() -> set[str]:
    names = set()
    for path in ROOT.rglob("test_*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" not in f"/{rel}" or ".venv" in rel:
            continue
        names |= set(
            re.findall(r"def test_setting_(\w+)_changes_outcome\b", path.read_text(encoding="utf-8"))
        )
    return names


def _gap_keys() -> list[str]:
    return [g.key for g in GAP_SETTINGS if not g.pending]


def _config_keys() -> list[str]:
    pending = pending_config_keys()
    return [k for k in CALL_CONFIG_SCHEMA["properties"] if k not in pending and k not in CONFIG_CONTAINERS]


def _editor_fields() -> list[tuple[str, bool]]:
    """(field, descriptive) for the call form and the rows of the editor's sections."""
    main = CallMainForm(creating=True)
    out = [
        (name, name in DESCRIPTIVE_FIELDS)
        for name in main.fields
        if name not in ("code", "programme", "config")
    ]
    for _title, form_class in SECTION_FORMS.values():
        for name in form_class().fields:
            if name not in ROW_IDENTIFIERS and name != "pool":
                out.append((name, name in DESCRIPTIVE_FIELDS))
    return sorted(set(out))


def test_every_shown_setting_is_read_by_a_rule():
    unread = []
    for key in _gap_keys():
        if not _readers(key):
            unread.append(f"gap «{key}» (calls.gaps): read by no code")
    for key in _config_keys():
        if not _readers(key):
            unread.append(f"config «{key}» (calls.schema): read by no code")
    for name, descriptive in _editor_fields():
        if name in PENDING_CALL_FIELDS:
            continue
        if not _readers(name, attribute=True, templates=descriptive):
            unread.append(f"editor field «{name}» (calls.forms): read by no code")
    assert not unread, (
        "Settings shown in the call editor that nothing reads (wire them, or mark them pending "
        "in calls.gaps / calls.schema):\n  " + "\n  ".join(unread)
    )


def test_every_setting_has_a_test_that_flips_it_and_sees_the_outcome_change():
    have = _outcome_tests()
    keys = _gap_keys() + _config_keys() + sorted(FIELDS_WITH_OUTCOME_TESTS)
    missing = [k for k in keys if k not in have]
    assert not missing, "Settings without a `test_setting_<key>_changes_outcome` test:\n  " + "\n  ".join(
        f"test_setting_{k}_changes_outcome" for k in missing
    )


def test_the_scan_catches_a_setting_nobody_reads():
    # The detector itself: a made-up key is unread, a wired one is read where its rule lives.
    assert _readers("setting_that_nothing_reads_x9") == []
    assert "applications/services.py" in _readers("indirect_cost_rule")
    assert "applications/attachments.py" in _readers("max_files", attribute=True)


def test_pending_settings_are_marked_with_their_capability():
    pending_gaps = {g.key: g.pending for g in GAP_SETTINGS if g.pending}
    for key in (
        "hiring_deadline_anchor",
        "clawback_reading",
        "late_payment_request",
        "absence_divisor",
        "replacement_contract_length",
        "implementation_start_anchor",
    ):
        if not _readers(key):
            assert pending_gaps.get(key), f"«{key}» is read by nothing and is not marked pending"
    for key, capability in {**pending_gaps, **pending_config_keys(), **PENDING_CALL_FIELDS}.items():
        assert capability in {"operations", "verification", "payments", "publication"}, key


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["fcfs_direct", "points_ranking", "comparative"])
def test_pending_settings_are_not_in_the_rendered_editor(client, method):
    from applications.tests.factories import load_world, seeded_call
    from calls import seeds
    from calls.tests.factories import programme_admin

    load_world()
    builder = {"fcfs_direct": seeds.kya7066, "points_ranking": seeds.kya16936, "comparative": seeds.call004}
    call = seeded_call(builder[method])
    client.force_login(programme_admin())

    url = "calls:manage-amend" if call.status == "published" else "calls:manage-edit"
    answer = client.get(reverse(url, args=[call.pk]))
    page = answer.content.decode()
    assert answer.status_code == 200
    form = GapForm(method=method, current=call.config.get("gaps"))

    assert 'name="gap_' in page  # the form did render, with the settings that are shown
    for gap in GAP_SETTINGS:
        if gap.pending:
            assert f"gap_{gap.key}" not in page and f"gap_{gap.key}" not in form.fields, gap.key
    for key in pending_config_keys():
        assert f"&quot;{key}&quot;" not in page and f'"{key}"' not in page, key
    for name in PENDING_CALL_FIELDS:
        assert f'name="{name}"' not in page, name
