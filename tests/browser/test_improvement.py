"""The Model-for-Improvement journey in a real browser (issue 13).

`leder` builds a driver diagram with the keyboard only (one primary driver, two secondary drivers, a change idea),
`noegle` plans a PDSA cycle on the idea with a prediction, records the result and adopts the change, and the
department dashboard's chart then shows the cycle's period as a band and the adopted change as a tiltag.
"""

import json

import pytest
from playwright.sync_api import expect

CHANGE = "Tjek af kateterbehov ved stuegang"


@pytest.fixture
def ort_catheter(demo_data):
    from initiatives.models import Initiative

    initiative = Initiative.objects.get(department__code="ort", measures__code="ORT-KAT-01")
    return initiative, initiative.measures.get(code="ORT-KAT-01")


def _type_and_enter(page, selector, text):
    # After the previous swap has settled, so htmx has taken over the swapped-in form (else Enter posts it as a page).
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    page.focus(selector)
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def test_leder_builds_a_diagram_and_noegle_runs_and_adopts_a_cycle(ort_catheter, login, page, live_server, screenshot):
    from improvement.models import ChangeIdea, Driver, PdsaCycle
    from initiatives.models import Action

    initiative, measure = ort_catheter
    login("leder")
    page.goto(f"{live_server.url}/vaelg-klogt/indsatser/{initiative.pk}/")
    page.get_by_role("link", name="Driverdiagram").first.click()
    page.get_by_role("link", name="Redigér diagrammet").click()

    # Keyboard only: type into the field and press Enter; htmx swaps the diagram in place.
    _type_and_enter(page, "#add-primary", "Personalet vurderer kateterbehov dagligt")
    expect(page.locator(".dd-node-primary .dd-text")).to_have_text("Personalet vurderer kateterbehov dagligt")
    primary = Driver.objects.get(diagram__initiative=initiative)
    _type_and_enter(page, f"#add-child-{primary.pk}", "Undervisning")
    expect(page.locator(".dd-secondary .dd-text").first).to_have_text("Undervisning")
    _type_and_enter(page, f"#add-child-{primary.pk}", "Påmindelse i journalen")
    expect(page.locator(".dd-secondary .dd-node .dd-text")).to_have_count(2)
    secondary = Driver.objects.get(diagram__initiative=initiative, text="Undervisning")
    _type_and_enter(page, f"#add-idea-{secondary.pk}", CHANGE)
    expect(page.locator(".dd-idea .dd-text")).to_have_text(CHANGE)
    assert ChangeIdea.objects.filter(driver=secondary, text=CHANGE, proposed=False).exists()
    screenshot("improvement-1-diagram")

    # noegle plans a cycle on the idea with a prediction.
    page.context.clear_cookies()
    login("noegle")
    page.goto(f"{live_server.url}/vaelg-klogt/forbedring/indsatser/{initiative.pk}/driverdiagram/")
    page.locator(".dd-idea", has_text=CHANGE).get_by_role("link", name="Planlæg PDSA").click()
    page.fill("#id_start", "01.09.2026")
    page.fill("#id_end", "30.09.2026")
    page.select_option("#id_prediction_measure", label=measure.name)
    page.select_option("#id_prediction_direction", label="falde")
    page.fill("#id_prediction_amount", "10 procentpoint")
    page.fill("#id_prediction", "Andelen med kateter falder til under 25 %")
    page.get_by_role("button", name="Planlæg cyklussen").click()
    expect(page.locator("main")).to_contain_text("PDSA-cyklussen er planlagt.")
    cycle = PdsaCycle.objects.get(initiative=initiative)
    assert cycle.change_idea.text == CHANGE and cycle.prediction_measure == measure

    # Do and Study: what happened and the result against the prediction; then adopt.
    page.fill("#id_what_happened", "Brugt på begge sengeafsnit")
    page.fill("#id_result", "Faldt til 22 % – som forudsagt")
    page.select_option("#id_status", label="Studér")
    page.get_by_role("button", name="Gem cyklussen").click()
    expect(page.locator("main")).to_contain_text("PDSA-cyklussen er gemt.")
    page.get_by_role("button", name="Indfør forandringen").click()
    expect(page.locator("main")).to_contain_text("Forandringen er indført")
    screenshot("improvement-2-cycle")
    cycle.refresh_from_db()
    assert (cycle.status, cycle.decision) == ("done", "adopt")
    assert Action.objects.filter(initiative=initiative, text=CHANGE).count() == 1

    # The department dashboard's chart shows the band and the tiltag.
    page.goto(f"{live_server.url}/afdelinger/{initiative.department_id}/?year=2026")
    chart = page.locator(f"#chart-{measure.pk}[data-chart-drawn]")
    chart.wait_for()
    figure = json.loads(page.locator(f"#chart-{measure.pk}-data").text_content())
    rects = [s for s in figure["layout"].get("shapes", []) if s["type"] == "rect"]
    assert ("2026-09-01", "2026-09-30") in [(r["x0"], r["x1"]) for r in rects]
    labels = [a["text"] for a in figure["layout"]["annotations"]]
    assert any(label.startswith("PDSA: Tjek af kateterbehov") for label in labels)
    tiltag = next(trace for trace in figure["data"] if trace.get("name") == "Tiltag")
    assert "2026-09-30" in tiltag["x"]
    assert page.locator(f"#chart-{measure.pk} .shapelayer path").count() >= 1
    expect(page.locator(f"#chart-{measure.pk}")).to_contain_text("PDSA: Tjek af kateterbe")
    screenshot("improvement-3-dashboard")
    assert not page.console_errors
