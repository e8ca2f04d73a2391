"""Amounts typed on the application steps and sent to the API are read one way (opske.money)."""

from decimal import Decimal

from rest_framework.test import APIClient

from applications.models import Application, BudgetLine
from applications.tests.factories import member

CLUSTER = "994681285"
LIGNITIS = "804773470"


def _draft(client, call, afm):
    user = member(afm)
    client.force_login(user)
    client.post(f"/applications/new/{call.pk}/")
    return user, Application.objects.get(call=call)


def _budget(*rows):
    return {
        "enterprise_size": "small",
        "lines-category": [r[0] for r in rows],
        "lines-description": [r[1] for r in rows],
        "lines-amount": [r[2] for r in rows],
        "lines-research_type": ["" for _ in rows],
    }


def test_budget_step_reads_greek_thousands_as_thousands(client, call004):
    # given a cluster's draft
    _, app = _draft(client, call004, CLUSTER)
    # when the budget step is saved with «200.000» and «1.234,56»
    response = client.post(
        f"/applications/{app.pk}/step/budget/",
        _budget(("02.06", "Εξοπλισμός", "200.000"), ("01.09", "Προσωπικό", "1.234,56")),
    )
    # then the lines hold 200.000,00 € and 1.234,56 € (not 200,00 €), and the page shows them so;
    # the step is saved and stays open, as the plan is below the §6.5.1 minimum
    assert response.status_code == 200 and "300.000,00 €" in response.content.decode()
    assert sorted(BudgetLine.objects.filter(application=app).values_list("amount", flat=True)) == [
        Decimal("1234.56"),
        Decimal("200000.00"),
    ]
    page = client.get(f"/applications/{app.pk}/step/budget/").content.decode()
    assert 'value="200.000,00"' in page and 'value="1.234,56"' in page
    # and saving the page again as shown keeps the same amounts
    client.post(
        f"/applications/{app.pk}/step/budget/",
        _budget(("02.06", "Εξοπλισμός", "200.000,00"), ("01.09", "Προσωπικό", "1.234,56")),
    )
    assert sum(BudgetLine.objects.filter(application=app).values_list("amount", flat=True)) == Decimal(
        "201234.56"
    )


def test_budget_step_refuses_a_bad_amount_at_the_table_and_keeps_what_was_typed(client, call004):
    _, app = _draft(client, call004, CLUSTER)
    client.post(f"/applications/{app.pk}/step/budget/", _budget(("02.06", "Εξοπλισμός", "300.000")))
    # when a second save has three decimals in one line
    page = client.post(
        f"/applications/{app.pk}/step/budget/",
        _budget(("02.06", "Εξοπλισμός νέος", "310.000"), ("01.09", "Προσωπικό", "1.234,567")),
    ).content.decode()
    # then the message names the line and the rule, next to the table
    assert 'id="budget-error">Γραμμή 2: Το ποσό «1.234,567» έχει περισσότερα από δύο δεκαδικά' in page
    # and the typed values are shown again while the saved budget is untouched
    assert 'value="Εξοπλισμός νέος"' in page and 'value="1.234,567"' in page and 'value="310.000"' in page
    assert list(BudgetLine.objects.filter(application=app).values_list("amount", flat=True)) == [
        Decimal("300000.00")
    ]


def test_budget_step_asks_for_the_comma_when_a_full_stop_is_a_decimal_point(client, call004):
    _, app = _draft(client, call004, CLUSTER)
    page = client.post(
        f"/applications/{app.pk}/step/budget/", _budget(("02.06", "Εξοπλισμός", "12.50"))
    ).content.decode()
    assert "Γραμμή 1:" in page and "«12,50»" in page
    assert not BudgetLine.objects.filter(application=app).exists()


def test_de_minimis_declared_grant_in_greek_notation_is_stored_as_an_amount(client, kya7066):
    _, app = _draft(client, kya7066, LIGNITIS)
    client.post(
        f"/applications/{app.pk}/step/de_minimis/",
        {
            "declared": "on",
            "grants-grantor": ["ΕΣΠΑ"],
            "grants-regulation": ["1407/2013"],
            "grants-date": ["2024-05-01"],
            "grants-amount": ["12.500"],
        },
    )
    app.refresh_from_db()
    assert app.data["de_minimis"]["grants"][0]["amount"] == "12500.00"
    page = client.get(f"/applications/{app.pk}/step/de_minimis/").content.decode()
    assert 'value="12.500,00"' in page


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_api_takes_json_numbers_and_point_strings(client, call004):
    user, app = _draft(client, call004, CLUSTER)
    lines = [
        {"category": "02.06", "description": "Εξοπλισμός", "amount": 200000},
        {"category": "01.09", "description": "Προσωπικό", "amount": "1234.56"},
        {"category": "07.13", "description": "Υπηρεσίες", "amount": 99.5},
    ]
    response = _api(user).patch(
        f"/api/v1/applications/{app.pk}/", {"step": "budget", "payload": {"lines": lines}}, format="json"
    )
    assert response.status_code == 200
    assert sorted(BudgetLine.objects.filter(application=app).values_list("amount", flat=True)) == [
        Decimal("99.50"),
        Decimal("1234.56"),
        Decimal("200000.00"),
    ]


def test_api_refuses_greek_strings_and_three_decimals_with_the_error_shape(client, call004):
    user, app = _draft(client, call004, CLUSTER)
    api = _api(user)
    for amount, words in (("1.234,56", "τελεία"), ("12.345", "δύο δεκαδικά"), (True, "αριθμός")):
        response = api.patch(
            f"/api/v1/applications/{app.pk}/",
            {"step": "budget", "payload": {"lines": [{"category": "02.06", "amount": amount}]}},
            format="json",
        )
        body = response.json()
        assert response.status_code == 400, amount
        assert set(body) == {"code", "message", "fields"}
        assert body["code"] == "validation_failed"
        assert body["fields"]["budget"][0].startswith("Γραμμή 1: ") and words in body["fields"]["budget"][0]
    assert not BudgetLine.objects.filter(application=app).exists()
