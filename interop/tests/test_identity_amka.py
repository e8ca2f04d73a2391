"""«Δήλωση ΑΜΚΑ»: a TAXISnet citizen links their Person after ΗΔΙΚΑ confirms the ΑΜΚΑ is theirs."""

import pytest

from accounts.models import Person
from accounts.tests.factories import PersonFactory, TaxisnetUserFactory
from interop.models import RegistryCall
from interop.sandboxes.control import set_mode
from opske.models import AuditEvent

pytestmark = pytest.mark.django_db

MARIA_AFM, MARIA_AMKA = "103374891", "15038580948"
NIKOS_AMKA = "02079014649"  # registered to ΑΦΜ 113566153


@pytest.fixture
def maria(client):
    user = TaxisnetUserFactory(afm=MARIA_AFM, first_name="ΜΑΡΙΑ", last_name="ΠΑΠΑΔΟΠΟΥΛΟΥ")
    client.force_login(user)
    return user


def test_citizen_declares_own_amka_and_the_register_confirms_it(client, maria):
    response = client.post("/accounts/person/amka/", {"amka": f" {MARIA_AMKA} "}, follow=True)

    page = response.content.decode()
    person = Person.objects.get(amka=MARIA_AMKA)
    assert person.user == maria
    assert (person.last_name, person.birth_date.isoformat()) == ("ΠΑΠΑΔΟΠΟΥΛΟΥ", "1985-03-15")
    assert f"Ο ΑΜΚΑ {MARIA_AMKA} επιβεβαιώθηκε" in page
    assert "Δήλωση ΑΜΚΑ" not in page  # the form is gone once a Person is linked
    assert RegistryCall.objects.filter(registry="idika", outcome="ok").count() == 1
    assert {"person.created", "person.linked_to_user"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_someone_elses_amka_is_refused_with_a_clear_message(client, maria):
    response = client.post("/accounts/person/amka/", {"amka": NIKOS_AMKA})

    assert response.status_code == 400
    assert (
        "Ο ΑΜΚΑ δεν αντιστοιχεί στον ΑΦΜ με τον οποίο συνδεθήκατε στο TAXISnet" in response.content.decode()
    )
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="person.").exists()


def test_a_mistyped_amka_is_refused_before_asking_the_register(client, maria):
    response = client.post("/accounts/person/amka/", {"amka": "15038580940"})

    assert response.status_code == 400
    assert "Ο ΑΜΚΑ δεν είναι έγκυρος" in response.content.decode()
    assert not RegistryCall.objects.exists()


def test_an_amka_already_linked_to_another_account_is_not_taken_over(client, maria):
    other = TaxisnetUserFactory()
    PersonFactory(amka=MARIA_AMKA, afm=MARIA_AFM, user=other)

    response = client.post("/accounts/person/amka/", {"amka": MARIA_AMKA})

    assert response.status_code == 400
    assert "ήδη συνδεδεμένος με άλλον λογαριασμό" in response.content.decode()
    assert Person.objects.get(amka=MARIA_AMKA).user == other


def test_idika_down_keeps_the_form_and_says_to_try_later(client, maria):
    set_mode("idika", "down")

    response = client.post("/accounts/person/amka/", {"amka": MARIA_AMKA})

    assert response.status_code == 400
    assert "Δήλωση ΑΜΚΑ" in response.content.decode()
    assert "ξανά" in response.content.decode()
    assert not Person.objects.exists()


def test_staff_cannot_declare_an_amka(admin_client):
    response = admin_client.post("/accounts/person/amka/", {"amka": MARIA_AMKA}, follow=True)

    assert "Μόνο χρήστες TAXISnet δηλώνουν ΑΜΚΑ" in response.content.decode()
    assert not Person.objects.exists()
