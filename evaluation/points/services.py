"""Every write of the ΚΥΑ 16936 points round: `<entity>_<verb>(*, actor, ...)`, atomic, audited.

Flow (note 002 §6.1 P7–P12): `points_round_open` after the deadline → the ΔΥΠΑ facts are fetched
per application by a task (`tasks.fetch_register_facts`) and stored with `assessment_store_facts`,
which also scores → `provisional_tables_post` freezes the ranking and exclusion tables and starts
the 3-working-day objection window (a durable deadline closes it) → objections →
`final_table_post` → `placements_allocate` → `placement_refer` / `placement_hire` /
`placement_decline` / `placement_leave` / `placement_exclude` → `placement_replace`.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django_fsm import can_proceed

from accounts.models import Role
from applications.models import Application
from calls.gaps import gap_value
from calls.models import Call
from evaluation.points import rules
from evaluation.points.models import (
    Placement,
    PointsAssessment,
    PointsRound,
    ProgrammeBar,
    RankingRow,
    RankingTable,
)
from opske import audit
from opske.calendar import ATHENS
from opske.deadlines import deadline_cancel, deadline_schedule
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from opske.money import parse_amount

MANAGE_ROLES = (Role.PROGRAMME_ADMIN, Role.SUPERVISOR)
OBJECTION_WINDOW_KIND = "evaluation_points.objection_window"
DYPA_SOURCE = "dypa"
RANKABLE = (Application.Status.SUBMITTED, Application.Status.UNDER_EVALUATION)
BULK = 2000


def require_manager(actor) -> None:
    """Programme administrators and ΚΠΑ2 heads / supervisors run the round; nobody else."""
    if isinstance(actor, str) or actor is None:
        return  # system actors (tasks, deadline sweeps, load_demo)
    if not (actor.is_superuser or actor.has_role(*MANAGE_ROLES)):
        raise PermissionDenied("Η ενέργεια επιτρέπεται μόνο σε διαχειριστή προγράμματος ή προϊστάμενο ΚΠΑ2.")


def _locked_round(round_id: int) -> PointsRound:
    rnd = PointsRound.objects.select_for_update().select_related("call").filter(pk=round_id).first()
    if rnd is None:
        raise NotFound("Ο γύρος μοριοδότησης δεν βρέθηκε.")
    return rnd


def _grid(call: Call) -> Mapping:
    return (call.config or {}).get("points_grid") or {}


def _preference_limits(call: Call) -> tuple[int, int]:
    cfg = (call.config or {}).get("placement_preferences") or {}
    return int(cfg.get("min", 1)), int(cfg.get("max", 3))


def _today() -> datetime.date:
    return timezone.localtime(timezone.now(), ATHENS).date()


# --- Round and assessments ---------------------------------------------------------------------


def points_round_open(*, actor, call_id: int) -> PointsRound:
    """Open the round once the application window has closed (Art. 5(3), 5(6)); one per call."""
    require_manager(actor)
    with transaction.atomic():
        call = Call.objects.select_for_update().filter(pk=call_id).first()
        if call is None:
            raise NotFound("Η πρόσκληση δεν βρέθηκε.")
        if call.evaluation_method != Call.EvaluationMethod.POINTS_RANKING:
            raise Conflict(
                "Η πρόσκληση δεν αξιολογείται με μοριοδότηση και κατάταξη.", code="not_points_call"
            )
        if call.submission_closes_at is None or timezone.now() < call.submission_closes_at:
            raise Conflict(
                "Η μοριοδότηση ξεκινά μετά τη λήξη της προθεσμίας υποβολής (ΚΥΑ 16936 Άρθ. 5(6)).",
                code="window_not_closed",
            )
        if PointsRound.objects.filter(call=call).exists():
            raise Conflict(
                "Ο γύρος μοριοδότησης έχει ήδη ανοίξει για αυτή την πρόσκληση.", code="round_exists"
            )
        rnd = PointsRound.objects.create(
            call=call,
            critical_date=timezone.localtime(call.submission_closes_at, ATHENS).date(),
            created_by=actor if not isinstance(actor, str) else _system_user(),
        )
        apps = Application.objects.filter(
            call=call, status__in=RANKABLE, kind=Application.Kind.NATURAL_PERSON
        )
        rows = [
            PointsAssessment(
                round=rnd,
                application_id=a.pk,
                code=a.protocol_number or f"#{a.pk}",
                submitted_at=a.submitted_at,
                education=a.education,
                preferences=list(a.placement_preferences or []),
            )
            for a in apps.only("pk", "protocol_number", "submitted_at", "education", "placement_preferences")
        ]
        PointsAssessment.objects.bulk_create(rows, batch_size=BULK)
        audit.record(
            actor=actor,
            action="points.round_opened",
            obj=rnd,
            after={"call": call.code, "critical_date": rnd.critical_date, "applications": len(rows)},
            reason="ΚΥΑ 16936 Άρθ. 5(6)",
        )
        transaction.on_commit(lambda: _enqueue_fetches(rnd.pk))
    return rnd


def _system_user():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="system-points", defaults={"first_name": "Σύστημα", "is_active": False}
    )
    return user


def _enqueue_fetches(round_id: int) -> None:
    from evaluation.points.tasks import fetch_round_facts

    fetch_round_facts.delay(round_id)


def assessment_store_facts(*, assessment_id: int, status: str, data: Mapping, fetched_at, source=DYPA_SOURCE):
    """Keep what the ΔΥΠΑ register said (snapshot + when) and score the application on it.

    A refusal (e.g. «not registered») is an answer too: it is kept and excludes with its reason.
    Facts are not replaced once the provisional tables are posted; only an objection changes them.
    """
    with transaction.atomic():
        a = PointsAssessment.objects.select_for_update().select_related("round__call").get(pk=assessment_id)
        if a.round.state != PointsRound.State.ASSESSING:
            raise Conflict(
                "Οι πίνακες έχουν αναρτηθεί· τα στοιχεία αλλάζουν μόνο μετά από ένσταση.", code="frozen"
            )
        a.register = (
            dict(data or {}) if status == "ok" else {"registered": False, "refusal": dict(data or {})}
        )
        a.register_status = status
        a.facts_source = source
        a.facts_as_on = a.round.critical_date
        a.facts_fetched_at = fetched_at
        _score(a)
        a.save()
        audit.record(
            actor="σύστημα: μητρώο ΔΥΠΑ",
            action="points.assessed",
            obj=a,
            after=_assessment_snapshot(a),
            reason="ΚΥΑ 16936 Άρθ. 4(1), 4(3)",
        )
    return a


def _declarations(app: Application) -> dict:
    from applications.services import administrative_categories

    data = app.data or {}
    facts = data.get("person_facts") or {}
    return {
        "preferences": list(app.placement_preferences or []),
        # The final submission is a solemn declaration (Art. 5(4)) that includes the pension
        # statement of Art. 4(1)(δ), with the mandatory attachment 09.01 of the call.
        "pension_declaration": bool((data.get("declarations") or {}).get("solemn")),
        "declared_omogenis": bool(facts.get("omogenis")),
        "greek_language_certified": bool(facts.get("greek_language_certified")),
        "greek_cert_level": str(facts.get("greek_cert_level") or ""),
        "education": app.education,
        "administrative": app.education in administrative_categories(app.call),
        "bars": person_bars(amka=app.amka, excluding_call_id=app.call_id),
    }


def person_bars(*, amka: str, excluding_call_id: int | None = None) -> list[rules.Bar]:
    """The bars recorded on a person (ProgrammeBar), as plain data for the rules; a decline in this
    same call is its own table's deletion (Art. 6(5) εδ. α'), not a bar from an earlier programme."""
    if not amka:
        return []
    qs = ProgrammeBar.objects.filter(amka=amka)
    if excluding_call_id is not None:
        qs = qs.exclude(source_call_id=excluding_call_id, kind=ProgrammeBar.Kind.DECLINED_PLACEMENT)
    return [rules.Bar(b.kind, b.occurred_on, b.source) for b in qs.order_by("occurred_on")]


def _score(a: PointsAssessment) -> None:
    from applications.services import call_publication_date

    call = a.round.call
    app = (
        Application.objects.select_related("call")
        .only("pk", "data", "placement_preferences", "education", "amka", "call_id", "call__config")
        .get(pk=a.application_id)
    )
    register = {**a.register, **(a.corrections or {})}
    facts = rules.Facts.from_register(register, _declarations(app))
    grid = _grid(call)
    low, high = _preference_limits(call)
    age_rule = gap_value(call.config, "age_rule")
    reasons = rules.eligibility_reasons(
        facts,
        grid,
        allowed_services=call.placement_services.values_list("code", flat=True),
        preferences_min=low,
        preferences_max=high,
        publication_date=call_publication_date(call),
        critical_date=a.round.critical_date,
        age_rule=age_rule,
    )
    if a.register_status == "refused":
        reasons = [rules.register_refusal_reason(a.register.get("refusal") or {}), *reasons]
    points = rules.compute_points(
        facts,
        grid,
        income_rule=gap_value(call.config, "income_column"),
        age_rule=age_rule,
        on=a.round.critical_date,
    )
    a.facts = {
        "continuous_months": facts.continuous_months,
        "individual_income": str(facts.individual_income),
        "family_income": str(facts.family_income),
        "joint_return": facts.joint_return,
        "age": facts.age,
        "minor_children": facts.minor_children,
        "registered": facts.registered,
        "card_status": facts.card_status,
        "citizenship": facts.citizenship,
        "registered_since": facts.registered_since.isoformat() if facts.registered_since else None,
        "education": facts.education,
        "greek_cert_level": facts.greek_cert_level,
    }
    a.points_unemployment = points.unemployment
    a.points_income = points.income
    a.points_age = points.age
    a.points_children = points.children
    a.total = points.total
    a.income_column = points.income_column
    a.eligible = not reasons
    a.exclusion_reasons = [
        {"code": r.code, "message": r.message, **({"detail": r.detail} if r.detail else {})} for r in reasons
    ]
    a.status = PointsAssessment.Status.ASSESSED
    a.assessed_at = timezone.now()


AUDIT_FIELDS = (
    "status",
    "total",
    "points_unemployment",
    "points_income",
    "points_age",
    "points_children",
    "eligible",
    "exclusion_reasons",
    "facts",
    "corrections",
)


def _assessment_snapshot(a: PointsAssessment) -> dict:
    return audit.snapshot(a, AUDIT_FIELDS)


# --- Tables ----------------------------------------------------------------------------------


def candidates_of(assessments) -> list[rules.Candidate]:
    return [
        rules.Candidate(
            application_id=a.application_id,
            code=a.code,
            points=rules.Points(
                a.points_unemployment, a.points_income, a.points_age, a.points_children, a.income_column
            ),
            submitted_at=a.submitted_at,
            preferences=tuple(a.preferences or ()),
            education=a.education,
        )
        for a in assessments
    ]


def _freeze_table(*, rnd: PointsRound, kind: str, actor, removed: set[int] = frozenset()) -> RankingTable:
    """Write the table rows from the current assessments: ranked in Art. 6(2) order, then excluded.

    The order comes from `rules.rank` (one place for the legal rule); on PostgreSQL the rows are
    then copied from the assessments in one INSERT … SELECT over the (id, rank, service) arrays,
    so 100,000 candidates take seconds, not minutes of ORM objects.
    """
    eligible, excluded_ids = [], []
    for app_id, code, u, i, a, c, submitted_at, prefs, ok, education in _assessment_rows(rnd):
        if ok and app_id not in removed:
            eligible.append(
                rules.Candidate(app_id, code, rules.Points(u, i, a, c, ""), submitted_at, prefs, education)
            )
        elif not ok:
            excluded_ids.append((code, app_id))
    order = tie_order(rnd.call)
    by_category = rules.rank_by_category(eligible, order)
    ranked = [c for group in by_category.values() for c in group]
    category_ranks = [i for group in by_category.values() for i in range(1, len(group) + 1)]
    notes: dict[int, str] = {}
    for group in by_category.values():
        notes.update(rules.tie_notes(group, order))
    allocation = allocate_for(rnd.call, by_category)
    excluded_ids.sort()
    table = RankingTable.objects.create(
        round=rnd,
        kind=kind,
        posted_at=timezone.now(),
        posted_by=actor if not isinstance(actor, str) else _system_user(),
        signed_by_label="Ο Διοικητής της ΔΥΠΑ ή το όργανο που ορίζει (Άρθ. 5(7), 5(9))",
        ranked_count=len(ranked),
        excluded_count=len(excluded_ids),
    )
    ids = [c.application_id for c in ranked] + [app_id for _, app_id in excluded_ids]
    ranks = list(range(1, len(ranked) + 1)) + [None] * len(excluded_ids)
    services_ = [allocation.service_by_candidate.get(c.application_id, "") for c in ranked] + [""] * len(
        excluded_ids
    )
    cat_ranks = category_ranks + [None] * len(excluded_ids)
    tie_notes_ = [notes.get(c.application_id, "") for c in ranked] + [""] * len(excluded_ids)
    if connection.vendor == "postgresql":
        # Array literals ('{1,2,…}') are parsed by array_in in one go; a Python list would become
        # ARRAY[1, 2, …], an expression of 100,000 constants for the planner.
        with connection.cursor() as cursor:
            cursor.execute(
                _COPY_ROWS_SQL,
                [
                    table.pk,
                    "{" + ",".join(map(str, ids)) + "}",
                    "{" + ",".join("NULL" if r is None else str(r) for r in ranks) + "}",
                    "{" + ",".join(f'"{s}"' for s in services_) + "}",
                    "{" + ",".join("NULL" if r is None else str(r) for r in cat_ranks) + "}",
                    "{" + ",".join(f'"{n}"' for n in tie_notes_) + "}",
                    rnd.pk,
                ],
            )
    else:
        by_id = {a.application_id: a for a in PointsAssessment.objects.filter(round=rnd)}
        RankingRow.objects.bulk_create(
            [
                _row(
                    table,
                    by_id[app_id],
                    RankingRow.Status.RANKED if rank else RankingRow.Status.EXCLUDED,
                    rank,
                    service,
                    category_rank=cat_rank,
                    tie_note=note,
                )
                for app_id, rank, service, cat_rank, note in zip(
                    ids, ranks, services_, cat_ranks, tie_notes_, strict=True
                )
            ],
            batch_size=BULK,
        )
    return table


def tie_order(call: Call) -> tuple[str, ...]:
    """The call's tie-breakers (`points_grid.tie_breakers`), Art. 6(2) by default."""
    return rules.tie_breaker_order(_grid(call).get("tie_breakers"))


