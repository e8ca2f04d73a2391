"""Benchmark: comparative ranking and the three §10.2 tables for 100,000 applications.

Run by the lead's bench runner (`main()`), or alone:
    DATABASE_URL=postgres://... .venv/bin/python -m tests.bench_evaluation_comparative

The scored applications are generated in a temporary table (dropped with the transaction), read
the way `evaluation.comparative.services.candidates_for_round` reads finalised sheets, ranked and
allocated by `evaluation.comparative.rules` (tie policy, strict funding line, tables), and timed
beside a raw-SQL baseline on PostgreSQL: RANK() and a running SUM() window over the same rows.
Target: under 5 s. Bounded by a statement timeout; not a pytest test.
"""

from __future__ import annotations

import os
import time

N = int(os.environ.get("BENCH_COMPARATIVE_N", "100000"))
TARGET_SECONDS = 5.0

SETUP = """
CREATE TEMP TABLE bench_comparative ON COMMIT DROP AS
SELECT i AS id,
       'ΠΚΜ-004-' || lpad(i::text, 6, '0') AS code,
       -- totals 0.00-10.00 in steps of 0.05 so that ties are common, as with real scores
       ((i * 7919) %% 201) * 0.05::numeric(9, 4) AS total,
       (150000 + (i * 104729) %% 200000)::numeric(14, 2) AS public_expenditure,
       (300000 + (i * 15485863) %% 200000)::numeric(14, 2) AS eligible_budget,
       (300000 + (i * 15485863) %% 250000)::numeric(14, 2) AS total_budget,
       now() - make_interval(secs => i) AS submitted_at,
       (i %% 11 <> 0) AS complete
FROM generate_series(1::bigint, %s::bigint) AS i
"""

BASELINE = """
WITH eligible AS (
    SELECT id, code, total, public_expenditure,
           RANK() OVER (ORDER BY total DESC) AS rnk,
           SUM(public_expenditure)
               OVER (ORDER BY total DESC, submitted_at, code ROWS UNBOUNDED PRECEDING) AS running
    FROM bench_comparative WHERE complete AND total >= 5
)
SELECT id, code, rnk, total, public_expenditure, running <= %s AS funded FROM eligible ORDER BY rnk, code
"""


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opske.settings.local")
    import django

    django.setup()


def _portal_path(cursor, budget):
    """What the service does: read the finalised sheets, rank, allocate, build the tables."""
    from decimal import Decimal

    from evaluation.comparative import rules

    cursor.execute(
        "SELECT id, code, total, public_expenditure, eligible_budget, total_budget, submitted_at, complete "
        "FROM bench_comparative"
    )
    pass_mark = Decimal("5")
    candidates = []
    for pk, code, total, public, eligible, total_budget, submitted_at, complete in cursor.fetchall():
        reasons = ()
        if not complete:
            reasons = ("Ελλιπή δικαιολογητικά (Πρόσκληση 004 §10.2 σημ. 1).",)
        elif total < pass_mark:
            reasons = (f"Συνολική βαθμολογία {rules.round2(total)} κάτω από τη βάση 5.",)
        candidates.append(
            rules.Candidate(
                id=pk, code=code, total=total, public_expenditure=public, eligible_budget=eligible,
                total_budget=total_budget, submitted_at=submitted_at, reasons=reasons,
            )
        )  # fmt: skip
    result = rules.allocate(candidates, budget, tie_policy=rules.TIE_SUBMISSION_TIME)
    return rules.tables(result)


def main() -> dict:
    _setup_django()
    from decimal import Decimal

    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        print("bench_evaluation_comparative: χρειάζεται PostgreSQL (DATABASE_URL) — παραλείπεται.")
        return {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '60s'")
        t0 = time.perf_counter()
        cursor.execute(SETUP, [N])
        cursor.execute("ANALYZE bench_comparative")
        setup_s = time.perf_counter() - t0
        cursor.execute("SELECT sum(public_expenditure) FROM bench_comparative WHERE complete AND total >= 5")
        budget = (cursor.fetchone()[0] / 2).quantize(Decimal("0.01"))  # the line falls mid-ranking

        t0 = time.perf_counter()
        tables = _portal_path(cursor, budget)
        portal_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        cursor.execute(BASELINE, [budget])
        rows = cursor.fetchall()
        cursor.execute(
            "SELECT id, code, total FROM bench_comparative "
            "WHERE NOT complete OR total < 5 ORDER BY total DESC, code"
        )
        rejected = cursor.fetchall()
        sql_s = time.perf_counter() - t0
        transaction.set_rollback(True)

    sql_funded = sum(1 for r in rows if r[5])
    same = sql_funded == len(tables["funded"]) and len(rejected) == len(tables["rejected"])
    ratio = portal_s / sql_s if sql_s else float("inf")
    verdict = "OK" if portal_s < TARGET_SECONDS else "ΑΡΓΟ"
    print(f"comparative ranking, {N:,} applications (setup {setup_s:.2f} s, budget {budget} €)")
    print(
        f"  portal (rules.allocate + 3 tables): {portal_s:6.2f} s  "
        f"[{verdict}, target < {TARGET_SECONDS:.0f} s]  "
        f"funded {len(tables['funded']):,} · rejected {len(tables['rejected']):,} · "
        f"no budget {len(tables['unfunded']):,}"
    )
    print(f"  raw SQL (RANK + running SUM window): {sql_s:6.2f} s  funded {sql_funded:,}")
    print(f"  ratio portal / SQL: {ratio:.1f}×   same funding line: {'yes' if same else 'NO'}")
    return {"n": N, "portal_s": portal_s, "sql_s": sql_s, "ratio": ratio, "same": same}


if __name__ == "__main__":
    main()
