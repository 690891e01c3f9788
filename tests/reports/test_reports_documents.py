"""The real documents: PDFs read back with pdftotext/pdfimages, slides with python-pptx. Every figure in them is the
one the status function and the chart builder give."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from pptx import Presentation

from departments.models import Department
from goals import status
from measurements.charts import chart_for_measure
from measurements.periods import measure_months
from reports.documents import build_documents, no_progress
from reports.models import Report
from tests.factories import CrossHospitalSelectionFactory, DepartmentFactory, MeetingFactory, RecommendationFactory

from .report_data import measure_department, report_quarter

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is not installed"),
]
BUILT_AT = timezone.now()


def pdf_pages(data: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
    return text.decode().split("\f")[:-1]


def page_headers(data: bytes) -> list[str]:
    """The running header of every page (first line of the page in layout mode)."""
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    pages = text.decode().split("\f")[:-1]
    return [next((line.strip() for line in page.splitlines() if line.strip()), "") for page in pages]


def pdf_image_count(data: bytes) -> int:
    listing = subprocess.run(["pdfimages", "-list", "-", "/dev/null"], input=data, capture_output=True).stdout
    # pdfimages cannot read stdin on every version; fall back to a file
    if not listing:
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(data)
            handle.flush()
            listing = subprocess.run(["pdfimages", "-list", handle.name], capture_output=True, check=True).stdout
    return len(listing.decode().strip().splitlines()) - 2  # two header lines


def squash(text: str) -> str:
    return " ".join(text.split())


def test_quality_team_report_is_a_real_pdf_with_department_quarter_build_time_and_signal(home):
    initiative, measure = measure_department(home)
    quarter = report_quarter()
    report = Report(kind=Report.Kind.QUALITY_TEAM, department=home, period=str(quarter))
    steps = []

    built = build_documents(report, progress=lambda p, label: steps.append(p), built_at=BUILT_AT)

    pdf = built.files["pdf"][1]
    assert pdf.startswith(b"%PDF")
    pages = pdf_pages(pdf)
    assert len(pages) >= 2
    built_label = f"Bygget {date_format(timezone.localtime(BUILT_AT), 'j. F Y')}"
    for page in pages:  # the running header and footer
        assert home.name in page and quarter.label in page and built_label in squash(page)
    everything = squash("\n".join(pages))
    # The same sentence the dashboards show, from the one chart builder.
    as_of = quarter.as_of(timezone.localdate(BUILT_AT))
    chart = chart_for_measure(
        measure, months=measure_months(measure, today=as_of), values=measure.measurements.all(), actions=[]
    )
    assert chart.sentence.startswith("Ikke-tilfældig variation")
    assert squash(chart.sentence) in everything
    [row] = status.department_rows(Department.objects.filter(pk=home.pk), year=quarter.year, today=as_of)
    assert row.selections.label in everything and row.team.label in everything
    assert initiative.recommendation.title in everything
    assert "Ny instruks om kateter" in everything
    assert date_format(quarter.months[-1], "F Y") in everything  # a Danish month
    assert "Datakomplethed: 18 af 18" in everything
    # Charts are vector graphics: their axis text is text in the PDF and there is no raster image.
    assert "Procent" in everything
    assert pdf_image_count(pdf) == 0
    assert steps == sorted(steps) and steps[-1] >= 85
    html = built.files["html"][1].decode()
    assert "data:image/svg+xml;base64," in html and "<script" not in html
    assert chart.variation_label in everything  # the icon's text beside the icon


def test_quality_team_report_without_initiatives_says_so(away):
    report = Report(kind=Report.Kind.QUALITY_TEAM, department=away, period=str(report_quarter()))
    built = build_documents(report, progress=no_progress, built_at=BUILT_AT)
    text = squash("\n".join(pdf_pages(built.files["pdf"][1])))
    assert away.name in text and "Ingen indsatser valgt" in text


def test_inspiration_report_has_a_page_and_a_slide_per_participating_department(home, away):
    quarter = report_quarter()
    cross = CrossHospitalSelectionFactory(year=quarter.year, recommendation=RecommendationFactory(title="Medicin hjem"))
    measure_department(home, recommendation=cross.recommendation)
    measure_department(away, recommendation=cross.recommendation, team_member_name="Ulla")
    outsider = DepartmentFactory(name="Radiologisk Afdeling")
    meeting = MeetingFactory(date=quarter.end - dt.timedelta(days=10), title="Inspirationsmøde 2")
    report = Report(kind=Report.Kind.INSPIRATION, period=str(quarter), meeting=meeting)

    built = build_documents(report, progress=no_progress, built_at=BUILT_AT)

    pages = pdf_pages(built.files["pdf"][1])
    overview = squash(pages[0])
    assert "Inspirationsmøde 2" in overview and quarter.label in overview and outsider.name in overview
    headers = page_headers(built.files["pdf"][1])
    assert headers[0].startswith("Inspirationsmøde 2")
    # One page (at least) per participating department, named in the running header.
    assert any(h.startswith(home.name) for h in headers) and any(h.startswith(away.name) for h in headers)
    assert not any(h.startswith(outsider.name) for h in headers)
    slides = Presentation(io.BytesIO(built.files["pptx"][1])).slides
    assert len(slides) == 1 + 1 + 2  # overview, variation and assurance summary, one per department
    texts = ["\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame) for slide in slides]
    assert "Inspirationsmøde 2" in texts[0]
    table = next(shape.table for shape in slides[0].shapes if shape.has_table)
    assert {table.cell(i, 0).text for i in range(1, len(table.rows))} == {home.name, away.name, outsider.name}
    # The summary: each measure with its variation icon (a PNG picture) and its text beside it.
    assert "Variation og målopfyldelse" in texts[1]
    assert f"{home.name}: " in texts[1] and f"{away.name}: " in texts[1]
    assert "Særlig variation: forbedring (lavere)" in texts[1]
    assert sum(shape.shape_type == 13 for shape in slides[1].shapes) >= 2
    assert home.name in texts[2] or home.name in texts[3]
    assert all(any(shape.shape_type == 13 for shape in slide.shapes) for slide in list(slides)[2:])  # a picture
    assert "Ikke-tilfældig variation" in texts[2]


def test_quality_team_report_says_whether_the_quarter_is_approved(away, leder):
    from measurements.models import QuarterApproval

    quarter = report_quarter()
    report = Report(kind=Report.Kind.QUALITY_TEAM, department=away, period=str(quarter))
    text = squash(
        "\n".join(pdf_pages(build_documents(report, progress=no_progress, built_at=BUILT_AT).files["pdf"][1]))
    )
    assert "Godkendelse af kvartalets tal: Ikke godkendt" in text
    QuarterApproval.objects.create(department=away, quarter=str(quarter), approved_by=leder, approved_at=BUILT_AT)
    text = squash(
        "\n".join(pdf_pages(build_documents(report, progress=no_progress, built_at=BUILT_AT).files["pdf"][1]))
    )
    assert f"{quarter.label} er godkendt. Godkendt af" in text
    assert date_format(timezone.localtime(BUILT_AT), "j. F Y") in text


def test_approving_a_quarter_rebuilds_its_quality_team_report(home, leder, django_capture_on_commit_callbacks):
    from measurements import dataquality
    from measurements.services import quarter_approve

    quarter = str(report_quarter())
    Report.objects.create(kind=Report.Kind.QUALITY_TEAM, department=home, period=quarter, status=Report.Status.DONE)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        quarter_approve(department=home, quarter=quarter, seen=dataquality.quarter_stamp(home.pk, quarter), by=leder)
    callbacks[0]()  # the approval is committed: reports reacts
    assert Report.objects.get().status == Report.Status.PENDING  # asked to be built again


def test_inspiration_slides_put_each_title_in_the_layouts_title_placeholder(home, away):
    """Issue 16.12: the title is the slide's title (outline, screen readers), not a loose text box."""
    quarter = report_quarter()
    cross = CrossHospitalSelectionFactory(year=quarter.year, recommendation=RecommendationFactory(title="Medicin hjem"))
    measure_department(home, recommendation=cross.recommendation)
    measure_department(away, recommendation=cross.recommendation, team_member_name="Ulla")
    meeting = MeetingFactory(date=quarter.end - dt.timedelta(days=10), title="Inspirationsmøde 2")
    report = Report(kind=Report.Kind.INSPIRATION, period=str(quarter), meeting=meeting)

    built = build_documents(report, progress=no_progress, built_at=BUILT_AT)

    slides = list(Presentation(io.BytesIO(built.files["pptx"][1])).slides)
    # The overview, the variation and assurance summary (issue 12), then one slide per department.
    assert [slide.slide_layout.name for slide in slides] == ["Title Only"] * 4
    titles = [slide.shapes.title.text for slide in slides]
    assert titles[:2] == ["Inspirationsmøde 2", "Variation og målopfyldelse"]
    assert sorted(titles[2:]) == sorted([home.name, away.name])
    assert all(slide.shapes.title.is_placeholder for slide in slides)


def test_quality_team_report_lists_missing_months_oldest_first(home):
    _initiative, measure = measure_department(home)
    months = sorted(measure.measurements.values_list("month", flat=True))
    older, newer = months[3], months[10]
    measure.measurements.filter(month__in=[older, newer]).delete()
    report = Report(kind=Report.Kind.QUALITY_TEAM, department=home, period=str(report_quarter()))

    built = build_documents(report, progress=no_progress, built_at=BUILT_AT)

    text = squash("\n".join(pdf_pages(built.files["pdf"][1])))
    listed = f"Mangler: {date_format(older, 'F Y')}, {date_format(newer, 'F Y')}."
    assert listed in text
