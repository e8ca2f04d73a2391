import pytest
from django.urls import reverse

from opske.tests.factories import UserFactory


@pytest.mark.django_db
def test_home_page_renders_with_the_portal_name_skip_link_and_landmarks(client):
    page = client.get(reverse("home")).content.decode()

    assert "ΟΠΣΚΕ" in page
    assert 'href="#main-content"' in page
    assert 'role="banner"' in page and 'role="main"' in page and 'role="contentinfo"' in page
    assert 'lang="el"' in page


@pytest.mark.django_db
def test_unknown_page_gets_the_styled_404_without_debug(client, settings):
    settings.DEBUG = False

    response = client.get("/δεν-υπάρχει/")

    assert response.status_code == 404
    assert "Η σελίδα δεν βρέθηκε" in response.content.decode()
    assert "govgr-header" in response.content.decode()


@pytest.mark.django_db
def test_a_crash_gets_the_styled_500_page_with_the_request_id(client, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "opske.tests.urls_crash"
    client.raise_request_exception = False
    client.force_login(UserFactory())

    response = client.get("/boom/", HTTP_X_REQUEST_ID="req-12345678")

    page = response.content.decode()
    assert response.status_code == 500
    assert "Κάτι πήγε στραβά" in page
    assert "req-12345678" in page
    assert "deliberate failure" not in page


@pytest.mark.django_db
def test_english_is_served_when_chosen(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    page = client.get(reverse("home")).content.decode()

    assert 'lang="en"' in page
    assert "Skip to main content" in page
    assert "Page not found" in client.get("/nothing-here/").content.decode()
