"""Reads for the dashboards: a department's dashboard, one measure's chart card, the improvement board.

Goal status, completeness and signals come from `goals.status` (the one source of truth); this module adds what
the pages show besides (team, initiatives, figures, recent actions), each in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from departments.models import Department, LocalTeam, TeamMember
from goals import status
from improvement.models import ProgressScore
from improvement.selectors import bands_by_initiative, latest_scores
from initiatives.models import Action, Initiative, StatusChange
from measurements import charts
from measurements.charts import format_value
from measurements.models import Measure, RareEvent, Unit
from measurements.periods import Completeness, completeness_for, measure_months, month_in_progress
from measurements.phases import phases_for
from measurements.series import monthly_totals

from . import chart_cache

RECENT_ACTIONS = 8


@dataclass(frozen=True)
class MeasureCard:
    """One measure on a dashboard or board: its chart plus the figures around it."""

    measure: Measure
    chart: charts.MeasureChart
    completeness: Completeness
    #: The chart's key in `dashboards.chart_cache` (None: not cached), so the card's HTML can be remembered too.
    chart_key: str | None = None

    @property
    def dom_id(self) -> str:
        return f"measure-{self.measure.pk}"

    @property
    def chart_id(self) -> str:
        return f"chart-{self.measure.pk}"

    @property
    def latest_text(self) -> str:
        latest = self.chart.latest
        text = format_value(self.measure, latest.value if latest else None)
        if latest and self.measure.unit == Unit.EVENTS:  # the newest event: the time or opportunities before it
            template = _("%(n)s dage siden forrige hændelse") if self.chart.kind == "t" else _("%(n)s muligheder")
            return template % {"n": text}
        return text

    @property
    def target_text(self) -> str:
        return format_value(self.measure, self.chart.target) if self.chart.target is not None else ""

    @property
    def other_kinds(self) -> list[tuple[str, str]]:
        """(kind, label) of the chart types the user can switch to."""
        return [(kind, charts.kind_label(kind)) for kind in self.chart.kinds if kind != self.chart.kind]


def measure_card(
    measure,
    *,
    today: dt.date,
    values,
    actions,
    completeness: Completeness,
    kind: str | None = None,
    phases,
    bands=(),
):
    return MeasureCard(
        measure=measure,
        chart=charts.chart_for_measure(
            measure,
            months=measure_months(measure, today=today),
            values=values,
            actions=actions,
            kind=kind,
            phases=phases,
            provisional=month_in_progress(measure, today=today),
            bands=bands,
        ),
        completeness=completeness,
    )


def chart_kind(measure, requested: str | None) -> str | None:
    """The requested chart type if it fits the measure (e.g. "run"), else ``None`` for the default."""
    return requested if requested in charts.kinds_for(measure) else None


@dataclass
class InitiativeBlock:
    initiative: Initiative
    cards: list[MeasureCard] = field(default_factory=list)
    score: ProgressScore | None = None  # the team's latest progress score
    cards_html: list[str] = field(default_factory=list)  # the cards rendered (the dashboard page sets them)


@dataclass
class Dashboard:
    department: Department
    year: int
    row: status.DepartmentStatus
    team: LocalTeam | None
    members: list[TeamMember]
    initiatives: list[InitiativeBlock]
    actions: list[Action]
    kind: str | None

    @property
    def cards(self) -> list[MeasureCard]:
        return [card for block in self.initiatives for card in block.cards]


def department_dashboard(department, *, year: int, today: dt.date, kind: str | None = None) -> Dashboard:
    """Everything the department dashboard and the board show, for `department` in `year`.

    `kind="run"` shows every chart as a run chart. Queries: the status row's plus five (three when every chart
    is remembered, see `dashboards.chart_cache`), whatever the data size and the measures' units.
    """
    scope = Department.objects.filter(pk=department.pk)
    [row] = status.department_rows(scope, year=year, today=today)
    team = getattr(row.department, "local_team", None)
    members = list(TeamMember.objects.filter(team=team).select_related("user").order_by("role", "name")) if team else []
    initiatives = list(
        Initiative.objects.filter(department=department, year=year)
        .select_related("recommendation")
        .prefetch_related(
            "sections", Prefetch("actions", queryset=Action.objects.order_by("date", "id"), to_attr="action_list")
        )
        .order_by("recommendation__title")
    )
    by_initiative = {initiative.pk: InitiativeBlock(initiative) for initiative in initiatives}
    bands = bands_by_initiative(by_initiative) if by_initiative else {}
    for initiative_id, score in (latest_scores(by_initiative) if by_initiative else {}).items():
        by_initiative[initiative_id].score = score
    # Charts are remembered per measure, keyed by its summary stamp (see dashboards.chart_cache): the values are read
    # and the charts computed only for measures whose values, settings or actions changed since.
    language = get_language()
    planned = []
    for entry in row.measures:
        measure = entry.measure
        chosen = chart_kind(measure, kind)
        months = measure_months(measure, today=today)
        actions = by_initiative[measure.initiative_id].initiative.action_list
        periods = bands.get(measure.initiative_id, [])
        key = chart_cache.chart_key(
            measure,
            stamp=row.stamps.get(measure.pk),
            kind=chosen,
            months=months,
            actions=actions,
            language=language,
            provisional=month_in_progress(measure, today=today),
            bands=periods,
        )
        planned.append((entry, chosen, months, actions, periods, key))
    remembered = chart_cache.get_many(key for *_rest, key in planned)
    missing = [entry.measure.pk for entry, *_rest, key in planned if key not in remembered]
    totals = monthly_totals(Measure.objects.filter(pk__in=missing)) if missing else {}
    phases = phases_for(missing) if missing else {}
    # Rare-event measures' events in one query beside the totals (not one per measure): the page's queries do not
    # depend on how many measures of which unit it shows.
    events: dict[int, list] = {}
    if missing:
        for event in RareEvent.objects.filter(measure_id__in=missing).order_by("date", "id"):
            events.setdefault(event.measure_id, []).append(event)
    fresh = {}
    for entry, chosen, months, actions, periods, key in planned:
        measure = entry.measure
        if key in remembered:
            chart = chart_cache.for_measure(remembered[key], measure)
        else:
            chart = charts.chart_for_measure(
                measure,
                months=months,
                values=totals.get(measure.pk, ()),
                actions=actions,
                kind=chosen,
                phases=phases[measure.pk],
                provisional=month_in_progress(measure, today=today),
                events=events.get(measure.pk, []) if measure.unit == Unit.EVENTS else None,
                bands=periods,
            )
            if key is not None:
                fresh[key] = chart
        by_initiative[measure.initiative_id].cards.append(
            MeasureCard(measure=measure, chart=chart, completeness=entry.completeness, chart_key=key)
        )
    chart_cache.set_many(fresh)
    actions = sorted(
        (action for initiative in initiatives for action in initiative.action_list),
        key=lambda action: (action.date, action.pk),
        reverse=True,
    )[:RECENT_ACTIONS]
    return Dashboard(
        department=department,
        year=year,
        row=row,
        team=team,
        members=members,
        initiatives=list(by_initiative.values()),
        actions=actions,
        kind=kind,
    )


def single_measure_card(measure, *, today: dt.date, kind: str | None = None) -> MeasureCard:
    """One measure's card (the chart-type switch), in a fixed number of queries."""
    one = Measure.objects.filter(pk=measure.pk)
    return measure_card(
        measure,
        today=today,
        values=monthly_totals(one).get(measure.pk, ()),
        actions=list(Action.objects.filter(initiative_id=measure.initiative_id).order_by("date", "id")),
        completeness=completeness_for(one, today=today)[measure.pk],
        kind=chart_kind(measure, kind),
        phases=phases_for([measure.pk])[measure.pk],
        bands=bands_by_initiative([measure.initiative_id]).get(measure.initiative_id, []),
    )


