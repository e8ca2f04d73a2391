"""Πρόσκληση 004 payment rules (§7.2, §11.3), pinned to the worked examples of the domain notes
(004 §4.4) and to examples derived from §11.3.Α–Γ. Pure functions: no database."""

import datetime
from decimal import Decimal as D

import pytest

from calls import seeds
from payments import rules_call004 as r

SEED_CATEGORIES = {
    c["code"]: {
        "code": c["code"],
        "gber_article": c.get("gber_article", ""),
        "aid_intensity_percent": c.get("aid_intensity_percent"),
        "intensity_table": c.get("intensity_table") or {},
    }
    for c in seeds.call004()["versions"][0]["children"]["expense_categories"]
}
TODAY = datetime.date(2026, 12, 2)


def test_seed_categories_carry_the_section_7_2_intensities():
    assert SEED_CATEGORIES["02.06"]["aid_intensity_percent"] == D("65")
    assert SEED_CATEGORIES["01.10"]["aid_intensity_percent"] == D("50")
    assert SEED_CATEGORIES["04.02"]["intensity_table"]["cap"] == 80


@pytest.mark.parametrize(
    "size, expected",
    [("small", D("325000.00")), ("micro", D("325000.00")), ("medium", D("318750.00"))],
)
def test_domain_note_4_4_maximum_aid_on_500000(size, expected):
    # 004 §4.4: small/micro 0,25×80% + 0,50×65% + 0,25×50% = 65% → 325.000 €; medium 63,75% → 318.750 €.
    lines = r.category_aid(
        {"04.02": D("125000"), "02.06": D("250000"), "01.10": D("125000")},
        SEED_CATEGORIES,
        size=size,
        research={"04.02": [("industrial", True)]},
    )
    assert r.total_aid(lines) == expected
    by = {line.category: line for line in lines}
    assert by["04.02"].article == "25" and by["02.06"].article == "27"
    assert by["04.02"].percent == (D("80") if size != "medium" else D("75"))  # 70+15 capped at 80
    assert "Άρθρο 25" in by["04.02"].citation


def test_domain_note_4_4_minimum_aid_all_operating():
    # 004 §4.4: all operating, 300.000 € → 150.000 €.
    lines = r.category_aid({"01.10": D("200000"), "07.12": D("100000")}, SEED_CATEGORIES, size="small")
    assert r.total_aid(lines) == D("150000.00")


def test_experimental_development_with_dissemination_and_feasibility_study():
    lines = r.category_aid(
        {"04.03": D("10000"), "04.06": D("10000")},
        SEED_CATEGORIES,
        size="medium",
        research={"04.03": [("experimental", True)]},
    )
    by = {line.category: line for line in lines}
    assert by["04.03"].percent == D("50") and by["04.03"].aid == D("5000.00")  # 35 + 15
    assert by["04.06"].percent == D("60") and by["04.06"].aid == D("6000.00")  # feasibility, medium


def test_two_research_types_in_one_category_take_the_lower_intensity():
    lines = r.category_aid(
        {"04.02": D("10000")},
        SEED_CATEGORIES,
        size="small",
        research={"04.02": [("industrial", False), ("experimental", False)]},
    )
    assert lines[0].percent == D("45") and "χαμηλότερη" in lines[0].note


def test_demo_operation_public_funding_is_the_aid_of_its_budget():
    # The demo cluster's approved budget: 01.10 120.000, 02.06 200.000, 07.12 80.000 (400.000 €);
    # its decision states 400.000 € as public expenditure, the §7.2 intensities give 230.000 €.
    budget = {"01.10": D("120000"), "02.06": D("200000"), "07.12": D("80000")}
    aid = r.total_aid(r.category_aid(budget, SEED_CATEGORIES, size="small"))
    assert aid == D("230000.00")
    funding, warning = r.approved_public_funding(D("400000.00"), aid)
    assert funding == D("230000.00") and "230.000,00 €" in warning
    assert r.approved_public_funding(D("200000.00"), aid) == (D("200000.00"), "")


def test_advance_is_at_most_40_percent():
    assert r.advance_max(D("400000.00")) == D("160000.00")
    assert r.advance_max(D("230000.00")) == D("92000.00")


