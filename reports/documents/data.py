"""What the documents show, gathered from the one status function (`goals.status`), the one completeness
definition (`measurements.periods`) and the one chart builder (`measurements.charts`). Nothing is counted here."""

from __future__ import annotations

import base64
import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import Case, Prefetch, Value, When

from core.quarters import Quarter
from initiatives.models import Action, Initiative
from measurements.charts import MeasureChart, chart_for_measure
from measurements.models import Measure, Measurement, Unit
from measurements.periods import Completeness, completeness_for, measure_months
from measurements.phases import phases_for
from measurements.series import events_by_measure, monthly_series

#: Outcome measures first, then process, then balancing measures (as the team reads them).
_KIND_ORDER = Case(
    When(kind=Measure.Kind.OUTCOME, then=Value(0)),
    When(kind=Measure.Kind.PROCESS, then=Value(1)),
    default=Value(2),
)


@dataclass
class MeasureSection:
    measure: Measure
    chart: MeasureChart
    completeness: Completeness | None
    quarter_points: list = field(default_factory=list)
    svg_uri: str = ""
    png: bytes | None = None

    @property
    def unit_suffix(self) -> str:
        if self.measure.unit == Unit.PROPORTION:
            return "%"
        if self.measure.unit == Unit.RATE:
            return "pr. " + f"{self.measure.rate_per:,}".replace(",", ".")
        return ""

    @property
    def has_data(self) -> bool:
        return self.chart.latest is not None

    @property
    def variation_icon_uri(self) -> str:
        return icon_uri(self.chart.variation_icon)

    @property
    def assurance_icon_uri(self) -> str:
        return icon_uri(self.chart.assurance_icon)


@functools.cache
def icon_uri(path: str | None) -> str:
    """A variation/assurance icon (`static/icons/…svg`) as a data URI: the PDF needs no static files server."""
    if path is None:
        return ""
    svg = (Path(settings.BASE_DIR) / "static" / path).read_bytes()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


@dataclass
class InitiativeSection:
    initiative: Initiative
    measures: list[MeasureSection]
    actions: list[Action]
    quarter_actions: list[Action]

    @property
    def primary(self) -> MeasureSection | None:
        """The measure a slide shows: the first with data (outcome and process before balancing), else the first."""
        with_data = [m for m in self.measures if m.has_data]
        ranked = sorted(with_data or self.measures, key=lambda m: m.measure.kind == Measure.Kind.BALANCING)
        return ranked[0] if ranked else None


def _quarter_points(measure, chart: MeasureChart, quarter: Quarter | None, *, as_of: dt.date) -> list:
    """The quarter's months of the measure. A rare-event chart has a point per event, so its table shows the
    months' numbers of events instead (from the prefetched values, no query)."""
    if quarter is None:
        return []
    if measure.unit == Unit.EVENTS:
        due = set(measure_months(measure, today=as_of))
        months = [month for month in quarter.months if month in due]
        return monthly_series(measure, months=months, values=measure.measurements.all())
    return [p for p in chart.points if p.month in quarter.months]


def initiative_sections(initiatives, *, as_of: dt.date, quarter: Quarter | None = None) -> list[InitiativeSection]:
    """One section per initiative (in the given order) with its measures' charts up to the last month before
    `as_of`, in a fixed number of queries whatever the number of initiatives and measures."""
    order = [initiative.pk for initiative in initiatives]
    if not order:
        return []
    values = Measurement.objects.filter(month__lt=as_of.replace(day=1)).only(
        "id", "measure_id", "section_id", "month", "numerator", "denominator", "mean", "sd"
    )
    loaded = {
        initiative.pk: initiative
        for initiative in Initiative.objects.filter(pk__in=order)
        .select_related("recommendation", "department")
        .prefetch_related(
            "sections",
            "national_goals",
            Prefetch("actions", queryset=Action.objects.filter(date__lte=as_of).order_by("date", "id")),
            Prefetch(
                "measures",
                queryset=Measure.objects.order_by(_KIND_ORDER, "name").prefetch_related(
                    Prefetch("measurements", queryset=values)
                ),
            ),
        )
    }
    completeness = completeness_for(Measure.objects.filter(initiative__in=order), today=as_of)
    phases = phases_for(measure.pk for initiative in loaded.values() for measure in initiative.measures.all())
    # rare-event measures' dates: one query, and none when no measure records rare events
    events = events_by_measure([m for initiative in loaded.values() for m in initiative.measures.all()])
    sections = []
    for pk in order:
        initiative = loaded[pk]
        actions = list(initiative.actions.all())
        measures = []
        for measure in initiative.measures.all():
            chart = chart_for_measure(
                measure,
                months=measure_months(measure, today=as_of),
                values=measure.measurements.all(),
                actions=actions,
                phases=phases[measure.pk],
                events=events.get(measure.pk),
            )
            measures.append(
                MeasureSection(
                    measure=measure,
                    chart=chart,
                    completeness=completeness.get(measure.pk),
                    quarter_points=_quarter_points(measure, chart, quarter, as_of=as_of),
                )
            )
        sections.append(
            InitiativeSection(
                initiative=initiative,
                measures=measures,
                actions=actions,
                quarter_actions=[a for a in actions if quarter and quarter.start <= a.date <= quarter.end],
            )
        )
    return sections


def figures_of(sections: list[InitiativeSection]) -> list[MeasureSection]:
    return [measure for section in sections for measure in section.measures]
