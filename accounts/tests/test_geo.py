"""The postal-code gazetteer that places a business in its region and municipality."""

import pytest

from accounts.geo import place_for_postal_code


@pytest.mark.parametrize(
    ("postal_code", "municipality", "region"),
    [
        ("50200", "Εορδαίας", "Δυτικής Μακεδονίας"),
        ("22200", "Μεγαλόπολης", "Πελοποννήσου"),
        ("22007", "Γορτυνίας", "Πελοποννήσου"),
        ("24002", "Οιχαλίας", "Πελοποννήσου"),
        ("57001", "Θέρμης", "Κεντρικής Μακεδονίας"),
    ],
)
def test_gazetteer_places_postal_codes(postal_code, municipality, region):
    place = place_for_postal_code(postal_code)
    assert (place.municipality, place.region) == (municipality, region)


def test_gazetteer_leaves_an_unknown_postal_code_blank():
    assert place_for_postal_code("99999").municipality == ""
    assert place_for_postal_code("").region == ""
