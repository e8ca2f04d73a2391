"""Payment orders: approved payments → pain.001 (XSD-valid) + XLSX → the bank's pain.002 / camt.054
read back by EndToEndId, all or nothing, idempotent; the ledger's paid follows each line."""

import datetime
import hashlib
import io
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from lxml import etree
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import UserFactory
from interop.sandboxes import bank
from opske.calendar import is_payment_day, next_payment_day
from opske.errors import Conflict, PermissionDenied, ValidationFailed
from opske.models import AuditEvent
from payments.models import BankFile, LedgerBalance, Payment, PaymentApproval, PaymentOrder, PaymentOrderLine
from payments.programmes import Line
from payments.services import core, ledger, orders

pytestmark = pytest.mark.django_db

XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
GREVENA_IBAN = "GR7501711200005112345678901"
CLUSTER_IBAN = "GR1502601300000123400567890"
CLOSED_IBAN = "GR3801104000000004012345678"  # the sandbox bank answers AC04


@pytest.fixture
def payer():
    return UserFactory(roles=[Role.PAYMENT_OFFICER])


@pytest.fixture
def call():
    from calls.tests.factories import CallFactory

    return CallFactory(total_budget=Decimal("1000000.00"))


def approved(call, amount, *, kind="business", name="ΓΡΕΒΕΝΑ ΕΠΕ", afm="808982626", iban=GREVENA_IBAN):
    """A payment brought to APPROVED as the flow does: proposed, approved, booked on the ledger."""
    p = core.create_payment(
        call=call, kind="period" if kind == "business" else "wage_net",
        lines=[Line("Ποσό", Decimal(amount))], payee_kind=kind, payee_name=name,
        payee_afm=afm, payee_iban=iban, year=2026,
    )  # fmt: skip
    maker, checker = UserFactory(roles=[Role.PAYMENT_OFFICER]), UserFactory(roles=[Role.SUPERVISOR])
    p.propose()
    p.save()
    ledger.book_payment(p)
    p.approve()
    p.save()
    now = datetime.datetime.now(datetime.UTC)
    PaymentApproval.objects.create(payment=p, step="proposal", role=Role.PAYMENT_OFFICER, user=maker, at=now)
    PaymentApproval.objects.create(payment=p, step="approval", role=Role.SUPERVISOR, user=checker, at=now)
    return p


def exec_day():
    return next_payment_day(datetime.date.today() + datetime.timedelta(days=1))


def paid_on_call(call) -> Decimal:
    return LedgerBalance.objects.get(scope="call", call=call).paid


def exported(payer, payments):
    order = orders.order_create(actor=payer, payment_ids=[p.pk for p in payments], execution_date=exec_day())
    return orders.order_export(actor=payer, order_id=order.pk)


def pain001_of(order) -> bytes:
    return bytes(order.files.get(kind=BankFile.Kind.PAIN001).content)


# --- building the batch --------------------------------------------------------------------------


def test_order_lines_get_unique_end_to_end_ids_and_remittance_and_payments_go_ordered(payer, call):
    a = approved(call, "1659.00")
    b = approved(call, "1084.69", kind="participant", name="ΔΗΜΗΤΡΙΟΥ ΑΙΚΑΤΕΡΙΝΗ", afm="", iban=CLUSTER_IBAN)

    order = orders.order_create(actor=payer, payment_ids=[a.pk, b.pk], execution_date=exec_day())

    lines = list(order.lines.order_by("pk"))
    assert [line.end_to_end_id for line in lines] == ["EP-2026-0001-0001", "EP-2026-0001-0002"]
    assert order.code == "ΕΠ-2026-0001" and order.message_id == "OPSKE-EP-2026-0001"
    assert lines[0].remittance == a.code and lines[0].creditor_bic == "PIRBGRAA"
    assert order.debtor_iban == "GR5701000230000000000470123" and order.debtor_bic == "BNGRGRAA"
    assert set(Payment.objects.filter(pk__in=[a.pk, b.pk]).values_list("state", flat=True)) == {"ordered"}
    assert AuditEvent.objects.filter(action="payment_order.created").count() == 1
    assert AuditEvent.objects.filter(action="payment.ordered").count() == 2
    more = approved(call, "10.00")
    second = orders.order_create(actor=payer, payment_ids=[more.pk], execution_date=exec_day())
    assert second.code == "ΕΠ-2026-0002"


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("payee_iban", "GR7501711200005112345678902", "λάθος ψηφία ελέγχου"),
        ("payee_iban", "GR75017112000051123456789", "λάθος μήκος"),
        ("payee_iban", "", "λείπει το IBAN"),
        ("payee_afm", "808982627", "λάθος ψηφίο ελέγχου"),
        ("payee_afm", "80898262", "9 ψηφία"),
    ],
)
def test_an_invalid_iban_or_business_afm_refuses_the_whole_batch_naming_the_payment(
    payer, call, field, value, expected
):
    good = approved(call, "100.00")
    bad = approved(call, "200.00")
    Payment.objects.filter(pk=bad.pk).update(**{field: value})

    with pytest.raises(ValidationFailed) as exc:
        orders.order_create(actor=payer, payment_ids=[good.pk, bad.pk], execution_date=exec_day())

    assert exc.value.code == "order_line_invalid"
    assert bad.code in exc.value.message and expected in exc.value.message
    assert good.code not in exc.value.message
    assert not PaymentOrder.objects.exists() and not PaymentOrderLine.objects.exists()
    assert set(Payment.objects.values_list("state", flat=True)) == {"approved"}


