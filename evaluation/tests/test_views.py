"""The evaluation pages: who sees what, autosave refusals, and the objection button's deadline."""

import datetime

from django.urls import reverse

from applications.tests.factories import member
from evaluation import services
from evaluation.models import Decision, Finding, Objection
from evaluation.tests.factories import (
    evaluated,
    open_form,
    sign_declaration_for_second_level,
    submitted_application,
)


def _decision(kya7066, evaluator, supervisor, capture, *, negatives=("3",)):
    app, owner = submitted_application(kya7066)
    with capture(execute=True):
        ev = evaluated(app, evaluator, negatives=negatives)
        sign_declaration_for_second_level(app, supervisor)
        services.second_level_review(actor=supervisor, evaluation_id=ev.pk, outcome="agree")
    decision = Decision.objects.get(application=app)
    with capture(execute=True):
        services.decision_sign(actor=supervisor, decision_id=decision.pk, confirm=True)
    decision.refresh_from_db()
    return app, owner, decision


def test_evaluator_sees_only_assigned_applications(kya7066, evaluator, client, django_assert_max_num_queries):
    mine, _ = submitted_application(kya7066)
    ev = open_form(mine, evaluator)
    client.force_login(evaluator)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("evaluation:queue"))
    assert mine.protocol_number in page.content.decode()

    from accounts.models import Role
    from accounts.tests.factories import UserFactory

    stranger = UserFactory(username="xenos", roles=[Role.EVALUATOR])
    client.force_login(stranger)
    assert client.get(reverse("evaluation:workspace", args=[ev.assignment_id])).status_code == 404
    assert client.post(reverse("evaluation:finding", args=[ev.pk, "1"]), {"value": "yes"}).status_code == 404


