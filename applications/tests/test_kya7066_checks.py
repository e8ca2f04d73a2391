"""ΚΥΑ 7066 checks at submission and re-editing, with worked examples derived from the articles."""

import datetime
from decimal import Decimal

import pytest

from applications import rules, services
from applications.models import Application
from applications.tests.factories import POSITION_KOZANI, complete_business_draft, member
from calls.models import BudgetPool, Call
from interop.sandboxes.control import set_mode
from opske.errors import Conflict, ValidationFailed

LIGNITIS = "804773470"
GREVENA = "808982626"  # €290,000 prior de minimis in ΠΣΣΕΗΣ
GREVENA_POSITION = {**POSITION_KOZANI, "place_regional_unit": "Γρεβενών", "place_municipality": "Γρεβενών"}
ON = datetime.date(2026, 3, 2)


def _aid(regulation, amount, days_back, source="registry"):
    return rules.PriorAid(regulation, Decimal(amount), ON - datetime.timedelta(days=days_back), source)


# --- the one de minimis rule (ΚΥΑ 7066 Άρθ. 2.8–2.12; Καν. 2023/2831 Άρθ. 3(2), 5) -----------------


def test_agriculture_and_fisheries_aid_count_towards_the_general_300000():
    aids = [_aid("2023/2831", "200000", 100), _aid("1408/2013", "45000", 50), _aid("717/2014", "40000", 20)]
    result = rules.de_minimis_cumulation(requested=Decimal("14220"), aids=aids, as_on=ON)
    # 200,000 + 45,000 + 40,000 + 14,220 = 299,220 ≤ 300,000
    assert result.ok and result.lines[0].total == Decimal("299220.00")
    more = rules.de_minimis_cumulation(requested=Decimal("28440"), aids=aids, as_on=ON)
    assert not more.ok and "313.440,00 €" in more.message and "13.440,00 €" in more.message


def test_sgei_aid_counts_only_towards_the_750000_of_art_5_1():
    aids = [_aid("2023/2831", "280000", 100), _aid("2023/2832", "450000", 100)]
    assert rules.de_minimis_cumulation(requested=Decimal("14220"), aids=aids, as_on=ON).ok
    aids.append(_aid("2023/2832", "10000", 10))  # 280,000 + 460,000 + 14,220 = 754,220 > 750,000
    over = rules.de_minimis_cumulation(requested=Decimal("14220"), aids=aids, as_on=ON)
    assert not over.ok and over.lines[0].ok and not over.lines[1].ok
    assert "754.220,00 €" in over.message and "750.000,00 €" in over.message


def test_the_three_year_window_is_rolling_and_excludes_the_day_1095_days_back():
    aids = [_aid("2023/2831", "290000", 1095), _aid("2023/2831", "10000", 1094)]
    result = rules.de_minimis_cumulation(requested=Decimal("14220"), aids=aids, as_on=ON)
    assert result.ok and result.lines[0].prior == Decimal("10000.00")


def test_a_declared_grant_the_register_shows_counts_once_and_one_it_does_not_counts_on_top():
    registry = [{"regulation": "1407/2013", "gge_amount": "120000.00", "grant_date": "2025-01-10"}]
    declared = [
        {"grantor": "Περιφέρεια", "regulation": "1407/2013", "date": "2025-01-10", "amount": "120000"},
        {"grantor": "ΥΠΑΑΤ", "regulation": "Καν. (ΕΕ) 1408/2013", "date": "2025-06-01", "amount": "30000"},
        {"grantor": "Δήμος", "regulation": "", "date": "2025-07-01", "amount": "5000"},
    ]
    aids = rules.prior_aids(registry_awards=registry, declared_rows=declared)
    assert [(a.regulation, a.amount, a.source) for a in aids] == [
        ("1407/2013", Decimal("120000.00"), "registry"),
        ("1408/2013", Decimal("30000.00"), "declared"),
        ("2023/2831", Decimal("5000.00"), "declared"),  # no regulation named: the general ceiling
    ]
    result = rules.de_minimis_cumulation(requested=Decimal("150000"), aids=aids, as_on=ON)
    assert not result.ok and result.declared_only == Decimal("35000.00")
    assert "35.000,00 € μόνο στην υπεύθυνη δήλωση" in result.message


def test_gber_aid_is_not_de_minimis_and_does_not_count():
    registry = [
        {"regulation": "GBER 651/2014 art. 27", "gge_amount": "250000.00", "grant_date": "2025-01-10"}
    ]
    assert rules.prior_aids(registry_awards=registry) == []


# --- Art. 6.5 (blocks) against Annex 4 (evaluates) ------------------------------------------------


def test_setting_interoperable_prerequisite_failure_changes_outcome(kya7066):
    # €290,000 in ΠΣΣΕΗΣ + €14,220 = €304,220 > €300,000
    user = member(GREVENA)
    app = complete_business_draft(user, kya7066, afm=GREVENA, positions=[GREVENA_POSITION])
    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(actor=user, application_id=app.pk)
    assert exc.value.code == "de_minimis_exceeded" and "304.220,00 €" in exc.value.message
    assert "positions" in exc.value.fields

    Call.objects.filter(pk=kya7066.pk).update(
        config={**kya7066.config, "gaps": {"interoperable_prerequisite_failure": "evaluate_and_reject"}}
    )
    submitted = services.application_submit(actor=user, application_id=app.pk)
    assert submitted.status == Application.Status.SUBMITTED  # criterion 4 is answered at evaluation


