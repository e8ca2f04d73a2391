"""The filing rules of verification requests, pinned to worked examples of Πρόσκληση 004 §11.1.A,
§6.1, §6.5.2 and §11.2 (pure functions: no database)."""

import datetime
from decimal import Decimal

import pytest

from calls import seeds
from verification.rules import requests as rules

D = Decimal
BUDGET = D("200000.00")
T0 = datetime.date(2025, 1, 15)
END = datetime.date(2028, 5, 15)


def _limits(**gaps) -> rules.RequestLimits:
    """Call 004's limits as its seed configures them (config + deadline rows)."""
    seed = seeds.call004()["versions"][0]
    config = dict(seed["fields"]["config"])
    config["gaps"] = {**config.get("gaps", {}), **gaps}
    return rules.limits_from_call(config=config, deadlines=seed["children"]["deadlines"])


def _check(total, *, kind="interim", earlier=(), on=datetime.date(2026, 3, 1), ends_on=END, limits=None):
    return rules.submission_check(
        kind=kind,
        total=D(total),
        budget=BUDGET,
        earlier=[rules.Earlier(k, D(t)) for k, t in earlier],
        submitted_on=on,
        starts_on=T0,
        ends_on=ends_on,
        item_count=3,
        limits=limits or _limits(),
    )


def _codes(result) -> list[str]:
    problems, _warnings = result
    return [p.code for p in problems]


def test_call_004_limits_come_from_its_configuration_and_deadlines():
    limits = _limits()
    assert limits.first_min_percent == D("30")
    assert limits.first_deadline_months == 18
    assert (limits.interim_min_percent, limits.interim_max_percent) == (D("30"), D("80"))
    assert limits.interim_max_count == 2
    assert limits.last_interim_months_before_end == 4
    assert limits.final_deadline_days == 30 and limits.final_deadline_roll is True
    assert limits.cash_max_net == D("500.00")


def test_first_request_below_30_percent_of_the_budget_is_refused():
    # Budget 200.000,00 €: 30% = 60.000,00 €.
    problems, _ = _check("59999.99")
    assert [p.code for p in problems] == ["first_below_min"]
    assert "60.000,00 €" in problems[0].message and "59.999,99 €" in problems[0].message
    assert "§11.1.A" in problems[0].message


def test_first_request_of_exactly_30_percent_is_accepted():
    assert _codes(_check("60000.00")) == []


def test_first_request_on_the_last_day_of_the_18_months_is_in_time():
    # T0 15/01/2025 + 18 months = 15/07/2026, still in time.
    assert _codes(_check("60000.00", on=datetime.date(2026, 7, 15))) == []


def test_first_request_18_months_and_a_day_after_t0_is_refused():
    problems, _ = _check("60000.00", on=datetime.date(2026, 7, 16))
    assert [p.code for p in problems] == ["first_late"]
    assert "15/07/2026" in problems[0].message


def test_late_first_request_flagged_instead_when_the_call_reads_the_text_as_may_revoke():
    problems, warnings = _check(
        "60000.00", on=datetime.date(2026, 7, 16), limits=_limits(late_first_request="flag")
    )
    assert problems == [] and [w.code for w in warnings] == ["first_late"]


def test_second_interim_over_80_percent_cumulatively_is_refused_and_at_80_accepted():
    earlier = [("first", "100000.00")]
    assert _codes(_check("70000.00", earlier=earlier)) == ["interim_above_max"]  # 85%
    assert _codes(_check("60000.00", earlier=earlier)) == []  # exactly 80%


def test_interim_range_read_per_request_when_the_gap_says_each():
    earlier = [("first", "100000.00")]
    each = _limits(interim_percent_basis="each")
    assert _codes(_check("70000.00", earlier=earlier, limits=each)) == []  # 35% on its own
    assert _codes(_check("50000.00", earlier=earlier, limits=each)) == ["interim_below_min"]  # 25%


def test_a_third_interim_request_is_refused():
    earlier = [("first", "60000.00"), ("interim", "40000.00")]
    assert "too_many_interim" in _codes(_check("10000.00", earlier=earlier))


def test_second_interim_later_than_four_months_before_the_end_is_refused():
    # End 15/05/2028: the second interim at the latest on 15/01/2028.
    earlier = [("first", "60000.00")]
    assert _codes(_check("40000.00", earlier=earlier, on=datetime.date(2028, 1, 15))) == []
    assert _codes(_check("40000.00", earlier=earlier, on=datetime.date(2028, 1, 16))) == ["interim_late"]


def test_final_request_within_30_days_of_the_end_rolled_to_the_next_working_day():
    # End 12/05/2028 + 30 days = Sunday 11/06/2028 → Monday 12/06/2028.
    end = datetime.date(2028, 5, 12)
    earlier = [("first", "100000.00")]
    on_monday = _check("50000.00", kind="final", earlier=earlier, on=datetime.date(2028, 6, 12), ends_on=end)
    assert _codes(on_monday) == []
    late = _check("50000.00", kind="final", earlier=earlier, on=datetime.date(2028, 6, 13), ends_on=end)
    assert _codes(late) == ["final_late"]


def test_final_request_may_be_the_first_and_needs_30_percent_then():
    assert _codes(_check("59999.99", kind="final")) == ["first_below_min"]
    assert _codes(_check("150000.00", kind="final")) == []  # a final request has no 80% ceiling


