"""Journey «a ΚΥΑ 7066 claim to the bank», end to end through the pages only after `load_demo`:

grevena records its hire and, before the claim, the hired person's entry questionnaire (Art. 7.4),
then files the first two-month claim with a short month (25 + 20 days of 01.23: 829,50 € +
663,60 € = 1.493,10 €, Art. 8.1, example E3); the verifier checks it in full, the supervisor
approves the report, grevena accepts the result: the DRAFT payment carries the whole 1.493,10 €
(the first tranche is not held back, the questionnaire was on time). grevena files the payment
documents (01.16, 09.03, its IBAN); «payer» proposes, «supervisor» approves (≤ 50.000,00 €), the
ledger books it; «payer» puts it in a payment order, exports the pain.001 (valid against the XSD,
one transaction of 1493.10 to grevena's IBAN), sends it to the sandbox bank and reads back its
pain.002: the line is credited, the payment PAID and the call's ledger paid up by 1.493,10 €.

Desktop only: each page of the chain runs at 390 px in its own journey (hires, vcheck, pay_kya7066,
pay_flow, pay_orders).
"""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from django.core.management import call_command
from lxml import etree

from operations.models import Operation
from payments.models import LedgerBalance, Payment, PaymentOrder
from tests.conftest import DESKTOP
from tests.journey import follow, go, open_payment_in_queue, seen
from tests.test_journey_hires import record_hire_and_file_claim
from tests.test_journey_pay_kya7066 import verify_in_full_and_accept

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
IBAN = "GR16 0110 1250 0000 0001 2300 695"