def category_capacity(call: Call) -> dict[str, dict[str, int]] | None:
    """Positions per placement service and education category (`config.category_positions`,
    Art. 5(6)); None when the call does not split them (the service's positions are one pool)."""
    split = (call.config or {}).get("category_positions")
    if not split:
        return None
    return {str(service): {str(k): int(v) for k, v in by_cat.items()} for service, by_cat in split.items()}


def allocate_for(call: Call, by_category: Mapping[str, list]) -> rules.Allocation:
    """Art. 5(6), 6(2): per category when the call splits its positions, else in the merged order."""
    split = category_capacity(call)
    if split is not None:
        return rules.allocate_by_category(by_category, split)
    merged = rules.rank([c for group in by_category.values() for c in group], tie_order(call))
    return rules.allocate(merged, dict(call.placement_services.values_list("code", "positions")))


def _assessment_rows(rnd: PointsRound):
    """(application, code, i, ii, iii, iv, submitted_at, preferences, eligible, education) of every
    assessment.

    Raw rows (no ORM converters) with the preferences parsed from JSON: the ranking reads 100,000
    of them, so the per-row cost is what matters.
    """
    if connection.vendor != "postgresql":
        for row in PointsAssessment.objects.filter(round=rnd).values_list(
            "application_id",
            "code",
            "points_unemployment",
            "points_income",
            "points_age",
            "points_children",
            "submitted_at",
            "preferences",
            "eligible",
            "education",
        ):
            yield (*row[:7], tuple(row[7] or ()), row[8], row[9])
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT application_id, code, points_unemployment, points_income, points_age, points_children, "
            "submitted_at, ARRAY(SELECT jsonb_array_elements_text(preferences)), eligible, education "
            "FROM evaluation_points_pointsassessment WHERE round_id = %s",
            [rnd.pk],
        )
        for row in cursor.fetchall():
            yield (*row[:7], tuple(row[7]), row[8], row[9])


