"""CACHE_URL: Django's Redis cache shared between processes when set, this process's memory when unset, and a loud
failure for a URL that is not Redis's."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

from tests.trust.processes import ROOT

REDIS_URL = os.environ.get("CACHE_URL") or "redis://127.0.0.1:6379/13"


def _django(code: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
    environment.update({"DJANGO_SETTINGS_MODULE": "vaelgklogt.settings", "DEBUG": "true", **env})
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f'import django; django.setup(); from django.core.cache import caches; cache = caches["default"]\n{code}',
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cache_url_set_shares_entries_between_processes():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at CACHE_URL")
    key, value = f"cache-test-{uuid.uuid4().hex}", uuid.uuid4().hex

    written = _django(f"print(type(cache).__name__); cache.set({key!r}, {value!r}, 60)", CACHE_URL=REDIS_URL)
    read = _django(f"print(cache.get({key!r})); cache.delete({key!r})", CACHE_URL=REDIS_URL)

    assert written.returncode == 0, written.stderr
    assert written.stdout.strip() == "RedisCache"
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip() == value  # written by one process, read by another


def test_cache_url_unset_keeps_the_cache_in_process_memory():
    result = _django("print(type(cache).__name__)")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "LocMemCache"


def test_cache_url_that_is_not_redis_fails_at_start():
    result = _django("print('started')", CACHE_URL="memcached://127.0.0.1:11211")

    assert result.returncode != 0
    assert "CACHE_URL must be a redis://" in result.stderr
    assert "started" not in result.stdout
