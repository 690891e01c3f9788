"""Two people saving the same cell at the same time, on two real PostgreSQL connections (not one test transaction).

User A's save is held open (not committed) while user B saves with the same version: B's conditional UPDATE waits
for A's row lock, then finds the version moved on, and B is refused with A's value. Nothing is overwritten.
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from measurements.models import Measurement
from measurements.services import MeasurementConflict, Outcome, measurement_record

from .conftest import OCT, TODAY

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks between two connections")


def _save(measure, user, numerator, version):
    return measurement_record(
        measure=measure,
        section=None,
        month=OCT,
        numerator=numerator,
        denominator="",
        expected_version=version,
        by=user,
        today=TODAY,
    )


def _race(first, second):
    """Run `first` inside a transaction held open until `second` has started and is blocked; return both outcomes."""
    outcomes = {}
    first_saved, release = threading.Event(), threading.Event()

    def run_first():
        try:
            with transaction.atomic():
                outcomes["first"] = first()
                first_saved.set()
                release.wait(10)
        except Exception as exc:  # pragma: no cover - reported by the assertions below
            outcomes["first"] = exc
            first_saved.set()
        finally:
            connections.close_all()

    def run_second():
        try:
            outcomes["second"] = second()
        except Exception as exc:
            outcomes["second"] = exc
        finally:
            connections.close_all()

    a = threading.Thread(target=run_first)
    a.start()
    assert first_saved.wait(10)
    b = threading.Thread(target=run_second)
    b.start()
    time.sleep(0.5)
    blocked = b.is_alive()  # B waits for A's row lock
    release.set()
    a.join(10)
    b.join(10)
    return outcomes, blocked


def test_second_of_two_concurrent_changes_is_refused_with_the_first_value(count, noegle, leder):
    _save(count, noegle, "3", None)

    outcomes, blocked = _race(lambda: _save(count, leder, "4", 1), lambda: _save(count, noegle, "9", 1))

    assert blocked, "the second save should wait for the first one's row lock"
    assert outcomes["first"].outcome == Outcome.UPDATED
    conflict = outcomes["second"]
    assert isinstance(conflict, MeasurementConflict)
    assert conflict.current.numerator == 4
    assert conflict.by_name == leder.first_name
    stored = Measurement.objects.get()
    assert (stored.numerator, stored.version, stored.entered_by) == (4, 2, leder)
    assert list(stored.history.order_by("history_id").values_list("history_type", "numerator")) == [
        ("+", 3),
        ("~", 4),
    ]


def test_second_of_two_concurrent_first_entries_is_refused(count, noegle, leder):
    outcomes, blocked = _race(lambda: _save(count, leder, "4", None), lambda: _save(count, noegle, "9", None))

    assert blocked, "the second insert should wait for the first one's unique index entry"
    assert outcomes["first"].outcome == Outcome.CREATED
    assert isinstance(outcomes["second"], MeasurementConflict)
    assert outcomes["second"].current.numerator == 4
    assert list(Measurement.objects.values_list("numerator", flat=True)) == [4]


def test_delete_racing_a_change_is_refused(count, noegle, leder):
    _save(count, noegle, "3", None)

    outcomes, _blocked = _race(lambda: _save(count, leder, "4", 1), lambda: _save(count, noegle, "", 1))

    assert isinstance(outcomes["second"], MeasurementConflict)
    assert Measurement.objects.get().numerator == 4
