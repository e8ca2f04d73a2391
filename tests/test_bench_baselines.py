"""The risk benchmark's raw-SQL baseline is an independent reading of Guidance Ο.3 §4.2 (the 19
grades as CASE expressions, rank and tertiles by window functions). Run here on a small world so
that a change to the risk rules, or a new NOT NULL / unique column the generator does not fill,
shows up in the suite rather than only in `make bench` (issue 11: the benchmark had drifted: a
modification number per operation, and factor 12 reading sub-project type 5005 as own means)."""

from __future__ import annotations

import pytest
from django.db import connection

from tests import bench_risk

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the baseline is PostgreSQL SQL")
def test_the_risk_run_and_the_raw_sql_baseline_give_every_operation_the_same_total_rank_and_stratum():
    result = bench_risk.bench(scale=0.006)  # 300 operations, 3,000 declarations, 60 beneficiaries

    assert result["rows"] == 300
    assert result["differ"] == 0
    counts = [result["strata"][k]["count"] for k in ("high", "medium", "low")]
    assert counts == [100, 100, 100]
