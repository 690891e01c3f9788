"""KDK's status export, read back with openpyxl and pdftotext: sheets, headers, frozen panes, formats, formula
escaping, and numbers equal to the status function's."""

import io
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from departments.models import Department
from goals import status
from measurements.charts import chart_for_measure
from measurements.models import Measure
from measurements.periods import completeness_for, measure_months
from reports import exports
from tests.factories import (
    DepartmentFactory,
    HospitalFactory,
    InitiativeFactory,
    RecommendationFactory,
)

from .report_data import measure_department, report_quarter

DATA_QUALITY_SHEETS = ["Datakvalitet", "Spurgte værdier", "Til opfølgning"]

pytestmark = pytest.mark.django_db
INJECTION = '=HYPERLINK("http://x")'


@pytest.fixture
def departments(home, away):
    measure_department(home, team_member_name=INJECTION)
    _initiative, measure = measure_department(away)
    measure.measurements.filter(month__year=report_quarter().year).order_by("month").update(comment="+1 ring til X")
    opt_out = RecommendationFactory(kind="local", owner_department=home, title="@SUM(A1:A9)")
    InitiativeFactory(department=home, recommendation=opt_out, year=report_quarter().year)
    return home, away


def workbook(departments_qs=None, **kwargs):
    year = kwargs.pop("year", report_quarter().year)
    _name, content = exports.export_status(
        fmt="xlsx", departments=departments_qs or Department.objects.all(), year=year, **kwargs
    )
    return load_workbook(io.BytesIO(content))


def test_xlsx_has_overview_department_and_raw_sheets_with_danish_headers_and_frozen_header_row(departments):
    wb = workbook()

    assert wb.sheetnames == [
        "Oversigt",
        "MED Medicinsk Afdeling",
        "ORT Ortopædkirurgisk Afdeling",
        "Rådata",
        *DATA_QUALITY_SHEETS,
    ]
    overview, department, raw = wb["Oversigt"], wb["ORT Ortopædkirurgisk Afdeling"], wb["Rådata"]
    assert [c.value for c in overview[1]] == exports.OVERVIEW_HEADERS
    assert [c.value for c in department[1]] == exports.DEPARTMENT_HEADERS
    assert [c.value for c in raw[1]] == exports.RAW_HEADERS
    for sheet in (overview, department, raw):
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].font.bold
        assert all(sheet.column_dimensions[letter].width >= 8 for letter in "ABC")
    assert overview.column_dimensions["A"].width >= len("Ortopædkirurgisk Afdeling")


def test_xlsx_overview_equals_the_status_function(departments):
    year = report_quarter().year
    wb = workbook()
    overview = wb["Oversigt"]
    rows = status.department_rows(Department.objects.all(), year=year, today=timezone.localdate())
    totals = status.totals(rows)

    for index, row in enumerate(rows, start=2):
        cells = {
            header: overview.cell(row=index, column=col).value for col, header in enumerate(exports.OVERVIEW_HEADERS, 1)
        }
        assert cells["Afdeling"] == row.department.name
        assert (cells["Mål 1"], cells["Mål 1 – forklaring"]) == (row.selections.label, row.selections.detail)
        assert (cells["Mål 2"], cells["Mål 2 – forklaring"]) == (row.team.label, row.team.detail)
        assert cells["Valgte indsatser"] == len(row.initiatives)
        assert cells["Tværgående anbefaling"] == ("Ja" if row.in_cross_hospital else "Nej")
        assert cells["Datakomplethed"] == pytest.approx(row.completeness.ratio)
        assert cells["Manglende værdier"] == row.completeness.missing
        assert (cells["Målinger i alt"], cells["Forbedring"], cells["Forværring"]) == (
            row.signals.measures,
            row.signals.improvement,
            row.signals.deterioration,
        )
        assert (cells["Ingen signal"], cells["For få punkter"]) == (row.signals.none, row.signals.too_few)
    summary = {
        overview.cell(row=r, column=1).value: overview.cell(row=r, column=2).value
        for r in range(len(rows) + 3, overview.max_row + 1)
    }
    assert summary["Afdelinger"] == totals.departments
    assert summary["Opfylder Mål 1"] == totals.selections_met
    assert summary["Opfylder Mål 2"] == totals.team_met
    assert summary["Deltager i tværgående anbefaling"] == totals.in_cross_hospital
    assert summary["Datakomplethed"] == pytest.approx(totals.completeness.ratio)
    assert summary["Målinger med forbedring"] == totals.signals.improvement
    assert totals.signals.improvement >= 1  # the test data's shift is found
    assert overview["H2"].number_format == exports.DATE_FORMAT  # team established
    assert overview["L2"].number_format == exports.PERCENT_FORMAT  # completeness


