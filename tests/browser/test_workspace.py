"""The department workspace journey in a real browser.

`leder` (management, ORT) starts the department's Vælg Klogt work from scratch: the demo team is removed first, so
leder establishes the team, makes `noegle` its tovholder, picks a recommendation for 2027 in the catalogue, defines a
process measure with a target, and `noegle` then finds that measure.
"""

import re

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

MEASURE = "Andel med billeddiagnostik inden for 6 uger"


@pytest.fixture
def fresh_ort(demo_data):
    from departments.models import Department, LocalTeam

    ort = Department.objects.get(code="ort")
    LocalTeam.objects.filter(department=ort).delete()
    return ort


def _main(page):
    return page.locator("main").inner_text()


def test_leder_sets_up_team_selection_and_measure_and_noegle_finds_it(fresh_ort, login, page, live_server, screenshot):
    login("leder")

    # The workspace: no team yet, so Mål 2 is not met.
    page.get_by_role("link", name="Afdelingens Vælg Klogt-arbejde").click()
    assert "Ortopædkirurgisk Afdeling" in page.locator("h1").inner_text()
    assert "Intet team" in _main(page)
    screenshot("workspace-1-start")

    # Establish the team and add noegle as tovholder (added through htmx, without a page load).
    page.get_by_role("link", name="Etablér teamet").click()
    page.fill("#id_established_on", "10.02.2026")
    page.get_by_role("button", name="Etablér teamet").click()
    assert "Teamet er etableret." in _main(page)
    assert "Teamet har ingen tovholder" in _main(page)
    page.select_option("#id_user", label="Nanna (nøgleperson, demo)")
    page.select_option("#id_role", label="Tovholder")
    page.fill("#id_title", "Sygeplejerske")
    page.get_by_role("button", name="Tilføj til teamet").click()
    page.get_by_text("Nanna (nøgleperson, demo) er tilføjet teamet.").wait_for()
    assert "Teamet har ingen tovholder" not in _main(page)
    assert "Tilføjet: Nanna (nøgleperson, demo) (Tovholder)" in _main(page)
    screenshot("workspace-2-team")

    # Back to the workspace, for 2027: the plan sets Mål 2 for 2026 only, so 2027 shows that the team exists and
    # since when, with no first-quarter deadline; no selections yet.
    page.get_by_role("link", name="Ortopædkirurgisk Afdeling").first.click()
    page.get_by_role("link", name="2027", exact=True).click()
    assert "Teamet findes" in _main(page)
    assert "Etableret 10. februar 2026" in _main(page)
    assert "Etableret i 1. kvartal" not in _main(page)
    assert "For få valg" in _main(page)

    # Find a recommendation in the catalogue (the search filters as you type) and select it for 2027.
    page.get_by_role("link", name="Vælg en anbefaling i kataloget").click()
    page.fill("#id_q", "lænderyg")
    # A locator wait, not wait_for_function: a string function is eval'ed in the page, which the CSP forbids.
    expect(page.locator("#catalogue-results li.rec")).to_have_count(1)
    screenshot("workspace-3-catalogue")
    page.locator("#catalogue-results").get_by_role("link", name=re.compile("Vælg for et år")).click()
    assert page.locator("#id_year").input_value() == "2027"
    assert "Dette bliver afdelingens første valg for året" in _main(page)
    page.get_by_label("Ortopædkirurgisk ambulatorium").check()
    page.fill("#id_aim", "Fra 30 % til 15 % af patienter med lænderygsmerter får billeddiagnostik inden december 2027")
    page.get_by_label("4. Behandling af høj kvalitet").check()
    screenshot("workspace-4-select")
    page.get_by_role("button", name="Opret indsatsen").click()
    assert "Indsatsen er oprettet." in _main(page)
    assert "Undgå billeddiagnostik ved uspecifikke lænderygsmerter" in page.locator("h1").inner_text()
    assert "Ikke målt endnu" in _main(page)

    # Define a process measure with a target.
    page.get_by_role("link", name="Definér en måling").click()
    page.fill("#id_name", MEASURE)
    page.select_option("#id_kind", "process")
    page.fill(
        "#id_operational_definition", "Ambulante patienter med uspecifikke lænderygsmerter under 6 uger, pr. måned."
    )
    page.select_option("#id_unit", "proportion")
    page.fill("#id_numerator_definition", "Patienter henvist til røntgen, CT eller MR")
    page.fill("#id_denominator_definition", "Alle patienter med uspecifikke lænderygsmerter under 6 uger")
    page.fill("#id_data_source", "Sundhedsplatformen, udtræk")
    page.select_option("#id_direction", "lower")
    page.fill("#id_target", "15")
    page.fill("#id_start_month", "januar 2027")
    page.select_option("#id_responsible", label="Nanna (nøgleperson, demo)")
    screenshot("workspace-5-measure-form")
    page.get_by_role("button", name="Opret målingen").click()
    message = page.locator(".message").inner_text()
    code = re.search(r"\((ORT-[A-Z]+-\d\d)\)", message).group(1)
    assert code == "ORT-BUL-01"  # department + "billeddiagnostik uspecifikke lænderygsmerter"
    assert MEASURE in _main(page) and "15 %" in _main(page)
    assert "Intet balancemål endnu." in _main(page)
    screenshot("workspace-6-initiative")
    initiative_url = page.url
    assert page.console_errors == []

    # noegle, the tovholder and responsible key person, finds the measure.
    page.context.clear_cookies()
    login("noegle")
    try:
        mine = reverse("measurements:mine")
    except NoReverseMatch:
        mine = None
    if mine:
        page.get_by_role("link", name="Mine målinger").click()
        assert MEASURE in _main(page)
        screenshot("workspace-7-noegle-mine")
    else:
        page.goto(initiative_url)
        assert MEASURE in _main(page) and code in _main(page)
        screenshot("workspace-7-noegle-initiative")
    assert page.console_errors == []


def test_udenfor_cannot_open_leders_workspace(demo_data, login, page, live_server):
    from departments.models import Department

    ort = Department.objects.get(code="ort")
    login("udenfor")
    response = page.goto(live_server.url + reverse("departments:team", kwargs={"pk": ort.pk}))
    assert response.status == 404
