import pytest

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
def supervisor(db):
    return UserFactory(username="proistamenos", email="head@example.gr", roles=[Role.SUPERVISOR])
