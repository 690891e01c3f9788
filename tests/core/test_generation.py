"""The data generation (core.generation): a new token with every committed change, none for a rolled-back one, and
the hospital status and dashboards remembered under it, never stale."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from core import generation
from dashboards import views
from departments.models import Department
from measurements.models import Measurement
from tests.dashboards.test_chart_cache import _department_with_a_measure


def _token():
    with connection.cursor() as cursor:
        cursor.execute("SELECT string_agg(token, '' ORDER BY id) FROM vk_data_generation")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_every_table_is_watched_or_left_out_with_a_reason():
    tables = set(connection.introspection.table_names(include_views=False))
    watched = generation.watched_tables()
    assert tables - watched == set(generation.UNWATCHED_TABLES) & tables
    assert {"measurements_measurement", "departments_department", "initiatives_initiative"} <= watched
    assert generation.install() == []  # nothing left to add: idempotent


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_makes_a_new_token_and_a_rolled_back_one_does_not(home):
    before = _token()
    with transaction.atomic():
        Department.objects.filter(pk=home.pk).update(name="Ny afdeling")  # a raw update, no signal
        Department.objects.filter(pk=home.pk).update(name="Ny afdeling")  # two statements, one new token
        assert _token() == before  # not before the commit
        assert generation.current() is None  # this transaction wrote: no remembered page for it
    after_update = _token()
    assert after_update != before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM vk_data_marker")
        assert cursor.fetchone() == (0,)  # each transaction's commit markers are gone with it

    with connection.cursor() as cursor:  # raw SQL counts too
        cursor.execute("UPDATE departments_department SET name = 'Igen' WHERE id = %s", [home.pk])
    after_sql = _token()
    assert after_sql != after_update

    with pytest.raises(RuntimeError), transaction.atomic():
        Department.objects.filter(pk=home.pk).update(name="Fortrudt")
        raise RuntimeError
    assert _token() == after_sql

    with transaction.atomic():  # the last write is rolled back to a savepoint; the one before it commits
        Department.objects.filter(pk=home.pk).update(name="Beholdt")
        with pytest.raises(RuntimeError), transaction.atomic():
            Department.objects.filter(pk=home.pk).update(name="Fortrudt")
            raise RuntimeError
    after_savepoint = _token()
    assert after_savepoint != after_sql and Department.objects.get(pk=home.pk).name == "Beholdt"

    Department.objects.filter(pk=home.pk).delete()
    assert _token() != after_savepoint
    assert generation.current() == _token()


@pytest.mark.django_db(transaction=True)
def test_reading_the_status_page_keeps_the_token(client_for, kdk, home):
    client = client_for(kdk)
    client.get(reverse("dashboards:hospital_status"))  # sessions and the audit log are written, and left out
    before = _token()
    response = client.get(reverse("dashboards:hospital_status"))
    assert home.name in response.content.decode()
    assert _token() == before


def _count_computations(monkeypatch, name):
    calls = []
    real = getattr(views, name)
    monkeypatch.setattr(views, name, lambda *args, **kwargs: calls.append(1) or real(*args, **kwargs))
    return calls


@pytest.mark.django_db(transaction=True)
def test_the_status_page_is_remembered_until_the_data_change(client_for, kdk, home, monkeypatch):
    cache.clear()
    computed = _count_computations(monkeypatch, "_status_results")
    client = client_for(kdk)
    url = reverse("dashboards:hospital_status")
    first = client.get(url).content.decode()
    second = client.get(url).content.decode()
    assert len(computed) == 1 and home.name in second
    assert first.count('id="status-results"') == second.count('id="status-results"') == 1
    assert client.get(url, headers={"HX-Request": "true"}).content.decode().startswith('\n<div id="status-results"')
    assert len(computed) == 1  # the htmx filter answer is the same remembered results

    Department.objects.filter(pk=home.pk).update(name="Omdøbt & flyttet")  # a raw update: no signal, no save()
    page = client.get(url).content.decode()
    assert "Omdøbt &amp; flyttet" in page and home.name not in page
    assert len(computed) == 2
    client.get(f"{url}?year=2025")
    assert len(computed) == 3  # another year is another page


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_is_remembered_and_shows_a_save_at_once(leder, noegle, home, monkeypatch):
    cache.clear()
    computed = _count_computations(monkeypatch, "_dashboard_content")
    measure, end = _department_with_a_measure(home)
    url = reverse("dashboards:department_dashboard", args=[home.pk])
    manager, key_person = Client(), Client()
    manager.force_login(leder)
    key_person.force_login(noegle)
    assert '<dd class="fact-number">30,0 %</dd>' in manager.get(url).content.decode()
    assert '<dd class="fact-number">30,0 %</dd>' in manager.get(url).content.decode()
    assert len(computed) == 1

    # The one part that depends on the user: the board-link button for those who manage the links.
    assert "Tavlelinks til skærme" in manager.get(url).content.decode()
    assert "Tavlelinks til skærme" not in key_person.get(url).content.decode()
    assert len(computed) == 2

    value = Measurement.objects.get(measure=measure, month=end)
    value.numerator = 6
    value.save()
    page = manager.get(url).content.decode()
    assert '<dd class="fact-number">60,0 %</dd>' in page and "30,0 %</dd>" not in page
    assert len(computed) == 3


@pytest.mark.django_db
def test_a_page_is_computed_afresh_without_a_token_and_after_a_deploy(monkeypatch):
    cache.clear()
    computed = []

    def compute():
        computed.append(1)
        return f"<p>{len(computed)}</p>"

    assert generation.remembered("test", (1,), compute, token=None) == "<p>1</p>"
    assert generation.remembered("test", (1,), compute, token=None) == "<p>2</p>"
    assert generation.remembered("test", (1,), compute, token="a") == "<p>3</p>"
    assert generation.remembered("test", (1,), compute, token="a") == "<p>3</p>"
    assert generation.remembered("test", (2,), compute, token="a") == "<p>4</p>"
    assert generation.remembered("test", (1,), compute, token="b") == "<p>5</p>"
    monkeypatch.setattr(generation, "code_fingerprint", lambda: "new code")
    assert generation.remembered("test", (1,), compute, token="b") == "<p>6</p>"


@pytest.mark.django_db
def test_the_code_fingerprint_follows_templates_and_settings(settings, tmp_path, monkeypatch):
    template = tmp_path / "templates" / "page.html"
    template.parent.mkdir()
    template.write_text("<p>før</p>")
    settings.BASE_DIR = tmp_path
    fingerprint = generation.code_fingerprint.__wrapped__
    before = fingerprint()
    assert fingerprint() == before
    template.write_text("<p>efter</p>")
    after = fingerprint()
    assert after != before
    monkeypatch.setenv("VAELGKLOGT_LOCK_DAYS", "12345")
    assert fingerprint() != after


def test_only_postgresql_keeps_the_token():
    sqlite = SimpleNamespace(vendor="sqlite")
    assert generation.current(sqlite) is None
    assert generation.install(sqlite) == []
