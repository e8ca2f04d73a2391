"""Celery tasks of verification/: each calls one service and is safe to run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="verification.tasks.risk_runs_due")
def risk_runs_due() -> int:
    """Guidance Ο.3 §4.2.2: the monthly and six-monthly risk runs of the current period, once per
    period for each Programme and management body (beat runs this hourly; `tick` on `make run`)."""
    from verification.services.risk import risk_runs_due as run_due

    return run_due()
