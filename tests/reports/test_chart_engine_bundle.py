"""The report's chart engine draws with the pages' partial plotly.js bundle (a quarter of the full bundle that
kaleido reloads after every chart): the same SVG as with plotly.py's full bundle, for a chart with everything our
charts use — phases, an exclusion, a note, a tiltag, a PDSA band, a target and signals."""

import datetime as dt
import re
import shutil
from decimal import Decimal
from types import SimpleNamespace

import pytest

from core.months import month_range
from measurements import charts
from measurements.models import Measure, Unit
from reports.documents import render

MONTHS = month_range(dt.date(2017, 1, 1), dt.date(2026, 10, 1))
SHIFT = [30 + (i % 5) for i in range(80)] + [None, None] + [15 + (i % 4) for i in range(36)]


def _figures():
    measure = Measure(name="Andel med kateter", unit=Unit.PROPORTION, target=Decimal("20.00"), direction="lower")
    values = [(m, n, 100) for m, n in zip(MONTHS, SHIFT, strict=True) if n is not None]
    phases = charts.Phases(
        freeze=charts.Mark(dt.date(2019, 12, 1), "Baseline"),
        splits=(charts.Mark(dt.date(2022, 6, 1), "Ny instruks"),),
        excludes=(charts.Mark(dt.date(2021, 3, 1), "IT-nedbrud"),),
        notes=(charts.Mark(dt.date(2021, 7, 1), "Sommerferie"),),
    )
    extras = {
        "actions": [SimpleNamespace(date=dt.date(2023, 9, 10), text="Ny instruks")],
        "bands": [SimpleNamespace(start=dt.date(2024, 3, 1), end=dt.date(2024, 4, 30), label="PDSA 1")],
        "phases": phases,
    }
    return [
        charts.chart_for_measure(measure, months=MONTHS, values=values, kind=kind, **extras).figure
        for kind in ("p", "run")
    ]


def _without_random_ids(svg: str) -> str:
    """plotly names each drawing's clip paths and traces with random ids."""
    uid = re.search(r'id="defs-([0-9a-f]+)"', svg).group(1)
    return re.sub(r"trace[0-9a-f]{6}\b", "trace", svg.replace(uid, "uid"))


@pytest.mark.skipif(not shutil.which("chromium"), reason="Chromium is not installed")
def test_the_partial_bundle_draws_the_same_svg_as_the_full_one(monkeypatch):
    figures = _figures()
    assert render.PLOTLY_JS.name.startswith("plotly-basic-") and render.PLOTLY_JS.is_file()
    with render.ChartSession() as session:
        partial = session.svgs(figures)
    monkeypatch.setattr(render, "PLOTLY_JS", None)  # kaleido's default: plotly.py's full bundle
    with render.ChartSession() as session:
        full = session.svgs(figures)
    assert all("PDSA 1" in svg and "Ny fase: Ny instruks" in svg and "Udeladt af analysen" in svg for svg in partial)
    assert [_without_random_ids(svg) for svg in partial] == [_without_random_ids(svg) for svg in full]
