"""The ledger's reports: the yearly projection pinned to 002 §7.3 Example E, the reconciliation of
balances with their movements, the EECO02 indicator and its call setting, the commitment booked
once and released by a position cut (ΚΥΑ 7066 Art. 10.4γ), and the pages and XLSX staff read."""

import datetime
import io
from datetime import time as T
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import UserFactory
from applications.tests.factories import load_world, seeded_call
from calls import seeds
from calls.models import Call
from interop.sandboxes.data_people import GREVENA_SUBSIDISED_HIRE as HIRED
from operations import services as op_services
from operations.models import Operation
from operations.tests.factories_hires import PAPADOPOULOU, operation_for
from payments.models import LedgerBalance, LedgerEntry
from payments.programmes import Line
from payments.services import core, ledger
from payments.services import ledger_reports as reports

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
D = Decimal


# --- the yearly projection (ΚΥΑ 16936 Rec. 35; 002 §7.3 Example E) -------------------------------


def test_example_e_projected_commitments_exceed_the_ceiling_by_39_924():
    # (1.300 + 283,27) × 100 participants a month: 5 months in 2025 and 7 in 2026 (002 §7.2).
    month = (D("1300.00") + D("283.27")) * 100
    projection = reports.project_years(
        ceilings={2025: D("770000.00"), 2026: D("1090000.00")},
        total_ceiling=D("1860000.00"),
        per_month_cost_by_year={2025: [month] * 5, 2026: [month] * 7},
    )
    assert projection.projected == D("1899924.00")  # (1.300 + 283,27) × 12 × 100
    assert projection.shortfall == D("39924.00") and projection.over
    y2025, y2026 = projection.years
    assert (y2025.projected, y2025.excess) == (D("791635.00"), D("21635.00"))
    assert (y2026.projected, y2026.excess) == (D("1108289.00"), D("18289.00"))
    warnings = projection.warnings()
    assert any("39.924,00 €" in w for w in warnings) and any("770.000,00 €" in w for w in warnings)


def test_a_projection_within_the_ceilings_warns_of_nothing():
    # Example A's gross 1.300,00 alone, 100 people: 2025 5 months = 650.000 ≤ 770.000, 2026 7 = 910.000.
    projection = reports.project_years(
        ceilings={2025: D("770000.00"), 2026: D("1090000.00")},
        total_ceiling=D("1860000.00"),
        per_month_cost_by_year={2025: D("650000.00"), 2026: [D("130000.00")] * 7},
    )
    assert projection.projected == D("1560000.00") and not projection.over and projection.warnings() == []


def test_year_projection_reads_the_calls_annual_allocations():
    load_world()
    call = seeded_call(seeds.kya16936)
    month = (D("1300.00") + D("283.27")) * 100
    projection = reports.year_projection(call, {2025: [month] * 5, 2026: [month] * 7})
    assert [(y.year, y.ceiling) for y in projection.years] == [
        (2025, D("770000.00")),
        (2026, D("1090000.00")),
    ]
    assert projection.total_ceiling == D("1860000.00") and projection.shortfall == D("39924.00")


# --- «συμφωνία» ----------------------------------------------------------------------------------


def _call(budget="100000.00"):
    from calls.tests.factories import CallFactory

    return CallFactory(total_budget=D(budget))


def _payment(call, amount, year=2026, operation=None):
    return core.create_payment(
        call=call, operation=operation, kind="wage_net", lines=[Line("test", D(amount))],
        payee_kind="participant", payee_name="Ωφελούμενος", year=year,
    )  # fmt: skip


def test_every_balance_equals_the_sum_of_its_movements_and_a_tampered_one_is_shown():
    call = _call()
    booking = ledger.booking_for(call=call, year=2026)
    ledger.commit(booking, "5000.00", source="test")
    ledger.decommit(booking, "1000.00", source="test")
    payment = _payment(call, "700.00")
    ledger.book_payment(payment)
    ledger.book_recovery(booking, "200.00", source="test")
    checked, mismatches = reports.reconciliation(call)
    assert checked == 2 and mismatches == []  # the call's row and the year's

    LedgerBalance.objects.filter(scope="year", call=call).update(
        paid=D("900.00")
    )  # written around the service
    checked, mismatches = reports.reconciliation(call)
    assert [(m.balance.scope, m.column, m.balance_value, m.entries_value) for m in mismatches] == [
        ("year", "paid", D("900.00"), D("700.00"))
    ]


# --- EECO02 and the call setting positions_target (ΚΥΑ 7066 Art. 1.3, 2.19) ---------------------


