"""Journey «vcheck», through the pages after `load_demo`: the verifier takes the cluster's submitted
verification request (call 004), fills the checklist, draws and reads the item sample, records an
ineligible amount, drafts the report; the supervisor approves it; the cluster objects within the
15 days; the supervisor decides the objection. At 1280 and 390 px, axe-core on every page.

Each journey starts where the beneficiary's own journey ends: the cluster files its first request
through its pages (tests/test_journey_vreq.py), grevena records its hire and files its two-month
claim (tests/test_journey_hires.py). Nothing is written outside the pages.
"""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from opske.money import format_number, parse_amount
from tests.conftest import DESKTOP, PHONE
from tests.journey import follow, go, seen, staff_login, taxisnet_login
from tests.test_journey_hires import record_hire_and_file_claim
from tests.test_journey_vreq import file_first_request
from verification.models import Correction, VerificationRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CLUSTER_AFM = "994681285"


def _amount(text: str) -> str:
    return re.search(r"[\d.]+,\d\d", text).group(0)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_verifier_checks_supervisor_approves_cluster_objects_supervisor_decides(
    open_context, portal_url, viewport
):
    call_command("load_demo", stdout=io.StringIO())
    req = file_first_request(open_context(viewport).new_page(), portal_url)
    assert not User.objects.get(username="verifier").evaluation_assignments.exists()

    # The verifier takes the request, answers the checklist and draws the sample.
    v = open_context(viewport).new_page()
    staff_login(v, portal_url, "verifier")
    follow(v, v.get_by_role("link", name="Διοικητική επαλήθευση: ουρά ελέγχου"))
    follow(v, v.locator("#check-queue a").first)
    follow(v, v.get_by_role("button", name="Ανάληψη για επαλήθευση"))
    assert "Αναλάβατε" in v.content()
    for radio in v.locator('input[type="radio"][value="yes"]').all():
        radio.check()
    follow(v, v.get_by_role("button", name="Αποθήκευση λίστας ελέγχου"))
    follow(v, v.get_by_role("button", name="Επιλογή δείγματος"), url="**/sample/")
    text = v.locator("main").inner_text()
    assert "Υποχρεωτική: ποσό ≥ 10" in text  # each invoice is ≥ 10% of its category (Ο.3 §4.3.1.B)
    assert "Κάλυψη ανά κατηγορία" in text
    follow(v, v.get_by_role("link", name="Επιστροφή στην επαλήθευση"))

    # Item results: the first invoice is cut by 1.000,00 €, the others accepted in full.
    first = True
    while v.get_by_role("link", name=re.compile("^Καταχώριση αποτελέσματος")).count():
        follow(v, v.get_by_role("link", name=re.compile("^Καταχώριση αποτελέσματος")).first)
        declared = _amount(v.locator("#declared").inner_text())
        if first:
            v.get_by_label("Επιλέξιμο ποσό (€)").fill(declared + "1")
            follow(v, v.get_by_role("button", name="Καταχώριση αποτελέσματος"))
            assert "δύο δεκαδικά" in v.content()  # refused at the field, nothing saved
            cut = parse_amount(declared) - Decimal("1000.00")
            v.get_by_label("Επιλέξιμο ποσό (€)").fill(format_number(cut))
            v.get_by_label("Αιτιολογία μη επιλέξιμου ποσού").fill(
                "Μέρος του τιμολογίου αφορά δαπάνη εκτός φυσικού αντικειμένου."
            )
            first = False
        else:
            v.get_by_label("Επιλέξιμο ποσό (€)").fill(declared)
        follow(v, v.get_by_role("button", name="Καταχώριση αποτελέσματος"))
    v.get_by_label("Συμπεράσματα").fill(
        "Διόρθωση 1.000,00 € στο δείγμα· καμία προβολή στον ανέλεγκτο πληθυσμό."
    )
    follow(v, v.get_by_role("button", name="Υποβολή έκθεσης για έγκριση"))
    req.refresh_from_db()
    assert req.state == VerificationRequest.State.REPORT_DRAFTED
    assert v.confirmations[-1].startswith("Σύνταξη")

    # The supervisor approves (after its confirmation page): the result is served on the cluster.
    s = open_context(viewport).new_page()
    staff_login(s, portal_url, "supervisor")
    go(s, f"{portal_url}/verification/checks/{req.pk}/")
    follow(s, s.get_by_role("button", name="Έγκριση έκθεσης"))
    req.refresh_from_db()
    assert req.state == VerificationRequest.State.REPORT_APPROVED
    assert req.accepted_total == req.declared_total - Decimal("1000.00")
    assert Correction.objects.get(request=req).amount == Decimal("1000.00")
    deadline = req.objection_deadline
    assert (deadline - timezone.localdate()).days >= 15

    # The cluster sees the result and objects.
    c = open_context(viewport).new_page()
    taxisnet_login(c, portal_url, "cluster")
    go(c, f"{portal_url}/verification/{req.pk}/result/")
    assert "1.000,00 €" in c.locator("#result-totals").inner_text()
    assert deadline.strftime("%d/%m/%Y") in c.content()
    follow(c, c.get_by_role("button", name="Υποβολή αντιρρήσεων"))
    assert "Γράψτε τις αντιρρήσεις σας" in c.content()  # empty: refused at the field
    c.get_by_label("Αντιρρήσεις").fill("Το τιμολόγιο αφορά εξ ολοκλήρου εγκεκριμένο παραδοτέο.")
    follow(c, c.get_by_role("button", name="Υποβολή αντιρρήσεων"))
    assert "Οι αντιρρήσεις σας υποβλήθηκαν" in c.content()
    req.refresh_from_db()
    assert req.state == VerificationRequest.State.OBJECTED

    # The supervisor rejects the objection with reasons; the cluster is told.
    go(s, f"{portal_url}/verification/checks/{req.pk}/")
    s.get_by_label("Απορρίπτονται").check()
    s.get_by_label("Αιτιολόγηση απόφασης").fill(
        "Το παραδοτέο δεν περιλαμβάνει το μέρος της δαπάνης που περικόπηκε."
    )
    follow(s, s.get_by_role("button", name="Απόφαση επί των αντιρρήσεων"))
    req.refresh_from_db()
    assert req.state == VerificationRequest.State.CLOSED
    go(c, f"{portal_url}/verification/{req.pk}/result/")
    assert "Απορρίφθηκαν" in c.locator("#my-objection").inner_text()
    seen(c)


