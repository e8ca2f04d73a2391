"""The browser UI through Django's client: steps with autosave, the confirmation step, staff list."""

import re

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from applications.models import Application
from applications.tasks import prefill_registries
from applications.tests.factories import member, pdf_file

LIGNITIS = "804773470"
THESSALONIKI = ("Κεντρικής Μακεδονίας", "Θεσσαλονίκης", "Θεσσαλονίκης")
KOZANI = ("Δυτικής Μακεδονίας", "Κοζάνης", "Κοζάνης")


def _positions(place):
    region, unit, municipality = place
    return {
        "positions-specialty": ["Ηλεκτρολόγος"],
        "positions-qualifications": ["Άδεια"],
        "positions-category": ["01.22"],
        "positions-persons": ["1"],
        "positions-place_label": ["Έδρα"],
        "positions-place_region": [region],
        "positions-place_regional_unit": [unit],
        "positions-place_municipality": [municipality],
    }


def test_business_fills_the_steps_is_blocked_by_an_ineligible_place_fixes_it_and_submits(client, kya7066):
    user = member(LIGNITIS)
    client.force_login(user)

    start = client.post(f"/applications/new/{kya7066.pk}/")
    app = Application.objects.get(call=kya7066)
    assert start.status_code == 302 and start["Location"].endswith(f"/applications/{app.pk}/step/general/")
    prefill_registries(app.pk)
    assert "ΛΙΓΝΙΤΗΣ" in client.get(f"/applications/{app.pk}/step/general/").content.decode()
    client.post(f"/applications/{app.pk}/step/general/", {"email": "info@lignitis.example.gr"})
    client.post(f"/applications/{app.pk}/step/positions/", _positions(THESSALONIKI))
    client.post(f"/applications/{app.pk}/step/de_minimis/", {"declared": "on"})
    client.post(f"/applications/{app.pk}/step/declarations/", {"solemn": "on", "data_processing": "on"})
    for required in kya7066.attachments.filter(stage="application", mandatory=True):
        client.post(
            f"/applications/{app.pk}/attachments/upload/",
            {"required_attachment": required.pk, "file": pdf_file(f"{required.opske_code}.pdf")},
        )

    blocked = client.get(f"/applications/{app.pk}/confirm/").content.decode()
    assert "δεν είναι επιλέξιμη" in blocked and "Οριστικοποίηση</button>" not in blocked

    client.post(f"/applications/{app.pk}/step/positions/", _positions(KOZANI))
    ready = client.get(f"/applications/{app.pk}/confirm/").content.decode()
    assert "14.220,00 €" in ready and "μη αναστρέψιμη" in ready
    done = client.post(f"/applications/{app.pk}/confirm/", {"confirm": "on"}, follow=True)

    page = done.content.decode()
    assert Application.objects.get(pk=app.pk).status == Application.Status.SUBMITTED
    assert 'id="priority">1<' in page


def test_autosave_answers_with_a_saved_partial_and_keeps_bad_input_with_the_reason(client, kya7066):
    user = member(LIGNITIS)
    client.force_login(user)
    client.post(f"/applications/new/{kya7066.pk}/")
    app = Application.objects.get(call=kya7066)

    saved = client.post(f"/applications/{app.pk}/step/general/", {"email": "a@b.gr"}, HTTP_HX_REQUEST="true")
    bad = client.post(
        f"/applications/{app.pk}/step/positions/", {**_positions(KOZANI), "positions-persons": ["πολλά"]}
    )

    assert "Αποθηκεύτηκε αυτόματα" in saved.content.decode()
    body = bad.content.decode()
    assert bad.status_code == 200 and "ακέραιος" in body and 'value="πολλά"' in body


def test_confirmation_requires_the_tick_before_the_irreversible_submission(client, kya7066):
    user = member(LIGNITIS)
    client.force_login(user)
    client.post(f"/applications/new/{kya7066.pk}/")
    app = Application.objects.get(call=kya7066)

    client.post(f"/applications/{app.pk}/confirm/", {})

    assert Application.objects.get(pk=app.pk).status == Application.Status.DRAFT


def test_another_businesss_application_pages_are_404(client, kya7066):
    owner = member(LIGNITIS)
    client.force_login(owner)
    client.post(f"/applications/new/{kya7066.pk}/")
    app = Application.objects.get(call=kya7066)
    client.force_login(member("808982626"))

    for url in (
        f"/applications/{app.pk}/",
        f"/applications/{app.pk}/step/general/",
        f"/applications/{app.pk}/confirm/",
    ):
        assert client.get(url).status_code == 404


