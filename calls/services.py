"""Every write to a call: create, edit a draft, publish, amend, archive, and the budget-pool counters.

Call services are for programme administrators only and write one audit event per change, inside
the same transaction. The pool functions are called by higher layers (applications, evaluation)
inside *their* audited transaction, so they do not audit themselves; each is one conditional
UPDATE, so concurrent reservations can never push a pool past its amount (STYLE.md practice 6).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.db.models import F, ProtectedError

from accounts.models import Role
from calls.gaps import validate_gaps
from calls.models import (
    CALL_LIST_FIELDS,
    CALL_SETTINGS_FIELDS,
    AnnualAllocation,
    BudgetGroupLimit,
    BudgetPool,
    Call,
    CallDeadline,
    CallVersion,
    EligibleArea,
    EvaluationCriterion,
    ExpenseCategory,
    KadRule,
    PlacementService,
    Programme,
    RequiredAttachment,
    UnitRate,
)
from calls.rules import money, normalise_kad
from calls.schema import CALL_CONFIG_SCHEMA, CALL_VERSION_SCHEMA, schema_errors
from calls.versioning import build_snapshot, diff_snapshots
from opske.audit.chain import record
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.money import format_eur
from opske.rawrows import execute_prepared
from opske.search import search_document

EDITABLE_FIELDS = (*CALL_SETTINGS_FIELDS, *CALL_LIST_FIELDS, "config")

# Child sets written with replace semantics: section -> (model, fields accepted from the caller).
CHILD_MODELS = {
    "annual_allocations": (AnnualAllocation, ("year", "amount")),
    "unit_rates": (UnitRate, ("code", "label", "rate_percent", "monthly_amount", "citation")),
    "expense_categories": (
        ExpenseCategory,
        (
            "code",
            "name",
            "gber_article",
            "budget_group",
            "is_personnel",
            "flat_rate_percent",
            "aid_intensity_percent",
            "intensity_table",
            "conditions",
            "position",
        ),
    ),
    "budget_limits": (BudgetGroupLimit, ("budget_group", "max_share_percent", "citation")),
    "attachments": (
        RequiredAttachment,
        (
            "opske_code",
            "name",
            "stage",
            "mandatory",
            "applies_to",
            "max_files",
            "max_file_mb",
            "allowed_extensions",
            "citation",
            "position",
        ),
    ),
    "deadlines": (
        CallDeadline,
        ("kind", "label", "length", "unit", "counting", "anchor", "roll_to_working_day", "citation"),
    ),
    "criteria": (
        EvaluationCriterion,
        (
            "code",
            "title",
            "kind",
            "group",
            "weight_percent",
            "max_score",
            "sub_criteria",
            "citation",
            "position",
        ),
    ),
    "placement_services": (PlacementService, ("code", "name", "regional_unit", "positions")),
}
POOL_FIELDS = ("code", "label", "year", "share_percent", "amount", "citation")
AREA_FIELDS = ("level", "region", "regional_unit", "municipality")

SYSTEM_ACTORS = ("load_demo",)


# --- permissions -------------------------------------------------------------------------------


def can_administer_calls(user) -> bool:
    return bool(user and getattr(user, "is_authenticated", False) and user.has_role(Role.PROGRAMME_ADMIN))


def _require_admin(actor) -> None:
    if isinstance(actor, str) and actor in SYSTEM_ACTORS:
        return
    if not can_administer_calls(actor):
        raise PermissionDenied("Μόνο οι διαχειριστές προγράμματος διαχειρίζονται προσκλήσεις.")


def _locked_call(call_id) -> Call:
    call = Call.objects.select_for_update().select_related("programme").filter(pk=call_id).first()
    if call is None:
        raise NotFound("Η πρόσκληση δεν βρέθηκε.")
    return call


def _user(actor):
    return actor if hasattr(actor, "pk") and not isinstance(actor, str) else None


# --- validation --------------------------------------------------------------------------------


def _validate_config(config) -> None:
    if not isinstance(config, dict):
        raise ValidationFailed(fields={"config": ["Οι παράμετροι πρέπει να είναι αντικείμενο JSON."]})
    errors = schema_errors(config, CALL_CONFIG_SCHEMA)
    gap_errors = validate_gaps(config.get("gaps", {})).get("config", [])
    if errors or gap_errors:
        raise ValidationFailed(
            "Οι παράμετροι της πρόσκλησης δεν είναι έγκυρες.", fields={"config": errors + gap_errors}
        )


def _apply_fields(call: Call, fields: dict) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(fields={f: ["Το πεδίο δεν μπορεί να αλλάξει."] for f in sorted(unknown)})
    if "config" in fields:
        _validate_config(fields["config"])
    for name, value in fields.items():
        setattr(call, name, value)
    opens, closes = call.submission_opens_at, call.submission_closes_at
    if opens and closes and closes <= opens:
        raise ValidationFailed(
            fields={"submission_closes_at": ["Η λήξη υποβολών πρέπει να είναι μετά την έναρξη."]}
        )
    if call.total_budget is None or money(call.total_budget) < 0:
        raise ValidationFailed(fields={"total_budget": ["Ο προϋπολογισμός πρέπει να είναι μη αρνητικός."]})
    call.search_text = call_search_text(call)


def call_search_text(call: Call) -> str:
    """What the call lists search (opske.search): title, code, summary, programme, action code."""
    programme = call.programme.title if call.programme_id else ""
    return search_document(call.title, call.code, call.summary, programme, call.action_code)


def publish_problems(call: Call) -> dict[str, list[str]]:
    """What stops a call from being published (or an amendment from taking effect)."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if not call.submission_opens_at or not call.submission_closes_at:
        add("submission_closes_at", "Ορίστε το διάστημα υποβολών.")
    pools = list(call.pools.all())
    if not pools:
        add("pools", "Ορίστε τουλάχιστον ένα ταμείο προϋπολογισμού.")
    else:
        dated = [p for p in pools if p.year is not None]
        undated = [p for p in pools if p.year is None]
        for group in (dated, undated):
            if group and sum((p.amount for p in group), Decimal("0")) != call.total_budget:
                add("pools", "Τα ταμεία πρέπει να αθροίζουν στον συνολικό προϋπολογισμό.")
    years = list(call.annual_allocations.all())
    if years and sum((y.amount for y in years), Decimal("0")) != call.total_budget:
        add("annual_allocations", "Η ετήσια κατανομή πρέπει να αθροίζει στον συνολικό προϋπολογισμό.")
    if call.kad_list_mode != Call.KadListMode.NONE and not call.kad_rules.exists():
        add("kad_rules", "Η λίστα ΚΑΔ είναι κενή.")
    if call.evaluation_method == Call.EvaluationMethod.COMPARATIVE:
        scored = [c for c in call.criteria.all() if c.kind == EvaluationCriterion.Kind.SCORED]
        if not scored:
            add("criteria", "Η συγκριτική αξιολόγηση χρειάζεται βαθμολογούμενα κριτήρια.")
        elif sum((c.weight_percent or 0 for c in scored), Decimal("0")) != 100:
            add("criteria", "Οι σταθμίσεις των κριτηρίων πρέπει να αθροίζουν 100%.")
        if call.pass_mark is None:
            add("pass_mark", "Ορίστε βάση βαθμολογίας.")
    if call.evaluation_method == Call.EvaluationMethod.POINTS_RANKING and "points_grid" not in (
        call.config or {}
    ):
        add("config", "Η μοριοδότηση χρειάζεται πίνακα μορίων (points_grid).")
    return errors