def _guarantee(**kw):
    base = {
        "number": "ΕΕ-2026/0042",
        "issuer": "Εθνική Τράπεζα της Ελλάδος",
        "amount": D("92000.00"),
        "issued_on": datetime.date(2026, 11, 20),
        "expires_on": None,
        "has_letter": True,
    }
    return r.GuaranteeFacts(**{**base, **kw})


def _problems(**kw):
    base = {
        "amount": D("92000.00"),
        "public_funding": D("230000.00"),
        "guarantee": _guarantee(),
        "first_request_filed_on": None,
        "has_advance": False,
        "operation_active": True,
        "today": TODAY,
    }
    return {(p.field, p.code) for p in r.advance_problems(**{**base, **kw})}


def test_advance_with_an_equal_guarantee_is_accepted():
    assert _problems() == set()


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"guarantee": None}, ("guarantee_number", "advance_without_guarantee")),
        ({"amount": D("92000.01")}, ("amount", "advance_over_40")),
        ({"first_request_filed_on": datetime.date(2026, 11, 1)}, ("amount", "advance_after_request")),
        ({"guarantee": _guarantee(amount=D("91999.99"))}, ("guarantee_amount", "guarantee_below_advance")),
        (
            {"guarantee": _guarantee(expires_on=datetime.date(2026, 12, 1))},
            ("guarantee_expires_on", "guarantee_expired"),
        ),
        (
            {"guarantee": _guarantee(expires_on=datetime.date(2030, 1, 1))},
            ("guarantee_expires_on", "guarantee_not_indefinite"),
        ),
        ({"guarantee": _guarantee(issuer="Τράπεζα του Πουθενά")}, ("guarantee_issuer", "guarantee_issuer")),
        ({"guarantee": _guarantee(has_letter=False)}, ("guarantee_letter", "guarantee_letter")),
        ({"has_advance": True}, ("amount", "advance_exists")),
    ],
)
def test_advance_refusals_name_their_field(change, expected):
    assert expected in _problems(**change)


def test_interim_payment_cut_at_the_80_percent_ceiling():
    # 230.000 approved, 92.000 advance, 190.000 certified: 92.000 offset, 98.000 payable;
    # 80% = 184.000 leaves 92.000: paid 92.000, cut 6.000 («περικοπή λόγω ορίου 80%»).
    out = r.interim_payment(
        certified_aid=D("190000.00"), public_funding=D("230000.00"), advance=D("92000.00")
    )
    assert (out.offset, out.payable, out.room, out.amount, out.cut) == (
        D("92000.00"), D("98000.00"), D("92000.00"), D("92000.00"), D("6000.00"),
    )  # fmt: skip
    assert any("Περικοπή λόγω ορίου 80%: 6.000,00 €" in w for w in out.warnings)


def test_certification_below_the_advance_only_offsets_it():
    # The demo's first request after the vcheck journey: 84.000 of 02.06 and 40.000 of 01.10 →
    # 54.600 + 20.000 = 74.600 of aid, all of it offsets the 92.000 advance; nothing is paid.
    aid = r.total_aid(
        r.category_aid({"02.06": D("84000"), "01.10": D("40000")}, SEED_CATEGORIES, size="small")
    )
    assert aid == D("74600.00")
    first = r.interim_payment(certified_aid=aid, public_funding=D("230000.00"), advance=D("92000.00"))
    assert (first.offset, first.amount) == (D("74600.00"), D("0.00"))
    # The second certification offsets the remaining 17.400 and pays the rest.
    second = r.interim_payment(
        certified_aid=D("60000.00"),
        public_funding=D("230000.00"),
        advance=D("92000.00"),
        advance_offset_before=D("74600.00"),
    )
    assert (second.offset, second.amount, second.cut) == (D("17400.00"), D("42600.00"), D("0.00"))


