"""Guidance Ο.3 §4.3.1.B and §4.3.2 pinned to worked examples (pure rules, no database)."""

from decimal import Decimal

from verification.rules import item_sampling as s
from verification.rules.subprojects import item_check_method, subproject_type_of_config

D = Decimal


def _items(amounts, category="Α", start=1):
    return [s.SampleItem(start + n, category, D(a)) for n, a in enumerate(amounts)]


# One category of 10 items totalling 50.000,00 € with one item of 6.000,00 €.
TEN = _items(["6000", "5000", "5000", "5000", "5000", "5000", "5000", "5000", "5000", "4000"])


def test_items_of_exactly_ten_percent_of_their_category_are_mandatory():
    # «ενδεικτικά με ποσό ≥ 10%»: 6.000,00 and each 5.000,00 of 50.000,00 are all mandatory.
    assert sum(i.amount for i in TEN) == D("50000")
    sample = s.draw_sample(TEN, subproject_type="5005", seed=42)
    reasons = {p.item_id: p.reason for p in sample.picks}
    assert reasons[1] == s.MANDATORY_LARGE and reasons[2] == s.MANDATORY_LARGE
    assert 10 not in reasons  # 4.000,00 is 8%: not mandatory, and the target is already met
    cov = sample.coverage[0]
    assert cov.target == D("10000.00") and cov.sampled_total == D("46000")


def test_worked_example_one_large_item_and_random_draws():
    # 10 items, 50.000,00 €: one of 6.000,00 € and nine small ones of 4.888,88/4.888,89 €
    # (each below the 5.000,00 € mandatory threshold).
    amounts = ["6000.00"] + ["4888.89"] * 8 + ["4888.88"]
    items = _items(amounts)
    assert sum(i.amount for i in items) == D("50000.00")
    sample = s.draw_sample(items, subproject_type="5005", seed=7)
    mandatory = [p for p in sample.picks if p.reason == s.MANDATORY_LARGE]
    randoms = [p for p in sample.picks if p.reason == s.RANDOM]
    assert [p.item_id for p in mandatory] == [1]
    # 6.000 + one random 4.888,89 = 10.888,89 ≥ 10.000,00: one random draw suffices.
    assert len(randoms) == 1 and randoms[0].draw == 1
    assert sample.coverage[0].sampled_total == D("10888.89")
    assert sample.coverage[0].met


def test_the_same_seed_gives_the_same_sample_and_another_seed_may_not():
    items = _items([str(100 + n) for n in range(40)])
    a = s.draw_sample(items, subproject_type="5005", seed=12345)
    b = s.draw_sample(items, subproject_type="5005", seed=12345)
    assert [(p.item_id, p.draw) for p in a.picks] == [(p.item_id, p.draw) for p in b.picks]
    others = {tuple(sorted(s.draw_sample(items, subproject_type="5005", seed=k).item_ids)) for k in range(5)}
    assert len(others) > 1


def test_more_than_100_items_needs_fifteen_percent_and_100_needs_twenty():
    assert s.minimum_percent(100) == D("20")
    assert s.minimum_percent(101) == D("15")
    items = _items(["10"] * 120)
    sample = s.draw_sample(items, subproject_type="5005", seed=1)
    assert sample.percent == D("15")
    # 15% of 1.200,00 € = 180,00 € → 18 items of 10,00 €.
    assert sample.coverage[0].sampled_items == 18


def test_lower_tiers_need_many_items_and_a_justification():
    assert s.percent_errors(D("10"), item_count=80)  # 80 items: 10% refused
    assert s.percent_errors(D("10"), item_count=500)  # no justification
    assert s.percent_errors(D("10"), item_count=500, justification="5.000 δαπάνες μισθοδοσίας") == []
    assert s.percent_errors(D("5"), item_count=500, justification="x") == []
    assert s.percent_errors(D("7"), item_count=500, justification="x")  # not a tier
    assert s.percent_errors(D("19.99"), item_count=50)
    assert s.percent_errors(D("30"), item_count=5) == []  # first ΔΔΔ: higher is allowed
    assert s.percent_errors(D("20.123"), item_count=5)


def test_each_category_is_covered_on_its_own():
    items = _items(["1000"] * 10, "Προσωπικό") + _items(["300"] * 10, "Μετακινήσεις", start=100)
    sample = s.draw_sample(items, subproject_type="5005", seed=3)
    by_cat = {c.category: c for c in sample.coverage}
    # 10 equal items: each is exactly 10% of its category → all mandatory (≥ 10%).
    assert by_cat["Προσωπικό"].sampled_total == D("10000")
    items = _items(["100"] * 30, "Προσωπικό") + _items(["50"] * 30, "Μετακινήσεις", start=100)
    sample = s.draw_sample(items, subproject_type="5005", seed=3)
    by_cat = {c.category: c for c in sample.coverage}
    assert by_cat["Προσωπικό"].sampled_total == D("600") and by_cat["Προσωπικό"].sampled_items == 6
    assert by_cat["Μετακινήσεις"].sampled_total == D("300") and by_cat["Μετακινήσεις"].sampled_items == 6


def test_marked_items_are_mandatory():
    items = _items(["100"] * 30)
    sample = s.draw_sample(items, subproject_type="5005", seed=9, marked=[17])
    assert any(p.item_id == 17 and p.reason == s.MARKED for p in sample.picks)


def test_public_contract_types_are_checked_in_full():
    for code in ("5001", "5002", "5003", "5004", "5008", "5009"):
        sample = s.draw_sample(TEN, subproject_type=code, seed=1)
        assert sample.method == "full" and len(sample.picks) == 10
        assert {p.reason for p in sample.picks} == {s.FULL}
    assert item_check_method("5011") == "second_level"
    assert s.draw_sample(TEN, subproject_type="5011", seed=1).item_ids == {i.id for i in TEN}


def test_extension_takes_the_unverified_items_of_the_categories_chosen():
    items = _items(["100"] * 5, "Α") + _items(["100"] * 5, "Β", start=10)
    assert [p.item_id for p in s.extend_sample(items, already={1, 10}, categories=["Α"])] == [2, 3, 4, 5]
    assert len(s.extend_sample(items, already={1, 10}, categories=None)) == 8


def test_subproject_type_of_config_defaults_to_5005():
    assert subproject_type_of_config({}) == "5005"
    assert subproject_type_of_config({"subproject_type": "5003"}) == "5003"
    assert subproject_type_of_config({"subproject_type": "bogus"}) == "5005"


def test_a_riskier_category_gets_its_own_percentage_if_the_overall_minimum_holds():
    # Two categories of 30 × 100,00 € (each item 3,33%: none mandatory): 40% of «Α», 5% of «Β».
    items = _items(["100"] * 30, "Α") + _items(["100"] * 30, "Β", start=100)
    sample = s.draw_sample(
        items, subproject_type="5005", seed=1, category_percents={"Α": D("40"), "Β": D("5")}
    )
    by_cat = {c.category: c for c in sample.coverage}
    assert by_cat["Α"].sampled_total == D("1200") and by_cat["Β"].sampled_total == D("200")
    assert s.overall_errors(sample, minimum=D("20")) == []  # 1.400 of 6.000 = 23,33%
    low = s.draw_sample(items, subproject_type="5005", seed=1, category_percents={"Α": D("25"), "Β": D("5")})
    assert s.overall_errors(low, minimum=D("20"))  # 900 of 6.000 = 15%
