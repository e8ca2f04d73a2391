"""Call 004 at submission: the plan above the subsidised maximum, the mandatory indirect costs, the
private participation, the legal form and the size (Πρόσκληση 004 §4 όροι 2, 6, 24· §6.2· §6.5.1·
§7.2· §7.4· §7.5). Worked examples derived from the articles; figures in the assertions."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from applications import services
from applications.models import Application, RegistrySnapshot
from applications.tasks import prefill_registries
from applications.tests.factories import member, upload_required_attachments
from opske.errors import ValidationFailed

CLUSTER = "994681285"  # «Σύμπλεγμα Αγροδιατροφής Κεντρικής Μακεδονίας», ΑΜΚΕ in AADE
RESEARCH = "998889259"
SMES = ["997126117", "097464499", "092730129", "098194849", "095938180", "094827501"]

# A plan of €650,000 of which €500,000 is subsidised (the §6.5.1 maximum):
#   02.06 equipment   total 400,000, subsidised 250,000 (investment = 50% of 500,000, §7.5) × 65%
#   01.09 personnel   100,000 × 50%;  09.02 indirect 15% of 100,000 = 15,000 × 50%
#   07.13 printing     10,000 × 50%;  04.02 contract research (industrial, small) 125,000 × 70%
# aid = 162,500 + 50,000 + 7,500 + 5,000 + 87,500 = 312,500; private = 650,000 − 312,500 = 337,500
# (51,92% of the plan, §7.4: the €150,000 above the subsidised budget is private participation).
PLAN_650K = [
    {"category": "02.06", "total_amount": "400000", "amount": "250000"},
    {"category": "01.09", "amount": "100000"},
    {"category": "09.02", "amount": "15000"},
    {"category": "07.13", "amount": "10000"},
    {"category": "04.02", "amount": "125000", "research_type": "industrial"},
]


def _cluster_draft(user, call):
    app = services.application_create(actor=user, call_id=call.pk)
    services.application_save_step(
        actor=user,
        application_id=app.pk,
        step="general",
        payload={
            "email": "cluster@example.gr",
            "title": "Έξυπνη αγροδιατροφή",
            "cluster": {"type": "existing", "sector": "Αγροδιατροφική αλυσίδα"},
        },
    )
    partners = [{"afm": RESEARCH, "kind": "research"}] + [{"afm": a, "kind": "sme"} for a in SMES]
    services.application_save_step(
        actor=user, application_id=app.pk, step="partners", payload={"partners": partners}
    )
    services.application_save_step(
        actor=user, application_id=app.pk, step="declarations", payload={"solemn": True}
    )
    upload_required_attachments(user, app)
    prefill_registries(app.pk)
    return app


def _budget(user, app, lines, size="small"):
    services.application_save_step(
        actor=user, application_id=app.pk, step="budget", payload={"lines": lines, "enterprise_size": size}
    )
    return Application.objects.get(pk=app.pk)


def _codes(app) -> list[str]:
    problems, _pool, _amount = services.evaluate_submission(Application.objects.get(pk=app.pk))
    return [p.code for p in problems]


def _set_gap(call, key, value):
    call.config = {**call.config, "gaps": {**call.config.get("gaps", {}), key: value}}
    call.save()


@pytest.fixture
def cluster_app(call004):
    user = member(CLUSTER)
    return user, _cluster_draft(user, call004)


def test_plan_of_650000_with_500000_subsidised_is_submitted_with_its_private_participation(cluster_app):
    user, app = cluster_app
    _budget(user, app, PLAN_650K)

    submitted = services.application_submit(actor=user, application_id=app.pk)

    assert submitted.status == Application.Status.SUBMITTED
    assert submitted.requested_amount == Decimal("312500.00")
    receipt = services.receipt_context(submitted)
    assert receipt["budget"]["plan"] == "650.000,00 €"
    assert receipt["budget"]["total"] == "500.000,00 €"
    assert receipt["budget"]["aid"] == "312.500,00 €"
    assert receipt["budget"]["private"] == "337.500,00 €"
    assert receipt["budget"]["private_share"] == "51,92%"
    assert receipt["budget_lines"][0]["total_amount"] == "400.000,00 €"
    printed = render_to_string("applications/pdf/receipt.html", receipt)
    assert "Ιδιωτική συμμετοχή" in printed and "337.500,00 € (51,92%)" in printed
    assert "Συνολικός π/υ σχεδίου" in printed and "650.000,00 €" in printed


def test_the_same_plan_all_declared_subsidised_is_refused_naming_the_maximum_and_the_excess(cluster_app):
    user, app = cluster_app
    lines = [dict(line) for line in PLAN_650K]
    lines[0] = {"category": "02.06", "amount": "400000"}  # 650,000 subsidised
    _budget(user, app, lines)

    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(actor=user, application_id=app.pk)

    message = " ".join(exc.value.fields["budget"])
    assert "650.000,00 €" in message and "500.000,00 €" in message and "150.000,00 €" in message
    assert "ιδιωτική συμμετοχή" in message and "§6.5.1" in message
    assert Application.objects.get(pk=app.pk).budget_lines.count() == 5  # nothing saved is lost


def test_a_line_whose_subsidised_amount_exceeds_its_total_is_refused(cluster_app):
    user, app = cluster_app
    lines = [dict(line) for line in PLAN_650K]
    lines[1] = {"category": "01.09", "total_amount": "90000", "amount": "100000"}
    _budget(user, app, lines)

    assert "line_total_below_subsidised" in _codes(app)


def test_plan_without_the_indirect_costs_line_is_refused_with_the_flat_rate_amount(cluster_app):
    user, app = cluster_app
    lines = [line for line in PLAN_650K if line["category"] != "09.02"]
    lines.append({"category": "07.06", "amount": "15000"})
    _budget(user, app, lines)

    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(actor=user, application_id=app.pk)

    assert exc.value.code == "indirect_missing"
    assert "09.02" in exc.value.message and "15.000,00 €" in exc.value.message and "§6.2" in exc.value.message


def test_setting_indirect_cost_rule_changes_outcome(cluster_app, call004):
    # 09.02 at €14,000 against 15% × €100,000 = €15,000: short of the flat rate by €1,000.
    user, app = cluster_app
    lines = [dict(line) for line in PLAN_650K]
    lines[2] = {"category": "09.02", "amount": "14000"}
    lines[3] = {"category": "07.13", "amount": "11000"}
    _budget(user, app, lines)

    _set_gap(call004, "indirect_cost_rule", "exact")
    exact = _codes(app)
    _set_gap(call004, "indirect_cost_rule", "at_most")
    at_most = _codes(app)

    assert "flat_rate_mismatch" in exact
    assert at_most == []


def test_indirect_costs_above_the_flat_rate_are_refused_also_when_at_most(cluster_app, call004):
    user, app = cluster_app
    lines = [dict(line) for line in PLAN_650K]
    lines[2] = {"category": "09.02", "amount": "16000"}
    lines[3] = {"category": "07.13", "amount": "9000"}
    _budget(user, app, lines)
    _set_gap(call004, "indirect_cost_rule", "at_most")

    assert _codes(app) == ["flat_rate_exceeded"]


def test_setting_min_budget_inclusive_changes_outcome(cluster_app, call004):
    # Subsidised budget exactly €300,000: 150,000 investment, 100,000 personnel, 15,000 indirect,
    # 35,000 promotion (§6.5.1 «τουλάχιστον» vs §4 όρος 22 «μεγαλύτερο»).
    user, app = cluster_app
    _budget(
        user,
        app,
        [
            {"category": "02.06", "amount": "150000"},
            {"category": "01.09", "amount": "100000"},
            {"category": "09.02", "amount": "15000"},
            {"category": "07.13", "amount": "35000"},
        ],
    )

    _set_gap(call004, "min_budget_inclusive", "inclusive")
    inclusive = _codes(app)
    _set_gap(call004, "min_budget_inclusive", "exclusive")
    exclusive = _codes(app)

    assert inclusive == []
    assert exclusive == ["below_min_budget"]


def test_setting_min_private_share_percent_changes_outcome(cluster_app, call004):
    # The €650,000 plan leaves 51,92% to the beneficiary: enough for 25% (§4 όρος 24(i)), not for 60%.
    user, app = cluster_app
    _budget(user, app, PLAN_650K)

    call004.config = {**call004.config, "min_private_share_percent": "25"}
    call004.save()
    at_25 = _codes(app)
    call004.config = {**call004.config, "min_private_share_percent": "60"}
    call004.save()
    problems, _, _ = services.evaluate_submission(Application.objects.get(pk=app.pk))

    assert at_25 == []
    assert [p.code for p in problems] == ["private_share_below_min"]
    assert "337.500,00 €" in problems[0].message and "390.000,00 €" in problems[0].message


def test_sole_proprietorship_cannot_apply_to_call_004(cluster_app):
    # AADE answers for a natural person with business income: an «ατομική επιχείρηση» (§4 όρος 6).
    user, app = cluster_app
    _budget(user, app, PLAN_650K)
    snapshot = RegistrySnapshot.objects.get(application=app, registry="aade")
    snapshot.data = {**snapshot.data, "is_natural_person": True, "legal_form": ""}
    snapshot.save()

    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(actor=user, application_id=app.pk)

    assert exc.value.code == "legal_form_ineligible"
    assert "Ατομική επιχείρηση" in exc.value.message and "§4 όρος 6" in exc.value.message
    assert "ΙΚΕ" in exc.value.message  # the forms the call accepts are named


def test_setting_eligible_legal_forms_changes_outcome(cluster_app, call004):
    user, app = cluster_app  # AADE: ΑΜΚΕ
    _budget(user, app, PLAN_650K)

    seeded = _codes(app)
    call004.eligible_legal_forms = ["Α.Ε.", "Ι.Κ.Ε."]
    call004.save()
    narrowed = _codes(app)

    assert seeded == []
    assert narrowed == ["legal_form_ineligible"]


def test_setting_eligible_sizes_changes_outcome(cluster_app, call004):
    user, app = cluster_app
    _budget(user, app, PLAN_650K, size="medium")
    # medium: 04.02 industrial at 60% → aid 300,000 (§7.2), still submittable.

    seeded = _codes(app)
    call004.eligible_sizes = ["micro", "small"]
    call004.save()
    narrowed = _codes(app)

    assert seeded == []
    assert narrowed == ["size_ineligible"]


def test_a_large_enterprise_is_refused_by_the_seeded_sizes(cluster_app):
    user, app = cluster_app
    _budget(user, app, PLAN_650K, size="large")

    problems, _, _ = services.evaluate_submission(Application.objects.get(pk=app.pk))

    assert "size_ineligible" in [p.code for p in problems]
    assert any("§4 όρος 2" in p.message for p in problems if p.code == "size_ineligible")


def test_setting_sectors_changes_outcome(cluster_app, call004):
    # §5: one of the call's seven RIS3 sectors; a call listing other sectors refuses this one.
    user, app = cluster_app
    _budget(user, app, PLAN_650K)

    seeded = _codes(app)
    call004.config = {**call004.config, "sectors": ["Ψηφιακές Τεχνολογίες"]}
    call004.save()
    problems, _, _ = services.evaluate_submission(Application.objects.get(pk=app.pk))

    assert seeded == []
    assert [p.code for p in problems] == ["sector_invalid"]
    assert "«Αγροδιατροφική αλυσίδα»" in problems[0].message and "§5" in problems[0].message


def test_setting_partner_composition_changes_outcome(cluster_app, call004):
    # §4 όρος 3: one research organisation and five SMEs; the cluster has six SMEs. A call asking
    # for seven SMEs refuses it, naming the one missing.
    user, app = cluster_app
    _budget(user, app, PLAN_650K)

    seeded = _codes(app)
    call004.config = {**call004.config, "partner_composition": {"min_research_orgs": 1, "min_smes": 7}}
    call004.save()
    problems, _, _ = services.evaluate_submission(Application.objects.get(pk=app.pk))

    assert seeded == []
    assert [p.code for p in problems] == ["cluster_smes_missing"]
    assert "λείπουν 1" in problems[0].message


def test_the_api_saves_totals_shows_the_computed_figures_and_refuses_with_code_message_fields(cluster_app):
    from rest_framework.test import APIClient

    user, app = cluster_app
    api = APIClient()
    api.force_authenticate(user)
    saved = api.patch(
        f"/api/v1/applications/{app.pk}/",
        {"step": "budget", "payload": {"lines": PLAN_650K, "enterprise_size": "small"}},
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    detail = api.get(f"/api/v1/applications/{app.pk}/").json()
    snapshot = RegistrySnapshot.objects.get(application=app, registry="aade")
    snapshot.data = {**snapshot.data, "is_natural_person": True, "legal_form": ""}
    snapshot.save()

    refused = api.post(f"/api/v1/applications/{app.pk}/submit/")

    assert detail["budget_lines"][0]["total_amount"] == "400000.00"
    assert detail["budget"]["total_budget"] == "650000.00"
    assert detail["budget"]["private_participation"] == "337500.00"
    assert detail["budget"]["private_share_percent"] == "51.92"
    assert detail["budget"]["problems"] == []
    assert refused.status_code == 400
    body = refused.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == "legal_form_ineligible" and "§4 όρος 6" in body["fields"]["business"][0]


def test_call_004_document_limits_cite_section_9(cluster_app, call004):
    from applications import attachments
    from applications.tests.factories import pdf_file

    user, app = cluster_app
    required = attachments.required_for(app)[0]
    required.max_files = 1
    required.save()

    with pytest.raises(ValidationFailed) as exc:
        attachments.attachment_upload(
            actor=user, application_id=app.pk, required_attachment_id=required.pk, file=pdf_file("second.pdf")
        )

    assert exc.value.code == "attachment_too_many"
    assert "έως 1 αρχείο ανά δικαιολογητικό" in exc.value.message and "Πρόσκληση 004 §9" in exc.value.message