def test_without_advance_the_ceiling_and_the_two_payments():
    first = r.interim_payment(certified_aid=D("300000.00"), public_funding=D("400000.00"))
    assert (first.amount, first.cut) == (D("300000.00"), D("0.00"))
    second = r.interim_payment(
        certified_aid=D("100000.00"),
        public_funding=D("400000.00"),
        interim_paid_before=D("300000.00"),
        interim_count_before=1,
    )
    assert (second.room, second.amount, second.cut) == (D("20000.00"), D("20000.00"), D("80000.00"))
    third = r.interim_payment(
        certified_aid=D("10000.00"),
        public_funding=D("400000.00"),
        interim_paid_before=D("100000.00"),
        interim_count_before=2,
    )
    assert third.amount == D("0.00") and any("έως 2" in w for w in third.warnings)


def test_final_payment_settles_the_rest():
    out = r.final_payment(final_aid=D("220000.00"), public_funding=D("230000.00"), paid_before=D("184000.00"))
    assert out.amount == D("36000.00") and out.excess_paid == D("0.00")
    capped = r.final_payment(
        final_aid=D("240000.00"), public_funding=D("230000.00"), paid_before=D("184000.00")
    )
    assert capped.amount == D("46000.00")
    over = r.final_payment(final_aid=D("80000.00"), public_funding=D("230000.00"), paid_before=D("92000.00"))
    assert (
        over.amount == D("0.00") and over.excess_paid == D("12000.00") and "ανακτώνται" in over.warnings[-1]
    )


@pytest.mark.parametrize(
    "paid_on, end, expected",
    [
        (datetime.date(2026, 3, 15), datetime.date(2029, 7, 31), datetime.date(2029, 6, 30)),
        (datetime.date(2024, 5, 1), datetime.date(2029, 6, 30), datetime.date(2027, 12, 31)),
        (datetime.date(2024, 5, 1), datetime.date(2027, 3, 31), datetime.date(2027, 3, 31)),
        (datetime.date(2025, 1, 10), None, datetime.date(2028, 12, 31)),
    ],
)
def test_advance_cover_deadline_is_the_earliest(paid_on, end, expected):
    assert r.advance_cover_deadline(paid_on=paid_on, implementation_end=end) == expected


def test_advance_coverage_counts_only_expenses_paid_by_the_deadline():
    kwargs = {"advance": D("92000.00"), "paid_on": datetime.date(2024, 5, 1), "implementation_end": None}
    expenses = [
        (datetime.date(2025, 2, 1), D("50000.00")),
        (datetime.date(2028, 1, 5), D("60000.00")),
        (None, D("1")),
    ]
    open_ = r.advance_coverage(**kwargs, expenses=expenses, today=datetime.date(2027, 6, 1))
    assert (open_.deadline, open_.covered, open_.uncovered, open_.ineligible) == (
        datetime.date(2027, 12, 31), D("50000.00"), D("42000.00"), D("0.00"),
    )  # fmt: skip
    closed = r.advance_coverage(**kwargs, expenses=expenses, today=datetime.date(2028, 1, 2))
    assert closed.closed and closed.ineligible == D("42000.00")


def test_discounting_lowers_the_final_payment_after_an_early_advance():
    # Granted 01/01/2026; advance 100,00 € on the grant date; cost 1.000,00 € on 01/01/2027;
    # intensity 50%; rate 5%: PV(cost) = 952,38…, room = 476,19… − 100 = 376,19…, final on
    # 01/01/2027 → × 1,05 = 395,00 € (undiscounted: 500 − 100 = 400,00 €).
    grant = datetime.date(2026, 1, 1)
    kw = {
        "payments": [(grant, D("100"))],
        "costs": [(datetime.date(2027, 1, 1), D("1000"))],
        "max_intensity_percent": D("50"),
        "grant_date": grant,
        "final_on": datetime.date(2027, 1, 1),
    }
    assert r.discounted_final_cap(**kw, rate_percent=D("5")) == D("395.00")
    assert r.discounted_final_cap(**kw, rate_percent=D("0")) == D("400.00")


def test_line_label_shows_the_percentage_in_greek_notation():
    lines = r.category_aid({"01.10": D("120000"), "04.03": D("1000")}, SEED_CATEGORIES, size="medium",
                           research={"04.03": [("industrial", True)]})  # fmt: skip
    assert lines[0].label == "Κατηγορία 01.10: επιλέξιμο 120.000,00 € × 50%"
    assert lines[1].label.endswith("× 75%")
