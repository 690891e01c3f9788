"""Read side of data quality and sign-off (issue 14): what a department's month holds, whether it was reported on
time, which values were questioned or flagged, which quarters are approved, and what waits for whom.

Writes are in `measurements.services`; the rules of who may do what in `departments.access`. Every function here
runs a fixed number of queries whatever the number of departments, measures and months.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.months import add_months, last_complete_month
from initiatives.models import Initiative

from .locking import lock_date
from .models import (
    FollowUpFlag,
    GapReason,
    Measure,
    Measurement,
    MonthReport,
    QuarterApproval,
    ReopenRequest,
    ValueCheck,
    value_text,
)
from .periods import measure_months, measure_slots, quarter_months, quarter_of


def danish_date(day: dt.date) -> str:
    return date_format(day, "j. F Y")


# --- a department's month -------------------------------------------------------------------------------------------


@dataclass
class MonthCell:
    measure: Measure
    section: object  # Section or None (whole department)
    value: Measurement | None
    gap: GapReason | None

    @property
    def missing(self) -> bool:
        return self.value is None and self.gap is None


def department_measures(department_id: int):
    """The department's measures that count (those of initiatives that are not stopped)."""
    return (
        Measure.objects.filter(initiative__department_id=department_id)
        .exclude(initiative__status=Initiative.Status.STOPPED)
        .select_related("initiative__recommendation")
        .prefetch_related("initiative__sections")
        .order_by("initiative__recommendation__title", "kind", "name", "pk")
    )


def month_cells(department_id: int, month: dt.date, *, today: dt.date) -> list[MonthCell]:
    """Every value due for the department's month (each measure × section): stored, explained gap, or missing.

    Four queries whatever the number of measures.
    """
    measures = [m for m in department_measures(department_id) if month in measure_months(m, today=today)]
    ids = [m.pk for m in measures]
    values = {
        (v.measure_id, v.section_id): v
        for v in Measurement.objects.filter(measure_id__in=ids, month=month).select_related("entered_by")
    }
    gaps = {(g.measure_id, g.section_id): g for g in GapReason.objects.filter(measure_id__in=ids, month=month)}
    cells = []
    for measure in measures:
        for slot in measure_slots(measure):
            key = (measure.pk, getattr(slot, "pk", None))
            value = values.get(key)
            cells.append(MonthCell(measure, slot, value, None if value else gaps.get(key)))
    return cells


# --- timeliness -----------------------------------------------------------------------------------------------------


