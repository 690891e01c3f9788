"""Shared fixtures: the cast of the access tests (healthchecks' alice/bob/charlie, here in Danish roles).

`leder` and `noegle` work in department `home`; `udenfor` is a key person in department `away`; `kdk` and
`direktion` look across the hospital group.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

from departments.access import Role

from .factories import DepartmentFactory, HospitalFactory, MembershipFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property tests assert outcomes, not speed: a loaded CI machine must not fail them on timing.
settings.register_profile("vaelgklogt", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("vaelgklogt")


@pytest.fixture
def hospital(db):
    return HospitalFactory(code="naestved", name="Næstved Sygehus")


@pytest.fixture
def home(db, hospital):
    return DepartmentFactory(code="ort", name="Ortopædkirurgisk Afdeling", hospitals=[hospital])


@pytest.fixture
def away(db):
    return DepartmentFactory(code="med", name="Medicinsk Afdeling", hospitals=[HospitalFactory(code="slagelse")])


def _user(username, role, department=None):
    user = UserFactory(username=username)
    MembershipFactory(user=user, role=role, department=department)
    return user


@pytest.fixture
def leder(home):
    return _user("leder", Role.MANAGEMENT, home)


@pytest.fixture
def noegle(home):
    return _user("noegle", Role.KEY_PERSON, home)


@pytest.fixture
def udenfor(away):
    return _user("udenfor", Role.KEY_PERSON, away)


@pytest.fixture
def kdk(db):
    return _user("kdk", Role.KDK)


@pytest.fixture
def direktion(db):
    return _user("direktion", Role.HOSPITAL_MANAGEMENT)


@pytest.fixture
def client_for(client):
    """Log a user in on the test client: `client_for(noegle).get(...)`."""

    def login(user):
        client.force_login(user)
        return client

    return login