def test_a_participant_needs_no_afm_but_a_valid_iban(payer, call):
    p = approved(call, "1084.69", kind="participant", name="ΔΗΜΗΤΡΙΟΥ ΑΙΚΑΤΕΡΙΝΗ", afm="")
    order = orders.order_create(actor=payer, payment_ids=[p.pk], execution_date=exec_day())
    assert order.lines.count() == 1


def test_execution_date_must_be_a_greek_and_target2_working_day(payer, call):
    p = approved(call, "100.00")
    # Western Good Friday 2027 (26 March) is a Greek working day but TARGET2 is closed; Greek
    # Clean Monday (15 March 2027) is a Greek holiday; 25 December is both.
    assert not is_payment_day(datetime.date(2027, 3, 26))
    assert not is_payment_day(datetime.date(2027, 3, 15))
    assert is_payment_day(datetime.date(2027, 3, 24))
    for day in (datetime.date(2027, 3, 26), datetime.date(2027, 3, 15), datetime.date(2027, 3, 27)):
        with pytest.raises(ValidationFailed) as exc:
            orders.order_create(actor=payer, payment_ids=[p.pk], execution_date=day)
        assert exc.value.code == "order_date_not_working"
        assert "execution_date" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        orders.order_create(actor=payer, payment_ids=[p.pk], execution_date=datetime.date(2020, 1, 2))
    assert exc.value.code == "order_date_past"
    assert not PaymentOrder.objects.exists()


def test_only_approved_or_failed_payments_and_only_the_payment_officer(payer, call):
    draft = core.create_payment(
        call=call, kind="period", lines=[Line("x", Decimal("5.00"))], payee_kind="business",
        payee_name="Χ", payee_afm="808982626", payee_iban=GREVENA_IBAN, year=2026,
    )  # fmt: skip
    with pytest.raises(Conflict) as exc:
        orders.order_create(actor=payer, payment_ids=[draft.pk], execution_date=exec_day())
    assert draft.code in exc.value.message
    p = approved(call, "100.00")
    for role in (Role.SUPERVISOR, Role.AUDITOR, Role.VERIFIER):
        with pytest.raises(PermissionDenied):
            other = UserFactory(roles=[role])
            orders.order_create(actor=other, payment_ids=[p.pk], execution_date=exec_day())
    assert not PaymentOrder.objects.exists()


# --- export --------------------------------------------------------------------------------------


def test_pain001_validates_against_the_xsd_with_the_order_sums_count_and_ids(payer, call):
    a = approved(call, "1659.00")
    b = approved(call, "40000.00", name="ΣΥΜΠΛΕΓΜΑ ΑΓΡΟΔΙΑΤΡΟΦΗΣ ΚΜ", afm="994681285", iban=CLUSTER_IBAN)
    c = approved(call, "1084.69", kind="participant", name="ΔΗΜΗΤΡΙΟΥ ΑΙΚΑΤΕΡΙΝΗ", afm="", iban=CLOSED_IBAN)

    order = exported(payer, [a, b, c])

    xml = pain001_of(order)
    xmlschema.XMLSchema(str(XSD)).validate(xml.decode())  # raises on any deviation
    doc = etree.fromstring(xml)
    assert doc.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "3"
    assert doc.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "42743.69"
    assert doc.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId", namespaces=NS) == order.message_id
    info = doc.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert info.findtext("p:ReqdExctnDt", namespaces=NS) == order.execution_date.isoformat()
    assert info.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == "GR5701000230000000000470123"
    txs = info.findall("p:CdtTrfTxInf", NS)
    assert [t.findtext("p:PmtId/p:EndToEndId", namespaces=NS) for t in txs] == list(
        order.lines.order_by("pk").values_list("end_to_end_id", flat=True)
    )
    # The natural person's name is in the bank file (transliterated to the SEPA Latin set).
    assert txs[2].findtext("p:Cdtr/p:Nm", namespaces=NS) == "DEMETRIOU AIKATERINE"
    assert txs[0].findtext("p:RmtInf/p:Ustrd", namespaces=NS).endswith("/PLE-1")
    assert order.state == "exported" and order.xml_sha256 == hashlib.sha256(xml).hexdigest()
    assert AuditEvent.objects.filter(action="payment_order.exported").count() == 1


