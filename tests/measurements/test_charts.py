import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest

from core.months import month_range
from measurements import charts
from measurements.models import Measure, Unit

MONTHS = month_range(dt.date(2025, 1, 1), dt.date(2026, 8, 1))  # 20 months


def _measure(unit=Unit.PROPORTION, *, rate_per=1, target=None, direction="lower"):
    return Measure(name="Andel med kateter", unit=unit, rate_per=rate_per, target=target, direction=direction)


def _frozen(month):
    return charts.Phases(freeze=charts.Mark(month, "Baseline"))


def _values(numerators, denominator=100, months=MONTHS):
    return [(m, n, denominator) for m, n in zip(months, numerators, strict=True) if n is not None]


def _traces(chart):
    return {trace["name"]: trace for trace in chart.figure["data"]}


STABLE = [30, 32, 29, 31, 30, 33, 28, 30, 31, 29, 32, 30, 31, 29, 30, 32, 28, 31, 30, 29]
SHIFT_DOWN = [30, 32, 29, 31, 30, 33, 28, 30, 31, 29, 15, 14, 16, 13, 15, 14, 12, 15, 14, 13]


@pytest.mark.parametrize(
    "unit,rate_per,denominator,expected_kind",
    [(Unit.PROPORTION, 1, 100, "p"), (Unit.RATE, 1000, 1800, "u"), (Unit.COUNT, 1, None, "c")],
)
def test_chart_kind_follows_unit_and_run_can_be_forced(unit, rate_per, denominator, expected_kind):
    measure = _measure(unit, rate_per=rate_per)
    values = _values(STABLE, denominator)
    assert charts.chart_for_measure(measure, months=MONTHS, values=values).kind == expected_kind
    measure.chart_kind = "run"  # the team's saved choice
    assert charts.chart_for_measure(measure, months=MONTHS, values=values).kind == "run"
    forced = charts.chart_for_measure(measure, months=MONTHS, values=values, kind="run")
    assert forced.kind == "run"
    assert "Median" in _traces(forced)
    assert "Kontrolgrænser" not in _traces(forced)


def test_chart_rejects_kind_that_does_not_fit_unit():
    with pytest.raises(ValueError):
        charts.chart_for_measure(_measure(Unit.COUNT), months=MONTHS, values=_values(STABLE, None), kind="p")


def test_p_chart_in_percent_with_limits_target_and_actions():
    measure = _measure(target=Decimal("20.00"))
    actions = [SimpleNamespace(date=dt.date(2025, 10, 10), text="Ny instruks om kateter")]
    chart = charts.chart_for_measure(measure, months=MONTHS, values=_values(STABLE), actions=actions)
    traces = _traces(chart)
    assert {"Måling", "Centerlinje", "Kontrolgrænser", "Mål", "Tiltag"} <= set(traces)
    assert traces["Måling"]["y"][0] == pytest.approx(30.0)  # percent, not a fraction
    assert traces["Mål"]["y"] == [20.0, 20.0]
    assert traces["Tiltag"]["x"] == ["2025-10-10"]
    assert traces["Tiltag"]["customdata"][0][1] == "Ny instruks om kateter"
    limits = [t for t in chart.figure["data"] if t.get("legendgroup") == "limits"]
    assert len(limits) == 2 and all(v is not None for v in limits[0]["y"])
    layout = chart.figure["layout"]
    assert layout["shapes"][0]["x0"] == "2025-10-10"  # vertical line at the action
    assert "Ny instruks" in layout["annotations"][0]["text"]
    assert layout["separators"] == ",."
    json.dumps(chart.figure)  # serialisable for json_script


def test_rate_chart_is_per_rate_per():
    chart = charts.chart_for_measure(_measure(Unit.RATE, rate_per=1000), months=MONTHS, values=_values(STABLE, 5000))
    assert _traces(chart)["Måling"]["y"][0] == pytest.approx(6.0)  # 30 per 5000 → 6 per 1000
    assert chart.figure["layout"]["yaxis"]["title"]["text"] == "pr. 1.000"


def test_missing_months_are_gaps():
    numerators = list(STABLE)
    numerators[4] = None
    chart = charts.chart_for_measure(_measure(), months=MONTHS, values=_values(numerators))
    data = _traces(chart)["Måling"]
    assert data["y"][4] is None and data["connectgaps"] is False
    assert len(data["x"]) == len(MONTHS)


