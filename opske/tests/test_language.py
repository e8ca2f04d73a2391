import pytest

from applications.tests.factories import load_world, member, seeded_call
from calls import seeds


@pytest.mark.django_db
def test_the_portal_answers_in_greek_whatever_the_browser_prefers(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.status_code == 200
    assert 'lang="el"' in response.content.decode()
    assert "Κρατικές ενισχύσεις" in response.content.decode()


@pytest.mark.django_db
def test_english_is_a_choice_made_with_the_language_switch(client):
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert switched.status_code == 302

    response = client.get("/")

    assert 'lang="en"' in response.content.decode()
    assert "State aid" in response.content.decode()


@pytest.mark.django_db
def test_the_public_calls_list_is_in_english_after_the_language_switch(client):
    load_world()
    seeded_call(seeds.kya7066)
    client.post("/i18n/setlang/", {"language": "en", "next": "/calls/"})

    page = client.get("/calls/").content.decode()

    assert "Search calls" in page
    assert "Applications close (Greek time)" in page
    assert "Αναζήτηση προσκλήσεων" not in page
    assert "Λήξη υποβολών (ώρα Ελλάδας)" not in page


@pytest.mark.django_db
def test_an_applicant_sees_my_applications_in_english_after_the_language_switch(client):
    load_world()
    seeded_call(seeds.kya7066)
    client.force_login(member("804773470"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/applications/"})

    page = client.get("/applications/").content.decode()

    assert "My applications" in page
    assert "Open calls" in page
    assert "Οι αιτήσεις μου" not in page
    assert "Ανοιχτές προσκλήσεις" not in page