# --- child rows --------------------------------------------------------------------------------


def _clean_rows(section, rows, allowed) -> list[dict]:
    cleaned = []
    for i, row in enumerate(rows):
        extra = set(row) - set(allowed) - {"pool"}
        if extra:
            raise ValidationFailed(
                fields={section: [f"Γραμμή {i + 1}: άγνωστα πεδία {', '.join(sorted(extra))}."]}
            )
        cleaned.append({k: v for k, v in row.items() if k in allowed or (k == "pool" and section == "areas")})
    return cleaned


def _write_pools(call: Call, rows: list[dict]) -> None:
    """Upsert pools by code; a pool that already holds money can shrink only down to what it holds."""
    rows = _clean_rows("pools", rows, POOL_FIELDS)
    keep = set()
    for row in rows:
        code = row.get("code")
        if not code:
            raise ValidationFailed(fields={"pools": ["Κάθε ταμείο χρειάζεται κωδικό."]})
        keep.add(code)
        values = {k: v for k, v in row.items() if k != "code"}
        existing = BudgetPool.objects.filter(call=call, code=code).first()
        if existing is None:
            BudgetPool.objects.create(call=call, code=code, **values)
            continue
        amount = money(values.pop("amount", existing.amount))
        changed = BudgetPool.objects.filter(pk=existing.pk, reserved__lte=amount - F("committed")).update(
            amount=amount, **values
        )
        if not changed:
            raise Conflict(
                f"Το ταμείο «{existing.label}» έχει ήδη δεσμεύσεις πάνω από {format_eur(amount)}.",
                code="pool_below_commitments",
                fields={"pools": ["Το ποσό δεν μπορεί να μειωθεί κάτω από τις δεσμεύσεις."]},
            )
    for pool in call.pools.exclude(code__in=keep):
        if pool.reserved or pool.committed:
            raise Conflict(
                f"Το ταμείο «{pool.label}» έχει δεσμεύσεις και δεν μπορεί να διαγραφεί.", code="pool_in_use"
            )
        try:
            with transaction.atomic():
                pool.delete()
        except ProtectedError as exc:
            raise Conflict(
                f"Το ταμείο «{pool.label}» χρησιμοποιείται από αιτήσεις και δεν μπορεί να διαγραφεί.",
                code="pool_in_use",
            ) from exc


