"""Goal status for departments and the hospital group: the one source of truth.

Pages, exports and Celery reports all call `department_rows` / `hospital_group_status`; nothing else counts
"goal met". Mål 1: one to two selections for the year, each counting only once it is followed with systematic
measurements (a measure with at least one value). Mål 2: a local team established in the first quarter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext as _

from departments.models import Department, LocalTeam
from initiatives.models import CrossHospitalSelection, Initiative
from measurements.models import Measurement

MIN_SELECTIONS = 1
MAX_SELECTIONS = 2


class GoalState(StrEnum):
    MET = "met"
    NOT_YET = "not_yet"
    OVERDUE = "overdue"


def quarter_end(year: int, quarter: int) -> dt.date:
    month = quarter * 3
    next_month = dt.date(year + (month // 12), month % 12 + 1, 1)
    return next_month - dt.timedelta(days=1)


@dataclass(frozen=True)
class GoalResult:
    state: GoalState
    label: str
    detail: str = ""

    @property
    def met(self) -> bool:
        return self.state == GoalState.MET


def team_goal(team: LocalTeam | None, *, year: int, today: dt.date) -> GoalResult:
    """Mål 2: the department has established a local team in the first quarter of `year`."""
    deadline = quarter_end(year, 1)
    if team is None:
        state = GoalState.OVERDUE if today > deadline else GoalState.NOT_YET
        return GoalResult(state, _("Intet team"), _("Frist: %(date)s") % {"date": _date(deadline)})
    if team.established_on <= deadline:
        return GoalResult(GoalState.MET, _("Etableret i 1. kvartal"), _date(team.established_on))
    return GoalResult(GoalState.OVERDUE, _("Etableret senere"), _date(team.established_on))


def selection_goal(*, selected: int, followed: int, year: int, today: dt.date) -> GoalResult:
    """Mål 1: one to two selections, implemented and followed with measurements during `year`."""
    if selected > MAX_SELECTIONS:
        return GoalResult(
            GoalState.NOT_YET,
            _("For mange valg"),
            _("%(n)d valgt, højst %(max)d") % {"n": selected, "max": MAX_SELECTIONS},
        )
    if followed >= MIN_SELECTIONS:
        return GoalResult(GoalState.MET, _("Opfyldt"), _("%(n)d valgt og fulgt med målinger") % {"n": followed})
    state = GoalState.OVERDUE if today > dt.date(year, 12, 31) else GoalState.NOT_YET
    if selected:
        return GoalResult(state, _("Ikke målt endnu"), _("%(n)d valgt, ingen målinger") % {"n": selected})
    return GoalResult(state, _("For få valg"), _("Ingen anbefaling valgt"))


def _date(value: dt.date) -> str:
    from django.utils.formats import date_format

    return date_format(value, "j. F Y")


@dataclass
class DepartmentStatus:
    department: Department
    team: GoalResult
    selections: GoalResult
    initiatives: list[Initiative] = field(default_factory=list)
    in_cross_hospital: bool = False


def initiatives_for_year(year: int):
    """The year's selections that count: every initiative not stopped, with whether it has data."""
    with_data = Measurement.objects.filter(measure__initiative=OuterRef("pk"))
    return (
        Initiative.objects.filter(year=year)
        .exclude(status=Initiative.Status.STOPPED)
        .select_related("recommendation")
        .annotate(has_data=Exists(with_data), measure_count=Count("measures", distinct=True))
        .order_by("recommendation__title")
    )


def department_rows(departments, *, year: int, today: dt.date) -> list[DepartmentStatus]:
    """One status row per department, in a fixed number of queries whatever the number of departments."""
    cross = CrossHospitalSelection.objects.filter(year=year).first()
    departments = (
        departments.select_related("local_team")
        .prefetch_related(Prefetch("initiatives", queryset=initiatives_for_year(year), to_attr="year_initiatives"))
        .order_by("name")
    )
    rows = []
    for department in departments:
        team = getattr(department, "local_team", None)
        initiatives = department.year_initiatives
        rows.append(
            DepartmentStatus(
                department=department,
                team=team_goal(team, year=year, today=today),
                selections=selection_goal(
                    selected=len(initiatives),
                    followed=sum(1 for i in initiatives if i.has_data),
                    year=year,
                    today=today,
                ),
                initiatives=initiatives,
                in_cross_hospital=bool(cross)
                and any(i.recommendation_id == cross.recommendation_id for i in initiatives),
            )
        )
    return rows


@dataclass(frozen=True)
class GroupTotals:
    departments: int
    team_met: int
    selections_met: int
    in_cross_hospital: int


def totals(rows: list[DepartmentStatus]) -> GroupTotals:
    return GroupTotals(
        departments=len(rows),
        team_met=sum(row.team.met for row in rows),
        selections_met=sum(row.selections.met for row in rows),
        in_cross_hospital=sum(row.in_cross_hospital for row in rows),
    )


def visible_departments(user, *, hospital=None):
    departments = Department.objects.visible_to(user)
    if hospital is not None:
        departments = departments.filter(Q(hospitals=hospital)).distinct()
    return departments
