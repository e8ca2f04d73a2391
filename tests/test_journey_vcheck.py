"""Journey «vcheck», through the pages after `load_demo`: the verifier takes the cluster's submitted
verification request (call 004), fills the checklist, draws and reads the item sample, records an
ineligible amount, drafts the report; the supervisor approves it; the cluster objects within the
15 days; the supervisor decides the objection. At 1280 and 390 px, axe-core on every page.

The starting point — a submitted ΔΔΔ of the demo cluster operation — is written before the first
page: the filing pages (area «vreq») are not on main yet, and the demo holds no request. Nothing is
written between pages.
"""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from operations.models import Operation
from tests.conftest import DESKTOP, PHONE
from tests.journey import follow, go, seen, staff_login, taxisnet_login
from verification.models import Correction, ExpenditureItem, VerificationRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CLUSTER_AFM = "994681285"


def _submitted_request_of_the_demo_cluster() -> VerificationRequest:
    op = Operation.objects.get(business__afm=CLUSTER_AFM)
    amounts = [("01.09", "6000.00")] + [("01.09", "4888.89")] * 8 + [("01.09", "4888.88")]
    amounts += [("02.06", "12500.00"), ("02.06", "3100.00"), ("02.06", "2400.00")]
    req = VerificationRequest.objects.create(
        operation=op,
        seq=1,
        kind=VerificationRequest.Kind.FIRST,
        state=VerificationRequest.State.SUBMITTED,
        declared_total=sum((Decimal(a) for _c, a in amounts), Decimal("0.00")),
        selected=True,
        selection_rule="first",
        created_by=op.application.applicant_user,
        submitted_at=timezone.now() - datetime.timedelta(days=3),
    )
    for n, (category, amount) in enumerate(amounts, 1):
        ExpenditureItem.objects.create(
            request=req,
            category=category,
            supplier_name=f"Προμηθευτής {n} ΑΕ",
            document_number=f"ΤΠΥ-{n:03d}",
            document_date=datetime.date(2026, 1, n),
            amount=Decimal(amount),
            payment_proof=f"Έμβασμα {n}",
        )
    return req


def _amount(text: str) -> str:
    return re.search(r"[\d.]+,\d\d", text).group(0)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_verifier_checks_supervisor_approves_cluster_objects_supervisor_decides(
    open_context, portal_url, viewport
):
    call_command("load_demo", stdout=io.StringIO())
    req = _submitted_request_of_the_demo_cluster()
    assert not User.objects.get(username="verifier").evaluation_assignments.exists()

    # The verifier takes the request, answers the checklist and draws the sample.
    v = open_context(viewport).new_page()
    staff_login(v, portal_url, "verifier")
    follow(v, v.get_by_role("link", name="Αιτήματα επαλήθευσης"))
    follow(v, v.locator("#check-queue a").first)
    follow(v, v.get_by_role("button", name="Ανάληψη για επαλήθευση"))
    assert "Αναλάβατε" in v.content()
    for radio in v.locator('input[type="radio"][value="yes"]').all():
        radio.check()
    follow(v, v.get_by_role("button", name="Αποθήκευση λίστας ελέγχου"))
    follow(v, v.get_by_role("button", name="Επιλογή δείγματος"), url="**/sample/")
    text = v.locator("main").inner_text()
    assert "Υποχρεωτική: ποσό ≥ 10" in text and "Τυχαία επιλογή #1" in text
    assert "Κάλυψη ανά κατηγορία" in text
    follow(v, v.get_by_role("link", name="Επιστροφή στην επαλήθευση"))

    # Item results: the 6.000,00 € invoice is cut by 1.000,00 €, the others accepted in full.
    first = True
    while v.get_by_role("link", name=re.compile("^Καταχώριση αποτελέσματος")).count():
        follow(v, v.get_by_role("link", name=re.compile("^Καταχώριση αποτελέσματος")).first)
        declared = _amount(v.locator("#declared").inner_text())
        if first:
            assert declared == "6.000,00"
            v.get_by_label("Επιλέξιμο ποσό (€)").fill("6.000,001")
            follow(v, v.get_by_role("button", name="Καταχώριση αποτελέσματος"))
            assert "δύο δεκαδικά" in v.content()  # refused at the field, nothing saved
            v.get_by_label("Επιλέξιμο ποσό (€)").fill("5.000,00")
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
    c.get_by_label("Αντιρρήσεις").fill("Το τιμολόγιο ΤΠΥ-001 αφορά εξ ολοκλήρου εγκεκριμένο παραδοτέο.")
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


