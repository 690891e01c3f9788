"""Dates typed the Danish way in a browser whose language is English (issue 16, point 10).

The interface follows the browser's language (English here); the date format does not: 15.12.2026 in any language.
"""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from initiatives.models import Meeting

from .conftest import SCREENSHOTS

ACCEPTED = ["15.12.2026", "5.3.26", "15-12-2026", "15/12/2026", "15,12,2026", "15122026", "15. december 2026"]
REFUSED_BY_PATTERN = ["i går", "15.12", "12/15/2026x"]


@pytest.fixture
def english_page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="en-US", timezone_id="America/New_York"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_kdk_types_a_danish_date_in_an_english_browser_and_reads_danish_errors(demo_data, english_page, live_server):
    page = english_page
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "kdk")
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.goto(live_server.url + reverse("initiatives:meetings"))
    field = page.locator("#id_date")
    assert field.get_attribute("type") == "text"
    expect(page.locator("#id_date_format")).to_have_text("E.g. 15.12.2026")

    # Chromium compiles the pattern (an invalid one would be ignored with a console error) and agrees with the server.
    validity = page.evaluate(
        """([good, bad]) => {
            const input = document.getElementById('id_date');
            const check = (text) => { input.value = text; return input.validity.patternMismatch; };
            return {good: good.map(check), bad: bad.map(check)};
        }""",
        [ACCEPTED, REFUSED_BY_PATTERN],
    )
    assert validity == {"good": [False] * len(ACCEPTED), "bad": [True] * len(REFUSED_BY_PATTERN)}

    before = Meeting.objects.count()
    field.fill("31.02.2027")
    page.locator("form.form-card button[type=submit]").click()
    expect(page.locator("#id_date_error")).to_have_text("February 2027 has only 28 days.")
    assert field.get_attribute("aria-describedby") == "id_date_format id_date_error"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dates-english-390-error.png"), full_page=True)
    assert field.input_value() == "31.02.2027"  # what was typed is kept
    assert Meeting.objects.count() == before

    field.fill("9.3.2027")
    page.locator("form.form-card button[type=submit]").click()
    expect(page.locator(".message")).to_be_visible()
    assert Meeting.objects.filter(date=dt.date(2027, 3, 9)).count() == 1
    assert Meeting.objects.count() == before + 1
