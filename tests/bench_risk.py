"""Benchmark of the monthly risk run (issue 12, Guidance Ο.3 §4.2.2): `main()` is called by the bench
runner (tests/bench.py).

1. Generates, with set-based INSERT … SELECT statements (column lists from each model's _meta, so
   a field added later gets its default), one Programme and call with 10,000 businesses, 50,000
   operations and 500,000 submitted declarations (ΔΔΔ, 10 per operation, 6 of them verified with
   small corrections), plus on-the-spot verifications, corrections and approved modifications.
2. Runs the service path `verification.services.risk.risk_run_execute` (monthly) — a fixed number
   of aggregate queries, the pure factor rules in Python, one bulk insert of the 50,000 scores —
   and times it (target < 10 s).
3. Runs a raw-SQL baseline of the same assessment: the same aggregates as CTEs, the 19 grades as
   CASE expressions, rank and stratum by window functions, INSERT … SELECT into a scratch table;
   prints the ratio, and checks that both give every operation the same total, rank and stratum.

Bounded: fixed sizes (BENCH_RISK_SCALE scales them), each statement under a statement timeout;
the data it created is deleted afterwards. Runs against DATABASE_URL (PostgreSQL).
"""

# The generator and the baseline are SQL written as one expression per column: long lines read better.
# ruff: noqa: E501

from __future__ import annotations

import datetime
import os
import sys
import time
import uuid

OPERATIONS = 50_000
PER_OPERATION = 10
BUSINESSES = 10_000
TARGET = 10.0


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opske.settings.local")
    import django

    django.setup()


def insert_select(cursor, model, exprs: dict[str, str], source: str, params=()) -> int:
    """INSERT INTO model's table SELECT … FROM source: `exprs` gives a SQL expression per column;
    every other column gets the field's default (auto_now → now(), nullable → NULL, text → '')."""
    from django.db import connection, models

    cols, values, args = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        cols.append(f'"{f.column}"')
        if f.column in exprs:
            values.append(exprs[f.column].replace("%", "%%"))  # literal modulo, not a placeholder
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            values.append("now()")
        elif f.has_default():
            values.append("%s")
            args.append(f.get_db_prep_save(f.get_default(), connection))
        elif f.null:
            values.append("NULL")
        elif isinstance(f, models.CharField | models.TextField):
            values.append("''")
        else:
            raise RuntimeError(f"{model.__name__}.{f.name}: no value for a NOT NULL column")
    sql = f'INSERT INTO "{model._meta.db_table}" ({", ".join(cols)}) SELECT {", ".join(values)} FROM {source}'
    cursor.execute(sql, [*args, *params])
    return cursor.rowcount


