"""Journey ΚΥΑ 16936, through the pages only after `load_demo`: a citizen applies to the open call,
the call is amended to close its submissions, the programme administrator opens the points round
(ΔΥΠΑ facts from the register sandbox), posts the provisional tables, the citizen objects, the
Board's decision is recorded, the final table is posted and the citizen is placed.

The citizen's pages run at 1280 px and again at 390 px (no sideways scroll); axe-core on every page.
"""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from applications.models import Application
from evaluation.points.models import Placement, PointsRound, RankingObjection, RankingRow
from tests.conftest import DESKTOP, PHONE
from tests.journey import follow, go, seen, staff_login, taxisnet_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CALL = "kya16936-opekepe-100"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
def test_citizen_applies_is_ranked_objects_and_is_placed(open_context, portal_url, viewport):
    call_command("load_demo", stdout=io.StringIO())
    citizen = open_context(viewport).new_page()
    staff = open_context().new_page()

    # The citizen logs in through TAXISnet and applies: one education category, two services.
    taxisnet_login(citizen, portal_url, "papadopoulou")
    go(citizen, f"{portal_url}/calls/{CALL}/")
    follow(citizen, citizen.get_by_role("button", name="Υποβολή αίτησης"))
    citizen.get_by_label("Κατηγορία εκπαίδευσης (μία)").select_option("ΔΕ")
    citizen.get_by_label("Ο.Π.Ε.Κ.Ε.Π.Ε. — Κεντρική Υπηρεσία", exact=False).check()
    citizen.get_by_label("Ο.Π.Ε.Κ.Ε.Π.Ε. — Περιφερειακή Υπηρεσία Λάρισας", exact=False).check()
    follow(citizen, citizen.get_by_role("button", name="Αποθήκευση και συνέχεια"), url="**/step/general/")
    citizen.get_by_label("E-mail κοινοποιήσεων").fill("papadopoulou@example.gr")
    follow(citizen, citizen.get_by_role("button", name="Αποθήκευση και συνέχεια"), url="**/step/attachments/")
    citizen.get_by_label("Αρχείο (09.01)").set_input_files(
        {"name": "09.01.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% 09.01\n%%EOF\n"}
    )
    citizen.get_by_role("button", name="Ανάρτηση").click()
    citizen.wait_for_selector('a:has-text("09.01.pdf")')
    seen(citizen)
    follow(citizen, citizen.get_by_role("link", name="Συνέχεια"), url="**/step/declarations/")
    citizen.get_by_label("Γνωρίζω ότι η οριστικοποιημένη αίτηση", exact=False).check()
    citizen.get_by_label("Συναινώ στην επεξεργασία", exact=False).check()
    follow(citizen, citizen.get_by_role("button", name="Αποθήκευση και συνέχεια"), url="**/confirm/")
    assert citizen.locator("#blocking-problems").count() == 0
    citizen.get_by_label("Επιβεβαιώνω την οριστική υποβολή της αίτησης").check()
    follow(citizen, citizen.get_by_role("button", name="Οριστικοποίηση"))
    app = Application.objects.get(call__code=CALL, amka="15038580948")
    assert app.status == Application.Status.SUBMITTED
    assert app.protocol_number in citizen.locator("main").inner_text()

    # The managing authority amends the call: submissions close now (a new public version).
    staff_login(staff, portal_url, "admin")
    go(staff, f"{portal_url}/calls/manage/")
    follow(staff, staff.locator(f'a[href="/calls/manage/{app.call_id}/amend/"]').first)
    now = timezone.localtime().replace(second=0, microsecond=0)
    staff.get_by_label("Αιτιολογία τροποποίησης").fill("Λήξη της υποβολής αιτήσεων με απόφαση του φορέα.")
    staff.get_by_label("Λήξη υποβολών", exact=True).fill(now.strftime("%Y-%m-%dT%H:%M"))
    follow(staff, staff.get_by_role("button", name="Δημοσίευση τροποποίησης"))
    go(citizen, f"{portal_url}/calls/{CALL}/")
    assert citizen.get_by_role("button", name="Υποβολή αίτησης").count() == 0

    # The points round opens; the ΔΥΠΑ facts come from the register; the provisional tables post.
    go(staff, f"{portal_url}/evaluation/points/")
    staff.locator(f'form[action="/evaluation/points/call/{app.call_id}/open/"] button').click()
    staff.wait_for_url("**/evaluation/points/*/")
    seen(staff)
    rnd = PointsRound.objects.get(call_id=app.call_id)
    # The register answered while the round opened (tasks run eagerly in the tests).
    assert "1 συνολικά · 0 σε αναμονή ΔΥΠΑ · 1 επιλέξιμες" in staff.locator("main").inner_text()
    follow(staff, staff.get_by_role("link", name="Ανάρτηση προσωρινών πινάκων"))
    staff.get_by_label("Επιβεβαιώνω την ανάρτηση").check()
    follow(staff, staff.get_by_role("button", name="Ανάρτηση"))
    row = RankingRow.objects.get(table__round=rnd, table__kind="provisional", application=app)
    assert row.status == RankingRow.Status.RANKED and row.rank == 1

    # The posting reaches the citizen's inbox; she finds her row on her dashboard and objects to it.
    go(citizen, f"{portal_url}/inbox/")
    assert "Προσωρινός Πίνακας" in citizen.locator("main").inner_text()
    go(citizen, f"{portal_url}/accounts/dashboard/")
    follow(citizen, citizen.locator("#panel-points-results").get_by_role("link").first)
    result = citizen.locator("main").inner_text()
    assert "Προσωρινός" in result and f"{row.total}" in result
    citizen.get_by_label("Λόγοι της ένστασης", exact=False).fill(
        "Έχω τρία ανήλικα τέκνα· ζητώ να ελεγχθεί η μοριοδότηση του κριτηρίου iv."
    )
    follow(citizen, citizen.get_by_role("button", name="Υποβολή ένστασης"))
    assert "Υποβλήθηκε" in citizen.locator("main").inner_text()
    objection = RankingObjection.objects.get(round=rnd, application=app)

    # Everyone has objected: the window closes; the Board rejects the objection; the final table posts.
    go(staff, f"{portal_url}/evaluation/points/{rnd.pk}/")
    follow(staff, staff.get_by_role("link", name="Λήξη προθεσμίας ενστάσεων"))
    staff.get_by_label("Επιβεβαιώνω τη λήξη της προθεσμίας ενστάσεων").check()
    follow(staff, staff.get_by_role("button", name="Λήξη προθεσμίας"))
    follow(staff, staff.get_by_role("link", name="1 ένσταση"))
    follow(staff, staff.get_by_role("link", name="Απόφαση"))
    staff.get_by_label("Απόρριψη").check()
    staff.get_by_label("Αιτιολόγηση").fill(
        "Τα τρία τέκνα έχουν ήδη μοριοδοτηθεί (30 μόρια) κατά το μητρώο της ΔΥΠΑ."
    )
    follow(staff, staff.get_by_role("button", name="Καταχώριση απόφασης"))
    objection.refresh_from_db()
    assert objection.state == RankingObjection.State.REJECTED
    go(staff, f"{portal_url}/evaluation/points/{rnd.pk}/")
    follow(staff, staff.get_by_role("link", name="Ανάρτηση οριστικού πίνακα"))
    staff.get_by_label("Επιβεβαιώνω την ανάρτηση").check()
    follow(staff, staff.get_by_role("button", name="Ανάρτηση"))
    final = RankingRow.objects.get(table__round=rnd, table__kind="final", application=app)
    assert final.rank == 1

    # The citizen sees the final table and the Board's answer.
    go(citizen, citizen.url)
    mine = citizen.locator("main").inner_text()
    assert "Οριστικός" in mine and "Απορρίφθηκε" in mine

    # Placement: by rank and first preference with a free position (Art. 6(2)).
    follow(staff, staff.get_by_role("link", name="Κατανομή και υποδείξεις"))
    follow(staff, staff.get_by_role("button", name="Κατανομή στις υπηρεσίες τοποθέτησης"))
    placement = Placement.objects.get(round=rnd, application=app)
    assert placement.service.code == "opekepe-athina"
    assert "Κεντρική Υπηρεσία" in staff.locator("main table").inner_text()
