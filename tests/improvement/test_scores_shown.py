"""Each local initiative's latest progress score is shown side by side: department page, hospital status, export."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from departments.models import Department
from improvement import services
from reports import exports

from ..factories import InitiativeFactory, RecommendationFactory


@pytest.fixture
def scored(home, leder):
    first = InitiativeFactory(department=home, recommendation=RecommendationFactory(title="Kateter"))
    second = InitiativeFactory(department=home, recommendation=RecommendationFactory(title="Medicin"))
    services.score_set(initiative=first, month=dt.date(2026, 2, 1), score="2.0", by=leder)
    services.score_set(initiative=first, month=dt.date(2026, 4, 1), score="3.5", by=leder)
    services.score_set(initiative=second, month=dt.date(2026, 3, 1), score="1.5", by=leder)
    return first, second


def test_department_page_shows_each_initiatives_latest_score(client_for, leder, home, scored):
    html = client_for(leder).get(reverse("dashboards:department_dashboard", args=[home.pk]), {"year": 2026})
    text = html.content.decode()
    assert "<strong>3,5</strong></a> Forbedring" in text and "<strong>1,5</strong></a> Planlægning begyndt" in text
    assert "<strong>2,0</strong>" not in text  # only the latest


def test_hospital_status_shows_the_scores_side_by_side(client_for, kdk, home, scored):
    text = client_for(kdk).get(reverse("dashboards:hospital_status"), {"year": 2026}).content.decode()
    assert "Kateter: <strong>3,5</strong>" in text and "Medicin: <strong>1,5</strong>" in text


def test_export_has_the_latest_scores(home, scored):
    data = exports.collect(departments=Department.objects.filter(pk=home.pk), year=2026)
    workbook = load_workbook(io.BytesIO(exports.status_xlsx(data)))
    overview = workbook.worksheets[0]
    headers = [cell.value for cell in overview[1]]
    column = headers.index("Fremdriftsscore (seneste pr. indsats)")
    assert overview.cell(row=2, column=column + 1).value == "Kateter: 3,5; Medicin: 1,5"
    sheet = workbook.worksheets[1]
    rows = [
        dict(zip(exports.DEPARTMENT_HEADERS, (c.value for c in row), strict=False))
        for row in sheet.iter_rows(min_row=2)
    ]
    assert {(r["Indsats"], r["Fremdriftsscore"]) for r in rows} == {("Kateter", 3.5), ("Medicin", 1.5)}
