"""Browser journey: a business logs in through TAXISnet (sandbox IdP) and sees its AADE data."""

import tempfile
from pathlib import Path

import pytest

from accounts.models import Business
from tests.journey import go, seen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_business_logs_in_through_taxisnet_and_sees_its_registry_data(page, portal_url):
    go(page, f"{portal_url}/accounts/login/")
    page.get_by_role("link", name="Σύνδεση μέσω TAXISnet").click()

    page.wait_for_url("**/sandbox/gsis/oauth2server/oauth/authorize**")
    page.get_by_label("Όνομα χρήστη").fill("lignitis")
    page.get_by_label("Κωδικός πρόσβασης").fill("taxisnet-demo")
    page.get_by_role("button", name="Σύνδεση").click()

    page.wait_for_url("**/accounts/dashboard/")
    seen(page)
    heading = page.locator("h1")
    assert "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ" in heading.inner_text()
    kad_table = page.locator("#kad-list").inner_text()
    assert "43.21" in kad_table and "Ηλεκτρικές εγκαταστάσεις" in kad_table
    assert "Τελευταία ενημέρωση από την ΑΑΔΕ" in page.locator("#registry-refreshed").inner_text()
    page.screenshot(path=str(Path(tempfile.gettempdir()) / "h1-dashboard.png"), full_page=True)
    assert Business.objects.get(afm="804773470").main_kad.code == "43210000"
