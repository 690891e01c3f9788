import datetime as dt

import pytest

from improvement import services

from ..factories import InitiativeFactory, MeasureFactory, SectionFactory


@pytest.fixture
def initiative(home):
    return InitiativeFactory(department=home, aim="Fra 40 % til 20 % urinvejskatetre inden december 2026")


@pytest.fixture
def measure(initiative):
    return MeasureFactory(initiative=initiative, code="ort-kat", name="Andel med kateter", kind="outcome")


@pytest.fixture
def section(home):
    return SectionFactory(department=home, hospital=home.hospitals.first())


@pytest.fixture
def diagram_tree(initiative, leder):
    """One primary driver, two secondary drivers, one change idea under the first."""
    primary = services.driver_add(initiative=initiative, text="Kendskab til anbefalingen", by=leder)
    first = services.driver_add(initiative=initiative, text="Undervisning", parent=primary, by=leder)
    second = services.driver_add(initiative=initiative, text="Påmindelser", parent=primary, by=leder)
    idea = services.idea_add(driver=first, text="Tavlemøde hver mandag", by=leder)
    return primary, first, second, idea


@pytest.fixture
def planned(initiative, measure, noegle):
    return services.cycle_plan(
        initiative=initiative,
        change="Tjekliste ved stuegang",
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 3, 31),
        prediction_measure=measure,
        prediction_direction="down",
        prediction_amount="10 procentpoint",
        prediction="Andelen med kateter falder fra 40 % til 30 %",
        by=noegle,
    )