def _write_areas(call: Call, rows: list[dict]) -> None:
    rows = _clean_rows("areas", rows, AREA_FIELDS)
    pools = {p.code: p for p in call.pools.all()}
    call.areas.all().delete()
    objs = []
    for row in rows:
        code = row.pop("pool", "") or ""
        if code and code not in pools:
            raise ValidationFailed(fields={"areas": [f"Άγνωστο ταμείο «{code}»."]})
        objs.append(EligibleArea(call=call, pool=pools.get(code), **row))
    EligibleArea.objects.bulk_create(objs)


def _write_kad_list(call: Call, rows: list) -> None:
    objs, seen = [], set()
    for i, row in enumerate(rows):
        row = {"code": row} if isinstance(row, str) else dict(row)
        try:
            code = normalise_kad(row["code"])
        except (KeyError, ValueError) as exc:
            raise ValidationFailed(fields={"kad_rules": [f"Γραμμή {i + 1}: {exc}"]}) from exc
        if code in seen:
            continue
        seen.add(code)
        objs.append(
            KadRule(call=call, code=code, description=row.get("description", "")[:400], position=i + 1)
        )
    call.kad_rules.all().delete()
    KadRule.objects.bulk_create(objs)


# Natural key of each child section: rows are updated in place by key, so their ids survive an
# amendment and the applications half can point at them (e.g. a budget line at its category).
CHILD_KEYS = {
    "annual_allocations": ("year",),
    "unit_rates": ("code",),
    "expense_categories": ("code",),
    "budget_limits": ("budget_group",),
    "attachments": ("stage", "opske_code"),
    "deadlines": ("kind",),
    "criteria": ("code",),
    "placement_services": ("code",),
}


def _upsert_rows(call: Call, section: str, model, rows: list[dict]) -> None:
    keys = CHILD_KEYS[section]
    defaults = {f.name: f.get_default() for f in model._meta.concrete_fields if f.has_default()}
    existing = {tuple(str(getattr(o, k)) for k in keys): o for o in model.objects.filter(call=call)}
    seen = set()
    for row in rows:
        key = tuple(str(row.get(k, defaults.get(k, ""))) for k in keys)
        if key in seen:
            raise ValidationFailed(fields={section: [f"Διπλότυπη γραμμή «{' / '.join(key)}»."]})
        seen.add(key)
        obj = existing.get(key)
        if obj is None:
            model.objects.create(call=call, **row)
            continue
        for name, value in row.items():
            setattr(obj, name, value)
        obj.save()
    for key, obj in existing.items():
        if key in seen:
            continue
        try:
            with transaction.atomic():
                obj.delete()
        except ProtectedError as exc:
            raise Conflict(
                f"Η γραμμή «{obj}» χρησιμοποιείται ήδη και δεν μπορεί να διαγραφεί.", code="row_in_use"
            ) from exc


def _write_children(call: Call, children: dict) -> None:
    unknown = set(children) - set(CHILD_MODELS) - {"pools", "areas", "kad_rules"}
    if unknown:
        raise ValidationFailed(fields={k: ["Άγνωστη ενότητα."] for k in sorted(unknown)})
    try:
        with transaction.atomic():
            if "pools" in children:
                _write_pools(call, children["pools"])
            if "areas" in children:
                _write_areas(call, children["areas"])
            if "kad_rules" in children:
                _write_kad_list(call, children["kad_rules"])
            for section, (model, allowed) in CHILD_MODELS.items():
                if section in children:
                    _upsert_rows(call, section, model, _clean_rows(section, children[section], allowed))
    except IntegrityError as exc:
        raise ValidationFailed(
            "Διπλότυπη ή μη έγκυρη γραμμή στη διαμόρφωση της πρόσκλησης.",
            fields={"__all__": [str(exc)[:200]]},
        ) from exc
    except (TypeError, InvalidOperation) as exc:
        raise ValidationFailed("Μη έγκυρη τιμή στη διαμόρφωση της πρόσκλησης.") from exc