_COPY_ROWS_SQL = """
INSERT INTO evaluation_points_rankingrow
    (table_id, application_id, status, rank, code, education, preferences, points_unemployment,
     points_income, points_age, points_children, total, submitted_at, service_code, reasons,
     category_rank, tie_note)
SELECT %s, a.application_id,
       CASE WHEN r.rank IS NULL THEN 'excluded' ELSE 'ranked' END, r.rank, a.code, a.education,
       a.preferences, a.points_unemployment, a.points_income, a.points_age, a.points_children, a.total,
       a.submitted_at, r.service,
       -- the public copy of the reasons: code and public message, never the staff 'detail'
       CASE WHEN r.rank IS NULL THEN (
           SELECT coalesce(jsonb_agg(e.value - 'detail' ORDER BY e.n), '[]'::jsonb)
           FROM jsonb_array_elements(a.exclusion_reasons) WITH ORDINALITY AS e(value, n)
       ) ELSE '[]'::jsonb END,
       r.category_rank, r.tie_note
FROM unnest(%s::bigint[], %s::integer[], %s::text[], %s::integer[], %s::text[])
     AS r(application_id, rank, service, category_rank, tie_note)
JOIN evaluation_points_pointsassessment a ON a.application_id = r.application_id AND a.round_id = %s
"""


def _row(table, a, status, rank, service, *, category_rank=None, tie_note="") -> RankingRow:
    return RankingRow(
        category_rank=category_rank,
        tie_note=tie_note,
        table=table,
        application_id=a.application_id,
        status=status,
        rank=rank,
        code=a.code,
        education=a.education,
        preferences=a.preferences,
        points_unemployment=a.points_unemployment,
        points_income=a.points_income,
        points_age=a.points_age,
        points_children=a.points_children,
        total=a.total,
        submitted_at=a.submitted_at,
        service_code=service,
        reasons=rules.public_reasons(a.exclusion_reasons) if status == RankingRow.Status.EXCLUDED else [],
    )


