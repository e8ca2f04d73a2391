"""ΚΥΑ 16936 applications of persons: a new application replaces and cancels the previous one
(Art. 5(5)), number fields take digits only, the Art. 4(1)(γ) declarations are recorded and checked."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application, RegistrySnapshot
from applications.tasks import prefill_registries
from applications.tests.factories import person_user, upload_required_attachments
from calls.models import Call
from opske.errors import ValidationFailed
from opske.models import AuditEvent

MARIA = "15038580948"  # registered with ΔΥΠΑ since 13/01/2025


def submitted_application(user, call, *, education="ΠΕ", prefs=("opekepe-athina",)):
    app = services.application_create(actor=user, call_id=call.pk)
    prefill_registries(app.pk)
    services.application_save_step(
        actor=user,
        application_id=app.pk,
        step="person",
        payload={"education": education, "placement_preferences": list(prefs)},
    )
    services.application_save_step(
        actor=user, application_id=app.pk, step="general", payload={"email": user.email}
    )
    services.application_save_step(
        actor=user, application_id=app.pk, step="declarations", payload={"solemn": True}
    )
    upload_required_attachments(user, app)
    return services.application_submit(actor=user, application_id=app.pk)


def test_a_second_application_replaces_and_cancels_the_first(kya16936):
    # Given Maria submitted an application with Athens as her only preference
    user = person_user(MARIA)
    first = submitted_application(user, kya16936)
    # When she submits a new one, now with Larisa first
    second = submitted_application(user, kya16936, prefs=("opekepe-larisa", "opekepe-athina"))
    # Then the new one proceeds and the first is cancelled with its reason, pointing to the new one
    first.refresh_from_db()
    assert second.status == Application.Status.SUBMITTED
    assert first.status == Application.Status.CANCELLED
    assert first.superseded_by_id == second.pk and first.cancelled_at is not None
    assert second.protocol_number in first.cancellation_reason and "Άρθ. 5(5)" in first.cancellation_reason
    event = AuditEvent.objects.get(action="application.cancelled_superseded", object_id=str(first.pk))
    assert event.after["status"] == "cancelled" and event.after["superseded_by"] == second.pk
    # And only the new one would be ranked
    live = Application.objects.filter(call=kya16936, status=Application.Status.SUBMITTED)
    assert list(live) == [second]


def test_starting_again_continues_an_open_draft_instead_of_a_second_one(kya16936):
    user = person_user(MARIA)
    first = services.application_create(actor=user, call_id=kya16936.pk)
    again = services.application_create(actor=user, call_id=kya16936.pk)
    assert again.pk == first.pk
    assert Application.objects.filter(call=kya16936, person__amka=MARIA).count() == 1


def test_the_person_sees_the_first_application_cancelled_in_her_list(kya16936):
    user = person_user(MARIA)
    first = submitted_application(user, kya16936)
    second = submitted_application(user, kya16936)
    client = Client()
    client.force_login(user)

    listing = client.get(reverse("applications:mine")).content.decode()
    detail = client.get(reverse("applications:detail", args=[first.pk])).content.decode()

    assert "Ακυρώθηκε (αντικαταστάθηκε από νεότερη αίτηση)" in listing
    assert second.protocol_number in detail and "Άρθ. 5(5)" in detail
    # A citizen's pages carry no business wording: no priority, no requested amount, no ΚΥΑ 7066.
    for page in (listing, detail):
        assert "προτεραιότητ" not in page.lower()
        assert "Αιτούμενο ποσό" not in page and ">0,00 €" not in page and "ΚΥΑ 7066" not in page


def test_a_business_call_still_refuses_a_second_application(world):
    from applications.rules import SECOND_REFUSED, SECOND_REPLACES, second_application_outcome

    assert second_application_outcome(applicant_kind="business", one_per_applicant=True) == SECOND_REFUSED
    assert second_application_outcome(applicant_kind="business", one_per_applicant=False) is None
    assert (
        second_application_outcome(applicant_kind="natural_person", one_per_applicant=True) == SECOND_REPLACES
    )


# --- the person step ----------------------------------------------------------------------------


def test_minor_children_in_words_is_refused_at_the_field_and_nothing_is_lost(kya16936):
    # Given a saved step with education and two preferences and 2 children
    user = person_user(MARIA)
    app = services.application_create(actor=user, call_id=kya16936.pk)
    saved = {"education": "ΔΕ", "placement_preferences": ["opekepe-athina"], "minor_children": "2"}
    services.application_save_step(actor=user, application_id=app.pk, step="person", payload=saved)
    # When «τρία» is typed for the children
    with pytest.raises(ValidationFailed) as exc:
        services.application_save_step(
            actor=user, application_id=app.pk, step="person", payload={**saved, "minor_children": "τρία"}
        )
    # Then the field says so and what was saved stays (not «τρί»)
    assert "τρία" in exc.value.fields["minor_children"][0]
    app.refresh_from_db()
    assert app.data["person_facts"]["minor_children"] == "2" and app.education == "ΔΕ"


def test_person_step_form_shows_the_error_at_the_field_and_keeps_the_typed_values(kya16936):
    user = person_user(MARIA)
    app = services.application_create(actor=user, call_id=kya16936.pk)
    client = Client()
    client.force_login(user)
    url = reverse("applications:step", args=[app.pk, "person"])

    page = client.post(
        url,
        {
            "education": "ΠΕ",
            "placement_preferences": ["opekepe-larisa"],
            "minor_children": "τρία",
            "greek_cert_level": "B2",
            "greek_cert_issuer": "kentro",
        },
    ).content.decode()

    assert 'id="minor_children-error"' in page and "γράψτε αριθμό με ψηφία" in page
    assert 'value="τρία"' in page and 'value="B2" selected' in page
    assert 'value="opekepe-larisa" checked' in page


def test_greek_certificate_and_omogenis_declaration_are_recorded(kya16936):
    user = person_user(MARIA)
    app = services.application_create(actor=user, call_id=kya16936.pk)
    payload = {
        "education": "ΠΕ",
        "placement_preferences": ["opekepe-athina"],
        "greek_cert_level": "C1",
        "greek_cert_issuer": "kentro",
        "greek_cert_number": "ΚΕΓ-2024-118",
        "omogenis": True,
        "omogenis_proof": "Ειδικό δελτίο ταυτότητας ομογενούς αρ. 12345",
    }
    services.application_save_step(actor=user, application_id=app.pk, step="person", payload=payload)
    app.refresh_from_db()
    facts = app.data["person_facts"]
    assert (facts["greek_cert_level"], facts["greek_cert_issuer"], facts["omogenis"]) == (
        "C1",
        "kentro",
        True,
    )

    with pytest.raises(ValidationFailed) as exc:
        services.application_save_step(
            actor=user, application_id=app.pk, step="person", payload={**payload, "omogenis_proof": ""}
        )
    assert "ν.δ. 3832/1958" in exc.value.fields["omogenis_proof"][0]


def _person_check(call, *, citizenship, education, facts, since="2025-01-13"):
    app = Application(call=call, kind="natural_person", education=education, data={"person_facts": facts})
    dypa = RegistrySnapshot(
        registry="dypa",
        status="ok",
        data={"registered": True, "registered_since": since, "citizenship": citizenship},
    )
    return [p.code for p in services._person_problems(app, dypa)]


def test_submission_checks_the_language_level_and_the_omogenis_declaration(kya16936):
    assert _person_check(kya16936, citizenship="DE", education="ΠΕ", facts={"greek_cert_level": "B2"}) == [
        "greek_language_level"
    ]
    assert _person_check(kya16936, citizenship="DE", education="ΠΕ", facts={"greek_cert_level": "C1"}) == []
    assert _person_check(kya16936, citizenship="AL", education="ΔΕ", facts={}) == ["citizenship_not_eligible"]
    assert _person_check(kya16936, citizenship="AL", education="ΔΕ", facts={"omogenis": True}) == []


def test_setting_administrative_categories_changes_outcome(kya16936):
    # A German citizen with Γ'/B2 in ΠΕ: for administrative positions Δ'/Γ1 is needed, otherwise B2 is enough.
    facts = {"greek_cert_level": "B2"}
    assert _person_check(kya16936, citizenship="DE", education="ΠΕ", facts=facts) == ["greek_language_level"]
    config = {**kya16936.config, "administrative_categories": ["ΔΕ"]}
    Call.objects.filter(pk=kya16936.pk).update(config=config)
    kya16936.refresh_from_db()
    assert _person_check(kya16936, citizenship="DE", education="ΠΕ", facts=facts) == []


def test_submission_refuses_a_registration_after_the_publication_date(kya16936):
    published = timezone.localtime(kya16936.published_at).date()
    day_after = (published + datetime.timedelta(days=1)).isoformat()
    codes = _person_check(kya16936, citizenship="GR", education="ΔΕ", facts={}, since=day_after)
    assert codes == ["registered_after_publication"]
    assert (
        _person_check(kya16936, citizenship="GR", education="ΔΕ", facts={}, since=published.isoformat()) == []
    )


def test_a_persons_receipt_has_no_amount_priority_or_kya_7066():
    from django.template.loader import render_to_string

    context = {
        "title": "Αποδεικτικό",
        "protocol_number": "ΟΠΣΚΕ-1-000002",
        "priority_seq": 2,
        "requested_amount": "0,00 €",
        "call": {"title": "Ειδικό πρόγραμμα"},
        "education": "ΠΕ",
        "placement_preferences": ["opekepe-athina"],
    }
    person = render_to_string("applications/pdf/receipt.html", {**context, "is_person": True})
    business = render_to_string("applications/pdf/receipt.html", {**context, "is_person": False})
    assert "προτεραιότητας" not in person and "0,00 €" not in person and "ΚΥΑ 7066" not in person
    assert "Άρθ. 5(5)" in person
    assert "Σειρά προτεραιότητας" in business and "0,00 €" in business


def test_the_16936_settings_are_read_and_shown_in_the_call_editor():
    from calls.gaps import GAPS_BY_KEY, gaps_for_method

    shown = {g.key for g in gaps_for_method("points_ranking")}
    # The absence divisor is read by payments.programmes.kya16936 (issue 13); the replacement's
    # contract length by the replacement rule (evaluation/points): both shown.
    assert GAPS_BY_KEY["absence_divisor"].pending == ""
    assert GAPS_BY_KEY["replacement_contract_length"].pending == ""
    assert {"income_column", "age_rule", "replacement_contract_length", "absence_divisor"} <= shown


def test_a_person_after_the_deadline_is_told_the_programmes_article():
    from applications.rules import window_problem

    now = timezone.now()
    problem = window_problem(
        now=now, opens_at=now - datetime.timedelta(days=30), closes_at=now, source="ΚΥΑ 16936 Άρθ. 5(3)"
    )
    assert problem.code == "window_closed" and "ΚΥΑ 16936 Άρθ. 5(3)" in problem.message
    assert "7066" not in problem.message
