"""The evaluator's form shows its refusals at the field, with a summary linking to each."""

from __future__ import annotations

from django.urls import reverse

from evaluation.models import Finding
from evaluation.tests.factories import open_form, submitted_application


def test_a_no_without_reasons_comes_back_at_its_row_with_a_linked_summary(kya7066, evaluator, client):
    app, _ = submitted_application(kya7066)
    ev = open_form(app, evaluator)
    client.force_login(evaluator)
    url = reverse("evaluation:finding", args=[ev.pk, "2"])
    # with htmx: the row is swapped in place (422 is swapped, base.html htmx-config)
    response = client.post(url, {"value": "no", "justification": ""}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 422
    assert 'class="govgr-field opske-criterion govgr-field--error" id="criterion-2"' in body
    assert 'id="criterion-2-error"' in body and "απαιτεί αιτιολόγηση" in body
    assert 'id="workspace-errors" hx-swap-oob="true"' in body and 'href="#criterion-2"' in body
    # the choice stays checked, nothing saved
    assert 'id="value-2-no" name="value" value="no" checked' in body
    assert not Finding.objects.filter(evaluation=ev).exists()
    # without JavaScript: the whole form, the error at the row and in the summary
    response = client.post(url, {"value": "no", "justification": ""})
    body = response.content.decode()
    assert response.status_code == 400
    assert "govgr-error-summary" in body and 'href="#criterion-2"' in body
    assert body.count("govgr-field--error") == 1


def test_radio_buttons_are_paired_with_their_labels(kya7066, evaluator, client):
    app, _ = submitted_application(kya7066)
    ev = open_form(app, evaluator)
    client.force_login(evaluator)
    body = client.get(reverse("evaluation:workspace", args=[ev.assignment_id])).content.decode()
    for code in "12345678":
        for value in ("yes", "no"):
            assert f'id="value-{code}-{value}"' in body and f'for="value-{code}-{value}"' in body
    assert 'style="display:grid' not in body  # the split layout lives in opske.css and reflows
