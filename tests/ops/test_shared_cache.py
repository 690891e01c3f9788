"""A shared cache (CACHE_URL, Redis) between web processes: a chart remembered by one gunicorn is served by another
(a cross-process hit, not a fresh computation), and a value saved through one shows at once on the other."""

from __future__ import annotations

import pickle

import pytest
import redis

from departments.access import Role
from measurements.models import Measurement
from tests.factories import MembershipFactory, UserFactory
from tests.reports import report_data
from tests.trust.processes import Browser, RedisServer, gunicorn, require_postgres, wait_for

pytestmark = pytest.mark.postgres

MARK = "Fra den delte cache"


def _chart_keys(client: redis.Redis) -> list[bytes]:
    return list(client.scan_iter(match="*vk:chart:*"))


def test_two_web_processes_share_remembered_charts_and_see_each_others_saves(transactional_db, home, tmp_path):
    require_postgres()
    _initiative, measure = report_data.measure_department(home)
    leder = UserFactory(username="leder_cache", password="pw")
    MembershipFactory(user=leder, role=Role.MANAGEMENT, department=home)
    server = RedisServer(16381).start()
    cache_url = f"redis://127.0.0.1:{server.port}/2"
    client = redis.Redis(host="127.0.0.1", port=server.port, db=2)
    common = {"CACHE_URL": cache_url, "VAELGKLOGT_LOCK_DAYS": 100_000}
    dashboard = f"/afdelinger/{home.pk}/"
    try:
        with (
            gunicorn(log_path=tmp_path / "a.log", workers=1, threads=2, port=8108, **common) as first,
            gunicorn(log_path=tmp_path / "b.log", workers=1, threads=2, port=8109, **common) as second,
        ):
            a = Browser(first).sign_in("leder_cache", "pw")
            b = Browser(second).sign_in("leder_cache", "pw")
            wait_for(lambda: a.get(dashboard).status_code == 200 and _chart_keys(client), timeout=60, message="a chart")
            [key] = _chart_keys(client)

            # Mark the chart process A remembered; B can only show the mark by reading A's entry from Redis.
            ttl = client.ttl(key)
            chart = pickle.loads(client.get(key))
            object.__setattr__(chart, "sentence", MARK)
            client.set(key, pickle.dumps(chart, pickle.HIGHEST_PROTOCOL), ex=max(ttl, 60))
            assert MARK in b.get(dashboard).text

            # A save through B changes the chart's key: A shows the new value, never the remembered chart.
            month = measure.start_month
            saved = b.post(
                f"/maalinger/{measure.pk}/maaned/{month:%Y-%m}/",
                data={
                    "n-0": 77,
                    "d-0": 100,
                    "c-0": "",
                    "v-0": Measurement.objects.get(measure=measure, month=month).version,
                },
            )
            assert saved.status_code in (200, 302), saved.text[:300]
            assert Measurement.objects.get(measure=measure, month=month).numerator == 77
            page = a.get(dashboard).text
            assert MARK not in page
            assert len(_chart_keys(client)) == 2  # the old entry and the one computed after the save
    finally:
        server.stop()
