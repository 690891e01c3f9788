"""Reads for the Model for Improvement: the diagram as a tree, cycles as chart bands, the suggested progress score.

Each read is a fixed number of queries whatever the size of the diagram or the number of cycles.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _

from measurements.charts import Signal
from measurements.models import Measure

from .models import SCORES, ChangeIdea, Driver, DriverDiagram, PdsaCycle, ProgressScore


@dataclass(frozen=True)
class Band:
    """A PDSA cycle's period as plain data for `measurements.charts.build_figure(bands=…)`."""

    start: dt.date
    end: dt.date
    label: str
    pk: int = 0


def band_of(cycle: PdsaCycle) -> Band:
    return Band(
        start=cycle.start,
        end=cycle.end,
        label=_("PDSA: %(change)s") % {"change": textwrap.shorten(cycle.change, 40, placeholder="…")},
        pk=cycle.pk,
    )


def bands_by_initiative(initiative_ids) -> dict[int, list[Band]]:
    """Every cycle's period per initiative, oldest first (one query)."""
    bands: dict[int, list[Band]] = defaultdict(list)
    cycles = PdsaCycle.objects.filter(initiative_id__in=list(initiative_ids)).only(
        "pk", "initiative_id", "start", "end", "change"
    )
    for cycle in cycles.order_by("start", "pk"):
        bands[cycle.initiative_id].append(band_of(cycle))
    return bands


@dataclass
class SecondaryNode:
    driver: Driver
    ideas: list[ChangeIdea]


@dataclass
class PrimaryNode:
    driver: Driver
    ideas: list[ChangeIdea]
    secondaries: list[SecondaryNode] = field(default_factory=list)


@dataclass
class DiagramTree:
    diagram: DriverDiagram | None
    primaries: list[PrimaryNode]

    @property
    def ideas(self) -> list[ChangeIdea]:
        found = []
        for primary in self.primaries:
            found += primary.ideas
            for secondary in primary.secondaries:
                found += secondary.ideas
        return found

    @property
    def empty(self) -> bool:
        return not self.primaries


def _ideas_queryset():
    return (
        ChangeIdea.objects.annotate(cycle_count=Count("cycles", distinct=True))
        .prefetch_related(Prefetch("measures", queryset=Measure.objects.order_by("name")))
        .order_by("position", "id")
    )


def diagram_tree(initiative) -> DiagramTree:
    """The initiative's diagram as primary → secondary drivers → change ideas (four queries)."""
    diagram = DriverDiagram.objects.filter(initiative=initiative).first()
    if diagram is None:
        return DiagramTree(diagram=None, primaries=[])
    drivers = list(
        Driver.objects.filter(diagram=diagram)
        .prefetch_related(Prefetch("change_ideas", queryset=_ideas_queryset(), to_attr="idea_list"))
        .order_by("position", "id")
    )
    primaries = {d.pk: PrimaryNode(driver=d, ideas=d.idea_list) for d in drivers if d.parent_id is None}
    for driver in drivers:
        if driver.parent_id is not None and driver.parent_id in primaries:
            primaries[driver.parent_id].secondaries.append(SecondaryNode(driver=driver, ideas=driver.idea_list))
    return DiagramTree(diagram=diagram, primaries=list(primaries.values()))


def diagram_trees(initiative_ids) -> dict[int, DiagramTree]:
    """Diagram trees for many initiatives at once (three queries), for the learning page and the reports."""
    diagrams = {d.initiative_id: d for d in DriverDiagram.objects.filter(initiative_id__in=list(initiative_ids))}
    drivers = (
        Driver.objects.filter(diagram__in=diagrams.values())
        .prefetch_related(Prefetch("change_ideas", queryset=_ideas_queryset(), to_attr="idea_list"))
        .order_by("position", "id")
    )
    by_diagram: dict[int, list[Driver]] = defaultdict(list)
    for driver in drivers:
        by_diagram[driver.diagram_id].append(driver)
    trees = {}
    for initiative_id in initiative_ids:
        diagram = diagrams.get(initiative_id)
        if diagram is None:
            trees[initiative_id] = DiagramTree(diagram=None, primaries=[])
            continue
        primaries = {
            d.pk: PrimaryNode(driver=d, ideas=d.idea_list) for d in by_diagram[diagram.pk] if d.parent_id is None
        }
        for driver in by_diagram[diagram.pk]:
            if driver.parent_id in primaries:
                primaries[driver.parent_id].secondaries.append(SecondaryNode(driver=driver, ideas=driver.idea_list))
        trees[initiative_id] = DiagramTree(diagram=diagram, primaries=list(primaries.values()))
    return trees


