"""Each step checks, when saved, what the final submission would refuse (the same rules), keeps the
data, shows the problem at its field; the final check list links back to the step and field."""

import re

import pytest

from applications.models import Application
from applications.tasks import prefill_registries
from applications.tests.factories import member

pytestmark = pytest.mark.django_db

LIGNITIS = "804773470"  # €45.000 prior de minimis in its group (demo world)
THESSALONIKI = ("Κεντρικής Μακεδονίας", "Θεσσαλονίκης", "Θεσσαλονίκης")
KOZANI = ("Δυτικής Μακεδονίας", "Κοζάνης", "Κοζάνης")


def _positions(place, rows=1, persons="1"):
    region, unit, municipality = place
    return {
        "positions-specialty": ["Ηλεκτρολόγος"] * rows,
        "positions-qualifications": ["Άδεια"] * rows,
        "positions-category": ["01.22"] * rows,
        "positions-persons": [persons] * rows,
        "positions-place_label": ["Έδρα"] * rows,
        "positions-place_region": [region] * rows,
        "positions-place_regional_unit": [unit] * rows,
        "positions-place_municipality": [municipality] * rows,
    }


@pytest.fixture
def draft(client, kya7066):
    client.force_login(member(LIGNITIS))
    client.post(f"/applications/new/{kya7066.pk}/")
    app = Application.objects.get(call=kya7066)
    prefill_registries(app.pk)  # the ΑΑΔΕ and de minimis answers, as the background task stores them
    return app


def test_a_place_outside_the_areas_is_shown_at_its_row_when_the_step_is_saved(client, draft):
    # when the business saves a position in Thessaloniki (outside ΚΥΑ 7066 Art. 4.1.1 areas)
    response = client.post(f"/applications/{draft.pk}/step/positions/", _positions(THESSALONIKI))
    # then it stays on the step, the position is saved, and the row carries the reason
    assert response.status_code == 200
    assert list(draft.positions.values_list("place_municipality", flat=True)) == ["Θεσσαλονίκης"]
    page = response.content.decode()
    row = re.search(r'<tr class="govgr-table__row opske-row--error" id="position-1">(.*?)</tr>', page, re.S)
    assert row and "δεν είναι επιλέξιμη" in row.group(1)
    assert 'href="#position-1"' in page and "Αποθηκεύτηκε" in page


def test_twenty_positions_over_the_de_minimis_headroom_are_shown_on_the_positions_step(client, draft):
    # given €45.000 prior aid: 20 persons × 1.185 €/month × 12 = 284.400 € goes over the €300.000
    response = client.post(f"/applications/{draft.pk}/step/positions/", _positions(KOZANI, rows=20))
    # then the positions step says so (Καν. 2023/2831 Άρθ. 3(2)) and keeps the 20 rows
    page = response.content.decode()
    assert response.status_code == 200 and draft.positions.count() == 20
    assert "Υπέρβαση ορίου de minimis" in page and "329.400,00 €" not in page.split("Υπέρβαση")[0]
    # and with 17 (241.740 € + 45.000 € ≤ 300.000 €) it goes on to the next step
    fixed = client.post(f"/applications/{draft.pk}/step/positions/", _positions(KOZANI, rows=17))
    assert fixed.status_code == 302 and fixed["Location"].endswith("/step/de_minimis/")


def test_a_valid_step_moves_on_and_autosave_reports_the_problems_too(client, draft):
    ok = client.post(f"/applications/{draft.pk}/step/positions/", _positions(KOZANI))
    assert ok.status_code == 302 and ok["Location"].endswith("/step/de_minimis/")
    auto = client.post(
        f"/applications/{draft.pk}/step/positions/", _positions(THESSALONIKI), HTTP_HX_REQUEST="true"
    )
    body = auto.content.decode()
    assert "Αποθηκεύτηκε αυτόματα" in body and "δεν είναι επιλέξιμη" in body


def test_the_final_check_list_links_to_the_step_and_field(client, draft):
    client.post(f"/applications/{draft.pk}/step/positions/", _positions(THESSALONIKI))
    page = client.get(f"/applications/{draft.pk}/confirm/").content.decode()
    assert f'href="/applications/{draft.pk}/step/positions/?check=1#position-1"' in page
    assert f'href="/applications/{draft.pk}/step/de_minimis/?check=1#grants-table"' in page
    assert f'href="/applications/{draft.pk}/step/declarations/?check=1#id_solemn"' in page
    # following the link shows the problem at the field again
    back = client.get(f"/applications/{draft.pk}/step/declarations/?check=1").content.decode()
    assert 'id="field-declarations"' in back and "επέχει θέση υπεύθυνης δήλωσης" in back


def test_greek_dates_are_accepted_in_the_de_minimis_table_and_shown_day_first(client, draft):
    grants = {
        "declared": "on",
        "grants-grantor": ["ΕΣΠΑ"],
        "grants-regulation": ["2023/2831"],
        "grants-date": ["15/03/2024"],
        "grants-amount": ["1000"],
    }
    response = client.post(f"/applications/{draft.pk}/step/de_minimis/", grants)
    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.data["de_minimis"]["grants"][0]["date"] == "2024-03-15"
    assert 'value="15/03/2024"' in client.get(f"/applications/{draft.pk}/step/de_minimis/").content.decode()
    bad = client.post(f"/applications/{draft.pk}/step/de_minimis/", {**grants, "grants-date": ["31/02/2024"]})
    assert bad.status_code == 200 and "ΗΗ/ΜΜ/ΕΕΕΕ" in bad.content.decode()
