"""Thin Celery tasks: arguments are ids, the work is in `reports.services` and `reports.schedules`.

Late acknowledgement and reject-on-worker-lost are on for every task (settings); the tasks are idempotent, so a
message delivered twice does no harm.
"""

from celery import shared_task

from . import schedules, services


@shared_task(name="reports.build_report")
def build_report(report_id: int) -> str | None:
    return services.run_report(report_id=report_id)


@shared_task(name="reports.sweep_reports")
def sweep_reports() -> list[int]:
    return services.sweep()


@shared_task(name="reports.schedule_quality_team_reports")
def schedule_quality_team_reports() -> list[int]:
    return schedules.request_quality_team_reports()


@shared_task(name="reports.schedule_inspiration_reports")
def schedule_inspiration_reports() -> list[int]:
    return schedules.request_inspiration_reports()


@shared_task(name="reports.send_missing_value_reminders")
def send_missing_value_reminders() -> int:
    return schedules.send_missing_value_reminders()
