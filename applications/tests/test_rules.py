"""The application rules as pure functions: amounts, de minimis headroom, cluster, preferences, re-edit."""

import datetime
from decimal import Decimal

import pytest

from applications import rules

RATES = {"01.22": Decimal("1185.00"), "01.23": Decimal("829.50")}
NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


def test_requested_amount_is_persons_times_category_rate_times_twelve_months():
    positions = [{"category": "01.22", "persons": 1}, {"category": "01.23", "persons": 2}]

    amount = rules.requested_amount_for_positions(positions, RATES)

    assert amount == Decimal("14220.00") + 2 * Decimal("9954.00")


def test_de_minimis_request_within_headroom_passes():
    assert rules.de_minimis_problems(prior_total="285780.00", requested="14220.00") == []


def test_de_minimis_request_over_headroom_is_blocked_saying_by_how_much():
    problems = rules.de_minimis_problems(prior_total="290000.00", requested="14220.00")

    assert [p.code for p in problems] == ["de_minimis_exceeded"]
    assert "10.000,00 €" in problems[0].message  # headroom
    assert "4.220,00 €" in problems[0].message  # excess
    assert "2023/2831" in problems[0].message


def test_declared_grant_rows_need_grantor_date_and_amount():
    problems = rules.declared_grants_problems(
        [{"grantor": "ΕΣΠΑ", "date": "2024-13-01", "amount": "1000"}, {}]
    )

    assert [p.code for p in problems] == ["de_minimis_row_invalid", "de_minimis_row_incomplete"]


def test_cluster_without_research_organisation_and_with_four_smes_fails_both_composition_rules():
    problems = rules.cluster_problems(["sme"] * 4 + ["large"], min_research=1, min_smes=5)

    assert [p.code for p in problems] == ["cluster_research_missing", "cluster_smes_missing"]
    assert "λείπουν 1" in problems[1].message and "§4.c" in problems[1].message


def test_placement_preferences_must_be_one_to_three_distinct_services_of_the_call():
    allowed = ["a", "b", "c", "d"]

    assert rules.preference_problems(["a", "b"], allowed=allowed) == []
    assert [p.code for p in rules.preference_problems([], allowed=allowed)] == ["preferences_count"]
    assert [p.code for p in rules.preference_problems(["a", "b", "c", "d"], allowed=allowed)] == [
        "preferences_count"
    ]
    assert [p.code for p in rules.preference_problems(["a", "a"], allowed=allowed)] == [
        "preferences_duplicate"
    ]
    assert [p.code for p in rules.preference_problems(["x"], allowed=allowed)] == ["preferences_unknown"]


def test_window_problem_names_the_closing_time():
    closes = NOW - datetime.timedelta(hours=1)

    problem = rules.window_problem(now=NOW, opens_at=NOW - datetime.timedelta(days=9), closes_at=closes)

    assert problem.code == "window_closed"
    assert "01/03/2026 13:00:00" in problem.message  # Europe/Athens, UTC+2 in March


def test_reedit_needs_deadline_not_passed_evaluation_not_started_and_budget_left():
    later = NOW + datetime.timedelta(days=1)
    ok = {"now": NOW, "closes_at": later, "evaluation_started": False, "pool_remaining": Decimal("1")}

    assert rules.reedit_problem(**ok) is None
    assert rules.reedit_problem(**{**ok, "now": later}).code == "reedit_after_deadline"
    assert rules.reedit_problem(**{**ok, "evaluation_started": True}).code == "reedit_evaluation_started"
    assert rules.reedit_problem(**{**ok, "pool_remaining": Decimal("0")}).code == "reedit_budget_exhausted"


def test_resubmission_takes_a_new_place_unless_the_call_keeps_the_original():
    assert rules.priority_after_reedit(rules.REEDIT_REQUEUE, previous_seq=3, new_seq=9) == 9
    assert rules.priority_after_reedit(rules.REEDIT_KEEP, previous_seq=3, new_seq=9) == 3


# --- legal form and size (call 004 §4 όροι 2, 6) ----------------------------------------------------

CALL004_FORMS = ["ΟΕ", "ΕΕ", "ΕΠΕ", "ΑΕ", "ΙΚΕ", "ΑΜΚΕ", "Λοιπό μη κερδοσκοπικό ΝΠΙΔ"]


@pytest.mark.parametrize(
    "form", ["ΙΚΕ", "Ι.Κ.Ε.", "ΙΔΙΩΤΙΚΗ ΚΕΦΑΛΑΙΟΥΧΙΚΗ ΕΤΑΙΡΕΙΑ", "Ο.Ε.", "ΝΠΙΔ", "α.μ.κ.ε."]
)
def test_the_listed_legal_forms_are_recognised_however_aade_writes_them(form):
    assert rules.legal_form_problems(form, is_natural_person=False, eligible=CALL004_FORMS) == []


@pytest.mark.parametrize(
    ("form", "natural"), [("ΑΤΟΜΙΚΗ ΕΠΙΧΕΙΡΗΣΗ", False), ("", True), ("ΙΚΕ", True), ("ΣΥΝΕΤΑΙΡΙΣΜΟΣ", False)]
)
def test_a_sole_proprietorship_or_an_unlisted_form_is_refused_naming_the_article(form, natural):
    [problem] = rules.legal_form_problems(form, is_natural_person=natural, eligible=CALL004_FORMS)

    assert problem.code == "legal_form_ineligible"
    assert "§4 όρος 6" in problem.message and "ΑΜΚΕ" in problem.message


def test_no_listed_forms_means_every_form_and_an_unknown_form_is_reported():
    assert rules.legal_form_problems("ΑΤΟΜΙΚΗ", is_natural_person=True, eligible=[]) == []
    [unknown] = rules.legal_form_problems("", is_natural_person=False, eligible=["ΑΕ"])
    assert unknown.code == "legal_form_unknown"


def test_size_outside_the_calls_sizes_is_refused():
    assert rules.size_problems("medium", eligible=["micro", "small", "medium"]) == []
    [large] = rules.size_problems("large", eligible=["micro", "small", "medium"])
    [missing] = rules.size_problems("", eligible=["micro"])
    assert large.code == "size_ineligible" and "μεγάλη" in large.message and "§4 όρος 2" in large.message
    assert missing.code == "size_missing"
