"""The committee's pages: who sees them, the scoring form, the ranking, what-if and exports."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import UserFactory
from evaluation.comparative import services
from evaluation.comparative.models import CriterionScore
from evaluation.comparative.tests.factories import (
    HIGH,
    ClusterApplicationFactory,
    closed_call004,
    committee,
    committee_member,
    declare,
    score_fully,
    supervisor,
)
from evaluation.models import Assignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    call = closed_call004()
    boss, chair = supervisor(), committee_member(username="chair")
    committee(call, boss, [chair])
    apps = [ClusterApplicationFactory(call=call) for _ in range(2)]
    for app in apps:
        declare(boss, chair, app)
    return call, boss, chair, apps


def urls(call, app):
    return [
        reverse("evaluation_comparative:round", args=[call.pk]),
        reverse("evaluation_comparative:ranking", args=[call.pk]),
        reverse("evaluation_comparative:sheet", args=[app.pk]),
        reverse("evaluation_comparative:what-if", args=[call.pk]) + "?budget=1000000",
    ]


def test_business_users_and_evaluators_off_the_committee_get_404(client, scene):
    call, _, _, apps = scene
    evaluator = UserFactory(roles=[Role.EVALUATOR])
    for user in (apps[0].applicant_user, evaluator, committee_member(username="not-on-it")):
        client.force_login(user)
        for url in urls(call, apps[0]):
            assert client.get(url).status_code == 404, (user, url)
        assert client.get(reverse("evaluation_comparative:rounds")).status_code in (200, 404)
        assert call.title[:30] not in client.get(reverse("evaluation_comparative:rounds")).content.decode()


def test_committee_members_and_supervisors_see_the_round(client, scene):
    call, boss, chair, apps = scene
    for user in (chair, boss):
        client.force_login(user)
        for url in urls(call, apps[0]):
            assert client.get(url).status_code == 200, (user, url)


def test_scoring_through_the_form_with_htmx_and_a_refused_value(client, scene):
    call, _, chair, apps = scene
    client.force_login(chair)
    url = reverse("evaluation_comparative:sheet", args=[apps[0].pk])
    assert client.post(url, {"action": "open"}).status_code == 302
    page = client.get(url).content.decode()
    assert "E31" in page and "Αριθμός εταίρων" in page and "Άριστα" in page

    ok = client.post(
        url, {"action": "score", "key": "1.α", "value": "2,5", "justification": "Πλήρης ανάλυση στόχων."},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert ok.status_code == 200 and "Αποθηκεύτηκε" in ok.content.decode()
    refused = client.post(
        url,
        {"action": "score", "key": "1.β", "value": "3", "justification": "Υπερβολικά καλό."},
        HTTP_HX_REQUEST="true",
    )
    assert "εκτός κλίμακας 0–2.5" in refused.content.decode()
    assert list(CriterionScore.objects.filter(criterion_code="1").values_list("sub_code", "value")) == [
        ("α", 2.5)
    ]

    plain = client.post(url, {"action": "score", "key": "1.β", "value": "2", "justification": ""})
    assert plain.status_code == 400 and "αιτιολόγηση" in plain.content.decode()


def test_ranking_page_with_tables_what_if_and_exports(client, scene):
    call, boss, chair, apps = scene
    score_fully(chair, apps[0])
    score_fully(chair, apps[1], {**HIGH, "6.—": "2"})
    client.force_login(chair)
    ranking_url = reverse("evaluation_comparative:ranking", args=[call.pk])
    assert client.post(ranking_url, {"action": "compute", "budget": "300.000"}).status_code == 302
    page = client.get(ranking_url).content.decode()
    assert "Πίνακας 1" in page and "Πίνακας 3" in page and apps[1].protocol_number in page

    what_if = client.get(
        reverse("evaluation_comparative:what-if", args=[call.pk]),
        {"budget": "1.000.000"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'id="what-if-count">2 ' in what_if
    bad = client.get(
        reverse("evaluation_comparative:what-if", args=[call.pk]), {"budget": "-5"}
    ).content.decode()
    assert "θετικός" in bad

    run = services.ranking_compute(actor=chair, call_id=call.pk, budget="300000")
    xlsx = client.get(reverse("evaluation_comparative:export-xlsx", args=[run.pk]))
    book = load_workbook(io.BytesIO(xlsx.content))
    funded = book.worksheets[0]
    assert funded["A1"].value.startswith("Πίνακας 1") and funded["B3"].value == apps[0].protocol_number
    pdf = client.get(reverse("evaluation_comparative:export-pdf", args=[run.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    client.force_login(apps[0].applicant_user)
    assert client.get(reverse("evaluation_comparative:export-xlsx", args=[run.pk])).status_code == 404


def test_the_round_list_costs_the_same_queries_for_more_applications(
    client, scene, django_assert_num_queries
):
    call, boss, chair, apps = scene
    score_fully(chair, apps[0])
    client.force_login(chair)
    url = reverse("evaluation_comparative:round", args=[call.pk])
    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        ClusterApplicationFactory(call=call)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_after_approval_the_supervisor_finds_the_decisions_to_sign(client, scene):
    call, boss, chair, apps = scene
    for app in apps:
        score_fully(chair, app)
    run = services.ranking_compute(actor=chair, call_id=call.pk)
    services.opinion_record(actor=chair, run_id=run.pk, text="Εισήγηση έγκρισης των πινάκων.")
    client.force_login(boss)
    url = reverse("evaluation_comparative:ranking", args=[call.pk])
    # without the confirmation: the page says what cannot be undone, and nothing is approved
    asked = client.post(url, {"action": "approve", "run": run.pk})
    assert asked.status_code == 200 and "Η ενέργεια δεν αναιρείται." in asked.content.decode()
    assert client.get(url).content.decode().count("/evaluation/decisions/") == 0
    assert client.post(url, {"action": "approve", "run": run.pk, "confirm": "on"}).status_code == 302
    page = client.get(url).content.decode()
    assert page.count("/evaluation/decisions/") == len(apps)
    again = client.post(url, {"action": "approve", "run": run.pk, "confirm": "on"})
    assert again.status_code == 400 and "δεν μπορεί να εγκριθεί" in again.content.decode()


def test_a_member_without_a_declaration_is_sent_to_sign_it(client, scene):
    call, boss, _, apps = scene
    late = committee_member(username="late")
    services.committee_set(actor=boss, call_id=call.pk, chair_id=late.pk, member_ids=[late.pk])
    # Appointing the committee assigned the member every submitted application of the round.
    assignment = Assignment.objects.get(application=apps[0], evaluator=late, role="committee")
    client.force_login(late)
    page = client.get(reverse("evaluation_comparative:sheet", args=[apps[0].pk])).content.decode()
    assert reverse("evaluation:declaration", args=[assignment.pk]) in page
    refused = client.post(reverse("evaluation_comparative:sheet", args=[apps[0].pk]), {"action": "open"})
    assert refused.status_code == 400 and "δήλωση μη σύγκρουσης" in refused.content.decode()


def test_the_sheet_shows_the_private_participation_and_computes_e24(client, scene):
    # Equipment 300,000 subsidised of a 450,000 line + personnel 100,000: plan 550,000, public
    # 300,000 × 65% + 100,000 × 50% = 245,000, private 305,000 = 55,45% of the plan (§6.5.1, §7.4).
    call, _, chair, apps = scene
    apps[0].budget_lines.filter(category="02.06").update(total_amount="450000")
    client.force_login(chair)
    url = reverse("evaluation_comparative:sheet", args=[apps[0].pk])
    client.post(url, {"action": "open"})

    page = client.get(url).content.decode()

    assert "305.000,00 €" in page  # private participation in the summary and in E24
    assert "55,45% του σχεδίου 550.000,00 €" in page and "ελάχιστο 25% → πληρείται" in page
    assert 'id="computed-E24"' in page


def test_the_supervisor_appoints_the_committee_on_a_page_and_it_gets_every_application(client):
    call = closed_call004()
    boss, chair = supervisor(), committee_member(username="chair2")
    apps = [ClusterApplicationFactory(call=call) for _ in range(2)]
    client.force_login(boss)
    # Given a call without a committee, listed for the supervisor
    listing = client.get(reverse("evaluation_comparative:rounds")).content.decode()
    assert reverse("evaluation_comparative:committee", args=[call.pk]) in listing
    # When the form is sent without a chair, the error is at the field and nothing is appointed
    url = reverse("evaluation_comparative:committee", args=[call.pk])
    refused = client.post(url, {"appointment_ref": "12/2026"})
    assert refused.status_code == 400 and "Επιλέξτε τον/την πρόεδρο" in refused.content.decode()
    assert not Assignment.objects.filter(application__call=call).exists()
    # When appointed, every submitted application is assigned to the chair, who must declare
    done = client.post(url, {"chair": chair.pk, "appointment_ref": "12/2026"})
    assert done.status_code == 302
    assigned = set(
        Assignment.objects.filter(evaluator=chair, role="committee").values_list("application_id", flat=True)
    )
    assert assigned == {a.pk for a in apps}


def test_finalising_a_score_sheet_asks_first(client, scene):
    from evaluation.comparative.models import ComparativeScore

    call, boss, chair, apps = scene
    sheet = score_fully(chair, apps[0], finalise=False)
    client.force_login(chair)
    url = reverse("evaluation_comparative:sheet", args=[apps[0].pk])
    asked = client.post(url, {"action": "finalise"})
    assert asked.status_code == 200 and "Η ενέργεια δεν αναιρείται." in asked.content.decode()
    assert ComparativeScore.objects.get(pk=sheet.pk).state == ComparativeScore.State.DRAFT
    assert client.post(url, {"action": "finalise", "confirm": "on"}).status_code == 302
    assert ComparativeScore.objects.get(pk=sheet.pk).state == ComparativeScore.State.FINALISED


def test_a_refused_score_shows_at_its_field_once_with_a_linked_summary(client, scene):
    call, boss, chair, apps = scene
    services.score_sheet_open(actor=chair, application_id=apps[0].pk)
    client.force_login(chair)
    url = reverse("evaluation_comparative:sheet", args=[apps[0].pk])
    posted = {"action": "score", "key": "1.α", "value": "99", "justification": "x"}
    # with htmx: the sub-criterion's form comes back with its error; totals and summary out of band
    response = client.post(url, posted, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 422
    assert 'id="sub-1.α"' in body and "govgr-field--error" in body and 'id="v-1.α-error"' in body
    assert 'id="sheet-errors" hx-swap-oob="true"' in body and 'href="#v-1.α"' in body
    assert 'value="99"' in body  # what was typed is kept
    # without htmx: the whole sheet, the summary once at the top, the message at the field
    response = client.post(url, posted)
    body = response.content.decode()
    assert response.status_code == 400
    assert body.count('class="govgr-error-summary"') == 1 and 'href="#v-1.α"' in body
    assert body.count('id="v-1.α-error"') == 1


def test_the_round_page_is_paged_and_counts_the_whole_round(client, scene, monkeypatch):
    """Issue 11: the round's list is paged (the ranking and its exports keep the whole table)."""
    from evaluation.comparative import views

    call, _, chair, apps = scene
    apps.append(ClusterApplicationFactory(call=call))
    monkeypatch.setattr(views, "ROUND_PAGE_SIZE", 2)
    client.force_login(chair)
    url = reverse("evaluation_comparative:round", args=[call.pk])

    first, second = client.get(url).content.decode(), client.get(url, {"page": 2}).content.decode()

    assert "3 αιτήσεις" in first and "Σελίδα 1 από 2" in first and "Σελίδα 2 από 2" in second
    shown = [str(app) for app in apps if str(app) in first], [str(app) for app in apps if str(app) in second]
    assert len(shown[0]) == 2 and len(shown[1]) == 1 and not set(shown[0]) & set(shown[1])
    assert client.get(url, {"page": "²"}).status_code == 200  # a bad page number is page 1
