"""Goal status for departments and the hospital group: the one source of truth.

Pages, exports and Celery reports all call `department_rows` (and `totals` for the group); nothing else counts
"goal met". Mål 1: one to two local selections for the year (the department's part in the cross-hospital
recommendation, recorded on the initiative when it joins, apart), each counting only once it is followed with
systematic measurements (a measure with at least one value). Mål 2: a local team established in the first quarter.

With ``measures=True`` (the default) each row also carries its measures' data completeness (from
`measurements.periods.completeness_for`) and what the run/control chart of each measure shows (improvement,
deterioration, no signal, or too few points to say), over the measure's due months up to the last completed month,
using the same chart type and baseline freeze as the charts on the dashboards (`measurements.charts.analyse`).
The measures are those of the year's initiatives that count (not stopped). The number of queries is fixed whatever
the number of departments, measures and months; values are summed per month in the database.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.db.models import Prefetch, Q, TextField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.months import last_complete_month
from core.quarters import Quarter
from departments.models import Department, LocalTeam
from initiatives.models import Initiative
from measurements import charts, summary
from measurements.charts import Signal
from measurements.models import Measure
from measurements.periods import Completeness, PresentOfExpected, completeness_for, measure_months
from measurements.phases import phases_for
from measurements.series import events_by_measure, latest_present, monthly_series, monthly_totals

MIN_SELECTIONS = 1
MAX_SELECTIONS = 2


class GoalState(StrEnum):
    MET = "met"
    NOT_YET = "not_yet"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class GoalResult:
    state: GoalState
    label: str
    detail: str = ""

    @property
    def met(self) -> bool:
        return self.state == GoalState.MET


#: The NSR plan sets Mål 2 (a team established in the first quarter) for this year only.
TEAM_GOAL_YEAR = 2026


def team_goal(team: LocalTeam | None, *, year: int, today: dt.date) -> GoalResult:
    """Mål 2: the department has established a local team in the first quarter of 2026.

    For later years the plan sets no deadline: the status says whether the team exists, and since when."""
    return _team_goal(team.established_on if team is not None else None, year, today, get_language())


def selection_goal(*, selected: int, followed: int, year: int, today: dt.date) -> GoalResult:
    """Mål 1: one to two local selections, implemented and followed with measurements during `year`.

    `selected` and `followed` count the department's local selections only: its part in the cross-hospital
    recommendation is a goal of its own (NSR plan) and never counts here.
    """
    return _selection_goal(selected, followed, year, today, get_language())


# The goals depend only on a few small values and the language: each distinct answer is built (and translated)
# once, not once per department (750 departments at national scale share a handful of answers).
@functools.lru_cache(maxsize=1024)
def _team_goal(established_on: dt.date | None, year: int, today: dt.date, language: str | None) -> GoalResult:
    if year > TEAM_GOAL_YEAR:
        if established_on is None or established_on > dt.date(year, 12, 31):
            return GoalResult(
                GoalState.NOT_YET, _("Intet team"), _("Ingen frist i planen for %(year)d") % {"year": year}
            )
        return GoalResult(GoalState.MET, _("Teamet findes"), _("Etableret %(date)s") % {"date": _date(established_on)})
    deadline = Quarter(year, 1).end
    if established_on is None:
        state = GoalState.OVERDUE if today > deadline else GoalState.NOT_YET
        return GoalResult(state, _("Intet team"), _("Frist: %(date)s") % {"date": _date(deadline)})
    if established_on <= deadline:
        return GoalResult(GoalState.MET, _("Etableret i 1. kvartal"), _date(established_on))
    return GoalResult(GoalState.OVERDUE, _("Etableret senere"), _date(established_on))


@functools.lru_cache(maxsize=1024)
def _selection_goal(selected: int, followed: int, year: int, today: dt.date, language: str | None) -> GoalResult:
    if selected > MAX_SELECTIONS:
        return GoalResult(
            GoalState.NOT_YET,
            _("For mange valg"),
            _("%(n)d valgt, højst %(max)d") % {"n": selected, "max": MAX_SELECTIONS},
        )
    if followed >= MIN_SELECTIONS:
        return GoalResult(
            GoalState.MET,
            _("Opfyldt"),
            _("%(n)d valgt, %(m)d fulgt med målinger") % {"n": selected, "m": followed},
        )
    state = GoalState.OVERDUE if today > dt.date(year, 12, 31) else GoalState.NOT_YET
    if selected:
        return GoalResult(state, _("Ikke målt endnu"), _("%(n)d valgt, ingen målinger") % {"n": selected})
    return GoalResult(state, _("For få valg"), _("Ingen anbefaling valgt"))


def _date(value: dt.date) -> str:
    return _date_in(value, get_language())


@functools.lru_cache(maxsize=2048)
def _date_in(value: dt.date, language: str | None) -> str:
    return date_format(value, "j. F Y")


@dataclass(frozen=True)
class MeasureStatus:
    """What one measure's chart shows, and how complete its data are."""

    measure: Measure
    completeness: Completeness
    signal: Signal
    sentence: str
    latest_value: float | None
    latest_month: dt.date | None
    variation: charts.Variation = charts.Variation.NONE
    assurance: charts.Assurance = charts.Assurance.NONE
    kind: str = ""

    @property
    def variation_label(self) -> str:
        return charts.variation_label(self.variation)

    @property
    def assurance_label(self) -> str:
        return charts.assurance_label(self.assurance)

    @property
    def variation_icon(self) -> str | None:
        return charts.icon_path(self.variation)

    @property
    def assurance_icon(self) -> str | None:
        return charts.icon_path(self.assurance)

    @property
    def kind_label(self) -> str:
        return charts.kind_label(self.kind) if self.kind else ""


