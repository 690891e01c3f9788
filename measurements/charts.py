"""Charts for measures: the statistics from `spc.chart()` turned into a plotly figure a nurse can read.

The statistics live in `measurements/spc.py` (no Django, no plotly); the monthly aggregation in
`measurements/series.py`. This module picks the chart type from the measure's unit, runs the analysis, states the
result in Danish and builds the figure as a JSON-serialisable dict, which templates hand to `static/js/charts.js`
through `json_script` (see `templates/measurements/_chart.html`).

Chart kind: the one the team saved on the measure (`Measure.chart_kind`), among `kinds_for_unit` (proportion → P,
P′, run; rate → U, U′, run; count → C, run, I), else the recommended one (`recommended_kind`). The team's phases
(`Phases`, from `measurements.phases`) freeze the baseline (qicharts2's ``freeze``), split the chart (``part``) and
exclude months (``exclude``); nothing is recalculated automatically. The month in progress is drawn hollow as
*foreløbig* and never analysed. `verdict` is the one sentence per chart; `variation_of`/`assurance_of` give the
Making Data Count icons next to `signal_of`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.core.serializers.json import DjangoJSONEncoder
from django.template.defaultfilters import floatformat
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.months import format_month, month_range

from . import spc
from .models import ChartKind, Measure, Unit
from .series import SeriesPoint, display_factor, event_points, latest_present, monthly_series

#: Chart kinds that fit each unit, the recommended one first (see `kinds_for_unit`, `recommended_kind`).
KINDS_BY_UNIT: dict[str, tuple[str, ...]] = {
    Unit.PROPORTION: ("p", "pp", "run"),
    Unit.RATE: ("u", "up", "run"),
    Unit.COUNT: ("c", "run", "i"),
    Unit.MEAN: ("xbar", "s", "i", "run"),
    Unit.EVENTS: ("t", "g"),
}


def kinds_for_unit(unit: str) -> tuple[str, ...]:
    """The chart kinds a measure of `unit` may be shown as, the recommended one first (the one list of them).

    Proportions: P, Laney's P′ (for large, overdispersed denominators), run chart. Rates: U, U′, run chart.
    Counts: C, run chart, I. A unit not listed has only the run chart.
    """
    return KINDS_BY_UNIT.get(unit, ("run",))


def recommended_kind(unit: str) -> str:
    """The chart kind the software suggests for `unit`; the team may choose another of `kinds_for_unit`."""
    return kinds_for_unit(unit)[0]


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

#: At most this many month labels on the x axis (every k-th month is labelled on long series).
MAX_TICKS = 8

COLOURS = {
    "value": "#005a8c",
    "centre": "#5b6577",
    "centre_signal": "#a4262c",
    "limits": "#8a93a3",
    "target": "#1b7a3d",
    "action": "#6a3d9a",
    "signal": "#d9480f",
    "band": "#6a3d9a",
    "phase": "#1d2433",
    "note": "#8a5a00",
}


def plotly_text(text) -> str:
    """Text for a plotly figure, shown exactly as written.

    plotly.js reads a subset of HTML in every text it draws — titles, legend entries, hover labels, annotations,
    tick labels: ``<a href>`` becomes a clickable link, ``<b>``, ``<br>`` and ``style`` apply. It also turns
    entities back into characters, after it has found the tags, so ``&``, ``<`` and ``>`` written as entities are
    drawn as text. Every text from outside this module (a tiltag, a translation, a month name) goes through here;
    only the module's own markup (``<br>`` between month and year, ``<b>`` around the value) is left as markup.
    """
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def kinds_for(measure) -> tuple[str, ...]:
    return unit_kinds(measure)


def unit_kinds(measure) -> tuple[str, ...]:
    """The chart kinds that fit the measure, recommended first: `kinds_for_unit` of its unit, except that a
    rare-event measure recorded per section has only the T chart.

    *Gennemsnit*: Xbar (the month's pooled mean against limits from the subgroup sizes and SDs), S (the pooled SD),
    or an I or run chart of the means. *Sjældne hændelser*: T (days between events, pooled over the sections into
    one timeline) and, when the events are recorded for the whole department, G (the opportunities recorded since
    the previous event): per section, opportunities "since the section's previous event" do not add up to the
    department's opportunities between its events, so no G chart is offered there.
    """
    if measure.unit == Unit.EVENTS and measure.per_section:
        return ("t",)
    return kinds_for_unit(measure.unit)


def is_event_chart(measure) -> bool:
    return measure.unit == Unit.EVENTS


def higher_is_better(measure) -> bool:
    """The measure's direction; for rare events always higher (more time or opportunities between adverse events)."""
    return measure.unit == Unit.EVENTS or measure.direction == Measure.Direction.HIGHER


def direction_of(measure) -> str:
    """`Measure.Direction` the icons judge by (rare events: always higher is better)."""
    return Measure.Direction.HIGHER if higher_is_better(measure) else Measure.Direction.LOWER


def default_kind(measure) -> str:
    """The measure's saved chart kind (`Measure.chart_kind`), or the recommended one when none fits its unit."""
    kinds = kinds_for(measure)
    return measure.chart_kind if measure.chart_kind in kinds else kinds[0]


def kind_label(kind: str) -> str:
    return str(ChartKind(kind).label) if kind in ChartKind.values else kind.upper()


@dataclass(frozen=True, slots=True)
class Mark:
    """One dated decision or note drawn on a chart: a freeze, split or exclusion (`ChartPhase`) or a point note."""

    month: dt.date
    text: str


@dataclass(frozen=True, slots=True)
class Phases:
    """What the team decided about a measure's chart, besides its kind: a frozen baseline (centre and limits from
    the months up to and including `freeze`), splits (a new phase after each month), excluded months, point notes.
    Built by `measurements.phases.phases_for`; nothing here is ever decided by the software."""

    freeze: Mark | None = None
    splits: tuple[Mark, ...] = ()
    excludes: tuple[Mark, ...] = ()
    notes: tuple[Mark, ...] = ()

    def key(self) -> tuple:
        """A plain tuple of everything a chart shows from these phases (for cache keys)."""
        return (self.freeze, self.splits, self.excludes, self.notes)


NO_PHASES = Phases()


def _month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def freeze_for(phases: Phases, months: Sequence[dt.date]) -> int | None:
    """Number of leading points in the frozen baseline (those in months up to and including the freeze month), or
    ``None``. `months` are the points' dates: first days of months, or event dates for rare events.

    The baseline counts from the first charted point (qicharts2's ``freeze`` always does).
    """
    if phases.freeze is None:
        return None
    count = sum(1 for month in months if _month_of(month) <= phases.freeze.month)
    return count or None


def parts_for(phases: Phases, months: Sequence[dt.date]) -> list[int]:
    """qicharts2's ``part``: for each split after month M, the number of points in months up to and including M
    (a new part starts after that point). A split before the first or after the last point starts nothing."""
    cuts = {sum(1 for month in months if _month_of(month) <= mark.month) for mark in phases.splits}
    return sorted(k for k in cuts if 0 < k < len(months))


def excluded_for(phases: Phases, months: Sequence[dt.date]) -> list[int]:
    """qicharts2's ``exclude``: the 1-based indices of the points in excluded months."""
    excluded = {mark.month for mark in phases.excludes}
    return [i for i, month in enumerate(months, start=1) if _month_of(month) in excluded]


def analyse(
    measure, points: Sequence[SeriesPoint], *, kind: str | None = None, phases: Phases = NO_PHASES
) -> spc.ChartResult:
    """`spc.chart()` for a measure's series in its display unit (no figure), with the team's phases: a split
    overrides a frozen baseline (each phase then has its own centre and limits, as in qicharts2)."""
    kind = kind or default_kind(measure)
    if kind not in kinds_for(measure):
        raise ValueError(f"Chart kind {kind!r} does not fit unit {measure.unit!r}")
    months = [p.month for p in points]
    freeze = freeze_for(phases, months)
    part = parts_for(phases, months) or None
    exclude = excluded_for(phases, months) or None
    if measure.unit == Unit.MEAN and kind in ("xbar", "s"):
        sizes = [p.numerator for p in points]
        return spc.chart(
            kind, [p.value for p in points], sizes, sd=[p.sd for p in points], freeze=freeze, part=part, exclude=exclude
        )
    if measure.unit in (Unit.MEAN, Unit.EVENTS):  # i/run of the means; t/g of the event points' values
        return spc.chart(kind, [p.value for p in points], freeze=freeze, part=part, exclude=exclude)
    numerators = [p.numerator for p in points]
    denominators = [p.denominator for p in points] if measure.has_denominator else None
    return spc.chart(
        kind,
        numerators,
        denominators,
        freeze=freeze_for(phases, months),
        part=parts_for(phases, months) or None,
        exclude=excluded_for(phases, months) or None,
        multiply=display_factor(measure),
    )


def enough_data(result: spc.ChartResult) -> bool:
    """Whether the current part has enough useful points for the rules (the same threshold `spc.describe` uses)."""
    return result.last_part.n_useful >= spc.MIN_USEFUL_POINTS


def signal_direction(measure, result: spc.ChartResult) -> str | None:
    """``"improvement"``, ``"deterioration"`` or ``None`` for the last part of the chart, using the measure's direction.

    ``None`` too when there are too few points to analyse, so a badge never contradicts the sentence.
    """
    if not enough_data(result):
        return None
    return spc.chart_direction(result, higher_is_better=higher_is_better(measure))


class Signal(StrEnum):
    """The verdict of one chart for boards and status: what its last part shows, in the measure's direction."""

    IMPROVEMENT = "improvement"
    DETERIORATION = "deterioration"
    NONE = "none"
    TOO_FEW = "too_few"


def signal_of(measure, result: spc.ChartResult) -> Signal:
    """The chart's verdict as a `Signal`: too few points, improvement, deterioration or no signal."""
    if not enough_data(result):
        return Signal.TOO_FEW
    direction = signal_direction(measure, result)
    if direction == spc.IMPROVEMENT:
        return Signal.IMPROVEMENT
    if direction == spc.DETERIORATION:
        return Signal.DETERIORATION
    return Signal.NONE


class Variation(StrEnum):
    """NHS Making Data Count's variation icon: common cause, or special cause improvement/concern, high or low."""

    COMMON = "common"
    IMPROVEMENT_HIGH = "improvement_high"
    IMPROVEMENT_LOW = "improvement_low"
    CONCERN_HIGH = "concern_high"
    CONCERN_LOW = "concern_low"
    NONE = "none"  # too few points: no icon, the text says why


class Assurance(StrEnum):
    """NHS Making Data Count's assurance icon: will the process meet its target? (control charts with a target)."""

    PASS = "pass"
    FAIL = "fail"
    HIT_AND_MISS = "hit_and_miss"
    NONE = "none"  # run chart, no target, or too few points


def variation_of(signal: Signal | str, direction: str) -> Variation:
    """The variation icon from the chart's `Signal` and the measure's direction (higher or lower is better):
    an improvement when higher is better is a special cause *high*, a deterioration then is one *low*, and the
    other way round when lower is better."""
    signal = Signal(signal)
    higher = direction == Measure.Direction.HIGHER
    if signal == Signal.TOO_FEW:
        return Variation.NONE
    if signal == Signal.NONE:
        return Variation.COMMON
    if signal == Signal.IMPROVEMENT:
        return Variation.IMPROVEMENT_HIGH if higher else Variation.IMPROVEMENT_LOW
    return Variation.CONCERN_LOW if higher else Variation.CONCERN_HIGH


def assurance_from(*, lcl: float | None, ucl: float | None, target: float | None, direction: str) -> Assurance:
    """The assurance icon from the current control limits against the target (Making Data Count): both limits on
    the good side of the target → consistently met; both on the bad side → consistently not met; the target
    between them → hit and miss. No limits (run chart, too few points) or no target → none."""
    if target is None or lcl is None or ucl is None:
        return Assurance.NONE
    higher = direction == Measure.Direction.HIGHER
    good_low, good_high = (lcl >= target, ucl >= target) if higher else (ucl <= target, lcl <= target)
    if good_low:
        return Assurance.PASS
    if not good_high:
        return Assurance.FAIL
    return Assurance.HIT_AND_MISS


def assurance_of(measure, result: spc.ChartResult) -> Assurance:
    """The assurance icon of a measure's chart: the limits of the newest point of the last part with limits."""
    if result is None or result.kind == "run" or not enough_data(result):
        return Assurance.NONE
    target = None if measure.target is None else float(measure.target)
    current = [p for p in result.part_points(-1) if p.lcl is not None and p.ucl is not None]
    if not current:
        return Assurance.NONE
    return assurance_from(lcl=current[-1].lcl, ucl=current[-1].ucl, target=target, direction=direction_of(measure))


#: Labels of the icons, as msgids: a lookup translates the one label it needs (the status page asks 600 times).
_VARIATION_LABELS = {
    Variation.COMMON: gettext_noop("Almindelig variation"),
    Variation.IMPROVEMENT_HIGH: gettext_noop("Særlig variation: forbedring (højere)"),
    Variation.IMPROVEMENT_LOW: gettext_noop("Særlig variation: forbedring (lavere)"),
    Variation.CONCERN_HIGH: gettext_noop("Særlig variation: bekymring (højere)"),
    Variation.CONCERN_LOW: gettext_noop("Særlig variation: bekymring (lavere)"),
    Variation.NONE: gettext_noop("For få data til at vurdere variationen"),
}
_ASSURANCE_LABELS = {
    Assurance.PASS: gettext_noop("Målet nås hver gang"),
    Assurance.FAIL: gettext_noop("Målet nås ikke"),
    Assurance.HIT_AND_MISS: gettext_noop("Målet nås nogle gange"),
    Assurance.NONE: gettext_noop("Ingen vurdering af målet"),
}


def variation_label(variation: Variation | str) -> str:
    return _(_VARIATION_LABELS[Variation(variation)])


def assurance_label(assurance: Assurance | str) -> str:
    return _(_ASSURANCE_LABELS[Assurance(assurance)])


def icon_path(name: Variation | Assurance) -> str | None:
    """The static path of an icon's SVG (``.png`` beside it for PPTX), or ``None`` for no icon."""
    if name in (Variation.NONE, Assurance.NONE):
        return None
    prefix = "variation" if isinstance(name, Variation) else "assurance"
    return f"icons/{prefix}-{name.value.replace('_', '-')}.svg"


def verdict(measure, result: spc.ChartResult) -> str:
    """The one Danish sentence about a chart (`spc.describe`), which also says why when the run-chart rules and
    the control limits disagree, so a page never shows two unexplained opposite findings for one measure."""
    sentence = spc.describe(result)
    if not enough_data(result):
        return (
            sentence
            + ". "
            + _("Reglerne kræver mindst %(min)s brugbare punkter i den nuværende fase.")
            % {"min": spc.MIN_USEFUL_POINTS}
        )
    if result.kind == "run":
        return sentence
    runs = result.last_part
    outside = [p for p in result.part_points(-1) if p.sigma_signal and p.y is not None and p.cl is not None]
    if runs.signal and not outside:
        return (
            sentence
            + ". "
            + _(
                "Ingen punkter ligger uden for kontrolgrænserne: et mindre, vedvarende skift viser sig i serierne, "
                "før det når grænserne."
            )
        )
    if outside and not runs.signal:
        return (
            sentence
            + ". "
            + _(
                "Seriereglerne finder intet (længste serie %(run)s, grænse %(max)s; %(cross)s krydsninger, mindst "
                "%(min)s): enkeltstående udsving, ikke et vedvarende skift."
            )
            % {
                "run": runs.longest_run,
                "max": runs.longest_run_max,
                "cross": runs.crossings,
                "min": runs.crossings_min,
            }
        )
    if outside and runs.signal and runs.run_signal and runs.longest_run_side is not None:
        above = sum(1 for p in outside if p.y > p.cl)
        below = len(outside) - above
        against = below if runs.longest_run_side == spc.SIDE_OVER else above
        if against:
            return (
                sentence
                + ". "
                + _(
                    "Den lange serie og punkterne uden for grænserne peger i hver sin retning; det seneste signal "
                    "afgør vurderingen."
                )
            )
    return sentence


def overdispersion_text(result: spc.ChartResult) -> str | None:
    """Danish advice when a P or U chart looks overdispersed (Laney's σz above its 95 % limit, `spc.Dispersion`):
    the limits are then too narrow and nearly every month looks special; P′/U′ widens them by σz."""
    if result.kind not in ("p", "u") or not result.overdispersed:
        return None
    dispersion = result.dispersion[-1]
    return _(
        "Punkterne spreder sig mere, end et %(kind)s forventer (Laneys σz = %(sz)s, grænse %(limit)s). "
        "Overvej et %(prime)s."
    ) % {
        "kind": kind_label(result.kind),
        "sz": f"{dispersion.sigma_z:.2f}".replace(".", ","),
        "limit": f"{dispersion.limit:.2f}".replace(".", ","),
        "prime": kind_label(result.kind + "p"),
    }


@dataclass(frozen=True)
class MeasureChart:
    measure: Measure
    kind: str
    kinds: tuple[str, ...]
    points: list[SeriesPoint]
    result: spc.ChartResult
    sentence: str
    direction: str | None
    figure: dict
    variation: Variation = Variation.NONE
    assurance: Assurance = Assurance.NONE
    hints: tuple[str, ...] = ()
    phases: Phases = NO_PHASES
    provisional: SeriesPoint | None = None

    @property
    def variation_label(self) -> str:
        return variation_label(self.variation)

    @property
    def assurance_label(self) -> str:
        return assurance_label(self.assurance)

    @property
    def variation_icon(self) -> str | None:
        return icon_path(self.variation)

    @property
    def assurance_icon(self) -> str | None:
        return icon_path(self.assurance)

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @functools.cached_property
    def figure_json(self) -> str:
        """The figure as JSON safe inside ``<script type="application/json">`` (what `json_script` writes: ``<``,
        ``>`` and ``&`` escaped), serialised once per chart, also when the chart is remembered (`dashboards.chart_cache`)."""
        text = json.dumps(self.figure, cls=DjangoJSONEncoder).translate(_JSON_SCRIPT_ESCAPES)
        return mark_safe(text)  # safe: the characters that could end the script element are escaped

    @property
    def default_kind(self) -> str:
        return self.kinds[0]

    @property
    def latest(self) -> SeriesPoint | None:
        return latest_present(self.points)

    @property
    def target(self) -> float | None:
        return None if self.measure.target is None else float(self.measure.target)

    @property
    def meets_target(self) -> bool | None:
        """Whether the newest value is at or better than the target; ``None`` without target or value."""
        latest = self.latest
        if self.target is None or latest is None:
            return None
        if higher_is_better(self.measure):
            return latest.value >= self.target
        return latest.value <= self.target

    @property
    def improvement(self) -> bool:
        return self.direction == spc.IMPROVEMENT

    @functools.cached_property
    def table(self) -> ChartTable:
        """The numbers behind the chart, for the data table screen readers (and anyone) can read."""
        return chart_table(self.measure, points=self.points, result=self.result)

    @property
    def deterioration(self) -> bool:
        return self.direction == spc.DETERIORATION


def format_value(measure, value: float | None) -> str:
    """A value in the measure's display unit as Danish text: "23,5 %", "4,12 pr. 1.000", "45", a mean "52,4"."""
    if value is None:
        return "–"
    if measure.unit == Unit.PROPORTION:
        return f"{floatformat(value, 1)} %"
    if measure.unit == Unit.RATE:
        suffix = f" {rate_suffix(measure)}" if measure.rate_per > 1 else ""
        return f"{floatformat(value, 2)}{suffix}"
    if measure.unit == Unit.MEAN:
        return floatformat(value, 1)
    return floatformat(value, 0)


@dataclass(frozen=True)
class ChartTableRow:
    label: str  # the month ("januar 2026"), or the event's date ("15.12.2026") on a T/G chart
    value: str
    counts: str  # "12 af 80", "3 hændelser / 1.000", "n = 14"; empty for counts and events
    centre: str
    lower: str
    upper: str
    note: str  # "Ikke-tilfældig variation", "Udeladt af analysen", "Ingen data" or empty


@dataclass(frozen=True)
class ChartTable:
    label_heading: str  # "Måned" or "Hændelse"
    value_heading: str  # "Værdi", or what a T/G chart's value counts
    centre_label: str  # "Median" (run chart) or "Centerlinje"
    has_counts: bool
    has_limits: bool
    rows: list[ChartTableRow]

    @functools.cached_property
    def rows_html(self) -> str:
        """The table's body rows as HTML, built once per chart (and remembered with it, `dashboards.chart_cache`).

        A ten-year chart has 120 rows of six cells; eight of them through the template language cost a dashboard
        more than everything else on it together, so `_chart.html` writes this instead of looping."""
        lines = []
        for row in self.rows:
            cells = [f'<th scope="row">{escape(row.label)}</th>', f'<td class="num">{escape(row.value)}</td>']
            if self.has_counts:
                cells.append(f'<td class="num">{escape(row.counts)}</td>')
            cells.append(f'<td class="num">{escape(row.centre)}</td>')
            if self.has_limits:
                cells.append(f'<td class="num">{escape(row.lower)}</td><td class="num">{escape(row.upper)}</td>')
            cells.append(f"<td>{escape(row.note)}</td>")
            lines.append(f"<tr>{''.join(cells)}</tr>")
        return mark_safe("\n".join(lines))  # safe: every value above is escaped


def chart_table(measure, *, points: Sequence[SeriesPoint], result: spc.ChartResult) -> ChartTable:
    """One row per charted month (or event): value, counts behind it, centre line, limits and what the rules found."""
    marked = set(signal_indexes(result))
    events = measure.unit == Unit.EVENTS
    template = {
        Unit.PROPORTION: _("%(num)s af %(den)s"),
        Unit.RATE: _("%(num)s hændelser / %(den)s"),
        Unit.MEAN: _("n = %(num)s"),
    }.get(measure.unit, "")
    rows = []
    for index, (point, drawn) in enumerate(zip(points, result.points, strict=True)):
        if not point.present:
            note = _("Ingen data")
        elif drawn.excluded:
            note = _("Udeladt af analysen")
        elif index in marked:
            note = _("Ikke-tilfældig variation")
        else:
            note = ""
        counts = ""
        if template and point.present:
            counts = template % {"num": _thousands(point.numerator), "den": _thousands(point.denominator or 0)}
        rows.append(
            ChartTableRow(
                label=date_format(point.month, "d.m.Y") if events else format_month(point.month, "F Y"),
                value=format_value(measure, drawn.y) if point.present else "–",
                counts=counts,
                centre=format_value(measure, drawn.cl),
                lower=format_value(measure, drawn.lcl),
                upper=format_value(measure, drawn.ucl),
                note=note,
            )
        )
    if events:
        value_heading = (
            _("Dage siden forrige hændelse") if result.kind == "t" else _("Muligheder siden forrige hændelse")
        )
    else:
        value_heading = _("Værdi")
    return ChartTable(
        label_heading=_("Hændelse") if events else _("Måned"),
        value_heading=value_heading,
        centre_label=_("Median") if result.kind == "run" else _("Centerlinje"),
        has_counts=bool(template),
        has_limits=any(p.ucl is not None for p in result.points),
        rows=rows,
    )


def chart_for_measure(
    measure,
    *,
    months: Sequence[dt.date],
    values: Iterable | None,
    actions: Iterable = (),
    kind: str | None = None,
    phases: Phases = NO_PHASES,
    provisional: dt.date | None = None,
    events: Iterable | None = None,
    bands: Iterable = (),
) -> MeasureChart:
    """Series, analysis, Danish sentence, signal direction, icons and plotly figure for one measure.

    `values`: the measure's stored values (see `monthly_series`); `actions`: the initiative's actions (objects with
    ``date`` and ``text``); those outside the charted months are left out. `kind` must be one of `kinds_for()`
    (default: the measure's saved kind). `phases`: the team's freeze, splits, exclusions and notes.
    `provisional`: the month in progress (`periods.month_in_progress`), drawn hollow as *foreløbig* when it has a
    value and left out of the analysis (not for rare events, whose points are the events).
    `events`: a rare-event measure's events (RareEvent objects or ``(date, opportunities)``); without them its
    ``events`` are read (prefetch them to avoid a query per measure). Its T/G chart has one point per event.
    `bands`: periods to shade (PDSA cycles), plain objects with ``start``, ``end`` (dates) and ``label``.
    """
    months = list(months)
    kind = kind or default_kind(measure)
    extra = None
    if measure.unit == Unit.EVENTS:
        points = event_series(measure, months=months, events=events, kind=kind)
    else:
        values = list(values) if values is not None else None
        points = monthly_series(measure, months=months, values=values)
        if provisional is not None and (not months or provisional > months[-1]):
            [extra] = monthly_series(measure, months=[provisional], values=values)
            extra = extra if extra.present else None
    result = analyse(measure, points, kind=kind, phases=phases)
    signal = signal_of(measure, result)
    hints = tuple(text for text in (overdispersion_text(result),) if text)
    return MeasureChart(
        measure=measure,
        kind=kind,
        kinds=kinds_for(measure),
        points=points,
        result=result,
        sentence=verdict(measure, result),
        direction=signal_direction(measure, result),
        figure=build_figure(
            measure, points=points, result=result, actions=actions, phases=phases, provisional=extra, bands=bands
        ),
        variation=variation_of(signal, direction_of(measure)),
        assurance=assurance_of(measure, result),
        hints=hints,
        phases=phases,
        provisional=extra,
    )


def chart_points(
    measure,
    *,
    months: Sequence[dt.date],
    values: Iterable | None,
    events: Iterable | None = None,
    kind: str | None = None,
) -> list[SeriesPoint]:
    """What a chart of `kind` plots for the measure: its monthly series, or for a rare-event measure one point per
    event (`event_series`). Every caller that analyses a measure (pages, status, reports) goes through here."""
    kind = kind or default_kind(measure)
    if measure.unit == Unit.EVENTS:
        return event_series(measure, months=months, events=events, kind=kind)
    return monthly_series(measure, months=months, values=values)


def event_series(measure, *, months: Sequence[dt.date], events: Iterable | None, kind: str) -> list[SeriesPoint]:
    """A rare-event measure's chart points: one per event within the charted months, dated by the event, valued by
    the days (T) or the opportunities (G) since the previous event (the one before the first charted counts too)."""
    if events is None:
        events = measure.events.all()
    if not months:
        return []
    end = months[-1].replace(day=28) + dt.timedelta(days=4)
    end = end - dt.timedelta(days=end.day - 1)  # the first day after the last charted month
    points = []
    for event in event_points(events):
        if event.date < months[0] or event.date >= end:
            continue
        y = event.days if kind == "t" else event.opportunities
        points.append(SeriesPoint(month=event.date, numerator=y, denominator=None, value=None if y is None else y))
    return points


# --------------------------------------------------------------------------- #
# The figure
# --------------------------------------------------------------------------- #
def tick_label(month: dt.date) -> str:
    """Month over year on two lines ("jan.<br>2026"), so labels fit side by side on narrow charts."""
    return plotly_text(format_month(month, "N")) + "<br>" + plotly_text(format_month(month, "Y"))


def signal_indexes(result: spc.ChartResult) -> list[int]:
    """Indexes of points to mark as signals: outside the limits, or part of a run longer than the limit."""
    marked = {i for i, point in enumerate(result.points) if point.sigma_signal}
    for part_index, runs in enumerate(result.parts):
        if not runs.run_signal or runs.longest_run_max is None:
            continue
        run: list[int] = []
        side = 0
        for i, point in enumerate(result.points):
            if point.part != part_index or point.y is None or point.cl is None or point.y == point.cl:
                continue
            here = 1 if point.y > point.cl else -1
            if here != side:
                if len(run) > runs.longest_run_max:
                    marked.update(run)
                run, side = [], here
            run.append(i)
        if len(run) > runs.longest_run_max:
            marked.update(run)
    return sorted(marked)


def _value_format(measure) -> tuple[str, str]:
    """(d3 format, suffix) for hover texts."""
    if measure.unit == Unit.PROPORTION:
        return ".1f", " %"
    if measure.unit == Unit.RATE:
        return ".2f", (" " + plotly_text(rate_suffix(measure))) if measure.rate_per > 1 else ""
    if measure.unit == Unit.MEAN:
        return ".1f", ""
    return ".0f", ""


def axis_title(measure) -> str:
    if measure.unit == Unit.PROPORTION:
        return _("Procent")
    if measure.unit == Unit.RATE:
        return rate_suffix(measure) if measure.rate_per > 1 else _("Rate")
    if measure.unit == Unit.EVENTS:
        return _("Mellem hændelser")
    if measure.unit == Unit.MEAN:
        return _("Gennemsnit")
    return _("Antal")


def rate_suffix(measure) -> str:
    """ "pr. 1.000" for a rate per 1,000."""
    return _("pr. %(n)s") % {"n": _thousands(measure.rate_per)}


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _detail(measure, point: SeriesPoint) -> str:
    return _details(measure, [point])[0]


def _details(measure, points: Sequence[SeriesPoint]) -> list[str]:
    """The hover detail of each point ("12 af 80"), translated once per chart rather than once per point."""
    no_data = _("Ingen data")
    if measure.unit == Unit.PROPORTION:
        template = _("%(num)s af %(den)s")
    elif measure.unit == Unit.RATE:
        template = _("%(num)s hændelser / %(den)s")
    elif measure.unit == Unit.MEAN:
        template = _("n = %(num)s")
    elif measure.unit == Unit.EVENTS:
        template = _("hændelse %(date)s")
        return [plotly_text(template % {"date": date_format(p.month, "j.n.Y")}) for p in points]
    else:
        template = ""
    return [
        plotly_text(
            (template % {"num": p.numerator, "den": p.denominator} if template else "") if p.present else no_data
        )
        for p in points
    ]


def _short(text: str, width: int = 32) -> str:
    return textwrap.shorten(text, width=width, placeholder="…")


#: A tiltag's label above the chart: wrapped into at most this many lines of this many characters; the full text is
#: on hover (the label's own hover text and the marker's).
LABEL_WIDTH, LABEL_LINES = 24, 3


def action_label(text: str) -> str:
    """The tiltag's text wrapped for its label (escaped line by line, joined by the module's own ``<br>``)."""
    lines = textwrap.wrap(" ".join(str(text).split()), width=LABEL_WIDTH) or [""]
    if len(lines) > LABEL_LINES:
        lines = [*lines[: LABEL_LINES - 1], _short(" ".join(lines[LABEL_LINES - 1 :]), width=LABEL_WIDTH)]
    return "<br>".join(plotly_text(line) for line in lines)


def _scatter(**trace) -> dict:
    """A plotly scatter trace as a plain dict: what `go.Scatter(...).to_plotly_json()` gives, without plotly's
    validation machinery, which cost ~0.1 s per figure (`tests/measurements/test_chart_figures.py` checks that
    plotly accepts every figure and gives it back unchanged)."""
    return {"type": "scatter", **trace}


class _Figure:
    """The part of `go.Figure` the chart builder uses, on plain dicts."""

    def __init__(self):
        self.data: list[dict] = []
        self.layout: dict = {}

    def add_trace(self, trace: dict) -> None:
        self.data.append(trace)

    def update_layout(self, **layout) -> None:
        # plotly leaves out empty arrays of shapes and annotations; so do we
        self.layout.update({key: value for key, value in layout.items() if value != []})

    def to_plotly_json(self) -> dict:
        return {"data": self.data, "layout": self.layout}


def build_figure(
    measure,
    *,
    points: Sequence[SeriesPoint],
    result: spc.ChartResult,
    actions: Iterable = (),
    phases: Phases = NO_PHASES,
    provisional: SeriesPoint | None = None,
    bands: Iterable = (),
) -> dict:
    """The plotly figure as a plain dict (data + layout), ready for `json_script`.

    Besides the values, centre, limits and target it draws the team's phases (a labelled line at each split, the
    frozen baseline's end, excluded months as hollow points), point notes (small marks, note on hover) and the
    month in progress (a hollow point labelled *foreløbig*, outside every analysis). `bands`: periods drawn as
    shaded vertical strips with a label (PDSA cycles), each with ``start``, ``end`` and ``label``; the pages above
    `measurements` pass them in as plain data."""
    actions = list(actions)
    months = [p.month for p in points]
    x = [m.isoformat() for m in months]
    labels = [plotly_text(format_month(m, "N Y")) for m in months]
    number_format, suffix = _value_format(measure)
    is_run = result.kind == "run"
    runs_signal = result.runs_signal
    fig = _Figure()
    # Rare events are drawn at their dates: the axis still counts months.
    tick_months = (
        month_range(months[0].replace(day=1), months[-1].replace(day=1))
        if is_event_chart(measure) and months
        else months
    )

    # Centre line (median for run charts), red and dashed when the runs analysis signals (as qicharts2 draws it).
    fig.add_trace(
        _scatter(
            x=x,
            y=[p.cl for p in result.points],
            name=plotly_text(_("Median") if is_run else _("Centerlinje")),
            legendrank=3,
            mode="lines",
            line={
                "color": COLOURS["centre_signal"] if runs_signal else COLOURS["centre"],
                "width": 1.5,
                "dash": "dash" if runs_signal else "solid",
                "shape": "hv",
            },
            hovertemplate=f"%{{y:{number_format}}}{suffix}<extra>%{{fullData.name}}</extra>",
        )
    )
    if not is_run and any(p.ucl is not None for p in result.points):
        for index, (limit, values) in enumerate(
            (("ucl", [p.ucl for p in result.points]), ("lcl", [p.lcl for p in result.points]))
        ):
            fig.add_trace(
                _scatter(
                    x=x,
                    y=values,
                    name=plotly_text(_("Kontrolgrænser")),
                    legendgroup="limits",
                    legendrank=4,
                    showlegend=index == 0,
                    mode="lines",
                    line={"color": COLOURS["limits"], "width": 1, "dash": "dot", "shape": "hvh"},
                    connectgaps=False,
                    hovertemplate=f"%{{y:{number_format}}}{suffix}<extra>"
                    + plotly_text(_("Øvre kontrolgrænse") if limit == "ucl" else _("Nedre kontrolgrænse"))
                    + "</extra>",
                )
            )
    target = None if measure.target is None else float(measure.target)
    if target is not None and months:
        fig.add_trace(
            _scatter(
                x=[x[0], x[-1]],
                y=[target, target],
                name=plotly_text(_("Mål")),
                legendrank=5,
                mode="lines",
                line={"color": COLOURS["target"], "width": 2, "dash": "dash"},
                hovertemplate=f"%{{y:{number_format}}}{suffix}<extra>{plotly_text(_('Mål'))}</extra>",
            )
        )

    # The data: gaps for missing months.
    fig.add_trace(
        _scatter(
            x=x,
            y=[p.y for p in result.points],
            name=plotly_text(_("Måling")),
            legendrank=1,
            mode="lines+markers",
            connectgaps=False,
            line={"color": COLOURS["value"], "width": 2},
            marker={"color": COLOURS["value"], "size": 7},
            customdata=[[label, detail] for label, detail in zip(labels, _details(measure, points), strict=True)],
            hovertemplate=f"<b>%{{y:{number_format}}}{suffix}</b><br>%{{customdata[0]}}<br>%{{customdata[1]}}"
            "<extra></extra>",
        )
    )

    marked = signal_indexes(result)
    if marked:
        fig.add_trace(
            _scatter(
                x=[x[i] for i in marked],
                y=[result.points[i].y for i in marked],
                name=plotly_text(_("Signal")),
                legendrank=2,
                mode="markers",
                marker={
                    "color": COLOURS["signal"],
                    "size": 11,
                    "symbol": "circle",
                    "line": {"color": "#ffffff", "width": 1.5},
                },
                customdata=[labels[i] for i in marked],
                hovertemplate=f"<b>%{{y:{number_format}}}{suffix}</b><br>%{{customdata}}<br>"
                + plotly_text(_("Ikke-tilfældig variation"))
                + "<extra></extra>",
            )
        )

    excluded = [i for i, point in enumerate(result.points) if point.excluded and point.y is not None]
    if excluded:
        reasons = {m.month: m.text for m in phases.excludes}
        fig.add_trace(
            _scatter(
                x=[x[i] for i in excluded],
                y=[result.points[i].y for i in excluded],
                name=plotly_text(_("Udeladt af analysen")),
                legendrank=2,
                mode="markers",
                marker={
                    "color": "#ffffff",
                    "size": 10,
                    "symbol": "circle",
                    "line": {"color": COLOURS["value"], "width": 2},
                },
                customdata=[[labels[i], plotly_text(reasons.get(months[i], ""))] for i in excluded],
                hovertemplate=f"<b>%{{y:{number_format}}}{suffix}</b><br>%{{customdata[0]}}<br>"
                + plotly_text(_("Udeladt:"))
                + " %{customdata[1]}<extra></extra>",
            )
        )
    if provisional is not None and provisional.value is not None:
        fig.add_trace(
            _scatter(
                x=[provisional.month.isoformat()],
                y=[provisional.value],
                name=plotly_text(_("Foreløbig")),
                legendrank=2,
                mode="markers+text",
                text=[plotly_text(_("foreløbig"))],
                textposition="top center",
                textfont={"color": COLOURS["value"], "size": 11},
                marker={
                    "color": "#ffffff",
                    "size": 10,
                    "symbol": "circle",
                    "line": {"color": COLOURS["value"], "width": 2},
                },
                customdata=[[plotly_text(format_month(provisional.month, "N Y")), _detail(measure, provisional)]],
                hovertemplate=f"<b>%{{y:{number_format}}}{suffix}</b><br>%{{customdata[0]}}<br>%{{customdata[1]}}<br>"
                + plotly_text(_("Måneden er ikke slut: indgår ikke i analysen"))
                + "<extra></extra>",
            )
        )
    notes = [m for m in phases.notes if m.month in set(months)]
    if notes:
        by_month = {p.month: i for i, p in enumerate(points)}
        low = min([p.y for p in result.points if p.y is not None] or [0.0])
        fig.add_trace(
            _scatter(
                x=[m.month.isoformat() for m in notes],
                y=[
                    result.points[by_month[m.month]].y if result.points[by_month[m.month]].y is not None else low
                    for m in notes
                ],
                name=plotly_text(_("Note")),
                legendrank=7,
                mode="markers",
                marker={"color": COLOURS["note"], "size": 8, "symbol": "square-open", "line": {"width": 2}},
                customdata=[[plotly_text(format_month(m.month, "N Y")), plotly_text(m.text)] for m in notes],
                hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[0]}<extra>"
                + plotly_text(_("Note"))
                + "</extra>",
            )
        )
    shapes, annotations = _action_marks(fig, months=months, result=result, target=target, actions=actions)
    phase_shapes, phase_annotations = _phase_marks(months=months, phases=phases)
    band_shapes, band_annotations = _band_marks(months=months, bands=bands)
    shapes = band_shapes + shapes + phase_shapes
    annotations = band_annotations + annotations + phase_annotations
    label_lines = max((note["text"].count("<br>") + 1 for note in annotations), default=0)
    fig.update_layout(
        separators=",.",
        margin={"l": 56, "r": 16, "t": 16 + 15 * (label_lines + 1) if annotations else 16, "b": 8},
        autosize=True,
        hovermode="closest",
        showlegend=True,
        legend={"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0, "font": {"size": 13}},
        font={"family": "DejaVu Sans, Segoe UI, Arial, sans-serif", "size": 13, "color": "#1d2433"},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        xaxis={
            "type": "date",
            "tickmode": "array",
            "tickvals": [m.isoformat() for m in _every_kth(tick_months)],
            "ticktext": [tick_label(m) for m in _every_kth(tick_months)],
            "showgrid": False,
            "automargin": True,
            "linecolor": "#d8dde6",
            "range": _x_range(
                months + ([provisional.month] if provisional is not None else []),
                later=[a.date for a in actions_after(actions, months)],
            ),
        },
        yaxis={
            "title": {"text": plotly_text(axis_title(measure))},
            "automargin": True,
            "gridcolor": "#eef1f5",
            "zeroline": False,
            "rangemode": "tozero",
            "ticksuffix": " %" if measure.unit == Unit.PROPORTION else "",
        },
        shapes=shapes,
        annotations=annotations,
    )
    figure = fig.to_plotly_json()
    figure["layout"].pop("template", None)
    return figure


def _halfway_after(month: dt.date) -> str:
    """The x position between `month` and the next one (where a split after `month` is drawn)."""
    return (month + dt.timedelta(days=30)).replace(day=1).isoformat()


def _phase_marks(*, months, phases: Phases) -> tuple[list[dict], list[dict]]:
    """A solid vertical line with a label after each split month and after the frozen baseline."""
    if not months:
        return [], []
    first, last = months[0], months[-1]
    lines = [(m, _("Ny fase: %(reason)s") % {"reason": m.text}) for m in phases.splits if first <= m.month < last]
    if phases.freeze is not None and first <= phases.freeze.month < last and not lines:
        lines.append((phases.freeze, _("Baseline fastfrosset")))
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": _halfway_after(mark.month),
            "x1": _halfway_after(mark.month),
            "y0": 0,
            "y1": 1,
            "line": {"color": COLOURS["phase"], "width": 1.5},
        }
        for mark, _label in lines
    ]
    annotations = [
        {
            "x": _halfway_after(mark.month),
            "xref": "x",
            "y": 0,
            "yref": "paper",
            "yanchor": "bottom",
            "xanchor": "left",
            "text": plotly_text(_short(label, 40)),
            "showarrow": False,
            "bgcolor": "rgba(255,255,255,0.85)",
            "font": {"color": COLOURS["phase"], "size": 11},
        }
        for mark, label in lines
    ]
    return shapes, annotations


