"""Who may download a verification report's PDF: staff readers and the beneficiary's members once
the report is approved (the draft is internal)."""

from __future__ import annotations

from opske.pdf import document_access
from verification.models import VerificationReport


@document_access(VerificationReport)
def can_download_report(user, report: VerificationReport) -> bool:
    from verification.selectors_check import can_read_checks, requests_for_beneficiary

    if can_read_checks(user):
        return True
    return (
        bool(report.approved_at)
        and requests_for_beneficiary(user).filter(pk=report.check_record.request_id).exists()
    )
