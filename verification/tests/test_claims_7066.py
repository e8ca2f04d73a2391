"""ΚΥΑ 7066 two-month claim (Art. 8.1, 5.1.3) through the service and the pages: one item per
participant-month at rate × min(days, 25) / 25, one claim per period within 90 days, a receipt."""

import datetime
from datetime import time as T
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.tests.factories import member
from calls.models import Call
from interop.sandboxes.data_people import GREVENA_SUBSIDISED_HIRE as HIRED
from operations import services
from operations.models import Operation
from operations.rules import hires as rules
from operations.tests.factories_hires import PAPADOPOULOU, operation_for
from opske.errors import Conflict, NotFound, ValidationFailed
from verification.models import VerificationRequest
from verification.services import claims_7066 as claims
from verification.tests.factories_claims import attach_claim_documents, pdf

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _operation_with_hire(call):
    op, user = operation_for(call, notified_on=HIRED - 10 * DAY)
    services.hire_record(
        actor=user, operation_id=op.pk, position_id=op.positions.get().pk, amka=PAPADOPOULOU, hire_date=HIRED,
        referral_number="ΚΠΑ2-ΚΟΖ-2026/118", referral_date=HIRED - 3 * DAY, work_from=T(8, 0),
        work_to=T(16, 0), declaration_exclusions=True, declaration_other_scheme=True,
    )  # fmt: skip
    return op, user


def _submit(*, actor, operation_id, period_number, days, today=None):
    op = Operation.objects.get(pk=operation_id)
    if actor.memberships.filter(business=op.business).exists():
        attach_claim_documents(actor, op, period_number)
    return claims.claim_submit(
        actor=actor, operation_id=operation_id, period_number=period_number, days=days, today=today
    )


def _days(op, *values):
    period = claims.claim_period_get(op, 1)
    return {line.key: v for line, v in zip(period.lines, values, strict=True)}


def test_the_first_period_holds_the_first_two_subsidy_months(kya7066):
    op, _ = _operation_with_hire(kya7066)
    period = claims.claim_period_get(op, 1)
    start, end = rules.claim_period(HIRED, 1)
    assert (period.start, period.end, period.deadline) == (start, end, end + 90 * DAY)
    assert [line.month.number for line in period.lines] == [1, 2]
    assert len(claims.claim_periods(op)) == 6


def test_a_claim_is_one_item_per_participant_month_and_is_flagged_for_a_desk_check(kya7066):
    op, user = _operation_with_hire(kya7066)
    request = _submit(actor=user, operation_id=op.pk, period_number=1, days=_days(op, 25, 20))
    items = list(request.items.order_by("pk"))
    # 01.23: 829,50 × 25/25 = 829,50; 829,50 × 20/25 = 663,60 (E3)
    assert [(i.category, i.amount, i.claim_month.days_worked) for i in items] == [
        ("01.23", Decimal("829.50"), 25),
        ("01.23", Decimal("663.60"), 20),
    ]
    assert request.declared_total == Decimal("1493.10") and request.kind == VerificationRequest.Kind.PERIOD
    assert request.state == "submitted" and request.selected is True
    assert "first" in request.selection_rule.split("+")  # Ο.3 Table 1: the first ΔΔΔ, whatever the stratum


def test_a_second_claim_for_the_same_period_is_refused(kya7066):
    op, user = _operation_with_hire(kya7066)
    _submit(actor=user, operation_id=op.pk, period_number=1, days=_days(op, 25, 25))
    with pytest.raises(Conflict) as exc:
        _submit(actor=user, operation_id=op.pk, period_number=1, days=_days(op, 25, 25))
    assert exc.value.code == "claim_duplicate" and "8.1" in exc.value.message
    assert VerificationRequest.objects.count() == 1


def test_an_early_claim_is_refused_art_8_1(kya7066):
    op, user = _operation_with_hire(kya7066)
    end = claims.claim_period_get(op, 1).end
    with pytest.raises(ValidationFailed) as exc:
        _submit(actor=user, operation_id=op.pk, period_number=1, days=_days(op, 25, 25), today=end)
    assert exc.value.code == "period_not_ended"
    assert not VerificationRequest.objects.exclude(state="draft").exists()


