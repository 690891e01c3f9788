"""What celery beat starts: quarter reports, inspiration reports before meetings, monthly reminders; and the commands."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from departments.access import Role
from reports import schedules
from reports.models import ReminderSent, Report
from tests.factories import (
    InitiativeFactory,
    MeasureFactory,
    MeasurementFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    sent = []
    monkeypatch.setattr("reports.services.enqueue", sent.append)
    return sent


def test_beat_schedule_names_existing_tasks_and_configured_days():
    import reports.tasks  # noqa: F401  registers the tasks
    from vaelgklogt.celery import app

    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {entry["task"] for entry in schedule.values()} <= set(app.tasks)
    quality = schedule["quality-team-reports"]["schedule"]
    assert quality.day_of_month == {settings.VAELGKLOGT_QUALITY_TEAM_REPORT_DAY}
    assert quality.month_of_year == {1, 4, 7, 10}
    assert schedule["missing-value-reminders"]["schedule"].day_of_month == {settings.VAELGKLOGT_REMINDER_DAY}


def test_quality_team_reports_for_the_quarter_just_ended_once_per_department(home, away):
    first = schedules.request_quality_team_reports(today=dt.date(2026, 4, 3))
    second = schedules.request_quality_team_reports(today=dt.date(2026, 4, 4))

    assert first == second
    assert sorted(Report.objects.values_list("department__code", "period")) == [("med", "2026Q1"), ("ort", "2026Q1")]


def test_inspiration_report_is_requested_the_set_number_of_days_before_the_meeting(settings):
    settings.VAELGKLOGT_INSPIRATION_REPORT_DAYS_BEFORE = 7
    meeting = MeetingFactory(date=dt.date(2026, 6, 9), title="Inspirationsmøde 2")

    assert schedules.request_inspiration_reports(today=dt.date(2026, 6, 1)) == []  # 8 days before
    [report_id] = schedules.request_inspiration_reports(today=dt.date(2026, 6, 2))
    assert schedules.request_inspiration_reports(today=dt.date(2026, 6, 3)) == [report_id]  # the same report
    assert schedules.request_inspiration_reports(today=dt.date(2026, 6, 10)) == []  # after the meeting

    report = Report.objects.get()
    assert (report.kind, report.period, report.meeting, report.department) == ("inspiration", "2026Q2", meeting, None)


def _measured(department, *, months):
    measure = MeasureFactory(
        initiative=InitiativeFactory(department=department, year=2026), start_month=dt.date(2026, 1, 1)
    )
    for month in months:
        MeasurementFactory(measure=measure, month=dt.date(2026, month, 1))
    return measure


def test_reminder_goes_to_key_persons_of_departments_with_missing_values_once_a_month(home, away, noegle, udenfor):
    measure = _measured(home, months=[1, 2, 4])  # March missing
    _measured(away, months=[1, 2, 3, 4])  # complete
    noegle.email, udenfor.email = "noegle@example.invalid", "udenfor@example.invalid"
    noegle.save(), udenfor.save()
    leder = UserFactory(email="leder@example.invalid")
    MembershipFactory(user=leder, role=Role.MANAGEMENT, department=home)

    assert schedules.send_missing_value_reminders(today=dt.date(2026, 5, 5)) == 1
    assert schedules.send_missing_value_reminders(today=dt.date(2026, 5, 6)) == 0  # redelivered / run twice

    [message] = mail.outbox
    assert message.to == ["noegle@example.invalid"]
    assert home.name in message.subject
    assert measure.name in message.body and "marts 2026" in message.body and "april" not in message.body
    assert ReminderSent.objects.get().month == dt.date(2026, 5, 1)


def test_no_reminder_when_nothing_is_missing(home, noegle):
    _measured(home, months=[1, 2, 3, 4])
    noegle.email = "noegle@example.invalid"
    noegle.save()
    assert schedules.send_missing_value_reminders(today=dt.date(2026, 5, 5)) == 0
    assert mail.outbox == []


def test_build_reports_command_builds_without_a_broker(home, away, settings, tmp_path, no_broker):
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()

    call_command("build_reports", "--kind", "quality-team", "--period", "2026Q1", "--department", "med", stdout=out)
    call_command("build_reports", "--kind", "quality-team", "--period", "2026Q1", "--department", "med", stdout=out)

    report = Report.objects.get()
    assert (report.department, report.status) == (away, Report.Status.DONE)
    assert report.pdf_file.read().startswith(b"%PDF")
    assert "færdig" in out.getvalue() and "findes allerede" in out.getvalue()
    assert no_broker == []  # nothing was sent to a broker


@pytest.mark.parametrize(
    "args,message",
    [
        (["--kind", "quality-team", "--period", "2026-01"], "2026Q1"),
        (["--kind", "quality-team", "--period", "2026Q1", "--department", "xyz"], "Ukendte afdelinger: xyz"),
        (["--kind", "inspiration", "--period", "2026Q1", "--department", "ort"], "alle afdelinger"),
    ],
)
def test_build_reports_command_explains_bad_arguments(home, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("build_reports", *args, stdout=io.StringIO())
    assert not Report.objects.exists()


def test_reminder_lists_missing_months_oldest_first(home, noegle):
    _measured(home, months=[1, 4])  # February and March missing
    noegle.email = "noegle@example.invalid"
    noegle.save()
    assert schedules.send_missing_value_reminders(today=dt.date(2026, 5, 5)) == 1
    [message] = mail.outbox
    assert "februar 2026, marts 2026" in message.body
