"""Πρόσκληση 004 payments on PostgreSQL: the advance against a guarantee (§11.3.Α), interim
payments through the verification hook within the 80% ceiling (§11.3.Β), the guarantee's
reduction and release, and the final payment after completion (§11.3.Γ).

The factory's operation (verification/tests/factories.py): 02.19 40.000 + 04.22 60.000 (Art. 27,
65%) + 07.05 20.000 + 01.10 80.000 (50%), a small cluster: aid 26.000 + 39.000 + 10.000 + 40.000 =
115.000,00 € — the approved public funding (its decision states 200.000 €, above the intensities);
40% = 46.000,00 €; 80% = 92.000,00 €.
"""

import datetime
from decimal import Decimal as D

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from operations.models import Operation
from operations.services.obligations import operation_complete
from opske.errors import Conflict, ValidationFailed
from opske.models import AuditEvent, GeneratedDocument
from payments.models import BankGuarantee, GuaranteeReduction, Payment
from payments.programmes import call004 as provider
from payments.services import call004 as services
from verification import hooks
from verification.models import ExpenditureItem, VerificationRequest
from verification.tests.factories import member_of, operation_004, pdf_file

pytestmark = pytest.mark.django_db
ISSUER = "Τράπεζα Πειραιώς"


@pytest.fixture
def op():
    return operation_004(
        starts_on=timezone.localdate() - datetime.timedelta(days=100), ends_on=datetime.date(2028, 5, 15)
    )


@pytest.fixture
def coordinator(op):
    return member_of(op.business)


def _advance(op, user, **kw):
    args = {
        "actor": user,
        "operation_id": op.pk,
        "amount": D("46000.00"),
        "guarantee_number": "ΕΕ-77/2026",
        "guarantee_issuer": ISSUER,
        "guarantee_amount": D("46000.00"),
        "guarantee_issued_on": timezone.localdate() - datetime.timedelta(days=3),
        "guarantee_letter": pdf_file("egguitiki.pdf"),
    }
    return services.advance_request(**{**args, **kw})


def _final_result(op, items, *, seq, final=False):
    """A request whose result became final, as verification.services.checks makes it."""
    user = op.application.applicant_user
    req = VerificationRequest.objects.create(
        operation=op,
        seq=seq,
        kind=VerificationRequest.Kind.FINAL if final else VerificationRequest.Kind.INTERIM,
        is_final=final,
        state=VerificationRequest.State.ACCEPTED,
        created_by=user,
        submitted_at=timezone.now(),
        protocol_number=f"ΔΔΔ-{op.pk}-{seq}",
    )
    total = D("0.00")
    for category, amount, eligible in items:
        ExpenditureItem.objects.create(
            request=req, category=category, amount=amount, eligible_amount=eligible,
            payment_date=timezone.localdate() - datetime.timedelta(days=5),
        )  # fmt: skip
        total += eligible
    VerificationRequest.objects.filter(pk=req.pk).update(declared_total=total, accepted_total=total)
    req.refresh_from_db()
    with transaction.atomic():
        hooks.result_final(req)
    return req


def test_public_funding_is_capped_at_the_intensities_of_the_approved_budget(op):
    funding, warning = provider.public_funding(op)
    assert funding == D("115000.00") and "200.000,00 €" in warning


def test_advance_without_guarantee_is_refused_at_the_field_and_nothing_is_written(op, coordinator):
    with pytest.raises(ValidationFailed) as exc:
        services.advance_request(actor=coordinator, operation_id=op.pk, amount=D("46000.00"))
    assert exc.value.code == "advance_without_guarantee" and "guarantee_number" in exc.value.fields
    assert not Payment.objects.exists() and not BankGuarantee.objects.exists()


@pytest.mark.parametrize(
    "change, field, code",
    [
        ({"amount": D("46000.01"), "guarantee_amount": D("50000.00")}, "amount", "advance_over_40"),
        ({"guarantee_amount": D("45000.00")}, "guarantee_amount", "guarantee_below_advance"),
        ({"guarantee_issuer": "Άγνωστη Τράπεζα"}, "guarantee_issuer", "guarantee_issuer"),
        ({"guarantee_expires_on": datetime.date(2020, 1, 1)}, "guarantee_expires_on", "guarantee_expired"),
        ({"guarantee_letter": pdf_file("x.pdf", b"not a pdf at all")}, "guarantee_letter", "attachment_type"),
    ],
)
def test_advance_refusals_write_nothing(op, coordinator, change, field, code):
    with pytest.raises(ValidationFailed) as exc:
        _advance(op, coordinator, **change)
    assert field in exc.value.fields, exc.value.fields
    assert not Payment.objects.exists() and not BankGuarantee.objects.exists()


