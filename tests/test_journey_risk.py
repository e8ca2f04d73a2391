"""Journey «risk» (Guidance Ο.3 §4.2), through the pages only after `load_demo`: the verifier logs in,
opens the risk analysis from the staff dashboard, runs the monthly assessment for the ΚΥΑ 7066
programme (confirmation page), sees the three strata and the ranked operations, opens the demo
operation's explanation with each of the 19 factors (value, grade, the data it came from), and
the list of declarations «προς επαλήθευση». At 1280 px and at 390 px; axe-core on every page.
"""

import io

import pytest
from django.core.management import call_command

from operations.models import Operation
from tests.conftest import DESKTOP, PHONE
from tests.journey import follow, staff_login
from verification.models import RiskRun, RiskScore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
KYA7066_AFM = "808982626"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_verifier_runs_the_monthly_assessment_and_reads_each_factor(open_context, portal_url, viewport):
    call_command("load_demo", stdout=io.StringIO())
    operation = Operation.objects.select_related("call__programme").get(business__afm=KYA7066_AFM)
    programme = operation.call.programme
    page = open_context(viewport).new_page()
    staff_login(page, portal_url, "verifier")

    follow(page, page.get_by_role("link", name="Ανάλυση κινδύνου"))
    assert page.locator("h1").inner_text() == "Εκτίμηση κινδύνου πράξεων"
    section = page.locator("section", has=page.get_by_role("heading", name=programme.title))
    section.get_by_label("Είδος εκτίμησης").select_option("monthly")
    follow(page, section.get_by_role("button", name="Εκτέλεση τώρα"))
    assert page.confirmations[-1] == "Εκτέλεση εκτίμησης κινδύνου"

    run = RiskRun.objects.get(programme=programme, kind="monthly")
    assert run.run_by.username == "verifier"
    score = RiskScore.objects.get(run=run, operation=operation)
    assert page.locator("h1").inner_text().startswith("Μηνιαία")
    strata = page.locator("#strata")
    assert strata.locator('tr[data-stratum="high"]').inner_text().split("\t")[1].strip() == str(
        run.strata["high"]["count"]
    )
    assert page.locator("#scores").get_by_role("link", name=operation.code).is_visible()

    follow(page, page.locator("#scores").get_by_role("link", name=operation.code))
    assert operation.code in page.locator("h1").inner_text()
    assert page.locator("#risk-summary").inner_text().count(str(score.total)) >= 1
    rows = page.locator("#factors tbody tr")
    assert rows.count() == 19
    assert "ανενεργός" in page.locator('#factors tr[data-factor="5"]').inner_text()
    f15 = page.locator('#factors tr[data-factor="15"]').inner_text()
    assert "Συνολική επιλέξιμη δημόσια δαπάνη" in f15 and "€" in f15
    assert "καταχωρίζεται από στέλεχος" in page.locator('#factors tr[data-factor="6"]').inner_text()
    for n in range(1, 20):
        assert page.locator(f'#factors tr[data-factor="{n}"]').count() == 1

    follow(page, page.get_by_role("link", name="ΔΔΔ προς επαλήθευση").first)
    assert page.locator("h1").inner_text() == "ΔΔΔ προς επαλήθευση"
