"""Period locking: when a month's numbers stop changing, and KDK's reopening of a month for one department.

A month locks by itself `VAELGKLOGT_LOCK_DAYS` days after it ends: with the default 15, January is open until
15 February and locked from 16 February. KDK can reopen a locked month for one department (a reason is required)
and lock it again; both are recorded as `LockChange` rows, and the latest change for a department and month
decides. Locks apply to everybody, KDK included: a change to a locked month is always preceded by a recorded reopening.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.months import add_months, first_of_month, month_label
from departments.access import is_kdk

from .models import LockChange


def lock_days() -> int:
    return settings.VAELGKLOGT_LOCK_DAYS


def lock_date(month: dt.date) -> dt.date:
    """The first day on which `month` is locked."""
    return add_months(first_of_month(month), 1) + dt.timedelta(days=lock_days())


def is_past_lock_date(month: dt.date, *, today: dt.date) -> bool:
    return today >= lock_date(month)


def _effective_kind(change, today: dt.date | None) -> str:
    """A reopening granted for a number of days (`open_until`) counts as a relock from the day after."""
    if change.kind == LockChange.Kind.REOPENED and change.open_until and today and today > change.open_until:
        return LockChange.Kind.LOCKED
    return change.kind


def _latest_kinds(changes, today: dt.date | None = None) -> dict[tuple[int, dt.date], str]:
    """(department id, month) → kind of the latest change (as in force on `today`), from changes in any order."""
    latest: dict[tuple[int, dt.date], tuple] = {}
    for change in changes:
        key = (change.department_id, change.month)
        rank = (change.changed_at, change.pk)
        if key not in latest or rank > latest[key][0]:
            latest[key] = (rank, _effective_kind(change, today))
    return {key: kind for key, (_rank, kind) in latest.items()}


class Locks:
    """Lock state for one `today`, reading each department's recorded changes once (one query per department).

    Pass one instance through a batch of writes (a grid row, an import) so the check costs no query per value.
    """

    def __init__(self, *, today: dt.date):
        self.today = today
        self._reopened: dict[int, dict[dt.date, dt.date | None]] = {}

    def preload(self, department_ids) -> None:
        wanted = [pk for pk in set(department_ids) if pk not in self._reopened]
        if not wanted:
            return
        changes = list(
            LockChange.objects.filter(department_id__in=wanted).only(
                "id", "department_id", "month", "kind", "changed_at", "open_until"
            )
        )
        latest = _latest_kinds(changes, self.today)
        until = {}
        for change in sorted(changes, key=lambda c: (c.changed_at, c.pk)):
            until[(change.department_id, change.month)] = change.open_until
        for pk in wanted:
            self._reopened[pk] = {
                month: until[(department_id, month)]
                for (department_id, month), kind in latest.items()
                if department_id == pk and kind == LockChange.Kind.REOPENED
            }

    def reopened(self, department_id: int) -> frozenset[dt.date]:
        self.preload([department_id])
        return frozenset(self._reopened[department_id])

    def reopened_until(self, department_id: int) -> dict[dt.date, dt.date | None]:
        """Reopened month → the last day it stays open (None: until KDK locks it again)."""
        self.preload([department_id])
        return self._reopened[department_id]

    def is_locked(self, department_id: int, month: dt.date) -> bool:
        if not is_past_lock_date(month, today=self.today):
            return False
        return first_of_month(month) not in self.reopened(department_id)


def locked_message(month: dt.date) -> str:
    return _("%(month)s er låst (fra %(date)s). Bed KDK om at genåbne måneden fra målingens side.") % {
        "month": month_label(month).capitalize(),
        "date": date_format(lock_date(month), "j. F Y"),
    }


@dataclass(frozen=True)
class LockState:
    month: dt.date
    locked: bool
    reopened: bool
    lock_date: dt.date


def _require_kdk(by) -> None:
    if not is_kdk(by):
        raise PermissionDenied(_("Kun KDK kan genåbne og låse måneder."))


def _latest_kind(department, month, today: dt.date | None = None) -> str | None:
    change = LockChange.objects.filter(department=department, month=month).order_by("-changed_at", "-id").first()
    return _effective_kind(change, today or timezone.localdate()) if change else None


@transaction.atomic
def month_reopen(
    *, department, month: dt.date, reason: str, by, today: dt.date, open_until: dt.date | None = None
) -> LockChange:
    """KDK reopens a locked month for one department; the reason is kept with the change. With `open_until` the
    month locks again by itself the day after (a granted reopen request)."""
    _require_kdk(by)
    month = first_of_month(month)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Skriv en begrundelse for at genåbne måneden.")
    if not is_past_lock_date(month, today=today):
        errors["month"] = _("%(month)s er ikke låst endnu; den låses %(date)s.") % {
            "month": month_label(month).capitalize(),
            "date": date_format(lock_date(month), "j. F Y"),
        }
    elif _latest_kind(department, month, today) == LockChange.Kind.REOPENED:
        errors["month"] = _("%(month)s er allerede genåbnet for %(department)s.") % {
            "month": month_label(month).capitalize(),
            "department": department,
        }
    if errors:
        raise ValidationError(errors)
    return LockChange.objects.create(
        department=department,
        month=month,
        kind=LockChange.Kind.REOPENED,
        reason=reason,
        changed_by=by,
        open_until=open_until,
    )


@transaction.atomic
def month_relock(*, department, month: dt.date, reason: str = "", by) -> LockChange:
    """KDK locks a reopened month again."""
    _require_kdk(by)
    month = first_of_month(month)
    if _latest_kind(department, month, timezone.localdate()) != LockChange.Kind.REOPENED:
        raise ValidationError({"month": _("%(month)s er ikke genåbnet.") % {"month": month_label(month).capitalize()}})
    return LockChange.objects.create(
        department=department,
        month=month,
        kind=LockChange.Kind.LOCKED,
        reason=(reason or "").strip(),
        changed_by=by,
    )


def reopened_now(departments=None, *, today: dt.date | None = None) -> list[LockChange]:
    """The reopenings still in force (latest change is a reopening, not expired), newest first."""
    today = today or timezone.localdate()
    changes = LockChange.objects.select_related("department", "changed_by")
    if departments is not None:
        changes = changes.filter(department__in=departments)
    changes = list(changes)
    latest = _latest_kinds(changes, today)
    seen = set()
    result = []
    for change in changes:  # newest first (model ordering)
        key = (change.department_id, change.month)
        if key in seen:
            continue
        seen.add(key)
        if latest[key] == LockChange.Kind.REOPENED:
            result.append(change)
    return result
