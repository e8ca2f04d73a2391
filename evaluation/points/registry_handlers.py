"""ΔΥΠΑ register answers for a points assessment, fetched as on the critical date (Art. 5(6))."""

from interop.waiting import registry_result_handler

HANDLER = "evaluation_points.facts"


@registry_result_handler(HANDLER)
def store_facts(assessment, result) -> None:
    from evaluation.points.services import assessment_store_facts

    assessment_store_facts(
        assessment_id=assessment.pk, status=result.status, data=result.data, fetched_at=result.checked_at
    )
