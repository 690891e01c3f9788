"""Report charts: plotly's one-path-per-point markers merged into one path per style run (the same picture, a
fraction of the SVG nodes WeasyPrint draws), and several charts drawn at once in the real chart engine."""

import re
import shutil

import pytest

from reports.documents import render

CIRCLE = "M3.5,0A3.5,3.5 0 1,1 0,-3.5A3.5,3.5 0 0,1 3.5,0Z"
BLUE = "opacity: 1; fill: rgb(0, 90, 140);"
PURPLE = "opacity: 1; fill: rgb(106, 61, 154);"


def marker(x, y, style=BLUE, d=CIRCLE):
    return f'<path class="point plotly-customdata" transform="translate({x},{y})" d="{d}" style="{style}"/>'


def test_a_run_of_same_style_markers_becomes_one_path_at_the_same_places():
    svg = f'<svg><g class="points">{marker(10, 20)}{marker(30.5, 40)}</g><text>Procent</text></svg>'
    merged = render.merge_markers(svg)
    assert merged.count("<path") == 1 and "<text>Procent</text>" in merged
    [d] = re.findall(r' d="([^"]*)"', merged)
    # Each circle moved by its own translate: start points (x + 3.5, y), arc ends included.
    assert (
        d == "M13.5 20A3.5 3.5 0 1 1 10 16.5A3.5 3.5 0 0 1 13.5 20ZM34 40A3.5 3.5 0 1 1 30.5 36.5A3.5 3.5 0 0 1 34 40Z"
    )
    assert f'style="{BLUE}"' in merged


def test_markers_of_another_style_keep_their_drawing_order():
    svg = "<g>" + marker(1, 1) + marker(2, 2, PURPLE, "M-6.93,-3H6.93L0,6Z") + marker(3, 3) + "</g>"
    merged = render.merge_markers(svg)
    styles = re.findall(r'style="([^"]*)"', merged)
    assert styles == [BLUE, PURPLE, BLUE]
    assert "M-4.93 -1H8.93L2 8Z" in merged  # the triangle moved by (2, 2)


def test_markers_it_cannot_move_exactly_are_left_as_they_are():
    relative = marker(5, 5, d="m0,0l1,1z")
    svg = "<g>" + marker(1, 1) + relative + "</g>"
    merged = render.merge_markers(svg)
    assert relative in merged and merged.count("<path") == 2


def test_empty_groups_go_and_groups_with_content_stay():
    svg = (
        '<svg><g class="layer-below"><g class="imagelayer"/><g class="shapelayer"></g></g>'
        '<g class="cartesianlayer"><g class="xy"><text>april 2026</text></g><g class="overplot">\n</g></g>'
        '<g class="infolayer"><g class="legend"/></g></svg>'
    )
    assert render.drop_empty_groups(svg) == (
        '<svg><g class="cartesianlayer"><g class="xy"><text>april 2026</text></g></g></svg>'
    )


@pytest.mark.skipif(not shutil.which("chromium"), reason="Chromium is not installed")
def test_the_engine_draws_several_charts_at_once_in_order(settings):
    settings.VAELGKLOGT_CHART_TABS = 2
    figures = [
        {"data": [{"type": "scatter", "x": [1, 2, 3], "y": [n, n + 1, n]}], "layout": {"title": {"text": f"Figur {n}"}}}
        for n in range(3)
    ]
    with render.ChartSession() as session:
        svgs = session.svgs(figures)
    assert [f"Figur {n}" in svg for n, svg in enumerate(svgs)] == [True, True, True]
    assert all(svg.startswith("<svg") for svg in svgs)
