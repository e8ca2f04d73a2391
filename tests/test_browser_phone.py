"""The portal at a phone's width (390 px) and for every eye: in Chromium, after `load_demo`.

- No page scrolls sideways: `document.documentElement.scrollWidth <= 390` on the main pages of
  each kind of user; a wide table scrolls inside its own focusable, labelled container.
- The header menu collapses behind «Μενού» and, opened, shows the logout inside the screen.
- Text in notification banners has at least 4.5:1 contrast (WCAG 2.x AA) at 390 and 1280 px.
- After an htmx upload the focus is on the updated region's message, not on the page body.

Screenshots are kept in the temp folder (opske-phone/) for a person to look at.
"""

import io
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.journey import staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(tempfile.gettempdir()) / "opske-phone"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def demo(portal_url):
    from accounts.models import User
    from calls.models import Call
    from evaluation.points import services
    from evaluation.points.demo import CALL_CODE
    from evaluation.points.tasks import fetch_round_facts

    call_command("load_demo", stdout=io.StringIO())
    admin = User.objects.get(username="admin")
    rnd = services.points_round_open(actor=admin, call_id=Call.objects.get(code=CALL_CODE).pk)
    fetch_round_facts(rnd.pk)
    services.provisional_tables_post(actor=admin, round_id=rnd.pk)
    SHOTS.mkdir(exist_ok=True)
    return {"round": rnd}


def _context(browser, viewport):
    context = browser.new_context(locale="el-GR", viewport=viewport)
    context.set_default_timeout(15000)
    return context


def _login_staff(page, portal_url, username):
    staff_login(page, portal_url, username)
    page.wait_for_url("**/accounts/dashboard/")


def _login_taxisnet(page, portal_url, username):
    page.goto(f"{portal_url}/accounts/login/")
    page.get_by_role("link", name="Σύνδεση μέσω TAXISnet").click()
    page.wait_for_url("**/sandbox/gsis/oauth2server/oauth/authorize**")
    page.get_by_label("Όνομα χρήστη").fill(username)
    page.get_by_label("Κωδικός πρόσβασης").fill("taxisnet-demo")
    page.get_by_role("button", name="Σύνδεση").click()
    page.wait_for_url("**/accounts/dashboard/")


def _pages(who, demo):
    from applications.models import Application
    from calls.models import Call

    rnd = demo["round"]
    call = Call.objects.filter(code__startswith="kya7066").first()
    public = [
        "/",
        "/calls/",
        f"/calls/{call.code}/",
        "/accounts/login/",
        f"/evaluation/points/public/{rnd.pk}/provisional/",
    ]
    if who == "anonymous":
        return public
    if who == "lignitis":
        draft = Application.objects.filter(business__afm="804773470", status="draft").first()
        steps = ["general", "positions", "de_minimis", "attachments", "declarations"]
        return [
            "/accounts/dashboard/",
            "/applications/",
            "/inbox/",
            "/evaluation/my/",
            *[f"/applications/{draft.pk}/step/{s}/" for s in steps],
            f"/applications/{draft.pk}/confirm/",
            f"/applications/{draft.pk}/",
        ]
    if who == "admin":
        return [
            "/accounts/dashboard/",
            "/calls/",
            "/calls/manage/",
            "/applications/staff/",
            "/evaluation/points/",
            f"/evaluation/points/{rnd.pk}/",
            f"/evaluation/points/{rnd.pk}/tables/provisional/",
            "/registries/console/",
            "/registries/calls/",
            "/registries/waits/",
            "/audit/",
        ]
    if who == "evaluator":
        return ["/accounts/dashboard/", "/evaluation/"]
    if who == "committee":
        return ["/accounts/dashboard/", "/evaluation/comparative/"]
    return []