def _gr(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _entry_questionnaire(page, hire) -> None:
    """Annex 6 entry questionnaire of the hired person, filled in before the claim (Art. 7.4)."""
    follow(page, page.get_by_role("link", name="Ο χώρος μου"))
    panel = page.locator("#panel-questionnaires")
    follow(page, panel.get_by_role("link", name=hire.operation.code, exact=False))
    follow(page, page.get_by_role("link", name="Νέο δελτίο εισόδου"))
    page.get_by_label("ΑΜΚΑ συμμετέχοντα").fill(hire.amka)
    page.get_by_label("Ημερομηνία εισόδου", exact=False).fill(_gr(hire.hire_date))
    page.get_by_label("Ημερομηνία συμπλήρωσης", exact=False).fill(_gr(datetime.date.today()))
    page.locator("#id_in_education_1").check()  # ΟΧΙ
    page.get_by_label("Γ.5 Απόφοιτος/η γενικού λυκείου", exact=False).check()
    follow(page, page.get_by_role("button", name="Καταχώριση δελτίου"))
    assert "Καταχωρίστηκε στις" in page.locator("#receipt").inner_text()


def _files_documents(page, portal_url, payment: Payment) -> None:
    """grevena, still logged in from its claim, files the payment documents of Art. 8.2."""
    go(page, f"{portal_url}/accounts/dashboard/")
    follow(page, page.locator("#link-my-payments"))
    follow(page, page.locator(f"#payment-row-{payment.pk}").get_by_role("link", name=payment.code))
    assert "1.493,10 €" in page.locator("#payment-amount").inner_text()
    for code in ("01.16", "09.03"):
        page.locator("#id_document").select_option(code)
        page.locator("#id_file").set_input_files(
            {"name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
        )
        follow(page, page.get_by_role("button", name="Ανάρτηση αρχείου"))
    page.locator("#id_iban").fill(IBAN)
    page.locator("#id_declaration").check()
    follow(page, page.get_by_role("button", name="Υποβολή δικαιολογητικών πληρωμής"), url="**/receipt/")
    assert payment.code in page.locator("main").inner_text()


def _download(page, locator, path: Path) -> Path:
    with page.expect_download() as info:
        locator.click()
    info.value.save_as(str(path))
    return path


def test_a_kya7066_claim_ends_credited_by_the_bank(open_context, portal_url, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    operation = Operation.objects.get(business__afm="808982626", call__evaluation_method="fcfs_direct")
    paid_before = LedgerBalance.objects.get(scope="call", call=operation.call).paid

    # The business: hire, entry questionnaire, claim.
    page = open_context(DESKTOP).new_page()
    req = record_hire_and_file_claim(page, portal_url, before_claim=_entry_questionnaire)
    verify_in_full_and_accept(open_context, DESKTOP, portal_url, req)

    payment = Payment.objects.get(verification_request=req)
    assert (payment.state, payment.kind) == (Payment.State.DRAFT, Payment.Kind.PERIOD)
    assert [line["amount"] for line in payment.breakdown] == ["829.50", "663.60"]
    assert payment.amount == Decimal("1493.10")  # nothing held back: the questionnaire was on time

    _files_documents(page, portal_url, payment)
    payment.refresh_from_db()
    assert payment.state == Payment.State.SUBMITTED and payment.payee_iban == IBAN.replace(" ", "")

    # Four eyes: the payment officer proposes, the supervisor approves.
    payer = open_context(DESKTOP).new_page()
    open_payment_in_queue(payer, portal_url, "payer", "payment_officer", payment)
    follow(payer, payer.get_by_role("button", name="Πρόταση για έγκριση"))
    supervisor = open_context(DESKTOP).new_page()
    open_payment_in_queue(supervisor, portal_url, "supervisor", "supervisor", payment)
    follow(supervisor, supervisor.get_by_role("button", name="Έγκριση πληρωμής"))
    assert "Εγκρίθηκε η πληρωμή" in supervisor.locator("#payment-state").inner_text()
    payment.refresh_from_db()
    assert payment.state == Payment.State.APPROVED

    # The payment order: only this payment ticked (the demo's others stay for their own order).
    go(payer, f"{portal_url}/accounts/dashboard/")
    follow(payer, payer.get_by_role("link", name="Εντολές πληρωμής", exact=True))
    follow(payer, payer.get_by_role("link", name="Νέα εντολή πληρωμής"))
    payer.locator(f"#pay-{payment.pk}").check()
    follow(payer, payer.get_by_role("button", name="Συνέχεια στην επιβεβαίωση"))
    assert payer.confirmations[-1] == "Επιβεβαίωση εντολής πληρωμής"
    order = PaymentOrder.objects.get()
    assert "1.493,10 €" in payer.locator("main").inner_text()
    follow(payer, payer.get_by_role("button", name="Εξαγωγή αρχείων για την τράπεζα"))
    xml_path = _download(payer, payer.get_by_role("link", name="Λήψη pain.001 (XML)"), tmp_path / "order.xml")
    xml = xml_path.read_bytes()
    xmlschema.XMLSchema(str(XSD)).validate(xml.decode())
    doc = etree.fromstring(xml)
    assert doc.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "1"
    assert doc.findtext(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", namespaces=NS) == "1493.10"
    assert doc.findtext(".//p:CdtTrfTxInf/p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == IBAN.replace(" ", "")

    # The sandbox bank's status report, read back by the portal.
    go(payer, f"{portal_url}/sandbox/bank/")
    payer.locator("#file").set_input_files(str(xml_path))
    payer.get_by_label("Μορφή απάντησης").select_option("pain002")
    report = _download(
        payer, payer.get_by_role("button", name="Λήψη απάντησης τράπεζας"), tmp_path / "p2.xml"
    )
    go(payer, f"{portal_url}/payments/orders/{order.pk}/")
    payer.locator("#id_file").set_input_files(str(report))
    follow(payer, payer.get_by_role("button", name="Έλεγχος αρχείου τράπεζας"))
    assert "1 πιστώθηκαν, 0 απέτυχαν" in payer.content()
    seen(payer)

    payment.refresh_from_db()
    assert payment.state == Payment.State.PAID
    paid_after = LedgerBalance.objects.get(scope="call", call=operation.call).paid
    assert paid_after - paid_before == Decimal("1493.10")

    # grevena reads it paid on its own page.
    go(page, f"{portal_url}/payments/mine/")
    assert "Πληρώθηκε" in page.locator(f"#payment-row-{payment.pk}").inner_text()