def provisional_tables_post(*, actor, round_id: int, posted_on: datetime.date | None = None) -> RankingTable:
    """Post the Provisional Ranking Table and the Provisional Exclusion Table (Art. 5(6)–(7)).

    The posting day starts the objection window: 3 working days from the next day (Art. 5(8));
    a durable deadline closes it at the end of its last day, Athens time.
    """
    require_manager(actor)
    with transaction.atomic():
        rnd = _locked_round(round_id)
        pending = rnd.assessments.filter(status=PointsAssessment.Status.PENDING).count()
        if pending:
            raise Conflict(
                f"Εκκρεμούν στοιχεία ΔΥΠΑ για {pending} αιτήσεις· "
                "οι πίνακες καταρτίζονται όταν μοριοδοτηθούν όλες.",
                code="assessments_pending",
            )
        if rnd.state != PointsRound.State.ASSESSING:
            raise Conflict("Οι προσωρινοί πίνακες έχουν ήδη αναρτηθεί.", code="already_posted")
        table = _freeze_table(rnd=rnd, kind=RankingTable.Kind.PROVISIONAL, actor=actor)
        rnd.post_provisional()
        rnd.provisional_posted_on = posted_on or _today()
        # The call's objection rule (CallDeadline rows, default ΚΥΑ 16936 Art. 5(8)–(9): 3 working
        # days from the day after posting; the Board within 10 working days), as evaluation/ reads it.
        from evaluation.rules import objection_deadline, objection_decision_due
        from evaluation.services import objection_policy_for

        policy = objection_policy_for(rnd.call)
        rnd.objection_deadline = objection_deadline(policy, rnd.provisional_posted_on)
        rnd.examination_deadline = objection_decision_due(policy, rnd.objection_deadline)
        rnd.save()
        deadline_schedule(
            obj=rnd,
            kind=OBJECTION_WINDOW_KIND,
            due_at=rnd.objection_deadline,
            calendar_kind="working",
            actor=actor,
        )
        _schedule_examination_reminder(rnd, actor)
        audit.record(
            actor=actor,
            action="points.provisional_posted",
            obj=rnd,
            after={
                "table": table.pk,
                "ranked": table.ranked_count,
                "excluded": table.excluded_count,
                "posted_on": rnd.provisional_posted_on,
                "objection_deadline": rnd.objection_deadline,
                "examination_deadline": rnd.examination_deadline,
            },
            reason="ΚΥΑ 16936 Άρθ. 5(7), 5(8)",
        )
        _request_pdf(table, actor)
        _notify_candidates(rnd, table, actor)
    return table


def _schedule_examination_reminder(rnd: PointsRound, actor) -> None:
    """Art. 5(9): the Board examines within 10 working days; on the morning of the last day the
    programme's managers are reminded (the durable deadline fires even after an outage)."""
    from django.contrib.auth import get_user_model

    managers = get_user_model().objects.filter(role_assignments__role__in=MANAGE_ROLES).distinct()
    deadline_schedule(
        obj=rnd,
        kind="opske.reminder",
        due_at=datetime.datetime.combine(rnd.examination_deadline, datetime.time(8, 0), tzinfo=ATHENS),
        calendar_kind="working",
        payload={
            "recipients": list(managers.values_list("pk", flat=True)),
            "subject": f"Λήγει σήμερα η εξέταση των ενστάσεων — {rnd.call.title}"[:250],
            "body": (
                f"Η προθεσμία 10 εργάσιμων ημερών για την εξέταση των ενστάσεων λήγει σήμερα "
                f"{rnd.examination_deadline:%d/%m/%Y} (ΚΥΑ 16936 Άρθ. 5(9))."
            ),
            "kind": "points_examination_due",
        },
        actor=actor,
    )


def points_round_close_objections(*, actor, round_id: int) -> PointsRound:
    """Run by the durable deadline at the end of the 3rd working day (Art. 5(8)): no more objections."""
    with transaction.atomic():
        rnd = _locked_round(round_id)
        if rnd.state != PointsRound.State.PROVISIONAL:
            return rnd  # already closed: a second sweep changes nothing
        rnd.close_objections()
        rnd.save()
        audit.record(
            actor=actor,
            action="points.objections_closed",
            obj=rnd,
            after={"objection_deadline": rnd.objection_deadline},
            reason="ΚΥΑ 16936 Άρθ. 5(8)",
        )
    return rnd


def candidates_without_objection(rnd: PointsRound) -> int:
    """Candidates of the provisional tables who may still object (one objection each, Art. 5(8))."""
    rows = RankingRow.objects.filter(table__round=rnd, table__kind=RankingTable.Kind.PROVISIONAL)
    objected = rnd.objections.values("application_id")
    return rows.exclude(application_id__in=objected).values("application_id").distinct().count()


def points_round_close_objections_exhausted(*, actor, round_id: int) -> PointsRound:
    """Close the objection window before its last day when nobody can object any more.

    Art. 5(8) gives every candidate of the provisional tables one objection within 3 working days;
    once each of them has filed it, no objection can still come, and waiting out the window only
    delays the Board's examination (Art. 5(9)). Refused while any candidate has not objected.
    """
    require_manager(actor)
    with transaction.atomic():
        rnd = _locked_round(round_id)
        if rnd.state != PointsRound.State.PROVISIONAL:
            raise Conflict("Η προθεσμία ενστάσεων δεν είναι ανοιχτή.", code="bad_state")
        remaining = candidates_without_objection(rnd)
        if remaining:
            raise Conflict(
                f"{remaining} υποψήφιοι μπορούν ακόμη να υποβάλουν ένσταση έως "
                f"{rnd.objection_deadline:%d/%m/%Y}· η προθεσμία δεν λήγει νωρίτερα (ΚΥΑ 16936 Άρθ. 5(8)).",
                code="objections_still_possible",
            )
        rnd.close_objections()
        rnd.save()
        deadline_cancel(obj=rnd, kind=OBJECTION_WINDOW_KIND, actor=actor, reason="όλοι υπέβαλαν ένσταση")
        audit.record(
            actor=actor,
            action="points.objections_closed",
            obj=rnd,
            after={"objection_deadline": rnd.objection_deadline, "early": True},
            reason="ΚΥΑ 16936 Άρθ. 5(8): κάθε υποψήφιος υπέβαλε τη μία ένστασή του",
        )
    return rnd


def final_table_post(*, actor, round_id: int) -> RankingTable:
    """Approve and post the Final Ranking Table (Art. 5(9)) after every objection is decided."""
    from evaluation.points import objections

    require_manager(actor)
    with transaction.atomic():
        rnd = _locked_round(round_id)
        if rnd.state == PointsRound.State.PROVISIONAL:
            raise Conflict(
                f"Η προθεσμία ενστάσεων λήγει στις {rnd.objection_deadline:%d/%m/%Y}· ο οριστικός πίνακας "
                "καταρτίζεται μετά τη λήξη της και την εξέταση των ενστάσεων (Άρθ. 5(8)–(9)).",
                code="objection_window_open",
            )
        if rnd.state != PointsRound.State.OBJECTIONS_CLOSED:
            raise Conflict("Ο οριστικός πίνακας δεν μπορεί να αναρτηθεί σε αυτό το στάδιο.", code="bad_state")
        open_count = objections.open_objections(rnd).count()
        if open_count:
            raise Conflict(
                f"Εκκρεμούν {open_count} ενστάσεις· εξετάστε τες πριν τον οριστικό πίνακα (Άρθ. 5(9)).",
                code="objections_open",
            )
        table = _freeze_table(rnd=rnd, kind=RankingTable.Kind.FINAL, actor=actor)
        rnd.post_final()
        rnd.final_posted_on = _today()
        rnd.save()
        audit.record(
            actor=actor,
            action="points.final_posted",
            obj=rnd,
            after={"table": table.pk, "ranked": table.ranked_count, "excluded": table.excluded_count},
            reason="ΚΥΑ 16936 Άρθ. 5(9)",
        )
        _request_pdf(table, actor)
        _notify_candidates(rnd, table, actor)
    return table