def _hire(op, user):
    return op_services.hire_record(
        actor=user, operation_id=op.pk, position_id=op.positions.get(seq=1).pk, amka=PAPADOPOULOU,
        hire_date=HIRED, referral_number="ΚΠΑ2-ΚΟΖ-2026/118", referral_date=HIRED - 3 * DAY,
        work_from=T(8, 0), work_to=T(16, 0), declaration_exclusions=True, declaration_other_scheme=True,
    )  # fmt: skip


@pytest.fixture
def kya7066_hired():
    load_world()
    call = seeded_call(seeds.kya7066)
    op, user = operation_for(call, notified_on=HIRED - 10 * DAY)
    hire = _hire(op, user)
    return call, op, user, hire


def test_eeco02_counts_the_recorded_hires_by_month_towards_the_target(kya7066_hired):
    call, op, user, hire = kya7066_hired
    indicator = reports.eeco02(call)
    assert indicator.code == "EECO02" and indicator.target == 1000  # the seed's Art. 1.3 target
    assert indicator.achieved == 1 and indicator.percent == D("0.1") and indicator.remaining == 999
    assert [(m.month, m.new, m.cumulative) for m in indicator.months] == [(HIRED.replace(day=1), 1, 1)]
    chart = reports.indicator_chart(indicator)
    assert len(chart["bars"]) == 1 and chart["progress_fill"] == round(600 * 1 / 1000)


def test_setting_positions_target_changes_outcome(kya7066_hired):
    call, *_ = kya7066_hired
    assert not reports.eeco02(call).reached
    Call.objects.filter(pk=call.pk).update(config={**call.config, "positions_target": 1})
    call.refresh_from_db()
    indicator = reports.eeco02(call)
    assert indicator.reached and indicator.remaining == 0 and indicator.percent == D("100.0")
    Call.objects.filter(pk=call.pk).update(
        config={k: v for k, v in call.config.items() if k != "positions_target"}
    )
    call.refresh_from_db()
    assert reports.eeco02(call).target is None and reports.eeco02(call).percent is None


def test_the_hires_project_their_rate_per_subsidy_month_into_its_year(kya7066_hired):
    call, op, user, hire = kya7066_hired
    projection = reports.projection_for(call)
    by_year = {}
    for n in range(12):
        y = HIRED.year + (HIRED.month - 1 + n) // 12
        by_year[y] = by_year.get(y, D("0")) + D("829.50")
    assert {y.year: y.projected for y in projection.years if y.projected} == by_year
    assert projection.projected == D("9954.00")  # E2: 829,50 × 12


# --- commitments: booked once, released by a cut (ΚΥΑ 7066 Art. 10.4γ) ---------------------------


def test_the_commitment_is_booked_once_and_a_position_cut_releases_it(kya7066_hired):
    call, op, user, hire = kya7066_hired
    assert ledger.commit_operation(op) is True
    assert ledger.commit_operation(op) is False  # the demo step and the notice's hook run it again
    row = LedgerBalance.objects.get(scope="operation", operation=op)
    assert (row.ceiling, row.committed) == (D("9954.00"), D("9954.00"))

    supervisor = UserFactory(username="head-ledger", roles=[Role.SUPERVISOR])
    op_services.hire_record_leaving(actor=user, hire_id=hire.pk, left_on=HIRED + 40 * DAY, reason="Παραίτηση")
    position = op_services.position_stop_no_unemployed(
        actor=supervisor, position_id=op.positions.get().pk, reason="Βεβαίωση ΚΠΑ2: κανείς άνεργος"
    )
    # 2 months begun by the last day are kept (2 × 829,50), the other 10 leave the operation.
    assert position.cut_amount == D("8295.00")
    op = Operation.objects.get(pk=op.pk)
    row.refresh_from_db()
    assert op.approved_total == D("1659.00")
    assert (row.ceiling, row.committed) == (D("1659.00"), D("1659.00"))
    call_row = LedgerBalance.objects.get(scope="call", call=call)
    assert call_row.committed == D("1659.00") and call_row.ceiling == call.total_budget
    decommit = LedgerEntry.objects.get(balance=row, kind="decommit")
    assert decommit.amount == D("8295.00") and decommit.source == f"position:{position.pk}"
    assert reports.reconciliation(call)[1] == []


# --- the pages -----------------------------------------------------------------------------------


@pytest.fixture
def booked(kya7066_hired):
    call, op, user, hire = kya7066_hired
    ledger.commit_operation(op)
    ledger.book_payment(_payment(call, "1493.10", year=HIRED.year, operation=op))
    return call, op