def test_advance_opens_a_draft_advance_payment_with_its_guarantee(op, coordinator):
    g = _advance(op, coordinator)
    payment = g.advance
    assert (payment.kind, payment.state, payment.amount) == (
        Payment.Kind.ADVANCE,
        Payment.State.DRAFT,
        D("46000.00"),
    )
    assert payment.breakdown[0]["citation"] == "Πρόσκληση 004 §11.3.Α"
    assert (g.state, g.remaining, g.issuer) == (BankGuarantee.State.ACTIVE, D("46000.00"), ISSUER)
    assert len(g.letter_sha256) == 64 and g.protocol_number.endswith("/ΠΡΚ-1")
    assert AuditEvent.objects.filter(action="payments.advance.requested").count() == 1
    with pytest.raises(ValidationFailed) as exc:  # one advance per operation
        _advance(op, coordinator)
    assert exc.value.code == "advance_exists"


def test_advance_after_the_first_verification_request_is_refused(op, coordinator):
    _final_result(op, [("02.19", D("1000.00"), D("1000.00"))], seq=1)
    Payment.objects.all().delete()
    with pytest.raises(ValidationFailed) as exc:
        _advance(op, coordinator)
    assert exc.value.code == "advance_after_request" and "amount" in exc.value.fields


def test_a_member_without_filing_role_cannot_request(op):
    from accounts.models import Membership
    from opske.errors import PermissionDenied

    officer = member_of(op.business, Membership.BusinessRole.FINANCIAL_OFFICER)
    with pytest.raises(PermissionDenied):
        _advance(op, officer)


def test_interim_payments_offset_the_advance_and_stop_at_80_percent_then_the_final_settles(op, coordinator):
    g = _advance(op, coordinator)
    # 1st certification: 65.000 of aid; 46.000 offset the advance, 19.000 paid.
    r1 = _final_result(
        op, [("02.19", D("40000.00"), D("40000.00")), ("04.22", D("61000.00"), D("60000.00"))], seq=1
    )
    p1 = Payment.objects.get(verification_request=r1)
    assert (p1.kind, p1.amount) == (Payment.Kind.INTERIM, D("19000.00"))
    assert [line["amount"] for line in p1.breakdown] == ["26000.00", "39000.00", "-46000.00"]
    assert any("απομειώνουν την εγγυητική" in w for w in p1.warnings)
    g.refresh_from_db()
    assert (g.state, g.remaining) == (BankGuarantee.State.REDUCED, D("0.00"))
    assert GuaranteeReduction.objects.get(guarantee=g).amount == D("46000.00")
    hooks.result_final(r1)  # idempotent: a second run writes nothing
    assert (
        GuaranteeReduction.objects.count() == 1
        and Payment.objects.filter(verification_request=r1).count() == 1
    )

    # 2nd certification: 40.000 of aid; the 80% ceiling (92.000) leaves 92.000 − 46.000 − 19.000.
    r2 = _final_result(op, [("01.10", D("80000.00"), D("80000.00"))], seq=2)
    p2 = Payment.objects.get(verification_request=r2)
    assert p2.amount == D("27000.00")
    cut = [line for line in p2.breakdown if line.get("kind") == "cut_80"]
    assert cut and cut[0]["amount"] == "-13000.00" and "περικοπή λόγω ορίου 80%" in cut[0]["label"]
    assert any("Περικοπή λόγω ορίου 80%: 13.000,00 €" in w for w in p2.warnings)

    # The final request: no payment before completion (§11.3.Γ).
    r3 = _final_result(op, [("07.05", D("20000.00"), D("20000.00"))], seq=3, final=True)
    assert not Payment.objects.filter(verification_request=r3).exists()
    assert "ολοκλήρωση" in services.final_payment_problem(op)
    staff = UserFactory(roles=[Role.SUPERVISOR, Role.PAYMENT_OFFICER])
    with pytest.raises(Conflict):
        services.final_payment_open(actor=staff, operation_id=op.pk)
    operation_complete(actor=staff, operation_id=op.pk, final_payment_on=timezone.localdate())
    op.refresh_from_db()
    assert op.state == Operation.State.COMPLETED
    final = services.final_payment_open(actor=staff, operation_id=op.pk)
    # 115.000 of aid on the final certified cost − (46.000 + 19.000 + 27.000) = 23.000.
    assert (final.kind, final.amount) == (Payment.Kind.FINAL, D("23000.00"))
    assert final.breakdown[-1]["amount"] == "-92000.00"
    with pytest.raises(Conflict):
        services.final_payment_open(actor=staff, operation_id=op.pk)


def test_guarantee_is_released_only_after_full_offset_with_a_letter(
    op, coordinator, django_capture_on_commit_callbacks
):
    g = _advance(op, coordinator)
    payer = UserFactory(roles=[Role.PAYMENT_OFFICER])
    with pytest.raises(Conflict) as exc:
        services.guarantee_release(actor=payer, guarantee_id=g.pk)
    assert "πλήρη συμψηφισμό" in exc.value.message
    _final_result(op, [("02.19", D("30000.00"), D("30000.00"))], seq=1)  # 19.500 offset
    g.refresh_from_db()
    assert g.remaining == D("26500.00")
    with pytest.raises(Conflict):
        services.guarantee_release(actor=payer, guarantee_id=g.pk)
    _final_result(op, [("04.22", D("60000.00"), D("60000.00"))], seq=2)  # 39.000 → 26.500 offset
    g.refresh_from_db()
    assert g.remaining == D("0.00")
    g = services.guarantee_release(actor=payer, guarantee_id=g.pk, reason="Πλήρης συμψηφισμός")
    assert g.state == BankGuarantee.State.RELEASED and g.released_by == payer
    assert GeneratedDocument.objects.get(pk=g.release_document_id).kind == "guarantee_release"
    assert AuditEvent.objects.filter(action="payments.guarantee.released").exists()


