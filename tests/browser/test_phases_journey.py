"""Issue 12's journey: `leder` splits a chart after a tiltag, with a reason; the dashboard, the board and the
quality-team report all show the split (a labelled line), from the one chart builder."""

import subprocess

from django.urls import reverse
from django.utils import timezone

from initiatives.models import Action
from measurements.models import ChartPhase, Measure

REASON = "Tiltag: ny instruks (journey)"
LABEL = f"Ny fase: {REASON}"


def _svg_text(page, selector="[data-chart-source] svg.main-svg"):
    page.locator(selector).first.wait_for(state="attached")
    return " ".join(page.locator(selector).all_text_contents())


def test_leder_splits_a_chart_after_a_tiltag_and_dashboard_board_and_report_show_it(
    demo_data, login, page, screenshot, live_server
):
    measure = Measure.objects.get(code="ORT-KAT-01")
    action = Action.objects.filter(initiative=measure.initiative).order_by("date").first()
    month = action.date.replace(day=1)
    login("leder")
    page.get_by_role("link", name="Min afdeling").click()
    page.wait_for_load_state("networkidle")
    page.locator(f"#measure-{measure.pk}").get_by_role("link", name="Baseline, faser og noter").click()
    page.wait_for_load_state("networkidle")

    # The demo already split the chart after the tiltag: undo that, with a reason, then split it anew.
    demo_split = page.locator("li", has_text="Del diagrammet").first
    demo_split.get_by_label("Hvorfor fortryde?").fill("Vi skriver begrundelsen om")
    demo_split.get_by_role("button", name="Fortryd").click()
    page.wait_for_load_state("networkidle")
    assert "Ændringen er fortrudt." in page.locator("main").inner_text()

    page.locator("#phase_kind").select_option("split")
    page.locator("#phase_month").select_option(month.isoformat())
    page.locator("#phase_reason").fill(REASON)
    page.get_by_role("button", name="Gem", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert LABEL in _svg_text(page)
    screenshot("phases-chart-page-split")
    assert ChartPhase.objects.get(measure=measure, kind="split", undone_at__isnull=True).reason == REASON

    dashboard = reverse("dashboards:department_dashboard", args=[measure.initiative.department_id])
    page.goto(f"{live_server.url}{dashboard}")
    assert LABEL in _svg_text(page, f"#measure-{measure.pk} [data-chart-source] svg.main-svg")
    screenshot("phases-dashboard-split")
    page.get_by_role("link", name="Forbedringstavle (storskærm)").click()
    page.wait_for_load_state("networkidle")
    assert LABEL in _svg_text(page, f"#measure-{measure.pk} [data-chart-source] svg.main-svg")
    screenshot("phases-board-split")
    assert page.console_errors == []

    from reports.documents import build_documents, no_progress
    from reports.models import Report
    from tests.reports.report_data import report_quarter

    report = Report(
        kind=Report.Kind.QUALITY_TEAM, department=measure.initiative.department, period=str(report_quarter())
    )
    built = build_documents(report, progress=no_progress, built_at=timezone.now())
    text = subprocess.run(["pdftotext", "-", "-"], input=built.files["pdf"][1], capture_output=True, check=True).stdout
    assert LABEL in " ".join(text.decode().split())