class Timeliness(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    NOT_REPORTED = "not_reported"  # past the lock date and not reported
    OPEN = "open"  # not reported yet, before the lock date


@dataclass(frozen=True)
class MonthTimeliness:
    month: dt.date
    state: Timeliness
    report: MonthReport | None

    @property
    def label(self) -> str:
        return {
            Timeliness.ON_TIME: _("Rettidigt"),
            Timeliness.LATE: _("For sent"),
            Timeliness.NOT_REPORTED: _("Ikke indberettet"),
            Timeliness.OPEN: _("Åben"),
        }[self.state]

    @property
    def detail(self) -> str:
        if self.report is None:
            return _("Frist: %(date)s") % {"date": danish_date(lock_date(self.month) - dt.timedelta(days=1))}
        return _("Indberettet %(date)s") % {"date": danish_date(timezone.localtime(self.report.reported_at).date())}


def timeliness(report: MonthReport | None, month: dt.date, *, today: dt.date) -> MonthTimeliness:
    """On time = marked *indberettet* before the month's lock date (the first locked day)."""
    if report is not None:
        return MonthTimeliness(month, Timeliness.ON_TIME if report.on_time else Timeliness.LATE, report)
    state = Timeliness.NOT_REPORTED if today >= lock_date(month) else Timeliness.OPEN
    return MonthTimeliness(month, state, None)


def timeliness_by_department(department_ids, months: list[dt.date], *, today: dt.date) -> dict[int, list]:
    """Department id → [MonthTimeliness per month], one query."""
    reports = {
        (r.department_id, r.month): r
        for r in MonthReport.objects.filter(department_id__in=list(department_ids), month__in=months)
        .select_related("reported_by")
        .order_by()  # into a dict: the model's ordering would join departments to sort
    }
    return {pk: [timeliness(reports.get((pk, month)), month, today=today) for month in months] for pk in department_ids}


def year_months_due(year: int, *, today: dt.date) -> list[dt.date]:
    """The year's months that have ended, oldest first."""
    last = last_complete_month(today)
    return [dt.date(year, m, 1) for m in range(1, 13) if dt.date(year, m, 1) <= last]


@dataclass(frozen=True)
class TimelinessSummary:
    on_time: int
    late: int
    not_reported: int
    due: int

    @property
    def text(self) -> str:
        return _("%(on_time)d af %(due)d måneder rettidigt indberettet") % {"on_time": self.on_time, "due": self.due}


def summarise(months: list[MonthTimeliness]) -> TimelinessSummary:
    due = [m for m in months if m.state != Timeliness.OPEN]
    return TimelinessSummary(
        on_time=sum(m.state == Timeliness.ON_TIME for m in due),
        late=sum(m.state == Timeliness.LATE for m in due),
        not_reported=sum(m.state == Timeliness.NOT_REPORTED for m in due),
        due=len(due),
    )


# --- quarter approvals ----------------------------------------------------------------------------------------------


def approvals_by_department(department_ids, quarter: str) -> dict[int, QuarterApproval]:
    """Department id → its approval in force for `quarter` (absent: not approved). One query."""
    return {
        a.department_id: a
        for a in QuarterApproval.objects.filter(
            department_id__in=list(department_ids), quarter=quarter, status=QuarterApproval.Status.APPROVED
        ).select_related("approved_by")
    }


def approval_text(approval: QuarterApproval | None) -> str:
    if approval is None:
        return _("Ikke godkendt")
    who = approval.approved_by.get_full_name() or approval.approved_by.get_username() if approval.approved_by else ""
    text = _("Godkendt af %(who)s, %(date)s") % {
        "who": who,
        "date": danish_date(timezone.localtime(approval.approved_at).date()),
    }
    if approval.changed_at:
        text += " · " + _("ændret efter godkendelse")
    return text


def quarter_stamp(department_id: int, quarter: str) -> int:
    """How many changes the department's values of the quarter have had so far (history rows never go away, so
    the count grows with every committed save). The approval form carries it; approving checks it again."""
    months = quarter_months(quarter)
    return Measurement.history.filter(measure__initiative__department_id=department_id, month__in=months).count()


def changes_after_approval(approval: QuarterApproval) -> list:
    """The history rows of the quarter's values saved after the approval, oldest first."""
    months = quarter_months(approval.quarter)
    records = list(
        Measurement.history.filter(
            measure__initiative__department_id=approval.department_id,
            month__in=months,
            history_date__gt=approval.approved_at,
        )
        .select_related("history_user", "measure", "section")
        .order_by("history_date", "history_id")
    )
    for record in records:
        record.value_text = value_text(record)  # in words, for every unit ("n = 24, gns. 31,5 (SD 4,2)")
    return records


# --- questioned and flagged values ----------------------------------------------------------------------------------


def questioned(departments) -> list[ValueCheck]:
    """Questioned values of the departments (queryset), unexplained first."""
    return list(
        ValueCheck.objects.filter(measurement__measure__initiative__department__in=departments)
        .select_related(
            "measurement__measure__initiative__department",
            "measurement__section",
            "measurement__entered_by",
            "explained_by",
        )
        .order_by("explained_at", "-created_at")[:500]
    )


def flagged(departments, *, open_only: bool = True) -> list[FollowUpFlag]:
    flags = FollowUpFlag.objects.filter(measurement__measure__initiative__department__in=departments)
    if open_only:
        flags = flags.filter(cleared_at__isnull=True)
    return list(
        flags.select_related(
            "measurement__measure__initiative__department", "measurement__section", "set_by", "cleared_by"
        ).order_by("cleared_at", "-set_at")[:500]
    )


# --- "Det venter på dig" ------------------------------------------------------------------------------------------


@dataclass
class Waiting:
    months_to_report: list[tuple] = field(default_factory=list)  # (department, month, missing count)
    values_to_explain: list[ValueCheck] = field(default_factory=list)
    quarters_to_approve: list[tuple] = field(default_factory=list)  # (department, quarter string, label)
    flags: list[FollowUpFlag] = field(default_factory=list)
    reopen_requests: list[ReopenRequest] = field(default_factory=list)
    departments_behind: list[tuple] = field(default_factory=list)  # (department, month)
    decided_requests: list[ReopenRequest] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.months_to_report,
                self.values_to_explain,
                self.quarters_to_approve,
                self.flags,
                self.reopen_requests,
                self.departments_behind,
                self.decided_requests,
            )
        )


