"""Final submission of a ΚΥΑ 7066 application: what blocks it and what it stamps."""

from decimal import Decimal

import pytest

from applications import services
from applications.models import Application
from applications.tests.factories import POSITION_KOZANI, complete_business_draft, member
from calls.models import BudgetPool
from opske.errors import ValidationFailed

LIGNITIS = "804773470"


def test_complete_application_is_submitted_with_number_timestamp_priority_and_reservation(kya7066):
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS, positions=[{**POSITION_KOZANI, "persons": 2}])

    submitted = services.application_submit(actor=user, application_id=app.pk)

    assert submitted.status == Application.Status.SUBMITTED
    assert submitted.protocol_number.endswith("000001")
    assert submitted.priority_seq == 1
    assert submitted.submitted_at is not None
    # 2 persons × €1,185.00 × 12 months (ΚΥΑ 7066 Art. 5.1.1, 5.1.3)
    assert submitted.requested_amount == Decimal("28440.00")
    pool = BudgetPool.objects.get(call=kya7066, code="wm")
    assert pool.reserved == Decimal("28440.00")


def test_annex2_kad_blocks_submission_with_the_reason(kya7066):
    laikes = "809616685"
    user = member(laikes)
    app = complete_business_draft(
        user, kya7066, afm=laikes, positions=[{**POSITION_KOZANI, "place_regional_unit": "Φλώρινας", "place_municipality": "Φλώρινας"}]
    )

    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(actor=user, application_id=app.pk)

    assert exc.value.code == "kad_excluded"
    assert "47.81.10.01" in exc.value.message and "Παράρτημα 2" in exc.value.message
    assert Application.objects.get(pk=app.pk).status == Application.Status.DRAFT
