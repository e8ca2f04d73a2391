"""Objections against the provisional tables (ΚΥΑ 16936 Art. 5(8)–(9)).

Filed electronically by the candidate within 3 working days from the day after posting (the
window is `PointsRound.objection_deadline`, computed with `opske.calendar`; a durable deadline
closes the round's window at its end). After it, filing is impossible. The ΔΥΠΑ Board examines
within 10 working days; an upheld objection corrects the facts and the candidate is re-scored,
which the final table then shows.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from applications.models import Application
from evaluation.points import services
from evaluation.points.models import PointsAssessment, PointsRound, RankingObjection, RankingRow, RankingTable
from evaluation.rules import objection_is_timely
from opske import audit
from opske.errors import Conflict, NotFound, ValidationFailed


def open_objections(rnd: PointsRound):
    return RankingObjection.objects.filter(round=rnd, state=RankingObjection.State.FILED)


def objection_file(
    *, actor, application_id: int, text: str, now: datetime.datetime | None = None
) -> RankingObjection:
    """The applicant objects to their row of the provisional ranking or exclusion table."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(fields={"text": ["Γράψτε τους λόγους της ένστασης."]})
    now = now or timezone.now()
    with transaction.atomic():
        app = Application.objects.select_related("call").filter(pk=application_id).first()
        if app is None or app.applicant_user_id != getattr(actor, "pk", None):
            raise NotFound("Η αίτηση δεν βρέθηκε.")
        rnd = PointsRound.objects.select_for_update().filter(call_id=app.call_id).first()
        row = (
            RankingRow.objects.filter(
                table__round=rnd, table__kind=RankingTable.Kind.PROVISIONAL, application_id=app.pk
            ).first()
            if rnd
            else None
        )
        if rnd is None or row is None or rnd.objection_deadline is None:
            raise Conflict(
                "Δεν έχουν αναρτηθεί προσωρινοί πίνακες για την αίτησή σας.", code="no_provisional_table"
            )
        today = timezone.localtime(now, services.ATHENS).date()
        if rnd.state != PointsRound.State.PROVISIONAL or not objection_is_timely(
            today=today, last_day=rnd.objection_deadline
        ):
            raise Conflict(
                f"Η προθεσμία ενστάσεων έληξε στις {rnd.objection_deadline:%d/%m/%Y}· "
                "μετά τη λήξη της δεν είναι "
                "δυνατή η υποβολή ένστασης (ΚΥΑ 16936 Άρθ. 5(8)).",
                code="objection_late",
            )
        # Art. 5(8): the 3 working days are counted from the day after posting (the posting day is
        # not counted); the text bars only late objections, so one filed on the posting day itself,
        # against a table already posted, is accepted.
        if RankingObjection.objects.filter(round=rnd, application=app).exists():
            raise Conflict(
                "Έχετε ήδη υποβάλει ένσταση· επιτρέπεται μία ανά υποψήφιο.", code="objection_exists"
            )
        objection = RankingObjection.objects.create(
            round=rnd,
            row=row,
            application=app,
            filed_by=actor,
            filed_at=now,
            text=text[:8000],
            filing_deadline=rnd.objection_deadline,
            decision_due=rnd.examination_deadline,
        )
        audit.record(
            actor=actor,
            action="points.objection_filed",
            obj=objection,
            after={
                "code": row.code,
                "rank": row.rank,
                "status": row.status,
                "deadline": rnd.objection_deadline,
            },
            reason="ΚΥΑ 16936 Άρθ. 5(8)",
        )
    return objection


def objection_decide(
    *, actor, objection_id: int, accept: bool, reasons: str, corrections: Mapping | None = None
) -> RankingObjection:
    """The Board's decision (Art. 5(9)); accepting with corrected facts re-scores the candidate."""
    services.require_manager(actor)
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationFailed(fields={"reasons": ["Η αιτιολόγηση της απόφασης είναι υποχρεωτική."]})
    with transaction.atomic():
        objection = RankingObjection.objects.select_for_update().filter(pk=objection_id).first()
        if objection is None:
            raise NotFound("Η ένσταση δεν βρέθηκε.")
        if objection.state != RankingObjection.State.FILED:
            raise Conflict("Η ένσταση έχει ήδη κριθεί.", code="objection_decided")
        (objection.accept if accept else objection.reject)()
        objection.outcome_reasons = reasons[:8000]
        objection.decided_by = actor
        objection.decided_at = timezone.now()
        objection.save()
        if accept and corrections:
            assessment = PointsAssessment.objects.get(
                round_id=objection.round_id, application_id=objection.application_id
            )
            services.assessment_correct(
                actor=actor,
                assessment_id=assessment.pk,
                corrections=corrections,
                reason=f"Ένσταση #{objection.pk}: {reasons}",
            )
        audit.record(
            actor=actor,
            action="points.objection_decided",
            obj=objection,
            after={"state": objection.state, "corrections": dict(corrections or {})},
            reason=reasons,
        )
    return objection