def test_export_is_once_and_the_xlsx_holds_the_same_lines_as_euro_cells(payer, call):
    a, b = approved(call, "1659.00"), approved(call, "0.01")
    order = exported(payer, [a, b])
    again = orders.order_export(actor=payer, order_id=order.pk)
    assert again.xml_sha256 == order.xml_sha256 and order.files.count() == 2

    wb = load_workbook(io.BytesIO(bytes(order.files.get(kind=BankFile.Kind.XLSX).content)))
    ws = wb.active
    rows = list(ws.iter_rows(min_row=6, values_only=True))
    assert [r[1] for r in rows[:2]] == ["EP-2026-0001-0001", "EP-2026-0001-0002"]
    assert [Decimal(str(r[8])) for r in rows[:2]] == [Decimal("1659.00"), Decimal("0.01")]
    assert rows[2][7] == "Σύνολο" and Decimal(str(rows[2][8])) == Decimal("1659.01")
    assert "€" in ws.cell(row=6, column=9).number_format


# --- the bank's answer ---------------------------------------------------------------------------


def _three(payer, call):
    a = approved(call, "1659.00")
    b = approved(call, "40000.00", name="ΣΥΜΠΛΕΓΜΑ", afm="994681285", iban=CLUSTER_IBAN)
    c = approved(call, "1084.69", kind="participant", name="ΔΗΜΗΤΡΙΟΥ ΑΙΚΑΤΕΡΙΝΗ", afm="", iban=CLOSED_IBAN)
    return exported(payer, [a, b, c]), (a, b, c)


@pytest.mark.parametrize("fmt", ["pain002", "camt054"])
def test_the_banks_report_marks_each_line_paid_or_failed_and_the_ledger_follows(payer, call, fmt):
    order, (a, b, c) = _three(payer, call)
    assert paid_on_call(call) == Decimal("42743.69")

    report = bank.status_report(pain001_of(order), fmt=fmt)
    outcome = orders.order_read_report(actor=payer, order_id=order.pk, content=report, filename="r.xml")

    assert (outcome.paid, outcome.failed, outcome.pending) == (2, 1, 0)
    a.refresh_from_db(), b.refresh_from_db(), c.refresh_from_db()
    assert (a.state, b.state, c.state) == ("paid", "paid", "failed")
    assert a.paid_on == datetime.date.today()  # the sandbox answers before the execution date
    assert c.failure_reason.startswith("AC04: Ο λογαριασμός του δικαιούχου έχει κλείσει")
    line = order.lines.get(payment=c)
    assert line.status == "failed" and line.status_reason.startswith("AC04")
    order.refresh_from_db()
    assert order.state == "settled"
    assert paid_on_call(call) == Decimal("41659.00")  # 42.743,69 − 1.084,69 reversed
    assert AuditEvent.objects.filter(action="payment.failed").count() == 1
    assert AuditEvent.objects.filter(action="payment.paid").count() == 2


def test_reading_the_same_report_again_changes_nothing(payer, call):
    order, _ = _three(payer, call)
    report = bank.status_report(pain001_of(order))
    orders.order_read_report(actor=payer, order_id=order.pk, content=report)
    events = AuditEvent.objects.count()

    again = orders.order_read_report(actor=payer, order_id=order.pk, content=report)

    assert again.already_read and (again.paid, again.failed) == (0, 0)
    assert AuditEvent.objects.count() == events and paid_on_call(call) == Decimal("41659.00")
    # A camt.054 of the same order after the pain.002 restates the lines: nothing changes either.
    camt = bank.status_report(pain001_of(order), fmt="camt054")
    restated = orders.order_read_report(actor=payer, order_id=order.pk, content=camt)
    assert restated.unchanged == 3 and paid_on_call(call) == Decimal("41659.00")


