"""Months lock a set number of days after they end; KDK reopens one month for one department, and every change is kept."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from measurements.locking import Locks, is_past_lock_date, lock_date, month_relock, month_reopen, reopened_now
from measurements.models import LockChange

from .conftest import OCT, SEP, TODAY

pytestmark = pytest.mark.django_db


def test_month_locks_the_configured_number_of_days_after_it_ends(settings):
    assert lock_date(dt.date(2026, 1, 1)) == dt.date(2026, 2, 16)
    assert not is_past_lock_date(dt.date(2026, 1, 1), today=dt.date(2026, 2, 15))
    assert is_past_lock_date(dt.date(2026, 1, 1), today=dt.date(2026, 2, 16))
    settings.VAELGKLOGT_LOCK_DAYS = 5
    assert lock_date(dt.date(2026, 12, 1)) == dt.date(2027, 1, 6)


def test_reopen_is_for_one_department_and_recorded_with_reason(home, away, kdk):
    change = month_reopen(department=home, month=SEP, reason="  Forkert udtræk  ", by=kdk, today=TODAY)
    assert (change.kind, change.reason, change.changed_by, change.month) == ("reopened", "Forkert udtræk", kdk, SEP)
    locks = Locks(today=TODAY)
    assert not locks.is_locked(home.pk, SEP)
    assert locks.is_locked(away.pk, SEP)
    assert locks.is_locked(home.pk, dt.date(2026, 8, 1))
    assert not locks.is_locked(home.pk, OCT)  # not locked yet anyway


def test_relock_records_a_second_change_and_locks_again(home, kdk):
    month_reopen(department=home, month=SEP, reason="Rettelse", by=kdk, today=TODAY)
    month_relock(department=home, month=SEP, reason="Rettet", by=kdk)
    assert list(LockChange.objects.order_by("id").values_list("kind", flat=True)) == ["reopened", "locked"]
    assert Locks(today=TODAY).is_locked(home.pk, SEP)
    assert reopened_now() == []


def test_reopen_needs_a_reason_and_a_locked_month(home, kdk):
    with pytest.raises(ValidationError) as caught:
        month_reopen(department=home, month=OCT, reason="", by=kdk, today=TODAY)
    assert caught.value.message_dict == {
        "reason": ["Skriv en begrundelse for at genåbne måneden."],
        "month": ["Oktober 2026 er ikke låst endnu; den låses 16. november 2026."],
    }
    assert not LockChange.objects.exists()


def test_reopening_twice_and_relocking_an_open_month_are_refused(home, kdk):
    month_reopen(department=home, month=SEP, reason="Rettelse", by=kdk, today=TODAY)
    with pytest.raises(ValidationError, match="allerede genåbnet"):
        month_reopen(department=home, month=SEP, reason="Igen", by=kdk, today=TODAY)
    with pytest.raises(ValidationError, match="ikke genåbnet"):
        month_relock(department=home, month=dt.date(2026, 8, 1), by=kdk)
    assert LockChange.objects.count() == 1


@pytest.mark.parametrize("who", ["noegle", "leder", "direktion", "udenfor"])
def test_only_kdk_changes_locks(request, home, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        month_reopen(department=home, month=SEP, reason="Vil rette", by=user, today=TODAY)
    assert not LockChange.objects.exists()


def test_lock_state_is_read_once_per_department(home, kdk, django_assert_num_queries):
    month_reopen(department=home, month=SEP, reason="Rettelse", by=kdk, today=TODAY)
    locks = Locks(today=TODAY)
    with django_assert_num_queries(1):
        results = [locks.is_locked(home.pk, dt.date(2026, month, 1)) for month in range(1, 12)]
    assert results == [True] * 8 + [False, False, False]
