"""The API's cast: a measure of each department with sections, tokens for every role, a client that sends them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from api.tokens import token_create
from core.months import first_of_month
from departments.access import Role
from tests.factories import InitiativeFactory, MeasureFactory, MembershipFactory, SectionFactory, UserFactory


def this_month():
    return first_of_month(timezone.localdate())


def month_text():
    return f"{this_month():%Y-%m}"


class ApiClient:
    """A test client that sends `Authorization: Bearer …` and JSON."""

    def __init__(self, raw: str | None):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}

    def get(self, path, data=None, **extra):
        return self.client.get(path, data, **self.headers, **extra)

    def post(self, path, payload, **extra):
        return self.client.post(path, payload, content_type="application/json", **self.headers, **extra)


def raw_token(user, scope="read", *, days=30):
    _token, raw = token_create(owner=user, scope=scope, name="test", days=days, by=None)
    return raw


@pytest.fixture
def api_for():
    def make(user, scope="read"):
        return ApiClient(raw_token(user, scope))

    return make


@pytest.fixture
def feed(home):
    """An integration of kind system that may enter values for `home`."""
    from api.tokens import integration_create

    return integration_create(username="dwh-ort", description="Datavarehus", departments=[home], by=None)


@pytest.fixture
def sections(home, away):
    return {
        "home": SectionFactory(department=home, hospital=home.hospitals.first(), code="b1", name="Sengeafsnit B1"),
        "away": SectionFactory(department=away, hospital=away.hospitals.first(), code="m1", name="Sengeafsnit M1"),
    }


@pytest.fixture
def measures(home, away, sections):
    """Two proportion measures per department: one per section (B1 / M1), one for the whole department."""
    result = {}
    for prefix, department in (("home", home), ("away", away)):
        initiative = InitiativeFactory(department=department, year=this_month().year)
        initiative.sections.set([sections[prefix]])
        result[f"{prefix}_ward"] = MeasureFactory(
            initiative=initiative, code=f"{department.code.upper()}-01", per_section=True
        )
        result[f"{prefix}_whole"] = MeasureFactory(initiative=initiative, code=f"{department.code.upper()}-02")
    return result


def member(username, role, department=None):
    user = UserFactory(username=username)
    MembershipFactory(user=user, role=role, department=department)
    return user


__all__ = ["Role", "member", "month_text", "raw_token", "this_month"]