def test_setting_late_payment_request_changes_outcome(kya7066):
    """Art. 8.1 (gap 3): a claim 91 days after its period is refused with «block» and filed with a
    warning with «flag»; the warning reaches the payment's warnings (payments/programmes/kya7066)."""
    op, user = _operation_with_hire(kya7066)
    end = claims.claim_period_get(op, 1).end
    late = end + 91 * DAY
    Call.objects.filter(pk=kya7066.pk).update(
        config={**kya7066.config, "gaps": {"late_payment_request": "block"}}
    )
    with pytest.raises(ValidationFailed) as exc:
        _submit(actor=user, operation_id=op.pk, period_number=1, days=_days(op, 25, 25), today=late)
    assert exc.value.code == "claim_late" and "δεν δέχεται" in exc.value.message
    assert "8.1" in exc.value.fields["period"][0]
    assert not VerificationRequest.objects.exclude(state="draft").exists()

    Call.objects.filter(pk=kya7066.pk).update(
        config={**kya7066.config, "gaps": {"late_payment_request": "flag"}}
    )
    request = _submit(actor=user, operation_id=op.pk, period_number=1, days=_days(op, 25, 25), today=late)
    assert request.state == "submitted"
    assert [w["code"] for w in request.warnings] == ["claim_late"]
    assert "1 ημέρες μετά την προθεσμία" in request.warnings[0]["message"]


def test_the_programme_end_refuses_a_claim_whatever_the_policy(kya7066):
    op, user = _operation_with_hire(kya7066)
    end = claims.claim_period_get(op, 1).end
    Call.objects.filter(pk=kya7066.pk).update(expenditure_eligibility_end=end + 5 * DAY)
    with pytest.raises(ValidationFailed) as exc:
        _submit(actor=user, operation_id=op.pk, period_number=1, days=_days(op, 25, 25), today=end + 6 * DAY)
    assert exc.value.code == "programme_ended"


def test_the_first_claim_needs_the_bank_document_later_ones_do_not_art_8_2(kya7066):
    op, user = _operation_with_hire(kya7066)
    first = claims.claim_period_get(op, 1)
    assert first.first and not first.final
    codes = [d.opske_code for d in claims.claim_documents(op, first) if d.mandatory]
    assert "01.16" in codes and "09.03" in codes and "01.08" not in codes
    attach_claim_documents(user, op, 1, skip=("01.16",))
    with pytest.raises(ValidationFailed) as exc:
        claims.claim_submit(actor=user, operation_id=op.pk, period_number=1, days=_days(op, 25, 25))
    assert exc.value.code == "claim_documents_missing" and "01.16" in exc.value.message
    assert not VerificationRequest.objects.exclude(state="draft").exists()
    attach_claim_documents(user, op, 1, skip=("04.01", "09.03", "02.06"))  # what was missing
    claims.claim_submit(actor=user, operation_id=op.pk, period_number=1, days=_days(op, 25, 25))

    second = claims.claim_period_get(op, 2)
    assert not second.first and not second.final
    codes = [d.opske_code for d in claims.claim_documents(op, second)]
    assert "01.16" not in codes and "09.03" in codes and "01.08" not in codes


def test_the_final_claim_needs_the_declaration_of_art_8_2_par_3(kya7066):
    op, user = _operation_with_hire(kya7066)
    last = claims.claim_periods(op)[-1]
    assert last.number == 6 and last.final
    codes = [d.opske_code for d in claims.claim_documents(op, last) if d.mandatory]
    assert "01.08" in codes and "09.03" in codes
    # before any claim is filed, the last period would also be the first: it needs the IBAN too
    assert "01.16" in codes
    declaration = next(d for d in claims.claim_documents(op, last) if d.opske_code == "01.08")
    with pytest.raises(ValidationFailed) as exc:
        claims.claim_document_upload(
            actor=user, operation_id=op.pk, period_number=1,
            required_attachment_id=declaration.pk,
            file=pdf(),
        )  # fmt: skip
    assert "δεν ζητείται" in exc.value.message


def test_days_beyond_the_month_or_the_employment_are_refused_at_the_field(kya7066):
    op, user = _operation_with_hire(kya7066)
    period = claims.claim_period_get(op, 1)
    first, second = period.lines
    with pytest.raises(ValidationFailed) as exc:
        _submit(actor=user, operation_id=op.pk, period_number=1, days={first.key: 32, second.key: "είκοσι"})
    assert "ημέρες" in exc.value.fields[first.key][0] and "ακέραιος" in exc.value.fields[second.key][0]
    assert not VerificationRequest.objects.exclude(state="draft").exists()