GREVENA_AFM = "808982626"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_kya7066_claim_is_verified_in_full_and_the_business_accepts(open_context, portal_url, viewport):
    call_command("load_demo", stdout=io.StringIO())
    req = record_hire_and_file_claim(open_context(viewport).new_page(), portal_url)

    v = open_context(viewport).new_page()
    staff_login(v, portal_url, "verifier")
    go(v, f"{portal_url}/verification/checks/?q={req.operation.code}")
    follow(v, v.locator("#check-queue a").first)
    follow(v, v.get_by_role("button", name="Ανάληψη για επαλήθευση"))
    for radio in v.locator('input[type="radio"][value="yes"]').all():
        radio.check()
    follow(v, v.get_by_role("button", name="Αποθήκευση λίστας ελέγχου"))
    follow(v, v.get_by_role("button", name="Επιλογή δείγματος"), url="**/sample/")
    # Two months (829,50 € and 663,60 €) are each ≥ 10% of their category: both mandatory.
    assert v.locator("#sample-items tbody tr").count() == 2
    follow(v, v.get_by_role("link", name="Επιστροφή στην επαλήθευση"))
    while v.get_by_role("link", name=re.compile("^Καταχώριση αποτελέσματος")).count():
        follow(v, v.get_by_role("link", name=re.compile("^Καταχώριση αποτελέσματος")).first)
        v.get_by_label("Επιλέξιμο ποσό (€)").fill(_amount(v.locator("#declared").inner_text()))
        follow(v, v.get_by_role("button", name="Καταχώριση αποτελέσματος"))
    follow(v, v.get_by_role("button", name="Υποβολή έκθεσης για έγκριση"))

    s = open_context(viewport).new_page()
    staff_login(s, portal_url, "supervisor")
    go(s, f"{portal_url}/verification/checks/{req.pk}/")
    follow(s, s.get_by_role("button", name="Έγκριση έκθεσης"))
    req.refresh_from_db()
    # Art. 8.5: no financial correction → 30 calendar days to object.
    assert req.state == VerificationRequest.State.REPORT_APPROVED and req.accepted_total == Decimal("1493.10")
    assert (req.objection_deadline - timezone.localdate()).days >= 30

    b = open_context(viewport).new_page()
    taxisnet_login(b, portal_url, "grevena")
    go(b, f"{portal_url}/verification/{req.pk}/result/")
    follow(b, b.get_by_role("button", name="Αποδοχή του αποτελέσματος"))
    assert "Αποδεχθήκατε το αποτέλεσμα" in b.content()
    req.refresh_from_db()
    assert req.state == VerificationRequest.State.ACCEPTED and req.accepted_how == "beneficiary"
