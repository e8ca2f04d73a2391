"""List benchmark (issue 11): every large staff list page and list endpoint at 100,000 applications,
300,000 audit events and 200,000 registry calls. `main()` is called by the bench runner
(tests/bench.py, `--only lists`).

1. Generates the data set with set-based INSERT … SELECT (tests.bench_risk.insert_select): one
   published ΚΥΑ 7066 call holding 100,000 applications (90 % submitted, 10 % drafts) of 10,000
   businesses, a standing decision for 40,000 of them (80 % notified approvals), 20,000 operations
   with 40,000 payment claims, 30,000 first-level evaluations of the first 30,000 applications in
   priority order (FCFS evaluates in that order, ΚΥΑ 7066 Art. 7.2; 2,000 of them assigned to the
   measured evaluator), 300,000 audit events appended to the chain's head and 200,000 registry calls; one
   applicant with a single application among them.
2. Measures each list in-process through Django's test client as the logged-in role who uses it
   (staff sessions have passed the TOTP step): page 1 and the last page, at 25 and at 100 rows where
   the list takes `?page_size=` (else at its own size), REPS timed requests each after a warm-up.
   For each: p95 of the whole request, the number of queries and the time the page spent in the
   database, of which «fixed» is what every page of that session spends before its list (session,
   user, roles, second factor, unread count: measured on a page that shows nothing).
3. Runs a hand-written SQL statement that fetches the same page (the rows the page shows, in its
   order, with the joins its columns need, plus the count the pager shows), timed the same way,
   and prints the ratio of the list's own database time (the page's, less the fixed part) to it.

Goal per row (issue 11): p95 ≤ 150 ms, the query count the same at 25 and at 100 rows, database time
within 3× the raw SQL. The verdict is printed per row and as the last line; exit 1 if any row
misses. The data stays in the bench database, which the runner recreates on every run; the audit
events are written by SQL, so `audit_verify` is not meaningful on that database afterwards.
Environment: BENCH_LISTS_SCALE (1 = the sizes above), BENCH_LISTS_REPS (20).
"""

# The generator is SQL written as one expression per column: long lines read better.
# ruff: noqa: E501

from __future__ import annotations

import math
import os
import statistics
import sys
import time
import uuid

SCALE = float(os.environ.get("BENCH_LISTS_SCALE", "1"))
REPS = int(os.environ.get("BENCH_LISTS_REPS", "20"))  # p95 of 20: the second worst
APPLICATIONS = int(100_000 * SCALE)
BUSINESSES = max(10, int(10_000 * SCALE))
DECISIONS = int(40_000 * SCALE)
OPERATIONS = int(20_000 * SCALE)
EVALUATIONS = int(30_000 * SCALE)
AUDIT_EVENTS = int(300_000 * SCALE)
REGISTRY_CALLS = int(200_000 * SCALE)
P95_GOAL_MS = 150.0
RATIO_GOAL = 3.0


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opske.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "false")  # as served: no debug cursor, no debug pages
    import logging

    import django

    django.setup()
    logging.disable(
        logging.WARNING
    )  # the login signals' log lines (django-axes) and the 404s of the fixed-cost page would bury the table


# --- the data set ----------------------------------------------------------------------------------