def test_xlsx_department_sheet_and_raw_data_have_number_and_date_formats(departments):
    wb = workbook()
    sheet = wb["ORT Ortopædkirurgisk Afdeling"]
    data = [
        dict(zip(exports.DEPARTMENT_HEADERS, (c.value for c in row), strict=False))
        for row in sheet.iter_rows(min_row=2)
    ]
    measured = next(row for row in data if row["Måling"] == "Andel med blærekateter")
    assert measured["Mål"] == 20 and measured["Enhed"] == "Procent"
    measure = Measure.objects.get(initiative__department=departments[0])
    chart = chart_for_measure(
        measure, months=measure_months(measure, today=timezone.localdate()), values=measure.measurements.all()
    )
    assert measured["Seneste værdi"] == pytest.approx(chart.latest.value)
    assert measured["Seneste måned"].date() == chart.latest.month
    completeness = completeness_for(Measure.objects.filter(pk=measure.pk), today=timezone.localdate())[measure.pk]
    assert measured["Datakomplethed"] == pytest.approx(completeness.ratio)
    assert measured["Manglende værdier"] == completeness.missing
    [row] = status.department_rows(
        Department.objects.filter(pk=departments[0].pk), year=report_quarter().year, today=timezone.localdate()
    )
    [measure_status] = [m for m in row.measures if m.measure.pk == measure.pk]
    assert measured["Analyse"] == measure_status.sentence
    assert (measured["Diagramtype"], measured["Variation"]) == (chart.kind_label, chart.variation_label)
    assert measured["Variation"] == measure_status.variation_label
    assert measured["Målopfyldelse"] == chart.assurance_label
    assert measured["Seneste værdi"] == pytest.approx(measure_status.latest_value)
    cells = next(row for row in sheet.iter_rows(min_row=2) if row[5].value == "Andel med blærekateter")
    assert cells[10].number_format == exports.MONTH_FORMAT and cells[10].is_date
    assert cells[11].number_format == exports.DECIMAL_FORMAT
    assert cells[13].number_format == exports.PERCENT_FORMAT
    raw = wb["Rådata"]
    first = list(raw[2])
    assert first[6].number_format == exports.MONTH_FORMAT and first[6].is_date
    assert isinstance(first[7].value, int)
    assert raw.max_row > 1
    assert {row[6].year for row in raw.iter_rows(min_row=2, values_only=True)} == {report_quarter().year}


def test_text_that_looks_like_a_formula_stays_text(departments):
    wb = workbook()
    cells = [cell for sheet in wb.worksheets for row in sheet.iter_rows() for cell in row]
    suspicious = [c for c in cells if isinstance(c.value, str) and c.value.startswith(exports.FORMULA_PREFIXES)]

    assert {c.value for c in suspicious} >= {INJECTION, "@SUM(A1:A9)", "+1 ring til X"}
    assert all(c.data_type == "s" and c.quotePrefix for c in suspicious)
    assert not any(c.data_type == "f" for c in cells)


def test_raw_data_comment_starting_with_plus_is_escaped(departments):
    wb = workbook()
    comments = [c for row in wb["Rådata"].iter_rows(min_row=2) for c in row if c.value == "+1 ring til X"]
    assert comments and all(c.data_type == "s" and c.quotePrefix for c in comments)


def test_safe_text_leaves_ordinary_values_alone():
    assert exports.safe_text("Opfyldt") == "Opfyldt" and not isinstance(exports.safe_text("Opfyldt"), exports._Text)
    assert exports.safe_text(-3) == -3
    assert isinstance(exports.safe_text("\tx"), exports._Text)


