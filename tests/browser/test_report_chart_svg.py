"""Report charts: the SVG without its empty groups (reports.documents.render.drop_empty_groups) is the same picture
in Chromium, pixel for pixel, with a third fewer groups for WeasyPrint to walk."""

import shutil

import pytest

from reports.documents import render


@pytest.mark.skipif(not shutil.which("chromium"), reason="Chromium is not installed")
def test_a_real_chart_without_its_empty_groups_draws_the_same_picture(browser):
    figure = {
        "data": [{"type": "scatter", "mode": "lines+markers", "x": list(range(24)), "y": [n % 5 for n in range(24)]}],
        "layout": {"title": {"text": "Andel"}, "width": 600, "height": 300},
    }
    with render.ChartSession() as session:
        [svg] = session.svgs([figure])
    smaller = render.drop_empty_groups(svg)
    assert smaller.count("<g") < svg.count("<g") * 0.8
    page = browser.new_page(viewport={"width": 600, "height": 300})
    shots = []
    for picture in (svg, smaller):
        page.set_content(f'<body style="margin:0">{picture}</body>')
        shots.append(page.screenshot())
    page.close()
    assert shots[0] == shots[1]