def _freeze(
    call: Call, *, actor, label: str, reason: str, decision_ref: str = "", created_at=None
) -> CallVersion:
    snapshot = build_snapshot(call)
    errors = schema_errors(snapshot, CALL_VERSION_SCHEMA)
    if errors:
        raise ValidationFailed("Η διαμόρφωση της πρόσκλησης δεν είναι έγκυρη.", fields={"__all__": errors})
    last = call.versions.order_by("-number").first()
    version = CallVersion(
        call=call,
        number=(last.number + 1) if last else 1,
        label=label,
        reason=reason,
        decision_ref=decision_ref,
        snapshot=snapshot,
        created_by=_user(actor),
    )
    if created_at is not None:
        version.created_at = created_at
    version.save()
    call.current_version = version
    call.save(update_fields=["current_version", "updated_at"])
    return version


# --- call services -----------------------------------------------------------------------------


def programme_get_or_create(*, actor, code: str, **values) -> Programme:
    _require_admin(actor)
    with transaction.atomic():
        programme, created = Programme.objects.get_or_create(code=code, defaults=values)
        if created:
            record(actor=actor, action="programme.create", obj=programme, after={"code": code, **values})
    return programme


def call_create(*, actor, programme_id: int, code: str, fields: dict, children: dict | None = None) -> Call:
    """A new draft call. Nothing is public until `call_publish`."""
    _require_admin(actor)
    with transaction.atomic():
        if Call.objects.filter(code=code).exists():
            raise ValidationFailed(fields={"code": ["Υπάρχει ήδη πρόσκληση με αυτόν τον κωδικό."]})
        programme = Programme.objects.filter(pk=programme_id).first()
        if programme is None:
            raise ValidationFailed(fields={"programme": ["Άγνωστο πρόγραμμα."]})
        call = Call(programme=programme, code=code)
        _apply_fields(call, fields)
        call.save()
        _write_children(call, children or {})
        record(actor=actor, action="call.create", obj=call, after=build_snapshot(call))
    return call


def call_update_draft(
    *, actor, call_id: int, fields: dict | None = None, children: dict | None = None
) -> Call:
    _require_admin(actor)
    with transaction.atomic():
        call = _locked_call(call_id)
        if call.status != Call.Status.DRAFT:
            raise Conflict(
                "Μόνο σχέδια επεξεργάζονται ελεύθερα· για δημοσιευμένη πρόσκληση κάντε τροποποίηση."
            )
        before = build_snapshot(call)
        _apply_fields(call, fields or {})
        call.save()
        _write_children(call, children or {})
        after = build_snapshot(call)
        changes = diff_snapshots(before, after)
        record(
            actor=actor,
            action="call.update_draft",
            obj=call,
            before={c.path: c.before for c in changes},
            after={c.path: c.after for c in changes},
        )
    return call


def call_publish(
    *, actor, call_id: int, reason: str = "", decision_ref: str = "", label: str = "Αρχική"
) -> CallVersion:
    """Publish a draft: freeze version 1 and make the call public."""
    _require_admin(actor)
    with transaction.atomic():
        call = _locked_call(call_id)
        if call.status != Call.Status.DRAFT:
            raise Conflict("Η πρόσκληση έχει ήδη δημοσιευθεί.")
        problems = publish_problems(call)
        if problems:
            raise ValidationFailed("Η πρόσκληση δεν μπορεί να δημοσιευθεί ακόμη.", fields=problems)
        call.publish()
        call.save()
        version = _freeze(call, actor=actor, label=label, reason=reason, decision_ref=decision_ref)
        record(
            actor=actor,
            action="call.publish",
            obj=call,
            before={"status": Call.Status.DRAFT},
            after={"status": call.status, "version": version.number},
            reason=reason,
        )
    return version


