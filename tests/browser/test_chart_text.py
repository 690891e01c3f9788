"""Text in charts is text (issue 18, finding 3), in Chromium: a tiltag written as a link, bold text and a style is
drawn as the characters typed, on the chart and in its hover label. The figure JSON: tests/trust/test_chart_text.py."""

import pytest
from django.urls import reverse

from tests.trust.hostile_chart import LINK, measure_with_hostile_actions


@pytest.fixture
def hostile(transactional_db, home):
    return measure_with_hostile_actions(home)


def test_chromium_draws_the_tiltag_as_text_not_as_a_link(live_server, hostile, noegle, login, page, screenshot):
    measure, _months = hostile
    login("noegle", password="pw")

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
    screenshot("chart-tiltag-text")

    assert chart.locator("a").count() == 0
    assert chart.locator("[style*='color:red'], [style*='color: red']").count() == 0
    assert LINK in chart.locator(".annotation-text").all_text_contents()
    assert LINK in chart.locator(".hoverlayer").text_content()
    assert page.console_errors == []
