"""Browser journey (issue 11): after `load_demo` a staff member logs in with the password, links an
authenticator app from the key the page shows (a wrong code is refused at the field), reaches the
dashboard, and at the next login is asked only for the app's code; on a desktop and on a phone."""

import io
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD
from tests.conftest import DESKTOP, PHONE
from tests.journey import authenticator_code, follow, go, seen, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_staff_link_an_authenticator_at_the_first_login_and_type_its_code_after(
    open_context, portal_url, viewport
):
    call_command("load_demo", stdout=io.StringIO())
    shots = Path(tempfile.gettempdir()) / f"otp-{viewport['width']}"
    shots.mkdir(exist_ok=True)
    page = open_context(viewport=viewport).new_page()

    go(page, f"{portal_url}/accounts/staff/login/")
    page.get_by_label("Όνομα χρήστη").fill("verifier")
    page.get_by_label("Κωδικός πρόσβασης").fill(DEMO_PASSWORD)
    follow(page, page.get_by_role("button", name="Σύνδεση"))
    assert "/accounts/staff/otp/enrol/" in page.url
    assert page.locator("#otp-qr svg").count() == 1
    key = page.locator("#otp-key").inner_text()
    assert len(key.replace(" ", "")) == 32
    page.screenshot(path=str(shots / "enrol.png"), full_page=True)

    # Nothing else opens before the code: typing the dashboard's address comes back here.
    go(page, f"{portal_url}/accounts/dashboard/")
    assert "/accounts/staff/otp/enrol/" in page.url

    page.get_by_label("Κωδικός από την εφαρμογή επαλήθευσης").fill("12345")
    follow(page, page.get_by_role("button", name="Σύνδεση εφαρμογής"))
    assert "Ο κωδικός είναι 6 ψηφία (0–9)." in page.locator("#id_code_error").inner_text()
    assert page.locator("#otp-key").inner_text() == key  # the same key: nothing set up is lost
    page.screenshot(path=str(shots / "enrol-error.png"), full_page=True)

    from tests import journey

    journey._AUTHENTICATORS[(portal_url, "verifier")] = {
        "key": key.replace(" ", ""),
        "last_step": 0,
        "drift": 0,
    }
    page.get_by_label("Κωδικός από την εφαρμογή επαλήθευσης").fill(authenticator_code(portal_url, "verifier"))
    follow(page, page.get_by_role("button", name="Σύνδεση εφαρμογής"))
    assert page.url.endswith("/accounts/dashboard/")
    assert "Η εφαρμογή επαλήθευσης συνδέθηκε με τον λογαριασμό σας." in page.locator("main").inner_text()
    assert page.locator("#role-verifier").count() == 1
    page.screenshot(path=str(shots / "dashboard.png"), full_page=True)

    if viewport is PHONE:
        page.get_by_role("button", name="Μενού").click()  # on a phone the header collapses behind «Μενού»
    follow(page, page.get_by_role("button", name="Αποσύνδεση"))
    go(page, f"{portal_url}/accounts/staff/login/")
    page.get_by_label("Όνομα χρήστη").fill("verifier")
    page.get_by_label("Κωδικός πρόσβασης").fill(DEMO_PASSWORD)
    follow(page, page.get_by_role("button", name="Σύνδεση"))
    assert "/accounts/staff/otp/" in page.url and "enrol" not in page.url
    assert page.locator("#otp-key").count() == 0  # the key is shown only at enrolment
    page.screenshot(path=str(shots / "code.png"), full_page=True)
    page.get_by_label("Κωδικός από την εφαρμογή επαλήθευσης").fill(authenticator_code(portal_url, "verifier"))
    follow(page, page.get_by_role("button", name="Επιβεβαίωση"))
    seen(page)
    assert page.url.endswith("/accounts/dashboard/")
    assert page.locator("#role-verifier").count() == 1

    # The journeys' shared step does the same for another role.
    other = open_context(viewport=viewport).new_page()
    staff_login(other, portal_url, "payer")
    assert other.url.endswith("/accounts/dashboard/")
