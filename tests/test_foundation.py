"""Settings, health probes, the start page and the catalogue import (demo data: tests/demo/)."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from initiatives.models import Recommendation

ROOT = Path(__file__).resolve().parent.parent


def _django_check(env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "TESTING"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_settings_refuse_to_start_without_secret_key_when_debug_off():
    result = _django_check({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_settings_start_with_secret_key_and_debug_off():
    result = _django_check({"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"})
    assert result.returncode == 0, result.stderr


def test_settings_refuse_nonsense_boolean():
    result = _django_check({"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_ok_with_database_and_no_broker(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok"}


@pytest.mark.django_db
def test_readyz_names_a_down_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_start_page_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_start_page_for_key_person_shows_own_department_only(client_for, noegle, udenfor, home, away):
    content = client_for(noegle).get("/").content.decode()
    assert home.name in content
    assert away.name not in content
    assert "Din afdeling" in content


@pytest.mark.django_db
def test_start_page_for_kdk_shows_hospital_group_totals(client_for, kdk, home, away):
    content = client_for(kdk).get("/").content.decode()
    assert "Status for sygehusene" in content
    assert home.name in content and away.name in content
    assert "Administration" in content


@pytest.mark.django_db
def test_start_page_query_count_is_independent_of_departments(client_for, kdk, django_assert_max_num_queries):
    from tests.factories import DepartmentFactory, InitiativeFactory, MeasurementFactory

    client = client_for(kdk)
    DepartmentFactory()
    with django_assert_max_num_queries(20) as one:
        client.get("/")
    for _ in range(8):
        MeasurementFactory(measure__initiative=InitiativeFactory(department=DepartmentFactory()))
    with django_assert_max_num_queries(20) as many:
        client.get("/")
    assert len(one.captured_queries) == len(many.captured_queries)


@pytest.mark.django_db
def test_login_page_is_danish(client):
    content = client.get("/login/").content.decode()
    assert "Log ind" in content and "Adgangskode" in content
    response = client.post("/login/", {"username": "nobody", "password": "wrong"})
    assert "Indtast venligst korrekt brugernavn og adgangskode" in response.content.decode()


def test_catalogue_import_rejects_bad_rows_and_writes_nothing(db, tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "katalog.csv"
    bad.write_text("title;society;text;source_url;year\nGod;Selskab;Tekst;;2026\nDårlig;;Tekst;ikke-en-url;20x6\n")
    with pytest.raises(CommandError):
        call_command("import_catalogue", str(bad), stderr=StringIO())
    assert not Recommendation.objects.exists()


def test_catalogue_import_accepts_windows_1252_semicolon_file(db, tmp_path):
    good = tmp_path / "katalog.csv"
    good.write_bytes(
        "title;society;text;source_url;year\nUndgå røntgen;Dansk Radiologisk Selskab;Tekst;https://example.org/a;2025\n".encode(
            "cp1252"
        )
    )
    call_command("import_catalogue", str(good), stdout=StringIO())
    recommendation = Recommendation.objects.get()
    assert recommendation.title == "Undgå røntgen"
    assert recommendation.year == 2025
    assert not recommendation.is_example