def _every_kth(items: list) -> list:
    step = max(1, -(-len(items) // MAX_TICKS))
    return items[::step]


def _x_range(months: list[dt.date], *, later: Sequence[dt.date] = ()) -> list[str] | None:
    """The charted months with half a month either side, stretched to a tiltag dated after the last month."""
    if not months:
        return None
    start = months[0] - dt.timedelta(days=15)
    end = max([months[-1] + dt.timedelta(days=15), *(day + dt.timedelta(days=5) for day in later)])
    return [start.isoformat(), end.isoformat()]


def actions_after(actions: Iterable, months: Sequence[dt.date]) -> list:
    """Tiltag dated after the last charted month (the month in progress, which no dashboard chart draws yet)."""
    if not months:
        return []
    return [a for a in actions if a.date.replace(day=1) > months[-1]]


def _action_marks(fig, *, months, result, target, actions) -> tuple[list[dict], list[dict]]:
    """Vertical line + labelled marker per action from the first charted month on (hover shows the full text).

    A tiltag dated after the last charted month (this month's, on a chart that ends with the last complete month)
    is drawn too: the x axis is stretched to it (see `_x_range`), so a change made this month shows on every chart.
    """
    if not months:
        return [], []
    first = months[0]
    shown = [a for a in actions if first <= a.date.replace(day=1)]
    if not shown:
        return [], []
    heights = [p.y for p in result.points if p.y is not None]
    heights += [p.ucl for p in result.points if p.ucl is not None]
    if target is not None:
        heights.append(target)
    top = max(heights) if heights else 1.0
    middle = months[0] + (months[-1] - months[0]) / 2
    fig.add_trace(
        _scatter(
            x=[a.date.isoformat() for a in shown],
            y=[top] * len(shown),
            name=plotly_text(_("Tiltag")),
            legendrank=6,
            mode="markers",
            marker={"color": COLOURS["action"], "size": 12, "symbol": "triangle-down"},
            customdata=[[plotly_text(date_format(a.date, "j. F Y")), plotly_text(a.text)] for a in shown],
            hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[0]}<extra>" + plotly_text(_("Tiltag")) + "</extra>",
        )
    )
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": a.date.isoformat(),
            "x1": a.date.isoformat(),
            "y0": 0,
            "y1": 1,
            "line": {"color": COLOURS["action"], "width": 1.5, "dash": "dot"},
        }
        for a in shown
    ]
    annotations = [
        {
            "x": a.date.isoformat(),
            "xref": "x",
            "y": 1,
            "yref": "paper",
            "yanchor": "bottom",
            "yshift": 2,
            # A label reads away from the nearer edge, so none is cut at the chart's side.
            "xanchor": "left" if a.date <= middle else "right",
            "text": action_label(a.text),
            "hovertext": plotly_text(f"{date_format(a.date, 'j. F Y')}: {a.text}"),
            "showarrow": False,
            "font": {"color": COLOURS["action"], "size": 11},
        }
        for a in shown
    ]
    return shapes, annotations


