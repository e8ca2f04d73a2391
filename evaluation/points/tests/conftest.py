import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from applications.tests.factories import load_world, seeded_call
from calls import seeds
from evaluation.points.tests.factories import close_window


@pytest.fixture
def world(db):
    load_world()


@pytest.fixture
def call16936(world):
    return close_window(seeded_call(seeds.kya16936))


@pytest.fixture
def admin_user(db):
    return UserFactory(roles=[Role.PROGRAMME_ADMIN])


@pytest.fixture
def supervisor(db):
    return UserFactory(roles=[Role.SUPERVISOR])
