"""A shared cache (CACHE_URL, Redis) between web processes: a page and a chart remembered by one gunicorn are served
by another (cross-process hits, not fresh computations), and a value saved through one shows at once, with its new
chart, on the other. Issue 17, point 4."""

from __future__ import annotations

import os
import pickle

import pytest
import redis
from django.urls import reverse
from django.utils.safestring import mark_safe

from departments.access import Role
from measurements.models import Measurement
from tests.factories import MembershipFactory, UserFactory
from tests.reports import report_data
from tests.trust.processes import Browser, RedisServer, gunicorn, require_postgres, wait_for

pytestmark = pytest.mark.postgres

MARK = "Fra den delte cache (markeret i Redis)"
# Ports of their own (other tests of the suite use 8106 and 16379).
REDIS_PORT = int(os.environ.get("SHARED_CACHE_REDIS_PORT", "16387"))
FIRST_PORT = int(os.environ.get("SHARED_CACHE_PORT", "8127"))


def _chart_keys(client: redis.Redis) -> list[bytes]:
    return sorted(client.scan_iter(match="*vk:chart:*"))


def _card_keys(client: redis.Redis) -> list[bytes]:
    """The measure cards' HTML, remembered beside the charts (dashboards.chart_cache.card_html)."""
    return sorted(client.scan_iter(match="*vk:card:*"))


def _page_keys(client: redis.Redis) -> list[bytes]:
    """Remembered pages (core.generation.remembered)."""
    return sorted(client.scan_iter(match="*page:*"))


def test_two_web_processes_share_remembered_charts_and_see_each_others_saves(transactional_db, home, tmp_path):
    require_postgres()
    _initiative, measure = report_data.measure_department(home)
    leder = UserFactory(username="leder_cache", password="pw")
    MembershipFactory(user=leder, role=Role.MANAGEMENT, department=home)
    noegle = UserFactory(username="noegle_cache", password="pw")
    MembershipFactory(user=noegle, role=Role.KEY_PERSON, department=home)
    server = RedisServer(REDIS_PORT).start()
    client = redis.Redis(host="127.0.0.1", port=server.port, db=2)
    common = {"CACHE_URL": f"redis://127.0.0.1:{server.port}/2", "VAELGKLOGT_LOCK_DAYS": 100_000}
    dashboard = reverse("dashboards:department_dashboard", args=[home.pk])
    newest = Measurement.objects.filter(measure=measure).order_by("-month").first()
    try:
        with (
            gunicorn(log_path=tmp_path / "a.log", workers=1, threads=2, port=FIRST_PORT, **common) as first,
            gunicorn(log_path=tmp_path / "b.log", workers=1, threads=2, port=FIRST_PORT + 1, **common) as second,
        ):
            a = Browser(first).sign_in("leder_cache", "pw")
            b = Browser(second).sign_in("leder_cache", "pw")
            wait_for(
                lambda: a.get(dashboard).status_code == 200 and _page_keys(client),
                timeout=60,
                message="a remembered dashboard",
            )
            [page_key] = _page_keys(client)

            # 1. The page A remembered (core.generation) is served by B: mark it in Redis, and B shows the mark.
            ttl = client.ttl(page_key)
            remembered = pickle.loads(client.get(page_key))
            assert home.name in remembered
            heading = '<h2 id="initiatives-heading">'
            assert heading in remembered
            marked = remembered.replace(heading, heading + MARK)
            client.set(page_key, pickle.dumps(marked, pickle.HIGHEST_PROTOCOL), ex=max(ttl, 60))
            assert MARK in b.get(dashboard).text
            assert _page_keys(client) == [page_key]  # B computed no page of its own

            # 2. A save through B (the key person's entry grid) commits a new data generation: A computes the page
            # again and shows the new value and a chart computed after the save, never the remembered page.
            saver = Browser(second).sign_in("noegle_cache", "pw")
            saved = saver.post(
                reverse("measurements:save_row", args=[measure.pk, newest.month]),
                data={"n-0": 77, "d-0": 100, "c-0": "", "v-0": newest.version},
                headers={"HX-Request": "true"},
            )
            assert saved.status_code == 200 and 'class="saved"' in saved.text, saved.text[:300]
            assert Measurement.objects.get(pk=newest.pk).numerator == 77
            page = a.get(dashboard).text
            assert MARK not in page
            assert "77,0 %" in page  # the newest value, as the card shows it
            [key], [card_key] = _chart_keys(client), _card_keys(client)
            fresh = pickle.loads(client.get(key))
            assert fresh.latest.numerator == 77 and fresh.latest.denominator == 100
            assert MARK not in b.get(dashboard).text  # and B serves the new page too

            # 3. The chart and card beneath the page are shared too: with the pages gone (evicted), B computes the
            # page from the card A remembered. Mark the card (its chart's sentence): B can only show the mark by
            # reading A's entry from Redis.
            card = pickle.loads(client.get(card_key))
            assert fresh.sentence and fresh.sentence in card
            client.delete(*_page_keys(client))
            ttl = client.ttl(card_key)
            client.set(card_key, pickle.dumps(mark_safe(card.replace(fresh.sentence, MARK)), 5), ex=max(ttl, 60))
            assert MARK in b.get(dashboard).text
            assert _chart_keys(client) == [key] and _card_keys(client) == [card_key]  # B computed nothing of its own
    finally:
        server.stop()
