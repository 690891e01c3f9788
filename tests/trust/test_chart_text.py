"""Text in charts is text (issue 18, finding 3): plotly.js draws a subset of HTML in every text of a figure, so a
tiltag written as a link must be drawn as the characters typed: here in the figure JSON, in Chromium in
tests/browser/test_chart_text.py (which shares the browser of the other Chromium tests)."""

import json
import re

import pytest

from measurements import charts

from .hostile_chart import LINK, MARKUP, measure_with_hostile_actions


@pytest.fixture
def hostile(home):
    return measure_with_hostile_actions(home)


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


def test_figure_json_holds_tiltag_text_only_escaped(hostile):
    measure, months = hostile

    chart = figure_for(measure, months)

    figure = json.loads(json.dumps(chart.figure))
    texts = list(strings_in(figure))
    # No markup anywhere but the figure's own: no link, no span, no style from the tiltag.
    leftover = [text for text in texts if "<" in OWN_MARKUP.sub("", text)]
    assert leftover == []
    tiltag = next(trace for trace in figure["data"] if trace["name"] == "Tiltag")
    assert [row[1] for row in tiltag["customdata"]] == [charts.plotly_text(LINK), charts.plotly_text(MARKUP)]
    assert [note["text"] for note in figure["layout"]["annotations"]] == [
        charts.action_label(LINK),
        charts.action_label(MARKUP),
    ]
    # What the page embeds (json_script escaping on top) still parses to the same figure.
    assert json.loads(str(chart.figure_json)) == figure
