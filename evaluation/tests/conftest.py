import pytest
from django.db import connection

from accounts.models import Role
from accounts.tests.factories import UserFactory
from applications.tests.factories import load_world, seeded_call
from calls import seeds


@pytest.fixture
def world(db):
    load_world()


@pytest.fixture
def kya7066(world):
    return seeded_call(seeds.kya7066)


@pytest.fixture
def evaluator(db):
    return UserFactory(username="axiologitis", first_name="Νίκος", last_name="Αξιολογητής",
                       email="eval@example.gr", roles=[Role.EVALUATOR])  # fmt: skip


@pytest.fixture
def supervisor(db):
    return UserFactory(username="proistamenos", first_name="Άννα", last_name="Προϊσταμένη",
                       email="head@example.gr", roles=[Role.SUPERVISOR])  # fmt: skip


@pytest.fixture
def committee(db):
    return UserFactory(username="epitropi", first_name="Γιώργος", last_name="Επιτροπή",
                       email="comm@example.gr", roles=[Role.COMMITTEE_MEMBER])  # fmt: skip


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("Η δοκιμή ταυτοχρονισμού χρειάζεται PostgreSQL.")
