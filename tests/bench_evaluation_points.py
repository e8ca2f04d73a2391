"""Benchmark of the ΚΥΑ 16936 points round (issue 5): `main()` is called by the bench runner.

1. Ranking + table generation for 100,000 applications (target < 5 s): the service path
   (`services._freeze_table`: load assessments, rank by Art. 6(2), allocate by preference, write
   the frozen rows) beside a raw-SQL baseline (ROW_NUMBER() window function, INSERT … SELECT).
2. The results-table PDF for 10,000 rows rendered in a worker process (target < 30 s), beside a
   baseline that formats rank/code/total from one raw SQL query into bare preformatted pages.

Bounded: every step has a time limit; the data it creates is deleted afterwards. Runs against
the configured database (DATABASE_URL; PostgreSQL for the window-function baseline).
"""

from __future__ import annotations

import concurrent.futures
import datetime
import os
import random
import sys
import time
import uuid

RANKING_N = 100_000
PDF_N = 10_000
RANKING_TARGET = 5.0
PDF_TARGET = 30.0
PDF_LIMIT = 180.0


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opske.settings.local")
    import django

    django.setup()


def _world(n: int, tag: str):
    """A closed ΚΥΑ 16936 call with n submitted person applications and their assessments."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Person, User
    from applications.models import Application
    from calls import seeds
    from calls import services as call_services
    from calls.models import Call, PlacementService, Programme
    from evaluation.points import rules
    from evaluation.points.models import PointsAssessment, PointsRound

    seed = seeds.kya16936()
    first = seed["versions"][0]
    programme_values = dict(seed["programme"])
    code = programme_values.pop("code")
    programme = Programme.objects.filter(code=code).first() or call_services.programme_get_or_create(
        actor="load_demo", code=code, **programme_values
    )
    now = timezone.now()
    # Built directly, not through calls.services: call versions are immutable by design, and the
    # bench must leave nothing behind.
    fields = first["fields"]
    call = Call.objects.create(
        programme=programme,
        code=f"bench-{tag}",
        title=f"[bench] {fields['title']}",
        aid_regime=fields["aid_regime"],
        applicant_kind=fields["applicant_kind"],
        evaluation_method=fields["evaluation_method"],
        total_budget=fields["total_budget"],
        config=fields["config"],
        submission_opens_at=now - datetime.timedelta(days=40),
        submission_closes_at=now - datetime.timedelta(days=1),
    )
    PlacementService.objects.bulk_create(
        [PlacementService(call=call, **s) for s in first["children"]["placement_services"]]
    )
    user, _ = User.objects.get_or_create(username="bench-points", defaults={"is_active": False})
    person, _ = Person.objects.get_or_create(
        amka="15038580948", defaults={"first_name": "Β", "last_name": "Β"}
    )
    grid = first["fields"]["config"]["points_grid"]
    services = [s["code"] for s in first["children"]["placement_services"]]
    rng = random.Random(16936)
    t0 = now - datetime.timedelta(days=20)
    with transaction.atomic():
        apps = Application.objects.bulk_create(
            [
                Application(
                    call=call,
                    kind="natural_person",
                    person=person,
                    applicant_user=user,
                    status="submitted",
                    amka=person.amka,
                    education=rng.choice("ΠΤΔΥ") + "Ε",
                    protocol_seq=i + 1,
                    protocol_number=f"B{tag}-{i + 1:06d}",
                    priority_seq=i + 1,
                    submitted_at=t0 + datetime.timedelta(seconds=i * 7 + rng.randint(0, 5)),
                    placement_preferences=rng.sample(services, rng.randint(1, 3)),
                )
                for i in range(n)
            ],
            batch_size=5000,
        )
        rnd = PointsRound.objects.create(call=call, critical_date=now.date(), created_by=user)
        rows = []
        for a in apps:
            facts = rules.Facts(
                registered=True,
                card_status="active",
                individual_approach_completed=True,
                action_plan_agreed=True,
                citizenship="GR",
                continuous_months=rng.randint(0, 30),
                individual_income=rules.as_amount(rng.randint(0, 20000)),
                family_income=rules.as_amount(rng.randint(0, 40000)),
                joint_return=rng.random() < 0.4,
                age=rng.randint(16, 66),
                minor_children=rng.choice((0, 0, 0, 1, 1, 2, 3)),
                preferences=tuple(a.placement_preferences),
                pension_declaration=rng.random() > 0.02,
            )
            points = rules.compute_points(facts, grid)
            reasons = rules.eligibility_reasons(facts, grid, allowed_services=services)
            rows.append(
                PointsAssessment(
                    round=rnd,
                    application=a,
                    status="assessed",
                    code=a.protocol_number,
                    submitted_at=a.submitted_at,
                    education=a.education,
                    preferences=a.placement_preferences,
                    points_unemployment=points.unemployment,
                    points_income=points.income,
                    points_age=points.age,
                    points_children=points.children,
                    total=points.total,
                    income_column=points.income_column,
                    eligible=not reasons,
                    exclusion_reasons=[{"code": r.code, "message": r.message} for r in reasons],
                )
            )
        PointsAssessment.objects.bulk_create(rows, batch_size=5000)
    return call, rnd


def _cleanup(call) -> None:
    from django.db import connection, transaction

    from evaluation.points.models import PointsRound, RankingRow, RankingTable
    from opske.models import GeneratedDocument

    with transaction.atomic():
        rounds = PointsRound.objects.filter(call=call)
        tables = RankingTable.objects.filter(round__in=rounds)
        RankingRow.objects.filter(table__in=tables).delete()
        GeneratedDocument.objects.filter(pk__in=tables.values("pdf_id")).delete()
        tables.delete()
        rounds.delete()  # assessments cascade
        with connection.cursor() as cur:
            # Only bench rows exist below these applications; a raw delete skips the ORM's
            # cascade collection over 100,000 objects.
            cur.execute("DELETE FROM applications_application WHERE call_id = %s", [call.pk])
            cur.execute("DROP TABLE IF EXISTS bench_points_baseline")
        with connection.cursor() as cur:
            cur.execute("DELETE FROM calls_placementservice WHERE call_id = %s", [call.pk])
            cur.execute("DELETE FROM calls_call WHERE id = %s", [call.pk])


BASELINE_SQL = """
CREATE TEMP TABLE bench_points_baseline AS
SELECT application_id, code, total, points_unemployment, points_income, points_age, points_children,
       submitted_at,
       ROW_NUMBER() OVER (ORDER BY total DESC, points_unemployment DESC, points_income DESC,
                          points_age DESC, points_children DESC, submitted_at, code) AS rank
