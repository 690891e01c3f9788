"""Issue 16 (everyday use) in a real Chromium: focus after Gem, the skip link to the first field.

Screenshots of the pages changed here are written to the repository's ignored `screenshots/` folder by the
`screenshot` fixture.
"""

import datetime as dt

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


def _htmx_idle(page):
    """Nothing htmx is requesting, swapping or settling: the next keystroke or click acts on the swapped-in row (the
    chart panel reloads after every save too)."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


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
    _htmx_idle(page)
    page.wait_for_selector("#entry-chart[data-chart-drawn]")
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


# --- the ward screen (issue 16.7) -----------------------------------------------------------------------------------


@pytest.fixture
def ward_screen(transactional_db, live_server, monkeypatch):
    """A department with `n` measures and a board link; the pages rotate every second so the test need not wait."""
    from dashboards import views
    from departments.services import board_link_create
    from tests.dashboards.test_views import _fill
    from tests.factories import DepartmentFactory, HospitalFactory, UserFactory

    monkeypatch.setattr(views, "BOARD_ROTATE_SECONDS", 1)

    def make(n):
        department = DepartmentFactory(code=f"d{n}", name="Ortopædkirurgisk Afdeling", hospitals=[HospitalFactory()])
        _fill(department, measures=n, months=14)
        today = timezone.localdate()
        _link, token = board_link_create(
            department=department,
            label="Gangen",
            expires_on=today + dt.timedelta(days=30),
            by=UserFactory(),
            today=today,
        )
        return f"{live_server.url}/tavle/{token}/"

    return make


def _board_fits(page):
    return page.evaluate(
        """() => {
            const vw = window.innerWidth, vh = window.innerHeight;
            const scroll = document.scrollingElement;
            const shown = [...document.querySelectorAll('[data-board-page]:not([hidden]) .chart')];
            return {
                scrolls: scroll.scrollHeight > vh + 1 || scroll.scrollWidth > vw + 1,
                charts: shown.length,
                outside: shown.filter(c => { const r = c.getBoundingClientRect();
                    return r.top < 0 || r.left < 0 || r.bottom > vh + 1 || r.right > vw + 1 || r.height < 150; }).length,
                mains: document.querySelectorAll('main').length,
                smallest: Math.min(...[...document.querySelectorAll('#board h1, #board h2, #board p, #board span, #board li, #board button')]
                    .filter(e => e.offsetParent && e.textContent.trim()).map(e => parseFloat(getComputedStyle(e).fontSize))),
            };
        }"""
    )


@pytest.mark.parametrize("measures", [1, 3, 4, 6])
def test_board_fits_1920x1080_whatever_the_number_of_measures(ward_screen, browser, measures):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="da-DK")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(ward_screen(measures))
    page.wait_for_selector("[data-board-page]:not([hidden]) .chart[data-chart-drawn]")
    fit = _board_fits(page)
    assert fit["scrolls"] is False
    assert fit["charts"] == min(measures, 4) and fit["outside"] == 0
    assert fit["mains"] == 1
    assert fit["smallest"] >= 22  # read from 3 m
    page.screenshot(path=f"/tmp/everyday-shots/board-1920-{measures}.png")
    if measures > 4:
        # Pages rotate; the visible pause control stops them (WCAG 2.2.2).
        page.wait_for_function("() => document.querySelector('[data-page-number]').textContent === '2'")
        fit = _board_fits(page)
        assert fit["charts"] == 2 and fit["outside"] == 0 and fit["scrolls"] is False
        pause = page.get_by_role("button", name="Pause")
        pause.click()
        expect(page.locator(".board-pause")).to_have_attribute("aria-pressed", "true")
        expect(page.locator(".board-pause")).to_have_text("Fortsæt")
        shown = page.evaluate("() => document.querySelector('[data-page-number]').textContent")
        page.wait_for_timeout(2500)  # two rotation periods pass while paused
        assert page.evaluate("() => document.querySelector('[data-page-number]').textContent") == shown
        page.screenshot(path=f"/tmp/everyday-shots/board-1920-{measures}-page2.png")
    assert errors == []
    context.close()


# --- the phone (issue 16.8) -----------------------------------------------------------------------------------------

#: Elements wider than the viewport, or reaching past it, outside a container that scrolls by itself (a table's).
TOO_WIDE = """() => {
    const vw = document.documentElement.clientWidth;
    const scrollsItself = el => { for (let p = el.parentElement; p; p = p.parentElement) {
        const s = getComputedStyle(p); if (s.overflowX === 'auto' || s.overflowX === 'scroll') return true; } return false; };
    const wide = [...document.querySelectorAll('body *')].filter(el => {
        if (el.ownerSVGElement) return false;  // drawn inside an <svg>, which clips it: the <svg> itself is checked
        const r = el.getBoundingClientRect();
        if (!r.width || getComputedStyle(el).visibility === 'hidden') return false;
        return (r.right > vw + 1 || r.left < -1) && !scrollsItself(el)
            && !el.closest('.skip-link, .visually-hidden, #js-plotly-tester');
    });
    return { page: document.scrollingElement.scrollWidth, viewport: vw,
             wide: wide.slice(0, 8).map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().width)) };
}"""


def _phone_pages(live_server):
    from departments.models import Department
    from measurements.models import Measure

    home = Department.objects.get(code="ort")
    measure = Measure.objects.filter(initiative__department=home).order_by("pk").first()
    return {
        "start": f"{live_server.url}/",
        "mine": f"{live_server.url}/maalinger/",
        "entry": f"{live_server.url}/maalinger/{measure.pk}/",
        "department": f"{live_server.url}/afdelinger/{home.pk}/",
    }


@pytest.mark.parametrize("username", ["noegle", "leder"])
def test_no_horizontal_scrolling_at_390_px(demo_data, browser, live_server, username):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="da-DK", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    problems = []
    for name, url in _phone_pages(live_server).items():
        page.goto(url)
        page.wait_for_load_state("networkidle")
        result = page.evaluate(TOO_WIDE)
        page.screenshot(path=f"/tmp/everyday-shots/phone-{username}-{name}.png", full_page=True)
        if result["page"] > result["viewport"] or result["wide"]:
            problems.append(f"{name}: {result}")
    context.close()
    assert problems == []
