"""Migration 0006: each measure's baseline period becomes a freeze record (the one baseline mechanism), and back."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("measurements", "0005_mean_and_rare_events")]
AFTER = [("measurements", "0006_chart_kind_phases_notes")]


@pytest.fixture
def _back_to_latest():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_back_to_latest")
def test_baselines_become_freeze_records_and_the_fields_go():
    executor = MigrationExecutor(connection)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "measurements"]
    executor.migrate(BEFORE)
    old = executor.loader.project_state(others + BEFORE).apps
    Department = old.get_model("departments", "Department")
    Recommendation = old.get_model("initiatives", "Recommendation")
    Initiative = old.get_model("initiatives", "Initiative")
    Measure = old.get_model("measurements", "Measure")
    department = Department.objects.create(name="Ortopædkirurgisk Afdeling", code="ort")
    recommendation = Recommendation.objects.create(kind="national", title="Undgå kateter")
    initiative = Initiative.objects.create(department=department, recommendation=recommendation, year=2026)
    with_baseline = Measure.objects.create(
        initiative=initiative,
        code="ORT-01",
        name="Andel med kateter",
        baseline_start=dt.date(2025, 1, 1),
        baseline_end=dt.date(2025, 12, 1),
    )
    without = Measure.objects.create(initiative=initiative, code="ORT-02", name="Antal")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(others + AFTER).apps
    ChartPhase = new.get_model("measurements", "ChartPhase")
    [phase] = ChartPhase.objects.all()
    assert (phase.measure_id, phase.kind, phase.month, phase.undone_at) == (
        with_baseline.pk,
        "freeze",
        dt.date(2025, 12, 1),
        None,
    )
    assert phase.reason == "Baseline 01.2025–12.2025 (overført fra målingens baselineperiode)"
    assert not ChartPhase.objects.filter(measure_id=without.pk).exists()
    assert "baseline_end" not in {f.name for f in new.get_model("measurements", "Measure")._meta.get_fields()}

    # And back: the freeze gives the baseline period again.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    back = executor.loader.project_state(others + BEFORE).apps.get_model("measurements", "Measure")
    assert back.objects.get(pk=with_baseline.pk).baseline_end == dt.date(2025, 12, 1)