def call_amend(
    *,
    actor,
    call_id: int,
    reason: str,
    fields: dict | None = None,
    children: dict | None = None,
    label: str = "",
    decision_ref: str = "",
    allow_empty: bool = False,
) -> CallVersion:
    """Publish an amendment: apply the changes and freeze them as a new immutable version.

    The reason is the amendment note shown to the public; applications already submitted keep the
    version they were submitted under.
    """
    _require_admin(actor)
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": ["Η αιτιολογία της τροποποίησης είναι υποχρεωτική."]})
    with transaction.atomic():
        call = _locked_call(call_id)
        if call.status != Call.Status.PUBLISHED:
            raise Conflict("Τροποποιείται μόνο δημοσιευμένη πρόσκληση.")
        before = call.current_version.snapshot if call.current_version_id else build_snapshot(call)
        _apply_fields(call, fields or {})
        call.save()
        _write_children(call, children or {})
        problems = publish_problems(call)
        if problems:
            raise ValidationFailed("Η τροποποίηση αφήνει την πρόσκληση ελλιπή.", fields=problems)
        changes = diff_snapshots(before, build_snapshot(call))
        if not changes and not allow_empty:
            raise ValidationFailed("Η τροποποίηση δεν αλλάζει τίποτα.", code="amendment_empty")
        number = call.versions.count() + 1
        version = _freeze(
            call,
            actor=actor,
            label=label or f"{number - 1}η τροποποίηση",
            reason=reason,
            decision_ref=decision_ref,
        )
        record(
            actor=actor,
            action="call.amend",
            obj=call,
            before={c.path: c.before for c in changes},
            after={c.path: c.after for c in changes} | {"version": version.number},
            reason=reason,
        )
    return version


def call_archive(*, actor, call_id: int, reason: str = "") -> Call:
    _require_admin(actor)
    with transaction.atomic():
        call = _locked_call(call_id)
        if call.status == Call.Status.ARCHIVED:
            raise Conflict("Η πρόσκληση είναι ήδη αρχειοθετημένη.")
        before = call.status
        call.archive()
        call.save()
        record(
            actor=actor,
            action="call.archive",
            obj=call,
            before={"status": before},
            after={"status": call.status},
            reason=reason,
        )
    return call


# --- budget pools (race-free counters) ---------------------------------------------------------


def _positive(amount) -> Decimal:
    try:
        value = money(amount)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValidationFailed(fields={"amount": ["Μη έγκυρο ποσό."]}) from exc
    if value <= 0:
        raise ValidationFailed(fields={"amount": ["Το ποσό πρέπει να είναι θετικό."]})
    return value


def pool_reserve(*, pool_id: int, amount) -> None:
    """Hold `amount` in the pool: `reserved += amount` only if `reserved + committed + amount <= amount`.

    Raises Conflict(code="pool_exhausted") when the remaining budget is smaller; nothing changes.
    """
    value = _positive(amount)
    if connection.vendor == "postgresql":
        # One round trip (it runs inside a call's submission lock): the conditional UPDATE and
        # whether the pool exists at all.
        with connection.cursor() as cursor:
            execute_prepared(cursor, "opske_pool_reserve", _POOL_RESERVE_SQL, [pool_id, value])
            exists, updated = cursor.fetchone()
    else:
        updated = BudgetPool.objects.filter(
            pk=pool_id, amount__gte=F("reserved") + F("committed") + value
        ).update(reserved=F("reserved") + value)
        exists = updated or BudgetPool.objects.filter(pk=pool_id).exists()
    if not updated:
        if not exists:
            raise NotFound("Το ταμείο δεν βρέθηκε.")
        raise Conflict("Το υπόλοιπο του προϋπολογισμού δεν επαρκεί.", code="pool_exhausted")


_POOL_RESERVE_SQL = """
WITH held AS (
  UPDATE calls_budgetpool SET reserved = reserved + $2
   WHERE id = $1 AND amount >= reserved + committed + $2
  RETURNING id)
SELECT EXISTS (SELECT 1 FROM calls_budgetpool WHERE id = $1), EXISTS (SELECT 1 FROM held)
"""


def pool_lock(*, pool_id: int) -> None:
    """Lock the pool's row now, in a transaction that will change it after recording an audit
    event: pools are locked before the audit chain's head portal-wide (submissions take counter,
    pool, head), so the two never wait for each other in opposite orders."""
    BudgetPool.objects.select_for_update().filter(pk=pool_id).values_list("pk", flat=True).first()


def pool_release(*, pool_id: int, amount) -> None:
    """Give back a reservation (application withdrawn, rejected, or funded for less)."""
    value = _positive(amount)
    updated = BudgetPool.objects.filter(pk=pool_id, reserved__gte=value).update(
        reserved=F("reserved") - value
    )
    if not updated:
        raise Conflict("Η αποδέσμευση υπερβαίνει το δεσμευμένο ποσό.", code="pool_release_exceeds_reserved")


def pool_commit(*, pool_id: int, amount) -> None:
    """Turn a reservation into a commitment (approval / inclusion decision)."""
    value = _positive(amount)
    updated = BudgetPool.objects.filter(pk=pool_id, reserved__gte=value).update(
        reserved=F("reserved") - value, committed=F("committed") + value
    )
    if not updated:
        raise Conflict(
            "Η οριστική δέσμευση υπερβαίνει το δεσμευμένο ποσό.", code="pool_commit_exceeds_reserved"
        )