def test_workspace_autosave_refuses_a_no_without_reasons_in_the_row(kya7066, evaluator, client):
    app, _ = submitted_application(kya7066)
    ev = open_form(app, evaluator)
    client.force_login(evaluator)

    response = client.post(
        reverse("evaluation:finding", args=[ev.pk, "4"]),
        {"value": "no", "justification": ""},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 422
    assert "απαιτεί αιτιολόγηση" in response.content.decode()
    assert not Finding.objects.filter(evaluation=ev).exists()
    ok = client.post(
        reverse("evaluation:finding", args=[ev.pk, "4"]),
        {"value": "no", "justification": "Μείωση προσωπικού"},
        HTTP_HX_REQUEST="true",
    )
    assert ok.status_code == 200 and Finding.objects.get(evaluation=ev).value == "no"


def test_business_sees_only_its_own_decision(
    kya7066, evaluator, supervisor, client, django_capture_on_commit_callbacks
):
    _, owner, decision = _decision(kya7066, evaluator, supervisor, django_capture_on_commit_callbacks)
    client.force_login(owner)
    assert client.get(reverse("evaluation:my-decision", args=[decision.pk])).status_code == 200

    other = member("806994236")  # another business of the demo world
    client.force_login(other)
    assert client.get(reverse("evaluation:my-decision", args=[decision.pk])).status_code == 404
    assert (
        client.post(reverse("evaluation:my-decision", args=[decision.pk]), {"text": "x"}).status_code == 404
    )


def test_after_the_deadline_the_objection_button_is_gone_and_a_post_is_refused(
    kya7066, evaluator, supervisor, client, django_capture_on_commit_callbacks
):
    _, owner, decision = _decision(kya7066, evaluator, supervisor, django_capture_on_commit_callbacks)
    client.force_login(owner)
    page = client.get(reverse("evaluation:my-decision", args=[decision.pk])).content.decode()
    assert "Υποβολή ένστασης" in page

    services.decision_open_objection_window(decision=decision, anchor_on=datetime.date(2025, 6, 2))
    page = client.get(reverse("evaluation:my-decision", args=[decision.pk])).content.decode()
    assert "Υποβολή ένστασης" not in page and "12/06/2025" in page

    response = client.post(reverse("evaluation:my-decision", args=[decision.pk]), {"text": "Εκπρόθεσμη"})
    assert response.status_code == 200 and "εκπρόθεσμη ένσταση" in response.content.decode()
    assert not Objection.objects.exists()


def test_public_list_shows_approved_recipients_only(
    kya7066, evaluator, supervisor, client, django_capture_on_commit_callbacks
):
    rejected_app, _, _ = _decision(kya7066, evaluator, supervisor, django_capture_on_commit_callbacks)
    approved_app, _, approved = _decision(
        kya7066, evaluator, supervisor, django_capture_on_commit_callbacks, negatives=()
    )

    page = client.get(reverse("evaluation:results-public", args=[kya7066.code])).content.decode()
    assert approved_app.protocol_number in page and approved.ada in page
    assert rejected_app.protocol_number not in page

    # The approval's inclusion act (ΚΥΑ 7066 Art. 7.6) is not a second row of the list.
    assert page.count(approved_app.protocol_number) == 1


def test_demo_assigns_submitted_applications_once(kya7066):
    import io

    from evaluation import demo
    from evaluation.models import Assignment

    app, _ = submitted_application(kya7066)
    demo.load(io.StringIO())
    demo.load(io.StringIO())

    assert Assignment.objects.filter(application=app, role="evaluator").count() == 1
    assert Assignment.objects.get(application=app).evaluator.username == "evaluator"


def test_workspace_shows_criterion_4_computed_with_the_declared_only_grant(kya7066, evaluator, client):
    # €45,000 in ΠΣΣΕΗΣ + a declared €250,000 (1408/2013) ΠΣΣΕΗΣ does not show + €14,220 asked
    from applications import services as app_services
    from applications.tests.factories import complete_business_draft
    from evaluation.tests.factories import LIGNITIS

    user = member(LIGNITIS)
    grants = [{"grantor": "ΥΠΑΑΤ", "regulation": "1408/2013", "date": "2025-05-01", "amount": "250000"}]
    draft = complete_business_draft(user, kya7066, afm=LIGNITIS, grants=grants)
    app = app_services.application_submit(actor=user, application_id=draft.pk)
    ev = open_form(app, evaluator)
    client.force_login(evaluator)

    page = client.get(reverse("evaluation:workspace", args=[ev.assignment_id])).content.decode()

    assert 'id="criterion-4-computed"' in page
    assert "309.220,00 €" in page and "μόνο στην υπεύθυνη δήλωση" in page
    assert "(α) Μη μείωση προσωπικού (ΕΡΓΑΝΗ)" in page
    assert "(δ) Δραστηριότητα — ΚΑΔ εκτός Παραρτήματος 2 (ΑΑΔΕ)" in page


def test_supervisor_queue_links_each_review_in_a_fixed_number_of_queries(
    kya7066, evaluator, supervisor, client, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queue_queries():
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("evaluation:queue")).content.decode()
        return len(ctx.captured_queries), page

    evaluations = []
    for _ in range(3):
        app, _ = submitted_application(kya7066)
        with django_capture_on_commit_callbacks(execute=True):
            evaluations.append(evaluated(app, evaluator))
            sign_declaration_for_second_level(app, supervisor)
        client.force_login(supervisor)
        if len(evaluations) == 1:
            one, page = queue_queries()
    three, page = queue_queries()

    assert three == one  # not one query per row (issue 11)
    for ev in evaluations:
        assert reverse("evaluation:review", args=[ev.pk]) in page


def test_reviews_list_shows_each_row_and_the_decisions_in_a_fixed_number_of_queries(
    kya7066, evaluator, supervisor, client, django_capture_on_commit_callbacks
):
    """The list reads only the columns a row shows (issue 11): no row fetches a deferred field
    again, and every shown value is there."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def reviews():
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("evaluation:reviews")).content.decode()
        return len(ctx.captured_queries), page

    client.force_login(supervisor)
    evaluations = []
    for n in range(3):
        app, _ = submitted_application(kya7066)
        with django_capture_on_commit_callbacks(execute=True):
            evaluations.append(evaluated(app, evaluator, negatives=("3",) if n == 0 else ()))
        if n == 0:
            one, _ = reviews()
    three, page = reviews()

    assert three == one
    for ev in evaluations:
        app = ev.application
        assert reverse("evaluation:review", args=[ev.pk]) in page
        assert app.protocol_number in page and app.business.name in page
        assert f'<td class="govgr-table__cell">{app.priority_seq}</td>' in page
    assert evaluator.get_full_name() in page
    assert page.count('<strong class="govgr-tag">Υποβλήθηκε</strong>') == 3
    assert page.count(">Αρνητική<") == 1 and page.count(">Θετική<") == 2
