"""Text in charts is text (issue 18, finding 3): plotly.js draws a subset of HTML in every text of a figure, so a
tiltag written as a link must be drawn as the characters typed, in the figure JSON and in Chromium."""

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from measurements import charts
from measurements.models import Unit
from measurements.periods import add_months, last_complete_month, month_range
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories import ActionFactory, InitiativeFactory, MeasureFactory, MeasurementFactory

LINK = '<a href="//evil.example/">Se</a>'
MARKUP = '<b>fed</b><br><span style="color:red">rød</span> & co'
#: The figure's own markup: month over year in tick labels, the value in bold, plotly's <extra> box.
OWN_MARKUP = re.compile(r"</?b>|<br>|</?extra>")


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)


@pytest.fixture
def measure_with_hostile_actions(home):
    initiative = InitiativeFactory(department=home, year=2026)
    measure = MeasureFactory(
        initiative=initiative, code="ORT-ESC", unit=Unit.PROPORTION, start_month=dt.date(2025, 1, 1), target=20
    )
    last = last_complete_month(timezone.localdate())
    months = month_range(add_months(last, -11), last)
    for index, month in enumerate(months):
        MeasurementFactory(measure=measure, month=month, numerator=10 + index % 4, denominator=40)
    ActionFactory(initiative=initiative, date=months[6].replace(day=3), text=LINK)
    ActionFactory(initiative=initiative, date=months[6].replace(day=20), text=MARKUP)
    return measure, months


def figure_for(measure, months):
    return charts.chart_for_measure(
        measure,
        months=months,
        values=list(measure.measurements.all()),
        actions=list(measure.initiative.actions.all()),
    )


def test_plotly_text_escapes_what_plotly_would_read_as_markup():
    assert charts.plotly_text(LINK) == '&lt;a href="//evil.example/"&gt;Se&lt;/a&gt;'
    assert charts.plotly_text("A & B &amp; <br>") == "A &amp; B &amp;amp; &lt;br&gt;"
    assert charts.plotly_text("Ikke-tilfældig variation") == "Ikke-tilfældig variation"


def test_figure_json_holds_tiltag_text_only_escaped(measure_with_hostile_actions):
    measure, months = measure_with_hostile_actions

    chart = figure_for(measure, months)

    figure = json.loads(json.dumps(chart.figure))
    texts = list(strings_in(figure))
    # No markup anywhere but the figure's own: no link, no span, no style from the tiltag.
    leftover = [text for text in texts if "<" in OWN_MARKUP.sub("", text)]
    assert leftover == []
    tiltag = next(trace for trace in figure["data"] if trace["name"] == "Tiltag")
    assert [row[1] for row in tiltag["customdata"]] == [charts.plotly_text(LINK), charts.plotly_text(MARKUP)]
    assert [note["text"] for note in figure["layout"]["annotations"]] == [
        charts.plotly_text(LINK),
        charts.plotly_text(charts._short(MARKUP)),
    ]
    # What the page embeds (json_script escaping on top) still parses to the same figure.
    assert json.loads(str(chart.figure_json)) == figure


@pytest.mark.browser
def test_chromium_draws_the_tiltag_as_text_not_as_a_link(
    transactional_db, live_server, measure_with_hostile_actions, noegle, tmp_path
):
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    measure, _months = measure_with_hostile_actions
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="da-DK")
            page.set_default_timeout(20_000)
            page.goto(f"{live_server.url}{reverse('login')}")
            page.fill("#id_username", "noegle")
            page.fill("#id_password", "pw")
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")

            page.goto(f"{live_server.url}{reverse('measurements:entry', args=[measure.pk])}")
            chart = page.locator("#entry-chart[data-chart-drawn]")
            chart.wait_for()
            # Hover the first tiltag marker, so its hover label is drawn too.
            page.evaluate(
                """() => {
                    const gd = document.getElementById('entry-chart');
                    const curve = gd.data.findIndex(t => t.name === 'Tiltag');
                    Plotly.Fx.hover(gd, [{curveNumber: curve, pointNumber: 0}]);
                }"""
            )
            page.wait_for_selector("#entry-chart .hoverlayer .hovertext")
            page.screenshot(path=str(tmp_path / "chart-text.png"))

            assert chart.locator("a").count() == 0
            assert chart.locator("[style*='color:red'], [style*='color: red']").count() == 0
            annotations = chart.locator(".annotation-text").all_text_contents()
            assert LINK in annotations
            hover = chart.locator(".hoverlayer").text_content()
            assert LINK in hover
            assert "evil.example" not in (chart.locator("a").evaluate_all("els => els.map(e => e.href).join()"))
        finally:
            browser.close()
