"""Background work of applications: registry prefill and the e-mail to the declared address.

Both are safe to run twice: a registry answer replaces the stored one; the e-mail is claimed with
a conditional update of `data["declared_email_sent"]` before it is sent.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from applications.models import Application, Submission
from applications.registry_handlers import HANDLER
from interop.waiting import run_registry_check
from opske.db import retry_transient
from opske.tasks import register_outbox

logger = logging.getLogger(__name__)


def registry_checks_for(application: Application) -> list[dict]:
    """Which registries prefill this application (ΚΥΑ 7066 Art. 6.5, 7.2; ΚΥΑ 16936 Art. 4(1))."""
    today = timezone.localdate().isoformat()
    checks = []
    if application.business_id:
        afm = application.business.afm
        checks.append(
            {
                "registry": "aade",
                "operation": "lookup",
                "call": "applications.registry_handlers.fetch_aade",
                "params": {"afm": afm},
            }
        )
        if application.call.aid_regime == "de_minimis":
            checks.append(
                {
                    "registry": "deminimis",
                    "operation": "single_undertaking_aid",
                    "call": "applications.registry_handlers.fetch_deminimis",
                    "params": {"afm": afm, "as_on": today},
                }
            )
        from applications.services import demo_sandbox_ergani_password
        from interop.ergani_access import has_ergani_access

        password = demo_sandbox_ergani_password()
        if application.kind == Application.Kind.BUSINESS and has_ergani_access(application.business):
            # The business's own ΕΡΓΑΝΗ authorisation or uploaded export (interop.ergani_access).
            checks.append(
                {
                    "registry": "ergani",
                    "operation": "workforce",
                    "call": "interop.ergani_access.fetch_workforce",
                    "params": {"afm": afm, "as_on": today},
                }
            )
        elif password and application.kind == Application.Kind.BUSINESS:
            checks.append(
                {
                    "registry": "ergani",
                    "operation": "workforce",
                    "call": "applications.registry_handlers.fetch_ergani",
                    "params": {"afm": afm, "as_on": today, "username": f"ergani-{afm}", "password": password},
                }
            )
    elif application.amka:
        checks.append(
            {
                "registry": "dypa",
                "operation": "unemployment_status",
                "call": "applications.registry_handlers.fetch_dypa",
                "params": {"amka": application.amka, "as_on": today},
            }
        )
    return checks


@shared_task(name="applications.tasks.prefill_registries", acks_late=True)
def prefill_registries(application_id: int) -> list[str]:
    """Ask each registry of the application once and store what it says; a registry that is down
    gets a `RegistryWait` (retried by beat). Owed until done: the outbox sweep re-sends it if this
    task was lost, and running it twice only replaces a snapshot with a newer one."""
    from applications.services import application_prefill_done

    application = Application.objects.select_related("business", "call").filter(pk=application_id).first()
    if application is None:
        return []
    requested_at = application.registry_prefill_requested_at
    outcomes = []
    for check in registry_checks_for(application):
        # A deadlock victim (PostgreSQL aborts one side) asks again rather than dying half-done.
        outcome = retry_transient(
            lambda check=check: run_registry_check(obj=application, on_result=HANDLER, **check)
        )
        outcomes.append(f"{check['registry']}:{outcome.status}")
    application_prefill_done(application_id=application_id, requested_at=requested_at)
    return outcomes


@shared_task(name="applications.tasks.after_submission", acks_late=True)
def after_submission(submission_id: int) -> int | None:
    """Record the receipt PDF and the notices of one final submission (idempotent)."""
    from applications.services import submission_record_receipt_and_notices

    submission = submission_record_receipt_and_notices(submission_id=submission_id)
    return submission.receipt_id if submission else None


@shared_task(name="applications.tasks.after_submissions", acks_late=True)
def after_submissions(limit: int = 500) -> int:
    """Record the receipts and notices of every submission still without one (the batch the web
    tier schedules under load, services._enqueue_after_submission). A full batch asks for another."""
    from applications.services import submissions_record_pending

    done = submissions_record_pending(limit=limit)
    if len(done) == limit:
        after_submissions.delay(limit)
    return len(done)


@shared_task(name="applications.tasks.purge_idempotency_records")
def purge_idempotency_records() -> int:
    """Daily (beat): forget API Idempotency-Key answers older than API_IDEMPOTENCY_DAYS."""
    from applications.api.idempotency import idempotency_records_purge

    return idempotency_records_purge()


@shared_task(name="applications.tasks.email_declared_address", acks_late=True)
def email_declared_address(application_id: int, address: str, subject: str, body: str) -> bool:
    """The legal-notification address declared in the application gets the submission notice too."""
    with transaction.atomic():
        app = Application.objects.select_for_update().filter(pk=application_id).first()
        if app is None:
            return False
        sent = (app.data or {}).get("declared_email_sent") or []
        marker = f"{app.submitted_at.isoformat() if app.submitted_at else ''}|{address}"
        if marker in sent:
            return False
        link = settings.SITE_URL + f"/applications/{app.pk}/"
        EmailMessage(
            subject=subject, body=f"{body}\n\n{link}\n", from_email=settings.DEFAULT_FROM_EMAIL, to=[address]
        ).send()
        Application.objects.filter(pk=app.pk).update(
            data={**(app.data or {}), "declared_email_sent": [*sent, marker]}
        )
    return True


# Drafts whose registry prefill was never sent or never finished (broker down, worker killed).
register_outbox(
    Application,
    prefill_registries,
    pending={"registry_prefill_requested_at__isnull": False},
    age_field="registry_prefill_requested_at",
)
# Submissions whose after-commit task was lost (broker down) are picked up by the outbox sweep.
register_outbox(Submission, after_submission, pending={"receipt__isnull": True}, age_field="submitted_at")
