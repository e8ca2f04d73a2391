"""Browser journey (issue 9, make-run check): the cluster of call 004 submits a plan above the
€500,000 subsidised maximum and sees its private participation; a missing 09.02 line is refused at
the budget step first. Screenshots at 1280 and 390 px in the temp directory."""

import tempfile
from pathlib import Path

import pytest

from applications.models import Application
from applications.tests.factories import seeded_call
from calls import seeds

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(tempfile.gettempdir())
PARTNERS = [("998889259", "research")] + [
    (afm, "sme") for afm in ("997126117", "097464499", "092730129", "098194849", "095938180", "094827501")
]
# €650,000 plan, €500,000 subsidised (see applications/tests/test_call004_budget_and_eligibility.py).
LINES = [
    ("02.06", "Εξοπλισμός εργαστηρίου", "400000", "250000", ""),
    ("01.09", "Νέο προσωπικό", "", "100000", ""),
    ("07.13", "Έντυπο υλικό", "", "10000", ""),
    ("04.02", "Έρευνα επί συμβάσει", "", "125000", "industrial"),
    ("09.02", "Έμμεσες δαπάνες", "", "15000", ""),
]


def _save(page):
    page.get_by_role("button", name="Αποθήκευση και συνέχεια").click()
    page.wait_for_load_state("networkidle")


def _fill_lines(page, app_url, lines, start=0):
    """Three empty rows per visit of the budget step: fill them, save, come back for the rest."""
    done = 0
    while done < len(lines):
        page.goto(f"{app_url}/step/budget/")
        page.get_by_label("Μέγεθος φορέα").select_option("small")
        for _ in range(3):
            if done == len(lines):
                break
            category, description, total, amount, research = lines[done]
            n = start + done + 1
            page.get_by_label(f"Κατηγορία {n}", exact=True).select_option(category)
            page.get_by_label(f"Περιγραφή {n}", exact=True).fill(description)
            page.get_by_label(f"Συνολικό ποσό {n}", exact=True).fill(total)
            page.get_by_label(f"Επιχορηγούμενο ποσό {n}", exact=True).fill(amount)
            if research:
                page.get_by_label(f"Είδος έρευνας {n}", exact=True).select_option(research)
            done += 1
        _save(page)


def test_cluster_submits_a_plan_above_the_subsidised_maximum_with_its_private_participation(page, portal_url):
    call = seeded_call(seeds.call004)
    page.goto(f"{portal_url}/accounts/login/")
    page.get_by_role("link", name="Σύνδεση μέσω TAXISnet").click()
    page.get_by_label("Όνομα χρήστη").fill("cluster")
    page.get_by_label("Κωδικός πρόσβασης").fill("taxisnet-demo")
    page.get_by_role("button", name="Σύνδεση").click()
    page.wait_for_url("**/accounts/dashboard/")
    page.goto(f"{portal_url}/applications/")
    page.locator(f'button[data-call="{call.code}"]').click()
    page.wait_for_url("**/step/general/")
    app_url = page.url.split("/step/")[0]
    page.get_by_label("Τίτλος έργου").fill("Έξυπνη αγροδιατροφή")
    page.get_by_label("Είδος σχηματισμού").select_option("existing")
    page.get_by_label("Τομέας εξειδίκευσης").select_option("Αγροδιατροφική αλυσίδα")
    page.get_by_label("E-mail κοινοποιήσεων").fill("info@cluster.example.gr")
    _save(page)
    for first in range(0, len(PARTNERS), 3):
        page.goto(f"{app_url}/step/partners/")
        for n, (afm, kind) in enumerate(PARTNERS[first : first + 3], first + 1):
            page.get_by_label(f"ΑΦΜ {n}", exact=True).fill(afm)
            page.get_by_label(f"Είδος {n}", exact=True).select_option(kind)
        _save(page)

    # Without the 09.02 line the step says at once that it is mandatory, with its amount (§6.2).
    _fill_lines(page, app_url, LINES[:4])
    page.goto(f"{app_url}/step/budget/")
    summary = page.locator("#budget-summary").inner_text()
    assert "είναι υποχρεωτικές" in summary and "15.000,00 €" in summary
    _fill_lines(page, app_url, LINES[4:], start=4)

    page.goto(f"{app_url}/step/budget/")
    assert page.locator("#budget-plan").inner_text() == "650.000,00 €"
    assert page.locator("#budget-subsidised").inner_text() == "500.000,00 €"
    assert page.locator("#budget-aid").inner_text() == "312.500,00 €"
    assert page.locator("#budget-private").inner_text() == "337.500,00 €"
    assert page.locator("#budget-summary .govgr-error-message").count() == 0
    page.screenshot(path=str(SHOTS / "c004-budget-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "c004-budget-390.png"), full_page=True)
    box = page.locator(".opske-table-scroll").first.evaluate("e => e.getBoundingClientRect().right")
    assert box <= 390  # the wide table scrolls inside its box on a phone
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{app_url}/step/declarations/")
    page.locator("#id_solemn").check()
    page.locator("#id_data_processing").check()
    _save(page)
    page.goto(f"{app_url}/step/attachments/")
    for file_id in page.locator('input[type=file][id^="id_file_"]').evaluate_all("els => els.map(e => e.id)"):
        page.locator(f"#{file_id}").set_input_files(
            {
                "name": f"{file_id}.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n%%EOF\n" + file_id.encode(),
            }
        )
        page.locator(f'form:has(#{file_id}) button[type="submit"]').click()
        page.wait_for_selector(f'a:has-text("{file_id}.pdf")')
    page.goto(f"{app_url}/confirm/")
    assert page.locator("#blocking-problems").count() == 0
    page.get_by_label("Επιβεβαιώνω την οριστική υποβολή της αίτησης").check()
    page.get_by_role("button", name="Οριστικοποίηση").click()

    page.wait_for_selector("#priority")
    app = Application.objects.get(call=call)
    assert app.status == Application.Status.SUBMITTED and str(app.requested_amount) == "312500.00"
    assert page.locator("#budget-private").inner_text() == "337.500,00 €"
    page.screenshot(path=str(SHOTS / "c004-submitted-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "c004-submitted-390.png"), full_page=True)
