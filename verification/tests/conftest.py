import pytest

from applications.tests.factories import load_world, seeded_call
from calls import seeds


@pytest.fixture
def world(db):
    load_world()


@pytest.fixture
def kya7066(world):
    return seeded_call(seeds.kya7066)
