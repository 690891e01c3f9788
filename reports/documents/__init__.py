"""The documents a report job builds: HTML + PDF for the quality-team meeting, HTML + PDF + PPTX for the
inspiration meeting. Every figure and chart comes from `goals.status` and `measurements.charts`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import translation

Progress = Callable[[int, str], None]


@dataclass
class Built:
    files: dict[str, tuple[str, bytes]]  # format → (file name, content)
    data_until: dt.date | None


def build_documents(report, *, progress: Progress, built_at: dt.datetime) -> Built:
    from ..models import Report
    from . import inspiration, quality_team

    builders = {Report.Kind.QUALITY_TEAM: quality_team.build, Report.Kind.INSPIRATION: inspiration.build}
    with translation.override("da"):
        return builders[report.kind](report, progress=progress, built_at=built_at)


def no_progress(percent: int, label: str) -> None:
    """For building outside a job (previews, tests)."""