@pytest.mark.parametrize("role", [Role.PROGRAMME_ADMIN, Role.SUPERVISOR, Role.PAYMENT_OFFICER, Role.AUDITOR])
def test_staff_readers_see_the_calls_report(client, booked, role):
    call, op = booked
    client.force_login(UserFactory(roles=[role]))
    page = client.get(reverse("payments:ledger-call", args=[call.pk])).content.decode()
    assert "9.954,00 €" in page and "1.493,10 €" in page and "EECO02" in page
    assert 'id="indicator-chart"' in page and "Συμφωνία" in page


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.VERIFIER])
def test_other_roles_are_refused(client, booked, role):
    call, _ = booked
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("payments:ledger-call", args=[call.pk])).status_code == 403
    assert client.get(reverse("payments:ledger-xlsx", args=[call.pk])).status_code == 403


def test_the_business_cannot_read_the_ledger(client, kya7066_hired):
    *_, user, _ = kya7066_hired
    client.force_login(user)
    assert client.get(reverse("payments:ledger-index")).status_code == 403


def test_movements_are_filtered_and_bad_dates_are_refused_at_the_field(
    client, booked, django_assert_max_num_queries
):
    call, op = booked
    client.force_login(UserFactory(roles=[Role.PAYMENT_OFFICER]))
    url = reverse("payments:ledger-movements", args=[call.pk])
    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()
    assert page.count('data-kind="commit"') == 1 and page.count('data-kind="payment"') == 1  # the call's row
    assert "Απόφαση ένταξης / έγκρισης της πράξης" in page and f"Πληρωμή {op.code}/ΠΛΗ-1" in page
    page = client.get(url, {"kind": "payment", "scope": "year"}).content.decode()
    assert page.count('data-kind="payment"') == 1 and 'data-kind="commit"' not in page
    page = client.get(url, {"operation": op.code}).content.decode()
    assert page.count('<tr class="govgr-table__row" data-kind') == 2  # the operation's own row
    page = client.get(url, {"since": "32/13/2026"})
    assert page.status_code == 200 and 'id="field-since"' in page.content.decode()
    assert "govgr-field__error" in page.content.decode()
    future = (HIRED + 400 * DAY).isoformat()
    assert "Δεν βρέθηκαν κινήσεις" in client.get(url, {"since": future}).content.decode()


def test_the_xlsx_carries_the_amounts_as_euro_numbers(client, booked):
    call, op = booked
    client.force_login(UserFactory(roles=[Role.AUDITOR]))
    response = client.get(reverse("payments:ledger-xlsx", args=[call.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    wb = load_workbook(io.BytesIO(response.content))
    total = wb["Πρόσκληση"]
    assert [c.value for c in total[2]][:4] == [call.code, 10726800, 9954, pytest.approx(1493.10)]
    assert total["C2"].number_format == '#,##0.00 "€"'
    ops = wb["Πράξεις"]
    assert (
        ops["A2"].value == op.code and ops["E2"].value == 9954 and ops["F2"].value == pytest.approx(1493.10)
    )
    moves = wb["Κινήσεις"]
    assert sorted(moves.cell(row=r, column=2).value for r in (2, 3)) == ["Δέσμευση", "Πληρωμή"]
    assert wb["Δείκτης EECO02"]["C2"].value == 1


def test_the_demo_step_books_each_operations_commitment_once(kya7066_hired):
    from payments import demo_ledger

    call, op, *_ = kya7066_hired
    out = io.StringIO()
    demo_ledger.load(out)
    demo_ledger.load(out)
    assert LedgerEntry.objects.filter(balance__operation=op, kind="commit").count() == 1
    assert "1 νέες" in out.getvalue() and "0 νέες" in out.getvalue()


def test_a_decisions_notice_starts_the_operation_and_commits_it_once():
    from evaluation.hooks import decision_notified
    from operations.tests.factories import kya7066_operation

    op = kya7066_operation()  # started by operations' service; the notice's hooks run on top
    decision_notified(op.decision)
    decision_notified(op.decision)  # a second notice changes nothing
    row = LedgerBalance.objects.get(scope="operation", operation=op)
    assert row.committed == D("24174.00") and row.entries.filter(kind="commit").count() == 1
    assert LedgerBalance.objects.get(scope="call", call=op.call).committed == D("24174.00")


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_movements_page_costs_the_same_queries_for_more_movements(client, booked):
    call, op = booked
    client.force_login(UserFactory(roles=[Role.PAYMENT_OFFICER]))
    url = reverse("payments:ledger-movements", args=[call.pk])
    few = _queries(client, url)
    for amount in ("100.00", "200.00", "300.00"):
        ledger.book_payment(_payment(call, amount, year=HIRED.year, operation=op))
    assert _queries(client, url) == few