@dataclass(frozen=True)
class IconCount:
    """How many of a department's measures show one variation or assurance icon."""

    icon: charts.Variation | charts.Assurance
    measures: int

    @property
    def path(self) -> str | None:
        return charts.icon_path(self.icon)

    @property
    def label(self) -> str:
        if isinstance(self.icon, charts.Variation):
            return charts.variation_label(self.icon)
        return charts.assurance_label(self.icon)


@dataclass(frozen=True)
class SignalCounts:
    improvement: int = 0
    deterioration: int = 0
    none: int = 0
    too_few: int = 0

    @property
    def measures(self) -> int:
        return self.improvement + self.deterioration + self.none + self.too_few

    def __add__(self, other: SignalCounts) -> SignalCounts:
        return SignalCounts(
            self.improvement + other.improvement,
            self.deterioration + other.deterioration,
            self.none + other.none,
            self.too_few + other.too_few,
        )


@dataclass(frozen=True)
class CompletenessTotal(PresentOfExpected):
    """Values present / values due, summed over measures (see `measurements.periods`)."""

    expected: int = 0
    present: int = 0

    def __add__(self, other: CompletenessTotal) -> CompletenessTotal:
        return CompletenessTotal(self.expected + other.expected, self.present + other.present)


@dataclass
class DepartmentStatus:
    department: Department
    team: GoalResult
    selections: GoalResult
    initiatives: list[Initiative] = field(default_factory=list)
    in_cross_hospital: bool = False
    #: (measure id, cached status payload) of each counted measure, in display order; see `measure_statuses`.
    summaries: list[tuple[int, dict]] = field(default_factory=list)
    #: measure id → its summary's stamp (grows with every change to its values; None before it was first cached)
    stamps: dict[int, int | None] = field(default_factory=dict)
    loader: _MeasureLoader | None = field(default=None, repr=False, compare=False)

    @property
    def local_initiatives(self) -> list[Initiative]:
        """The year's local selections: what Mål 1 counts (the cross-hospital part apart)."""
        return [i for i in self.initiatives if not i.cross_hospital]

    @property
    def measures(self) -> list[MeasureStatus]:
        """Each counted measure's status. The Measure objects of all rows are fetched in one query the first time
        any row's measures are read (the hospital-wide page needs only the totals, and never pays for them)."""
        if not self.summaries:
            return []
        objects = self.loader.objects()
        return [_from_payload(objects[pk], payload) for pk, payload in self.summaries]

    @functools.cached_property
    def completeness(self) -> CompletenessTotal:
        return CompletenessTotal(
            expected=sum(payload["expected"] for _pk, payload in self.summaries),
            present=sum(payload["present"] for _pk, payload in self.summaries),
        )

    @functools.cached_property
    def icons(self) -> list[IconCount]:
        """Measures per variation and per assurance icon (Making Data Count), those with a count only, in a fixed
        order: variation first, then assurance."""
        variations = [payload["variation"] for _pk, payload in self.summaries]
        assurances = [payload["assurance"] for _pk, payload in self.summaries]
        counts = [IconCount(v, variations.count(v.value)) for v in charts.Variation if v != charts.Variation.NONE]
        counts += [IconCount(a, assurances.count(a.value)) for a in charts.Assurance if a != charts.Assurance.NONE]
        return [count for count in counts if count.measures]

    @functools.cached_property
    def signals(self) -> SignalCounts:
        signals = [payload["signal"] for _pk, payload in self.summaries]
        return SignalCounts(
            improvement=signals.count(Signal.IMPROVEMENT),
            deterioration=signals.count(Signal.DETERIORATION),
            none=signals.count(Signal.NONE),
            too_few=signals.count(Signal.TOO_FEW),
        )


