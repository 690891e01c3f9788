"""The compose stack's own commands, proven without Docker: each service of docker-compose.yml (migrate, web, worker,
beat) is started with its command and its environment, the compose host names and volumes pointed at the local
PostgreSQL test database, a Redis of the test's own and a temporary folder (no `.env` needed). The web page asks
for a report, the worker builds it, and beat's sweep (its interval shortened) sends a job that nobody enqueued."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import yaml
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password

from departments.access import Role
from reports.models import Report
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.reports import report_data
from tests.trust.processes import ROOT, Browser, RedisServer, _stop, database_url, require_postgres, wait_for

pytestmark = pytest.mark.postgres

BIN = Path(sys.executable).parent
WEB_PORT = int(os.environ.get("COMPOSE_WEB_PORT", "8107"))
COMPOSE_REDIS_PORT = int(os.environ.get("COMPOSE_REDIS_PORT", "16380"))


def _services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def _command(service: dict, *, media: Path) -> list[str]:
    """The service's command as this machine runs it: the virtualenv's programs, loopback, a temporary folder."""
    command = []
    for part in service["command"]:
        if part in (
            "python",
            "gunicorn",
            "celery",
        ):  # the program itself: never rewritten (the checkout may be in /tmp)
            command.append(str(BIN / part) if part != "python" else sys.executable)
            continue
        command.append(part.replace("0.0.0.0:8000", f"127.0.0.1:{WEB_PORT}").replace("/tmp/", f"{media}/"))
    return command


def _environment(service: dict, *, redis_url: str, media: Path) -> dict:
    """The compose environment with its host names and volumes overridden to local services."""
    env = {k: str(v) for k, v in service.get("environment", {}).items()}
    overrides = {
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis_url,
        "CACHE_URL": redis_url.rsplit("/", 1)[0] + "/1",
        "MEDIA_ROOT": str(media),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.update({key: value for key, value in overrides.items() if key in env or key != "CACHE_URL"})
    return {
        **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")},
        "SECRET_KEY": "compose-test-secret",  # what .env would give
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "AXES_ENABLED": "false",
        "VAELGKLOGT_SWEEP_SECONDS": "2",
        "VAELGKLOGT_LOCK_DAYS": "100000",
        **env,
    }


def _start(name: str, services: dict, *, redis_url: str, media: Path, logs: Path) -> subprocess.Popen:
    log = (logs / f"{name}.log").open("ab")
    process = subprocess.Popen(
        _command(services[name], media=media),
        cwd=ROOT,
        env=_environment(services[name], redis_url=redis_url, media=media),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    return process


def test_compose_services_run_with_their_own_commands(transactional_db, home, tmp_path):
    require_postgres()
    services = _services()
    assert {"db", "redis", "migrate", "web", "worker", "beat"} <= set(services)
    assert all("command" in services[name] for name in ("migrate", "web", "worker", "beat"))
    report_data.measure_department(home)
    leder = UserFactory(username="leder_compose")
    # The test run hashes with MD5 for speed; the services run with production settings (PBKDF2).
    leder.password = make_password("pw", hasher=PBKDF2PasswordHasher())
    leder.save()
    MembershipFactory(user=leder, role=Role.MANAGEMENT, department=home)
    media = tmp_path / "media"
    media.mkdir()
    redis = RedisServer(COMPOSE_REDIS_PORT).start()
    started: list[subprocess.Popen] = []
    try:
        # What the image build does (Dockerfile, DEBUG off): collect the static files with their manifest.
        collect = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=_environment(services["web"], redis_url=redis.url, media=media),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert collect.returncode == 0, collect.stderr
        migrate = _start("migrate", services, redis_url=redis.url, media=media, logs=tmp_path)
        assert migrate.wait(timeout=300) == 0, (tmp_path / "migrate.log").read_text()

        for name in ("web", "worker", "beat"):
            started.append(_start(name, services, redis_url=redis.url, media=media, logs=tmp_path))
        base = f"http://127.0.0.1:{WEB_PORT}"

        def ready():
            try:
                return requests.get(f"{base}/readyz", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_for(ready, timeout=90, interval=0.5, message="web's /readyz")

        # Asked for through the web page: the worker builds it.
        browser = Browser(base).sign_in("leder_compose", "pw")
        period = str(report_data.report_quarter())
        response = browser.post(
            "/rapporter/byg/", data={"kind": "quality_team", "period": period, "department": home.pk}
        )
        assert response.status_code in (200, 302), response.text[:500]
        asked = Report.objects.get(department=home, kind=Report.Kind.QUALITY_TEAM, period=period)

        # Left pending without a message (as after a broker outage): only beat's sweep can send it.
        other = DepartmentFactory(name="Kirurgisk Afdeling", code="kir")
        report_data.measure_department(other)
        forgotten = Report.objects.create(kind=Report.Kind.QUALITY_TEAM, department=other, period=period)
        assert forgotten.requested_at is None

        def built(report):
            report.refresh_from_db()
            return report.status == Report.Status.DONE

        wait_for(lambda: built(asked), timeout=240, interval=1, message="the worker to build the asked report")
        wait_for(lambda: built(forgotten), timeout=240, interval=1, message="beat's sweep and the worker")
        assert asked.pdf_file and forgotten.pdf_file
        beat_log = (tmp_path / "beat.log").read_text(errors="replace")
        assert "reports.sweep_reports" in beat_log
    finally:
        for process in started:
            _stop(process)
        redis.stop()
        time.sleep(0.5)
