"""The de minimis cumulation re-checked before approval counts every de minimis regulation and the
declared grants ΠΣΣΕΗΣ does not show (ΚΥΑ 7066 Άρθ. 2.8–2.12, 2.16, 7.2; Παρ. 4 κριτ. 4(στ)).

ΛΙΓΝΙΤΗΣ ΤΕΧΝΙΚΗ's single undertaking holds €45,000 (2023/2831) in the sandbox register. Worked
examples: + €200,000 (2023/2831, before it submits) + one 01.22 hire €14,220 = €259,220 ≤ €300,000,
so it submits; then another authority's €45,000 agriculture aid (1408/2013) is registered:
€290,000 + €14,220 = €304,220 > €300,000 → rejected before approval, excess €4,220. The same €45,000
under 2023/2832 (SGEI) counts only towards €750,000 → approved.
"""

from decimal import Decimal

import pytest
from django.utils import timezone

from applications import services as app_services
from applications.models import Application
from applications.tests.factories import complete_business_draft, member
from calls.models import BudgetPool
from evaluation import services
from evaluation.models import Decision, Objection, PreInclusionCheck
from evaluation.tests.factories import (
    LIGNITIS,
    evaluated,
    sign_declaration_for_second_level,
    submitted_application,
)
from interop.deminimis import DeminimisClient
from opske.errors import Conflict


def _register(ref: str, regulation: str, amount: str):
    DeminimisClient().register_grant(
        external_reference=ref, measure_code="ΜΚΕ-2026-0099", regulation=regulation,
        beneficiary_afm=LIGNITIS, granting_authority="Περιφέρεια Δυτικής Μακεδονίας",
        grant_date=timezone.localdate(), nominal_amount=Decimal(amount), gge_amount=Decimal(amount),
    )  # fmt: skip


def _reviewed(app, evaluator, supervisor, capture):
    with capture(execute=True):
        ev = evaluated(app, evaluator)
        sign_declaration_for_second_level(app, supervisor)
        services.second_level_review(actor=supervisor, evaluation_id=ev.pk, outcome="agree")


def test_aid_under_another_regulation_registered_after_submission_rejects_before_approval(
    kya7066, evaluator, supervisor, django_capture_on_commit_callbacks
):
    # Given a business at €245,000 that submits for €14,220
    _register("other:general:1", "2023/2831", "200000.00")
    app, owner = submitted_application(kya7066)
    assert app.status == Application.Status.SUBMITTED
    # When agriculture de minimis aid is registered after it submitted
    _register("other:agri:1", "1408/2013", "45000.00")
    _reviewed(app, evaluator, supervisor, django_capture_on_commit_callbacks)

    # Then the re-check counts it and the application is rejected, criterion 4 ΟΧΙ with the figures
    check = PreInclusionCheck.objects.get(application=app)
    assert check.passed is False and check.prior_de_minimis == Decimal("290000.00")
    assert {a["regulation"] for a in check.data["aids"]} == {"2023/2831", "1408/2013"}
    decision = Decision.objects.get(application=app)
    assert decision.kind == Decision.Kind.REJECTION
    reasons = decision.details["reasons"]
    assert "304.220,00 €" in reasons[0] and "300.000,00 €" in reasons[0] and "4.220,00 €" in reasons[0]
    assert "γεωργία, Καν. (ΕΕ) 1408/2013: 45.000,00 €" in reasons[0]
    answers = [r for r in reasons if "— Κριτήριο " in r]
    assert [r.split("Κριτήριο ")[1][0] for r in answers] == list("12345678")  # every group's answer
    assert "ΟΧΙ — Υπέρβαση ορίου de minimis" in answers[3]
    assert all(r.endswith(": ΝΑΙ") for i, r in enumerate(answers) if i != 3)
    assert Application.objects.get(pk=app.pk).status == Application.Status.REJECTED
    assert BudgetPool.objects.get(call=kya7066, code="wm").committed == Decimal("0.00")

    # And the business can object to the rejection once it is notified (Art. 7.5)
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_sign(actor=supervisor, decision_id=decision.pk, confirm=True)
    objection = services.objection_file(
        actor=owner, decision_id=decision.pk, text="Η ενίσχυση 1408/2013 αφορά άλλη επιχείρηση."
    )
    assert Objection.objects.get(pk=objection.pk).decision_id == decision.pk


