"""ΔΥΠΑ register answers for a points assessment, fetched as on the critical date (Art. 5(6))."""

from interop.diavgeia import DiavgeiaClient
from interop.waiting import registry_result_handler
from opske.dates import to_athens

HANDLER = "evaluation_points.facts"
TABLE_PUBLISHED = "evaluation_points.table_published"


@registry_result_handler(HANDLER)
def store_facts(assessment, result) -> None:
    from evaluation.points.services import assessment_store_facts

    assessment_store_facts(
        assessment_id=assessment.pk, status=result.status, data=result.data, fetched_at=result.checked_at
    )


def publish_table_to_diavgeia(table_id: int):
    """Render the table's PDF if the worker has not yet (idempotent), then publish it; the ΑΔΑ back."""
    from evaluation.points.models import RankingTable
    from evaluation.registry_handlers import DECISION_TYPE, THEMATIC_CATEGORY
    from opske.models import GeneratedDocument
    from opske.pdf import document_render

    table = RankingTable.objects.select_related("round__call", "pdf").get(pk=table_id)
    if table.pdf.state != GeneratedDocument.State.READY:
        document_render(table.pdf_id)
        table.pdf.refresh_from_db()
    with table.pdf.file.open("rb") as fh:
        pdf = fh.read()
    published = DiavgeiaClient().publish(
        {
            "protocolNumber": table_protocol_number(table),
            "subject": f"{table.get_kind_display()} — {table.round.call.title}",
            "issueDate": to_athens(table.posted_at).date(),
            "decisionTypeId": DECISION_TYPE,
            "thematicCategoryIds": [THEMATIC_CATEGORY],
            "signerIds": [str(table.posted_by_id)],
            "unitIds": [],
        },
        pdf,
    )
    return {"ada": published.ada, "url": published.url}


def table_protocol_number(table) -> str:
    return f"{table.round.call.code}/ΠΙΝ-{table.kind}-{table.pk}"


@registry_result_handler(TABLE_PUBLISHED)
def table_published(table, result) -> None:
    from evaluation.points.services import ranking_table_record_published

    ranking_table_record_published(table_id=table.pk, status=result.status, data=result.data)
