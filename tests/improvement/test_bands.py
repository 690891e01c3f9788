"""PDSA periods on the charts: `build_figure(bands=…)` shades each cycle's period with its label, as plain data."""

import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace

import plotly.graph_objects as go

from core.months import month_range
from measurements import charts
from measurements.models import Measure, Unit

MONTHS = month_range(dt.date(2026, 1, 1), dt.date(2026, 10, 1))


def _chart(bands):
    measure = Measure(name="Andel", unit=Unit.PROPORTION, rate_per=1, target=Decimal("20"), direction="lower")
    values = [(month, 30 - index, 100) for index, month in enumerate(MONTHS)]
    actions = [SimpleNamespace(date=dt.date(2026, 4, 1), text="Tjekliste indført")]
    return charts.chart_for_measure(measure, months=MONTHS, values=values, actions=actions, bands=bands)


def test_a_band_is_a_shaded_strip_with_its_label_next_to_the_tiltag_marker():
    band = SimpleNamespace(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), label="PDSA: Tjekliste <b>1</b>")
    figure = json.loads(json.dumps(_chart([band]).figure))
    rects = [shape for shape in figure["layout"]["shapes"] if shape["type"] == "rect"]
    assert [(r["x0"], r["x1"], r["layer"]) for r in rects] == [("2026-03-01", "2026-03-31", "below")]
    texts = [a["text"] for a in figure["layout"]["annotations"]]
    assert "PDSA: Tjekliste &lt;b&gt;1&lt;/b&gt;" in texts
    assert "Tjekliste indført" in texts  # the tiltag is still marked
    back = go.Figure(figure).to_plotly_json()
    back["layout"].pop("template", None)
    assert json.dumps(back, sort_keys=True) == json.dumps(figure, sort_keys=True)


def test_bands_outside_the_charted_months_are_left_out_and_long_ones_clipped():
    before = SimpleNamespace(start=dt.date(2025, 1, 1), end=dt.date(2025, 2, 1), label="Gammel")
    across = SimpleNamespace(start=dt.date(2025, 12, 1), end=dt.date(2026, 2, 10), label="Over nytår")
    figure = _chart([before, across]).figure
    rects = [shape for shape in figure["layout"]["shapes"] if shape["type"] == "rect"]
    assert [(r["x0"], r["x1"]) for r in rects] == [("2026-01-01", "2026-02-10")]
