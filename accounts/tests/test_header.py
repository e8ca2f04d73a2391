"""The account links on the dark header bar."""

import pytest

from accounts.tests.factories import TaxisnetUserFactory

pytestmark = pytest.mark.django_db


def test_header_shows_the_user_and_a_logout_that_also_ends_taxisnet(client):
    user = TaxisnetUserFactory(first_name="ΜΑΡΙΑ", last_name="ΠΑΠΑΔΟΠΟΥΛΟΥ")
    client.force_login(user)

    page = client.get("/accounts/dashboard/").content.decode()

    assert f"ΜΑΡΙΑ ΠΑΠΑΔΟΠΟΥΛΟΥ · ΑΦΜ {user.afm}" in page
    assert 'action="/accounts/logout/"' in page and "Αποσύνδεση (και από TAXISnet)" in page
    # Every header element carries the class the stylesheet makes legible on the blue bar.
    assert page.count("opske-nav-link") == 4  # inbox, my space, name, logout


def test_header_offers_login_to_visitors(client):
    page = client.get("/accounts/login/").content.decode()

    assert 'class="govgr-header-link opske-nav-link" href="/accounts/login/"' in page
