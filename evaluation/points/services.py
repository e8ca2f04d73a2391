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
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django_fsm import can_proceed

from accounts.models import Role
from applications.models import Application
from calls.models import Call
from evaluation.points import rules
from evaluation.points.models import (
    Placement,
    PointsAssessment,
    PointsRound,
    RankingRow,
    RankingTable,
)
from opske import audit
from opske.calendar import ATHENS
from opske.deadlines import deadline_cancel, deadline_schedule
from opske.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

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
    data = app.data or {}
    facts = data.get("person_facts") or {}
    return {
        "preferences": list(app.placement_preferences or []),
        # The final submission is a solemn declaration (Art. 5(4)) that includes the pension
        # statement of Art. 4(1)(δ), with the mandatory attachment 09.01 of the call.
        "pension_declaration": bool((data.get("declarations") or {}).get("solemn")),
        "declared_omogenis": bool(facts.get("omogenis")),
        "greek_language_certified": bool(facts.get("greek_language_certified")),
        "previously_refused_placement": bool(facts.get("previously_refused_placement")),
    }


def _score(a: PointsAssessment) -> None:
    call = a.round.call
    app = Application.objects.only("pk", "data", "placement_preferences").get(pk=a.application_id)
    register = {**a.register, **(a.corrections or {})}
    facts = rules.Facts.from_register(register, _declarations(app))
    grid = _grid(call)
    low, high = _preference_limits(call)
    reasons = rules.eligibility_reasons(
        facts,
        grid,
        allowed_services=call.placement_services.values_list("code", flat=True),
        preferences_min=low,
        preferences_max=high,
    )
    if a.register_status == "refused":
        reasons = [rules.register_refusal_reason(a.register.get("refusal") or {}), *reasons]
    points = rules.compute_points(facts, grid)
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
    for app_id, code, u, i, a, c, submitted_at, prefs, ok in _assessment_rows(rnd):
        if ok and app_id not in removed:
            eligible.append(rules.Candidate(app_id, code, rules.Points(u, i, a, c, ""), submitted_at, prefs))
        elif not ok:
            excluded_ids.append((code, app_id))
    ranked = rules.rank(eligible)
    capacity = dict(rnd.call.placement_services.values_list("code", "positions"))
    allocation = rules.allocate(ranked, capacity)
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
                )
                for app_id, rank, service in zip(ids, ranks, services_, strict=True)
            ],
            batch_size=BULK,
        )
    return table


def _assessment_rows(rnd: PointsRound):
    """(application, code, i, ii, iii, iv, submitted_at, preferences, eligible) of every assessment.

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
        ):
            yield (*row[:7], tuple(row[7] or ()), row[8])
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT application_id, code, points_unemployment, points_income, points_age, points_children, "
            "submitted_at, ARRAY(SELECT jsonb_array_elements_text(preferences)), eligible "
            "FROM evaluation_points_pointsassessment WHERE round_id = %s",
            [rnd.pk],
        )
        for row in cursor.fetchall():
            yield (*row[:7], tuple(row[7]), row[8])


_COPY_ROWS_SQL = """
INSERT INTO evaluation_points_rankingrow
    (table_id, application_id, status, rank, code, education, preferences, points_unemployment,
     points_income, points_age, points_children, total, submitted_at, service_code, reasons)
SELECT %s, a.application_id,
       CASE WHEN r.rank IS NULL THEN 'excluded' ELSE 'ranked' END, r.rank, a.code, a.education,
       a.preferences, a.points_unemployment, a.points_income, a.points_age, a.points_children, a.total,
       a.submitted_at, r.service,
       -- the public copy of the reasons: code and public message, never the staff 'detail'
       CASE WHEN r.rank IS NULL THEN (
           SELECT coalesce(jsonb_agg(e.value - 'detail' ORDER BY e.n), '[]'::jsonb)
           FROM jsonb_array_elements(a.exclusion_reasons) WITH ORDINALITY AS e(value, n)
       ) ELSE '[]'::jsonb END
FROM unnest(%s::bigint[], %s::integer[], %s::text[]) AS r(application_id, rank, service)
JOIN evaluation_points_pointsassessment a ON a.application_id = r.application_id AND a.round_id = %s
"""


def _row(table, a, status, rank, service) -> RankingRow:
    return RankingRow(
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
                try:
                    amount = Decimal(str(value).strip().replace(",", ".")).quantize(Decimal("0.01"))
                except InvalidOperation as exc:
                    raise ValueError from exc
                if amount < 0 or amount > Decimal("10000000"):
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
        allocation = rules.allocate(
            [c for _, c in ranked], {code: s.positions for code, s in services.items()}
        )
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
        then=lambda p: _schedule_hiring_reminder(p, actor),
    )


HIRING_DAYS = 60  # Art. 6(4): Ε3 in ΕΡΓΑΝΗ II within 60 calendar days of the referral note


def _schedule_hiring_reminder(placement: Placement, actor) -> None:
    """Remind the programme's managers on the 60th day if the hiring is still not recorded;
    `placement_hire` cancels the reminder."""
    from django.contrib.auth import get_user_model

    referred_on = timezone.localtime(placement.referred_at, ATHENS).date()
    due = referred_on + datetime.timedelta(days=HIRING_DAYS)
    managers = get_user_model().objects.filter(role_assignments__role__in=MANAGE_ROLES).distinct()
    deadline_schedule(
        obj=placement,
        kind="opske.reminder",
        due_at=datetime.datetime.combine(due, datetime.time(8, 0), tzinfo=ATHENS),
        calendar_kind="calendar",
        payload={
            "recipients": list(managers.values_list("pk", flat=True)),
            "subject": f"Εκκρεμεί η αναγγελία Ε3 — αίτηση {placement.application.protocol_number}",
            "body": (
                f"Η υπόδειξη έγινε στις {referred_on:%d/%m/%Y}· η αναγγελία Ε3 στο ΕΡΓΑΝΗ ΙΙ έπρεπε να γίνει "
                f"έως {due:%d/%m/%Y} (ΚΥΑ 16936 Άρθ. 6(4))."
            ),
            "kind": "points_hiring_due",
        },
        actor=actor,
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
        then=lambda p: deadline_cancel(
            obj=p, kind="opske.reminder", actor=actor, reason="Η πρόσληψη καταχωρίστηκε."
        ),
    )


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": ["Η αιτιολογία είναι υποχρεωτική."]})
    return reason[:4000]


def placement_decline(*, actor, placement_id: int, reason: str):
    """Art. 6(5): the candidate does not accept: deleted from the final table, barred from future
    ΔΥΠΑ public-sector programmes; the host may ask for a replacement."""
    reason = _require_reason(reason)
    return _transition(
        actor=actor,
        placement_id=placement_id,
        method="decline",
        action="points.declined",
        reason=reason,
        citation="ΚΥΑ 16936 Άρθ. 6(5)",
        ended_reason=reason,
    )


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
        found = rules.replacement_for(old.service.code, [c for _, c in remaining])
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
        new = Placement.objects.create(
            round=rnd,
            application_id=candidate.application_id,
            service=old.service,
            final_rank=rank_of[candidate.application_id],
            preference_rank=preference_rank,
            replaces=old,
        )
        audit.record(
            actor=actor,
            action="points.replaced",
            obj=old,
            before=before,
            after={"state": old.state, "replacement": new.pk, "code": candidate.code, "rank": new.final_rank},
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
