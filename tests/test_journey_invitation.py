"""Journey «invitation», through the pages only after `load_demo` (issue 11): ΣΤΕΦΑΝΟΥ ΙΩΑΝΝΑ
(TAXISnet «coordinator»), invited by ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ as its coordinator, logs in: she does not act
for the business yet, her dashboard shows the invitation; she accepts it through the confirmation
page and then acts for the business. At 1280 and 390 px, axe-core on every page."""

import io

import pytest
from django.core.management import call_command

from accounts.models import Membership
from tests.conftest import DESKTOP, PHONE
from tests.journey import follow, taxisnet_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_the_invited_coordinator_acts_for_the_business_only_after_accepting(
    open_context, portal_url, viewport
):
    call_command("load_demo", stdout=io.StringIO())
    page = open_context(viewport).new_page()
    taxisnet_login(page, portal_url, "coordinator")

    membership = Membership.objects.get(invited_afm="185012342", business__afm="804773470")
    assert membership.state == Membership.State.INVITED
    invitation = page.locator(f"#invitation-{membership.pk}")
    assert "ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ" in invitation.inner_text() and "Συντονιστής" in invitation.inner_text()
    assert "Στοιχεία μητρώου (ΑΑΔΕ)" not in page.locator("main").inner_text()  # not acting for it

    follow(page, invitation.get_by_role("button", name="Αποδοχή"))
    assert page.confirmations[-1] == "Αποδοχή πρόσκλησης"
    membership.refresh_from_db()
    assert membership.state == Membership.State.ACTIVE
    main = page.locator("main").inner_text()
    assert "Αποδεχτήκατε την πρόσκληση" in main and "Στοιχεία μητρώου (ΑΑΔΕ)" in main
    assert page.locator("#invitations").count() == 0
