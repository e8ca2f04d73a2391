"""Rows per page, in Chromium after `load_demo`, through the pages only (issue 11): the auditor opens
the audit trail (25 rows), picks 50, goes to the next page, then filters; the size stays chosen
throughout, at 1280 and at 390 px (no sideways scroll: `seen`). Screenshots are kept in the temp
folder (opske-lists/)."""

import io
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command

from tests.conftest import DESKTOP, PHONE
from tests.journey import follow, go, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(tempfile.gettempdir()) / "opske-lists"


def _rows(page) -> int:
    return page.locator(".opske-audit-event").count()


def test_the_auditor_picks_50_rows_and_the_next_page_and_the_filter_keep_them(open_context, portal_url):
    from opske.models import AuditEvent

    call_command("load_demo", stdout=io.StringIO())
    SHOTS.mkdir(exist_ok=True)
    evaluation_events = AuditEvent.objects.filter(action__startswith="evaluation").count()
    assert 25 < evaluation_events <= 50  # the demo's: more than one page of 25, fewer than 50

    for viewport in (DESKTOP, PHONE):
        page = open_context(viewport).new_page()
        staff_login(page, portal_url, "auditor")
        go(page, f"{portal_url}/audit/")
        total = AuditEvent.objects.count()
        assert total > 100  # the demo and the logins: more than two pages of 50
        assert _rows(page) == 25  # the list's own size
        sizes = page.locator(".opske-page-sizes")
        assert sizes.locator('[aria-current="true"]').inner_text() == "25"

        follow(page, sizes.get_by_role("link", name="50", exact=True))
        assert _rows(page) == 50
        assert sizes.locator('[aria-current="true"]').inner_text() == "50"
        first_page = page.locator(".opske-audit-event").first.inner_text()
        page.screenshot(path=str(SHOTS / f"audit-50-{viewport['width']}.png"), full_page=True)

        follow(page, page.locator(".opske-pagination").get_by_role("link", name="Επόμενη"))
        assert "page=2" in page.url and "page_size=50" in page.url
        assert _rows(page) == 50 and page.locator(".opske-audit-event").first.inner_text() != first_page
        assert "Σελίδα 2 από" in page.locator(".opske-pagination").inner_text()

        page.get_by_label("Ενέργεια").fill("evaluation")
        follow(page, page.get_by_role("button", name="Αναζήτηση"))
        asked = parse_qs(urlsplit(page.url).query)
        assert asked["page_size"] == ["50"] and "page" not in asked  # a new search starts at page 1
        assert _rows(page) == evaluation_events  # one page of 50 holds them all
        assert sizes.locator('[aria-current="true"]').inner_text() == "50"
        page.screenshot(path=str(SHOTS / f"audit-filtered-{viewport['width']}.png"), full_page=True)

        follow(page, sizes.get_by_role("link", name="25", exact=True))  # back to 25, filter kept
        assert "action=evaluation" in page.url and _rows(page) == 25


def test_the_auditor_opens_the_staff_list_on_a_call_with_applications_and_filters_by_protocol(
    open_context, portal_url
):
    """The staff list of applications opens on the first call (by code) that has submitted
    applications, not on an empty one; its filters are styled fields, and a protocol number narrows
    the rows."""
    from applications.models import Application

    call_command("load_demo", stdout=io.StringIO())
    SHOTS.mkdir(exist_ok=True)
    submitted = Application.objects.exclude(status=Application.Status.DRAFT).select_related(
        "call", "business"
    )
    first = min(submitted, key=lambda a: a.call.code)
    shown = submitted.filter(call=first.call)
    protocol = shown.order_by("pk").first().protocol_number

    for viewport in (DESKTOP, PHONE):
        page = open_context(viewport).new_page()
        staff_login(page, portal_url, "auditor")
        go(page, f"{portal_url}/applications/staff/")
        chosen = page.get_by_label("Πρόσκληση").locator("option:checked").inner_text()
        assert chosen.startswith(first.call.code)
        rows = page.locator("#staff-applications tbody tr")
        assert rows.count() == shown.count()
        for field in ("ΑΦΜ", "Αρ. πρωτοκόλλου", "Ταμείο (κωδικός)"):
            assert "govgr-input" in page.get_by_label(field, exact=True).get_attribute("class")
        assert "govgr-select" in page.get_by_label("Κατάσταση").get_attribute("class")
        page.screenshot(path=str(SHOTS / f"staff-list-{viewport['width']}.png"), full_page=True)

        page.get_by_label("Αρ. πρωτοκόλλου", exact=True).fill(protocol)
        follow(page, page.get_by_role("button", name="Φίλτρα"))
        assert "protocol=" in page.url and f"call={first.call.pk}" in page.url
        assert rows.count() == shown.filter(protocol_number__icontains=protocol).count() >= 1
        assert protocol in rows.first.inner_text()
        page.screenshot(path=str(SHOTS / f"staff-list-protocol-{viewport['width']}.png"), full_page=True)