def cycles_for(initiative_ids, *, statuses=None, between: tuple[dt.date, dt.date] | None = None) -> list[PdsaCycle]:
    """Cycles of the initiatives with what a list shows (two queries), oldest first. `between` keeps those whose
    period overlaps the dates (a quarter for the quality-team report)."""
    cycles = PdsaCycle.objects.filter(initiative_id__in=list(initiative_ids)).select_related(
        "change_idea", "prediction_measure", "previous", "action", "initiative__department"
    )
    if statuses is not None:
        cycles = cycles.filter(status__in=list(statuses))
    if between is not None:
        cycles = cycles.filter(start__lte=between[1], end__gte=between[0])
    return list(cycles.prefetch_related("sections").order_by("start", "pk"))


def latest_scores(initiative_ids, *, until: dt.date | None = None) -> dict[int, ProgressScore]:
    """Each initiative's newest progress score, of a month up to `until` if given (one query)."""
    latest: dict[int, ProgressScore] = {}
    scores = ProgressScore.objects.filter(initiative_id__in=list(initiative_ids))
    if until is not None:
        scores = scores.filter(month__lte=until)
    for score in scores.order_by("initiative_id", "-month"):
        latest.setdefault(score.initiative_id, score)
    return latest


def score_label(score) -> str:
    return str(SCORES.get(f"{Decimal(score):.1f}", "")) if score is not None else ""


def score_choices() -> list[tuple[str, str]]:
    return [(key, f"{key.replace('.', ',')} – {label}") for key, label in SCORES.items()]


@dataclass(frozen=True)
class Suggestion:
    score: Decimal
    reason: str

    @property
    def label(self) -> str:
        return score_label(self.score)


def suggest_score(*, has_values: bool, signals: list[tuple[str, Signal]], cycles: list[PdsaCycle]) -> Suggestion:
    """A score the data suggest (the team decides; this is never saved by itself).

    `signals`: (measure kind, chart signal) of the initiative's measures. No values → at most 2.0; an improvement
    signal in an outcome measure → 3.5 (4.0 when every outcome measure improves); in a process measure → 3.0.
    """
    done = [cycle for cycle in cycles if cycle.status == PdsaCycle.Status.DONE]
    if not has_values:
        if done:
            return Suggestion(Decimal("2.0"), _("Der er afsluttede PDSA-cyklusser, men ingen måletal endnu."))
        if cycles:
            return Suggestion(Decimal("1.5"), _("Der er planlagt PDSA-cyklusser, men ingen måletal endnu."))
        return Suggestion(Decimal("1.0"), _("Der er ingen måletal endnu."))
    outcome = [signal for kind, signal in signals if kind == Measure.Kind.OUTCOME]
    if outcome and all(signal == Signal.IMPROVEMENT for signal in outcome):
        return Suggestion(Decimal("4.0"), _("Alle resultatmål viser et forbedringssignal."))
    if Signal.IMPROVEMENT in outcome:
        return Suggestion(Decimal("3.5"), _("Et resultatmål viser et forbedringssignal."))
    if any(signal == Signal.IMPROVEMENT for _kind, signal in signals):
        return Suggestion(Decimal("3.0"), _("Et procesmål viser et forbedringssignal, resultatmålene endnu ikke."))
    if done:
        return Suggestion(Decimal("2.5"), _("Forandringer er testet, men diagrammerne viser endnu ingen forbedring."))
    return Suggestion(Decimal("2.0"), _("Der er måletal, men ingen testede forandringer og intet forbedringssignal."))