class _MeasureLoader:
    """The Measure objects (with their initiative) of a set of rows, fetched once, on first use."""

    def __init__(self, ids: list[int]):
        self.ids = ids
        self._objects: dict[int, Measure] | None = None

    def objects(self) -> dict[int, Measure]:
        if self._objects is None:
            self._objects = Measure.objects.select_related("initiative").order_by().in_bulk(self.ids)
        return self._objects


def initiatives_for_year(year: int):
    """The year's selections that count: every initiative not stopped, with whether it has data."""
    return (
        Initiative.objects.filter(year=year)
        .exclude(status=Initiative.Status.STOPPED)
        .select_related("recommendation")
        .with_data_flags()
        .order_by("recommendation__title")
    )


def department_rows(departments, *, year: int, today: dt.date, measures: bool = True) -> list[DepartmentStatus]:
    """One status row per department, in a fixed number of queries whatever the number of departments.

    `measures=False` leaves out the measures' completeness and signals (three goals only; fewer queries).
    """
    scope = departments
    departments = (
        departments.select_related("local_team")
        .prefetch_related(Prefetch("initiatives", queryset=initiatives_for_year(year), to_attr="year_initiatives"))
        .order_by("name")
    )
    rows = []
    for department in departments:
        team = getattr(department, "local_team", None)
        initiatives = department.year_initiatives
        local = [i for i in initiatives if not i.cross_hospital]  # as DepartmentStatus.local_initiatives
        rows.append(
            DepartmentStatus(
                department=department,
                team=team_goal(team, year=year, today=today),
                selections=selection_goal(
                    selected=len(local),
                    followed=sum(1 for i in local if i.has_data),
                    year=year,
                    today=today,
                ),
                initiatives=initiatives,
                in_cross_hospital=any(i.cross_hospital for i in initiatives),
            )
        )
    if measures and rows:
        by_department, loader, stamps = measure_summaries(scope, year=year, today=today)
        for row in rows:
            row.summaries = by_department.get(row.department.pk, [])
            row.stamps = {pk: stamps[pk] for pk, _payload in row.summaries}
            row.loader = loader
    return rows


def counted_measures(departments, *, year: int):
    """The measures that count for the year: those of the departments' initiatives that are not stopped."""
    return (
        Measure.objects.filter(initiative__year=year, initiative__department__in=departments.values("pk"))
        .exclude(initiative__status=Initiative.Status.STOPPED)
        .select_related("initiative")
        .order_by("initiative__department_id", "initiative_id", "kind", "name", "pk")
    )


#: The payload's figures the counts and totals read: taken out by PostgreSQL (``->>``), so the JSON of a row is
#: decoded only when its measure's own status is shown (`StoredPayload`).
_COUNTED = ("expected", "present", "signal", "variation", "assurance")

#: What a measure's status depends on besides its values, read without building Measure objects; then the stored
#: summary: its key, stamp, payload as text and the counted figures.
_FACTS = (
    "pk",
    "initiative_id",
    "initiative__department_id",
    "initiative__year",
    "unit",
    "rate_per",
    "direction",
    "start_month",
    "end_month",
    "target",
    "chart_kind",
    "chart_revision",
    "per_section",
    "summary__key",
    "summary__stamp",
    Cast("summary__payload", TextField()),
    *(KeyTextTransform(name, "summary__payload") for name in _COUNTED),
)


