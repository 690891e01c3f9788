"""The quarterly quality-team report of one department (for the kvalitetsteammøde): HTML and PDF."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from core.months import last_complete_month, month_label
from core.quarters import Quarter
from departments.models import Department, LocalTeam
from goals import status
from initiatives.models import Meeting
from measurements import dataquality

from . import Built, Progress
from .charts import export_charts
from .data import figures_of, initiative_sections
from .labels import built_label
from .render import html_to_pdf


def context(department: Department, quarter: Quarter, *, built_at: dt.datetime) -> dict:
    as_of = quarter.as_of(timezone.localdate(built_at))
    [row] = status.department_rows(Department.objects.filter(pk=department.pk), year=quarter.year, today=as_of)
    team = LocalTeam.objects.filter(department=department).prefetch_related("members__user").first()
    data_until = last_complete_month(as_of)
    return {
        "kind_title": _("Kvalitetsteammøde – Vælg Klogt"),
        "department": department,
        "quarter": quarter,
        "row": row,
        "team": team,
        "sections": initiative_sections(row.initiatives, quarter=quarter, as_of=as_of),
        "meetings": list(
            Meeting.objects.filter(
                kind=Meeting.Kind.QUALITY_TEAM, department=department, date__range=(quarter.start, quarter.end)
            )
        ),
        "as_of": as_of,
        "data_until": data_until,
        "data_until_label": month_label(data_until),
        "built_at": built_at,
        "built_label": built_label(built_at),
        **_sign_off(department, quarter, today=as_of),
    }


def _sign_off(department: Department, quarter: Quarter, *, today: dt.date) -> dict:
    """Whether the quarter is approved (by whom, when, changed since?) and how each month was reported."""
    approval = dataquality.approvals_by_department([department.pk], str(quarter)).get(department.pk)
    months = [m for m in quarter.months if m <= last_complete_month(today)]
    return {
        "approval": approval,
        "approval_text": dataquality.approval_text(approval),
        "month_timeliness": dataquality.timeliness_by_department([department.pk], months, today=today)[department.pk],
    }


def build(report, *, progress: Progress, built_at: dt.datetime) -> Built:
    quarter = Quarter.parse(report.period)
    progress(5, _("Henter status og målinger"))
    ctx = context(report.department, quarter, built_at=built_at)
    export_charts(figures_of(ctx["sections"]), progress=progress, start=10, end=75)
    progress(80, _("Sætter rapporten op"))
    html = render_to_string("reports/documents/quality_team.html", ctx)
    progress(85, _("Skriver PDF"))
    pdf = html_to_pdf(html)
    stem = f"kvalitetsteam-{report.department.code}-{quarter}"
    return Built(
        files={"html": (f"{stem}.html", html.encode()), "pdf": (f"{stem}.pdf", pdf)}, data_until=ctx["data_until"]
    )