def _refused(payer, order, content, code):
    before = (AuditEvent.objects.count(), BankFile.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        orders.order_read_report(actor=payer, order_id=order.pk, content=content)
    assert exc.value.code == code
    assert "file" in exc.value.fields and "Δεν καταχωρίστηκε τίποτα" in exc.value.message
    assert (AuditEvent.objects.count(), BankFile.objects.count()) == before
    assert set(order.lines.values_list("status", flat=True)) == {"pending"}
    return exc.value.message


def test_a_report_for_another_order_is_refused_nothing_written(payer, call):
    first, _ = _three(payer, call)
    second = exported(payer, [approved(call, "10.00")])
    report = bank.status_report(pain001_of(first))
    assert first.code in _refused(payer, second, report, "bank_file_other_order")
    camt = bank.status_report(pain001_of(first), fmt="camt054")
    assert first.code in _refused(payer, second, camt, "bank_file_other_order")


def test_an_unknown_end_to_end_id_is_refused(payer, call):
    order, _ = _three(payer, call)
    report = bank.status_report(pain001_of(order)).replace(b"EP-2026-0001-0002", b"EP-2099-9999-0001")
    assert "EP-2099-9999-0001" in _refused(payer, order, report, "bank_file_unknown_e2e")


def test_a_wrong_amount_is_refused(payer, call):
    order, _ = _three(payer, call)
    report = bank.status_report(pain001_of(order)).replace(b">40000.00<", b">40000.10<")
    message = _refused(payer, order, report, "bank_file_wrong_amount")
    assert "40.000,10 €" in message and "40.000,00 €" in message
    assert paid_on_call(call) == Decimal("42743.69")


@pytest.mark.parametrize(
    "content",
    [b"<not xml", b"<?xml version='1.0'?><Document xmlns='urn:other'/>", b""],
    ids=["not-xml", "other-namespace", "empty"],
)
def test_a_malformed_file_is_refused(payer, call, content):
    order, _ = _three(payer, call)
    code = "bank_file_empty" if not content else "bank_file_malformed"
    _refused(payer, order, content, code)


def test_a_report_with_a_pending_line_leaves_the_order_exported_until_the_next(payer, call):
    order, (a, b, c) = _three(payer, call)
    report = bank.status_report(pain001_of(order))
    pending = report.replace(b"<TxSts>ACSC</TxSts>", b"<TxSts>ACSP</TxSts>", 1)
    outcome = orders.order_read_report(actor=payer, order_id=order.pk, content=pending)
    assert (outcome.paid, outcome.failed, outcome.pending) == (1, 1, 1)
    order.refresh_from_db()
    assert order.state == "exported"
    final = orders.order_read_report(actor=payer, order_id=order.pk, content=report)
    assert (final.paid, final.unchanged) == (1, 2)
    order.refresh_from_db()
    assert order.state == "settled"


def test_a_failed_payment_is_retried_in_a_new_order_and_booked_again(payer, call):
    order, (a, b, c) = _three(payer, call)
    orders.order_read_report(actor=payer, order_id=order.pk, content=bank.status_report(pain001_of(order)))
    Payment.objects.filter(pk=c.pk).update(payee_iban=GREVENA_IBAN)  # the participant's new account

    retry = orders.order_create(actor=payer, payment_ids=[c.pk], execution_date=exec_day())

    c.refresh_from_db()
    assert c.state == "ordered" and c.failure_reason == ""
    assert paid_on_call(call) == Decimal("42743.69")
    assert retry.lines.get().end_to_end_id == "EP-2026-0002-0001"


def test_a_draft_order_is_cancelled_and_its_payments_return_to_approved(payer, call):
    p = approved(call, "100.00")
    order = orders.order_create(actor=payer, payment_ids=[p.pk], execution_date=exec_day())
    with pytest.raises(ValidationFailed):
        orders.order_cancel(actor=payer, order_id=order.pk, reason=" ")
    orders.order_cancel(actor=payer, order_id=order.pk, reason="Λάθος ημερομηνία εκτέλεσης")
    p.refresh_from_db()
    assert p.state == "approved"
    assert PaymentOrder.objects.get(pk=order.pk).state == "cancelled"
    order2 = exported(payer, [p])
    with pytest.raises(Conflict):
        orders.order_cancel(actor=payer, order_id=order2.pk, reason="x")


def test_the_sandbox_bank_answers_over_http(payer, call, settings):
    import requests

    order, _ = _three(payer, call)
    url = f"{settings.INTEROP_BASE_URL}/bank/status-report"
    answer = requests.post(url, params={"format": "camt054"}, data=pain001_of(order), timeout=10)
    assert answer.status_code == 200
    outcome = orders.order_read_report(actor=payer, order_id=order.pk, content=answer.content)
    assert (outcome.kind, outcome.paid, outcome.failed) == ("camt054", 2, 1)
    refused = requests.post(url, data=b"<Document xmlns='urn:other'/>", timeout=10)
    assert refused.status_code == 400


def test_a_camt054_of_another_account_is_refused(payer, call):
    order, _ = _three(payer, call)
    camt = bank.status_report(pain001_of(order), fmt="camt054").replace(
        b"GR5701000230000000000470123", b"GR1502601300000123400567890"
    )
    assert "GR15 **** 7890" in _refused(payer, order, camt, "bank_file_other_account")
