"""ΚΥΑ 7066 claims in tests: the documents of Art. 8.2 attached before filing, as the page does."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from verification.services import claims_7066 as claims

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "doc.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def attach_claim_documents(user, op, number: int = 1, *, skip: tuple[str, ...] = ()) -> list[str]:
    """Attach every mandatory document the period's claim needs (except the codes in `skip`);
    returns the codes attached."""
    period = claims.claim_period_get(op, number)
    attached = []
    for doc in claims.claim_documents(op, period):
        if not doc.mandatory or doc.opske_code in skip:
            continue
        claims.claim_document_upload(
            actor=user, operation_id=op.pk, period_number=number, required_attachment_id=doc.pk,
            file=pdf(f"{doc.opske_code}.pdf"),
        )  # fmt: skip
        attached.append(doc.opske_code)
    return attached


def file_claim(user, op, number: int = 1, *, days: dict, today=None):
    attach_claim_documents(user, op, number)
    return claims.claim_submit(actor=user, operation_id=op.pk, period_number=number, days=days, today=today)