def _band_marks(*, months, bands) -> tuple[list[dict], list[dict]]:
    """A shaded strip with a label inside its top-left corner per band that overlaps the charted months."""
    if not months:
        return [], []
    first, last = months[0], months[-1] + dt.timedelta(days=31)
    shown = [band for band in bands if band.start < last and band.end >= first]
    shapes = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": max(band.start, first).isoformat(),
            "x1": min(band.end, last).isoformat(),
            "y0": 0,
            "y1": 1,
            "fillcolor": COLOURS["band"],
            "opacity": 0.1,
            "line": {"width": 0},
            "layer": "below",
        }
        for band in shown
    ]
    # A label near the right edge is anchored at its band's end, so it stays inside the plot.
    late = months[-max(1, len(months) // 4)]
    annotations = [
        {
            "x": (min(band.end, last) if band.start >= late else max(band.start, first)).isoformat(),
            "xref": "x",
            "xanchor": "right" if band.start >= late else "left",
            "y": 1,
            "yref": "paper",
            "yanchor": "top",
            "yshift": -2 - 14 * (index % 2),
            "text": plotly_text(_short(band.label)),
            "showarrow": False,
            "font": {"color": COLOURS["band"], "size": 10},
        }
        for index, band in enumerate(shown)
    ]
    return shapes, annotations
