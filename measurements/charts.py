"""Charts for measures: the statistics from `spc.chart()` turned into a plotly figure a nurse can read.

The statistics live in `measurements/spc.py` (no Django, no plotly); the monthly aggregation in
`measurements/series.py`. This module picks the chart type from the measure's unit, runs the analysis, states the
result in Danish and builds the figure as a JSON-serialisable dict, which templates hand to `static/js/charts.js`
through `json_script` (see `templates/measurements/_chart.html`).

Chart type per unit: proportion → P chart (percent), rate → U chart (per ``rate_per``), count → run chart; every
measure can be shown as a run chart instead (``kind="run"``), and counts as an I chart (``kind="i"``). When the
measure has a baseline end (``baseline_end``), centre and limits are frozen on the months up to and including it
(qicharts2's ``freeze``), so later months are judged against the baseline.
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
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.months import format_month

from . import spc
from .models import Measure, Unit
from .series import SeriesPoint, display_factor, event_points, latest_present, monthly_series

#: Chart kinds a user may pick per unit; the first is the default.
KINDS_BY_UNIT: dict[str, tuple[str, ...]] = {
    Unit.PROPORTION: ("p", "run"),
    Unit.RATE: ("u", "run"),
    Unit.COUNT: ("run", "i"),
    Unit.MEAN: ("xbar", "s", "i", "run"),
    Unit.EVENTS: ("t", "g"),
}

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
    """The chart kinds that fit the measure's unit, recommended first (the one place that knows the new units).

    *Gennemsnit*: Xbar (the month's pooled mean against limits from the subgroup sizes and SDs), S (the pooled SD),
    or an I or run chart of the means. *Sjældne hændelser*: T (days between events, pooled over the sections into
    one timeline) and, when the events are recorded for the whole department, G (the opportunities recorded since
    the previous event): per section, opportunities "since the section's previous event" do not add up to the
    department's opportunities between its events, so no G chart is offered there.
    """
    if measure.unit == Unit.EVENTS and measure.per_section:
        return ("t",)
    return KINDS_BY_UNIT[measure.unit]


def higher_is_better(measure) -> bool:
    """The measure's direction; for rare events always higher (more time or opportunities between adverse events)."""
    return measure.unit == Unit.EVENTS or measure.direction == Measure.Direction.HIGHER


def default_kind(measure) -> str:
    return kinds_for(measure)[0]


def kind_label(kind: str) -> str:
    return {
        "run": _("Seriediagram"),
        "p": _("P-kontroldiagram"),
        "u": _("U-kontroldiagram"),
        "i": _("I-kontroldiagram"),
        "xbar": _("Xbar-kontroldiagram (gennemsnit)"),
        "s": _("S-kontroldiagram (standardafvigelse)"),
        "t": _("T-kontroldiagram (dage mellem hændelser)"),
        "g": _("G-kontroldiagram (muligheder mellem hændelser)"),
    }.get(kind, kind.upper())


def freeze_for(measure, months: Sequence[dt.date]) -> int | None:
    """Number of leading months in the baseline (up to and including ``baseline_end``), or ``None``.

    The baseline is taken from the start of the charted months; a ``baseline_start`` later than the first month
    is not modelled (qicharts2's ``freeze`` always counts from the first point).
    """
    if measure.baseline_end is None:
        return None
    count = sum(1 for month in months if month <= measure.baseline_end)
    return count or None


def analyse(measure, points: Sequence[SeriesPoint], *, kind: str | None = None) -> spc.ChartResult:
    """`spc.chart()` for a measure's series in its display unit (no figure)."""
    kind = kind or default_kind(measure)
    if kind not in kinds_for(measure):
        raise ValueError(f"Chart kind {kind!r} does not fit unit {measure.unit!r}")
    freeze = freeze_for(measure, [p.month for p in points])
    if measure.unit == Unit.MEAN and kind in ("xbar", "s"):
        sizes = [p.numerator for p in points]
        return spc.chart(kind, [p.value for p in points], sizes, sd=[p.sd for p in points], freeze=freeze)
    if measure.unit in (Unit.MEAN, Unit.EVENTS):  # i/run of the means; t/g of the event points' values
        return spc.chart(kind, [p.value for p in points], freeze=freeze)
    numerators = [p.numerator for p in points]
    denominators = [p.denominator for p in points] if measure.has_denominator else None
    return spc.chart(
        kind,
        numerators,
        denominators,
        freeze=freeze_for(measure, [p.month for p in points]),
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

    @property
    def deterioration(self) -> bool:
        return self.direction == spc.DETERIORATION


def chart_for_measure(
    measure,
    *,
    months: Sequence[dt.date],
    values: Iterable | None,
    actions: Iterable = (),
    kind: str | None = None,
    events: Iterable | None = None,
    bands: Iterable = (),
) -> MeasureChart:
    """Series, analysis, Danish sentence, signal direction and plotly figure for one measure.

    `values`: the measure's stored values (see `monthly_series`); `actions`: the initiative's actions (objects with
    ``date`` and ``text``); those outside the charted months are left out. `kind` must be one of `kinds_for()`.
    `events`: a rare-event measure's events (RareEvent objects or ``(date, opportunities)``); without them its
    ``events`` are read (prefetch them to avoid a query per measure). Its T/G chart has one point per event.
    `bands`: periods to shade (PDSA cycles), plain objects with ``start``, ``end`` (dates) and ``label``.
    """
    months = list(months)
    kind = kind or default_kind(measure)
    if measure.unit == Unit.EVENTS:
        points = event_series(measure, months=months, events=events, kind=kind)
    else:
        points = monthly_series(measure, months=months, values=values)
    result = analyse(measure, points, kind=kind)
    return MeasureChart(
        measure=measure,
        kind=kind,
        kinds=kinds_for(measure),
        points=points,
        result=result,
        sentence=spc.describe(result),
        direction=signal_direction(measure, result),
        figure=build_figure(measure, points=points, result=result, actions=actions, bands=bands),
    )


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
    bands: Iterable = (),
) -> dict:
    """The plotly figure as a plain dict (data + layout), ready for `json_script`.

    `bands`: periods drawn as shaded vertical strips with a label (PDSA cycles), each with ``start``, ``end`` and
    ``label``; the pages above `measurements` pass them in as plain data."""
    months = [p.month for p in points]
    x = [m.isoformat() for m in months]
    labels = [plotly_text(format_month(m, "N Y")) for m in months]
    number_format, suffix = _value_format(measure)
    is_run = result.kind == "run"
    runs_signal = result.runs_signal
    fig = _Figure()

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

    shapes, annotations = _action_marks(fig, months=months, result=result, target=target, actions=actions)
    band_shapes, band_annotations = _band_marks(months=months, bands=bands)
    shapes, annotations = band_shapes + shapes, band_annotations + annotations
    fig.update_layout(
        separators=",.",
        margin={"l": 56, "r": 16, "t": 40 if annotations else 16, "b": 8},
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
            "tickvals": _every_kth(x),
            "ticktext": [tick_label(m) for m in _every_kth(months)],
            "showgrid": False,
            "automargin": True,
            "linecolor": "#d8dde6",
            "range": _x_range(months),
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


def _every_kth(items: list) -> list:
    step = max(1, -(-len(items) // MAX_TICKS))
    return items[::step]


def _x_range(months: list[dt.date]) -> list[str] | None:
    if not months:
        return None
    start = months[0] - dt.timedelta(days=15)
    end = months[-1] + dt.timedelta(days=15)
    return [start.isoformat(), end.isoformat()]


def _action_marks(fig, *, months, result, target, actions) -> tuple[list[dict], list[dict]]:
    """Vertical line + labelled marker per action within the charted months (hover shows the full text)."""
    if not months:
        return [], []
    first, last = months[0], months[-1]
    shown = [a for a in actions if first <= a.date.replace(day=1) <= last]
    if not shown:
        return [], []
    heights = [p.y for p in result.points if p.y is not None]
    heights += [p.ucl for p in result.points if p.ucl is not None]
    if target is not None:
        heights.append(target)
    top = max(heights) if heights else 1.0
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
            "yshift": 2 + 15 * (index % 2),
            "text": plotly_text(_short(a.text)),
            "showarrow": False,
            "font": {"color": COLOURS["action"], "size": 11},
        }
        for index, a in enumerate(shown)
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