def build_world(n_ops: int, per_op: int, n_biz: int, tag: str) -> dict:
    from django.db import connection, transaction

    from accounts.models import Business, User
    from applications.models import Application
    from calls import seeds
    from calls.models import Call, Programme
    from evaluation.models import Decision, EvaluationRound
    from operations.models import Modification, Operation
    from verification.models import Correction, OnSiteVerification, VerificationRequest

    seed = seeds.kya7066()
    fields = seed["versions"][0]["fields"]
    programme = Programme.objects.create(code=f"bench-risk-{tag}", title=f"[bench] Πρόγραμμα κινδύνου {tag}")
    call = Call.objects.create(
        programme=programme,
        code=f"bench-risk-{tag}",
        title=f"[bench] {fields['title']}",
        aid_regime=fields["aid_regime"],
        applicant_kind=fields["applicant_kind"],
        evaluation_method=fields["evaluation_method"],
        total_budget=fields["total_budget"],
        config=fields["config"],
    )
    user, _ = User.objects.get_or_create(username="bench-risk", defaults={"is_active": False})
    round_ = EvaluationRound.objects.create(call=call, method=call.evaluation_method)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL statement_timeout = '300s'")
        insert_select(
            cur, Business,
            {"afm": f"'{tag[:1]}' || lpad(i::text, 8, '0')", "name": f"'ΔΟΚΙΜΗ ΚΙΝΔΥΝΟΥ {tag} ' || i",
             "legal_form": "CASE WHEN i % 20 = 0 THEN 'ΑΜΚΕ' ELSE 'ΙΚΕ' END", "search_text": "''"},
            "generate_series(1, %s) i", [n_biz],
        )  # fmt: skip
        cur.execute("SELECT min(id) FROM accounts_business WHERE name LIKE %s", [f"ΔΟΚΙΜΗ ΚΙΝΔΥΝΟΥ {tag} %"])
        first_biz = cur.fetchone()[0]
        insert_select(
            cur, Application,
            {"call_id": str(call.pk), "kind": "'business'", "business_id": f"{first_biz} + (i % {n_biz})",
             "applicant_user_id": str(user.pk), "status": "'submitted'",
             "protocol_number": f"'BR{tag}-' || i", "submitted_at": "now() - (i % 400) * interval '1 day'"},
            "generate_series(1, %s) i", [n_ops],
        )  # fmt: skip
        insert_select(
            cur, Decision,
            {"application_id": "a.id", "round_id": str(round_.pk), "kind": "'approval'",
             "protocol_number": "'ΑΠ-' || a.protocol_number", "subject": "'Ένταξη'",
             "amount_total": "(20000 + (a.id * 7919) % 6000000)::numeric(14,2)",
             "notified_at": "now() - (a.id % 390) * interval '1 day'"},
            "applications_application a WHERE a.call_id = %s", [call.pk],
        )  # fmt: skip
        insert_select(
            cur, Operation,
            {"application_id": "a.id", "call_id": str(call.pk), "decision_id": "d.id",
             "code": "'ΠΡΞ-' || a.protocol_number", "title": "'Πράξη ' || a.id", "business_id": "a.business_id",
             "state": "CASE WHEN a.id % 10 = 0 THEN 'completed' ELSE 'active' END",
             "approved_total": "d.amount_total", "public_expenditure": "d.amount_total",
             "starts_on": "current_date - (a.id % 500)::int", "ends_on": "current_date - (a.id % 500)::int + (a.id % 2000)::int",
             "management_body": "''"},
            "applications_application a JOIN evaluation_decision d ON d.application_id = a.id WHERE a.call_id = %s",
            [call.pk],
        )  # fmt: skip
        ops = "operations_operation o WHERE o.call_id = %s"
        insert_select(
            cur, VerificationRequest,
            {"operation_id": "o.id", "seq": "s", "kind": "'interim'", "state": "'submitted'",
             "declared_total": "(5000 + (o.id * s * 31) % 20000)::numeric(14,2)",
             "accepted_total": "CASE WHEN s <= 6 THEN (5000 + (o.id * s * 31) % 20000 - (o.id % 9) * (s % 3) * 40)"
                               "::numeric(14,2) END",
             "created_by_id": str(user.pk), "submitted_at": "now()"},
            f"operations_operation o CROSS JOIN generate_series(1, {int(per_op)}) s WHERE o.call_id = %s",
            [call.pk],
        )  # fmt: skip
        insert_select(
            cur, OnSiteVerification,
            {"operation_id": "o.id", "serial": f"'BR{tag}-' || o.id", "semester": "'2026-H1'",
             "started_on": "current_date - (o.id % 800)::int - 2", "ended_on": "current_date - (o.id % 800)::int",
             "object": "'Φυσικό αντικείμενο'", "amount_checked": "(10000 + o.id % 50000)::numeric(14,2)",
             "recorded_by_id": str(user.pk)},
            ops + " AND mod(o.id, 7) = 0", [call.pk],
        )  # fmt: skip
        insert_select(
            cur, Correction,
            {"operation_id": "o.id", "origin": "CASE WHEN o.id % 2 = 0 THEN 'on_the_spot' ELSE 'administrative' END",
             "category": "CASE WHEN o.id % 3 = 0 THEN '2' ELSE '1' END", "horizontal": "o.id % 5 = 0",
             "amount": "(o.id % 4000)::numeric(14,2)", "reason": "'παρατυπία'", "recorded_by_id": str(user.pk)},
            ops + " AND mod(o.id, 14) = 0", [call.pk],
        )  # fmt: skip
        insert_select(
            cur, Modification,
            {"operation_id": "o.id", "number": "s", "severity": "'major'",
             "characterisation": "CASE WHEN s % 4 = 0 THEN 'exogenous' ELSE 'necessary' END",
             "state": "CASE WHEN s % 5 = 0 THEN 'rejected' ELSE 'approved' END", "reason": "'αλλαγή'",
             "submitted_by_id": str(user.pk)},
            "operations_operation o CROSS JOIN generate_series(1, mod(o.id, 9)::int) s WHERE o.call_id = %s AND mod(o.id, 3) = 0",
            [call.pk],
        )  # fmt: skip
        cur.execute("ANALYZE")
    return {"programme": programme, "call": call, "user": user}


