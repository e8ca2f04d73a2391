"""Journey «call 004 payments» (Πρόσκληση 004 §11.3), through the pages only after `load_demo`.

The cluster (TAXISnet «cluster», ΑΦΜ 994681285) opens its operation: the approved public funding
is 230.000,00 € — the demo decision states 400.000,00 €, but the §7.2 intensities on its approved
budget (01.10 120.000 × 50% + 02.06 200.000 × 65% + 07.12 80.000 × 50%) give 230.000,00 €, so the
40% and 80% limits are measured on that. It asks for an advance of 40% (92.000,00 €) first without
a letter of guarantee (refused at the field, nothing written), then with one: the ADVANCE payment
is opened and the receipt shown. Then it files a verification request of 320.000,00 € (02.06
200.000 + 01.10 120.000); the verifier checks it in full, the supervisor approves the report, the
cluster accepts the result: the interim payment is opened with its plan — 190.000,00 € of public
aid, 92.000,00 € offset against the advance (the guarantee is reduced to zero), 98.000,00 €
payable, cut by 6.000,00 € at the 80% ceiling (184.000,00 €): 92.000,00 € paid. The payment officer
finds the guarantee in the staff list and releases it after its confirmation page.

At 1280 and 390 px; axe-core on every page.
"""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from operations.models import Operation
from payments.models import BankGuarantee, Payment
from tests.conftest import DESKTOP, PHONE
from tests.journey import follow, go, seen, staff_login, taxisnet_login
from tests.test_journey_vreq import _add_item
from verification.models import VerificationRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CLUSTER_AFM = "994681285"
PDF = b"%PDF-1.4\n%%EOF\n"


def _pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def _operation_page(page, portal_url, operation):
    go(page, f"{portal_url}/accounts/dashboard/")
    follow(page, page.locator("#panel-my-operations").get_by_role("link", name=operation.code))
    assert page.locator("#section-call004-payments").count() == 1


def _request_advance(page, portal_url, operation):
    _operation_page(page, portal_url, operation)
    section = page.locator("#section-call004-payments")
    assert "230.000,00 €" in section.locator("#call004-public-funding").inner_text()
    assert "92.000,00 €" in section.locator("#call004-advance").inner_text()  # up to 40%
    follow(page, section.get_by_role("link", name="Αίτημα προκαταβολής"))

    # Without a letter of guarantee: refused at the field, nothing written.
    page.get_by_label("Ποσό προκαταβολής (€)").fill("92.000,00")
    page.locator("#id_declaration").check()
    follow(page, page.get_by_role("button", name="Υποβολή αιτήματος προκαταβολής"))
    assert "ισόποση εγγυητική επιστολή" in page.locator("#field-guarantee_number").inner_text()
    assert not Payment.objects.filter(operation=operation).exists()

    # Above 40% with a smaller guarantee: both refused at their fields.
    page.get_by_label("Ποσό προκαταβολής (€)").fill("92.000,01")
    page.get_by_label("Αριθμός εγγυητικής επιστολής").fill("ΕΕ-2026/004-17")
    page.get_by_label("Εκδότρια τράπεζα").select_option("Τράπεζα Πειραιώς")
    page.get_by_label("Ποσό εγγυητικής επιστολής (€)").fill("90.000,00")
    issued = (timezone.localdate() - datetime.timedelta(days=2)).strftime("%d/%m/%Y")
    page.get_by_label("Ημερομηνία έκδοσης").fill(issued)
    page.get_by_label("Εγγυητική επιστολή (PDF)").set_input_files(_pdf("egguitiki.pdf"))
    page.locator("#id_declaration").check()
    follow(page, page.get_by_role("button", name="Υποβολή αιτήματος προκαταβολής"))
    assert "υπερβαίνει το 40%" in page.locator("#field-amount").inner_text()
    assert "μικρότερη από την προκαταβολή" in page.locator("#field-guarantee_amount").inner_text()
    assert not BankGuarantee.objects.exists()

    # With an equal guarantee: the ADVANCE payment is opened; the receipt.
    page.get_by_label("Ποσό προκαταβολής (€)").fill("92.000,00")
    page.get_by_label("Ποσό εγγυητικής επιστολής (€)").fill("92.000,00")
    page.get_by_label("Εγγυητική επιστολή (PDF)").set_input_files(_pdf("egguitiki.pdf"))
    page.locator("#id_declaration").check()
    follow(page, page.get_by_role("button", name="Υποβολή αιτήματος προκαταβολής"), url="**/receipt/")
    advance = Payment.objects.get(operation=operation, kind=Payment.Kind.ADVANCE)
    assert advance.state == Payment.State.DRAFT and str(advance.amount) == "92000.00"
    guarantee = BankGuarantee.objects.get(advance=advance)
    assert guarantee.protocol_number in page.locator("#receipt-protocol").inner_text()
    assert "92.000,00 €" in page.locator("#receipt-amount").inner_text()
    follow(page, page.get_by_role("link", name="Επιστροφή στην πράξη"))
    assert "ΕΕ-2026/004-17" in page.locator("#call004-guarantee").inner_text()
    assert page.locator("#link-advance-request").count() == 0  # one advance per operation
    return guarantee


