"""Journeys through the dashboards in a real Chromium: charts render as SVG, htmx swaps redraw, no console errors."""

import re


def _charts_rendered(page):
    charts = page.locator("[data-chart-source]")
    count = charts.count()
    for index in range(count):
        charts.nth(index).locator("svg.main-svg").first.wait_for(state="attached")
    return count


def test_leder_opens_department_dashboard_and_every_chart_renders(demo_data, login, page, screenshot):
    login("leder")
    page.get_by_role("link", name="Min afdeling").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Ortopædkirurgisk Afdeling"
    count = _charts_rendered(page)
    assert count == 6  # the demo's six measures of Ortopædkirurgisk Afdeling (with the mean and the rare-event ones)
    assert page.locator("[data-chart-drawn=true]").count() == count
    assert page.locator(".chart-sentence").count() == count
    main = page.locator("main").inner_text()
    assert "Mål 1" in main and "Mål 2" in main and "Seneste tiltag" in main and "Datakomplethed" in main
    assert "Medicinsk Afdeling" not in main
    screenshot("dashboard-department-leder")

    # Switch one chart to a run chart: htmx swaps the card in place and charts.js redraws it.
    url = page.url
    card = page.locator("article.measure-card").first
    card_id = card.get_attribute("id")
    card.get_by_role("link", name="Vis som seriediagram").click()
    page.locator(f"#{card_id} .measure-card-head", has_text="Seriediagram").wait_for()
    page.locator(f"#{card_id} [data-chart-source] svg.main-svg").first.wait_for(state="attached")
    assert page.url == url
    assert "Median" in page.locator(f"#{card_id} g.legend").text_content()
    screenshot("dashboard-department-run-switch")
    assert page.console_errors == []


def test_leder_opens_the_improvement_board(demo_data, login, page, screenshot):
    login("leder")
    page.get_by_role("link", name="Min afdeling").click()
    page.get_by_role("link", name="Forbedringstavle (storskærm)").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("body.board").count() == 1
    assert page.locator("nav").count() == 0
    # Six measures: four on the first page, two on the next (issue 16.7: the board rotates in pages of four).
    assert _charts_rendered(page) == 6
    assert page.locator("[data-board-page]:not([hidden]) .chart").count() == 4
    assert page.locator("#board").get_attribute("hx-trigger") == "every 300s"
    screenshot("dashboard-board-leder")
    assert page.console_errors == []


def test_kdk_filters_hospital_status_by_hospital_and_drills_down(demo_data, login, page, screenshot):
    login("kdk")
    page.get_by_role("link", name="Status for sygehusene").first.click()
    page.wait_for_load_state("networkidle")
    rows = page.locator("table.hospital-status tbody tr")
    assert rows.count() == 13
    screenshot("dashboard-hospital-status-kdk")

    page.select_option("#filter-hospital", label="Ringsted Sygehus")
    page.wait_for_url(re.compile(r"hospital=\d+"))
    page.locator("#status-results", has_text="afsnit på Ringsted Sygehus").wait_for()
    names = page.locator("table.hospital-status tbody th").all_inner_texts()
    assert names == ["Geriatrisk Afdeling", "Medicinsk Afdeling", "Radiologisk Afdeling"]
    screenshot("dashboard-hospital-status-ringsted")

    page.get_by_role("link", name="Medicinsk Afdeling").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Medicinsk Afdeling"
    assert _charts_rendered(page) == 2
    screenshot("dashboard-department-kdk-drilldown")
    assert page.console_errors == []