def build(tag: str) -> dict:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Business, Membership, RoleAssignment, User
    from applications.models import Application
    from calls import seeds
    from calls.models import Call, Programme
    from evaluation.models import Assignment, Decision, Evaluation, EvaluationRound
    from interop.models import RegistryCall
    from operations.models import Operation
    from opske.models import AuditChainHead, AuditEvent
    from tests.bench_risk import insert_select
    from verification.models import VerificationRequest

    fields = seeds.kya7066()["versions"][0]["fields"]
    now = timezone.now()
    programme = Programme.objects.create(code=f"bench-lists-{tag}", title=f"[bench] Λίστες {tag}")
    call = Call.objects.create(
        programme=programme, code=f"bench-lists-{tag}", title=f"[bench] {fields['title']}",
        aid_regime=fields["aid_regime"], applicant_kind=fields["applicant_kind"],
        evaluation_method=fields["evaluation_method"], total_budget=fields["total_budget"],
        config=fields["config"], status=Call.Status.PUBLISHED,
        submission_opens_at=now - timezone.timedelta(days=400), submission_closes_at=now + timezone.timedelta(days=30),
    )  # fmt: skip
    users = {}
    for role in ("programme_admin", "supervisor", "auditor", "evaluator", "verifier", "payment_officer"):
        user = User.objects.create(username=f"bench-{role}-{tag}", kind=User.Kind.STAFF, first_name=role)
        RoleAssignment.objects.create(user=user, role=role)
        users[role] = user
    others = [
        User.objects.create(
            username=f"bench-ev{i}-{tag}", kind=User.Kind.STAFF, first_name=f"Αξιολογητής {i}"
        )
        for i in range(14)
    ]
    for user in others:
        RoleAssignment.objects.create(user=user, role="evaluator")
    applicant = User.objects.create(username=f"bench-applicant-{tag}", kind=User.Kind.TAXISNET, afm="")
    round_ = EvaluationRound.objects.create(call=call, method=call.evaluation_method)
    app_ct = ContentType.objects.get_for_model(Application).pk
    evaluators = [users["evaluator"].pk] + [u.pk for u in others]  # the measured one gets 1 in 15
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL statement_timeout = '600s'")
        insert_select(
            cur, Business,
            {"afm": f"'{tag[:1]}' || lpad(i::text, 8, '0')", "name": f"'ΔΟΚΙΜΗ ΛΙΣΤΩΝ {tag} ' || i",
             "legal_form": "'ΙΚΕ'", "search_text": f"'δοκιμη λιστων {tag} ' || i"},
            "generate_series(1, %s) i", [BUSINESSES],
        )  # fmt: skip
        cur.execute("SELECT min(id) FROM accounts_business WHERE name LIKE %s", [f"ΔΟΚΙΜΗ ΛΙΣΤΩΝ {tag} %"])
        first_biz = cur.fetchone()[0]
        insert_select(
            cur, Application,
            {"call_id": str(call.pk), "kind": "'business'", "business_id": f"{first_biz} + (i % {BUSINESSES})",
             "applicant_user_id": str(users["programme_admin"].pk),
             "status": "CASE WHEN i % 10 = 0 THEN 'draft' ELSE 'submitted' END",
             "protocol_number": f"CASE WHEN i % 10 = 0 THEN '' ELSE 'BL{tag}-' || i END",
             "priority_seq": "CASE WHEN i % 10 = 0 THEN NULL ELSE i END",
             "submitted_at": "CASE WHEN i % 10 = 0 THEN NULL ELSE now() - interval '400 days' + i * interval '5 minutes' END",
             "created_at": "now() - interval '401 days' + i * interval '5 minutes'"},
            "generate_series(1, %s) i", [APPLICATIONS],
        )  # fmt: skip
        submitted = f"applications_application a WHERE a.call_id = {call.pk} AND a.status = 'submitted'"
        insert_select(
            cur, Decision,
            {"application_id": "a.id", "round_id": str(round_.pk),
             "kind": "CASE WHEN a.id % 5 = 0 THEN 'rejection' ELSE 'approval' END",
             "state": "CASE WHEN a.id % 5 = 0 THEN 'draft' ELSE 'notified' END",
             "protocol_number": "'ΑΠ-' || a.protocol_number", "subject": "'Ένταξη'",
             "amount_total": "14220.00", "notified_at": "a.submitted_at + interval '30 days'",
             "standing": "true"},  # one decision per application: each stands
            f"{submitted} ORDER BY a.priority_seq LIMIT %s", [DECISIONS],
        )  # fmt: skip
        insert_select(
            cur, Operation,
            {"application_id": "a.id", "call_id": str(call.pk), "decision_id": "d.id",
             "code": "'ΠΡΞ-' || a.protocol_number", "title": "'Πράξη ' || a.id", "business_id": "a.business_id",
             "state": "'active'", "approved_total": "d.amount_total", "public_expenditure": "d.amount_total",
             "starts_on": "current_date - (a.id % 500)::int", "ends_on": "current_date + (a.id % 900)::int",
             "management_body": "''"},
            "applications_application a JOIN evaluation_decision d ON d.application_id = a.id "
            "WHERE d.kind = 'approval' ORDER BY a.priority_seq LIMIT %s", [OPERATIONS],
        )  # fmt: skip
        insert_select(
            cur, VerificationRequest,
            {"operation_id": "o.id", "seq": "s", "kind": "'interim'", "state": "'submitted'",
             "declared_total": "(5000 + (o.id * s * 31) % 9000)::numeric(14,2)",
             "created_by_id": str(users["programme_admin"].pk), "submitted_at": "now() - (o.id % 300) * interval '1 day'"},
            "operations_operation o CROSS JOIN generate_series(1, 2) s WHERE o.call_id = %s", [call.pk],
        )  # fmt: skip
        evaluator_of = f"(ARRAY[{','.join(map(str, evaluators))}])[1 + (a.priority_seq % {len(evaluators)})]"
        insert_select(
            cur, Assignment,
            {"round_id": str(round_.pk), "application_id": "a.id", "evaluator_id": evaluator_of,
             "role": "'evaluator'", "state": "CASE WHEN a.id % 3 = 0 THEN 'active' ELSE 'done' END",
             "assigned_by_id": str(users["supervisor"].pk)},
            f"{submitted} ORDER BY a.priority_seq LIMIT %s", [EVALUATIONS],
        )  # fmt: skip
        insert_select(
            cur, Evaluation,
            {"application_id": "s.application_id", "assignment_id": "s.id", "level": "1",
             "state": "CASE WHEN s.state = 'active' THEN 'draft' ELSE 'submitted' END",
             "result": "CASE WHEN s.state = 'active' THEN '' ELSE 'pass' END",
             "submitted_at": "CASE WHEN s.state = 'active' THEN NULL ELSE now() END"},
            "evaluation_assignment s WHERE s.round_id = %s", [round_.pk],
        )  # fmt: skip
        # The applicant: one application of a business of their own.
        biz = Business.objects.create(
            afm=f"8{tag[1:]}000"[:9].ljust(9, "0"), name=f"ΑΙΤΟΥΣΑ {tag}", legal_form="ΙΚΕ"
        )
        Membership.objects.create(
            business=biz, user=applicant, invited_afm=biz.afm, role="coordinator", state="active"
        )
        Application.objects.create(call=call, business=biz, applicant_user=applicant, kind="business")
        # Audit events appended after the chain's head (numbered on, hashes distinct per number).
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        start = head.last_seq
        insert_select(
            cur, AuditEvent,
            {"seq": f"{start} + i", "created_at": "now() - interval '400 days' + i * interval '100 seconds'",
             "actor_id": str(users["programme_admin"].pk), "actor_label": "'Διαχειριστής προγράμματος'",
             "action": "(ARRAY['application.submitted','application.autosaved','evaluation.submitted','decision.signed','registry.prefill','payment.ordered','auth.login','auth.otp_verified','verification.approved','objection.filed'])[1 + i % 10]",
             "content_type_id": str(app_ct), "object_id": "(i % 100000)::text", "object_repr": "'Αίτηση ' || (i % 100000)",
             "prev_hash": "md5((i - 1)::text) || md5(i::text)", "hash": f"md5(i::text) || md5('{tag}' || i::text)"},
            "generate_series(1, %s) i", [AUDIT_EVENTS],
        )  # fmt: skip
        AuditChainHead.objects.filter(pk=1).update(last_seq=start + AUDIT_EVENTS, last_hash="f" * 64)
        insert_select(
            cur, RegistryCall,
            {"registry": "(ARRAY['aade','ergani','deminimis','gemi'])[1 + i % 4]", "operation": "'lookup'",
             "subject": f"'{tag[:1]}' || lpad((i % {BUSINESSES})::text, 8, '0')",
             "started_at": "now() - interval '400 days' + i * interval '150 seconds'",
             "duration_ms": "20 + i % 300", "outcome": "CASE WHEN i % 50 = 0 THEN 'unavailable' ELSE 'ok' END",
             "http_status": "200"},
            "generate_series(1, %s) i", [REGISTRY_CALLS],
        )  # fmt: skip
    with connection.cursor() as cur:  # outside the transaction: what autovacuum does in service
        cur.execute("VACUUM ANALYZE")
    return {"call": call, "users": users, "applicant": applicant, "round": round_}


