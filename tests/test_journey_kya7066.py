"""Journey ΚΥΑ 7066, through the pages only after `load_demo`: a business applies, the submission is
assigned to an evaluator automatically (the call's «assignment» setting, default «auto»), the
evaluator declares no conflict and answers the criteria, the supervisor approves at the second level
and signs the decision, Διαύγεια (sandbox) gives its ΑΔΑ, the notice reaches the business's inbox and
e-mail, the business objects (confirmation page) and the objection is examined and decided.

The business's pages run at 1280 px and again at 390 px (no sideways scroll); axe-core on every page.
"""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command

from applications.models import Application
from evaluation.models import Assignment, Decision, Objection
from tests.conftest import DESKTOP, PHONE
from tests.journey import follow, go, seen, staff_login, taxisnet_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CALL = "kya7066-proslipseis-esdim"


def _upload(page, code) -> None:
    page.get_by_label(f"Αρχείο ({code})").set_input_files(
        {"name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
    )
    page.locator(f'form:has-text("Αρχείο ({code})")').first.get_by_role("button", name="Ανάρτηση").click()
    page.wait_for_selector(f'a:has-text("{code}.pdf")')


def _apply(page, portal_url) -> Application:
    taxisnet_login(page, portal_url, "lignitis")
    go(page, f"{portal_url}/calls/{CALL}/")
    follow(page, page.get_by_role("button", name="Υποβολή αίτησης"))
    page.get_by_label("E-mail κοινοποιήσεων").fill("info@lignitis.example.gr")
    follow(page, page.get_by_role("button", name="Αποθήκευση και συνέχεια"), url="**/step/positions/")
    page.get_by_label("Ειδικότητα 1").fill("Ηλεκτρολόγος")
    page.get_by_label("Προσόντα 1").fill("Άδεια ηλεκτρολόγου")
    page.get_by_label("Κατηγορία 1").select_option("01.22")
    page.get_by_label("Άτομα 1").fill("1")
    page.get_by_label("Περιφέρεια 1").fill("Δυτικής Μακεδονίας")
    page.get_by_label("Περιφερειακή ενότητα 1").fill("Κοζάνης")
    page.get_by_label("Δήμος 1").fill("Κοζάνης")
    follow(page, page.get_by_role("button", name="Αποθήκευση και συνέχεια"), url="**/step/de_minimis/")
    page.get_by_label("Δηλώνω υπεύθυνα").check()
    follow(page, page.get_by_role("button", name="Αποθήκευση και συνέχεια"), url="**/step/attachments/")
    codes = page.locator('input[type="file"]').evaluate_all(
        "els => els.map(e => e.labels[0].innerText.match(/\\(([^)]+)\\)/)[1])"
    )
    for code in codes:
        _upload(page, code)
    seen(page)
    follow(page, page.get_by_role("link", name="Συνέχεια"), url="**/step/declarations/")
    page.get_by_label("Γνωρίζω ότι η οριστικοποιημένη αίτηση", exact=False).check()
    page.get_by_label("Συναινώ στην επεξεργασία", exact=False).check()
    follow(page, page.get_by_role("button", name="Αποθήκευση και συνέχεια"), url="**/confirm/")
    assert page.locator("#blocking-problems").count() == 0, page.locator("#blocking-problems").inner_text()
    page.get_by_label("Επιβεβαιώνω την οριστική υποβολή της αίτησης").check()
    follow(page, page.get_by_role("button", name="Οριστικοποίηση"))
    app = Application.objects.filter(call__code=CALL, business__afm="804773470").latest("pk")
    assert app.status == Application.Status.SUBMITTED
    return app


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_business_applies_is_evaluated_approved_notified_objects_and_the_objection_is_decided(
    open_context, portal_url, viewport
):
    call_command("load_demo", stdout=io.StringIO())
    business = open_context(viewport).new_page()
    app = _apply(business, portal_url)
    assignment = Assignment.objects.get(application=app, role=Assignment.Role.EVALUATOR)

    # The evaluator finds it assigned, declares no conflict and answers the eight criteria.
    evaluator = open_context().new_page()
    staff_login(evaluator, portal_url, assignment.evaluator.username)
    go(evaluator, f"{portal_url}/evaluation/")
    row = evaluator.locator("tr", has_text=app.protocol_number)
    follow(evaluator, row.get_by_role("link", name="Δήλωση μη σύγκρουσης"))
    evaluator.get_by_label("Δεν υπάρχει σύγκρουση συμφερόντων").check()
    evaluator.locator("#id_confirm").check()
    follow(evaluator, evaluator.get_by_role("button", name="Υπογραφή δήλωσης"))
    if evaluator.get_by_role("button", name="Άνοιγμα φόρμας αξιολόγησης").count():
        follow(evaluator, evaluator.get_by_role("button", name="Άνοιγμα φόρμας αξιολόγησης"))
    for code in "12345678":
        criterion = evaluator.locator(f"#criterion-{code}")
        criterion.get_by_label("ΝΑΙ").check()
        criterion.get_by_text("Αποθηκεύτηκε").wait_for()
    seen(evaluator)
    follow(evaluator, evaluator.get_by_role("button", name="Υποβολή αξιολόγησης"))

    # The supervisor reviews at the second level, agrees and signs the approval decision.
    boss = open_context().new_page()
    staff_login(boss, portal_url, "supervisor")
    go(boss, f"{portal_url}/evaluation/reviews/")
    follow(boss, boss.locator("tr", has_text=app.protocol_number).get_by_role("link").first)
    if boss.get_by_role("button", name="Ανάληψη ελέγχου β' επιπέδου").count():
        follow(boss, boss.get_by_role("button", name="Ανάληψη ελέγχου β' επιπέδου"))
    else:
        follow(boss, boss.get_by_role("link", name="Δήλωση μη σύγκρουσης συμφερόντων"))
    boss.get_by_label("Δεν υπάρχει σύγκρουση συμφερόντων").check()
    boss.locator("#id_confirm").check()
    follow(boss, boss.get_by_role("button", name="Υπογραφή δήλωσης"))
    boss.get_by_label("Συμφωνώ με το α' επίπεδο").check()
    follow(boss, boss.get_by_role("button", name="Οριστικοποίηση ελέγχου"))
    follow(boss, boss.get_by_role("link", name=re.compile("Εγκριτική απόφαση")))
    boss.locator("#id_confirm").check()
    follow(boss, boss.get_by_role("button", name="Υπογραφή απόφασης"))
    decision = Decision.objects.get(application=app, kind=Decision.Kind.APPROVAL)
    assert decision.ada and decision.ada in boss.locator("#decision-ada").inner_text()
    assert decision.state == Decision.State.NOTIFIED

    # The notice reaches the business: its inbox and the e-mail to its addresses.
    go(business, f"{portal_url}/inbox/")
    subject = f"Εγκριτική απόφαση.*{app.protocol_number}"
    follow(business, business.get_by_role("link", name=re.compile(subject)))
    assert decision.ada in business.locator("main").inner_text()
    notices = [m for m in mail.outbox if re.search(subject, m.subject)]
    assert notices and any("info@lignitis.example.gr" in m.to for m in notices), [
        (m.to, m.subject) for m in mail.outbox
    ]

    # The business objects within the deadline, confirming the once-only filing.
    go(business, f"{portal_url}/evaluation/my/")
    follow(business, business.get_by_role("link", name=app.protocol_number))
    assert decision.objection_deadline.strftime("%d/%m/%Y") in business.locator("main").inner_text()
    business.get_by_label("Λόγοι της ένστασης").fill("Ζητούμε την ένταξη και δεύτερης θέσης ηλεκτρολόγου.")
    follow(business, business.get_by_role("button", name="Υποβολή ένστασης"))
    objection = Objection.objects.get(decision=decision)
    # The irreversible steps each went through their confirmation page (issue 10 item 5).
    assert getattr(evaluator, "confirmations", []) and getattr(business, "confirmations", [])
    assert "Υποβλήθηκε" in business.locator("main").inner_text()

    # The objection is examined (opinion) and decided by the supervisor.
    go(boss, f"{portal_url}/evaluation/objections/")
    follow(boss, boss.get_by_role("link", name=app.protocol_number))
    boss.get_by_label("Απόρριψη").check()
    boss.get_by_label("Γνωμοδότηση", exact=True).fill("Η αίτηση ζήτησε μία θέση· δεν προκύπτει δεύτερη.")
    follow(boss, boss.get_by_role("button", name="Καταχώριση γνωμοδότησης"))
    boss.get_by_label("Η ένσταση απορρίπτεται").check()
    boss.get_by_label("Αιτιολόγηση").fill("Η αίτηση περιλαμβάνει μία θέση (ΚΥΑ 7066 Άρθ. 7.5).")
    follow(boss, boss.get_by_role("button", name="Καταχώριση απόφασης"))
    objection.refresh_from_db()
    assert objection.state == Objection.State.REJECTED
    go(business, business.url)
    assert "απορρίπτεται" in business.locator("main").inner_text().lower() or "Απορρίφθηκε" in (
        business.locator("main").inner_text()
    )
