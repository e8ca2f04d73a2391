"""Journey «onsite» (Guidance Ο.3 §4.4), through the pages only after `load_demo`: a verifier records
the ΣΔΕ reliability rating of the latest ΕΕΕ, draws the semester's on-the-spot sample for the
ΚΥΑ 7066 programme (confirmation page: irreversible), sees why each operation is in it, plans the
visit (Form Ε.ΙΙ_7_1) and submits the plan; the supervisor approves it; the verifier records the
visit (the α/α ελέγχου is issued), records a finding with an irregular amount (a ΔΚΔ correction)
and issues the provisional report; the beneficiary sees it and comments; the verifier submits the
final report and the supervisor approves it.

The demo has no semi-annual risk run and no expenditure accepted yet: the draw page says so, the
operations count as «not assessed yet», population A is empty (minimums 0) and the demo operation
enters through step 8 (operations without financial execution, ≥ 10% at random).

Every page at 1280 px and again at 390 px (no sideways scroll); axe-core on every page.
"""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from operations.models import Operation
from tests.conftest import DESKTOP, PHONE
from tests.journey import follow, go, staff_login, taxisnet_login
from verification.models import Correction, OnSiteSample, OnSiteVerification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
KYA7066_AFM = "808982626"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_verifier_draws_the_semester_sample_plans_visits_and_the_supervisor_approves_the_report(
    open_context, portal_url, viewport
):
    call_command("load_demo", stdout=io.StringIO())
    op = Operation.objects.get(business__afm=KYA7066_AFM)
    today = timezone.localdate()
    semester = f"{today.year}-H{1 if today.month <= 6 else 2}"

    # The verifier records the ΕΕΕ rating.
    verifier = open_context(viewport).new_page()
    staff_login(verifier, portal_url, "verifier")
    follow(verifier, verifier.get_by_role("link", name="Δειγματοληψία και επιτόπιες επαληθεύσεις"))
    assert "Δεν έχει καταχωριστεί επίπεδο αξιοπιστίας" in verifier.locator("#reliability-in-use").inner_text()
    follow(verifier, verifier.get_by_role("link", name="Επίπεδα αξιοπιστίας ΣΔΕ"))
    follow(verifier, verifier.get_by_role("button", name="Καταχώριση επιπέδου αξιοπιστίας"))  # empty: refused
    assert verifier.locator(".govgr-error-summary").count() == 1
    verifier.get_by_label("Εφαρμόζεται, αλλά μερικές βελτιώσεις απαιτούνται").check()
    verifier.get_by_label("Έτος της Ετήσιας Έκθεσης Ελέγχου").fill(str(today.year - 1))
    verifier.get_by_label("Στοιχεία ΕΕΕ").fill("ΕΔΕΛ ΕΕΕ 2025")
    follow(verifier, verifier.get_by_role("button", name="Καταχώριση επιπέδου αξιοπιστίας"))
    assert "ΕΔΕΛ ΕΕΕ 2025" in verifier.locator("#ratings").inner_text()

    # The draw: programme and semester, then population A, the missing risk run and step 8.
    go(verifier, f"{portal_url}/verification/onsite/")
    follow(verifier, verifier.get_by_role("link", name="Κλήρωση δείγματος εξαμήνου"))
    verifier.get_by_label("Πρόγραμμα").select_option(label=op.call.programme.title)
    verifier.get_by_label("Φορέας διαχείρισης (ΔΑ/ΕΦ)").select_option(op.management_body)
    verifier.get_by_label("Εξάμηνο").fill(semester)
    follow(verifier, verifier.get_by_role("button", name="Συνέχεια"))
    assert "Δεν υπάρχει εξαμηνιαία εκτίμηση κινδύνου" in verifier.locator("#risk-run").inner_text()
    assert "15%" in verifier.locator("#minimums").inner_text()
    if verifier.locator("#population-a").count():
        # Demo data of other areas may hold accepted expenditure: B ≤ 10, chosen by judgement (§4.4.5).
        for box in verifier.locator("#population-a input[type=checkbox]").all():
            box.check()
    else:
        assert verifier.locator("#population-a-empty").count() == 1
        # Its hires last beyond the semester, so it is not pre-ticked: the verifier includes it (§4.4.8).
        verifier.locator(f"#noexec_{op.pk}").check()
    follow(
        verifier, verifier.get_by_role("button", name="Έλεγχος και κλήρωση")
    )  # confirmation, then the draw
    sample = OnSiteSample.objects.get()
    assert verifier.confirmations[-1] == "Κλήρωση δείγματος επιτόπιων επαληθεύσεων"
    why = verifier.locator(f"#selections tr:has-text('{op.code}')").inner_text()
    assert (
        "χωρίς εκτελεσμένο οικονομικό αντικείμενο" in why and "κλήρωση #1" in why
    ) or "κατά την κρίση" in why
    assert "§4.4.8" in verifier.locator("#steps").inner_text()
    assert verifier.locator("#reproduces").inner_text().startswith("✓")

    # The plan (Form Ε.ΙΙ_7_1): a bad date pair is refused at the field, then recorded.
    follow(verifier, verifier.get_by_role("link", name=f"Προγραμματισμός {op.code}"))
    verifier.get_by_label("Προγραμματισμένη έναρξη").fill(today.isoformat())
    verifier.get_by_label("Προγραμματισμένη λήξη").fill("2020-01-01")
    follow(verifier, verifier.get_by_role("button", name="Αποθήκευση προγραμματισμού"))
    assert "πριν από την έναρξη" in verifier.locator(".govgr-error-summary").inner_text()
    verifier.get_by_label("Προγραμματισμένη λήξη").fill(today.isoformat())
    verifier.get_by_label("Αντικείμενο").fill("Θέση 01.23: παρουσία του προσληφθέντος, συμβάσεις, μισθοδοσία")
    verifier.get_by_label("Κλιμάκιο").fill("Επαληθευτής Δοκιμαστικός")
    follow(verifier, verifier.get_by_role("button", name="Αποθήκευση προγραμματισμού"))
    follow(verifier, verifier.get_by_role("button", name="Υποβολή προγράμματος για έγκριση"))
    assert verifier.locator("#sample-state").inner_text() == "Πρόγραμμα προς έγκριση"

    # The supervisor approves the plan (maker ≠ checker).
    supervisor = open_context(viewport).new_page()
    staff_login(supervisor, portal_url, "supervisor")
    go(supervisor, f"{portal_url}/verification/onsite/samples/{sample.pk}/")
    follow(supervisor, supervisor.get_by_role("button", name="Έγκριση προγράμματος"))
    assert supervisor.locator("#sample-state").inner_text() == "Πρόγραμμα εγκρίθηκε"

    # The verifier records the visit: the α/α ελέγχου is issued before any report.
    go(verifier, f"{portal_url}/verification/onsite/samples/{sample.pk}/")
    follow(verifier, verifier.get_by_role("link", name=f"Καταχώριση επαλήθευσης {op.code}"))
    verifier.get_by_label("Ποσό δαπανών που ελέγχθηκε").fill("1.659,00")
    follow(verifier, verifier.get_by_role("button", name="Καταχώριση και α/α ελέγχου"))
    visit = OnSiteVerification.objects.get(operation=op)
    assert verifier.locator("#serial").inner_text() == visit.serial == f"ΕΠΕ-{today.year}-0001"

    # A finding with an irregular amount becomes a ΔΚΔ correction (origin: on the spot).
    verifier.locator("summary:has-text('Καταχώριση ευρήματος')").click()
    verifier.get_by_label("Παρατυπία (με δημοσιονομική διόρθωση)").check()
    verifier.get_by_label("Εύρημα *", exact=True).fill("Η σύμβαση υπογράφηκε μετά την έναρξη απασχόλησης.")
    verifier.get_by_label("Μη επιλέξιμο ποσό").fill("331,80")
    follow(verifier, verifier.get_by_role("button", name="Καταχώριση ευρήματος"))
    assert "331,80 €" in verifier.locator("#findings").inner_text()
    assert Correction.objects.get(operation=op).origin == Correction.Origin.ON_THE_SPOT
    verifier.get_by_label("Συμπέρασμα").fill("Μερική συμμόρφωση· διόρθωση 331,80 €.")
    follow(verifier, verifier.get_by_role("button", name="Έκδοση προσωρινής έκθεσης"))
    assert verifier.locator("#visit-state").inner_text() == "Προσωρινή έκθεση: σχόλια δικαιούχου"

    # The beneficiary sees the visit and comments on the provisional report.
    business = open_context(viewport).new_page()
    taxisnet_login(business, portal_url, "grevena")
    go(business, f"{portal_url}/verification/onsite/visits/")
    follow(business, business.get_by_role("link", name=visit.serial))
    business.get_by_label("Σχόλια του δικαιούχου").fill(
        "Η σύμβαση υπογράφηκε την ίδια ημέρα· επισυνάπτουμε Ε3."
    )
    follow(business, business.get_by_role("button", name="Υποβολή σχολίων"))
    assert "επισυνάπτουμε Ε3" in business.locator("#comments").inner_text()

    # The verifier submits the final report, the supervisor approves it.
    go(verifier, f"{portal_url}/verification/onsite/visits/{visit.pk}/")
    verifier.get_by_label("Συμπέρασμα").fill("Διόρθωση 331,80 € (ΔΚΔ κατηγορίας 1).")
    follow(verifier, verifier.get_by_role("button", name="Υποβολή οριστικής έκθεσης για έγκριση"))
    go(supervisor, f"{portal_url}/verification/onsite/visits/")
    follow(supervisor, supervisor.get_by_role("link", name=visit.serial))
    follow(supervisor, supervisor.get_by_role("button", name="Έγκριση οριστικής έκθεσης"))
    assert supervisor.locator("#visit-state").inner_text() == "Οριστική έκθεση εγκρίθηκε"
    visit.refresh_from_db()
    assert (
        visit.state == OnSiteVerification.State.FINAL_APPROVED
        and visit.final_approved_by.username == "supervisor"
    )