def assessment_correct(*, actor, assessment_id: int, corrections: Mapping, reason: str) -> PointsAssessment:
    """Change the facts of one assessment after an upheld objection (Art. 5(9)) and re-score."""
    allowed = {
        "continuous_months",
        "individual_income",
        "family_income",
        "joint_return",
        "age",
        "minor_children",
        "registered",
        "individual_approach_completed",
        "action_plan_agreed",
        "citizenship",
    }
    unknown = set(corrections) - allowed
    if unknown:
        raise ValidationFailed(fields={"corrections": [f"Μη αποδεκτά πεδία: {', '.join(sorted(unknown))}."]})
    clean = _clean_corrections(corrections)
    with transaction.atomic():
        a = PointsAssessment.objects.select_for_update().select_related("round__call").get(pk=assessment_id)
        before = _assessment_snapshot(a)
        a.corrections = {**(a.corrections or {}), **clean}
        _score(a)
        a.save()
        audit.record(
            actor=actor,
            action="points.corrected",
            obj=a,
            before=before,
            after=_assessment_snapshot(a),
            reason=reason,
        )
    return a


def _clean_corrections(corrections: Mapping) -> dict:
    out, errors = {}, {}
    for key, value in corrections.items():
        if value in (None, ""):
            continue
        try:
            if key in ("continuous_months", "age", "minor_children"):
                number = int(str(value).strip())
                if number < 0 or number > 200:
                    raise ValueError
                out[key] = number
            elif key in ("individual_income", "family_income"):
                # a Decimal from the form, or Greek text «6.999,50» (opske.money); AmountError is a ValueError
                amount = parse_amount(value)
                if amount > Decimal("10000000"):
                    raise ValueError
                out[key] = str(amount)
            elif key in ("joint_return", "registered", "individual_approach_completed", "action_plan_agreed"):
                out[key] = str(value).lower() in ("1", "true", "on", "yes", "ναι")
            else:
                out[key] = str(value)[:10]
        except ValueError:
            errors[key] = ["Μη έγκυρη τιμή."]
    if errors:
        raise ValidationFailed(fields=errors)
    return out


def _request_pdf(table: RankingTable, actor) -> None:
    from opske.pdf import document_request

    document = document_request(
        obj=table,
        kind=f"points_{table.kind}_table",
        template="evaluation/points/pdf/table.html",
        context={"table_id": table.pk},
        actor=actor,
    )
    from evaluation.points.exports import table_xlsx_document
    from opske.pdf import renderer_template

    spreadsheet = document_request(
        obj=table,
        kind=f"points_{table.kind}_table_xlsx",
        template=renderer_template(table_xlsx_document),
        context={"table_id": table.pk},
        actor=actor,
    )
    RankingTable.objects.filter(pk=table.pk).update(pdf=document, xlsx=spreadsheet)
    table.pdf, table.xlsx = document, spreadsheet
    transaction.on_commit(lambda: _enqueue_publication(table.pk))


def _enqueue_publication(table_id: int) -> None:
    from evaluation.points.tasks import publish_table

    try:
        publish_table.delay(table_id)
    except Exception:  # broker down: the table shows «αναμένεται ΑΔΑ»; the page's retry re-enqueues
        import logging

        logging.getLogger(__name__).warning("could not enqueue Diavgeia publication of table %s", table_id)


def ranking_table_record_published(*, table_id: int, status: str, data) -> RankingTable:
    """Keep the ΑΔΑ Diavgeia gave the table, or why it refused (audited either way)."""
    with transaction.atomic():
        table = RankingTable.objects.select_for_update().get(pk=table_id)
        if table.ada:
            return table  # a replayed answer
        if status == "ok":
            table.ada = str(data.get("ada") or "")[:30]
            table.diavgeia_url = str(data.get("url") or "")[:200]
            table.publish_error = ""
        else:
            table.publish_error = str((data or {}).get("message") or status)[:2000]
        table.save(update_fields=["ada", "diavgeia_url", "publish_error"])
        audit.record(
            actor="σύστημα: Διαύγεια",
            action="points.table_published" if table.ada else "points.table_publication_refused",
            obj=table,
            after={"ada": table.ada, "error": table.publish_error},
        )
    return table


def _notify_candidates(rnd: PointsRound, table: RankingTable, actor) -> None:
    """Each candidate with a portal account gets an in-app and e-mail notice of the posting (Art. 5(7))."""
    from django.contrib.auth import get_user_model

    from opske.notifications import notify

    users = get_user_model().objects.filter(
        pk__in=Application.objects.filter(pk__in=rnd.assessments.values("application_id")).values(
            "applicant_user_id"
        )
    )
    if table.kind == RankingTable.Kind.PROVISIONAL:
        body = (
            "Αναρτήθηκαν ο Προσωρινός Πίνακας Κατάταξης και ο Προσωρινός Πίνακας Αποκλειομένων "
            f"της πρόσκλησης «{rnd.call.title}». Ενστάσεις υποβάλλονται ηλεκτρονικά έως και τις "
            f"{rnd.objection_deadline:%d/%m/%Y} "
            "(3 εργάσιμες ημέρες από την επομένη της ανάρτησης, ΚΥΑ 16936 Άρθ. 5(8))."
        )
    else:
        body = (
            f"Αναρτήθηκε ο Οριστικός Πίνακας Κατάταξης Ανέργων της πρόσκλησης «{rnd.call.title}» (Άρθ. 5(9))."
        )
    notify(
        recipients=list(users),
        subject=table.get_kind_display(),
        body=body,
        kind=f"points_{table.kind}",
        obj=rnd,
        actor=actor,
    )


# --- Placements (Art. 6) -----------------------------------------------------------------------


