"""Issue 16 (everyday use) in a real Chromium: focus after Gem, the skip link to the first field.

Screenshots of the pages changed here are written to the repository's ignored `screenshots/` folder by the
`screenshot` fixture.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.months import last_complete_month
from measurements.models import Measure, Measurement

SLOW = 15_000
MEASURE = "ORT-MED-01"  # proportion, whole department


@pytest.fixture
def open_last_month(demo_data, settings):
    settings.VAELGKLOGT_LOCK_DAYS = 31
    month = last_complete_month(timezone.localdate())
    Measurement.objects.filter(measure__code=MEASURE, month=month).delete()
    return month


def _focused_id(page):
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def _focused_row(page):
    return page.evaluate("() => { const t = document.activeElement.closest('tbody'); return t && t.id; }")


def test_focus_returns_to_the_saved_row_after_enter_and_after_a_click(
    open_last_month, login, page, screenshot, live_server
):
    key = f"{open_last_month:%Y-%m}"
    measure = Measure.objects.get(code=MEASURE)
    login("noegle")
    page.goto(f"{live_server.url}/maalinger/{measure.pk}/")
    page.wait_for_selector("#entry-chart[data-chart-drawn]")

    # Keyboard: Enter in the comment saves the row; focus stays on that field of the new row.
    page.fill(f"#n-{key}-0", "30")
    page.fill(f"#d-{key}-0", "120")
    page.locator(f"#c-{key}-0").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#month-{key} .row-status")).to_contain_text("Gemt", timeout=SLOW)
    page.wait_for_function(f"() => document.activeElement && document.activeElement.id === 'c-{key}-0'")
    assert _focused_row(page) == f"month-{key}"

    # Mouse: a click on Gem; focus returns to that row's Gem button, not to the page top.
    page.fill(f"#n-{key}-0", "31")
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.locator(f"#month-{key} button.save").click()
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('button.save')")
    assert _focused_row(page) == f"month-{key}"
    assert Measurement.objects.get(measure=measure, month=open_last_month).numerator == 31

    # An error: focus goes to the field that needs correcting.
    page.fill(f"#n-{key}-0", "130")
    page.locator(f"#month-{key} button.save").click()
    expect(page.locator(f"#n-{key}-0")).to_have_attribute("aria-invalid", "true", timeout=SLOW)
    page.wait_for_function(f"() => document.activeElement && document.activeElement.id === 'n-{key}-0'")
    screenshot("everyday-entry-focus")
    assert page.console_errors == []


def test_skip_link_goes_to_the_first_field(open_last_month, login, page, live_server):
    measure = Measure.objects.get(code=MEASURE)
    login("noegle")
    page.goto(f"{live_server.url}/maalinger/{measure.pk}/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Spring til første felt"
    page.keyboard.press("Enter")
    current = timezone.localdate().replace(day=1)
    page.wait_for_function(f"() => document.activeElement.id === 'n-{current:%Y-%m}-0'")
    assert _focused_id(page) == f"n-{current:%Y-%m}-0"
