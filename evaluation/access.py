"""Who may download a decision's PDF: staff readers and the applicant's own members."""

from __future__ import annotations

from evaluation.models import Decision, EvaluationRound
from opske.pdf import document_access


@document_access(Decision)
def can_download_decision(user, decision: Decision) -> bool:
    from applications.selectors import applications_for_user, can_read_all

    if can_read_all(user):
        return True
    return applications_for_user(user).filter(pk=decision.application_id).exists()


@document_access(EvaluationRound)
def can_download_results_table(user, rnd: EvaluationRound) -> bool:
    """Results tables through the generic download: staff readers (the public list has its own view)."""
    from evaluation.selectors import is_staff_reader

    return is_staff_reader(user)