class StoredPayload(Mapping):
    """A stored status payload as read from the database: the counted figures at hand, the rest (sentence, missing
    months, latest value) decoded from its JSON text on first use. The hospital-wide status reads only the counted
    figures, of 4,048 measures at national scale: decoding every payload took a seventh of its CPU time."""

    __slots__ = ("_counted", "_decoded", "_text")

    def __init__(self, text: str, counted: dict):
        self._text = text
        self._counted = counted
        self._decoded = None

    def _all(self) -> dict:
        if self._decoded is None:
            self._decoded = json.loads(self._text)
        return self._decoded

    def __getitem__(self, key):
        if key in self._counted:
            return self._counted[key]
        return self._all()[key]

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


@dataclass(frozen=True, slots=True)
class _Facts:
    pk: int
    initiative_id: int
    department_id: int
    year: int
    unit: str
    rate_per: int
    direction: str
    start_month: dt.date | None
    end_month: dt.date | None
    target: Decimal | None
    chart_kind: str
    chart_revision: int
    per_section: bool
    cached_key: str | None
    stamp: int | None
    cached_payload: StoredPayload | None

    @classmethod
    def from_row(cls, row: tuple) -> _Facts:
        """One row of ``counted_measures(...).values_list(*_FACTS)``."""
        *facts, text, expected, present, signal, variation, assurance = row
        if text is None:
            return cls(*facts, None)
        counted = {
            "expected": int(expected),
            "present": int(present),
            "signal": signal,
            "variation": variation,
            "assurance": assurance,
        }
        return cls(*facts, StoredPayload(text, counted))

    def measure(self) -> Measure:
        """An unsaved Measure with the fields the status computation reads (unit, period, baseline, direction)."""
        return Measure(
            pk=self.pk,
            unit=self.unit,
            rate_per=self.rate_per,
            direction=self.direction,
            start_month=self.start_month,
            end_month=self.end_month,
            target=self.target,
            chart_kind=self.chart_kind,
            chart_revision=self.chart_revision,
            per_section=self.per_section,
            initiative=Initiative(pk=self.initiative_id, year=self.year, department_id=self.department_id),
        )


def measure_summaries(departments, *, year: int, today: dt.date):
    """Cached status payload of each counted measure, grouped by department id, a loader for their objects, and
    each measure's summary stamp.

    Each measure's result is kept in `measurements.summary` and recomputed only when its values (or anything else
    it depends on, see `_summary_key`) changed, so the hospital-wide status stays fast at region scale. Three
    queries when everything is cached, whatever the number of departments, measures and months.
    """
    counted = counted_measures(departments, year=year)
    facts = [_Facts.from_row(row) for row in counted.values_list(*_FACTS)]
    loader = _MeasureLoader([f.pk for f in facts])
    if not facts:
        return {}, loader, {}
    sections: dict[int, list[int]] = {}
    # The sections of the year's counted initiatives (a join on the initiatives, not again over every measure).
    through = Initiative.sections.through.objects.filter(
        initiative__year=year, initiative__department__in=departments.values("pk")
    ).exclude(initiative__status=Initiative.Status.STOPPED)
    for initiative_id, section_id in through.values_list("initiative_id", "section_id").order_by("section_id"):
        sections.setdefault(initiative_id, []).append(section_id)
    language = get_language()
    month = last_complete_month(today)
    payloads = summary.cached(
        facts,
        key=lambda f: _summary_key(f, month=month, sections=sections, language=language),
        compute=lambda missing: _compute_statuses(missing, today=today),
        stored={f.pk: (f.cached_key, f.cached_payload) for f in facts},
        # Each measure keeps one result: today's. A report as of another date computes its own and stores none.
        store=last_complete_month(today) == last_complete_month(timezone.localdate()),
    )
    grouped: dict[int, list[tuple[int, dict]]] = {}
    for f in facts:
        grouped.setdefault(f.department_id, []).append((f.pk, payloads[f.pk]))
    return grouped, loader, {f.pk: f.stamp for f in facts}


#: Bump when what `_compute_statuses` computes changes: every cached result is then recomputed once.
SUMMARY_VERSION = 2


