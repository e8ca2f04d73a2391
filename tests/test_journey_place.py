"""Journey «place», through the pages only after `load_demo`.

A. ΚΥΑ 16936 (demo call «…-apasxolisi», two candidates referred by ΚΠΑ2 75 days ago to ΟΠΕΚΕΠΕ
   Αθήνας): the placement service's staff user records that the first beneficiary brought the
   referral note 70 days ago, files the Ε3 and the start of employment (confirmation page), and
   records last month's attendance; for the second it records the note 65 days ago, whose 60-day
   Ε3 limit has passed: after the deadline day the reminder is in the service's inbox and the page
   says the time is up. ΚΠΑ2 (supervisor) sees the hiring notice.
B. ΚΥΑ 7066 (demo operation of «grevena»): the business records a participant's entry
   questionnaire (Annex 6) and sees its receipt; the ΑΜΚΑ is masked in the list.

At 1280 and 390 px (no sideways scroll); axe-core on every page (tests/journey.py).
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from evaluation.points.employment_demo import CALL_CODE
from evaluation.points.models import MonthlyAttendance, Placement
from operations.demo import KYA7066_AFM
from operations.models import Operation, ParticipantQuestionnaire
from opske.deadlines import sweep_due_deadlines
from tests.conftest import DESKTOP, PHONE
from tests.journey import follow, go, staff_login, taxisnet_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PARTICIPANT = "30019660924"


def _gr(d: datetime.date) -> str:
    return d.strftime("%d/%m/%Y")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_service_records_start_and_attendance_and_is_reminded_after_the_e3_deadline(
    open_context, portal_url, viewport
):
    call_command("load_demo", stdout=io.StringIO())
    first, second = Placement.objects.filter(round__call__code=CALL_CODE).order_by("final_rank")
    today = timezone.localdate()
    host = open_context(viewport).new_page()
    staff_login(host, portal_url, "ypiresia")
    follow(
        host,
        host.locator("#panel-host-service").get_by_role("link", name="Απασχόληση ωφελουμένων", exact=False),
    )
    assert first.application.protocol_number in host.locator("main").inner_text()

    # The first beneficiary brought the note 70 days ago; the Ε3 went in 69 days ago, the start with it.
    follow(host, host.get_by_role("link", name=first.application.protocol_number))
    follow(host, host.get_by_role("link", name="Καταχώριση προσκόμισης σημειώματος"))
    host.get_by_label("Ημερομηνία προσκόμισης", exact=False).fill("31/02/2026")
    follow(host, host.get_by_role("button", name="Καταχώριση"))
    assert "ηη/μμ/εεεε" in host.locator("main").inner_text()  # the error at the field, nothing saved
    host.get_by_label("Ημερομηνία προσκόμισης", exact=False).fill(_gr(today - datetime.timedelta(days=70)))
    follow(host, host.get_by_role("button", name="Καταχώριση"))
    assert "η αναγγελία Ε3 γίνεται έως και τις" in host.locator("main").inner_text()
    follow(host, host.get_by_role("link", name="Καταχώριση Ε3 και έναρξης απασχόλησης"))
    start = today - datetime.timedelta(days=69)
    host.get_by_label("Αριθμός πρωτοκόλλου Ε3", exact=False).fill("Ε3-2026-000417")
    host.get_by_label("Ημερομηνία υποβολής Ε3", exact=False).fill(_gr(start))
    host.get_by_label("Έναρξη απασχόλησης", exact=False).fill(_gr(start))
    follow(host, host.get_by_role("button", name="Συνέχεια"))  # the confirmation page is ticked by follow
    assert host.confirmations[-1] == "Έναρξη απασχόλησης"
    first.refresh_from_db()
    assert (first.state, first.hired_on, first.contract_months) == (Placement.State.HIRED, start, 12)
    assert "Ε3-2026-000417" in host.locator("main").inner_text()

    # Last month's attendance: 20 days worked, 1 unjustified absence, 1 day of leave.
    follow(host, host.get_by_role("link", name="Καταχώριση μηνιαίας παρουσίας"))
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    host.get_by_label("Μήνας").select_option(last_month.isoformat())
    host.get_by_label("Ημέρες εργασίας").fill("20")
    host.get_by_label("Ημέρες αδικαιολόγητης απουσίας", exact=False).fill("1")
    host.get_by_label("Ημέρες άδειας", exact=False).fill("1")
    follow(host, host.get_by_role("button", name="Καταχώριση"))
    record = MonthlyAttendance.objects.get(placement=first, month=last_month)
    assert (record.days_worked, record.unjustified_absence_days, record.justified_leave_days) == (20, 1, 1)
    assert last_month.strftime("%m/%Y") in host.locator("#attendance").inner_text()

    # The second brought the note 65 days ago: its 60 days (plus any roll to a working day) are over.
    go(host, f"{portal_url}/evaluation/points/employment/{second.pk}/")
    follow(host, host.get_by_role("link", name="Καταχώριση προσκόμισης σημειώματος"))
    host.get_by_label("Ημερομηνία προσκόμισης", exact=False).fill(_gr(today - datetime.timedelta(days=65)))
    follow(host, host.get_by_role("button", name="Καταχώριση"))
    second.refresh_from_db()
    assert second.e3_due_on < today
    assert host.locator("#e3-overdue").count() == 1
    # The deadline engine's beat runs (as every minute): the day after the last day, the reminder.
    sweep_due_deadlines()
    go(host, f"{portal_url}/inbox/")
    assert "Έληξε η προθεσμία αναγγελίας Ε3" in host.locator("main").inner_text()
    go(host, f"{portal_url}/evaluation/points/employment/?e3=overdue")
    listed = host.locator("main table").inner_text()
    assert second.application.protocol_number in listed and first.application.protocol_number not in listed

    # ΚΠΑ2 was told the hiring is complete (Art. 6(4)).
    kpa2 = open_context(viewport).new_page()
    staff_login(kpa2, portal_url, "supervisor")
    go(kpa2, f"{portal_url}/inbox/")
    assert "Ολοκληρώθηκε η πρόσληψη" in kpa2.locator("main").inner_text()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_business_records_an_entry_questionnaire(open_context, portal_url, viewport):
    call_command("load_demo", stdout=io.StringIO())
    operation = Operation.objects.get(business__afm=KYA7066_AFM)
    page = open_context(viewport).new_page()
    taxisnet_login(page, portal_url, "grevena")
    follow(page, page.locator("#panel-questionnaires").get_by_role("link", name=operation.code, exact=False))
    follow(page, page.get_by_role("link", name="Νέο δελτίο εισόδου"))
    page.get_by_label("ΑΜΚΑ συμμετέχοντα").fill("3001966092")  # ten digits: refused at the field
    page.get_by_label("Ημερομηνία εισόδου", exact=False).fill(
        _gr(timezone.localdate() - datetime.timedelta(days=10))
    )
    page.get_by_label("Ημερομηνία συμπλήρωσης", exact=False).fill(_gr(timezone.localdate()))
    page.locator("#id_in_education_1").check()  # ΟΧΙ
    page.get_by_label("Γ.5 Απόφοιτος/η γενικού λυκείου", exact=False).check()
    follow(page, page.get_by_role("button", name="Καταχώριση δελτίου"))
    assert "ΑΜΚΑ δεν είναι έγκυρος" in page.locator("main").inner_text()
    assert not ParticipantQuestionnaire.objects.exists()
    page.get_by_label("ΑΜΚΑ συμμετέχοντα").fill(PARTICIPANT)
    page.locator("#id_in_education_1").check()
    page.get_by_label("Γ.5 Απόφοιτος/η γενικού λυκείου", exact=False).check()
    follow(page, page.get_by_role("button", name="Καταχώριση δελτίου"))
    q = ParticipantQuestionnaire.objects.get(operation=operation, amka=PARTICIPANT, kind="entry")
    assert q.answers["education_level"] == "Γ.5" and q.answers["in_education"] is False
    assert "Καταχωρίστηκε στις" in page.locator("#receipt").inner_text()
    go(page, f"{portal_url}/operations/{operation.pk}/questionnaires/")
    listing = page.locator("main").inner_text()
    assert "0924" in listing and PARTICIPANT not in listing
