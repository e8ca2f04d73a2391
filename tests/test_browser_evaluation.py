"""Browser journey: a ΚΥΑ 7066 application goes from submission to an approval decision with its
ΑΔΑ, evaluated and approved through the pages; the business sees the result and objects."""

import re

import pytest
from django.conf import settings
from django.test import Client

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from applications.tests.factories import load_world, seeded_call
from calls import seeds
from evaluation import services
from evaluation.models import Assignment, Decision, Objection
from evaluation.tests.factories import submitted_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _staff_page(browser, portal_url, username):
    context = browser.new_context(locale="el-GR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20000)
    page = context.new_page()
    page.goto(f"{portal_url}/accounts/staff/login/")
    page.get_by_label("Όνομα χρήστη").fill(username)
    page.get_by_label("Κωδικός πρόσβασης").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Σύνδεση").click()
    page.wait_for_load_state()
    return page


def _session_page(browser, portal_url, user):
    """The business user, already logged in (its TAXISnet login has its own journey)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="el-GR")
    context.set_default_timeout(20000)
    host = portal_url.split("//")[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    return context.new_page()


def test_evaluator_and_supervisor_approve_and_the_business_objects(browser, portal_url):
    load_world()
    call = seeded_call(seeds.kya7066)
    app, owner = submitted_application(call)
    evaluator = User.objects.get(username="evaluator")
    supervisor = User.objects.get(username="supervisor")
    # The call assigns automatically (calls.gaps «assignment»): the application is already the
    # evaluator's, through the after-submission task; only the other evaluators' share decides.
    assignment = Assignment.objects.get(application=app, role="evaluator")
    if assignment.evaluator != evaluator:
        services.assignment_reassign(
            actor=supervisor, assignment_id=assignment.pk, evaluator_id=evaluator.pk, reason="δοκιμή"
        )

    # The evaluator signs the declaration, opens the form and answers the eight criteria.
    page = _staff_page(browser, portal_url, "evaluator")
    page.goto(f"{portal_url}/evaluation/")
    assert app.protocol_number in page.locator("table").inner_text()
    page.get_by_role("link", name="Δήλωση μη σύγκρουσης").click()
    page.get_by_label("Δεν υπάρχει σύγκρουση συμφερόντων").check()
    page.locator("#id_confirm").check()
    page.get_by_role("button", name="Υπογραφή δήλωσης").click()
    page.get_by_role("button", name="Άνοιγμα φόρμας αξιολόγησης").click()
    for code in "12345678":
        row = page.locator(f"#criterion-{code}")
        row.get_by_label("ΝΑΙ").check()
        page.locator(f"#criterion-{code}").get_by_text("Αποθηκεύτηκε").wait_for()
    page.get_by_role("button", name="Υποβολή αξιολόγησης").click()
    # The confirmation page states what locks (nothing changed yet), then the box and the button.
    assert "Η ενέργεια δεν αναιρείται." in page.locator("#confirm-irreversible").inner_text()
    page.locator("#id_confirm").check()
    page.get_by_role("button", name="Οριστική υποβολή αξιολόγησης").click()
    page.wait_for_url("**/evaluation/")

    # The supervisor reviews at the second level and signs the approval decision.
    head = _staff_page(browser, portal_url, "supervisor")
    head.goto(f"{portal_url}/evaluation/reviews/")
    head.get_by_role("link", name="Άνοιγμα").first.click()
    if head.get_by_role("button", name="Ανάληψη ελέγχου β' επιπέδου").count():
        head.get_by_role("button", name="Ανάληψη ελέγχου β' επιπέδου").click()
    else:
        head.get_by_role("link", name="Δήλωση μη σύγκρουσης συμφερόντων").click()
    head.get_by_label("Δεν υπάρχει σύγκρουση συμφερόντων").check()
    head.locator("#id_confirm").check()
    head.get_by_role("button", name="Υπογραφή δήλωσης").click()
    head.get_by_label("Συμφωνώ με το α' επίπεδο").check()
    head.get_by_role("button", name="Οριστικοποίηση ελέγχου").click()
    head.locator("#id_confirm").check()
    head.get_by_role("button", name="Οριστική καταχώριση πορίσματος").click()
    head.get_by_role("link", name=re.compile("Εγκριτική απόφαση")).click()
    head.locator("#id_confirm").check()
    head.get_by_role("button", name="Υπογραφή απόφασης").click()
    ada = head.locator("#decision-ada").inner_text().strip()
    decision = Decision.objects.get(application=app, kind=Decision.Kind.APPROVAL)
    # Its notice also drafted the inclusion act that follows approval (ΚΥΑ 7066 Art. 7.6).
    assert Decision.objects.filter(application=app, kind=Decision.Kind.INCLUSION).exists()
    assert decision.ada and ada == decision.ada
    assert decision.state == Decision.State.NOTIFIED
    assert "Κοινοποιήθηκε" in head.locator("#decision-state").inner_text()

    # The business sees its result and files an objection within the deadline.
    biz = _session_page(browser, portal_url, owner)
    biz.goto(f"{portal_url}/evaluation/my/")
    biz.get_by_role("link", name=app.protocol_number).click()
    assert "Εγκριτική απόφαση" in biz.locator("#result-kind").inner_text()
    assert decision.objection_deadline.strftime("%d/%m/%Y") in biz.locator("#objection-deadline").inner_text()
    biz.get_by_label("Λόγοι της ένστασης").fill("Ζητούμε την ένταξη και δεύτερης θέσης.")
    biz.get_by_role("button", name="Υποβολή ένστασης").click()
    assert "μία φορά" in biz.locator("#confirm-irreversible").inner_text()
    biz.locator("#id_confirm").check()
    biz.get_by_role("button", name="Οριστική υποβολή ένστασης").click()
    assert "Υποβλήθηκε" in biz.locator("#objection-status").inner_text()
    assert Objection.objects.get(decision=decision).text.startswith("Ζητούμε")