def test_another_business_cannot_file_or_see_the_claim(kya7066, client):
    op, user = _operation_with_hire(kya7066)
    other = member("804773470")
    with pytest.raises(NotFound):
        _submit(actor=other, operation_id=op.pk, period_number=1, days=_days(op, 25, 25))
    request = _submit(actor=user, operation_id=op.pk, period_number=1, days=_days(op, 25, 25))
    client.force_login(other)
    for url in (
        reverse("verification:claim-receipt", args=[request.pk]),
        reverse("verification:claims", args=[op.pk]),
        reverse("operations:hires", args=[op.pk]),
        reverse("operations:hire-new", args=[op.pk, op.positions.get().pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_setting_unit_cost_changes_outcome(kya7066):
    Call.objects.filter(pk=kya7066.pk).update(config={**kya7066.config, "unit_cost": "1000.00"})
    kya7066.refresh_from_db()
    op, user = _operation_with_hire(kya7066)
    request = _submit(actor=user, operation_id=op.pk, period_number=1, days=_days(op, 25, 25))
    # 70% of 1.000,00 instead of 70% of 1.185,00
    assert request.declared_total == Decimal("1400.00")


def test_setting_full_month_days_changes_outcome(kya7066):
    Call.objects.filter(pk=kya7066.pk).update(config={**kya7066.config, "full_month_days": 20})
    kya7066.refresh_from_db()
    op, user = _operation_with_hire(kya7066)
    request = _submit(actor=user, operation_id=op.pk, period_number=1, days=_days(op, 20, 20))
    assert request.declared_total == Decimal("1659.00")  # 20 days are a full month: 2 × 829,50


def test_the_pages_file_a_claim_with_a_confirmation_and_show_the_receipt(kya7066, client):
    op, user = _operation_with_hire(kya7066)
    client.force_login(user)
    page = client.get(reverse("operations:hires", args=[op.pk]))
    assert page.status_code == 200 and "829,50 €" in page.content.decode()
    url = reverse("verification:claim-new", args=[op.pk, 1])
    bad = client.post(url, dict.fromkeys(_days(op, 0, 0), "40"))
    assert bad.status_code == 422 and "govgr-error-message" in bad.content.decode()
    assert 'value="40"' in bad.content.decode()  # what was typed is kept
    days = {k: str(v) for k, v in _days(op, 25, 20).items()}
    refused = client.post(url, days)  # without the documents of Art. 8.2
    assert refused.status_code == 422 and "01.16" in refused.content.decode()
    docs = claims.claim_documents(op, claims.claim_period_get(op, 1))
    files = {f"doc_{d.pk}": pdf(f"{d.opske_code}.pdf") for d in docs if d.mandatory}
    confirm = client.post(url, {**days, **files})
    assert confirm.status_code == 200 and "1.493,10 €" in confirm.content.decode()
    assert not VerificationRequest.objects.exclude(state="draft").exists()
    done = client.post(url, {**days, "confirm": "on"})
    request = VerificationRequest.objects.get()
    assert done.status_code == 302 and done.url == reverse("verification:claim-receipt", args=[request.pk])
    receipt = client.get(done.url).content.decode()
    assert "Αποδεικτικό υποβολής" in receipt and "1.493,10 €" in receipt and "663,60 €" in receipt


def test_the_hire_page_shows_the_field_error_and_keeps_what_was_typed(kya7066, client):
    op, user = operation_for(kya7066, notified_on=HIRED - 10 * DAY)
    client.force_login(user)
    url = reverse("operations:hire-new", args=[op.pk, op.positions.get().pk])
    page = client.get(url).content.decode()
    assert PAPADOPOULOU in page  # the Ε3 announcements since the start, to pick from
    answer = client.post(url, {"amka": "12345678901", "hire_date": "2026-13-40", "referral_number": "Χ-1"})
    body = answer.content.decode()
    assert answer.status_code == 422 and "ΑΜΚΑ" in body and "Μη έγκυρη ημερομηνία" in body
    assert 'value="12345678901"' in body and 'value="Χ-1"' in body


def test_a_claim_being_prepared_stays_on_the_claim_page(kya7066):
    """Its documents are kept on a draft that the generic request pages neither list nor submit."""
    from verification.selectors import requests_for_user
    from verification.services import requests as request_services

    op, user = _operation_with_hire(kya7066)
    attach_claim_documents(user, op, 1)
    draft = VerificationRequest.objects.get(state="draft")
    assert draft.kind == "period" and not requests_for_user(user).filter(pk=draft.pk).exists()
    with pytest.raises(Conflict) as exc:
        request_services.request_submit(actor=user, request_id=draft.pk)
    assert exc.value.code == "claim_page_only"
