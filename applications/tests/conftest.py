import pytest
from django.db import connection

from applications.tests.factories import load_world, seeded_call
from calls import seeds


@pytest.fixture
def world(db):
    load_world()


@pytest.fixture
def kya7066(world):
    return seeded_call(seeds.kya7066)


@pytest.fixture
def call004(world):
    return seeded_call(seeds.call004)


@pytest.fixture
def kya16936(world):
    return seeded_call(seeds.kya16936)


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("Η δοκιμή ταυτοχρονισμού χρειάζεται PostgreSQL.")