def test_sgei_aid_counts_only_towards_its_own_ceiling_so_the_same_business_is_approved(
    kya7066, evaluator, supervisor, django_capture_on_commit_callbacks
):
    _register("other:general:2", "2023/2831", "200000.00")
    app, _ = submitted_application(kya7066)
    _register("other:sgei:1", "2023/2832", "45000.00")  # Art. 2.11: cumulates up to €750,000

    _reviewed(app, evaluator, supervisor, django_capture_on_commit_callbacks)

    check = PreInclusionCheck.objects.get(application=app)
    assert check.passed is True
    lines = {ln["code"]: ln for ln in check.data["lines"]}
    assert (lines["general"]["total"], lines["sgei"]["total"]) == ("259220.00", "304220.00")
    assert Application.objects.get(pk=app.pk).status == Application.Status.APPROVED


def test_a_grant_only_the_declaration_shows_still_counts_at_the_recheck(
    kya7066, evaluator, supervisor, django_capture_on_commit_callbacks
):
    # Given €45,000 in ΠΣΣΕΗΣ and a declared €250,000 (1408/2013) the register does not show
    user = member(LIGNITIS)
    grants = [{"grantor": "ΥΠΑΑΤ", "regulation": "Καν. 1408/2013", "date": "2025-05-01", "amount": "250000"}]
    draft = complete_business_draft(user, kya7066, afm=LIGNITIS, grants=grants)
    # When it submits: interoperable data fit, so Art. 6.5 does not block
    app = app_services.application_submit(actor=user, application_id=draft.pk)
    assert app.status == Application.Status.SUBMITTED
    _reviewed(app, evaluator, supervisor, django_capture_on_commit_callbacks)

    # Then the declared grant is counted, not left to the evaluator's eye
    decision = Decision.objects.get(application=app)
    assert decision.kind == Decision.Kind.REJECTION
    assert "309.220,00 €" in decision.details["reasons"][0]
    assert "250.000,00 € μόνο στην υπεύθυνη δήλωση σώρευσης" in decision.details["reasons"][0]


def test_aid_registered_after_the_recheck_refuses_the_grant_with_the_figures(
    kya7066, evaluator, supervisor, django_capture_on_commit_callbacks
):
    # Given an approval drafted after a passing re-check (€245,000 + €14,220 = €259,220)
    _register("other:general:3", "2023/2831", "200000.00")
    app, _ = submitted_application(kya7066)
    _reviewed(app, evaluator, supervisor, django_capture_on_commit_callbacks)
    approval = Decision.objects.get(application=app, kind=Decision.Kind.APPROVAL)
    # When agriculture aid of €45,000 is registered before the head signs (Art. 2.16)
    _register("other:agri:3", "1408/2013", "45000.00")

    with pytest.raises(Conflict) as exc:
        services.decision_sign(actor=supervisor, decision_id=approval.pk, confirm=True)

    # Then the signature is refused naming the figures (€304,220 > €300,000), and nothing changed
    assert exc.value.code == "de_minimis_exceeded_at_grant"
    assert "304.220,00 €" in exc.value.message and "1408/2013" in exc.value.message
    approval.refresh_from_db()
    assert approval.state == Decision.State.DRAFT and approval.signed_at is None


def test_annex2_kad_under_the_evaluate_reading_submits_and_is_rejected_with_criterion_4(
    kya7066, evaluator, supervisor, django_capture_on_commit_callbacks
):
    # ΛΑΪΚΕΣ ΑΓΟΡΕΣ ΦΛΩΡΙΝΑΣ: main ΚΑΔ 47.81.10.01 is in Annex 2; the call evaluates (Annex 4)
    from calls.models import Call

    Call.objects.filter(pk=kya7066.pk).update(
        config={**kya7066.config, "gaps": {"interoperable_prerequisite_failure": "evaluate_and_reject"}}
    )
    florina = {"specialty": "Πωλητής", "category": "01.23", "persons": 1,
               "place_region": "Δυτικής Μακεδονίας", "place_regional_unit": "Φλώρινας",
               "place_municipality": "Φλώρινας"}  # fmt: skip
    app, _ = submitted_application(kya7066, afm="809616685", positions=[florina])
    assert app.status == Application.Status.SUBMITTED

    _reviewed(app, evaluator, supervisor, django_capture_on_commit_callbacks)

    decision = Decision.objects.get(application=app)
    assert decision.kind == Decision.Kind.REJECTION
    reasons = decision.details["reasons"]
    assert "47.81.10.01" in reasons[0] and "Παράρτημα 2" in reasons[0]
    criterion_4 = next(r for r in reasons if "— Κριτήριο 4 " in r)
    assert "ΟΧΙ" in criterion_4 and "47.81.10.01" in criterion_4
    assert len([r for r in reasons if "— Κριτήριο " in r]) == 8
