"""Browser checks after `load_demo`, through the pages only: the administrator's assignment queue
(reassign with a reason), the evaluator's error at the field (1280 and 390 px), and the demo
business's confirmed contact address for legal notices."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from accounts.demo import DEMO_PASSWORD
from accounts.models import Business, Membership
from tests.journey import staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _staff(browser, portal_url, username, width=1280):
    context = browser.new_context(locale="el-GR", viewport={"width": width, "height": 900})
    context.set_default_timeout(20000)
    page = context.new_page()
    staff_login(page, portal_url, username)
    return page


def test_after_load_demo_assign_reassign_see_errors_at_the_field_and_the_contact_address(
    browser, portal_url, tmp_path
):
    call_command("load_demo", stdout=io.StringIO())

    # The evaluator's ΟΧΙ without reasons is refused with the message at the criterion, at both widths.
    workspace = None
    for width in (1280, 390):
        page = _staff(browser, portal_url, "evaluator", width=width)
        if workspace is None:
            page.goto(f"{portal_url}/evaluation/")
            page.get_by_role("link", name="Δήλωση μη σύγκρουσης").first.click()
            page.get_by_label("Δεν υπάρχει σύγκρουση συμφερόντων").check()
            page.locator("#id_confirm").check()
            page.get_by_role("button", name="Υπογραφή δήλωσης").click()
            page.get_by_role("button", name="Άνοιγμα φόρμας αξιολόγησης").click()
            workspace = page.url
        else:
            page.goto(workspace)
        page.locator("#criterion-2").get_by_label("ΟΧΙ", exact=True).check()
        error = page.locator("#criterion-2-error")
        error.wait_for()
        assert "απαιτεί αιτιολόγηση" in error.inner_text()
        assert page.locator("#workspace-errors a[href='#criterion-2']").is_visible()
        radio = page.locator("#value-2-no").bounding_box()
        label = page.locator("label[for='value-2-no']").bounding_box()
        assert abs(radio["y"] - label["y"]) < 40 and 0 <= label["x"] - radio["x"] < 120  # side by side
        page.screenshot(path=str(tmp_path / f"workspace-{width}.png"), full_page=True)

    # The administrator finds an assigned application in the queue and gives it to another person.
    from accounts.models import Role, RoleAssignment, User

    other = User.objects.create_user("evaluator2", password=DEMO_PASSWORD, first_name="Δεύτερη",
                                     last_name="Αξιολογήτρια", kind=User.Kind.STAFF)  # fmt: skip
    RoleAssignment.objects.create(user=other, role=Role.EVALUATOR)
    admin = _staff(browser, portal_url, "admin")
    admin.goto(f"{portal_url}/evaluation/assignments/queue/")
    admin.get_by_label("Ανάθεση", exact=True).select_option("assigned")
    admin.get_by_role("button", name="Φιλτράρισμα").click()
    admin.locator("#assign-queue").get_by_role("link", name="Ανάθεση σε άλλον").first.click()
    admin.get_by_role("button", name="Ανάθεση σε άλλον").click()  # no reason: refused at the field
    assert "Απαιτείται αιτιολογία" in admin.locator("#field-reason.govgr-field--error").inner_text()
    admin.get_by_label("Νέος αξιολογητής").select_option(label="Δεύτερη Αξιολογήτρια · 0 ανοιχτές αναθέσεις")
    admin.get_by_label("Λόγος ανάθεσης σε άλλον (καταγράφεται)").fill("Κατανομή φόρτου")
    admin.get_by_role("button", name="Ανάθεση σε άλλον").click()
    assert "Δεύτερη Αξιολογήτρια" in admin.locator("#current-evaluator").inner_text()
    assert "Κατανομή φόρτου" in admin.locator("#assignment-history").inner_text()

    # The demo business's coordinator sees its confirmed address for legal notices.
    business = Business.objects.exclude(notice_email="").first()
    owner = Membership.objects.filter(business=business, state="active", role="coordinator").first()
    if owner is None:  # nobody has logged in for it yet: its owner's first TAXISnet login
        owner_user = User.objects.create_user(
            f"owner-{business.afm}", afm=business.afm, kind=User.Kind.TAXISNET
        )
        owner = Membership.objects.create(business=business, user=owner_user, invited_afm=business.afm,
                                          role="coordinator", state="active")  # fmt: skip
    client = Client()
    client.force_login(owner.user)
    context = browser.new_context(locale="el-GR", viewport={"width": 390, "height": 844})
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    host = portal_url.split("//")[1].split(":")[0]
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session, "domain": host, "path": "/"}
    context.add_cookies([cookie])
    biz = context.new_page()
    biz.goto(f"{portal_url}/accounts/business/{business.afm}/contact/")
    assert business.notice_email in biz.locator("#notice-email").inner_text()
    assert "Επιβεβαιωμένο" in biz.locator("#notice-email").inner_text()