def _summary_key(f: _Facts, *, month: dt.date, sections: dict[int, list[int]], language: str | None) -> str:
    """Everything a measure's status depends on besides its stored values (those bump the summary's stamp)."""
    slots = sections.get(f.initiative_id, ()) if f.per_section else ()
    parts = (SUMMARY_VERSION, language, month, f.unit, f.rate_per, f.direction, f.start_month, f.end_month)
    return _key_of((*parts, f.target, f.chart_kind, f.chart_revision, f.per_section, f.year, ",".join(map(str, slots))))


@functools.lru_cache(maxsize=65536)
def _key_of(parts: tuple) -> str:
    """The key of one combination of inputs, hashed once per process: measures share them (the national benchmark's
    4,048 counted measures have 1,206 distinct combinations, the region's 808 have 247)."""
    return hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=20).hexdigest()


def _compute_statuses(missing: list[_Facts], *, today: dt.date) -> dict[int, dict]:
    """The status of each measure from its stored values, as JSON-ready payloads (fixed number of queries)."""
    measures_qs = Measure.objects.filter(pk__in=[f.pk for f in missing])
    measures = [f.measure() for f in missing]  # what the series and the analysis read, without a query
    completeness = completeness_for(measures_qs, today=today)
    totals = monthly_totals(measures_qs)
    events = events_by_measure(measures)  # no query unless a measure records rare events
    phases = phases_for(measure.pk for measure in measures)
    payloads = {}
    for measure in measures:
        months = measure_months(measure, today=today)
        points = monthly_series(measure, months=months, values=totals.get(measure.pk, ()))
        chart_points = (
            charts.chart_points(measure, months=months, values=None, events=events[measure.pk])
            if measure.pk in events
            else points
        )
        result = charts.analyse(measure, chart_points, phases=phases[measure.pk])
        signal = charts.signal_of(measure, result)
        latest = latest_present(points)
        done = completeness[measure.pk]
        payloads[measure.pk] = {
            "expected": done.expected,
            "present": done.present,
            "missing_months": [month.isoformat() for month in done.missing_months],
            "signal": signal.value,
            "variation": charts.variation_of(signal, charts.direction_of(measure)).value,
            "assurance": charts.assurance_of(measure, result).value,
            "kind": charts.default_kind(measure),
            "sentence": charts.verdict(measure, result),
            "latest_value": latest.value if latest else None,
            "latest_month": latest.month.isoformat() if latest else None,
        }
    return payloads


def _from_payload(measure, payload: dict) -> MeasureStatus:
    latest_month = payload["latest_month"]
    return MeasureStatus(
        measure=measure,
        completeness=Completeness(
            expected=payload["expected"],
            present=payload["present"],
            missing_months=tuple(dt.date.fromisoformat(month) for month in payload["missing_months"]),
        ),
        signal=Signal(payload["signal"]),
        sentence=payload["sentence"],
        latest_value=payload["latest_value"],
        latest_month=dt.date.fromisoformat(latest_month) if latest_month else None,
        variation=charts.Variation(payload["variation"]),
        assurance=charts.Assurance(payload["assurance"]),
        kind=payload["kind"],
    )


@dataclass(frozen=True)
class GroupTotals:
    departments: int
    team_met: int
    selections_met: int
    in_cross_hospital: int
    completeness: CompletenessTotal = CompletenessTotal()
    signals: SignalCounts = SignalCounts()


def totals(rows: list[DepartmentStatus]) -> GroupTotals:
    """The group's totals: always the sums of the rows."""
    return GroupTotals(
        departments=len(rows),
        team_met=sum(row.team.met for row in rows),
        selections_met=sum(row.selections.met for row in rows),
        in_cross_hospital=sum(row.in_cross_hospital for row in rows),
        completeness=sum((row.completeness for row in rows), CompletenessTotal()),
        signals=sum((row.signals for row in rows), SignalCounts()),
    )


def visible_departments(user, *, hospital=None):
    departments = Department.objects.visible_to(user)
    if hospital is not None:
        departments = departments.filter(Q(hospitals=hospital)).distinct()
    return departments


def department_status(department: Department, *, year: int, today: dt.date) -> DepartmentStatus:
    """Mål 1 and Mål 2 for one department (the same row the hospital-wide status shows)."""
    [row] = department_rows(Department.objects.filter(pk=department.pk), year=year, today=today, measures=False)
    return row
