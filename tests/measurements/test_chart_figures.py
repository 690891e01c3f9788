"""The figures are built as plain dicts (plotly's graph objects cost ~0.1 s per chart): plotly must accept each one
and give it back unchanged, for every chart type, with gaps, signals, target and actions."""

import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace

import plotly.graph_objects as go
import pytest

from core.months import month_range, short_month_label
from measurements import charts
from measurements.models import Measure, Unit

MONTHS = month_range(dt.date(2017, 1, 1), dt.date(2026, 10, 1))  # 118 months
SHIFT = [30 + (i % 5) for i in range(80)] + [None, None] + [15 + (i % 4) for i in range(36)]


def _plotly_round_trip(figure: dict) -> dict:
    back = go.Figure(figure).to_plotly_json()  # raises on any property plotly does not know
    back["layout"].pop("template", None)
    return back


@pytest.mark.parametrize(
    "unit,rate_per,kind",
    [
        (Unit.PROPORTION, 1, None),
        (Unit.PROPORTION, 1, "run"),
        (Unit.RATE, 1000, None),
        (Unit.RATE, 1, None),
        (Unit.COUNT, 1, None),
        (Unit.COUNT, 1, "i"),
    ],
)
@pytest.mark.parametrize("with_extras", [True, False])
def test_plotly_accepts_every_figure_unchanged(unit, rate_per, kind, with_extras):
    measure = Measure(
        name="Andel med kateter",
        unit=unit,
        rate_per=rate_per,
        target=Decimal("20.00") if with_extras else None,
        direction="lower",
    )
    denominator = None if unit == Unit.COUNT else 100
    values = [(m, n, denominator) for m, n in zip(MONTHS, SHIFT, strict=True) if n is not None]
    actions = [SimpleNamespace(date=dt.date(2023, 9, 10), text="Ny instruks")] if with_extras else []
    phases = (
        charts.Phases(
            freeze=charts.Mark(dt.date(2019, 12, 1), "Baseline"),
            splits=(charts.Mark(dt.date(2022, 6, 1), "Ny instruks"),),
            excludes=(charts.Mark(dt.date(2021, 3, 1), "IT-nedbrud"),),
            notes=(charts.Mark(dt.date(2021, 7, 1), "Sommerferie"),),
        )
        if with_extras
        else charts.NO_PHASES
    )
    chart = charts.chart_for_measure(measure, months=MONTHS, values=values, actions=actions, kind=kind, phases=phases)
    figure = json.loads(json.dumps(chart.figure))
    assert json.dumps(_plotly_round_trip(figure), sort_keys=True) == json.dumps(figure, sort_keys=True)
    if with_extras:
        assert figure["layout"]["shapes"] and figure["layout"]["annotations"]
        assert any(trace["name"] == "Signal" for trace in figure["data"])
    else:
        assert "shapes" not in figure["layout"]


def test_month_labels_follow_the_active_language():
    from django.utils import translation

    with translation.override("da"):
        danish = short_month_label(dt.date(2026, 5, 1))
    with translation.override("en"):
        english = short_month_label(dt.date(2026, 5, 1))
    assert danish == "maj 2026" and english.startswith("May")


def test_figure_json_is_exactly_what_json_script_writes():
    from django.utils.html import json_script

    measure = Measure(name="A < B & C", unit=Unit.PROPORTION, rate_per=1, direction="lower")
    actions = [SimpleNamespace(date=dt.date(2023, 9, 10), text="</script><b>tiltag & mere</b>")]
    values = [(m, 30, 100) for m in MONTHS]
    chart = charts.chart_for_measure(measure, months=MONTHS, values=values, actions=actions)
    assert str(json_script(chart.figure, "x")) == f'<script id="x" type="application/json">{chart.figure_json}</script>'
    assert "</script>" not in chart.figure_json
