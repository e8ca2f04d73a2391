"""Browser journey: a business logs in through TAXISnet (sandbox IdP) and sees its AADE data."""

import tempfile
from pathlib import Path

import pytest

from accounts.models import Business
from tests.journey import go, seen, taxisnet_login

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


def test_with_aade_down_a_business_still_logs_in_and_its_details_follow(open_context, portal_url):
    """Issue 11: TAXISnet vouches for the person; AADE's record follows when AADE answers."""
    from interop.sandboxes.control import set_mode
    from opske.tasks import sweep_outbox
    from tests.conftest import PHONE

    page = open_context(viewport=PHONE).new_page()
    set_mode("aade", "down")
    taxisnet_login(page, portal_url, "lignitis")

    assert "θα εμφανιστούν μόλις απαντήσει" in page.locator("#aade-refresh-pending").inner_text()
    assert page.locator("#amka-claim-heading").count() == 0  # not offered before AADE says who this is
    page.screenshot(path=str(Path(tempfile.gettempdir()) / "aade-pending-390.png"), full_page=True)

    set_mode("aade", "normal")
    sweep_outbox(older_than_minutes=0)  # beat's next sweep
    go(page, f"{portal_url}/accounts/dashboard/")
    seen(page)
    assert "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ" in page.locator("h1").inner_text()
    assert page.locator("#aade-refresh-pending").count() == 0
    page.screenshot(path=str(Path(tempfile.gettempdir()) / "aade-refreshed-390.png"), full_page=True)