def test_stable_process_has_no_signal_trace_and_says_so():
    chart = charts.chart_for_measure(_measure(), months=MONTHS, values=_values(STABLE))
    assert "Signal" not in _traces(chart)
    assert chart.direction is None
    assert chart.sentence.startswith("Ingen tegn på ikke-tilfældig variation")


def test_shift_is_marked_as_signal_points_and_direction_uses_measure_direction():
    lower_better = charts.chart_for_measure(
        _measure(), months=MONTHS, values=_values(SHIFT_DOWN), phases=_frozen(MONTHS[9]), kind="run"
    )
    signal = _traces(lower_better)["Signal"]
    assert signal["x"] == [m.isoformat() for m in MONTHS[9:]]  # the eleven points of the long run under the median
    assert lower_better.sentence.startswith("Ikke-tilfældig variation: usædvanligt lang serie under medianen")
    assert lower_better.improvement and not lower_better.deterioration
    higher_better = charts.chart_for_measure(
        _measure(direction="higher"), months=MONTHS, values=_values(SHIFT_DOWN), phases=_frozen(MONTHS[9]), kind="run"
    )
    assert higher_better.deterioration


def test_baseline_freezes_centre_line():
    chart = charts.chart_for_measure(_measure(), months=MONTHS, values=_values(SHIFT_DOWN), phases=_frozen(MONTHS[9]))
    assert chart.result.freeze == 10
    centre = _traces(chart)["Centerlinje"]["y"]
    assert centre[0] == pytest.approx(sum(SHIFT_DOWN[:10]) / 10)  # p̄ of the baseline only, in percent
    assert centre[-1] == centre[0]


def test_points_outside_limits_are_marked():
    numerators = list(STABLE)
    numerators[15] = 70
    chart = charts.chart_for_measure(_measure(), months=MONTHS, values=_values(numerators), phases=_frozen(MONTHS[9]))
    assert _traces(chart)["Signal"]["x"] == [MONTHS[15].isoformat()]
    assert "uden for kontrolgrænserne" in chart.sentence


def test_danish_month_tick_labels_thinned_on_long_series():
    long_months = month_range(dt.date(2016, 1, 1), dt.date(2025, 12, 1))  # 120 months
    chart = charts.chart_for_measure(_measure(), months=long_months, values=[])
    xaxis = chart.figure["layout"]["xaxis"]
    assert len(xaxis["ticktext"]) <= charts.MAX_TICKS
    assert xaxis["ticktext"][0] == "jan.<br>2016"
    short = charts.chart_for_measure(_measure(), months=MONTHS[2:6], values=[])
    assert short.figure["layout"]["xaxis"]["ticktext"] == [
        "marts<br>2025",
        "april<br>2025",
        "maj<br>2025",
        "juni<br>2025",
    ]
    assert short.figure["data"][-1]["customdata"][0][0] == "marts 2025"  # hover label of the first point


def test_latest_value_against_target_respects_direction():
    values = _values(STABLE)
    lower = charts.chart_for_measure(_measure(target=35), months=MONTHS, values=values)
    assert lower.latest.month == MONTHS[-1] and lower.meets_target is True
    higher = charts.chart_for_measure(_measure(target=35, direction="higher"), months=MONTHS, values=values)
    assert higher.meets_target is False
    assert charts.chart_for_measure(_measure(), months=MONTHS, values=values).meets_target is None


def test_empty_chart_builds_and_says_too_few_points():
    chart = charts.chart_for_measure(_measure(), months=MONTHS, values=[])
    assert chart.latest is None
    assert chart.sentence.startswith("For få datapunkter")
    json.dumps(chart.figure)


def test_chart_include_renders_plot_div_figure_json_and_sentence():
    from django.template.loader import render_to_string

    chart = charts.chart_for_measure(_measure(), months=MONTHS, values=_values(STABLE))
    html = render_to_string("measurements/_chart.html", {"chart": chart, "chart_id": "chart-7"})
    assert 'id="chart-7"' in html and 'data-chart-source="chart-7-data"' in html
    assert '<script id="chart-7-data" type="application/json">' in html
    assert "Ingen tegn på ikke-tilfældig variation" in html
    assert "<script>" not in html and "style=" not in html
