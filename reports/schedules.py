"""What celery beat starts (see CELERY_BEAT_SCHEDULE in settings): the quarter's quality-team reports, the
inspiration report before each meeting, and the monthly reminder about missing values. Each is safe to run twice."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.months import last_complete_month
from core.quarters import Quarter
from departments.access import Role
from departments.models import Department, Membership, UserProfile
from initiatives.models import Initiative, Meeting
from measurements.models import Measure, MonthReport
from measurements.periods import completeness_for

from .models import ReminderSent, Report
from .services import request_report

logger = logging.getLogger(__name__)


def request_quality_team_reports(*, today: dt.date | None = None) -> list[int]:
    """Every department's report for the quarter that ended last (one row each, however often this runs)."""
    today = today or timezone.localdate()
    quarter = Quarter.last_complete(today)
    return [
        request_report(kind=Report.Kind.QUALITY_TEAM, department=department, period=quarter).pk
        for department in Department.objects.order_by("name")
    ]


def request_inspiration_reports(*, today: dt.date | None = None) -> list[int]:
    """The report for every inspiration meeting within the next VAELGKLOGT_INSPIRATION_REPORT_DAYS_BEFORE days."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=settings.VAELGKLOGT_INSPIRATION_REPORT_DAYS_BEFORE)
    meetings = Meeting.objects.filter(kind=Meeting.Kind.INSPIRATION, date__gte=today, date__lte=horizon)
    return [
        request_report(kind=Report.Kind.INSPIRATION, period=Quarter.of(meeting.date), meeting=meeting).pk
        for meeting in meetings.order_by("date")
    ]


def missing_values_by_department(*, today: dt.date) -> dict[int, list[tuple[Measure, list[dt.date]]]]:
    """Department id → [(measure, missing months newest first)] for this year's measures with missing values."""
    year = last_complete_month(today).year
    measures = (
        Measure.objects.filter(initiative__year=year)
        .exclude(initiative__status=Initiative.Status.STOPPED)
        .select_related("initiative")
    )
    completeness = completeness_for(measures, today=today)
    missing: dict[int, list] = defaultdict(list)
    for measure in measures.order_by("initiative__department_id", "name"):
        result = completeness.get(measure.pk)
        if result and result.missing:
            missing[measure.initiative.department_id].append((measure, list(result.missing_oldest_first)))
    return missing


def send_missing_value_reminders(*, today: dt.date | None = None) -> int:
    """One e-mail per key person whose department has missing values and has not reported last month complete
    (*indberettet*); at most one per person and month."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    missing = missing_values_by_department(today=today)
    reported = set(
        MonthReport.objects.filter(month=last_complete_month(today), department_id__in=list(missing)).values_list(
            "department_id", flat=True
        )
    )
    missing = {pk: values for pk, values in missing.items() if pk not in reported}
    if not missing:
        return 0
    recipients: dict = defaultdict(list)
    # Integrations (users of kind system) are never reminded.
    memberships = Membership.objects.filter(
        role=Role.KEY_PERSON, department__in=missing.keys(), user__is_active=True
    ).exclude(user__profile__kind=UserProfile.Kind.SYSTEM)
    for membership in memberships.select_related("user", "department").order_by("department__name"):
        if membership.user.email:
            recipients[membership.user].append(membership.department)
    sent = 0
    for user, departments in recipients.items():
        try:
            with transaction.atomic():
                ReminderSent.objects.create(user=user, month=month)
        except IntegrityError:
            continue  # already reminded this month
        with translation.override("da"):
            context = {
                "user": user,
                "departments": [(department, missing[department.pk]) for department in departments],
                "month": month,
            }
            subject = _("Vælg Klogt: der mangler målinger i %(departments)s") % {
                "departments": ", ".join(d.name for d in departments)
            }
            body = render_to_string("reports/reports_reminder_email.txt", context)
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except Exception:
            ReminderSent.objects.filter(user=user, month=month).delete()  # try again next run
            logger.exception("Could not send the missing-values reminder to %s", user.pk)
            continue
        sent += 1
    return sent
