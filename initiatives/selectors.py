"""Reads for the catalogue, initiatives and meetings, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q

from departments.access import access_for
from departments.models import Department

from .models import CrossHospitalSelection, Initiative, Meeting, Recommendation


@dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    society: str = ""
    year: int | None = None
    kind: str = ""

    @property
    def active(self) -> bool:
        return bool(self.q or self.society or self.year or self.kind)


@dataclass
class CatalogueEntry:
    recommendation: Recommendation
    departments: list[tuple[Department, list[int]]]  # who works on it, with which years
    mine: list[Initiative]  # initiatives of the user's own departments


def catalogue(user, filters: CatalogueFilters) -> list[CatalogueEntry]:
    """National recommendations and the opt-outs the user may see, with the departments working on each.

    Three queries whatever the number of recommendations and initiatives (recommendations, initiatives, access).
    """
    access = access_for(user)
    recommendations = Recommendation.objects.visible_to(user).select_related("owner_department")
    for word in filters.q.split():
        recommendations = recommendations.filter(
            Q(title__icontains=word)
            | Q(text__icontains=word)
            | Q(society__icontains=word)
            | Q(rationale__icontains=word)
        )
    if filters.society:
        recommendations = recommendations.filter(society=filters.society)
    if filters.year:
        recommendations = recommendations.filter(year=filters.year)
    if filters.kind:
        recommendations = recommendations.filter(kind=filters.kind)
    working = (
        Initiative.objects.exclude(status=Initiative.Status.STOPPED)
        .select_related("department")
        .order_by("department__name", "year")
    )
    recommendations = recommendations.prefetch_related(
        Prefetch("initiatives", queryset=working, to_attr="active_initiatives")
    ).order_by("-kind", "title")
    entries = []
    for recommendation in recommendations:
        by_department: dict[int, tuple[Department, list[int]]] = {}
        mine = []
        for initiative in recommendation.active_initiatives:
            by_department.setdefault(initiative.department_id, (initiative.department, []))[1].append(initiative.year)
            if initiative.department_id in access.visible:
                mine.append(initiative)
        entries.append(CatalogueEntry(recommendation, list(by_department.values()), mine))
    return entries


def catalogue_choices(user) -> tuple[list[str], list[int]]:
    """Societies and years to filter by, from what the user may see (two queries)."""
    visible = Recommendation.objects.visible_to(user)
    societies = list(visible.exclude(society="").order_by("society").values_list("society", flat=True).distinct())
    years = list(visible.exclude(year=None).order_by("-year").values_list("year", flat=True).distinct())
    return societies, years


def departments_working_on(recommendation: Recommendation) -> list[Initiative]:
    """Every department's initiative on this recommendation (not stopped): inspiration across the hospitals."""
    return list(
        recommendation.initiatives.exclude(status=Initiative.Status.STOPPED)
        .select_related("department")
        .order_by("-year", "department__name")
    )


def department_initiatives(department: Department, *, year: int) -> list[Initiative]:
    """The department's initiatives for a year, stopped ones too, with their measures counted and data flagged."""
    return list(
        Initiative.objects.filter(department=department, year=year)
        .select_related("recommendation")
        .with_data_flags()
        .with_measure_count()
        .order_by("recommendation__title")
    )


def meetings_editable_by(user):
    """Meetings the user may change: KDK all; management and tovholder their department's quality-team meetings."""
    access = access_for(user)
    if access.is_kdk:
        return Meeting.objects.all()
    return Meeting.objects.filter(kind=Meeting.Kind.QUALITY_TEAM, department__in=access.manage)


def quality_meetings(department: Department, *, year: int | None = None):
    meetings = Meeting.objects.filter(kind=Meeting.Kind.QUALITY_TEAM, department=department)
    if year:
        meetings = meetings.filter(date__year=year)
    return meetings.order_by("-date")


def inspiration_meetings(*, year: int | None = None):
    meetings = Meeting.objects.filter(kind=Meeting.Kind.INSPIRATION).prefetch_related(
        Prefetch("participants", queryset=Department.objects.order_by("name"))
    )
    if year:
        meetings = meetings.filter(date__year=year)
    return meetings.order_by("date")


def cross_hospital_for(year: int) -> CrossHospitalSelection | None:
    """The year's cross-hospital recommendation (the one query every page and document uses)."""
    return CrossHospitalSelection.objects.filter(year=year).select_related("recommendation").first()


def opt_outs_of(department: Department):
    return Recommendation.objects.filter(kind=Recommendation.Kind.LOCAL, owner_department=department).order_by(
        "-created_at"
    )