@pytest.mark.parametrize("who", ["anonymous", "lignitis", "admin", "evaluator", "committee"])
def test_every_main_page_fits_a_390_px_phone(browser, portal_url, demo, who):
    # given a person on a phone
    context = _context(browser, PHONE)
    page = context.new_page()
    if who == "lignitis":
        _login_taxisnet(page, portal_url, who)
    elif who != "anonymous":
        _login_staff(page, portal_url, who)
    too_wide = {}
    for path in _pages(who, demo):
        # when they open each page
        response = page.goto(portal_url + path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
        name = f"{who}{path}".strip("/").replace("/", "_") or who
        page.screenshot(path=str(SHOTS / f"390-{name}.png"), full_page=True)
        # then nothing but a table's own container scrolls sideways
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width
        unlabelled = page.evaluate(
            "[...document.querySelectorAll('.table-scroll')].filter(w => w.scrollWidth > w.clientWidth + 1"
            " && (w.getAttribute('tabindex') !== '0' || !w.getAttribute('aria-label'))).length"
        )
        assert unlabelled == 0, f"{path}: a scrolling table container is not focusable and labelled"
    context.close()
    assert too_wide == {}


def test_the_header_menu_collapses_on_a_phone_and_opens_to_the_logout(browser, portal_url, demo):
    context = _context(browser, PHONE)
    page = context.new_page()
    _login_staff(page, portal_url, "admin")
    logout = page.get_by_role("button", name="Αποσύνδεση")
    toggle = page.get_by_role("button", name="Μενού")
    # given the phone: the menu is collapsed behind «Μενού»
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not logout.is_visible()
    # when it is opened, then the logout is inside the screen
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    box = logout.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(SHOTS / "390-menu-open.png"))
    context.close()
    # and on a desktop the menu is simply there
    context = _context(browser, DESKTOP)
    page = context.new_page()
    _login_staff(page, portal_url, "admin")
    assert page.get_by_role("button", name="Αποσύνδεση").is_visible()
    assert not page.get_by_role("button", name="Μενού").is_visible()
    context.close()


CONTRAST = """
() => {
  function rgb(s) { const m = s.match(/[\\d.]+/g).map(Number); return m.length > 3 ? m : [...m, 1]; }
  function lum([r, g, b]) {
    const c = [r, g, b].map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  function background(el) {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) return c;
    }
    return [255, 255, 255, 1];
  }
  const out = [];
  for (const banner of document.querySelectorAll('.govgr-notification-banner')) {
    const walker = document.createTreeWalker(banner, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const text = walker.currentNode;
      if (!text.textContent.trim()) continue;
      const el = text.parentElement;
      const fg = lum(rgb(getComputedStyle(el).color)), bg = lum(background(el));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      out.push([text.textContent.trim().slice(0, 40), Math.round(ratio * 100) / 100]);
    }
  }
  return out;
}
"""


def _upload_on_attachments_step(page, portal_url):
    from applications.models import Application

    draft = Application.objects.filter(business__afm="804773470", status="draft").first()
    page.goto(f"{portal_url}/applications/{draft.pk}/step/attachments/")
    form = page.locator("#attachments-list form").first
    form.locator("input[type=file]").set_input_files(
        {"name": "doc.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%demo\n%%EOF\n"}
    )
    with page.expect_response(lambda r: "/attachments/upload/" in r.url):
        form.locator("button[type=submit]").click()
    page.wait_for_selector("#attachments-list [role=status]")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_notification_banner_text_has_aa_contrast(browser, portal_url, demo, viewport):
    context = _context(browser, viewport)
    page = context.new_page()
    # given the public provisional table's objection notice and an upload's notice, both banners
    page.goto(f"{portal_url}/evaluation/points/public/{demo['round'].pk}/provisional/")
    ratios = page.evaluate(CONTRAST)
    _login_taxisnet(page, portal_url, "lignitis")
    _upload_on_attachments_step(page, portal_url)
    # when the contrast of every text in a banner is measured
    ratios += page.evaluate(CONTRAST)
    page.screenshot(path=str(SHOTS / f"{viewport['width']}-banner.png"))
    context.close()
    # then each is at least 4.5:1
    assert len(ratios) >= 2, "both pages show a banner"
    assert [r for r in ratios if r[1] < 4.5] == []


def test_after_an_htmx_upload_the_focus_is_on_the_updated_list_message(browser, portal_url, demo):
    context = _context(browser, PHONE)
    page = context.new_page()
    _login_taxisnet(page, portal_url, "lignitis")
    # given a document chosen and sent with htmx (the list is swapped with its notice)
    _upload_on_attachments_step(page, portal_url)
    page.wait_for_function("document.activeElement !== document.body", timeout=3000)
    # then the focus is on the region's status message, not lost on the page body
    focused = page.evaluate(
        "(() => { const a = document.activeElement; return [a.tagName, a.getAttribute('role'),"
        " !!a.closest('#attachments-list')]; })()"
    )
    assert focused[2] and focused[1] in ("status", "alert"), focused
    context.close()
