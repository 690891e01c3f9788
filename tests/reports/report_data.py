"""Data for report and export tests: a department measured for 18 months with a clear shift after an action, so
its chart has a signal sentence. Months are relative to today, so the tests hold on any date."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.months import add_months, last_complete_month
from core.quarters import Quarter
from measurements.models import Unit
from tests.factories import (
    ActionFactory,
    InitiativeFactory,
    LocalTeamFactory,
    MeasureFactory,
    MeasurementFactory,
    RecommendationFactory,
    SectionFactory,
    TeamMemberFactory,
)

MONTHS = 18


def report_quarter() -> Quarter:
    """The last complete quarter: what the scheduled quality-team report covers."""
    return Quarter.last_complete(timezone.localdate())


def measure_department(department, *, recommendation=None, code_prefix=None, team_member_name="Hanne Holm"):
    """An initiative of the quarter's year with one proportion measure (18 months, improving after an action)."""
    quarter = report_quarter()
    end = last_complete_month(quarter.as_of(timezone.localdate()))
    months = [add_months(end, -offset) for offset in range(MONTHS - 1, -1, -1)]
    team = LocalTeamFactory(department=department, established_on=dt.date(quarter.year, 2, 1))
    TeamMemberFactory(team=team, name=team_member_name, role="coordinator")
    section = SectionFactory(department=department, name=f"Sengeafsnit {department.code.upper()}")
    initiative = InitiativeFactory(
        department=department,
        year=quarter.year,
        recommendation=recommendation or RecommendationFactory(title=f"Undgå rutinekateter ({department.code})"),
        aim="Fra 40 % til 20 % inden årets udgang.",
    )
    initiative.sections.set([section])
    measure = MeasureFactory(
        initiative=initiative,
        code=f"{code_prefix or department.code.upper()}-01",
        name="Andel med blærekateter",
        unit=Unit.PROPORTION,
        target=20,
        start_month=months[0],
        per_section=False,
    )
    shift = months[MONTHS // 2]
    ActionFactory(initiative=initiative, date=shift + dt.timedelta(days=3), text="Ny instruks om kateter")
    for index, month in enumerate(months):
        before = month < shift
        MeasurementFactory(measure=measure, month=month, numerator=(40 if before else 18) + index % 3, denominator=100)
    return initiative, measure
