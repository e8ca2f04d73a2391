import pytest


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
