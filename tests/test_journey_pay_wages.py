"""Journey «pay_wages» (ΚΥΑ 16936 Art. 7, 8, 10(2)), through the pages only after `load_demo`.

The placement service («ypiresia») prepares last month's wage dossier of the demo call
«…-misthodosia» from the attendance it recorded: the first participant had 2 days of unjustified
absence, so the gross is 1.300,00 − 2 × 1.300,00 / 25 = 1.196,00 € with contributions 165,89 € /
260,61 € at the call's (placeholder) rates; the second had leave and short sick leave: 1.300,00 €,
no cut. A weekend premium above the gross is refused (Example D); the ΦΜΥ of the first is entered;
an invalid IBAN is refused at the field, then the first's IBAN is given with the first payment; the
dossier is submitted (confirmation, receipt). ΚΠΑ2 («supervisor») verifies it (confirmation): one
WAGE_NET payment per participant to their IBAN and one WAGE_CONTRIBUTIONS through ΤΠΤΕ are opened
with exact amounts. At 1280 and 390 px; axe-core on every page (tests/journey.py).
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from calls.models import PlacementService
from evaluation.points.models import Placement
from payments.demo_wages import CALL_CODE
from payments.models import Payment, WageDossier
from tests.conftest import DESKTOP, PHONE
from tests.journey import follow, open_payment_in_queue, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
IBAN = "GR12 0110 1250 0000 0001 2345 678"


def _row(page, placement):
    return page.locator(f'[id="line-{placement.application.protocol_number}"]')


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_host_submits_the_month_with_absences_and_kpa2_verifies_it_into_payments(
    open_context, portal_url, viewport
):
    call_command("load_demo", stdout=io.StringIO())
    first, second = Placement.objects.filter(round__call__code=CALL_CODE).order_by("final_rank")
    service = PlacementService.objects.get(call__code=CALL_CODE, code="opekepe-athina")
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)

    host = open_context(viewport).new_page()
    staff_login(host, portal_url, "ypiresia")
    follow(host, host.locator("#panel-host-service").get_by_role("link", name="Μηνιαίοι φάκελοι μισθοδοσίας"))
    host.get_by_label("Υπηρεσία τοποθέτησης").select_option(str(service.pk))
    host.get_by_label("Μήνας απασχόλησης").select_option(last_month.isoformat())
    follow(host, host.get_by_role("button", name="Σύνταξη από τις παρουσίες"))
    dossier = WageDossier.objects.get(service=service, month=last_month)
    row = _row(host, first)
    assert row.locator('[data-field="gross"]').inner_text().startswith("1.196,00 €")  # D = 25
    assert row.locator('[data-field="employee"]').inner_text() == "165,89 €"
    assert row.locator('[data-field="employer"]').inner_text() == "260,61 €"
    assert _row(host, second).locator('[data-field="gross"]').inner_text().startswith("1.300,00 €")

    # Example D: a weekend premium above the gross is the host's; nothing is saved.
    follow(host, row.get_by_role("link", name="ΦΜΥ και επίδομα"))
    host.get_by_label("ΦΜΥ του μήνα", exact=False).fill("35,00")
    host.get_by_label("Άλλη γραμμή αξίωσης", exact=False).fill("Προσαύξηση εργασίας Σαββατοκύριακου")
    host.get_by_label("Ποσό άλλης γραμμής", exact=False).fill("80,00")
    follow(host, host.get_by_role("button", name="Αποθήκευση"))
    assert "καλύπτει ο φορέας" in host.locator("main").inner_text()
    assert dossier.lines.get(placement=first).income_tax == 0
    host.get_by_label("Άλλη γραμμή αξίωσης", exact=False).fill("")
    host.get_by_label("Ποσό άλλης γραμμής", exact=False).fill("")
    follow(host, host.get_by_role("button", name="Αποθήκευση"))
    assert _row(host, first).locator('[data-field="net"]').inner_text() == "995,11 €"  # 1.196 − 165,89 − 35

    # The IBAN with the first payment (Art. 8(1)(β)(xiv)): a wrong check digit is refused at the field.
    follow(host, _row(host, first).get_by_role("link", name="Καταχώριση IBAN"))
    host.get_by_label("IBAN").fill("GR13 0110 1250 0000 0001 2345 678")
    host.get_by_label("πρώτος/η δικαιούχος", exact=False).check()
    follow(host, host.get_by_role("button", name="Καταχώριση λογαριασμού"))
    assert "δεν είναι έγκυρος" in host.locator("main").inner_text()
    host.get_by_label("IBAN").fill(IBAN)
    host.get_by_label("πρώτος/η δικαιούχος", exact=False).check()
    follow(host, host.get_by_role("button", name="Καταχώριση λογαριασμού"))
    listed = host.locator("#wage-lines").inner_text()
    assert "GR12 **** 5678" in listed and IBAN.replace(" ", "") not in listed

    follow(host, host.get_by_role("link", name="Υποβολή στο ΚΠΑ2"))
    host.get_by_label("Ταυτότητα πληρωμής", exact=False).fill("901234567890123456")
    host.get_by_label("ΑΠΔ", exact=False).fill("ΑΠΔ-2026-11-0042")
    host.get_by_label("νόμιμος εκπρόσωπος", exact=False).check()
    follow(host, host.get_by_role("button", name="Συνέχεια"))  # the confirmation is ticked by follow
    assert host.confirmations[-1] == "Υποβολή μηνιαίου φακέλου μισθοδοσίας"
    assert "Ο φάκελος υποβλήθηκε στο ΚΠΑ2" in host.locator("#receipt").inner_text()
    dossier.refresh_from_db()
    assert dossier.state == WageDossier.State.SUBMITTED

    kpa2 = open_context(viewport).new_page()
    staff_login(kpa2, portal_url, "supervisor")
    follow(kpa2, kpa2.locator("#role-supervisor").get_by_role("link", name="Μηνιαίοι φάκελοι μισθοδοσίας"))
    follow(kpa2, kpa2.get_by_role("link", name=dossier.code))
    follow(kpa2, kpa2.get_by_role("link", name="Επαλήθευση και άνοιγμα πληρωμών"))
    follow(kpa2, kpa2.get_by_role("button", name="Επαλήθευση"))
    assert kpa2.confirmations[-1] == "Επαλήθευση φακέλου και άνοιγμα πληρωμών"
    dossier.refresh_from_db()
    assert dossier.state == WageDossier.State.PAYMENTS_OPENED
    payments = Payment.objects.filter(call=dossier.call)
    net = {p.payee_iban: p.amount for p in payments.filter(kind=Payment.Kind.WAGE_NET)}
    assert net == {
        IBAN.replace(" ", ""): Decimal("995.11"),
        "GR5101101250000000087654321": Decimal("1119.69"),
    }
    contributions = payments.get(kind=Payment.Kind.WAGE_CONTRIBUTIONS)
    # (165,89 + 180,31) + (260,61 + 283,27) + 35,00 through ΤΠΤΕ
    assert contributions.amount == Decimal("925.08") and contributions.payee_kind == Payment.PayeeKind.TPTE
    # The verified dossier is their documents (Art. 8(3), 10(2)): straight to the payment officer.
    assert all(p.state == Payment.State.SUBMITTED and p.protocol_number == dossier.code for p in payments)
    shown = kpa2.locator("#payments").inner_text()
    assert "995,11 €" in shown and "1.119,69 €" in shown and "925,08 €" in shown

    # «payer» finds the participant's net pay in the queue and proposes it for approval.
    net_payment = payments.get(kind=Payment.Kind.WAGE_NET, amount=Decimal("1119.69"))
    payer = open_context(viewport).new_page()
    open_payment_in_queue(payer, portal_url, "payer", "payment_officer", net_payment)
    follow(payer, payer.get_by_role("button", name="Πρόταση για έγκριση"))
    assert "Προτάθηκε για έγκριση" in payer.locator("#payment-state").inner_text()
    net_payment.refresh_from_db()
    assert net_payment.state == Payment.State.PROPOSED