# --- every programme: an ΑΦΜ AADE does not know -------------------------------------------------------


def test_afm_aade_reports_not_found_blocks_submission_and_keeps_the_draft(kya7066):
    user = member(LIGNITIS)
    set_mode("aade", "error", error_code="RG_WS_PUBLIC_TAXPAYER_NF")
    try:
        app = complete_business_draft(user, kya7066, afm=LIGNITIS)
    finally:
        set_mode("aade", "normal")

    with pytest.raises(ValidationFailed) as exc:
        services.application_submit(actor=user, application_id=app.pk)

    assert any("δεν βρέθηκε" in m and "Άρθ. 6.5" in m for m in exc.value.fields["business"])
    app.refresh_from_db()
    assert app.status == Application.Status.DRAFT and app.positions.count() == 1


# --- re-editing (Art. 6.7γ) --------------------------------------------------------------------------


def test_reedit_is_refused_for_the_application_holding_the_pools_last_reservation(kya7066):
    # Pool €14,220.00; one 01.22 hire (€14,220.00) holds all of it → remaining €0.00: exhausted.
    BudgetPool.objects.filter(call=kya7066, code="wm").update(amount=Decimal("14220.00"))
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)
    services.application_submit(actor=user, application_id=app.pk)

    with pytest.raises(Conflict) as exc:
        services.application_reopen(actor=user, application_id=app.pk)

    assert exc.value.code == "reedit_budget_exhausted" and "6.7γ" in exc.value.message
    app.refresh_from_db()
    assert app.status == Application.Status.SUBMITTED and app.reserved_amount == Decimal("14220.00")


def test_reedit_is_allowed_while_the_pool_still_has_budget(kya7066):
    BudgetPool.objects.filter(call=kya7066, code="wm").update(amount=Decimal("14220.01"))
    user = member(LIGNITIS)
    app = complete_business_draft(user, kya7066, afm=LIGNITIS)
    services.application_submit(actor=user, application_id=app.pk)

    reopened = services.application_reopen(actor=user, application_id=app.pk)

    assert reopened.status == Application.Status.DRAFT


# --- settings of the call that these rules read ------------------------------------------------------


def test_setting_never_employed_category_changes_outcome():
    # Art. 5.1.3: a person who worked in a lignite business → 01.22; elsewhere → 01.23
    assert rules.unemployed_category(previous_sectors_affected=[False, True]).category == "01.22"
    assert rules.unemployed_category(previous_sectors_affected=[False]).category == "01.23"
    # Never employed: no rate in the article (gap 17)
    flagged = rules.unemployed_category(previous_sectors_affected=[], never_employed_reading="flag")
    assert flagged.category == "flag" and "απόφαση" in flagged.reason
    rated = rules.unemployed_category(previous_sectors_affected=[], never_employed_reading="rate_0123")
    assert rated.category == "01.23"


def test_every_kya7066_setting_is_read_and_shown_in_the_editor():
    from calls.gaps import GAPS_BY_KEY, gaps_for_method

    shown = {g.key for g in gaps_for_method("fcfs_direct")}
    # a late claim and the clawback were read by payments (issue 13); the hiring deadline and the
    # referral's category by operations (issue 12): all shown, none pending
    assert {"late_payment_request", "clawback_reading"} <= shown
    assert not any(GAPS_BY_KEY[key].pending for key in shown)
    assert {"headcount_window", "clarification_days_counting", "interoperable_prerequisite_failure"} <= shown
    assert {"hiring_deadline_anchor", "never_employed_category"} <= shown


def test_declared_amounts_are_read_in_greek_notation():
    assert rules.declared_amount("250.000") == Decimal("250000")
    assert rules.declared_amount("1.234,56") == Decimal("1234.56")
    assert rules.declared_amount("1234.56") == Decimal("1234.56")
    declared = [{"grantor": "ΥΠΑΑΤ", "regulation": "1408/2013", "date": "2025-05-01", "amount": "45.000"}]
    assert rules.prior_aids(declared_rows=declared)[0].amount == Decimal("45000.00")


def test_api_refuses_the_de_minimis_breach_with_code_message_and_fields(kya7066):
    from applications.tests.test_api import assert_error_shape, client_for

    user = member(GREVENA)
    app = complete_business_draft(user, kya7066, afm=GREVENA, positions=[GREVENA_POSITION])

    response = client_for(user).post(f"/api/v1/applications/{app.pk}/submit/")

    assert response.status_code == 400
    body = response.json()
    assert_error_shape(body)
    assert body["code"] == "de_minimis_exceeded"
    assert "304.220,00 €" in body["fields"]["positions"][0] and "Άρθ. 2.9" in body["message"]
