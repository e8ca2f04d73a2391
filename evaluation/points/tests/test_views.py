"""The browser pages: who may see and do what, Greek errors, nothing lost on bad input."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from accounts.tests.factories import TaxisnetUserFactory, UserFactory
from evaluation.points import services
from evaluation.points.models import Placement, PointsRound, RankingTable
from evaluation.points.tasks import fetch_round_facts
from evaluation.points.tests.factories import PersonApplicationFactory
from opske.deadlines import sweep_due_deadlines
from opske.pdf import document_render

pytestmark = pytest.mark.django_db

AMKAS = ["15038580948", "11077243449", "05058029934", "30019660924"]


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def rnd(call16936, admin_user):
    for amka in AMKAS:
        PersonApplicationFactory(call=call16936, amka=amka)
    rnd = services.points_round_open(actor=admin_user, call_id=call16936.pk)
    fetch_round_facts(rnd.pk)
    return rnd


ROLE_MATRIX = [
    # role, may read the round, may post/allocate
    (Role.PROGRAMME_ADMIN, True, True),
    (Role.SUPERVISOR, True, True),
    (Role.AUDITOR, True, False),
    (Role.EVALUATOR, False, False),
    (Role.VERIFIER, False, False),
    (Role.PAYMENT_OFFICER, False, False),
]


@pytest.mark.parametrize(("role", "may_read", "may_manage"), ROLE_MATRIX)
def test_permission_matrix(rnd, role, may_read, may_manage):
    c = client_for(UserFactory(roles=[role]))
    assert c.get(f"/evaluation/points/{rnd.pk}/").status_code == (200 if may_read else 403)
    assert c.get("/evaluation/points/").status_code == (200 if may_read else 403)
    response = c.post(f"/evaluation/points/{rnd.pk}/provisional/", {"confirm": "1"})
    assert response.status_code == (302 if may_manage else 403)
    rnd.refresh_from_db()
    assert (rnd.state == PointsRound.State.PROVISIONAL) == may_manage


def test_citizens_and_anonymous_cannot_open_staff_pages(rnd):
    assert Client().get(f"/evaluation/points/{rnd.pk}/").status_code == 302  # to login
    citizen = client_for(TaxisnetUserFactory())
    assert citizen.get(f"/evaluation/points/{rnd.pk}/").status_code == 403
    assert citizen.get(f"/evaluation/points/{rnd.pk}/tables/provisional/").status_code == 403


def test_round_page_shows_assessments_with_bounded_queries(rnd, admin_user):
    c = client_for(admin_user)
    with CaptureQueriesContext(connection) as ctx:
        response = c.get(f"/evaluation/points/{rnd.pk}/")
    assert response.status_code == 200
    assert "98" in response.content.decode() and "Ψηφιακό Ατομικό Σχέδιο Δράσης" in response.content.decode()
    assert len(ctx.captured_queries) <= 20


def test_posting_needs_confirmation(rnd, admin_user):
    c = client_for(admin_user)
    response = c.post(f"/evaluation/points/{rnd.pk}/provisional/", {}, follow=True)
    assert "Επιβεβαιώστε την ανάρτηση." in response.content.decode()
    rnd.refresh_from_db()
    assert rnd.state == PointsRound.State.ASSESSING


def test_posted_table_pdf_renders_from_codes(rnd, admin_user, call16936):
    table = services.provisional_tables_post(actor=admin_user, round_id=rnd.pk)
    table.refresh_from_db()
    assert document_render(table.pdf_id) == "ready"
    from evaluation.points.exports import table_pdf_context

    context = table_pdf_context(table.pk)
    printed = "\n".join(context["pages"] + context["excluded_pages"])
    maria = call16936.applications.get(amka="15038580948")
    assert printed.splitlines()[0].split()[:2] == ["1", maria.protocol_number]
    assert "98" in printed.splitlines()[0]
    assert "ΠΑΠΑΔΟΠΟΥΛΟΥ" not in printed and "15038580948" not in printed
    # Anyone may download the posted table's PDF and the worker's XLSX, as the table itself.
    response = Client().get(f"/evaluation/points/{rnd.pk}/tables/provisional/export.pdf")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert document_render(table.xlsx_id) == "ready"
    response = Client().get(f"/evaluation/points/{rnd.pk}/tables/provisional/export.xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')


def test_applicant_sees_own_row_and_objects_with_greek_errors(rnd, admin_user, call16936):
    services.provisional_tables_post(
        actor=admin_user, round_id=rnd.pk, posted_on=datetime.date.today() - datetime.timedelta(days=1)
    )
    app = call16936.applications.get(amka="15038580948")
    c = client_for(app.applicant_user)
    page = c.get(f"/evaluation/points/mine/{app.pk}/")
    assert page.status_code == 200 and "Σειρά 1 με 98 μόρια" in page.content.decode()
    empty = c.post(f"/evaluation/points/mine/{app.pk}/", {"text": ""})
    assert "Γράψτε τους λόγους της ένστασης." in empty.content.decode()
    other = client_for(call16936.applications.get(amka="11077243449").applicant_user)
    assert other.get(f"/evaluation/points/mine/{app.pk}/").status_code == 404


def test_the_citizens_dashboard_leads_to_their_place_in_the_tables(rnd, call16936):
    app = call16936.applications.get(amka="15038580948")

    page = client_for(app.applicant_user).get("/accounts/dashboard/").content.decode()

    assert 'id="panel-points-results"' in page
    assert f"/evaluation/points/mine/{app.pk}/" in page


def test_replacement_page_asks_for_confirmation(rnd, admin_user, supervisor, call16936):
    services.provisional_tables_post(actor=admin_user, round_id=rnd.pk, posted_on=datetime.date(2026, 4, 9))
    sweep_due_deadlines(now=datetime.datetime(2026, 4, 17, 1, 0, tzinfo=datetime.UTC))
    services.final_table_post(actor=admin_user, round_id=rnd.pk)
    c = client_for(supervisor)
    asked = c.post(f"/evaluation/points/{rnd.pk}/placements/allocate/")
    assert asked.status_code == 200 and "Η ενέργεια δεν αναιρείται." in asked.content.decode()
    assert not Placement.objects.filter(round=rnd).exists()
    assert c.post(f"/evaluation/points/{rnd.pk}/placements/allocate/", {"confirm": "on"}).status_code == 302
    p = Placement.objects.filter(round=rnd).order_by("final_rank").first()
    bad = c.post(f"/evaluation/points/placements/{p.pk}/decline/", {"reason": ""})
    assert "Η αιτιολογία είναι υποχρεωτική." in bad.content.decode()
    c.post(f"/evaluation/points/placements/{p.pk}/decline/", {"reason": "Δεν αποδέχθηκε."})
    unconfirmed = c.post(f"/evaluation/points/placements/{p.pk}/replace/", {})
    assert "Επιβεβαιώστε την ενέργεια." in unconfirmed.content.decode()
    p.refresh_from_db()
    assert p.state == Placement.State.DECLINED
    done = c.post(f"/evaluation/points/placements/{p.pk}/replace/", {"confirm": "on"}, follow=True)
    assert done.status_code == 200
    p.refresh_from_db()
    assert p.state == Placement.State.REPLACED
    assert RankingTable.objects.filter(round=rnd).count() == 2
    listing = c.get(f"/evaluation/points/{rnd.pk}/placements/")
    assert listing.status_code == 200


def test_board_decides_an_objection_from_the_page(rnd, admin_user, supervisor, call16936):
    from evaluation.points import objections
    from evaluation.points.models import PointsAssessment, RankingObjection

    services.provisional_tables_post(actor=admin_user, round_id=rnd.pk, posted_on=datetime.date(2026, 4, 9))
    app = call16936.applications.get(amka="30019660924")
    objection = objections.objection_file(
        actor=app.applicant_user,
        application_id=app.pk,
        text="Έχω ΑΣΔ.",
        now=datetime.datetime(2026, 4, 14, 9, tzinfo=datetime.UTC),
    )
    c = client_for(supervisor)
    url = f"/evaluation/points/objections/{objection.pk}/decide/"
    missing = c.post(url, {"outcome": "accept", "reasons": ""})
    assert "Η αιτιολόγηση της απόφασης είναι υποχρεωτική." in missing.content.decode()
    bad = c.post(url, {"outcome": "accept", "reasons": "x", "continuous_months": "-4"})
    assert bad.status_code == 200
    objection.refresh_from_db()
    assert objection.state == RankingObjection.State.FILED
    posted = {"outcome": "accept", "reasons": "Προσκομίστηκε το ΑΣΔ.", "action_plan_agreed": "true"}
    asked = c.post(url, posted)
    assert asked.status_code == 200 and "Η ενέργεια δεν αναιρείται." in asked.content.decode()
    objection.refresh_from_db()
    assert objection.state == RankingObjection.State.FILED
    ok = c.post(url, {**posted, "confirm": "on"})
    assert ok.status_code == 302
    assessment = PointsAssessment.objects.get(round=rnd, application=app)
    assert assessment.eligible and assessment.corrections == {"action_plan_agreed": True}
    assert client_for(UserFactory(roles=[Role.AUDITOR])).post(url, {}).status_code == 403


def test_objection_window_closes_early_only_once_every_candidate_has_objected(rnd, admin_user, call16936):
    # Given the provisional tables posted today with four candidates
    services.provisional_tables_post(actor=admin_user, round_id=rnd.pk)
    staff = client_for(admin_user)
    apps = list(call16936.applications.order_by("pk"))
    # When three have objected (one on the posting day itself: Art. 5(8) counts from the next day)
    for app in apps[:3]:
        client_for(app.applicant_user).post(f"/evaluation/points/mine/{app.pk}/", {"text": "Λάθος μόρια."})
    # Then the early close is refused, naming who may still object, and the round stays open
    page = staff.get(f"/evaluation/points/{rnd.pk}/objections/close/").content.decode()
    assert "1 υποψήφιος μπορεί ακόμη να υποβάλει ένσταση" in page
    refused = staff.post(f"/evaluation/points/{rnd.pk}/objections/close/", {"confirm": "1"}, follow=True)
    assert "μπορούν ακόμη να υποβάλουν ένσταση" in refused.content.decode()
    rnd.refresh_from_db()
    assert rnd.state == PointsRound.State.PROVISIONAL
    # When the fourth objects too, the window closes on the confirmed request, with its audit event
    last = apps[3]
    client_for(last.applicant_user).post(f"/evaluation/points/mine/{last.pk}/", {"text": "Λάθος μόρια."})
    assert staff.post(f"/evaluation/points/{rnd.pk}/objections/close/", {}).status_code == 302
    rnd.refresh_from_db()
    assert rnd.state == PointsRound.State.PROVISIONAL  # not without the confirmation box
    staff.post(f"/evaluation/points/{rnd.pk}/objections/close/", {"confirm": "1"})
    rnd.refresh_from_db()
    assert rnd.state == PointsRound.State.OBJECTIONS_CLOSED
    from opske.models import AuditEvent

    event = AuditEvent.objects.filter(action="points.objections_closed").latest("pk")
    assert event.after["early"] is True and "μία ένστασή" in event.reason