BASELINE_SQL = """
WITH ops AS (
  SELECT o.id, o.code, o.business_id, o.public_expenditure, o.starts_on, o.ends_on,
         (a.submitted_at AT TIME ZONE 'Europe/Athens')::date AS submitted_on,
         b.legal_form
  FROM operations_operation o
  JOIN calls_call c ON c.id = o.call_id
  JOIN applications_application a ON a.id = o.application_id
  LEFT JOIN accounts_business b ON b.id = o.business_id
  WHERE c.programme_id = %(programme)s AND o.management_body = '' AND o.state <> 'terminated'
), req AS (
  SELECT r.operation_id, o.business_id, sum(r.declared_total) AS d,
         sum(r.declared_total) FILTER (WHERE r.accepted_total IS NOT NULL) AS dd, sum(r.accepted_total) AS a
  FROM verification_verificationrequest r JOIN operations_operation o ON o.id = r.operation_id
  WHERE r.state <> 'draft' GROUP BY r.operation_id, o.business_id
), biz_decl AS (
  SELECT business_id, sum(d) AS d, sum(a) AS a FROM req WHERE business_id IS NOT NULL GROUP BY business_id
), biz_q AS (
  SELECT business_id, (4 * (rank() OVER (ORDER BY d) - 1)) / count(*) OVER () + 1 AS q
  FROM biz_decl WHERE d > 0
), mods AS (
  SELECT operation_id, count(*) FILTER (WHERE characterisation = 'necessary') AS n
  FROM operations_modification WHERE state = 'approved' GROUP BY operation_id
), onsite AS (
  SELECT operation_id, max(ended_on) AS last, sum(amount_checked) AS chk
  FROM verification_onsiteverification GROUP BY operation_id
), oc AS (
  SELECT operation_id, sum(amount) AS s FROM verification_correction
  WHERE origin IN ('on_the_spot', 'audit') AND NOT horizontal AND NOT flat_rate GROUP BY operation_id
), biz_open AS (
  SELECT business_id, count(*) AS n FROM operations_operation WHERE state = 'active' GROUP BY business_id
), biz_onsite AS (
  SELECT o.business_id, count(*) AS n FROM verification_onsiteverification v
  JOIN operations_operation o ON o.id = v.operation_id GROUP BY o.business_id
), biz_corr AS (
  SELECT o.business_id, sum(c.amount) AS s FROM verification_correction c
  JOIN operations_operation o ON o.id = c.operation_id WHERE c.category IN ('1', '6') GROUP BY o.business_id
), partners AS (
  SELECT a.operation_id, count(*) AS n FROM (
    SELECT p.afm, o.id AS operation_id, b.afm AS own FROM applications_clusterpartner p
    JOIN operations_operation o ON o.application_id = p.application_id
    LEFT JOIN accounts_business b ON b.id = o.business_id) a
  WHERE a.afm IS DISTINCT FROM a.own GROUP BY a.operation_id
), graded AS (
  SELECT ops.id, ops.code,
    (CASE WHEN upper(coalesce(ops.legal_form, '')) LIKE '%%ΑΜΚΕ%%' THEN 5 ELSE 4 END)
    + (CASE WHEN coalesce(bd.a, 0) = 0 OR coalesce(bc.s, 0) * 100 < 2 * bd.a THEN 1
            WHEN coalesce(bc.s, 0) * 100 <= 5 * bd.a THEN 3 ELSE 5 END)
    + (CASE WHEN coalesce(bo.n, 0) > 0 THEN 1 ELSE 10 END)
    + (CASE WHEN 1 + coalesce(pa.n, 0) <= 1 THEN 1 WHEN 1 + coalesce(pa.n, 0) <= 3 THEN 3 ELSE 5 END)
    + 1
    + (CASE WHEN coalesce(bop.n, 0) <= 5 THEN 1 ELSE 5 END)
    + (CASE coalesce(bq.q, 1) WHEN 1 THEN 1 WHEN 2 THEN 3 WHEN 3 THEN 4 ELSE 5 END)
    + 1 + 1 + 5 + 4  -- 9-12: one sub-project of type 5005 (own means): 1 type, 1 sub-project, «other», own means only
    + (CASE WHEN ops.ends_on IS NULL OR (ops.ends_on - ops.starts_on) <= 2 * 365.25 THEN 1
            WHEN (ops.ends_on - ops.starts_on) <= 4 * 365.25 THEN 3 ELSE 5 END)
    + (CASE WHEN ops.starts_on < ops.submitted_on THEN 5 ELSE 1 END)
    + (CASE WHEN ops.public_expenditure <= 1000000 THEN 1 WHEN ops.public_expenditure <= 5000000 THEN 3 ELSE 5 END)
    + (CASE WHEN coalesce(m.n, 0) = 0 THEN 1 WHEN m.n <= 5 THEN 3 ELSE 5 END)
    + (CASE WHEN coalesce(r.dd, 0) = 0 OR r.dd - coalesce(r.a, 0) <= 0 THEN 5
            WHEN (r.dd - r.a) * 100 <= 2 * r.dd THEN 3 ELSE 1 END)
    + (CASE WHEN os.last IS NULL THEN 10 WHEN %(as_of)s::date - os.last <= 360 THEN 1 ELSE 5 END)
    + (CASE WHEN coalesce(os.chk, 0) = 0 THEN 1
            WHEN coalesce(oc.s, 0) * 100 <= 1 * os.chk THEN 1 WHEN oc.s * 100 <= 2 * os.chk THEN 2
            WHEN oc.s * 100 <= 10 * os.chk THEN 3 WHEN oc.s * 100 <= 25 * os.chk THEN 4 ELSE 5 END) AS total
  FROM ops
  LEFT JOIN req r ON r.operation_id = ops.id
  LEFT JOIN biz_decl bd ON bd.business_id = ops.business_id
  LEFT JOIN biz_q bq ON bq.business_id = ops.business_id
  LEFT JOIN mods m ON m.operation_id = ops.id
  LEFT JOIN onsite os ON os.operation_id = ops.id
  LEFT JOIN oc ON oc.operation_id = ops.id
  LEFT JOIN biz_open bop ON bop.business_id = ops.business_id
  LEFT JOIN biz_onsite bo ON bo.business_id = ops.business_id
  LEFT JOIN biz_corr bc ON bc.business_id = ops.business_id
  LEFT JOIN partners pa ON pa.operation_id = ops.id
), ranked AS (
  SELECT id, total, row_number() OVER (ORDER BY total DESC, code COLLATE "C") AS rank, count(*) OVER () AS n
  FROM graded
)
INSERT INTO bench_risk_score (operation_id, total, rank, stratum)
SELECT id, total, rank,
  CASE WHEN rank <= n / 3 + (CASE WHEN n %% 3 >= 1 THEN 1 ELSE 0 END) THEN 'high'
       WHEN rank <= 2 * (n / 3) + (CASE WHEN n %% 3 >= 1 THEN 1 ELSE 0 END) + (CASE WHEN n %% 3 >= 2 THEN 1 ELSE 0 END)
       THEN 'medium' ELSE 'low' END
FROM ranked
"""