# --- measuring -------------------------------------------------------------------------------------


def _client(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(HTTP_HOST="127.0.0.1")
    if user is None:
        return client
    client.force_login(user)
    if user.kind == user.Kind.STAFF:  # the session has passed the code step, as after a real login
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


class _DbTimer:
    """Sums the time the request spends in cursor.execute (connection.execute_wrapper)."""

    def __init__(self):
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - t0
            self.queries += 1


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def measure_page(client, url: str) -> dict:
    from django.db import connection

    totals, db_times, queries, status = [], [], set(), None
    for i in range(REPS + 2):
        timer = _DbTimer()
        with connection.execute_wrapper(timer):
            t0 = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - t0
        status = response.status_code
        if i >= 2:  # two warm-ups
            totals.append(elapsed)
            db_times.append(timer.seconds)
            queries.add(timer.queries)
    return {"p95": p95(totals), "db": statistics.median(db_times), "queries": max(queries), "status": status,
            "bytes": len(response.content)}  # fmt: skip


def measure_floor(client) -> float:
    """The database time every page of this session spends before its list (session, user, roles,
    second factor, unread count, the menu): the median of a page that shows nothing, a missing
    notification (404). The ratio compares the list's own database time with the raw SQL."""
    from django.urls import reverse

    return measure_page(client, reverse("opske:inbox-detail", args=[2_000_000_000]))["db"]


def measure_sql(statements: list[tuple[str, list]]) -> float:
    from django.db import connection

    times = []
    with connection.cursor() as cur:
        for i in range(REPS + 2):
            t0 = time.perf_counter()
            for sql, params in statements:
                cur.execute(sql, params)
                cur.fetchall()
            if i >= 2:
                times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _spec(
    *,
    name: str,
    role: str | None,
    url: str,
    count: str | None,
    page: str,
    sized: bool,
    size: int,
    options: str | None = None,
) -> dict:
    """One measured list: who opens it, its address, the raw SQL of its count and of one page
    (%(limit)s/%(offset)s), whether it takes `?page_size=`, its own page size, and the raw SQL of
    what else the page shows from the database (a filter's options)."""
    return {
        "name": name,
        "role": role,
        "url": url,
        "count": count,
        "page": page,
        "sized": sized,
        "size": size,
        "options": options,
    }


def lists(world: dict) -> list[dict]:
    from django.urls import reverse

    from accounts.models import User

    user_table = User._meta.db_table
    staff_options = (
        f"SELECT id, username, first_name, last_name FROM {user_table} WHERE kind = 'staff' ORDER BY username"
    )
    call = world["call"]
    c = call.pk
    evaluator = world["users"]["evaluator"].pk
    apps_cols = "a.id, a.protocol_number, a.status, a.submitted_at, a.priority_seq, b.name, b.afm, c.code"
    apps_from = "applications_application a JOIN calls_call c ON c.id = a.call_id LEFT JOIN accounts_business b ON b.id = a.business_id"
    # The applicant's list also shows each application's receipt and what replaced it.
    mine_from = (
        f"{apps_from} LEFT JOIN opske_generateddocument r ON r.id = a.receipt_id"
        " LEFT JOIN applications_application n ON n.id = a.superseded_by_id"
    )
    return [
        _spec(
            name="applications (staff)",
            role="programme_admin",
            url=reverse("applications:staff-list") + f"?call={c}",
            count=f"SELECT count(*) FROM applications_application a WHERE a.call_id = {c} AND a.status <> 'draft'",
            page=f"SELECT {apps_cols} FROM {apps_from} WHERE a.call_id = {c} AND a.status <> 'draft' ORDER BY a.priority_seq, a.id LIMIT %(limit)s OFFSET %(offset)s",
            sized=True,
            size=50,
        ),
        _spec(
            name="applications API (staff)",
            role="programme_admin",
            url=reverse("applications-api:staff-list") + f"?call={c}",
            count=f"SELECT count(*) FROM applications_application a WHERE a.call_id = {c} AND a.status <> 'draft'",
            page=f"SELECT {apps_cols} FROM {apps_from} WHERE a.call_id = {c} AND a.status <> 'draft' ORDER BY a.call_id, a.priority_seq, a.id LIMIT %(limit)s OFFSET %(offset)s",
            sized=True,
            size=50,
        ),
        _spec(
            name="my applications",
            role="applicant",
            url=reverse("applications:mine"),
            count=None,
            page=f"SELECT {apps_cols}, r.state, n.protocol_number FROM {mine_from} WHERE a.business_id IN (SELECT business_id FROM accounts_membership WHERE user_id = {world['applicant'].pk} AND state = 'active') ORDER BY a.created_at DESC LIMIT %(limit)s OFFSET %(offset)s",
            sized=False,
            size=1,
        ),
        _spec(
            name="my applications API",
            role="applicant",
            url=reverse("applications-api:list"),
            count=None,
            page=f"SELECT {apps_cols}, r.state, n.protocol_number FROM {mine_from} WHERE a.business_id IN (SELECT business_id FROM accounts_membership WHERE user_id = {world['applicant'].pk} AND state = 'active') ORDER BY a.created_at DESC LIMIT %(limit)s OFFSET %(offset)s",
            sized=True,
            size=50,
        ),
        _spec(
            name="reviews (supervisor)",
            role="supervisor",
            url=reverse("evaluation:reviews"),
            count="SELECT count(*) FROM evaluation_evaluation e WHERE e.level = 1",
            page=f"SELECT e.id, e.state, e.result, {apps_cols}, u.username FROM evaluation_evaluation e JOIN evaluation_assignment s ON s.id = e.assignment_id JOIN {user_table} u ON u.id = s.evaluator_id JOIN applications_application a ON a.id = e.application_id JOIN calls_call c ON c.id = a.call_id LEFT JOIN accounts_business b ON b.id = a.business_id WHERE e.level = 1 ORDER BY a.call_id, a.priority_seq, e.id LIMIT %(limit)s OFFSET %(offset)s",
            sized=True,
            size=20,
        ),
        _spec(
            name="evaluator's queue",
            role="evaluator",
            url=reverse("evaluation:queue"),
            count=f"SELECT count(*) FROM evaluation_assignment s WHERE s.evaluator_id = {evaluator}",
            page=f"SELECT s.id, s.state, {apps_cols} FROM evaluation_assignment s JOIN applications_application a ON a.id = s.application_id JOIN calls_call c ON c.id = a.call_id LEFT JOIN accounts_business b ON b.id = a.business_id WHERE s.evaluator_id = {evaluator} ORDER BY a.call_id, a.priority_seq, a.id, s.id LIMIT %(limit)s OFFSET %(offset)s",
            sized=True,
            size=20,
        ),
        _spec(
            name="results (internal)",
            role="supervisor",
            url=reverse("evaluation:results", args=[call.code]),
            count=f"SELECT count(*) FROM evaluation_decision d WHERE d.round_id = {world['round'].pk} AND d.standing",
            page=f"SELECT d.id, d.kind, d.amount_total, {apps_cols} FROM evaluation_decision d JOIN applications_application a ON a.id = d.application_id JOIN calls_call c ON c.id = a.call_id LEFT JOIN accounts_business b ON b.id = a.business_id WHERE d.round_id = {world['round'].pk} AND d.standing ORDER BY a.priority_seq, a.id LIMIT %(limit)s OFFSET %(offset)s",
            sized=True,
            size=50,
        ),
        _spec(
            name="results (public)",
            role=None,
            url=reverse("evaluation:results-public", args=[call.code]),
            count=f"SELECT count(*) FROM evaluation_decision d WHERE d.round_id = {world['round'].pk} AND d.kind = 'approval' AND d.state = 'notified' AND d.standing",
            page=f"SELECT d.id, d.amount_total, a.protocol_number, b.name FROM evaluation_decision d JOIN applications_application a ON a.id = d.application_id LEFT JOIN accounts_business b ON b.id = a.business_id WHERE d.round_id = {world['round'].pk} AND d.kind = 'approval' AND d.state = 'notified' AND d.standing ORDER BY a.priority_seq, a.id LIMIT %(limit)s OFFSET %(offset)s",
            sized=True,
            size=50,
        ),
        _spec(
            name="audit trail",
            role="auditor",
            url=reverse("opske:audit-list"),
            count="SELECT last_seq FROM opske_auditchainhead WHERE id = 1",
            page="SELECT e.id, e.seq, e.created_at, e.action, e.object_repr, e.actor_label, t.model FROM opske_auditevent e LEFT JOIN django_content_type t ON t.id = e.content_type_id ORDER BY e.seq DESC LIMIT %(limit)s OFFSET %(offset)s",
            sized=True,
            size=25,
            options=staff_options,  # the «Ενεργών» filter: the staff, by username
        ),
        _spec(
            name="audit trail, action filter",
            role="auditor",
            url=reverse("opske:audit-list") + "?action=decision.signed",
            count="SELECT count(*) FROM opske_auditevent e WHERE e.action = 'decision.signed'",
            page="SELECT e.id, e.seq, e.created_at, e.action, e.object_repr, e.actor_label FROM opske_auditevent e WHERE e.action = 'decision.signed' ORDER BY e.seq DESC LIMIT %(limit)s OFFSET %(offset)s",
            sized=True,
            size=25,
            options=staff_options,  # the «Ενεργών» filter: the staff, by username
        ),
        _spec(
            name="registry calls",
            role="programme_admin",
            url=reverse("interop:calls"),
            count="SELECT count(*) FROM interop_registrycall",
            page="SELECT r.* FROM interop_registrycall r ORDER BY r.started_at DESC, r.id DESC LIMIT %(limit)s OFFSET %(offset)s",
            sized=True,
            size=50,
        ),
        _spec(
            name="operations (staff)",
            role="programme_admin",
            url=reverse("operations:staff-list"),
            count="SELECT count(*) FROM operations_operation",
            page="SELECT o.id, o.code, o.title, o.state, o.approved_total, b.name FROM operations_operation o LEFT JOIN accounts_business b ON b.id = o.business_id ORDER BY o.starts_on DESC, o.id DESC LIMIT %(limit)s OFFSET %(offset)s",
            sized=True,
            size=20,
        ),
        _spec(
            name="payment claims (staff)",
            role="verifier",
            url=reverse("verification:requests-staff"),
            count="SELECT count(*) FROM verification_verificationrequest r WHERE r.state <> 'draft'",
            page="SELECT r.id, r.seq, r.state, r.declared_total, r.submitted_at, o.code, b.name FROM verification_verificationrequest r JOIN operations_operation o ON o.id = r.operation_id LEFT JOIN accounts_business b ON b.id = o.business_id WHERE r.state <> 'draft' ORDER BY r.submitted_at DESC, r.id DESC LIMIT %(limit)s OFFSET %(offset)s",
            sized=True,
            size=50,
        ),
    ]


def run(world: dict) -> list[dict]:
    from django.db import connection

    clients, floors = {}, {}
    rows = []
    for spec in lists(world):
        role = spec["role"]
        user = world["applicant"] if role == "applicant" else world["users"].get(role) if role else None
        if role not in clients:
            clients[role] = _client(user)
            floors[role] = measure_floor(clients[role])
        client = clients[role]
        sizes = (25, 100) if spec["sized"] else (spec["size"],)
        counted = None
        if spec["count"]:
            with connection.cursor() as cur:
                cur.execute(spec["count"])
                counted = cur.fetchone()[0] or 0
        for size in sizes:
            pages = max(1, -(-(counted or 1) // size))
            for number in sorted({1, pages}):
                sep = "&" if "?" in spec["url"] else "?"
                url = spec["url"] + (f"{sep}page_size={size}" if spec["sized"] else "")
                if number > 1:
                    url += f"{'&' if '?' in url else '?'}page={number}"
                page = measure_page(client, url)
                statements = [(spec["page"], {"limit": size, "offset": (number - 1) * size})]
                if spec["count"]:
                    statements.insert(0, (spec["count"], []))
                if spec["options"]:
                    statements.append((spec["options"], []))
                raw = measure_sql(statements)
                rows.append(
                    {
                        "name": spec["name"],
                        "size": size,
                        "page": number,
                        **page,
                        "raw": raw,
                        "floor": floors[role],
                    }
                )
    return rows


def report(rows: list[dict]) -> bool:
    by_list: dict[str, dict[int, set]] = {}
    for r in rows:
        by_list.setdefault(r["name"], {}).setdefault(r["size"], set()).add(r["queries"])
    ok_all = True
    print(
        f"{'list':<28} {'rows':>4} {'page':>6} {'status':>6} {'p95 ms':>7} {'queries':>7} {'db ms':>6} {'fixed':>6} {'list':>6} {'raw ms':>6} {'ratio':>6}  verdict",
        flush=True,
    )
    for r in rows:
        own = max(r["db"] - r["floor"], 0.0)  # the list's own database time
        ratio = own / r["raw"] if r["raw"] else float("inf")
        sizes = by_list[r["name"]]
        flat = len({q for qs in sizes.values() for q in qs}) == 1
        misses = []
        if r["status"] != 200:
            misses.append(f"HTTP {r['status']}")
        if r["p95"] * 1000 > P95_GOAL_MS:
            misses.append("p95")
        if ratio > RATIO_GOAL and own * 1000 > 2:  # under 2 ms of the list's own time the ratio is noise
            misses.append("ratio")
        if not flat:
            misses.append("queries vary with the page size")
        ok_all = ok_all and not misses
        print(
            f"{r['name']:<28} {r['size']:>4} {r['page']:>6} {r['status']:>6} {r['p95'] * 1000:>7.1f} {r['queries']:>7} "
            f"{r['db'] * 1000:>6.1f} {r['floor'] * 1000:>6.1f} {own * 1000:>6.1f} {r['raw'] * 1000:>6.1f} {ratio:>6.1f}  {'OK' if not misses else 'MISS ' + ', '.join(misses)}",
            flush=True,
        )
    return ok_all


def main(argv: list[str] | None = None) -> int:
    _setup_django()
    tag = "7" + uuid.uuid4().hex[:5]
    started = time.monotonic()
    world = build(tag)
    print(
        f"generated {APPLICATIONS:,} applications, {DECISIONS:,} decisions, {OPERATIONS:,} operations, "
        f"{EVALUATIONS:,} evaluations, {AUDIT_EVENTS:,} audit events, {REGISTRY_CALLS:,} registry calls "
        f"in {time.monotonic() - started:.1f}s",
        flush=True,
    )
    rows = run(world)
    ok = report(rows)
    worst = max(rows, key=lambda r: r["p95"])
    print(
        f"lists: {len({r['name'] for r in rows})} lists, {len(rows)} pages measured; worst p95 "
        f"{worst['p95'] * 1000:.0f} ms ({worst['name']}, page {worst['page']} of {worst['size']}); "
        f"goal p95 ≤ {P95_GOAL_MS:.0f} ms, flat queries, ≤ {RATIO_GOAL:.0f}× raw SQL: {'OK' if ok else 'MISSED'}",
        flush=True,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