def test_hospital_filter_keeps_only_that_hospitals_departments(departments):
    other = HospitalFactory(code="ringsted", name="Ringsted Sygehus")
    DepartmentFactory(name="Geriatrisk Afdeling", hospitals=[other])
    wb = workbook(hospital=other)
    assert wb.sheetnames == ["Oversigt", wb.sheetnames[1], "Rådata", *DATA_QUALITY_SHEETS]
    assert wb["Oversigt"]["A2"].value == "Geriatrisk Afdeling"
    assert wb["Rådata"].max_row == 1


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is not installed")
def test_pdf_export_names_every_department_and_the_totals(departments):
    home, away = departments
    _name, content = exports.export_status(fmt="pdf", departments=Department.objects.all(), year=report_quarter().year)
    assert content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    assert home.name in text and away.name in text
    assert f"Status for {report_quarter().year}" in text and "Data til og med" in text


def test_export_status_command_writes_the_file(departments, tmp_path):
    target = tmp_path / "status.xlsx"
    call_command(
        "export_status",
        "--format",
        "xlsx",
        "--output",
        str(target),
        "--year",
        str(report_quarter().year),
        stdout=io.StringIO(),
    )
    assert load_workbook(target).sheetnames[0] == "Oversigt"


def test_export_status_command_rejects_unknown_hospital(departments, tmp_path):
    with pytest.raises(CommandError, match="Ukendt sygehus"):
        call_command("export_status", "--format", "pdf", "--output", str(tmp_path / "x.pdf"), "--hospital", "nope")
    assert not (tmp_path / "x.pdf").exists()


def test_export_view_gives_kdk_the_workbook(departments, kdk, client_for):
    response = client_for(kdk).get(
        reverse("reports:export_status"), {"year": report_quarter().year, "format": "xlsx", "hospital": ""}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == exports.CONTENT_TYPES["xlsx"]
    assert "attachment" in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "Oversigt"


@pytest.mark.parametrize("who", ["udenfor", "leder"])
def test_export_view_is_not_found_for_department_users(departments, request, client_for, who):
    response = client_for(request.getfixturevalue(who)).get(
        reverse("reports:export_status"), {"year": 2026, "format": "xlsx"}
    )
    assert response.status_code == 404


def test_export_view_with_bad_year_shows_the_form_again_with_a_danish_message(departments, kdk, client_for):
    response = client_for(kdk).get(reverse("reports:export_status"), {"year": "i år", "format": "xlsx"})
    assert response.status_code == 400
    assert "Indtast et heltal" in response.content.decode()


def test_xlsx_says_which_departments_reported_on_time_and_which_quarters_are_approved(kdk):
    import datetime as dt

    from measurements.models import MonthReport, QuarterApproval, ValueCheck
    from tests.factories import DepartmentFactory, MeasurementFactory

    department = DepartmentFactory(code="dq", name="Datakvalitetsafdeling")
    value = MeasurementFactory(measure__initiative__department=department, month=dt.date(2026, 2, 1))
    ValueCheck.objects.create(
        measurement=value, kind="range", message="Uden for det forventede", explanation="Ny praksis"
    )
    MonthReport.objects.create(
        department=department,
        month=dt.date(2026, 1, 1),
        reported_by=kdk,
        reported_at=timezone.make_aware(dt.datetime(2026, 2, 10, 9)),
        on_time=True,
    )
    built_at = timezone.make_aware(dt.datetime(2026, 5, 20, 9))
    QuarterApproval.objects.create(
        department=department,
        quarter="2026Q1",
        approved_by=kdk,
        approved_at=timezone.make_aware(dt.datetime(2026, 4, 20, 9)),
    )
    _name, content = exports.export_status(
        fmt="xlsx", departments=Department.objects.all(), year=2026, built_at=built_at
    )
    wb = load_workbook(io.BytesIO(content))
    [row] = [r for r in wb["Datakvalitet"].iter_rows(min_row=2, values_only=True) if r[0] == "Datakvalitetsafdeling"]
    assert row[1:6] == (1, 0, 3, "2026Q1", "Ja")  # January on time; February–April not reported
    assert row[6] == (kdk.get_full_name() or "kdk")
    questioned = list(wb["Spurgte værdier"].iter_rows(min_row=2, values_only=True))
    assert questioned[0][6:8] == ("Uden for det forventede", "Ny praksis")