FROM evaluation_points_pointsassessment
WHERE round_id = %s AND eligible
"""


def bench_ranking(n: int = RANKING_N) -> dict:
    from django.db import connection, transaction

    from evaluation.points import services
    from evaluation.points.models import RankingTable

    tag = uuid.uuid4().hex[:6]
    call, rnd = _world(n, tag)
    try:
        start = time.perf_counter()
        with transaction.atomic():
            table = services._freeze_table(rnd=rnd, kind=RankingTable.Kind.PROVISIONAL, actor="load_demo")
        ours = time.perf_counter() - start
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(BASELINE_SQL, [rnd.pk])
            cur.execute("SELECT count(*) FROM bench_points_baseline")
            baseline_rows = cur.fetchone()[0]
            cur.execute("DROP TABLE bench_points_baseline")
        baseline = time.perf_counter() - start
        assert baseline_rows == table.ranked_count, (baseline_rows, table.ranked_count)
        return {"ours": ours, "baseline": baseline, "rows": table.ranked_count + table.excluded_count}
    finally:
        _cleanup(call)


def _render_in_worker(table_id: int) -> tuple[float, int]:
    """Runs in a separate process, as the Celery worker's `render_document` would."""
    _setup_django()
    from django.db import connection

    from evaluation.points.exports import table_pdf_bytes
    from evaluation.points.models import RankingTable

    connection.close()
    start = time.perf_counter()
    data = table_pdf_bytes(RankingTable.objects.get(pk=table_id))
    return time.perf_counter() - start, len(data)


def _render_baseline_in_worker(round_id: int) -> tuple[float, int]:
    _setup_django()
    import weasyprint
    from django.db import connection

    from opske.pdf import render_pdf  # noqa: F401  (same WeasyPrint import cost)

    connection.close()
    start = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT r.rank, r.code, r.total FROM evaluation_points_rankingrow r "
            "JOIN evaluation_points_rankingtable t "
            "ON t.id = r.table_id WHERE t.round_id = %s AND r.status = 'ranked' ORDER BY r.rank",
            [round_id],
        )
        rows = cur.fetchall()
    lines = [f"{a:<6} {b:<18} {c}" for a, b, c in rows]
    pages = ["\n".join(lines[i : i + 45]) for i in range(0, len(lines), 45)]
    body = "".join(f"<pre style='page-break-after:always'>{p}</pre>" for p in pages)
    data = weasyprint.HTML(string=f"<html><body>{body}</body></html>").write_pdf()
    return time.perf_counter() - start, len(data)


def bench_pdf(n: int = PDF_N) -> dict:
    from django.db import transaction

    from evaluation.points import services
    from evaluation.points.models import RankingTable

    tag = uuid.uuid4().hex[:6]
    call, rnd = _world(n, tag)
    try:
        with transaction.atomic():
            table = services._freeze_table(rnd=rnd, kind=RankingTable.Kind.PROVISIONAL, actor="load_demo")
        ctx = __import__("multiprocessing").get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
            ours, size = pool.submit(_render_in_worker, table.pk).result(timeout=PDF_LIMIT)
            baseline, base_size = pool.submit(_render_baseline_in_worker, rnd.pk).result(timeout=PDF_LIMIT)
        return {"ours": ours, "baseline": baseline, "rows": n, "bytes": size, "baseline_bytes": base_size}
    finally:
        _cleanup(call)


def _line(label: str, result: dict, target: float) -> str:
    ratio = result["ours"] / result["baseline"] if result["baseline"] else float("inf")
    verdict = "OK" if result["ours"] < target else "SLOW"
    return (
        f"{label:<48} {result['ours']:7.2f} s  (raw SQL baseline {result['baseline']:6.2f} s, "
        f"ratio {ratio:5.1f}×, target < {target:.0f} s) {verdict}"
    )


def main(argv: list[str] | None = None) -> int:
    _setup_django()
    argv = argv if argv is not None else sys.argv[1:]
    scale = float(argv[0]) if argv else 1.0
    ranking = bench_ranking(int(RANKING_N * scale))
    print(_line(f"ΚΥΑ 16936 ranking + tables, {ranking['rows']:,} applications", ranking, RANKING_TARGET))
    pdf = bench_pdf(int(PDF_N * scale))
    print(_line(f"ΚΥΑ 16936 results-table PDF, {pdf['rows']:,} rows (worker)", pdf, PDF_TARGET))
    return 0 if ranking["ours"] < RANKING_TARGET and pdf["ours"] < PDF_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