def quarter_to_approve(today: dt.date) -> str:
    """The quarter management approves now: the last quarter that has ended."""
    quarter_start = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    return quarter_of(add_months(quarter_start, -1))


def quarter_label(quarter: str) -> str:
    return _("%(number)s. kvartal %(year)s") % {"number": quarter[5], "year": quarter[:4]}


def waiting_for(user, *, today: dt.date) -> Waiting:
    """What waits for the user on the start page, by role. A fixed number of queries."""
    from departments.access import access_for
    from departments.models import Department

    access = access_for(user)
    waiting = Waiting()
    month = last_complete_month(today)
    own = Department.objects.filter(pk__in=access.enter).order_by("name")
    if access.enter:
        reported = set(
            MonthReport.objects.filter(department__in=own, month=month).values_list("department_id", flat=True)
        )
        for department in own:
            if department.pk not in reported:
                waiting.months_to_report.append((department, month))
        waiting.values_to_explain = list(
            ValueCheck.objects.filter(
                measurement__measure__initiative__department__in=own, explained_at__isnull=True
            ).select_related("measurement__measure", "measurement__section")[:20]
        )
        waiting.decided_requests = list(
            ReopenRequest.objects.filter(
                requested_by=user,
                decided_at__gte=timezone.now() - dt.timedelta(days=14),
            ).select_related("department")[:10]
        )
    managed = access.managed_by_role if not access.is_kdk else frozenset()
    if managed:
        quarter = quarter_to_approve(today)
        approved = set(
            QuarterApproval.objects.filter(
                department_id__in=managed, quarter=quarter, status=QuarterApproval.Status.APPROVED
            ).values_list("department_id", flat=True)
        )
        for department in Department.objects.filter(pk__in=managed).order_by("name"):
            if department.pk not in approved:
                waiting.quarters_to_approve.append((department, quarter, quarter_label(quarter)))
        waiting.flags = flagged(Department.objects.filter(pk__in=managed))[:20]
    if access.is_kdk:
        waiting.reopen_requests = list(
            ReopenRequest.objects.filter(status=ReopenRequest.Status.PENDING).select_related(
                "department", "requested_by"
            )[:50]
        )
        reported = MonthReport.objects.filter(month=month).values("department_id")
        behind = Department.objects.exclude(pk__in=reported).order_by("name")
        if today >= lock_date(month):
            waiting.departments_behind = [(department, month) for department in behind[:50]]
        waiting.flags = flagged(Department.objects.all())[:20]
    return waiting


def missing_by_department(cells: list[MonthCell]) -> dict:
    grouped = defaultdict(list)
    for cell in cells:
        if cell.missing:
            grouped[cell.measure].append(cell)
    return grouped
