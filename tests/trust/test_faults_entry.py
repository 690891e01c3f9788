"""Fault tests on real processes for monthly data entry: gunicorn serving the app on the PostgreSQL test database.

- load: 20 users save 500 values concurrently through HTTP (plus 20 racing for one cell); every save that got a
  success reply is in the database and in the history, none that failed left anything;
- the database connection is killed (`pg_terminate_backend`) in the middle of a three-section save: the user gets
  an error, the database holds none of it, and the next request works.
"""

import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.db import connection

from departments.access import Role
from measurements.models import Measurement

from ..factories import InitiativeFactory, MeasureFactory, MembershipFactory, SectionFactory, UserFactory
from .processes import Browser, gunicorn, require_postgres, wait_for

pytestmark = pytest.mark.postgres

USERS = 20
VALUES_PER_USER = 25  # 20 × 25 = 500 values
FIRST_MONTH = dt.date(2024, 1, 1)
# Every month stays open for entry in these tests (the lock rule is tested with the entry itself).
APP_ENV = {"VAELGKLOGT_LOCK_DAYS": 100_000}


def months(count, start=FIRST_MONTH):
    result, month = [], start
    for _ in range(count):
        result.append(month)
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return result


def save_url(measure, month):
    return f"/maalinger/{measure.pk}/maaned/{month:%Y-%m}/"


@pytest.fixture
def ward(transactional_db, home):
    require_postgres()
    return home


def key_people(department, count):
    users = []
    for i in range(count):
        user = UserFactory(username=f"bruger{i:02d}", password="pw")
        MembershipFactory(user=user, role=Role.KEY_PERSON, department=department)
        users.append(user)
    return users


def test_20_users_save_500_values_through_gunicorn_and_nothing_is_lost(ward, tmp_path, capsys):
    users = key_people(ward, USERS)
    initiative = InitiativeFactory(department=ward)
    measures = [
        MeasureFactory(initiative=initiative, code=f"LOAD-{i:02d}", per_section=False, start_month=FIRST_MONTH)
        for i in range(USERS)
    ]
    # Every 10th value is invalid on purpose (numerator above denominator): it must be refused and leave nothing.
    plan = {
        user.username: [
            (measure, month, (n % 10 == 9), 10 + n, 40 + n) for n, month in enumerate(months(VALUES_PER_USER))
        ]
        for user, measure in zip(users, measures, strict=True)
    }
    replies = []  # (username, measure id, month, numerator, denominator, status)
    lock = threading.Lock()

    def work(user):
        browser = Browser(base).sign_in(user.username, "pw")
        for measure, month, invalid, num, den in plan[user.username]:
            numerator = den + 5 if invalid else num
            response = browser.post(save_url(measure, month), data={"n-0": numerator, "d-0": den, "c-0": "", "v-0": ""})
            with lock:
                replies.append((user.username, measure.pk, month, numerator, den, response.status_code))

    with gunicorn(log_path=tmp_path / "gunicorn.log", workers=3, threads=4, **APP_ENV) as base:
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=USERS) as pool:
            list(pool.map(work, users))
        elapsed = time.monotonic() - started

        # Then all 20 race to change the same value, each having read version 1: exactly one may win.
        contested = (measures[0], FIRST_MONTH)
        browsers = [Browser(base).sign_in(user.username, "pw") for user in users]
        barrier = threading.Barrier(USERS)

        def race(i):
            barrier.wait()
            response = browsers[i].post(
                save_url(*contested), data={"n-0": i, "d-0": 100, "c-0": f"kapløb {i}", "v-0": 1}
            )
            return i, response.status_code

        with ThreadPoolExecutor(max_workers=USERS) as pool:
            race_replies = list(pool.map(race, range(USERS)))

    statuses = sorted({r[-1] for r in replies})
    assert set(statuses) <= {302, 422}, f"unexpected replies: {statuses}"
    succeeded = [r for r in replies if r[-1] == 302]
    failed = [r for r in replies if r[-1] != 302]
    assert len(replies) == USERS * VALUES_PER_USER
    invalid = sum(1 for values in plan.values() for value in values if value[2])
    assert len(failed) == invalid == USERS * 2  # exactly the invalid ones

    stored = {(m.measure_id, m.month): m for m in Measurement.objects.filter(measure__in=measures)}
    history = {}
    for row in Measurement.history.filter(measure__in=measures).order_by("history_id"):
        history.setdefault((row.measure_id, row.month), []).append(row)
    for username, measure_id, month, num, den, _status in succeeded:
        value = stored.get((measure_id, month))
        assert value is not None, f"saved value missing: {username} {month}"
        if (measure_id, month) != (contested[0].pk, contested[1]):
            assert (value.numerator, value.denominator, value.entered_by.username) == (num, den, username)
        created = history[(measure_id, month)][0]
        assert (created.history_type, created.numerator, created.denominator) == ("+", num, den)
        assert created.history_user.username == username
    for username, measure_id, month, *_rest in failed:
        assert (measure_id, month) not in stored, f"refused value was stored: {username} {month}"
        assert (measure_id, month) not in history, f"refused value left history: {username} {month}"

    winners = [i for i, status in race_replies if status == 302]
    assert len(winners) == 1, race_replies
    assert sorted(status for _i, status in race_replies) == [302] + [422] * (USERS - 1)
    value = Measurement.objects.get(measure=contested[0], month=contested[1])
    assert (value.numerator, value.version, value.comment) == (winners[0], 2, f"kapløb {winners[0]}")
    contested_history = Measurement.history.filter(measure=contested[0], month=contested[1])
    assert contested_history.count() == 2  # the creation and the one winning change

    with capsys.disabled():
        print(
            f"\nload: {USERS} users, {len(replies)} values in {elapsed:.1f} s, "
            f"{len(succeeded)} saved, {len(failed)} refused as invalid, 0 lost; race: 1 winner, {USERS - 1} conflicts"
        )


