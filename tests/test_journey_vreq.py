"""Journey «verification request» (αίτημα επαλήθευσης, ΔΔΔ), through the pages only after
`load_demo`: the cluster (TAXISnet «cluster») opens its call 004 operation, starts its first
verification request, adds two items in Greek notation (one refused first for an amount with three
decimals, the message at the field), attaches the proofs and the call's documents (Παρ. VI),
submits through the confirmation page and reads the receipt with its protocol number; the verifier
finds it in the staff list, flagged for a desk check (Guidance Ο.3 Table 1: the first ΔΔΔ).

The cluster's pages run at 1280 px and again at 390 px (no sideways scroll); axe-core on every page.
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from operations.models import Operation
from tests.conftest import DESKTOP, PHONE
from tests.journey import follow, go, seen, staff_login, taxisnet_login
from verification.models import VerificationRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CLUSTER_AFM = "994681285"


def _add_item(page, *, category, supplier, afm, number, date, net, vat, method="transfer"):
    page.get_by_label("Κατηγορία δαπάνης").select_option(category)
    page.get_by_label("Προμηθευτής").fill(supplier)
    page.get_by_label("ΑΦΜ προμηθευτή").fill(afm)
    page.get_by_label("Αριθμός παραστατικού").fill(number)
    page.get_by_label("Ημερομηνία παραστατικού").fill(date)
    page.get_by_label("Καθαρό ποσό").fill(net)
    page.get_by_label("ΦΠΑ").fill(vat)
    page.get_by_label("Τρόπος εξόφλησης").select_option(method)
    page.get_by_label("Ημερομηνία εξόφλησης").fill(date)
    page.get_by_label("Αποδεικτικό εξόφλησης", exact=False).fill(f"Μεταφορά για {number}")
    with page.expect_response(lambda r: "/items/" in r.url and r.request.method == "POST"):
        page.get_by_role("button", name="Προσθήκη δαπάνης").click()
    # htmx swaps the draft in place: wait until it has settled before checking the page.
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    seen(page)


def file_first_request(page, portal_url) -> VerificationRequest:
    """The cluster files the first verification request of its demo operation through its pages
    and reaches the receipt; also the starting point of the desk-check journey (test_journey_vcheck)."""
    operation = Operation.objects.get(business__afm=CLUSTER_AFM)
    assert operation.approved_total > 0 and operation.budget_lines.count() == 3
    taxisnet_login(page, portal_url, "cluster")

    # The cluster opens its operation from its space and starts a new verification request.
    go(page, f"{portal_url}/accounts/dashboard/")
    follow(page, page.locator("#link-verification-requests"))
    section = page.locator(f"#operation-{operation.pk}")
    assert operation.code in section.inner_text()
    follow(page, section.get_by_role("button", name="Νέο αίτημα επαλήθευσης"))
    req = VerificationRequest.objects.get(operation=operation)
    assert req.state == VerificationRequest.State.DRAFT

    # Two items in Greek notation; the first try has three decimals and is refused at the field.
    day = (timezone.localdate() - datetime.timedelta(days=12)).strftime("%d/%m/%Y")
    equipment = {
        "category": "02.06",
        "supplier": "ΤΕΧΝΟΛΟΓΙΚΟΣ ΕΞΟΠΛΙΣΜΟΣ ΑΕ",
        "afm": "094019245",
        "number": "Τ-2041",
        "date": day,
        "vat": "20.400,00",
    }
    _add_item(page, **equipment, net="85.000,005")
    error = page.locator("#id_amount-error")
    assert "δύο δεκαδικά" in error.inner_text()
    assert page.locator("#items-table").get_by_text("Τ-2041").count() == 0
    _add_item(page, **equipment, net="85.000,00")
    assert "85.000,00 €" in page.locator("#items-table").inner_text()
    _add_item(
        page,
        category="01.10",
        supplier="ΜΙΣΘΟΔΟΣΙΑ ΠΡΟΣΩΠΙΚΟΥ ΣΧΗΜΑΤΙΣΜΟΥ",
        afm="",
        number="ΜΙΣΘ-2026-03",
        date=day,
        net="40.000,00",
        vat="0",
    )
    assert "125.000,00 €" in page.locator("#items-total").inner_text()
    assert "200.000,00 €" in page.locator("#category-02\\.06").inner_text()

    # Proofs per item and the call's documents for a verification request, one PDF each.
    targets = page.locator("#id_target option").evaluate_all("os => os.map(o => o.value).filter(v => v)")
    for target in targets:
        page.locator("#id_target").select_option(target)
        page.locator("#id_file").set_input_files(
            {"name": f"{target}.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
        )
        follow(page, page.get_by_role("button", name="Ανάρτηση αρχείου"))
    assert page.locator("#submit-problems").count() == 0, page.locator("#submit-problems").inner_text()

    # Submit: the confirmation page says what cannot be undone; then the receipt.
    follow(page, page.get_by_role("button", name="Υποβολή αιτήματος επαλήθευσης"), url="**/receipt/")
    assert getattr(page, "confirmations", [])
    req.refresh_from_db()
    assert req.state == VerificationRequest.State.SUBMITTED and req.kind == VerificationRequest.Kind.FIRST
    assert req.protocol_number in page.locator("#receipt-protocol").inner_text()
    assert "125.000,00 €" in page.locator("#receipt-total").inner_text()
    assert req.selected is True and "first" in req.selection_rule.split("+")
    assert page.locator("#receipt-pdf").get_by_role("link", name="Λήψη αποδεικτικού (PDF)").count() == 1
    return req


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_cluster_files_its_first_verification_request_and_reads_the_receipt(
    open_context, portal_url, viewport
):
    call_command("load_demo", stdout=io.StringIO())
    page = open_context(viewport).new_page()
    req = file_first_request(page, portal_url)
    follow(page, page.get_by_role("link", name="Επιστροφή στο αίτημα"))
    assert "Υποβλήθηκε" in page.locator("#request-state").inner_text()

    # The verifier finds it among the submitted requests, flagged for a desk check.
    staff = open_context().new_page()
    staff_login(staff, portal_url, "verifier")
    follow(staff, staff.locator("#role-verifier").get_by_role("link", name="Αιτήματα επαλήθευσης"))
    row = staff.locator("#staff-requests tr", has_text=req.protocol_number)
    assert "Προς επαλήθευση" in row.inner_text()
    follow(staff, row.get_by_role("link", name=req.protocol_number))
    assert "125.000,00 €" in staff.locator("#request-total").inner_text()
