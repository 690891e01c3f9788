"""The in-process probes on real data: queries per page the same at demo scale and at a (tiny) region scale."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from bench import scenarios
from demo.region import RegionScale, seed_region
from departments.models import Department, Hospital
from initiatives.models import CrossHospitalSelection, Initiative, Meeting, Recommendation
from measurements.models import Measurement, MeasureSummary

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.bench.floor_urls")]
SMALL = RegionScale(hospitals=2, departments=10, sections=22, measures=60, months=36, users=30)


def _counts():
    page_list = scenarios.pages(clients=2)
    assert page_list[0].name == "floor" and page_list[0].path == "/_bench/floor"
    return scenarios.query_counts(page_list)


@pytest.mark.django_db(transaction=True)
def test_queries_per_page_are_the_same_at_demo_and_at_region_scale(settings):
    """In steady state, as the benchmark measures: committed data, so the first visit stores the status summaries
    and remembers the charts (inside a test transaction nothing is stored and every request recomputes all)."""
    settings.VAELGKLOGT_LOCK_DAYS = 36500  # as the benchmark's server: the save scenario writes to older months
    call_command("seed_demo", stdout=StringIO())
    demo = _counts()
    _delete_everything()
    seed_region(timezone.localdate(), SMALL)
    region = _counts()
    assert demo["floor"] > 0
    measured = {name for name, count in demo.items() if count is not None}
    assert {"floor", "dashboards:start", "dashboard", "status", "entry_page", "entry_save"} <= measured
    assert {name: demo[name] for name in measured} == {name: region[name] for name in measured}


def _delete_everything():
    """Empty the organisation in an order the PROTECTed foreign keys allow (flush cannot run inside a test)."""
    for model in (Measurement, CrossHospitalSelection, Initiative, Meeting, Recommendation, Department, Hospital):
        model.objects.all().delete()
    get_user_model().objects.all().delete()


def test_time_median_takes_the_middle_of_sorted_runs():
    calls = []
    median, samples = scenarios.time_median(lambda: calls.append(1), runs=5, warmup=2)
    assert len(calls) == 7 and len(samples) == 5
    assert samples == sorted(samples) and median == samples[2]


def test_status_function_computes_the_group_totals():
    seed_region(dt.date(2026, 11, 24), SMALL)
    totals = scenarios.status_function()()
    assert totals.departments == 10


@pytest.mark.django_db(transaction=True)
def test_status_after_one_change_recomputes_that_measure_only_and_cold_recomputes_all(settings):
    """The national probe on small data: after one value changed through the write service exactly one measure is
    recomputed (the rest comes from the summaries), and the value really changed; cold runs recompute every one."""
    settings.VAELGKLOGT_LOCK_DAYS = 36500  # the probe corrects an older month
    seed_region(timezone.localdate(), SMALL)
    measure = scenarios.entry_measure(scenarios.ENTRY_USER)
    value = Measurement.objects.filter(measure=measure).order_by("-month")[1]
    result = scenarios.status_after_changes(runs=3, cold_runs=1)
    assert result["recomputed_per_change"] == [1]
    assert result["departments"] == 10 and result["counted_measures"] > 0
    after = Measurement.objects.get(pk=value.pk)
    assert after.version == value.version + 3  # three saves, each a real change with its history
    assert after.history.count() == 3
    assert not MeasureSummary.objects.filter(payload__isnull=True).exists()  # the cold run stored everything again


def test_status_page_filtered_to_one_hospital_has_the_queries_of_the_whole_page():
    seed_region(dt.date(2026, 11, 24), SMALL)
    result = scenarios.hospital_status_filtered(runs=1)
    first = Hospital.objects.order_by("name").first()
    assert result["hospital"] == first.name and 0 < result["departments"] < 10
    assert result["queries"]["status_one_hospital"] == result["queries"]["status"]