def test_my_applications_partial_lists_status_and_priority(client, kya7066):
    from django.template.loader import render_to_string

    from applications.selectors import applications_for_user

    user = member(LIGNITIS)
    client.force_login(user)
    client.post(f"/applications/new/{kya7066.pk}/")

    html = render_to_string(
        "applications/_my_applications.html", {"applications": applications_for_user(user)}
    )

    assert "Προσωρινή αποθήκευση" in html and "my-applications" in html


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.AUDITOR])
def test_staff_see_the_list_of_a_call_and_applicants_do_not(client, kya7066, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(f"/applications/staff/?call={kya7066.pk}").status_code == 200

    client.force_login(member(LIGNITIS))
    assert client.get("/applications/staff/").status_code == 403


def test_the_staff_list_without_a_call_shows_the_first_and_its_pager_keeps_it(client, kya7066):
    client.force_login(UserFactory(roles=[Role.AUDITOR]))
    response = client.get("/applications/staff/", {"status": "submitted"})

    first = response.context["calls"][0]
    assert response.context["call"] == first
    assert response.context["query"] == f"status=submitted&call={first.pk}"  # the pager's links
    assert "call" not in response.wsgi_request.GET  # the request itself is left as it came


def test_the_staff_list_opens_on_the_first_call_with_submitted_applications_and_styles_its_filters(
    client, kya7066
):
    from applications import services
    from applications.tests.factories import complete_business_draft
    from calls.tests.factories import published_call

    empty = published_call(code="000-keni")  # first by code, nothing submitted in it
    user = member(LIGNITIS)
    app = services.application_submit(
        actor=user, application_id=complete_business_draft(user, kya7066, afm=LIGNITIS).pk
    )
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    response = client.get("/applications/staff/")
    assert response.context["calls"][0] == empty
    assert response.context["call"] == kya7066
    page = response.content.decode()
    assert app.protocol_number in page
    assert f'<option value="{kya7066.pk}" selected>' in page
    for name in ("afm", "protocol", "pool"):
        assert re.search(rf'<input type="text" name="{name}" class="govgr-input govgr-input--width-20"', page)
    assert '<select name="status" class="govgr-select"' in page
    # Asked for by name, the empty call is still shown, with its empty table.
    response = client.get("/applications/staff/", {"call": empty.pk})
    assert response.context["call"] == empty and app.protocol_number not in response.content.decode()


def test_the_staff_list_shows_no_amount_for_a_citizens_application_and_keeps_amounts_on_one_line(
    client, kya16936, kya7066
):
    # ΚΥΑ 16936: a citizen applies for a placement, not an amount, so the row says «—», not «0,00 €»
    # (the receipt prints none either); a business's amount stays in a cell that does not wrap before €.
    from applications import services
    from applications.tests.factories import complete_business_draft, person_user
    from applications.tests.test_person_16936 import submitted_application
    from opske.money import format_eur

    person_app = submitted_application(person_user("15038580948"), kya16936)
    user = member(LIGNITIS)
    business_app = services.application_submit(
        actor=user, application_id=complete_business_draft(user, kya7066, afm=LIGNITIS).pk
    )
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    page = client.get("/applications/staff/", {"call": kya16936.pk}).content.decode()
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{person_app.protocol_number}(?:(?!</tr>).)*</tr>", page, re.S)
    assert row and '<td class="govgr-table__cell opske-amount">—</td>' in row.group(0)
    assert "0,00 €" not in row.group(0)
    page = client.get("/applications/staff/", {"call": kya7066.pk}).content.decode()
    assert business_app.requested_amount > 0
    cell = f'<td class="govgr-table__cell opske-amount">{format_eur(business_app.requested_amount)}</td>'
    assert cell in page


def test_the_staff_list_shows_each_rows_columns_in_a_fixed_number_of_queries(client, kya7066):
    """The rows read only the columns they show (issue 11): no row fetches a deferred field again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from applications import services
    from applications.tests.factories import complete_business_draft

    user = member(LIGNITIS)
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    def rows():
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/applications/staff/", {"call": kya7066.pk}).content.decode()
        return len(ctx.captured_queries), page

    apps = []
    for n in range(3):
        draft = complete_business_draft(user, kya7066, afm=LIGNITIS)
        apps.append(services.application_submit(actor=user, application_id=draft.pk))
        if n == 0:
            one, _ = rows()
    three, page = rows()

    assert three == one
    for app in apps:
        app.refresh_from_db()
        assert app.protocol_number in page and app.applicant_label in page
        assert f'<td class="govgr-table__cell">{app.priority_seq}</td>' in page
        assert app.get_status_display() in page
    assert "ΛΙΓΝΙΤΗΣ" in page and " €" in page


def test_cluster_budget_step_shows_group_totals_the_aid_and_which_limit_is_exceeded(client, call004):
    from applications import services

    user = member("994681285")
    client.force_login(user)
    client.post(f"/applications/new/{call004.pk}/")
    app = Application.objects.get(call=call004)
    lines = [{"category": "02.06", "amount": "240000"}, {"category": "07.13", "amount": "160000"}]
    services.application_save_step(actor=user, application_id=app.pk, step="budget", payload={"lines": lines})

    page = client.get(f"/applications/{app.pk}/step/budget/").content.decode()

    assert "Επενδυτικές δαπάνες" in page and "240.000,00 €" in page
    assert "236.000,00 €" in page  # aid: 240,000 × 65% + 160,000 × 50%
    assert "υπερβαίνουν το όριο" in page and "§7.5" in page


def test_person_fills_education_and_preferences_and_sees_the_dypa_facts(client, kya16936):
    from applications.tests.factories import person_user

    user = person_user("15038580948")
    client.force_login(user)
    client.post(f"/applications/new/{kya16936.pk}/")
    app = Application.objects.get(call=kya16936)
    prefill_registries(app.pk)

    client.post(
        f"/applications/{app.pk}/step/person/",
        {"education": "ΠΕ", "placement_preferences": ["opekepe-athina", "opekepe-larisa"]},
    )
    page = client.get(f"/applications/{app.pk}/step/person/").content.decode()

    app = Application.objects.get(pk=app.pk)
    assert app.education == "ΠΕ" and app.placement_preferences == ["opekepe-athina", "opekepe-larisa"]
    assert "Εγγεγραμμένος/η" in page and "μήνες συνεχούς ανεργίας" in page


def test_my_applications_page_runs_a_constant_number_of_queries(client, kya7066):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = member(LIGNITIS)
    client.force_login(user)
    client.post(f"/applications/new/{kya7066.pk}/")
    with CaptureQueriesContext(connection) as one:
        client.get("/applications/")
    for _ in range(4):
        client.post(f"/applications/new/{kya7066.pk}/")

    with CaptureQueriesContext(connection) as five:
        page = client.get("/applications/")

    assert len(five.captured_queries) == len(one.captured_queries) <= 12
    assert page.content.decode().count("Προσωρινή αποθήκευση") == 5
