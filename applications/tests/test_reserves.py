"""Επιλαχούσες: freed FCFS budget reaches the waiting applications in priority order."""

from decimal import Decimal

from applications import services
from applications.models import Application
from applications.tests.factories import POSITION_KOZANI, complete_business_draft, member
from calls.models import BudgetPool, Call
from opske.models import AuditEvent

LIGNITIS = "804773470"
ONE_HIRE = Decimal("14220.00")  # 1 person × €1,185.00 × 12 months (ΚΥΑ 7066 Art. 5.1.1)


def _three_in_line(call):
    """Given a pool for one hire and three one-hire applications: #1 covered, #2 and #3 reserves."""
    Call.objects.filter(pk=call.pk).update(one_application_per_afm=False)
    BudgetPool.objects.filter(call=call, code="wm").update(amount=ONE_HIRE)
    user = member(LIGNITIS)
    apps = []
    for _ in range(3):
        draft = complete_business_draft(user, call, afm=LIGNITIS, positions=[POSITION_KOZANI])
        apps.append(services.application_submit(actor=user, application_id=draft.pk))
    assert [a.status for a in apps] == [
        Application.Status.SUBMITTED,
        Application.Status.RESERVE,
        Application.Status.RESERVE,
    ]
    return user, apps


def test_a_withdrawal_hands_its_budget_to_the_earliest_reserve(kya7066):
    user, (first, second, third) = _three_in_line(kya7066)

    services.application_withdraw(actor=user, application_id=first.pk, reason="δεν προχωρά")

    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == Application.Status.SUBMITTED and second.reserved_amount == ONE_HIRE
    assert third.status == Application.Status.RESERVE and third.reserved_amount == 0
    pool = BudgetPool.objects.get(call=kya7066, code="wm")
    assert pool.reserved == ONE_HIRE == pool.amount
    assert AuditEvent.objects.filter(
        action="application.promoted_from_reserve", object_id=str(second.pk)
    ).exists()


def test_the_budget_never_goes_to_a_later_reserve_before_an_earlier_one(kya7066):
    # Given the second and third in line waiting, and budget freed that covers only one of them
    user, (first, second, third) = _three_in_line(kya7066)

    services.application_withdraw(actor=user, application_id=first.pk)

    # Then the third is still waiting behind the second, whatever happens next to it
    third.refresh_from_db()
    assert third.reserved_amount == 0
    services.application_withdraw(actor=user, application_id=second.pk)
    third.refresh_from_db()
    assert third.status == Application.Status.SUBMITTED and third.reserved_amount == ONE_HIRE


def test_promotion_stops_at_the_first_request_the_free_budget_cannot_cover(kya7066):
    user, (first, second, third) = _three_in_line(kya7066)
    # The second asks for two hires, more than the one hire the withdrawal frees
    Application.objects.filter(pk=second.pk).update(requested_amount=ONE_HIRE * 2)

    services.application_withdraw(actor=user, application_id=first.pk)

    second.refresh_from_db()
    third.refresh_from_db()
    assert second.reserved_amount == 0 and third.reserved_amount == 0  # no jumping the queue
    assert BudgetPool.objects.get(call=kya7066, code="wm").reserved == 0