def _submitted_claim_of_the_demo_grevena() -> VerificationRequest:
    """A ΚΥΑ 7066 two-month claim: one 01.23 hire, two months at the unit cost (Art. 5.1, 8.1)."""
    op = Operation.objects.get(business__afm=GREVENA_AFM)
    req = VerificationRequest.objects.create(
        operation=op,
        seq=1,
        kind=VerificationRequest.Kind.PERIOD,
        state=VerificationRequest.State.SUBMITTED,
        period_start=op.starts_on,
        period_end=op.starts_on + datetime.timedelta(days=59),
        declared_total=Decimal("1659.00"),
        selected=True,
        selection_rule="first",
        created_by=op.application.applicant_user,
        submitted_at=timezone.now() - datetime.timedelta(days=1),
    )
    for n in (1, 2):
        ExpenditureItem.objects.create(
            request=req,
            category="01.23",
            supplier_name="Μισθοδοσία θέσης 1",
            document_number=f"ΑΠΔ-{n}",
            amount=Decimal("829.50"),
            payment_proof=f"Μισθοδοτική κατάσταση μήνα {n}",
        )
    return req


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_kya7066_claim_is_verified_in_full_and_the_business_accepts(open_context, portal_url, viewport):
    call_command("load_demo", stdout=io.StringIO())
    req = _submitted_claim_of_the_demo_grevena()

    v = open_context(viewport).new_page()
    staff_login(v, portal_url, "verifier")
    go(v, f"{portal_url}/verification/checks/?q={req.operation.code}")
    follow(v, v.locator("#check-queue a").first)
    follow(v, v.get_by_role("button", name="Ανάληψη για επαλήθευση"))
    for radio in v.locator('input[type="radio"][value="yes"]').all():
        radio.check()
    follow(v, v.get_by_role("button", name="Αποθήκευση λίστας ελέγχου"))
    follow(v, v.get_by_role("button", name="Επιλογή δείγματος"), url="**/sample/")
    # Two months of 829,50 € are each ≥ 10% of their category: both mandatory, 100% covered.
    assert v.locator("#sample-items tbody tr").count() == 2
    follow(v, v.get_by_role("link", name="Επιστροφή στην επαλήθευση"))
    while v.get_by_role("link", name=re.compile("^Καταχώριση αποτελέσματος")).count():
        follow(v, v.get_by_role("link", name=re.compile("^Καταχώριση αποτελέσματος")).first)
        v.get_by_label("Επιλέξιμο ποσό (€)").fill("829,50")
        follow(v, v.get_by_role("button", name="Καταχώριση αποτελέσματος"))
    follow(v, v.get_by_role("button", name="Υποβολή έκθεσης για έγκριση"))

    s = open_context(viewport).new_page()
    staff_login(s, portal_url, "supervisor")
    go(s, f"{portal_url}/verification/checks/{req.pk}/")
    follow(s, s.get_by_role("button", name="Έγκριση έκθεσης"))
    req.refresh_from_db()
    # Art. 8.5: no financial correction → 30 calendar days to object.
    assert req.state == VerificationRequest.State.REPORT_APPROVED and req.accepted_total == Decimal("1659.00")
    assert (req.objection_deadline - timezone.localdate()).days >= 30

    b = open_context(viewport).new_page()
    taxisnet_login(b, portal_url, "grevena")
    go(b, f"{portal_url}/verification/{req.pk}/result/")
    follow(b, b.get_by_role("button", name="Αποδοχή του αποτελέσματος"))
    assert "Αποδεχθήκατε το αποτέλεσμα" in b.content()
    req.refresh_from_db()
    assert req.state == VerificationRequest.State.ACCEPTED and req.accepted_how == "beneficiary"
