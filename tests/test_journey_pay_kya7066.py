"""Journey (issue 13, ΚΥΑ 7066): after load_demo, grevena records its hire and files the first
two-month claim with a short month (20 days of 01.23 = 663,60 €) and the documents of Art. 8.2; the
verifier checks it in full, the supervisor approves the report, the business accepts it; the DRAFT
payment appears with its exact breakdown — and, with no entry questionnaire recorded by the claim's
date, without its first tranche (Art. 7.4, 8.6, example E12) — and the business objects to the
payment decision within its 30 days (Art. 8.5), with a receipt. Desktop and 390 px."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from opske.money import format_number, parse_amount
from payments.models import Payment, PaymentObjection
from tests.conftest import DESKTOP, PHONE
from tests.journey import follow, go, staff_login, taxisnet_login
from tests.test_journey_hires import record_hire_and_file_claim
from verification.models import VerificationRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _amount(text: str) -> str:
    return format_number(parse_amount(text.replace("€", "").strip()))


def verify_in_full_and_accept(open_context, viewport, portal_url, req) -> None:
    """The verifier checks every month, the supervisor approves, the business accepts (as in
    tests/test_journey_vcheck.py)."""
    v = open_context(viewport).new_page()
    staff_login(v, portal_url, "verifier")
    go(v, f"{portal_url}/verification/checks/?q={req.operation.code}")
    follow(v, v.locator("#check-queue a").first)
    follow(v, v.get_by_role("button", name="Ανάληψη για επαλήθευση"))
    for radio in v.locator('input[type="radio"][value="yes"]').all():
        radio.check()
    follow(v, v.get_by_role("button", name="Αποθήκευση λίστας ελέγχου"))
    follow(v, v.get_by_role("button", name="Επιλογή δείγματος"), url="**/sample/")
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

    b = open_context(viewport).new_page()
    taxisnet_login(b, portal_url, "grevena")
    go(b, f"{portal_url}/verification/{req.pk}/result/")
    follow(b, b.get_by_role("button", name="Αποδοχή του αποτελέσματος"))
    req.refresh_from_db()
    assert req.state == VerificationRequest.State.ACCEPTED


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_grevena_claim_is_paid_by_the_rules_and_the_business_objects_to_the_payment(
    open_context, portal_url, viewport
):
    call_command("load_demo", stdout=io.StringIO())
    page = open_context(viewport).new_page()
    req = record_hire_and_file_claim(page, portal_url)
    assert {a.required_attachment.opske_code for a in req.attachments.filter(is_current=True)} >= {
        "01.16",
        "09.03",
    }  # the first claim carries the bank document (Art. 8.2 §1(iii))
    verify_in_full_and_accept(open_context, viewport, portal_url, req)

    # The DRAFT payment the accepted result opened: the months by the rule, then the gate.
    payment = Payment.objects.get(verification_request=req)
    assert (payment.state, payment.kind) == (Payment.State.DRAFT, Payment.Kind.PERIOD)
    assert [line["amount"] for line in payment.breakdown] == ["829.50", "663.60", "-1493.10"]
    assert payment.amount == Decimal("0.00")

    b = open_context(viewport).new_page()
    taxisnet_login(b, portal_url, "grevena")
    follow(b, b.get_by_role("link", name=f"Θέσεις και προσλήψεις {req.operation.code}"))
    follow(b, b.locator("#claims-link"))
    follow(b, b.locator("#payments-link"))
    breakdown = b.locator(f"#breakdown-{payment.pk}").inner_text()
    assert "829,50 €" in breakdown and "663,60 €" in breakdown  # 20 days × 829,50/25 (E3)
    assert "1.493,10 €" in breakdown and "ΚΥΑ 7066 Άρθ. 7.4, 8.6" in breakdown
    assert "0,00 €" in b.locator(f"#payment-{payment.pk} [data-payment-amount]").inner_text()
    assert "δελτίο εισόδου" in b.locator(f"#warnings-{payment.pk}").inner_text()

    follow(b, b.get_by_role("link", name=payment.code))
    assert "30 ημερολογιακές ημέρες" in b.locator("#objection-window").inner_text()
    follow(b, b.locator("#objection-link"))
    follow(b, b.get_by_role("button", name="Υποβολή αντιρρήσεων"))  # empty: refused at the field
    assert b.locator("#id_text-error").count() == 1
    assert not PaymentObjection.objects.exists()
    b.get_by_label("Οι αντιρρήσεις σας").fill(
        "Το απογραφικό δελτίο εισόδου συμπληρώθηκε έγκαιρα στο ΟΠΣ ΤΔΜ· ζητούμε την καταβολή του διμήνου."
    )
    follow(b, b.get_by_role("button", name="Υποβολή αντιρρήσεων"))  # confirmation, then receipt
    objection = PaymentObjection.objects.get(payment=payment)
    assert objection.state == PaymentObjection.State.FILED and objection.claimed_amount == Decimal("1493.10")
    assert objection.protocol_number in b.locator("#objection-protocol").inner_text()
    assert b.confirmations == ["Υποβολή αντιρρήσεων επί πληρωμής"]

    # The committee finds it in its list.
    c = open_context(viewport).new_page()
    staff_login(c, portal_url, "committee")
    follow(c, c.get_by_role("link", name="Αντιρρήσεις επί πληρωμών (ΚΥΑ 7066 Άρθ. 8.5)"))
    assert objection.protocol_number in c.locator("#objections-table").inner_text()
