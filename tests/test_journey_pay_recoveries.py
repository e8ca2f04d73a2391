"""Journey recoveries (ΚΥΑ 7066 Art. 11), through the pages only after `load_demo`: the demo paid
ΓΡΕΒΕΝΑ ΞΥΛΟΤΕΧΝΙΚΗ's 01.23 position for months 1–8 (4 × 1.659,00 € = 6.636,00 €) before the
person was dismissed and not replaced; «payer» computed the clawback. «supervisor» opens it from
the dashboard, sees 6.636,00 × 4/12 = 2.212,00 € and the interest line by line at the reference
rate of each year, decides it through the confirmation page (maker ≠ checker), and the invitation
letter (PDF) carries the amounts and the 15-day deadline. The business sees the recovery on its
operation page and files its objections within the window, with a receipt. At 1280 px and 390 px.
"""

import io
import shutil
import subprocess

import pytest
from django.core.management import call_command

from operations.models import Operation
from payments.models import Recovery
from tests.conftest import DESKTOP, PHONE
from tests.journey import follow, go, staff_login, taxisnet_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
GREVENA = "808982626"


def _pdf_text(content: bytes) -> str:
    out = subprocess.run(  # noqa: S603 - the system's pdftotext on our own bytes
        [shutil.which("pdftotext"), "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return out.stdout.decode()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_supervisor_decides_a_clawback_with_interest_and_the_business_objects(
    open_context, portal_url, settings, viewport
):
    settings.DEMO_RECOVERY_HISTORY = True
    call_command("load_demo", stdout=io.StringIO())
    operation = Operation.objects.get(business__afm=GREVENA, call__evaluation_method="fcfs_direct")
    recovery = Recovery.objects.get(operation=operation)
    assert recovery.computed_by.username == "payer"

    staff = open_context(viewport).new_page()
    staff_login(staff, portal_url, "supervisor")
    follow(staff, staff.get_by_role("link", name="Ανακτήσεις: απόφαση, βεβαίωση οφειλής"))
    follow(staff, staff.get_by_role("link", name=recovery.code))

    principal = staff.locator("#principal-lines").inner_text()
    assert "6.636,00 €" in principal and "2.212,00 €" in principal and "× 4/12" in principal
    rows = staff.locator("#interest-lines tbody tr")
    assert rows.count() >= 4  # one per payment and calendar year
    first = rows.first.inner_text()
    assert "553,00 €" in first and "%" in first  # each of the 4 tranches carries 553,00 € of the principal

    follow(staff, staff.get_by_role("button", name="Απόφαση ανάκτησης"))  # confirmation, then the page
    assert staff.confirmations[-1].startswith("Απόφαση ανάκτησης")
    recovery.refresh_from_db()
    assert recovery.state == Recovery.State.INVITED and recovery.decided_by.username == "supervisor"
    assert staff.locator("#recovery-state").inner_text() == "Κλήθηκε σε επιστροφή"
    due = recovery.due_on.strftime("%d/%m/%Y")
    assert due in staff.locator("#recovery-due").inner_text()
    total = staff.locator("#total-due").inner_text().strip()
    assert total == f"{recovery.total_due:,.2f} €".replace(",", "X").replace(".", ",").replace("X", ".")

    link = staff.get_by_role("link", name="Λήψη πρόσκλησης (PDF)")
    answer = staff.request.get(portal_url + link.get_attribute("href"))
    assert answer.ok and answer.headers["content-type"] == "application/pdf"
    text = _pdf_text(answer.body())
    for expected in ("2.212,00 €", total, "15 ημερών", due, recovery.code):
        assert expected in text, expected

    business = open_context(viewport).new_page()
    taxisnet_login(business, portal_url, "grevena")
    go(business, f"{portal_url}/operations/{operation.pk}/")
    row = business.locator("#operation-recoveries").inner_text()
    assert recovery.code in row and total in row
    follow(business, business.get_by_role("link", name=recovery.code))
    assert "2.212,00 €" in business.locator("#principal-lines").inner_text()
    follow(business, business.locator("#object-link"))
    business.get_by_label("Αντιρρήσεις").fill("Η απόλυση έγινε για σπουδαίο λόγο· ζητούμε επανεξέταση.")
    follow(business, business.get_by_role("button", name="Υποβολή αντιρρήσεων"))
    assert "υποβλήθηκαν" in business.locator(".opske-messages").inner_text()
    recovery.refresh_from_db()
    assert recovery.objected_at is not None and recovery.objection_text.startswith("Η απόλυση")
