"""Journey ΚΥΑ 7066 hires, through the pages only after `load_demo`: ΓΡΕΒΕΝΑ ΞΥΛΟΤΕΧΝΙΚΗ («grevena»)
opens its operation's positions, picks the Ε3 announcement the ΕΡΓΑΝΗ sandbox holds, is refused
a mistyped ΑΜΚΑ at the field, records the hire (checked with ΕΡΓΑΝΗ Ε3 and the ΔΥΠΑ register,
Art. 4.2.1, 7.4), files the claim of the first two-month period (Art. 8.1, 5.1.3: 25 and 20 days
of 829,50 €) through the confirmation page, and sees the receipt. At 1280 px and 390 px.
"""

import datetime
import io

import pytest
from django.core.management import call_command

from operations.models import Hire, Operation
from tests.conftest import DESKTOP, PHONE
from tests.journey import follow, go, seen, taxisnet_login
from verification.models import VerificationRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
GREVENA = "808982626"


def attach_claim_documents(page) -> list[str]:
    """Choose a PDF for each document the claim asks (ΚΥΑ 7066 Άρθ. 8.2, Annex 5): the IBAN
    document with the first claim, the 09.03 declaration with every one."""
    codes = []
    for field in page.locator("#claim-documents [data-doc]").all():
        code = field.get_attribute("data-doc")
        field.locator('input[type="file"]').set_input_files(
            {"name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
        )
        codes.append(code)
    return codes


def record_hire_and_file_claim(page, portal_url, before_claim=None) -> VerificationRequest:
    """grevena records its hire and files the first two-month claim through its pages; also the
    starting point of the desk-check journey of ΚΥΑ 7066 (test_journey_vcheck). `before_claim(page,
    hire)`, when given, runs between the hire and the claim (e.g. the entry questionnaire)."""
    operation = Operation.objects.get(business__afm=GREVENA, call__evaluation_method="fcfs_direct")
    taxisnet_login(page, portal_url, "grevena")

    # From the business's dashboard to its operation's positions.
    follow(page, page.get_by_role("link", name=f"Θέσεις και προσλήψεις {operation.code}"))
    assert page.locator("#hiring-deadline").inner_text().strip()
    follow(page, page.get_by_role("link", name="Καταχώριση πρόσληψης 1"))

    # The Ε3 the business filed in ΕΡΓΑΝΗ since the operation started, to pick from.
    row = page.locator("#e3-announcements tbody tr").first
    amka = row.locator("[data-amka]").inner_text().strip()
    hired = datetime.date.fromisoformat(row.locator("[data-hired]").get_attribute("data-hired"))

    def fill(amka_typed):
        page.get_by_label("ΑΜΚΑ του/της εργαζομένου").fill(amka_typed)
        page.get_by_label("Ημερομηνία πρόσληψης (Ε3)").fill(hired.isoformat())
        page.get_by_label("Αριθμός συστατικού σημειώματος ΔΥΠΑ").fill("ΚΠΑ2-ΚΟΖ-118")
        page.get_by_label("Ημερομηνία υπόδειξης").fill((hired - datetime.timedelta(days=3)).isoformat())
        page.get_by_label("Ωράριο: έναρξη").fill("08:00")
        page.get_by_label("Ωράριο: λήξη").fill("16:00")
        page.get_by_label("υπεύθυνη δήλωση για τις εξαιρέσεις", exact=False).check()
        page.get_by_label("δεν είναι μέλος συνεταιρισμού", exact=False).check()

    fill(amka[:-1] + str((int(amka[-1]) + 1) % 10))  # a wrong check digit
    follow(page, page.get_by_role("button", name="Έλεγχος και καταχώριση"))
    assert page.locator("#id_amka-error").count() == 1
    assert page.get_by_label("Αριθμός συστατικού σημειώματος ΔΥΠΑ").input_value() == "ΚΠΑ2-ΚΟΖ-118"
    assert not Hire.objects.filter(operation=operation).exists()

    fill(amka)
    follow(page, page.get_by_role("button", name="Έλεγχος και καταχώριση"))
    hire = Hire.objects.get(operation=operation)
    assert (hire.amka, hire.hire_date, hire.category, str(hire.monthly_rate)) == (
        amka,
        hired,
        "01.23",
        "829.50",
    )
    assert "ΕΡΓΑΝΗ" in page.locator(".opske-messages").inner_text()
    assert "829,50 €" in page.locator("#hires-table").inner_text()
    assert amka not in page.content()  # the list shows the ΑΜΚΑ masked

    if before_claim is not None:
        before_claim(page, hire)
        go(page, f"{portal_url}/accounts/dashboard/")
        follow(page, page.get_by_role("link", name=f"Θέσεις και προσλήψεις {operation.code}"))
    follow(page, page.locator("#claims-link"))
    follow(page, page.get_by_role("link", name="Υποβολή αίτησης 1"))
    fields = page.locator('input[name^="days_"]')
    assert fields.count() == 2
    fields.nth(0).fill("40")
    fields.nth(1).fill("20")
    attach_claim_documents(page)
    follow(page, page.get_by_role("button", name="Υποβολή αίτησης καταβολής"))
    assert page.locator(".govgr-error-message").count() == 1  # 40 days do not fit the month
    assert not VerificationRequest.objects.filter(operation=operation).exclude(state="draft").exists()
    # the documents sent with the refused attempt are kept (ΚΥΑ 7066 Άρθ. 8.2)
    assert (
        page.locator("#claim-documents .opske-file").count() == page.locator("#claim-documents input").count()
    )
    page.locator('input[name^="days_"]').nth(0).fill("25")
    follow(page, page.get_by_role("button", name="Υποβολή αίτησης καταβολής"))  # confirmation, then receipt

    claim = VerificationRequest.objects.get(operation=operation, kind="period")
    assert claim.state == "submitted" and str(claim.declared_total) == "1493.10" and claim.selected
    assert page.locator("#receipt-title").count() == 1
    assert "1.493,10 €" in page.locator("#receipt-total").inner_text()
    assert "663,60 €" in page.locator("#receipt-items").inner_text()
    assert page.confirmations == ["Υποβολή αίτησης καταβολής"]
    seen(page)
    return claim


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_grevena_records_a_hire_checked_with_ergani_files_a_two_month_claim_and_sees_the_receipt(
    open_context, portal_url, viewport
):
    call_command("load_demo", stdout=io.StringIO())
    claim = record_hire_and_file_claim(open_context(viewport).new_page(), portal_url)
    assert claim.kind == "period" and claim.items.count() == 2
