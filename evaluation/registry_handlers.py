"""Registry calls of evaluation/ and the handlers that receive their answers.

`interop.waiting.run_registry_check` replays these fetch functions by import path with JSON
parameters, so a ΠΣΣΕΗΣ or Diavgeia outage leaves the case visibly «σε αναμονή μητρώου» and the
answer arrives later through the same handler; nothing is lost.
"""

from __future__ import annotations

import datetime

from django.core.cache import cache

from interop.deminimis import DeminimisClient
from interop.diavgeia import DiavgeiaClient
from interop.waiting import registry_result_handler
from opske.dates import to_athens

PRE_INCLUSION = "evaluation.pre_inclusion"
PUBLISHED = "evaluation.decision_published"
GRANT_REGISTERED = "evaluation.grant_registered"
DECISION_TYPE = "2.4.7.1"  # ΛΟΙΠΕΣ ΑΤΟΜΙΚΕΣ ΔΙΟΙΚΗΤΙΚΕΣ ΠΡΑΞΕΙΣ
THEMATIC_CATEGORY = "20"


def fetch_deminimis(afm: str, as_on: str):
    """ΚΥΑ 7066 Art. 7.2: the cumulation check is *repeated* before approval, so a cached answer
    from the submission-day prefill must not stand in for a fresh one. Every de minimis regulation
    (Art. 2.11–2.12: 2023/2832, 1408/2013, 717/2014 count too), as at submission."""
    cache.delete(f"interop:deminimis:su:{afm}:{as_on}:de_minimis")
    return DeminimisClient().single_undertaking_aid(afm, datetime.date.fromisoformat(as_on), regulation=None)


def publish_to_diavgeia(decision_id: int, *, session=None):
    """Render the PDF if the worker has not yet (idempotent), then publish; returns the ΑΔΑ.
    `session`: the demo loader's in-process transport (interop.inprocess), else a real one."""
    from evaluation.models import Decision
    from opske.models import GeneratedDocument
    from opske.pdf import document_render

    decision = Decision.objects.select_related("document", "signed_by").get(pk=decision_id)
    document = decision.document
    if document.state != GeneratedDocument.State.READY:
        document_render(document.pk)
        document.refresh_from_db()
    with document.file.open("rb") as fh:
        pdf = fh.read()
    published = DiavgeiaClient(session=session).publish(
        {
            "protocolNumber": decision.protocol_number,
            "subject": decision.subject,
            "issueDate": to_athens(decision.signed_at or decision.created_at).date(),  # the day in Athens
            "decisionTypeId": DECISION_TYPE,
            "thematicCategoryIds": [THEMATIC_CATEGORY],
            "signerIds": [str(decision.signed_by_id or 1)],
            "unitIds": [],
        },
        pdf,
    )
    return {"ada": published.ada, "url": published.url}


def register_deminimis_grant(**params):
    """Record the granted aid in ΠΣΣΕΗΣ (Reg. 2023/2831 Art. 6). The register is idempotent by
    `external_reference`, so a replay after a timeout returns the same registry id."""
    from decimal import Decimal

    return DeminimisClient().register_grant(
        **{
            **params,
            "grant_date": datetime.date.fromisoformat(params["grant_date"]),
            "nominal_amount": Decimal(params["nominal_amount"]),
            "gge_amount": Decimal(params["gge_amount"]),
        }
    )


@registry_result_handler(PRE_INCLUSION)
def pre_inclusion_answer(check, result) -> None:
    from evaluation.services import pre_inclusion_check_complete

    pre_inclusion_check_complete(
        check=check, status=result.status, data=result.data, checked_at=result.checked_at
    )


@registry_result_handler(PUBLISHED)
def decision_published(decision, result) -> None:
    from evaluation.services import decision_record_publish_failure, decision_record_published

    if result.status == "refused":
        decision_record_publish_failure(decision=decision, message=str(result.data.get("message") or ""))
        return
    decision_record_published(decision=decision, ada=result.data["ada"], url=result.data.get("url") or "")


@registry_result_handler(GRANT_REGISTERED)
def grant_registered(decision, result) -> None:
    from evaluation.services import decision_record_grant_registration

    decision_record_grant_registration(
        decision=decision, status=result.status, data=result.data, checked_at=result.checked_at
    )
