"""Journey «pay_orders», through the pages after `load_demo`: the payment officer builds a payment
order from the approved payments (payments/demo_orders.py: a month's net pay of two ΚΥΑ 16936
participants, 1.084,69 € and 995,11 € after 2 days of unjustified absence), confirms it, exports and
downloads the pain.001 (valid against the XSD of sepaxml, the right count and sum) and the XLSX,
sends the pain.001 to the sandbox bank, uploads a wrong file (refused at the field, nothing
written), then the bank's pain.002 with the first participant's line rejected (AC04, closed
account): one payment PAID, one FAILED with its reason, the ledger's paid reduced by the failed
line. The supervisor reads the same order without its buttons. At 1280 and 390 px, axe-core on every page.
"""

import io
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from django.core.management import call_command
from lxml import etree
from openpyxl import load_workbook

from payments.models import LedgerBalance, Payment, PaymentOrder
from tests.conftest import DESKTOP, PHONE
from tests.journey import follow, go, seen, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
CLOSED_IBAN = "GR3801104000000004012345678"


def _download(page, locator, path: Path) -> Path:
    with page.expect_download() as info:
        locator.click()
    info.value.save_as(str(path))
    return path


def _paid(call_code: str) -> Decimal:
    return LedgerBalance.objects.get(scope="call", call__code=call_code).paid


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_payer_orders_exports_and_reads_the_banks_report(open_context, portal_url, viewport, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    approved = list(Payment.objects.filter(state="approved").order_by("pk"))
    assert [p.amount for p in approved] == [Decimal("1084.69"), Decimal("995.11")]
    paid_before = {p.call.code: _paid(p.call.code) for p in approved}
    ordered = [p.pk for p in approved]  # the flow demo's DRAFT payment (grevena) stays out

    page = open_context(viewport).new_page()
    staff_login(page, portal_url, "payer")
    follow(page, page.get_by_role("link", name="Εντολές πληρωμής", exact=True))
    assert "2 πληρωμές εγκεκριμένες" in page.locator("main").inner_text()
    follow(page, page.get_by_role("link", name="Νέα εντολή πληρωμής"))

    # Filters narrow the list; cleared again, every approved payment is ticked.
    page.get_by_label("Ποσό από (€)").fill("1.000,00")
    follow(page, page.get_by_role("button", name="Φιλτράρισμα"))
    assert "1 πληρωμή διαθέσιμη" in page.locator("#payments-count").inner_text()
    page.get_by_label("Ποσό από (€)").fill("")
    follow(page, page.get_by_role("button", name="Φιλτράρισμα"))
    for box in page.locator('input[name="payments"]').all():
        box.check()
    follow(page, page.get_by_role("button", name="Συνέχεια στην επιβεβαίωση"))
    assert page.confirmations[-1] == "Επιβεβαίωση εντολής πληρωμής"
    assert "Δημιουργήθηκε η εντολή πληρωμής ΕΠ-" in page.content()
    text = page.locator("main").inner_text()
    assert "2.079,80 €" in text
    # Staff page: the participant's name is there, her IBAN only masked.
    assert "ΔΗΜΗΤΡΙΟΥ ΑΙΚΑΤΕΡΙΝΗ" in text and CLOSED_IBAN not in page.content() and "GR38 **** 5678" in text
    order = PaymentOrder.objects.get()
    assert set(Payment.objects.filter(pk__in=ordered).values_list("state", flat=True)) == {"ordered"}

    follow(page, page.get_by_role("button", name="Εξαγωγή αρχείων για την τράπεζα"))
    assert "Εξήχθη για την τράπεζα" in page.locator("#order-state").inner_text()

    xml_path = _download(page, page.get_by_role("link", name="Λήψη pain.001 (XML)"), tmp_path / "order.xml")
    xml = xml_path.read_bytes()
    xmlschema.XMLSchema(str(XSD)).validate(xml.decode())
    doc = etree.fromstring(xml)
    assert doc.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert doc.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "2079.80"
    amounts = sorted(Decimal(a.text) for a in doc.iterfind(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", NS))
    assert amounts == [Decimal("995.11"), Decimal("1084.69")]
    order.refresh_from_db()
    assert order.state == "exported" and len(order.xml_sha256) == 64
    assert order.xml_sha256 in page.locator("#order-sha256").inner_text()

    xlsx_path = _download(page, page.get_by_role("link", name="Λήψη XLSX"), tmp_path / "order.xlsx")
    rows = list(load_workbook(xlsx_path).active.iter_rows(min_row=6, values_only=True))
    assert sorted(Decimal(str(r[8])) for r in rows[:2]) == amounts
    assert rows[2][7] == "Σύνολο" and Decimal(str(rows[2][8])) == Decimal("2079.80")

    # The sandbox bank answers the pain.001 with its status report (a page outside the portal).
    go(page, f"{portal_url}/sandbox/bank/")
    page.locator("#file").set_input_files(str(xml_path))
    page.get_by_label("Μορφή απάντησης").select_option("pain002")
    answer = page.get_by_role("button", name="Λήψη απάντησης τράπεζας")
    report = _download(page, answer, tmp_path / "pain002.xml")
    assert b"<TxSts>RJCT</TxSts>" in report.read_bytes()

    go(page, f"{portal_url}/payments/orders/{order.pk}/")
    # The pain.001 itself is not the bank's answer: refused at the field, nothing written.
    page.locator("#id_file").set_input_files(str(xml_path))
    follow(page, page.get_by_role("button", name="Έλεγχος αρχείου τράπεζας"))
    assert "δεν είναι αναφορά κατάστασης pain.002" in page.locator("#report-error").inner_text()
    assert set(Payment.objects.filter(pk__in=ordered).values_list("state", flat=True)) == {"ordered"}

    page.locator("#id_file").set_input_files(str(report))
    follow(page, page.get_by_role("button", name="Έλεγχος αρχείου τράπεζας"))
    assert page.confirmations[-1].startswith("Καταχώριση της απάντησης της τράπεζας")
    assert "1 πιστώθηκαν, 1 απέτυχαν" in page.content()
    assert "Ολοκληρώθηκε" in page.locator("#order-state").inner_text()
    failed_row = page.locator("#order-lines tr", has_text="ΔΗΜΗΤΡΙΟΥ")
    assert "Απέτυχε" in failed_row.inner_text() and "AC04" in failed_row.inner_text()
    assert "Ο λογαριασμός του δικαιούχου έχει κλείσει" in failed_row.inner_text()

    states = {p.payee_name: (p.state, p.failure_reason[:4]) for p in Payment.objects.filter(pk__in=ordered)}
    assert states["ΔΗΜΗΤΡΙΟΥ ΑΙΚΑΤΕΡΙΝΗ"] == ("failed", "AC04")
    assert sorted(s for s, _r in states.values()) == ["failed", "paid"]
    failed = Payment.objects.get(state="failed")
    for p in approved:
        expected = paid_before[p.call.code] - (failed.amount if p.call_id == failed.call_id else 0)
        assert _paid(p.call.code) == expected  # the ledger's paid follows the bank
    assert _paid(failed.call.code) == paid_before[failed.call.code] - Decimal("1084.69")

    # The supervisor reads the order: no buttons, the IBANs still masked.
    sup = open_context(viewport).new_page()
    staff_login(sup, portal_url, "supervisor")
    follow(sup, sup.get_by_role("link", name="Εντολές πληρωμής (μόνο ανάγνωση)"))
    follow(sup, sup.get_by_role("link", name=order.code))
    seen(sup)
    assert sup.get_by_role("button").filter(has_text="Έλεγχος αρχείου τράπεζας").count() == 0
    assert "GR38 **** 5678" in sup.locator("main").inner_text()
