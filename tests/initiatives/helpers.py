"""Shared test helpers for the department workspace: a fixed today, and a department with some of everything."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from departments.models import BoardLink, TeamMember
from initiatives.models import Meeting, Recommendation
from tests.factories import (
    InitiativeFactory,
    LocalTeamFactory,
    MeasureFactory,
    MeasurementFactory,
    MeetingFactory,
    RecommendationFactory,
    SectionFactory,
    TeamMemberFactory,
)

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def today(monkeypatch):
    """Pin `timezone.localdate()` so goal deadlines and date checks do not depend on when the tests run."""
    original = timezone.localdate

    def fake(value=None, timezone=None):
        return TODAY if value is None else original(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", fake)
    return TODAY


@pytest.fixture
def world(home, hospital, leder, noegle, today):
    """Department `home` with a team, an initiative with a measure and a value, an opt-out and a meeting."""
    ward = SectionFactory(department=home, hospital=hospital, code="s1", name="Sengeafsnit 1")
    clinic = SectionFactory(department=home, hospital=hospital, code="amb", name="Ambulatorium")
    team = LocalTeamFactory(department=home, established_on=dt.date(2026, 2, 3))
    coordinator = TeamMemberFactory(team=team, name="Hanne Holm", role=TeamMember.Role.COORDINATOR)
    initiative = InitiativeFactory(department=home, year=2026)
    initiative.sections.set([ward])
    measure = MeasureFactory(initiative=initiative, code="ORT-X-01")
    MeasurementFactory(measure=measure)
    opt_out = RecommendationFactory(kind=Recommendation.Kind.LOCAL, owner_department=home, title="Fravalg af vejning")
    meeting = MeetingFactory(kind=Meeting.Kind.QUALITY_TEAM, department=home, date=dt.date(2026, 3, 20))
    board_link = BoardLink.objects.create(
        department=home, label="Gangen", token_hash="0" * 64, expires_on=dt.date(2026, 12, 31)
    )
    return SimpleNamespace(
        department=home,
        ward=ward,
        clinic=clinic,
        team=team,
        coordinator=coordinator,
        initiative=initiative,
        measure=measure,
        opt_out=opt_out,
        meeting=meeting,
        board_link=board_link,
    )
