"""Irreversible steps go through a confirmation page: a POST without `confirm` shows what cannot
be undone and changes nothing; the same POST with `confirm=on` does it."""

from __future__ import annotations

from django.urls import reverse

from evaluation import services
from evaluation.models import Decision, Evaluation, Objection, SecondLevelReview
from evaluation.tests.factories import (
    evaluated,
    fill_all,
    open_form,
    sign_declaration_for_second_level,
    submitted_application,
)

IRREVERSIBLE = "Η ενέργεια δεν αναιρείται."


def _asked(response) -> str:
    body = response.content.decode()
    assert response.status_code == 200 and IRREVERSIBLE in body and 'name="confirm"' in body
    return body


def _decision(kya7066, evaluator, supervisor, capture, *, sign=True):
    app, owner = submitted_application(kya7066)
    with capture(execute=True):
        ev = evaluated(app, evaluator, negatives=("3",))
        sign_declaration_for_second_level(app, supervisor)
        services.second_level_review(actor=supervisor, evaluation_id=ev.pk, outcome="agree")
    decision = Decision.objects.get(application=app)
    if sign:
        with capture(execute=True):
            services.decision_sign(actor=supervisor, decision_id=decision.pk, confirm=True)
        decision.refresh_from_db()
    return app, owner, decision


def test_submitting_an_evaluation_asks_first(kya7066, evaluator, client):
    app, _ = submitted_application(kya7066)
    ev = open_form(app, evaluator)
    fill_all(ev, evaluator, negatives=("3",))
    client.force_login(evaluator)
    url = reverse("evaluation:submit", args=[ev.pk])
    # when the evaluator presses «Υποβολή αξιολόγησης», the page states the result and what locks
    body = _asked(client.post(url, {"justification": "Σύνοψη"}))
    assert "Αρνητική" in body and "Οριστική υποβολή αξιολόγησης" in body and 'value="Σύνοψη"' in body
    assert Evaluation.objects.get(pk=ev.pk).state == Evaluation.State.DRAFT
    # the box left unticked: the error is at the box, still nothing changes
    again = client.post(url, {"justification": "Σύνοψη", "confirm_offered": "1"})
    assert again.status_code == 400 and "govgr-field--error" in again.content.decode()
    assert Evaluation.objects.get(pk=ev.pk).state == Evaluation.State.DRAFT
    # confirmed
    assert client.post(url, {"justification": "Σύνοψη", "confirm": "on"}).status_code == 302
    ev.refresh_from_db()
    assert ev.state == Evaluation.State.SUBMITTED and ev.justification == "Σύνοψη"


def test_an_incomplete_evaluation_is_sent_back_not_asked(kya7066, evaluator, client):
    app, _ = submitted_application(kya7066)
    ev = open_form(app, evaluator)
    client.force_login(evaluator)
    response = client.post(reverse("evaluation:submit", args=[ev.pk]))
    body = response.content.decode()
    # then the form comes back: each missing criterion marked at its row, a summary linking to it
    assert response.status_code == 400 and IRREVERSIBLE not in body
    assert 'href="#criterion-1"' in body and body.count("govgr-field--error") == 8
    assert Evaluation.objects.get(pk=ev.pk).state == Evaluation.State.DRAFT


def test_the_supervisors_final_check_asks_first(kya7066, evaluator, supervisor, client):
    app, _ = submitted_application(kya7066)
    ev = evaluated(app, evaluator)
    sign_declaration_for_second_level(app, supervisor)
    client.force_login(supervisor)
    url = reverse("evaluation:review", args=[ev.pk])
    body = _asked(client.post(url, {"action": "review", "outcome": "agree", "reasons": ""}))
    assert "Οριστική καταχώριση πορίσματος" in body and "Συμφωνώ με το α&#x27; επίπεδο" in body
    assert not SecondLevelReview.objects.exists()
    response = client.post(url, {"action": "review", "outcome": "agree", "reasons": "", "confirm": "on"})
    assert response.status_code == 302 and SecondLevelReview.objects.filter(evaluation=ev).exists()


def test_signing_a_decision_without_the_box_asks_first(
    kya7066, evaluator, supervisor, client, django_capture_on_commit_callbacks
):
    _, _, decision = _decision(kya7066, evaluator, supervisor, django_capture_on_commit_callbacks, sign=False)
    client.force_login(supervisor)
    url = reverse("evaluation:decision", args=[decision.pk])
    body = _asked(client.post(url, {}))
    assert "Διαύγεια" in body
    assert Decision.objects.get(pk=decision.pk).state == Decision.State.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"confirm": "on"}).status_code == 302
    assert Decision.objects.get(pk=decision.pk).state != Decision.State.DRAFT


def test_filing_the_once_only_objection_asks_first(
    kya7066, evaluator, supervisor, client, django_capture_on_commit_callbacks
):
    _, owner, decision = _decision(kya7066, evaluator, supervisor, django_capture_on_commit_callbacks)
    client.force_login(owner)
    url = reverse("evaluation:my-decision", args=[decision.pk])
    body = _asked(client.post(url, {"text": "Ζητούμε επανεξέταση."}))
    assert "μία φορά" in body and "Οριστική υποβολή ένστασης" in body and "Ζητούμε επανεξέταση." in body
    assert not Objection.objects.filter(decision=decision).exists()
    assert client.post(url, {"text": "Ζητούμε επανεξέταση.", "confirm": "on"}).status_code == 302
    assert Objection.objects.get(decision=decision).text == "Ζητούμε επανεξέταση."


def test_deciding_an_objection_asks_first(
    kya7066, evaluator, supervisor, client, django_capture_on_commit_callbacks
):
    _, owner, decision = _decision(kya7066, evaluator, supervisor, django_capture_on_commit_callbacks)
    objection = services.objection_file(actor=owner, decision_id=decision.pk, text="Λόγοι")
    client.force_login(supervisor)
    url = reverse("evaluation:objection", args=[objection.pk])
    posted = {"action": "decide", "accepted": "no", "reasons": "Δεν τεκμηριώνεται."}
    _asked(client.post(url, posted))
    assert Objection.objects.get(pk=objection.pk).is_open
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {**posted, "confirm": "on"}).status_code == 302
    assert not Objection.objects.get(pk=objection.pk).is_open
