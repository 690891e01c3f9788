"""Monthly entry in a real Chromium: the key person's journey, and the pages around it, with screenshots."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.months import last_complete_month
from measurements.locking import is_past_lock_date
from measurements.models import LockChange, Measure, Measurement

#: Saves build a chart on the server; on a busy two-core CI machine that can take longer than expect()'s 5 s.
SLOW = 15_000

MEASURE = "ORT-MED-01"  # proportion, whole department: "Andel medicinudleveringer sendt hjem"


@pytest.fixture
def open_last_month(demo_data, settings):
    """The last completed month is open for entry (as in the first two weeks of a month) and has no value yet."""
    settings.VAELGKLOGT_LOCK_DAYS = 31
    month = last_complete_month(timezone.localdate())
    Measurement.objects.filter(measure__code=MEASURE, month=month).delete()
    return month


def latest_plotted_value(page):
    return page.evaluate(
        """() => {
            const trace = document.getElementById('entry-chart').data.find(t => t.name === 'Måling');
            return trace.y[trace.y.length - 1];
        }"""
    )


def test_noegle_enters_a_month_with_the_keyboard_and_sees_the_chart_and_the_danish_message(
    open_last_month, login, page, screenshot, live_server
):
    month = open_last_month
    key = f"{month:%Y-%m}"
    login("noegle")
    page.get_by_role("link", name="Mine målinger").first.click()
    expect(page.locator("h1")).to_have_text("Mine målinger", timeout=SLOW)
    line = page.locator(".measure-line", has_text="Andel medicinudleveringer sendt hjem")
    expect(line).to_contain_text("mangler", timeout=SLOW)
    screenshot("entry-mine-maalinger")

    line.get_by_role("link", name=re.compile("^Indtast")).click()
    expect(page.locator("h1")).to_have_text("Andel medicinudleveringer sendt hjem", timeout=SLOW)
    page.wait_for_selector("#entry-chart[data-chart-drawn]")
    assert latest_plotted_value(page) is None  # the month is a gap in the chart
    screenshot("entry-grid-before")

    page.locator(f"#n-{key}-0").focus()
    page.keyboard.type("30")
    page.keyboard.press("Tab")
    page.keyboard.type("120")
    page.keyboard.press("Tab")
    page.keyboard.type("Talt i ambulatoriet")
    page.keyboard.press("Enter")

    row = page.locator(f"#month-{key}")
    expect(row.locator(".row-status")).to_contain_text("Gemt", timeout=SLOW)
    expect(page.locator(f"#n-{key}-0")).to_have_value("30", timeout=SLOW)
    page.wait_for_function(
        # The save swaps in a fresh chart div; until charts.js has drawn it, it has no plotly data yet.
        """() => { const el = document.getElementById('entry-chart');
                   if (!el || !el.data) return false;
                   const t = el.data.find(t => t.name === 'Måling');
                   return !!t && t.y[t.y.length - 1] !== null; }"""
    )
    assert latest_plotted_value(page) == pytest.approx(25.0)  # 30 of 120, in percent
    stored = Measurement.objects.get(measure__code=MEASURE, month=month)
    assert (stored.numerator, stored.denominator, stored.comment, stored.entered_by.username) == (
        30,
        120,
        "Talt i ambulatoriet",
        "noegle",
    )
    screenshot("entry-grid-saved")

    numerator = page.locator(f"#n-{key}-0")
    numerator.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("130")
    page.keyboard.press("Enter")

    message = row.locator(f"#n-{key}-0-error")
    expect(message).to_have_text("Tælleren (130) kan ikke være større end nævneren (120).", timeout=SLOW)
    expect(page.locator(f"#n-{key}-0")).to_have_attribute("aria-invalid", "true", timeout=SLOW)
    assert Measurement.objects.get(measure__code=MEASURE, month=month).numerator == 30
    screenshot("entry-grid-error")
    assert page.console_errors == []


def test_noegle_adds_an_action_and_reads_the_history(open_last_month, login, page, screenshot, live_server):
    measure = Measure.objects.get(code=MEASURE)
    login("noegle")
    page.goto(f"{live_server.url}/maalinger/{measure.pk}/")
    page.fill("#id_text", "Påmindelse i ambulatoriet")
    page.get_by_role("button", name="Tilføj tiltag").click()
    expect(page.locator("#actions")).to_contain_text("Tiltaget er tilføjet.", timeout=SLOW)
    expect(page.locator("#actions .action-list")).to_contain_text("Påmindelse i ambulatoriet", timeout=SLOW)
    page.wait_for_selector("#entry-chart[data-chart-drawn]")

    key = f"{open_last_month:%Y-%m}"
    page.fill(f"#n-{key}-0", "12")
    page.fill(f"#d-{key}-0", "60")
    page.locator(f"#month-{key} button.save").click()
    expect(page.locator(f"#month-{key} .row-status")).to_contain_text("Gemt", timeout=SLOW)

    page.get_by_role("link", name="Historik").click()
    expect(page.locator("h1")).to_contain_text("Historik", timeout=SLOW)
    expect(page.locator(".history-table tbody tr").first).to_contain_text("Oprettet", timeout=SLOW)
    expect(page.locator(".history-table tbody tr").first).to_contain_text("Nanna", timeout=SLOW)
    screenshot("entry-history")
    assert page.console_errors == []


def test_noegle_imports_a_file_with_an_error_and_sees_row_and_column(
    open_last_month, login, page, screenshot, live_server, tmp_path
):
    key = f"{open_last_month:%Y-%m}"
    path = tmp_path / "maalinger.csv"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + f"measure;section;month;numerator;denominator;comment\r\n{MEASURE};;{key};30;120;\r\n"
        f"ORT-KAT-03;;{key};2,5;;\r\n".encode()
    )
    login("noegle")
    page.goto(f"{live_server.url}/maalinger/import/")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Vis forhåndsvisning").click()
    expect(page.locator(".problem-table")).to_contain_text("numerator", timeout=SLOW)
    expect(page.locator(".problem-table")).to_contain_text("2,5 er ikke et helt tal", timeout=SLOW)
    screenshot("entry-import-errors")

    path.write_bytes(
        f"measure;section;month;numerator;denominator;comment\r\n{MEASURE};;{key};30;120;Importeret\r\n".encode()
    )
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Vis forhåndsvisning").click()
    expect(page.locator(".preview-table")).to_contain_text("Ny", timeout=SLOW)
    screenshot("entry-import-preview")
    page.get_by_role("button", name=re.compile("^Gem")).click()
    expect(page.locator(".messages")).to_contain_text("Importen er gemt: 1 nye", timeout=SLOW)
    assert Measurement.objects.get(measure__code=MEASURE, month=open_last_month).comment == "Importeret"
    assert page.console_errors == []


def test_kdk_reopens_a_locked_month(demo_data, login, page, screenshot, live_server):
    month = last_complete_month(timezone.localdate())
    login("kdk")
    page.goto(f"{live_server.url}/maalinger/laaste-maaneder/")
    page.select_option("#id_department", label="Ortopædkirurgisk Afdeling")
    page.fill("#id_month", f"{month:%Y-%m}")
    page.fill("#id_reason", "Sent udtræk fra Sundhedsplatformen")
    locked = is_past_lock_date(month, today=timezone.localdate())
    page.get_by_role("button", name="Genåbn", exact=True).click()
    if locked:
        expect(page.locator(".messages")).to_contain_text("er genåbnet for Ortopædkirurgisk Afdeling", timeout=SLOW)
        expect(page.locator("main")).to_contain_text("Sent udtræk fra Sundhedsplatformen", timeout=SLOW)
        assert LockChange.objects.get().changed_by.username == "kdk"
    else:  # early in the month the last month is not locked yet
        expect(page.locator(".field-error")).to_contain_text("er ikke låst endnu", timeout=SLOW)
    screenshot("entry-locks-kdk")
    assert page.console_errors == []
