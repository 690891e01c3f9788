"""The reports get the Model for Improvement: the quality-team PDF shows the diagram, the quarter's cycles (prediction
against result) and the score; the inspiration report and slides show tested changes and the score only where the
department shares its initiative as inspiration."""

import datetime as dt
import shutil
import subprocess

import pytest
from django.utils import timezone
from pptx import Presentation

from improvement import services
from reports.documents import build_documents, no_progress
from reports.models import Report
from tests.factories import CrossHospitalSelectionFactory, RecommendationFactory

from ..reports.report_data import measure_department, report_quarter

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is not installed"),
]


def _text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


def _improvement(initiative, measure, by=None):
    quarter = report_quarter()
    primary = services.driver_add(initiative=initiative, text="Personalet kender anbefalingen", by=by)
    secondary = services.driver_add(initiative=initiative, text="Undervisning", parent=primary, by=by)
    idea = services.idea_add(driver=secondary, text="Tavlemøde om kateter", by=by)
    cycle = services.cycle_plan(
        initiative=initiative,
        change_idea=idea,
        change="Tavlemøde i to uger",
        start=quarter.start + dt.timedelta(days=5),
        end=quarter.start + dt.timedelta(days=19),
        prediction_measure=measure,
        prediction_direction="down",
        prediction="Andelen falder til under 25 procent",
        by=by,
    )
    services.cycle_update(cycle=cycle, status="done", result="Faldt til 21 procent", decision="adapt", by=by)
    services.score_set(initiative=initiative, month=quarter.months[1], score="3.5", note="Godt i gang", by=by)


def test_quality_team_pdf_contains_the_prediction_the_result_the_diagram_and_the_score(home):
    initiative, measure = measure_department(home)
    _improvement(initiative, measure)
    report = Report(kind=Report.Kind.QUALITY_TEAM, department=home, period=str(report_quarter()))
    built = build_documents(report, progress=no_progress, built_at=timezone.now())
    text = _text(built.files["pdf"][1])
    for expected in (
        "Andelen falder til under 25 procent",
        "Faldt til 21 procent",
        "Tilpas",
        "Personalet kender anbefalingen",
        "Tavlemøde om kateter",
        "3,5 – Forbedring",
        "PDSA-cyklusser i kvartalet",
    ):
        assert expected in text, expected


def test_inspiration_report_shows_tested_changes_and_score_only_when_shared(home, away):
    recommendation = RecommendationFactory(title="Medicin sendes hjem")
    CrossHospitalSelectionFactory(year=report_quarter().year, recommendation=recommendation)
    ours, measure = measure_department(home, recommendation=recommendation)
    theirs, their_measure = measure_department(away, recommendation=recommendation, team_member_name="Bo")
    _improvement(ours, measure)
    _improvement(theirs, their_measure)
    ours.shared_as_inspiration = True
    ours.save()
    report = Report(kind=Report.Kind.INSPIRATION, period=str(report_quarter()))
    built = build_documents(report, progress=no_progress, built_at=timezone.now())
    text = _text(built.files["pdf"][1])
    assert text.count("Faldt til 21 procent") == 1  # home's only
    assert "Afdelingen deler ikke sine PDSA-cyklusser" in text
    slides = Presentation(__import__("io").BytesIO(built.files["pptx"][1]))
    by_title = {
        slide.shapes.title.text: " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        for slide in slides.slides
        if slide.shapes.title is not None
    }
    home_slide, away_slide = by_title[home.name], by_title[away.name]
    assert "Fremdriftsscore: 3,5" in home_slide and "Tavlemøde i to uger → tilpas" in home_slide
    assert "Fremdriftsscore" not in away_slide