def test_nothing_after_the_final_request():
    assert "after_final" in _codes(_check("10000.00", earlier=[("final", "100000.00")]))


def test_a_request_without_items_is_refused():
    result = rules.submission_check(
        kind="interim",
        total=D("0.00"),
        budget=BUDGET,
        earlier=[],
        submitted_on=T0,
        starts_on=T0,
        ends_on=END,
        item_count=0,
        limits=rules.RequestLimits(),
    )
    assert _codes(result) == ["no_items"]


def test_a_call_without_verification_limits_sets_none():
    limits = rules.limits_from_call(config={}, deadlines=[])
    assert _codes(_check("1.00", limits=limits)) == []


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime.date(2025, 1, 15), 18, datetime.date(2026, 7, 15)),
        (datetime.date(2025, 8, 31), 6, datetime.date(2026, 2, 28)),
        (datetime.date(2028, 5, 15), -4, datetime.date(2028, 1, 15)),
        (datetime.date(2027, 3, 31), -1, datetime.date(2027, 2, 28)),
    ],
)
def test_add_months(start, months, expected):
    assert rules.add_months(start, months) == expected


# --- items ----------------------------------------------------------------------------------------


def _item(**over):
    values = {
        "category": "02.19",
        "approved_categories": ["02.19", "04.22"],
        "net": D("1000.00"),
        "vat": D("240.00"),
        "total": None,
        "document_date": datetime.date(2025, 3, 1),
        "payment_date": datetime.date(2025, 3, 10),
        "payment_method": "transfer",
        "supplier_key": "094019245",
        "document_number": "Α-12",
        "other_documents": set(),
        "eligible_from": datetime.date(2024, 9, 20),
        "eligible_until": datetime.date(2029, 6, 30),
        "limits": _limits(),
    }
    values.update(over)
    return [(p.code, p.field) for p in rules.item_problems(**values)]


def test_a_correct_item_passes():
    assert _item() == []
    assert _item(total=D("1240.00")) == []


def test_net_plus_vat_must_equal_the_total_when_given():
    assert _item(total=D("1240.01")) == [("total_mismatch", "total_amount")]


def test_amounts_with_more_than_two_decimals_are_refused_at_their_field():
    assert _item(net=D("1000.005")) == [("too_many_decimals", "amount")]


def test_the_same_document_of_the_same_supplier_is_declared_once():
    seen = {("094019245", "Α-12")}
    assert _item(other_documents=seen, document_number="α - 12") == [
        ("duplicate_document", "document_number")
    ]
    # The same number from another supplier is another document.
    assert _item(other_documents=seen, supplier_key="800000000") == []


def test_documents_outside_the_eligibility_period_are_refused():
    assert _item(document_date=datetime.date(2029, 7, 1)) == [("date_outside_eligibility", "document_date")]
    assert _item(document_date=datetime.date(2024, 9, 19)) == [("date_outside_eligibility", "document_date")]
    assert _item(document_date=datetime.date(2029, 6, 30), payment_date=datetime.date(2029, 7, 2)) == [
        ("date_outside_eligibility", "payment_date")
    ]


def test_cash_only_up_to_500_euro_net():
    assert _item(payment_method="cash", net=D("500.00"), vat=D("120.00")) == []
    assert _item(payment_method="cash", net=D("500.01"), vat=D("120.00")) == [
        ("cash_over_limit", "payment_method")
    ]


def test_a_category_outside_the_approved_budget_is_refused():
    assert _item(category="03.13") == [("category_not_approved", "category")]


def test_eligibility_window_ends_at_the_earlier_of_the_call_and_the_operation():
    start = datetime.date(2024, 9, 20)
    window = rules.eligibility_window(
        application_submitted_on=start,
        call_eligibility_end=datetime.date(2029, 6, 30),
        operation_ends_on=datetime.date(2028, 5, 15),
    )
    assert window == (start, datetime.date(2028, 5, 15))


def test_a_category_claimed_over_its_remaining_approved_amount_is_flagged():
    rows = rules.category_rows(
        lines=[("02.19", "Εξοπλισμός", D("40000.00")), ("04.22", "Υπηρεσίες", D("60000.00"))],
        earlier={"02.19": D("30000.00")},
        this={"02.19": D("10000.01"), "04.22": D("60000.00")},
    )
    warnings = rules.category_warnings(rows)
    assert [w.field for w in warnings] == ["02.19"]
    assert "υπέρβαση 0,01 €" in warnings[0].message
    assert rows[1].remaining_after == D("0.00") and not rows[1].over


def test_indirect_costs_are_15_percent_of_the_personnel_claimed():
    # Personnel 40.000,00 € → 09.02 = 6.000,00 € (Πρόσκληση 004 §6.1).
    def codes(indirect, reading="exact"):
        return [
            p.code
            for p in rules.indirect_cost_problems(
                category="09.02",
                rate_percent=D("15"),
                personnel=D("40000.00"),
                indirect=D(indirect),
                reading=reading,
            )
        ]

    assert codes("6000.00") == [] and codes("6000.01") == []
    assert codes("5000.00") == ["indirect_cost_mismatch"]
    assert codes("5000.00", reading="at_most") == []
    assert codes("6000.02") == codes("6000.02", reading="at_most") == ["indirect_cost_mismatch"]
