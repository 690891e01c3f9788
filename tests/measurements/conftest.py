"""A department (`home`, from tests/conftest.py) running one initiative in two sections, with a measure of each unit.

`TODAY` is 5 November 2026: November is the running month, October is open until 15 November (lock days 15),
September and earlier are locked.
"""

import datetime as dt

import pytest

from measurements.models import Unit
from tests.factories import InitiativeFactory, MeasureFactory, SectionFactory

TODAY = dt.date(2026, 11, 5)
OCT = dt.date(2026, 10, 1)
SEP = dt.date(2026, 9, 1)
NOV = dt.date(2026, 11, 1)
DEC = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _lock_days(settings):
    settings.VAELGKLOGT_LOCK_DAYS = 15


@pytest.fixture
def sections(home, hospital):
    return [
        SectionFactory(department=home, hospital=hospital, code="s1", name="Sengeafsnit 1"),
        SectionFactory(department=home, hospital=hospital, code="s2", name="Sengeafsnit 2"),
    ]


@pytest.fixture
def initiative(home, sections):
    initiative = InitiativeFactory(department=home, year=2026)
    initiative.sections.set(sections)
    return initiative


@pytest.fixture
def proportion(initiative):
    return MeasureFactory(
        initiative=initiative, code="ORT-P", unit=Unit.PROPORTION, per_section=True, start_month=dt.date(2025, 1, 1)
    )


@pytest.fixture
def count(initiative):
    return MeasureFactory(initiative=initiative, code="ORT-C", unit=Unit.COUNT, per_section=False)


@pytest.fixture
def rate(initiative):
    return MeasureFactory(initiative=initiative, code="ORT-R", unit=Unit.RATE, rate_per=1000, per_section=False)


@pytest.fixture
def away_measure(away):
    initiative = InitiativeFactory(department=away, year=2026)
    return MeasureFactory(initiative=initiative, code="MED-P", unit=Unit.PROPORTION, per_section=False)