def entry_chart(measure, *, today: dt.date) -> charts.MeasureChart | None:
    """The chart beside the entry grid: every due month, and the running month, once it has a value, drawn as
    *foreløbig* outside the analysis; with the initiative's tiltag and PDSA periods. None before any month."""
    months = measure_months(measure, today=today)
    provisional = month_in_progress(measure, today=today)
    if not months and provisional is None:
        return None
    return charts.chart_for_measure(
        measure,
        months=months,
        values=monthly_totals(Measure.objects.filter(pk=measure.pk)).get(measure.pk, []),
        actions=list(Action.objects.filter(initiative_id=measure.initiative_id).order_by("date", "id")),
        phases=phases_for([measure.pk])[measure.pk],
        provisional=provisional,
        bands=bands_by_initiative([measure.initiative_id]).get(measure.initiative_id, []),
    )


def available_years(today: dt.date) -> list[int]:
    """Years with initiatives, and the current year, newest first."""
    years = set(Initiative.objects.order_by().values_list("year", flat=True).distinct())
    years.add(today.year)
    return sorted(years, reverse=True)


def signal_label(signal: str) -> str:
    return {
        status.Signal.IMPROVEMENT: _("Forbedring"),
        status.Signal.DETERIORATION: _("Forværring"),
        status.Signal.NONE: _("Intet signal"),
        status.Signal.TOO_FEW: _("For få data"),
    }[signal]


def initiative_page(queryset, pk: int) -> Initiative:
    """One initiative with everything its page shows, prefetched (raises DoesNotExist outside `queryset`)."""
    measures = (
        Measure.objects.select_related("responsible")
        .annotate(value_count=Count("measurements"))
        .order_by("kind", "name")
    )
    return (
        queryset.select_related("department", "recommendation", "recommendation__owner_department")
        .prefetch_related(
            "sections",
            "national_goals",
            Prefetch("status_changes", queryset=StatusChange.objects.select_related("changed_by")),
            Prefetch("measures", queryset=measures),
        )
        .get(pk=pk)
    )