def _final_table(rnd: PointsRound) -> RankingTable:
    table = rnd.tables.filter(kind=RankingTable.Kind.FINAL).first()
    if table is None:
        raise Conflict(
            "Η επιλογή γίνεται από τον Οριστικό Πίνακα Κατάταξης (Άρθ. 6(2)).", code="no_final_table"
        )
    return table


def _final_candidates(table: RankingTable, exclude_ids=()) -> list[tuple[int, rules.Candidate]]:
    rows = (
        table.rows.filter(status=RankingRow.Status.RANKED)
        .exclude(application_id__in=exclude_ids)
        .order_by("rank")
    )
    return [
        (
            r.rank,
            rules.Candidate(
                application_id=r.application_id,
                code=r.code,
                points=rules.Points(
                    r.points_unemployment, r.points_income, r.points_age, r.points_children, ""
                ),
                submitted_at=r.submitted_at,
                preferences=tuple(r.preferences or ()),
                education=r.education,
            ),
        )
        for r in rows
    ]


def _occupied(rnd: PointsRound) -> dict[int, int]:
    return dict(
        Placement.objects.filter(round=rnd, state__in=Placement.ACTIVE_STATES)
        .values("service_id")
        .annotate(n=Count("pk"))
        .values_list("service_id", "n")
    )


def placements_allocate(*, actor, round_id: int) -> list[Placement]:
    """Art. 6(2): from the final table by rank and preference (serial order, `rules.allocate`)."""
    require_manager(actor)
    with transaction.atomic():
        rnd = _locked_round(round_id)
        table = _final_table(rnd)
        if rnd.placements.exists():
            raise Conflict("Η κατανομή στις υπηρεσίες τοποθέτησης έχει ήδη γίνει.", code="already_allocated")
        ranked = _final_candidates(table)
        rank_of = {c.application_id: rank for rank, c in ranked}
        services = {s.code: s for s in rnd.call.placement_services.all()}
        # Art. 5(6): the final table's ranks per category (its rows are in category blocks already).
        by_category = rules.rank_by_category([c for _, c in ranked], tie_order(rnd.call))
        allocation = allocate_for(rnd.call, by_category)
        placements = Placement.objects.bulk_create(
            [
                Placement(
                    round=rnd,
                    application_id=app_id,
                    service=services[code],
                    final_rank=rank_of[app_id],
                    preference_rank=allocation.preference_rank[app_id],
                )
                for app_id, code in allocation.service_by_candidate.items()
            ],
            batch_size=BULK,
        )
        audit.record(
            actor=actor,
            action="points.allocated",
            obj=rnd,
            after={"placed": len(placements), "unplaced": len(allocation.unplaced), "free": allocation.free},
            reason="ΚΥΑ 16936 Άρθ. 6(2)",
        )
    return placements


def _locked_placement(placement_id: int) -> Placement:
    p = (
        Placement.objects.select_for_update()
        .select_related("round", "service")
        .filter(pk=placement_id)
        .first()
    )
    if p is None:
        raise NotFound("Η τοποθέτηση δεν βρέθηκε.")
    return p


def _transition(
    *, actor, placement_id: int, method: str, action: str, reason: str, citation: str, then=None, **changes
):
    require_manager(actor)
    with transaction.atomic():
        p = _locked_placement(placement_id)
        before = audit.snapshot(p, ("state", "service", "referral_note", "hired_on", "ended_reason"))
        transition = getattr(p, method)
        if not can_proceed(transition):
            raise Conflict(
                f"Η ενέργεια δεν επιτρέπεται όταν η τοποθέτηση είναι «{p.get_state_display()}».",
                code="bad_state",
            )
        transition()
        for key, value in changes.items():
            setattr(p, key, value)
        p.save()
        if then is not None:
            then(p)
        audit.record(
            actor=actor,
            action=action,
            obj=p,
            before=before,
            after=audit.snapshot(p, ("state", "service", "referral_note", "hired_on", "ended_reason")),
            reason=f"{reason} ({citation})".strip() if reason else citation,
        )
    return p


def placement_refer(
    *, actor, placement_id: int, note: str, kpa2_label: str = "", register: Mapping | None = None
):
    """ΚΠΑ2 refers the candidate to the placement service and issues the referral note (Art. 6(1), 6(4)).

    `register` is the ΔΥΠΑ answer on the referral day: the unemployment card must be in force
    (Art. 5(10), 6(1)); a temporary loss for ALMP or illness keeps the candidate on hold (Art. 5(11)).
    """
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(fields={"note": ["Συμπληρώστε το συστατικό σημείωμα (Άρθ. 6(4))."]})
    if register is not None and not (
        register.get("registered")
        and (register.get("card_status") or (register.get("card") or {}).get("status")) == "active"
    ):
        raise Conflict(
            "Ο/Η υποψήφιος/α δεν έχει δελτίο ανεργίας σε ισχύ σήμερα· δεν μπορεί να υποδειχθεί "
            "(ΚΥΑ 16936 Άρθ. 5(10), 6(1)). Αν η απώλεια οφείλεται σε ενεργητικές πολιτικές ή ασθένεια, "
            "καταχωρίστε προσωρινή απώλεια (Άρθ. 5(11)).",
            code="card_not_active",
        )
    return _transition(
        actor=actor,
        placement_id=placement_id,
        method="refer",
        action="points.referred",
        reason="",
        citation="ΚΥΑ 16936 Άρθ. 6(1), 6(4)",
        referral_note=note[:4000],
        kpa2_label=(kpa2_label or "")[:120],
        referred_at=timezone.now(),
        referred_by=None if isinstance(actor, str) else actor,
    )


def placement_hold(*, actor, placement_id: int, loss_reason: str):
    """Art. 5(11): status lost after the deadline. ALMP/illness → on hold with the same points;
    card not renewed / revoked / sanction → excluded, the position goes to the next candidate."""
    if loss_reason not in rules.TEMPORARY_LOSS_REASONS:
        raise ValidationFailed(fields={"loss_reason": ["Επιλέξτε λόγο απώλειας της ιδιότητας ανέργου."]})
    label = rules.TEMPORARY_LOSS_REASONS[loss_reason]
    if rules.keeps_place_after_loss(loss_reason):
        return _transition(
            actor=actor,
            placement_id=placement_id,
            method="hold",
            action="points.on_hold",
            reason=label,
            citation="ΚΥΑ 16936 Άρθ. 5(11)",
            ended_reason=label,
        )
    return _transition(
        actor=actor,
        placement_id=placement_id,
        method="exclude",
        action="points.excluded",
        reason=label,
        citation="ΚΥΑ 16936 Άρθ. 5(11) εδ. β'",
        ended_reason=label,
    )


