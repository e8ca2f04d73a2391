"""Journey «payment flow» (DRAFT → APPROVED), through the pages only after `load_demo`:

ΓΡΕΒΕΝΑ ΞΥΛΟΤΕΧΝΙΚΗ (TAXISnet «grevena») opens «Οι πληρωμές μου» from its dashboard, the DRAFT
payment of its ΚΥΑ 7066 operation (payments/demo_flow.py), uploads the bank document (01.16) and
the solemn declaration (09.03), types a wrong IBAN first (refused at the field, nothing filed),
then a right one, confirms and reads the receipt. «payer» (payment officer) finds it in the queue
and proposes it; the same «payer» cannot approve its own proposal (four eyes). «supervisor»
approves it (1.659,00 € ≤ 50.000,00 €): the approval decision is downloadable and its text states
the art. 61 ν.4914/2022 rule (pdftotext). The business's pages run at 1280 px and at 390 px.
"""

import io
import shutil
import subprocess

import pytest
from django.core.management import call_command

from operations.demo import KYA7066_AFM
from payments.models import LedgerEntry, Payment
from tests.conftest import DESKTOP, PHONE
from tests.journey import follow, go, open_payment_in_queue, taxisnet_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WRONG_IBAN = "GR16 0110 1250 0000 0001 2300 696"  # one check digit off
IBAN = "GR16 0110 1250 0000 0001 2300 695"


def _pdf_text(path) -> str:
    out = subprocess.run(  # noqa: S603 - the system's pdftotext on the portal's own file
        [shutil.which("pdftotext"), "-layout", str(path), "-"], capture_output=True, check=True
    )
    return " ".join(out.stdout.decode("utf-8").split())


def _business_files_documents(page, portal_url, payment: Payment) -> None:
    taxisnet_login(page, portal_url, "grevena")
    go(page, f"{portal_url}/accounts/dashboard/")
    assert payment.code in page.locator("#panel-my-payments").inner_text()
    follow(page, page.locator("#link-my-payments"))
    row = page.locator(f"#payment-row-{payment.pk}")
    assert "Αναμένονται δικαιολογητικά πληρωμής" in row.inner_text()
    follow(page, row.get_by_role("link", name=payment.code))
    assert "1.659,00 €" in page.locator("#payment-amount").inner_text()
    assert "ΚΥΑ 7066 Άρθ. 5.1.3" in page.locator("#payment-lines").inner_text()

    for code in ("01.16", "09.03"):
        page.locator("#id_document").select_option(code)
        page.locator("#id_file").set_input_files(
            {"name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
        )
        follow(page, page.get_by_role("button", name="Ανάρτηση αρχείου"))
        assert f"{code}.pdf" in page.locator(f"#document-{code[:2]}\\.{code[3:]}").inner_text()

    # A wrong IBAN: refused at the field, nothing filed.
    page.locator("#id_iban").fill(WRONG_IBAN)
    page.locator("#id_declaration").check()
    follow(page, page.get_by_role("button", name="Υποβολή δικαιολογητικών πληρωμής"))
    assert "δεν είναι έγκυρο" in page.locator("#id_iban-error").inner_text()
    payment.refresh_from_db()
    assert payment.state == Payment.State.DRAFT and not payment.payee_iban

    page.locator("#id_iban").fill(IBAN)
    if not page.locator("#id_declaration").is_checked():
        page.locator("#id_declaration").check()
    follow(page, page.get_by_role("button", name="Υποβολή δικαιολογητικών πληρωμής"), url="**/receipt/")
    assert getattr(page, "confirmations", [])
    payment.refresh_from_db()
    assert payment.state == Payment.State.SUBMITTED
    assert payment.protocol_number in page.locator("#receipt-protocol").inner_text()
    assert "GR16 **** 0695" in page.locator("#receipt-iban").inner_text()
    assert page.locator("#receipt-pdf").get_by_role("link", name="Λήψη αποδεικτικού (PDF)").count() == 1


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_business_files_payment_documents_and_the_payment_is_proposed_and_approved(
    open_context, portal_url, viewport, tmp_path
):
    call_command("load_demo", stdout=io.StringIO())
    payment = Payment.objects.get(operation__business__afm=KYA7066_AFM, state=Payment.State.DRAFT)
    assert payment.amount == 1659 and payment.kind == Payment.Kind.PERIOD

    business = open_context(viewport).new_page()
    _business_files_documents(business, portal_url, payment)

    # The payment officer proposes it (maker).
    payer = open_context().new_page()
    open_payment_in_queue(payer, portal_url, "payer", "payment_officer", payment)
    assert "GR16 0110 1250 0000 0001 2300 695" in payer.locator("#payment-iban").inner_text()
    assert "δεν απαιτείται φορολογική" in payer.locator("#payment-clearance").inner_text()  # 9.954,00 €
    follow(payer, payer.get_by_role("button", name="Πρόταση για έγκριση"))
    assert "Προτάθηκε για έγκριση" in payer.locator("#payment-state").inner_text()

    # …and cannot approve its own proposal (checker ≠ maker): refused, nothing written.
    follow(payer, payer.get_by_role("button", name="Έγκριση πληρωμής"))
    assert "τεσσάρων οφθαλμών" in payer.locator("#approve-error").inner_text()
    payment.refresh_from_db()
    assert payment.state == Payment.State.PROPOSED

    # The supervisor approves (checker), through the confirmation page.
    supervisor = open_context(viewport).new_page()
    open_payment_in_queue(supervisor, portal_url, "supervisor", "supervisor", payment)
    follow(supervisor, supervisor.get_by_role("button", name="Έγκριση πληρωμής"))
    assert "Εγκρίθηκε η πληρωμή" in supervisor.locator("#payment-state").inner_text()
    assert "άρθρου 61 του ν. 4914/2022" in supervisor.locator("#no-withholding").inner_text()
    payment.refresh_from_db()
    assert payment.state == Payment.State.APPROVED
    assert LedgerEntry.objects.filter(payment=payment, kind="payment").exists()

    with supervisor.expect_download() as download_info:
        supervisor.locator("#decision-pdf").click()
    path = tmp_path / "decision.pdf"
    download_info.value.save_as(path)
    text = _pdf_text(path)
    assert "Απόφαση έγκρισης πληρωμής" in text and payment.code in text
    assert "άρθρου 61 του ν. 4914/2022" in text and "ακατάσχετη" in text
    assert "1.659,00 €" in text

    # The business sees its payment approved on the operation page and may download the decision.
    follow(business, business.get_by_role("link", name="Επιστροφή στην πληρωμή"))
    assert "Εγκρίθηκε η πληρωμή" in business.locator("#payment-state").inner_text()
    assert business.locator("#decision-pdf").count() == 1
    follow(business, business.locator("#payment-facts").get_by_role("link", name=payment.operation.code))
    assert payment.code in business.locator("#operation-payments").inner_text()
