"""A measure whose initiative has tiltag written as markup, for the chart-text tests (figure JSON and Chromium)."""

import datetime as dt

from django.utils import timezone

from core.months import add_months, last_complete_month, month_range
from measurements.models import Unit
from tests.factories import ActionFactory, InitiativeFactory, MeasureFactory, MeasurementFactory

LINK = '<a href="//evil.example/">Se</a>'
MARKUP = '<b>fed</b><br><span style="color:red">rød</span> & co'


def measure_with_hostile_actions(department):
    """A proportion measure with twelve months of values up to last month, and the two tiltag in the seventh."""
    initiative = InitiativeFactory(department=department, year=2026)
    measure = MeasureFactory(
        initiative=initiative, code="ORT-ESC", unit=Unit.PROPORTION, start_month=dt.date(2025, 1, 1), target=20
    )
    last = last_complete_month(timezone.localdate())
    months = month_range(add_months(last, -11), last)
    for index, month in enumerate(months):
        MeasurementFactory(measure=measure, month=month, numerator=10 + index % 4, denominator=40)
    ActionFactory(initiative=initiative, date=months[6].replace(day=3), text=LINK)
    ActionFactory(initiative=initiative, date=months[6].replace(day=20), text=MARKUP)
    return measure, months