def baseline(programme_id: int, as_of: datetime.date) -> float:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL statement_timeout = '120s'")
        cur.execute(
            "DROP TABLE IF EXISTS bench_risk_score; CREATE TABLE bench_risk_score (operation_id bigint PRIMARY "
            "KEY, total int NOT NULL, rank int NOT NULL, stratum text NOT NULL)"
        )
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL statement_timeout = '120s'")
        cur.execute(BASELINE_SQL, {"programme": programme_id, "as_of": as_of})
    return time.monotonic() - started


def compare(run_id: int) -> int:
    """Operations whose total, rank or stratum differ between the service run and the baseline."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM verification_riskscore s FULL JOIN bench_risk_score b "
            "ON b.operation_id = s.operation_id AND s.run_id = %s WHERE s.run_id = %s AND "
            "(b.operation_id IS NULL OR b.total <> s.total OR b.rank <> s.rank OR b.stratum <> s.stratum)",
            [run_id, run_id],
        )
        return cur.fetchone()[0]


def cleanup(world: dict) -> None:
    from django.db import connection, transaction

    call_id, programme_id = world["call"].pk, world["programme"].pk
    ops = "SELECT id FROM operations_operation WHERE call_id = %s"
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL statement_timeout = '300s'")
        cur.execute("DROP TABLE IF EXISTS bench_risk_score")
        cur.execute(
            "DELETE FROM verification_riskscore WHERE run_id IN (SELECT id FROM verification_riskrun "
            "WHERE programme_id = %s)",
            [programme_id],
        )
        cur.execute("DELETE FROM verification_riskrun WHERE programme_id = %s", [programme_id])
        for table in (
            "verification_verificationrequest",
            "verification_onsiteverification",
            "verification_correction",
            "operations_modification",
        ):
            cur.execute(f"DELETE FROM {table} WHERE operation_id IN ({ops})", [call_id])
        cur.execute("DELETE FROM operations_operation WHERE call_id = %s", [call_id])
        cur.execute(
            "DELETE FROM evaluation_decision WHERE application_id IN (SELECT id FROM applications_application "
            "WHERE call_id = %s)",
            [call_id],
        )
        cur.execute("DELETE FROM applications_application WHERE call_id = %s", [call_id])
        cur.execute("DELETE FROM accounts_business WHERE name LIKE %s", [f"ΔΟΚΙΜΗ ΚΙΝΔΥΝΟΥ {world['tag']} %"])
        cur.execute("DELETE FROM evaluation_evaluationround WHERE call_id = %s", [call_id])
        cur.execute("DELETE FROM calls_call WHERE id = %s", [call_id])
        cur.execute("DELETE FROM calls_programme WHERE id = %s", [programme_id])


def bench(scale: float = 1.0) -> dict:
    from django.utils import timezone

    from verification.services.risk import risk_run_execute

    n_ops, n_biz = int(OPERATIONS * scale), max(1, int(BUSINESSES * scale))
    tag = "9" + uuid.uuid4().hex[:5]
    started = time.monotonic()
    world = build_world(n_ops, PER_OPERATION, n_biz, tag)
    world["tag"] = tag
    print(
        f"generated {n_ops:,} operations, {n_ops * PER_OPERATION:,} declarations for {n_biz:,} beneficiaries "
        f"in {time.monotonic() - started:.1f}s",
        flush=True,
    )
    try:
        as_of = timezone.localdate()
        t0 = time.monotonic()
        run = risk_run_execute(
            actor=world["user"], programme=world["programme"], management_body="", kind="monthly", as_of=as_of
        )
        ours = time.monotonic() - t0
        base = baseline(world["programme"].pk, as_of)
        differ = compare(run.pk)
        return {"ours": ours, "baseline": base, "rows": run.operations_count, "differ": differ,
                "strata": run.strata}  # fmt: skip
    finally:
        cleanup(world)


def main(argv: list[str] | None = None) -> int:
    _setup_django()
    argv = argv if argv is not None else sys.argv[1:]
    scale = float(argv[0]) if argv else float(os.environ.get("BENCH_RISK_SCALE", "1"))
    result = bench(scale)
    ratio = result["ours"] / result["baseline"] if result["baseline"] else float("inf")
    counts = "/".join(str(result["strata"][k]["count"]) for k in ("high", "medium", "low"))
    same = (
        "same totals, ranks and strata" if not result["differ"] else f"{result['differ']} operations DIFFER"
    )
    verdict = (
        "OK"
        if result["ours"] < TARGET and not result["differ"]
        else "SLOW"
        if result["differ"] == 0
        else "FAIL"
    )
    print(
        f"monthly risk run, {result['rows']:,} operations (strata {counts}): {result['ours']:.2f} s "
        f"(raw SQL baseline {result['baseline']:.2f} s, ratio {ratio:.1f}×, target < {TARGET:.0f} s); {same} {verdict}",
        flush=True,
    )
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
