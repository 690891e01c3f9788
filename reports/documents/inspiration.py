"""The inspiration-meeting report: the hospital-wide overview and the cross-hospital recommendation's results
department by department. HTML and PDF (one page per department) and PPTX (an overview slide and one slide per
department with its chart)."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from core.months import last_complete_month, month_label
from core.quarters import Quarter
from departments.models import Department
from goals import status
from initiatives.selectors import cross_hospital_for

from . import Built, Progress
from .charts import export_charts
from .data import figures_of, initiative_sections
from .labels import built_label
from .render import html_to_pdf
from .slides import inspiration_slides


def context(quarter: Quarter, *, built_at: dt.datetime, meeting=None) -> dict:
    as_of = quarter.as_of(timezone.localdate(built_at))
    rows = status.department_rows(Department.objects.all(), year=quarter.year, today=as_of)
    cross = cross_hospital_for(quarter.year)
    participants = []
    if cross:
        for row in rows:
            for initiative in row.initiatives:
                if initiative.recommendation_id == cross.recommendation_id:
                    participants.append((row, initiative))
    sections = initiative_sections([initiative for _row, initiative in participants], quarter=quarter, as_of=as_of)
    data_until = last_complete_month(as_of)
    return {
        "kind_title": _("Inspirationsmøde – Vælg Klogt"),
        "scope_label": _("Alle afdelinger"),
        "quarter": quarter,
        "meeting": meeting,
        "rows": rows,
        "totals": status.totals(rows),
        "cross": cross,
        "departments": [
            {"row": row, "section": section} for (row, _initiative), section in zip(participants, sections, strict=True)
        ],
        "as_of": as_of,
        "data_until": data_until,
        "data_until_label": month_label(data_until),
        "built_at": built_at,
        "built_label": built_label(built_at),
    }


def build(report, *, progress: Progress, built_at: dt.datetime) -> Built:
    quarter = Quarter.parse(report.period)
    progress(5, _("Henter status for alle afdelinger"))
    ctx = context(quarter, built_at=built_at, meeting=report.meeting)
    primaries = tuple(entry["section"].primary for entry in ctx["departments"] if entry["section"].primary)
    export_charts(
        figures_of([e["section"] for e in ctx["departments"]]), progress=progress, start=10, end=70, png_for=primaries
    )
    progress(75, _("Sætter rapporten op"))
    html = render_to_string("reports/documents/inspiration.html", ctx)
    progress(80, _("Skriver PDF"))
    pdf = html_to_pdf(html)
    progress(92, _("Laver PowerPoint"))
    pptx = inspiration_slides(ctx)
    stem = f"inspirationsmoede-{quarter}"
    return Built(
        files={"html": (f"{stem}.html", html.encode()), "pdf": (f"{stem}.pdf", pdf), "pptx": (f"{stem}.pptx", pptx)},
        data_until=ctx["data_until"],
    )