def test_advance_page_shows_refusal_at_the_field(client, op, coordinator):
    client.force_login(coordinator)
    url = reverse("payments:advance-request", args=[op.pk])
    page = client.get(url)
    assert page.status_code == 200 and "46.000,00 €" in page.content.decode()
    response = client.post(url, {"amount": "46.000,00", "declaration": "on"})
    assert response.status_code == 400
    assert "ισόποση εγγυητική επιστολή" in response.content.decode()
    assert not Payment.objects.exists()
    ok = client.post(
        url,
        {
            "amount": "46.000,00",
            "guarantee_number": "ΕΕ-1",
            "guarantee_issuer": ISSUER,
            "guarantee_amount": "46.000,00",
            "guarantee_issued_on": (timezone.localdate() - datetime.timedelta(days=1)).strftime("%d/%m/%Y"),
            "guarantee_letter": pdf_file(),
            "declaration": "on",
        },
    )
    g = BankGuarantee.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse("payments:advance-receipt", args=[g.pk])
    receipt = client.get(ok["Location"]).content.decode()
    assert g.protocol_number in receipt and "46.000,00 €" in receipt
    detail = client.get(reverse("operations:detail", args=[op.pk])).content.decode()
    assert "section-call004-payments" in detail and "115.000,00 €" in detail


def test_another_business_cannot_see_the_guarantee(client, op, coordinator):
    g = _advance(op, coordinator)
    other = operation_004()
    client.force_login(member_of(other.business))
    assert client.get(reverse("payments:guarantee", args=[g.pk])).status_code == 404
    assert client.get(reverse("payments:guarantee-letter", args=[g.pk])).status_code == 404


def test_staff_guarantees_list_filters_and_paginates(client, op, coordinator, django_assert_max_num_queries):
    _advance(op, coordinator)
    client.force_login(UserFactory(roles=[Role.PAYMENT_OFFICER]))
    url = reverse("payments:guarantees")
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert "ΕΕ-77/2026" in page.content.decode()
    assert "ΕΕ-77/2026" not in client.get(url, {"state": "released"}).content.decode()
    assert "ΕΕ-77/2026" in client.get(url, {"q": op.code, "issuer": ISSUER}).content.decode()


def test_final_payment_discounted_after_an_advance(op, coordinator):
    # Advance 46.000 paid on the grant date (T0 = today − 100); the whole budget certified in the
    # final request, paid 5 days ago; 115.000 of aid. Undiscounted: 115.000 − 46.000 = 69.000.
    # At 5%: 115.000 × 1,05^(5/365) − 46.000 × 1,05^(100/365) = 68.457,87 → cut 542,13 €.
    g = _advance(op, coordinator)
    Payment.objects.filter(pk=g.advance_id).update(paid_on=op.starts_on)
    items = [(c, amount, amount) for c, amount in op.budget_lines.values_list("category", "amount")]
    _final_result(op, items, seq=1, final=True)
    staff = UserFactory(roles=[Role.SUPERVISOR, Role.PAYMENT_OFFICER])
    operation_complete(actor=staff, operation_id=op.pk, final_payment_on=timezone.localdate())
    op.refresh_from_db()
    assert provider.final_plan(op).amount == D("69000.00")
    with pytest.raises(ValidationFailed):
        services.final_payment_open(actor=staff, operation_id=op.pk, discount_rate=D("-1"))
    final = services.final_payment_open(actor=staff, operation_id=op.pk, discount_rate=D("5"))
    assert final.amount == D("68457.87")
    assert final.breakdown[-1]["kind"] == "discounting" and final.breakdown[-1]["amount"] == "-542.13"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_advance_requests_open_one_advance():
    # The operation row is locked first (services._locked_operation): the second request waits,
    # then sees the first advance and is refused at its field.
    import threading

    from django.db import connection

    op = operation_004(starts_on=timezone.localdate() - datetime.timedelta(days=100))
    user = member_of(op.business)
    barrier = threading.Barrier(2)
    outcomes = []

    def run():
        try:
            barrier.wait()
            _advance(op, user)
            outcomes.append("ok")
        except ValidationFailed as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["advance_exists", "ok"]
    assert Payment.objects.filter(operation=op, kind=Payment.Kind.ADVANCE).count() == 1
    assert BankGuarantee.objects.filter(operation=op).count() == 1
