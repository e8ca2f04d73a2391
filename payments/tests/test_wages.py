"""ΚΥΑ 16936 monthly wage dossier, on PostgreSQL through the services: from the attendance the
service recorded to the opened payments (Art. 7(6), 8(1), 8(3), 10(2)); the call's settings
`absence_divisor`, `monthly_gross_pay`, `wage_contribution_rates`, `hazardous_allowance_reading`
each flipped and seen to change the outcome."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from calls.models import Call
from evaluation.points import employment
from evaluation.points.tests.conftest import admin_user, call16936, supervisor, world  # noqa: F401
from evaluation.points.tests.test_employment import hired, host, referred  # noqa: F401
from evaluation.points.tests.test_round import apps, assessed, final, provisional  # noqa: F401
from opske.errors import Conflict, PermissionDenied, ValidationFailed
from opske.models import AuditEvent
from payments.models import LedgerBalance, Payment, WageDossier
from payments.programmes.kya16936 import ClaimLine
from payments.services import wages

pytestmark = pytest.mark.django_db(transaction=False)
D = datetime.date
MARCH = D(2026, 3, 1)
IBAN = "GR1201101250000000012345678"


@pytest.fixture
def absent_two_days(hired, host):  # noqa: F811
    employment.attendance_record(
        actor=host, placement_id=hired.pk, month=MARCH, days_worked=19, unjustified_absence_days=2
    )
    return hired


def _configure(call, **config):
    c = Call.objects.get(pk=call.pk)
    c.config = {**(c.config or {}), **config}
    Call.objects.filter(pk=c.pk).update(config=c.config)


def _line(hired, host):  # noqa: F811
    dossier = wages.dossier_prepare(actor=host, service_id=hired.service_id, month=MARCH)
    return dossier, dossier.lines.get()


def test_example_b_dossier_is_submitted_verified_and_opens_the_payments(absent_two_days, host, supervisor):  # noqa: F811
    dossier, line = _line(absent_two_days, host)
    assert (line.gross, line.employee_contributions, line.employer_contributions) == (
        Decimal("1196.00"),
        Decimal("165.89"),
        Decimal("260.61"),
    )
    wages.wage_line_update(actor=host, line_id=line.pk, income_tax="35.00")
    with pytest.raises(ValidationFailed) as exc:  # no IBAN, no ΤΠΤΕ identity, no certificate
        wages.dossier_submit(actor=host, dossier_id=dossier.pk, tpte_identity="", certificate_confirmed=False)
    assert {"iban", "tpte_identity", "certificate_confirmed"} <= set(exc.value.fields)
    wages.participant_account_record(
        actor=host,
        placement_id=absent_two_days.pk,
        iban="GR12 0110 1250 0000 0001 2345 678",
        first_holder_confirmed=True,
    )
    wages.dossier_submit(
        actor=host, dossier_id=dossier.pk, tpte_identity="9012345678", certificate_confirmed=True
    )
    with pytest.raises(PermissionDenied):
        wages.dossier_verify(actor=host, dossier_id=dossier.pk)
    wages.dossier_verify(actor=supervisor, dossier_id=dossier.pk)
    dossier.refresh_from_db()
    assert dossier.state == WageDossier.State.PAYMENTS_OPENED
    net = Payment.objects.get(kind=Payment.Kind.WAGE_NET)
    assert (net.amount, net.payee_iban, net.payee_kind) == (Decimal("995.11"), IBAN, "participant")
    assert sum(Decimal(x["amount"]) for x in net.breakdown) == net.amount
    assert any(x["citation"] == "ΚΥΑ 16936 Άρθ. 7(6)" and x["amount"] == "-104.00" for x in net.breakdown)
    tpte = Payment.objects.get(kind=Payment.Kind.WAGE_CONTRIBUTIONS)
    assert tpte.amount == Decimal("461.50") and "9012345678" in tpte.payee_name  # 165,89 + 260,61 + 35,00
    year = LedgerBalance.objects.get(call=dossier.call, scope="year", year=2026)
    assert year.committed == Decimal("1456.61")  # 1.196,00 + 260,61
    actions = set(AuditEvent.objects.filter(action__startswith="wages.").values_list("action", flat=True))
    assert {
        "wages.dossier_prepared",
        "wages.dossier_submitted",
        "wages.dossier_verified",
        "wages.payments_opened",
    } <= actions
    with pytest.raises(Conflict):
        wages.dossier_prepare(actor=host, service_id=absent_two_days.service_id, month=MARCH)


@pytest.mark.parametrize(("divisor", "gross"), [("25", "1196.00"), ("30", "1213.33")])
def test_setting_absence_divisor_changes_outcome(absent_two_days, host, divisor, gross):  # noqa: F811
    _configure(absent_two_days.round.call, gaps={"absence_divisor": divisor})
    _dossier, line = _line(absent_two_days, host)
    assert line.gross == Decimal(gross) and line.absence_divisor == int(divisor)


@pytest.mark.parametrize(("pay", "gross"), [("1300.00", "1196.00"), ("1400.00", "1288.00")])
def test_setting_monthly_gross_pay_changes_outcome(absent_two_days, host, pay, gross):  # noqa: F811
    _configure(absent_two_days.round.call, monthly_gross_pay=pay)
    _dossier, line = _line(absent_two_days, host)
    assert line.gross == Decimal(gross)


def test_setting_wage_contribution_rates_changes_outcome(absent_two_days, host):  # noqa: F811
    _dossier, line = _line(absent_two_days, host)
    assert (line.employee_contributions, line.employer_contributions) == (
        Decimal("165.89"),
        Decimal("260.61"),
    )
    assert wages.wage_rates(absent_two_days.round.call).rates_are_placeholders
    _configure(
        absent_two_days.round.call,
        wage_contribution_rates={"employee_percent": "15", "employer_percent": "25"},
    )
    line = wages.dossier_prepare(actor=host, service_id=absent_two_days.service_id, month=MARCH).lines.get()
    assert (line.employee_contributions, line.employer_contributions) == (
        Decimal("179.40"),
        Decimal("299.00"),
    )
    assert not wages.wage_rates(Call.objects.get(pk=absent_two_days.round.call_id)).rates_are_placeholders


@pytest.mark.parametrize(("reading", "gross"), [("on_top", "1276.00"), ("inside", "1196.00")])
def test_setting_hazardous_allowance_reading_changes_outcome(absent_two_days, host, reading, gross):  # noqa: F811
    _configure(absent_two_days.round.call, gaps={"hazardous_allowance_reading": reading})
    _dossier, line = _line(absent_two_days, host)
    line = wages.wage_line_update(actor=host, line_id=line.pk, income_tax="0", hazardous_allowance="80.00")
    assert line.gross == Decimal(gross)


def test_example_d_a_weekend_premium_is_refused_and_nothing_is_saved(absent_two_days, host):  # noqa: F811
    _dossier, line = _line(absent_two_days, host)
    with pytest.raises(ValidationFailed) as exc:
        wages.wage_line_update(
            actor=host,
            line_id=line.pk,
            income_tax="35.00",
            claims=[ClaimLine("Σαββατοκύριακο", Decimal("80.00"))],
        )
    assert "claim_amount" in exc.value.fields
    line.refresh_from_db()
    assert line.income_tax == 0 and line.gross == Decimal("1196.00")


def test_an_invalid_iban_or_no_first_holder_is_refused_at_the_field(hired, host):  # noqa: F811
    with pytest.raises(ValidationFailed) as exc:
        wages.participant_account_record(
            actor=host, placement_id=hired.pk, iban="GR1301101250000000012345678", first_holder_confirmed=True
        )
    assert "iban" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        wages.participant_account_record(
            actor=host, placement_id=hired.pk, iban=IBAN, first_holder_confirmed=False
        )
    assert "first_holder_confirmed" in exc.value.fields


def test_only_the_service_prepares_and_only_kpa2_returns_with_reasons(absent_two_days, host, supervisor):  # noqa: F811
    with pytest.raises(PermissionDenied):
        wages.dossier_prepare(actor=supervisor, service_id=absent_two_days.service_id, month=MARCH)
    with pytest.raises(ValidationFailed):  # the month has not ended
        wages.dossier_prepare(actor=host, service_id=absent_two_days.service_id, month=D(2099, 1, 1))
    dossier, line = _line(absent_two_days, host)
    wages.participant_account_record(
        actor=host, placement_id=absent_two_days.pk, iban=IBAN, first_holder_confirmed=True
    )
    wages.dossier_submit(actor=host, dossier_id=dossier.pk, tpte_identity="123", certificate_confirmed=True)
    with pytest.raises(ValidationFailed):
        wages.dossier_return(actor=supervisor, dossier_id=dossier.pk, reasons="όχι")
    wages.dossier_return(actor=supervisor, dossier_id=dossier.pk, reasons="Λείπει το σημείωμα πληρωμής ΦΜΥ.")
    dossier.refresh_from_db()
    assert dossier.state == WageDossier.State.RETURNED
    wages.wage_line_update(actor=host, line_id=line.pk, income_tax="20.00")  # editable again
    wages.dossier_submit(actor=host, dossier_id=dossier.pk, tpte_identity="123", certificate_confirmed=True)
    assert WageDossier.objects.get(pk=dossier.pk).state == WageDossier.State.SUBMITTED


def test_the_year_projection_counts_the_months_ahead_of_each_active_placement(absent_two_days, host):  # noqa: F811
    call = absent_two_days.round.call
    projection = wages.year_projection_for(call, 2026)
    # Employed from 09/02/2026 for 12 months: February–December 2026 are 11 months ahead.
    assert projection.remaining_person_months == 11 and projection.committed == 0
    assert projection.total == Decimal("1583.27") * 11
    assert projection.ceiling == Decimal("1090000.00") and not projection.exceeds


def test_the_pages_are_for_the_service_and_kpa2_only_and_mask_the_iban(absent_two_days, host, supervisor):  # noqa: F811
    dossier, _line_ = _line(absent_two_days, host)
    wages.participant_account_record(
        actor=host, placement_id=absent_two_days.pk, iban=IBAN, first_holder_confirmed=True
    )
    client = Client()
    client.force_login(host)
    page = client.get(reverse("payments:wage-dossier", kwargs={"pk": dossier.pk})).content.decode()
    assert "GR12 **** 5678" in page and IBAN not in page and absent_two_days.application.amka not in page
    assert client.get(reverse("payments:wages")).status_code == 200
    other = Client()
    other.force_login(UserFactory(roles=[Role.EVALUATOR]))
    assert other.get(reverse("payments:wage-dossier", kwargs={"pk": dossier.pk})).status_code == 403
    kpa2 = Client()
    kpa2.force_login(supervisor)
    assert kpa2.get(reverse("payments:wages") + "?state=draft").status_code == 200
    pdf = kpa2.get(reverse("payments:wage-dossier-pdf", kwargs={"pk": dossier.pk}))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
