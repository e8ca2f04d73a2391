"""Journey «budget ledger», through the pages only after `load_demo`: ΓΡΕΒΕΝΑ ΞΥΛΟΤΕΧΝΙΚΗ records
its hire (the EECO02 participant, ΚΥΑ 7066 Art. 1.3, 2.19); the payment officer opens the ledger
from the dashboard, the ΚΥΑ 7066 call's report: the operation's commitment (9.954,00 €: one 01.23
position, 829,50 × 12) on the Western Macedonia pool, the reconciliation («συμφωνία»), the EECO02
chart with 1 participant of the 1.000 target; downloads the XLSX and reads its cells; filters the
movements list by kind and scope, and by operation. Then the same pages at 390 px."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from calls.models import Call
from operations.models import Operation
from tests.conftest import DESKTOP, PHONE
from tests.journey import follow, staff_login
from tests.test_journey_hires import GREVENA, record_hire_and_file_claim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_payment_officer_reads_the_calls_ledger_its_indicator_and_xlsx_and_filters_movements(
    open_context, portal_url
):
    call_command("load_demo", stdout=io.StringIO())
    record_hire_and_file_claim(open_context(DESKTOP).new_page(), portal_url)
    operation = Operation.objects.get(business__afm=GREVENA, call__evaluation_method="fcfs_direct")
    call = Call.objects.get(pk=operation.call_id)

    page = open_context(DESKTOP).new_page()
    staff_login(page, portal_url, "payer")
    follow(page, page.get_by_role("link", name="Προϋπολογισμός, δεσμεύσεις και δείκτες ανά πρόσκληση"))
    follow(page, page.locator(f'#ledger-calls tr[data-call="{call.code}"] a'))

    # The commitment of the demo operation on its area pool (Art. 2.1–2.2: W. Macedonia 70%).
    wm = page.locator('#ledger-pools tr[data-pool="wm"]')
    assert wm.locator('[data-col="ceiling"]').inner_text() == "7.508.760,00 €"  # E15
    assert wm.locator('[data-col="committed"]').inner_text() == "9.954,00 €"
    assert wm.locator('[data-col="uncommitted"]').inner_text() == "7.498.806,00 €"
    meg = page.locator('#ledger-pools tr[data-pool="meg"]')
    assert meg.locator('[data-col="ceiling"]').inner_text() == "3.218.040,00 €"
    assert page.locator('#ledger-total [data-col="committed"]').inner_text() == "9.954,00 €"
    assert page.locator(f'#ledger-operations tr[data-operation="{operation.code}"]').count() == 1
    assert "Συμφωνία" in page.locator("#reconciliation").inner_text()

    # EECO02: the hire just recorded, of the call's 1.000 target (Art. 1.3).
    progress = page.locator("#indicator-progress").inner_text()
    assert "1 συμμετέχοντες από στόχο 1000" in progress and "απομένουν 999" in progress
    assert (
        page.locator("#indicator-chart rect").count() == 3
    )  # one month's bar, the progress bar and its fill
    assert "σωρευτικά 1" in page.locator("#indicator-chart desc").text_content()

    # The XLSX: the same figures as numbers in the euro format.
    with page.expect_download() as download:
        page.locator("#xlsx-link").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as fh:
        wb = load_workbook(io.BytesIO(fh.read()))
    pools = {row[0].value: row for row in wb["Ταμεία"].iter_rows(min_row=2)}
    assert pools["wm"][2].value == 7508760 and pools["wm"][3].value == 9954
    assert pools["wm"][3].number_format == '#,##0.00 "€"'
    ops = wb["Πράξεις"]
    assert ops["A2"].value == operation.code and ops["E2"].value == 9954
    assert wb["Δείκτης EECO02"]["C2"].value == 1 and wb["Δείκτης EECO02"]["D2"].value == 1000

    # The movements: each once on the call's row; by kind and scope; by operation.
    follow(page, page.locator("#movements-link"))
    assert page.locator('#ledger-movements tr[data-kind="commit"]').count() >= 1
    page.get_by_label("Κίνηση").select_option("commit")
    page.get_by_label("Εύρος").select_option("pool")
    follow(page, page.get_by_role("button", name="Φιλτράρισμα"))
    rows = page.locator("#ledger-movements tbody tr[data-kind]")
    assert rows.count() == 1 and "Περιφέρεια Δυτικής Μακεδονίας" in rows.first.inner_text()
    assert "9.954,00 €" in rows.first.inner_text()
    page.get_by_label("Κίνηση").select_option("")
    page.get_by_label("Πράξη (κωδικός)").fill(operation.code)
    follow(page, page.get_by_role("button", name="Φιλτράρισμα"))
    rows = page.locator("#ledger-movements tbody tr[data-kind]")
    assert rows.count() == 1 and operation.code in rows.first.inner_text()
    page.get_by_label("Κίνηση").select_option("payment")
    follow(page, page.get_by_role("button", name="Φιλτράρισμα"))
    assert "Δεν βρέθηκαν κινήσεις" in page.locator("#ledger-movements").inner_text()

    # At phone width: the report and the movements fit (tables scroll inside their region).
    phone = open_context(PHONE).new_page()
    staff_login(phone, portal_url, "auditor")
    follow(
        phone,
        phone.get_by_role(
            "link", name="Προϋπολογισμός, δεσμεύσεις και δείκτες ανά πρόσκληση (μόνο ανάγνωση)"
        ),
    )
    follow(phone, phone.locator(f'#ledger-calls tr[data-call="{call.code}"] a'))
    assert phone.locator("#indicator-chart").is_visible()
    follow(phone, phone.locator("#movements-link"))
    assert phone.locator('#ledger-movements tr[data-kind="commit"]').count() >= 1