def _file_request(page, portal_url, operation) -> VerificationRequest:
    go(page, f"{portal_url}/accounts/dashboard/")
    follow(page, page.locator("#link-verification-requests"))
    follow(
        page, page.locator(f"#operation-{operation.pk}").get_by_role("button", name="Νέο αίτημα επαλήθευσης")
    )
    req = VerificationRequest.objects.get(operation=operation)
    day = (timezone.localdate() - datetime.timedelta(days=10)).strftime("%d/%m/%Y")
    _add_item(
        page, category="02.06", supplier="ΤΕΧΝΟΛΟΓΙΚΟΣ ΕΞΟΠΛΙΣΜΟΣ ΑΕ", afm="094019245", number="Τ-3001",
        date=day, net="200.000,00", vat="48.000,00",
    )  # fmt: skip
    _add_item(
        page, category="01.10", supplier="ΜΙΣΘΟΔΟΣΙΑ ΠΡΟΣΩΠΙΚΟΥ ΣΧΗΜΑΤΙΣΜΟΥ", afm="", number="ΜΙΣΘ-2026-Α",
        date=day, net="120.000,00", vat="0",
    )  # fmt: skip
    assert "320.000,00 €" in page.locator("#items-total").inner_text()
    targets = page.locator("#id_target option").evaluate_all("os => os.map(o => o.value).filter(v => v)")
    for target in targets:
        page.locator("#id_target").select_option(target)
        page.locator("#id_file").set_input_files(_pdf(f"{target}.pdf"))
        follow(page, page.get_by_role("button", name="Ανάρτηση αρχείου"))
    assert page.locator("#submit-problems").count() == 0, page.locator("#submit-problems").inner_text()
    follow(page, page.get_by_role("button", name="Υποβολή αιτήματος επαλήθευσης"), url="**/receipt/")
    req.refresh_from_db()
    assert req.state == VerificationRequest.State.SUBMITTED
    return req