def _terminate_when_waiting(dbname, stop_event, found):
    """From a separate connection: wait for the app's backend to block on our lock, then terminate it."""
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}, autocommit=True) as watcher:
        while not stop_event.is_set():
            rows = watcher.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock' "
                "AND pid <> pg_backend_pid() AND query ILIKE '%%historicalmeasurement%%'",
                [dbname],
            ).fetchall()
            if rows:
                for (pid,) in rows:
                    watcher.execute("SELECT pg_terminate_backend(%s)", [pid])
                    found.append(pid)
                return
            time.sleep(0.05)


def test_connection_killed_mid_save_means_error_nothing_partial_and_the_next_request_works(ward, tmp_path):
    [user] = key_people(ward, 1)
    sections = [SectionFactory(department=ward, hospital=ward.hospitals.first()) for _ in range(3)]
    initiative = InitiativeFactory(department=ward)
    initiative.sections.set(sections)
    measure = MeasureFactory(initiative=initiative, code="KILL-01", per_section=True, start_month=FIRST_MONTH)
    month = FIRST_MONTH
    data = {}
    for i, section in enumerate(sections):
        data.update({f"n-{section.pk}": 1 + i, f"d-{section.pk}": 10, f"c-{section.pk}": "", f"v-{section.pk}": ""})
    dbname = connection.settings_dict["NAME"]
    params = {k: v for k, v in connection.get_connection_params().items() if k != "cursor_factory"}

    with gunicorn(log_path=tmp_path / "gunicorn.log", workers=1, threads=2, **APP_ENV) as base:
        browser = Browser(base).sign_in(user.username, "pw")
        stop, killed = threading.Event(), []
        # Hold the history table: the save writes its first measurement row, then blocks on the history insert.
        with psycopg.connect(**params) as blocker:
            blocker.execute("LOCK TABLE measurements_historicalmeasurement IN ACCESS EXCLUSIVE MODE")
            watcher = threading.Thread(target=_terminate_when_waiting, args=(dbname, stop, killed))
            watcher.start()
            try:
                response = browser.post(save_url(measure, month), data=data)
            finally:
                stop.set()
                watcher.join(timeout=10)
                blocker.rollback()

        assert killed, "the save never reached the database"
        assert response.status_code >= 500, response.status_code
        assert "Der opstod en fejl" in response.text  # the Danish error page, no stack trace
        assert not Measurement.objects.filter(measure=measure).exists()
        assert not Measurement.history.filter(measure=measure).exists()

        # The next request (the same worker, a fresh connection) saves the whole month.
        again = browser.post(save_url(measure, month), data=data)
        assert again.status_code == 302, again.status_code
        assert Measurement.objects.filter(measure=measure, month=month).count() == 3
        assert Measurement.history.filter(measure=measure, history_type="+").count() == 3
        assert wait_for(lambda: browser.get("/healthz").status_code == 200, timeout=5)
