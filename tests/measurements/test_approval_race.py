"""A save and an approval at the same moment, on two PostgreSQL connections, end in one of the two stated outcomes:

* the save commits first → the approval is refused (it was given from a page older than the value): nothing approved;
* the approval commits first → the save marks the quarter *ændret efter godkendelse*.

Never an approved quarter that silently contains a newer value. Each test holds one transaction open on purpose and
shows that the other waits for it (the department row lock of `measurements.services`)."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from measurements import dataquality
from measurements.models import Measurement, QuarterApproval
from measurements.services import measurement_record, quarter_approve

from .conftest import OCT, TODAY

pytestmark = pytest.mark.django_db(transaction=True)


def _in_thread(work, results, key):
    def run():
        try:
            results[key] = work()
        except Exception as exc:
            results[key] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _save(count, noegle, numerator):
    return measurement_record(
        measure=count,
        section=None,
        month=OCT,
        numerator=numerator,
        denominator="",
        expected_version=None,
        by=noegle,
        today=TODAY,
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections need PostgreSQL")
def test_save_committing_first_makes_the_waiting_approval_refused(home, noegle, leder, count):
    seen = dataquality.quarter_stamp(home.pk, "2026Q4")
    release, saved = threading.Event(), threading.Event()
    results = {}

    def save_and_hold():
        with transaction.atomic():
            recorded = _save(count, noegle, 7)
            saved.set()
            release.wait(10)
        return recorded

    saver = _in_thread(save_and_hold, results, "save")
    assert saved.wait(10)
    approver = _in_thread(
        lambda: quarter_approve(department=home, quarter="2026Q4", seen=seen, by=leder), results, "approve"
    )
    time.sleep(1)
    assert approver.is_alive(), "the approval must wait for the save in progress"
    release.set()
    saver.join(10)
    approver.join(10)
    assert isinstance(results["approve"], ValidationError)
    assert not QuarterApproval.objects.exists()
    assert Measurement.objects.get(measure=count, month=OCT).numerator == 7


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections need PostgreSQL")
def test_approval_committing_first_makes_the_waiting_save_mark_the_quarter_changed(home, noegle, leder, count):
    seen = dataquality.quarter_stamp(home.pk, "2026Q4")
    release, approved = threading.Event(), threading.Event()
    results = {}

    def approve_and_hold():
        with transaction.atomic():
            approval = quarter_approve(department=home, quarter="2026Q4", seen=seen, by=leder)
            approved.set()
            release.wait(10)
        return approval

    approver = _in_thread(approve_and_hold, results, "approve")
    assert approved.wait(10)
    saver = _in_thread(lambda: _save(count, noegle, 7), results, "save")
    time.sleep(1)
    assert saver.is_alive(), "the save must wait for the approval in progress"
    release.set()
    approver.join(10)
    saver.join(10)
    assert not isinstance(results["save"], Exception), results["save"]
    approval = QuarterApproval.objects.get()
    assert approval.status == "approved" and approval.changed_at is not None
    assert [c.numerator for c in dataquality.changes_after_approval(approval)] == [7]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections need PostgreSQL")
def test_saves_in_one_department_do_not_wait_for_each_other(home, noegle, count, rate):
    release, saved = threading.Event(), threading.Event()
    results = {}

    def save_and_hold():
        with transaction.atomic():
            _save(count, noegle, 7)
            saved.set()
            release.wait(10)

    holder = _in_thread(save_and_hold, results, "first")
    assert saved.wait(10)
    other = _in_thread(
        lambda: measurement_record(
            measure=rate,
            section=None,
            month=OCT,
            numerator=1,
            denominator=10,
            expected_version=None,
            by=noegle,
            today=TODAY,
        ),
        results,
        "second",
    )
    other.join(5)
    assert not other.is_alive(), "a second save must not wait for the first (shared lock)"
    release.set()
    holder.join(10)
    assert Measurement.objects.filter(measure__in=[count, rate]).count() == 2