def _desk_check_in_full(open_context, viewport, portal_url, req):
    v = open_context(viewport).new_page()
    staff_login(v, portal_url, "verifier")
    follow(v, v.get_by_role("link", name="Διοικητική επαλήθευση: ουρά ελέγχου"))
    follow(v, v.locator("#check-queue tr", has_text=req.operation.code).get_by_role("link").first)
    follow(v, v.get_by_role("button", name="Ανάληψη για επαλήθευση"))
    for radio in v.locator('input[type="radio"][value="yes"]').all():
        radio.check()
    follow(v, v.get_by_role("button", name="Αποθήκευση λίστας ελέγχου"))
    follow(v, v.get_by_role("button", name="Επιλογή δείγματος"), url="**/sample/")
    follow(v, v.get_by_role("link", name="Επιστροφή στην επαλήθευση"))
    while v.get_by_role("link", name=re.compile("^Καταχώριση αποτελέσματος")).count():
        follow(v, v.get_by_role("link", name=re.compile("^Καταχώριση αποτελέσματος")).first)
        declared = re.search(r"[\d.]+,\d\d", v.locator("#declared").inner_text()).group(0)
        v.get_by_label("Επιλέξιμο ποσό (€)").fill(declared)
        follow(v, v.get_by_role("button", name="Καταχώριση αποτελέσματος"))
    v.get_by_label("Συμπεράσματα").fill("Όλες οι δαπάνες επιλέξιμες.")
    follow(v, v.get_by_role("button", name="Υποβολή έκθεσης για έγκριση"))
    s = open_context(viewport).new_page()
    staff_login(s, portal_url, "supervisor")
    go(s, f"{portal_url}/verification/checks/{req.pk}/")
    follow(s, s.get_by_role("button", name="Έγκριση έκθεσης"))
    req.refresh_from_db()
    assert req.state == VerificationRequest.State.REPORT_APPROVED


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_cluster_gets_an_advance_against_a_guarantee_and_an_interim_payment_cut_at_80(
    open_context, portal_url, viewport
):
    call_command("load_demo", stdout=io.StringIO())
    operation = Operation.objects.get(business__afm=CLUSTER_AFM)
    page = open_context(viewport).new_page()
    taxisnet_login(page, portal_url, "cluster")
    guarantee = _request_advance(page, portal_url, operation)

    req = _file_request(page, portal_url, operation)
    _desk_check_in_full(open_context, viewport, portal_url, req)

    # The cluster accepts the result: the interim payment is opened with its plan.
    go(page, f"{portal_url}/verification/{req.pk}/result/")
    follow(page, page.get_by_role("button", name="Αποδοχή του αποτελέσματος"))
    req.refresh_from_db()
    assert req.state == VerificationRequest.State.ACCEPTED
    interim = Payment.objects.get(verification_request=req)
    assert interim.kind == Payment.Kind.INTERIM and str(interim.amount) == "92000.00"
    guarantee.refresh_from_db()
    assert guarantee.state == BankGuarantee.State.REDUCED and str(guarantee.remaining) == "0.00"

    _operation_page(page, portal_url, operation)
    section = page.locator("#section-call004-payments")
    row = section.locator("#call004-certifications tbody tr").first.inner_text()
    for figure in ("190.000,00 €", "92.000,00 €", "6.000,00 €"):
        assert figure in row, row
    assert "184.000,00 €" in section.locator("#call004-meter-text").inner_text()
    assert "0,00 €" in section.locator("#call004-ceiling-left").inner_text()
    section.locator(f"#payment-{interim.pk}-plan summary").click()
    plan = section.locator(f"#payment-{interim.pk}-plan").inner_text()
    assert "περικοπή λόγω ορίου 80%" in plan and "Συμψηφισμός με την προκαταβολή" in plan
    # The advance is not paid yet: its coverage deadline is estimated from this year (§11.3.Α).
    cutoff = min(operation.ends_on or datetime.date(2029, 6, 30), datetime.date(2029, 6, 30))
    assert cutoff.strftime("%d/%m/%Y") in section.locator("#call004-coverage").inner_text()
    seen(page)

    # The payment officer finds the guarantee and releases it after full offset.
    payer = open_context(viewport).new_page()
    staff_login(payer, portal_url, "payer")
    follow(payer, payer.get_by_role("link", name="Προκαταβολές και ενδιάμεσες πληρωμές"))
    payer.get_by_label("Κατάσταση").select_option("reduced")
    follow(payer, payer.get_by_role("button", name="Φιλτράρισμα"))
    follow(payer, payer.locator("#staff-guarantees").get_by_role("link", name="ΕΕ-2026/004-17"))
    assert "92.000,00 €" in payer.locator("#guarantee-reductions").inner_text()
    follow(payer, payer.get_by_role("button", name="Αποδέσμευση εγγυητικής επιστολής"))
    assert payer.confirmations[-1].startswith("Αποδέσμευση")
    guarantee.refresh_from_db()
    assert guarantee.state == BankGuarantee.State.RELEASED
    assert "Επιστράφηκε" in payer.locator("#guarantee-state").inner_text()
