"""The per-measure summary cache: stored when computed, reused, and never stale after a save."""

import pytest
from django.db import transaction

from measurements import summary
from measurements.models import MeasureSummary
from tests.factories import MeasureFactory


class Counter:
    """A compute function that returns the measure's id and how often it was called, and records the calls."""

    def __init__(self):
        self.calls = []

    def __call__(self, measures):
        self.calls.append(sorted(m.pk for m in measures))
        return {m.pk: {"n": len(self.calls)} for m in measures}


def _key(value="k"):
    return lambda measure: value


@pytest.mark.django_db(transaction=True)
def test_cached_computes_once_and_then_reads_the_stored_payload():
    first, second = MeasureFactory(), MeasureFactory()
    compute = Counter()
    assert summary.cached([first, second], key=_key(), compute=compute) == {first.pk: {"n": 1}, second.pk: {"n": 1}}
    assert summary.cached([first, second], key=_key(), compute=compute) == {first.pk: {"n": 1}, second.pk: {"n": 1}}
    assert compute.calls == [sorted([first.pk, second.pk])]


@pytest.mark.django_db(transaction=True)
def test_touch_makes_only_that_measure_recompute():
    first, second = MeasureFactory(), MeasureFactory()
    compute = Counter()
    summary.cached([first, second], key=_key(), compute=compute)
    summary.touch([first.pk])
    assert summary.cached([first, second], key=_key(), compute=compute) == {first.pk: {"n": 2}, second.pk: {"n": 1}}
    assert compute.calls[-1] == [first.pk]


@pytest.mark.django_db(transaction=True)
def test_a_different_key_recomputes():
    measure = MeasureFactory()
    compute = Counter()
    summary.cached([measure], key=_key("januar"), compute=compute)
    assert summary.cached([measure], key=_key("februar"), compute=compute) == {measure.pk: {"n": 2}}
    assert summary.cached([measure], key=_key("februar"), compute=compute) == {measure.pk: {"n": 2}}


@pytest.mark.django_db(transaction=True)
def test_a_save_committed_while_computing_means_the_result_is_not_stored():
    measure = MeasureFactory()
    summary.cached([measure], key=_key(), compute=Counter())  # the row exists now

    def compute_during_a_save(measures):
        # Another request saves a value of this measure and commits while we compute from the old values.
        summary.touch([m.pk for m in measures])
        return {m.pk: {"old": True} for m in measures}

    summary.touch([measure.pk])
    assert summary.cached([measure], key=_key(), compute=compute_during_a_save) == {measure.pk: {"old": True}}
    assert MeasureSummary.objects.get(measure=measure).payload is None  # not stored: the next reader recomputes
    assert summary.cached([measure], key=_key(), compute=Counter()) == {measure.pk: {"n": 1}}


@pytest.mark.django_db(transaction=True)
def test_nothing_is_stored_inside_an_outer_transaction():
    measure = MeasureFactory()
    compute = Counter()
    with transaction.atomic():
        summary.cached([measure], key=_key(), compute=compute)
        summary.cached([measure], key=_key(), compute=compute)
    assert len(compute.calls) == 2
    assert not MeasureSummary.objects.filter(payload__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_storing_many_misses_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    few = [MeasureFactory() for _ in range(2)]
    many = [MeasureFactory() for _ in range(30)]
    with django_assert_max_num_queries(6) as captured_few:
        summary.cached(few, key=_key(), compute=Counter())
    with django_assert_max_num_queries(6) as captured_many:
        summary.cached(many, key=_key(), compute=Counter())
    assert len(captured_few) == len(captured_many)
    assert MeasureSummary.objects.filter(payload__isnull=False).count() == 32
