"""Journey call 004, through the pages only after `load_demo`: a cluster applies to the open call,
the call is amended to close its submissions, the supervisor appoints the Evaluation Committee,
the committee declares, scores and ranks, the supervisor approves the round and signs the decision,
which gets its ΑΔΑ and reaches the cluster's inbox.

The cluster's pages run at 1280 px and again at 390 px (no sideways scroll); axe-core on every page.
"""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from applications.models import Application
from evaluation.models import Decision
from tests.conftest import DESKTOP, PHONE
from tests.journey import follow, go, seen, staff_login, taxisnet_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CALL = "pkm-133-synergatikoi-sxhmatismoi"
RESEARCH = "998889259"
SMES = ["997126117", "097464499", "092730129", "098194849", "095938180"]
BUDGET = [("02.06", "150000"), ("01.09", "140000"), ("09.02", "21000")]  # investment 48,2% ≤ 50% (§7.5)


def _upload_every_document(page) -> None:
    """Upload a small PDF for each document the attachments step lists, waiting for each."""
    codes = page.locator('input[type="file"]').evaluate_all(
        "els => els.map(e => e.labels[0].innerText.match(/\\(([^)]+)\\)/)[1])"
    )
    for code in codes:
        page.get_by_label(f"Αρχείο ({code})").set_input_files(
            {"name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
        )
        form = page.locator(f'form:has(input[type="file"][id$="{code}"]), form:has-text("Αρχείο ({code})")')
        form.first.get_by_role("button", name="Ανάρτηση").click()
        page.wait_for_selector(f'a:has-text("{code}.pdf")')
    seen(page)


def _apply(page, portal_url) -> Application:
    taxisnet_login(page, portal_url, "cluster")
    go(page, f"{portal_url}/calls/{CALL}/")
    follow(page, page.get_by_role("button", name="Υποβολή αίτησης"))
    page.get_by_label("Τίτλος έργου").fill("Έξυπνη αγροδιατροφή Κεντρικής Μακεδονίας")
    page.get_by_label("Είδος σχηματισμού").select_option("existing")
    page.get_by_label("Τομέας εξειδίκευσης").select_option("Αγροδιατροφική αλυσίδα")
    page.get_by_label("E-mail κοινοποιήσεων").fill("info@cluster.example.gr")
    follow(page, page.get_by_role("button", name="Αποθήκευση και συνέχεια"), url="**/step/partners/")
    for n, afm in enumerate([RESEARCH, *SMES], 1):
        page.get_by_label(f"ΑΦΜ {n}", exact=True).fill(afm)
        page.get_by_label(f"Είδος {n}", exact=True).select_option("research" if n == 1 else "sme")
    follow(page, page.get_by_role("button", name="Αποθήκευση και συνέχεια"), url="**/step/budget/")
    for n, (category, amount) in enumerate(BUDGET, 1):
        page.get_by_label(f"Κατηγορία {n}", exact=True).select_option(category)
        # One amount per line, or (call 004 §7.5 total vs subsidised) both the same here.
        for label in (f"Ποσό {n}", f"Συνολικό ποσό {n}", f"Επιχορηγούμενο ποσό {n}"):
            if page.get_by_label(label, exact=True).count():
                page.get_by_label(label, exact=True).fill(amount)
    follow(page, page.get_by_role("button", name="Αποθήκευση και συνέχεια"), url="**/step/attachments/")
    _upload_every_document(page)
    follow(page, page.get_by_role("link", name="Συνέχεια"), url="**/step/declarations/")
    for box in page.locator('main form input[type="checkbox"]').all():
        box.check()
    follow(page, page.get_by_role("button", name="Αποθήκευση και συνέχεια"), url="**/confirm/")
    assert page.locator("#blocking-problems").count() == 0, page.locator("#blocking-problems").inner_text()
    page.get_by_label("Επιβεβαιώνω την οριστική υποβολή της αίτησης").check()
    follow(page, page.get_by_role("button", name="Οριστικοποίηση"))
    app = Application.objects.get(call__code=CALL, business__afm="994681285")
    assert app.status == Application.Status.SUBMITTED
    return app


def _close_submissions(staff, portal_url, call_id) -> None:
    """The managing authority amends the call: submissions close now (a new public version)."""
    go(staff, f"{portal_url}/calls/manage/")
    follow(staff, staff.locator(f'a[href="/calls/manage/{call_id}/amend/"]').first)
    now = timezone.localtime().replace(second=0, microsecond=0)
    staff.get_by_label("Αιτιολογία τροποποίησης").fill("Λήξη της υποβολής αιτήσεων με απόφαση του φορέα.")
    staff.get_by_label("Λήξη υποβολών", exact=True).fill(now.strftime("%Y-%m-%dT%H:%M"))
    follow(staff, staff.get_by_role("button", name="Δημοσίευση τροποποίησης"))


def _score(committee) -> None:
    """Stages A and B all «ΝΑΙ»; every scored sub-criterion at the top of its scale, justified."""
    for radio in committee.locator('#stages-form input[type="radio"][value="yes"]').all():
        radio.check()
    follow(committee, committee.get_by_role("button", name="Αποθήκευση σταδίων Α και Β"))
    forms = committee.locator('form[id^="sub-"]:has(input[name="value"])')
    for i in range(forms.count()):
        form = forms.nth(i)
        label = form.locator("label").first.inner_text()
        top = re.search(r"\(0–([\d.,]+)\)", label).group(1)
        form.locator('input[name="value"]').fill(top)
        form.locator('textarea[name="justification"]').fill("Πλήρως τεκμηριωμένο στην πρόταση.")
        with committee.expect_response(lambda r: r.request.method == "POST"):
            form.get_by_role("button", name="Αποθήκευση").click()
    seen(committee)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_cluster_applies_the_committee_scores_and_ranks_the_round_is_approved_and_notified(
    open_context, portal_url, viewport
):
    call_command("load_demo", stdout=io.StringIO())
    cluster = open_context(viewport).new_page()
    app = _apply(cluster, portal_url)

    admin = open_context().new_page()
    staff_login(admin, portal_url, "admin")
    _close_submissions(admin, portal_url, app.call_id)

    # The supervisor appoints the committee; appointing it assigns the round's applications.
    boss = open_context().new_page()
    staff_login(boss, portal_url, "supervisor")
    go(boss, f"{portal_url}/evaluation/comparative/")
    follow(boss, boss.locator("#calls-without-committee").get_by_role("link").first)
    boss.get_by_label("Πρόεδρος").select_option(label="Μέλος Επιτροπής (committee)")
    boss.get_by_label("Απόφαση συγκρότησης", exact=False).fill("Απόφαση 12/2026 ΕΦ")
    follow(boss, boss.get_by_role("button", name="Συγκρότηση"))

    # The chair declares no conflict, opens the sheet, scores and finalises.
    committee = open_context().new_page()
    staff_login(committee, portal_url, "committee")
    go(committee, f"{portal_url}/evaluation/comparative/call/{app.call_id}/")
    follow(committee, committee.get_by_role("link", name=str(app)))
    follow(committee, committee.get_by_role("link", name=re.compile("δήλωση", re.IGNORECASE)).first)
    committee.get_by_label("Δεν υπάρχει σύγκρουση συμφερόντων").check()
    committee.locator("#id_confirm").check()
    follow(committee, committee.get_by_role("button", name="Υπογραφή δήλωσης"))
    go(committee, f"{portal_url}/evaluation/comparative/application/{app.pk}/")
    follow(committee, committee.get_by_role("button", name="Άνοιγμα φύλλου βαθμολόγησης"))
    _score(committee)
    follow(committee, committee.get_by_role("button", name="Οριστικοποίηση βαθμολόγησης"))

    # The committee ranks and gives its opinion; the supervisor approves and signs the decision.
    go(committee, f"{portal_url}/evaluation/comparative/call/{app.call_id}/ranking/")
    follow(committee, committee.get_by_role("button", name="Υπολογισμός κατάταξης"))
    assert str(app) in committee.locator("main").inner_text()
    committee.get_by_label("Κείμενο").fill("Η Επιτροπή εισηγείται την έγκριση των πινάκων.")
    follow(committee, committee.get_by_role("button", name="Καταχώριση γνωμοδότησης"))
    go(boss, f"{portal_url}/evaluation/comparative/call/{app.call_id}/ranking/")
    follow(boss, boss.get_by_role("button", name=re.compile("Έγκριση αποτελεσμάτων")))
    app.refresh_from_db()
    assert app.status == Application.Status.APPROVED
    # Finalising the sheet and approving the round each went through a confirmation page.
    assert getattr(committee, "confirmations", []) and getattr(boss, "confirmations", [])
    follow(boss, boss.locator("#run-decisions").get_by_role("link", name=re.compile(str(app))))
    boss.locator("#id_confirm").check()
    follow(boss, boss.get_by_role("button", name="Υπογραφή απόφασης"))
    decision = Decision.objects.get(application=app, kind=Decision.Kind.APPROVAL)
    assert decision.ada and decision.ada in boss.locator("#decision-ada").inner_text()

    # The notice reaches the cluster: its inbox and its result page.
    go(cluster, f"{portal_url}/inbox/")
    assert str(app.protocol_number) in cluster.locator("main").inner_text()
    go(cluster, f"{portal_url}/evaluation/my/")
    follow(cluster, cluster.get_by_role("link", name=app.protocol_number))
    result = cluster.locator("main").inner_text()
    assert "Εγκριτική απόφαση" in result and decision.ada in result
    decision.refresh_from_db()
    assert decision.state == Decision.State.NOTIFIED
    notices = [
        m
        for m in mail.outbox
        if "info@cluster.example.gr" in m.to and decision.protocol_number in m.subject + m.body
    ]
    assert notices, [(m.to, m.subject) for m in mail.outbox]