def placement_release_hold(*, actor, placement_id: int):
    return _transition(
        actor=actor,
        placement_id=placement_id,
        method="release_hold",
        action="points.hold_released",
        reason="επανάκτηση της ιδιότητας ανέργου",
        citation="ΚΥΑ 16936 Άρθ. 5(11)",
        ended_reason="",
    )


def placement_hire(*, actor, placement_id: int, hired_on: datetime.date):
    """The host files Ε3 in ΕΡΓΑΝΗ II and tells ΔΥΠΑ (Art. 6(4)): within 60 days of the note."""
    if hired_on is None:
        raise ValidationFailed(fields={"hired_on": ["Συμπληρώστε την ημερομηνία πρόσληψης."]})
    return _transition(
        actor=actor,
        placement_id=placement_id,
        method="hire",
        action="points.hired",
        reason="",
        citation="ΚΥΑ 16936 Άρθ. 6(4)",
        hired_on=hired_on,
        then=lambda p: _employment_started(p, actor),
    )


def _employment_started(p: Placement, actor) -> None:
    """The 12 months (or a replacement's months) run from the start and end by themselves
    (Art. 3(3), 6(11)); the Ε3 reminder is no longer needed."""
    from evaluation.points import employment, employment_rules

    p.contract_ends_on = employment_rules.employment_end(p.hired_on, p.contract_months)
    p.save(update_fields=["contract_ends_on"])
    deadline_cancel(obj=p, kind=employment.E3_REMINDER_KIND, actor=actor, reason="Η πρόσληψη καταχωρίστηκε.")
    deadline_schedule(
        obj=p,
        kind=employment.EMPLOYMENT_END_KIND,
        due_at=p.contract_ends_on,
        calendar_kind="calendar",
        actor=actor,
    )


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": ["Η αιτιολογία είναι υποχρεωτική."]})
    return reason[:4000]


def placement_decline(*, actor, placement_id: int, reason: str):
    """Art. 6(5): the candidate does not accept: deleted from the final table, barred from future
    ΔΥΠΑ public-sector programmes (a ProgrammeBar a later call's eligibility reads); the host may
    ask for a replacement."""
    reason = _require_reason(reason)
    return _transition(
        actor=actor,
        placement_id=placement_id,
        method="decline",
        action="points.declined",
        reason=reason,
        citation="ΚΥΑ 16936 Άρθ. 6(5)",
        ended_reason=reason,
        then=lambda p: _bar_for_decline(p, actor, reason),
    )


def _bar_for_decline(placement: Placement, actor, reason: str) -> None:
    app = Application.objects.select_related("call").get(pk=placement.application_id)
    bar = ProgrammeBar.objects.create(
        amka=app.amka,
        kind=ProgrammeBar.Kind.DECLINED_PLACEMENT,
        occurred_on=_today(),
        source=f"{app.call.title} — {placement.service.name}"[:300],
        article="ΚΥΑ 16936 Άρθ. 6(5) εδ. β'",
        note=reason,
        source_call=app.call,
        source_placement=placement,
        recorded_by=actor if not isinstance(actor, str) else _system_user(),
    )
    audit.record(
        actor=actor,
        action="points.bar_recorded",
        obj=bar,
        after={"kind": bar.kind, "occurred_on": bar.occurred_on, "placement": placement.pk},
        reason=bar.article,
    )


def placement_host_reject(*, actor, placement_id: int, reason: str):
    """Art. 6(7): the host does not accept the candidate ΚΠΑ2 referred, not for a cause of Art. 6(5)
    (documents, qualifications, Art. 4 conditions: `placement_exclude`). «δεν καλύπτεται η
    συγκεκριμένη θέση»: the position is not filled by a replacement; the candidate is placed by the
    ΔΥΠΑ Board in another placement service over its quota (`placement_relocate_over_quota`)."""
    reason = _require_reason(reason)
    return _transition(
        actor=actor,
        placement_id=placement_id,
        method="host_reject",
        action="points.host_rejected",
        reason=reason,
        citation="ΚΥΑ 16936 Άρθ. 6(7)",
        ended_reason=reason,
    )


def placement_relocate_over_quota(*, actor, placement_id: int, service_code: str, board_decision: str):
    """Art. 6(7): by decision of the ΔΥΠΑ Board, «σε αντίστοιχη θέση άλλης Υπηρεσίας Τοποθέτησης,
    βάσει της αίτησής τους, καθ' υπέρβαση του εγκεκριμένου … αριθμού θέσεων και με σύμφωνη γνώμη
    της Υπηρεσίας Τοποθέτησης»: another service among the candidate's preferences."""
    board_decision = (board_decision or "").strip()
    if not board_decision:
        raise ValidationFailed(
            fields={"board_decision": ["Συμπληρώστε την απόφαση του Δ.Σ. της ΔΥΠΑ (Άρθ. 6(7))."]}
        )
    require_manager(actor)
    with transaction.atomic():
        p = _locked_placement(placement_id)
        if p.state != Placement.State.HOST_REJECTED:
            raise Conflict(
                "Καθ' υπέρβαση τοποθέτηση γίνεται μόνο για υποψήφιο που δεν έγινε αποδεκτός από τον φορέα "
                "(Άρθ. 6(7)).",
                code="bad_state",
            )
        app = Application.objects.only("placement_preferences").get(pk=p.application_id)
        prefs = list(app.placement_preferences or [])
        if service_code not in prefs or service_code == p.service.code:
            raise ValidationFailed(
                fields={
                    "service_code": [
                        "Επιλέξτε άλλη υπηρεσία τοποθέτησης από τις προτιμήσεις της αίτησης (Άρθ. 6(7))."
                    ]
                }
            )
        service = p.round.call.placement_services.filter(code=service_code).first()
        if service is None:
            raise NotFound("Η υπηρεσία τοποθέτησης δεν βρέθηκε.")
        before = audit.snapshot(p, ("state", "service", "over_quota", "board_decision"))
        p.relocate_over_quota()
        p.rejected_by_service = p.service
        p.service = service
        p.preference_rank = prefs.index(service_code) + 1
        p.over_quota = True
        p.board_decision = board_decision[:200]
        p.save()
        audit.record(
            actor=actor,
            action="points.relocated_over_quota",
            obj=p,
            before=before,
            after=audit.snapshot(p, ("state", "service", "over_quota", "board_decision")),
            reason=f"{board_decision} (ΚΥΑ 16936 Άρθ. 6(7))",
        )
    return p


