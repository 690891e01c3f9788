"""Learning across departments (★): every department working on one recommendation or shared opt-out, with what
each may show to the others.

The rule (departments.access): which departments work on it, with their initiative's aim and status, is visible to
every signed-in user; their values, charts, PDSA cycles, progress scores and driver diagram only where the
department shares the initiative as inspiration (`Initiative.objects.visible_or_shared(user)`) or the user may see
the department anyway. Reads in a fixed number of queries whatever the number of departments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch

from improvement import selectors as improvement
from improvement.models import PdsaCycle, ProgressScore
from initiatives.models import Action, Initiative
from measurements import charts
from measurements.models import Measure, Unit
from measurements.periods import measure_months, month_in_progress
from measurements.phases import phases_for
from measurements.series import events_by_measure, monthly_totals


@dataclass
class Participant:
    initiative: Initiative
    open: bool  # the user may see its values, charts, cycles and score
    charts: list[charts.MeasureChart] = field(default_factory=list)
    cycles: list[PdsaCycle] = field(default_factory=list)
    score: ProgressScore | None = None
    tree: improvement.DiagramTree | None = None

    @property
    def department(self):
        return self.initiative.department


@dataclass
class Learning:
    recommendation: object
    year: int
    participants: list[Participant]
    own: list[Initiative]  # the user's own initiatives on the recommendation this year (targets of "brug denne idé")

    @property
    def shared_count(self) -> int:
        return sum(1 for p in self.participants if p.open)


def learning_page(recommendation, *, user, year: int, today: dt.date, own_ids=()) -> Learning:
    initiatives = list(
        Initiative.objects.filter(recommendation=recommendation, year=year)
        .select_related("department")
        .order_by("department__name")
    )
    open_ids = set(
        Initiative.objects.visible_or_shared(user)
        .filter(pk__in=[i.pk for i in initiatives])
        .values_list("pk", flat=True)
    )
    participants = {i.pk: Participant(initiative=i, open=i.pk in open_ids) for i in initiatives}
    shown = [pk for pk in participants if pk in open_ids]
    if shown:
        _fill(participants, shown, today=today)
    return Learning(
        recommendation=recommendation,
        year=year,
        participants=list(participants.values()),
        own=[i for i in initiatives if i.pk in set(own_ids)],
    )


def _fill(participants: dict[int, Participant], shown: list[int], *, today: dt.date) -> None:
    measures = list(Measure.objects.filter(initiative_id__in=shown).order_by("initiative_id", "kind", "name"))
    actions = {
        i.pk: i.action_list
        for i in Initiative.objects.filter(pk__in=shown).prefetch_related(
            Prefetch("actions", queryset=Action.objects.order_by("date", "id"), to_attr="action_list")
        )
    }
    totals = monthly_totals(Measure.objects.filter(initiative_id__in=shown)) if measures else {}
    bands = improvement.bands_by_initiative(shown)
    # The same chart as on the department's own pages: its saved kind, its phases, its events, the foreløbig month.
    phases = phases_for(measure.pk for measure in measures)
    events = events_by_measure(measures)
    for measure in measures:
        measure.initiative = participants[measure.initiative_id].initiative  # loaded already
        months = measure_months(measure, today=today)
        if not months:
            continue
        participants[measure.initiative_id].charts.append(
            charts.chart_for_measure(
                measure,
                months=months,
                values=totals.get(measure.pk, ()),
                actions=actions.get(measure.initiative_id, ()),
                bands=bands.get(measure.initiative_id, ()),
                phases=phases[measure.pk],
                provisional=month_in_progress(measure, today=today),
                events=events.get(measure.pk),
            )
        )
    _same_scale([chart for p in participants.values() for chart in p.charts])
    for cycle in improvement.cycles_for(shown, statuses=[PdsaCycle.Status.DONE]):
        participants[cycle.initiative_id].cycles.append(cycle)
    for initiative_id, score in improvement.latest_scores(shown).items():
        participants[initiative_id].score = score
    for initiative_id, tree in improvement.diagram_trees(shown).items():
        participants[initiative_id].tree = tree


def _same_scale(charts_: list[charts.MeasureChart]) -> None:
    """Small multiples on one scale: every chart of the same unit gets the same y range (0 to the highest value)."""
    highest: dict[tuple, float] = {}
    for chart in charts_:
        key = (chart.measure.unit, chart.measure.rate_per)
        heights = [p.y for p in chart.result.points if p.y is not None]
        heights += [p.ucl for p in chart.result.points if p.ucl is not None]
        if chart.target is not None:
            heights.append(chart.target)
        if heights:
            highest[key] = max(highest.get(key, 0.0), max(heights))
    for chart in charts_:
        top = highest.get((chart.measure.unit, chart.measure.rate_per))
        if top:
            ceiling = min(top * 1.08, 100.0) if chart.measure.unit == Unit.PROPORTION and top <= 100 else top * 1.08
            chart.figure["layout"]["yaxis"]["range"] = [0, ceiling]
            chart.figure["layout"]["yaxis"].pop("rangemode", None)