def programme_bar_record(
    *, actor, amka: str, kind: str, occurred_on: datetime.date, source: str, note: str = ""
) -> ProgrammeBar:
    """Record a bar staff learned of: a dismissal from a public-sector post for final removal or
    serious cause (Art. 4(2)(ε), 5 years), or a placement declined in an earlier ΔΥΠΑ programme
    run outside the portal (Art. 6(5) εδ. β')."""
    from stdnum.gr import amka as stdnum_amka

    require_manager(actor)
    errors: dict[str, list[str]] = {}
    amka = (amka or "").strip()
    if not stdnum_amka.is_valid(amka):
        errors["amka"] = ["Ο ΑΜΚΑ δεν είναι έγκυρος (11 ψηφία με σωστό ψηφίο ελέγχου)."]
    if kind not in ProgrammeBar.Kind.values:
        errors["kind"] = ["Επιλέξτε είδος αποκλεισμού."]
    if occurred_on is None:
        errors["occurred_on"] = ["Συμπληρώστε την ημερομηνία."]
    elif occurred_on > _today():
        errors["occurred_on"] = ["Η ημερομηνία δεν μπορεί να είναι μελλοντική."]
    source = (source or "").strip()
    if not source:
        errors["source"] = ["Συμπληρώστε το πρόγραμμα ή τον φορέα."]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    article = (
        "ΚΥΑ 16936 Άρθ. 4(2)(ε)"
        if kind == ProgrammeBar.Kind.PUBLIC_DISMISSAL
        else "ΚΥΑ 16936 Άρθ. 6(5) εδ. β'"
    )
    with transaction.atomic():
        bar = ProgrammeBar.objects.create(
            amka=amka,
            kind=kind,
            occurred_on=occurred_on,
            source=source[:300],
            article=article,
            note=(note or "").strip()[:4000],
            recorded_by=actor,
        )
        audit.record(
            actor=actor,
            action="points.bar_recorded",
            obj=bar,
            after={"kind": kind, "occurred_on": occurred_on, "source": bar.source},
            reason=article,
        )
    return bar


def placement_exclude(*, actor, placement_id: int, reason: str):
    """Art. 6(3): documents not brought, qualifications or Art. 4 conditions not met."""
    reason = _require_reason(reason)
    return _transition(
        actor=actor,
        placement_id=placement_id,
        method="exclude",
        action="points.excluded",
        reason=reason,
        citation="ΚΥΑ 16936 Άρθ. 6(3)",
        ended_reason=reason,
    )


def placement_leave(*, actor, placement_id: int, reason: str):
    """Art. 6(5), 6(8): voluntary departure or termination for a serious reason of the beneficiary."""
    reason = _require_reason(reason)
    return _transition(
        actor=actor,
        placement_id=placement_id,
        method="leave",
        action="points.left",
        reason=reason,
        citation="ΚΥΑ 16936 Άρθ. 6(5), 6(8)",
        ended_reason=reason,
    )


def placement_replace(*, actor, placement_id: int) -> Placement | None:
    """Fill the position freed by a decline, exclusion or departure from the remaining final
    ranking (Art. 6(5), 6(8); `rules.replacement_for`). None when nobody left listed that service."""
    require_manager(actor)
    with transaction.atomic():
        round_id = Placement.objects.filter(pk=placement_id).values_list("round_id", flat=True).first()
        if round_id is None:
            raise NotFound("Η τοποθέτηση δεν βρέθηκε.")
        rnd = _locked_round(round_id)  # the round first, as allocation does: serialises capacity changes
        old = _locked_placement(placement_id)
        if old.state not in (Placement.State.DECLINED, Placement.State.EXCLUDED, Placement.State.LEFT):
            raise Conflict(
                "Αντικατάσταση ζητείται μόνο για θέση που κενώθηκε (άρνηση, αποκλεισμός ή αποχώρηση).",
                code="not_vacant",
            )
        table = _final_table(rnd)
        already = rnd.placements.values_list("application_id", flat=True)
        remaining = _final_candidates(table, exclude_ids=list(already))
        # Art. 5(6): a category's position goes to the same category when the call splits them.
        category = old.application.education if category_capacity(rnd.call) is not None else None
        found = rules.replacement_for(old.service.code, [c for _, c in remaining], education=category)
        before = audit.snapshot(old, ("state",))
        old.mark_replaced()
        old.save()
        if found is None:
            audit.record(
                actor=actor,
                action="points.replacement_none",
                obj=old,
                before=before,
                after=audit.snapshot(old, ("state",)),
                reason="Κανένας επιλαχών του οριστικού πίνακα δεν δήλωσε την υπηρεσία (Άρθ. 6(5)).",
            )
            return None
        candidate, preference_rank = found
        rank_of = {c.application_id: rank for rank, c in remaining}
        from evaluation.points.employment_rules import replacement_contract_months

        # The decision is silent on the replacement's contract (note 002 §5.6 [GAP], question 7).
        months = replacement_contract_months(
            gap_value(rnd.call.config, "replacement_contract_length"),
            replaced_started_on=old.hired_on,
            replaced_ended_on=old.ended_on,
            replaced_months=old.contract_months,
        )
        new = Placement.objects.create(
            round=rnd,
            application_id=candidate.application_id,
            service=old.service,
            final_rank=rank_of[candidate.application_id],
            preference_rank=preference_rank,
            replaces=old,
            contract_months=months,
        )
        audit.record(
            actor=actor,
            action="points.replaced",
            obj=old,
            before=before,
            after={
                "state": old.state,
                "replacement": new.pk,
                "code": candidate.code,
                "rank": new.final_rank,
                "contract_months": months,
            },
            reason="ΚΥΑ 16936 Άρθ. 6(5), 6(8)",
        )
    return new


def assessment_counts(rnd: PointsRound) -> dict:
    counts = rnd.assessments.aggregate(
        n_total=Count("pk"),
        n_pending=Count("pk", filter=Q(status=PointsAssessment.Status.PENDING)),
        n_eligible=Count("pk", filter=Q(status=PointsAssessment.Status.ASSESSED, eligible=True)),
        n_excluded=Count("pk", filter=Q(status=PointsAssessment.Status.ASSESSED, eligible=False)),
    )
    return {key.removeprefix("n_"): value for key, value in counts.items()}
