"""A per-measure cache of derived figures (the hospital-wide status's completeness and signal), never stale.

Computing what 800 measures' charts show means reading ~100,000 monthly values and running the Anhøj rules on each
series: seconds at region scale, on every status page, export and report. This module keeps each measure's result
in `MeasureSummary` and recomputes only the measures whose values changed:

* Every write of a value touches the measure inside the writing transaction, which bumps the row's `stamp` and
  drops its payload, atomically with the write: `Measurement.save()` and `.delete()` (any path: the write service's
  creates and deletes, the admin, fixtures) through the post_save/post_delete receivers connected here; writes that
  bypass model signals call `touch(measure_ids)` themselves (the write service's conditional UPDATE of a changed
  value); bulk loaders that write over stored values call `forget_all()`.
* `cached(measures, key=…, compute=…)` returns each measure's payload: the stored one when its `key` (everything
  else the result depends on: the month, the measure's settings, the language…) matches, otherwise `compute`'s
  result, which is stored only if the stamp read *before* computing is still current. So a save that commits while
  a result is being computed makes that result not be stored; a reader never sees a payload older than a
  committed save.
* Payloads are stored only in autocommit mode (not inside an outer transaction), where the stamp check above holds.
  Inside a transaction (tests, a caller's atomic block) everything not already cached is computed and nothing is
  stored. Rows are created on first use; deleting a measure deletes its row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection
from django.db.models import Case, CharField, DateTimeField, F, JSONField, Value, When
from django.utils import timezone

from .models import MeasureSummary


def touch(measure_ids: Iterable[int]) -> None:
    """Mark the measures' cached results stale: call in the same transaction that changes their values."""
    ids = sorted(set(measure_ids))  # a fixed lock order: concurrent writers never deadlock on these rows
    if ids:
        MeasureSummary.objects.filter(measure_id__in=ids).update(stamp=F("stamp") + 1, payload=None)


def cached(
    measures: list,
    *,
    key: Callable,
    compute: Callable[[list], dict[int, dict]],
    stored: dict | None = None,
    store: bool = True,
) -> dict[int, dict]:
    """Payload per measure id, for every measure in `measures`.

    `measures` are Measure objects or anything with the measure's id as `pk`. `key(measure)` names everything
    except the stored values that the payload depends on (at most 64 characters); `compute(measures)` returns
    ``{measure.pk: payload}`` (JSON-serialisable) for the measures given. `stored` may give ``{pk: (key,
    payload)}`` already read by the caller (a LEFT JOIN on ``summary__key``, ``summary__payload`` in its own query).
    One query when everything is cached (none with `stored`); the misses cost `compute` plus a few writes.
    `store=False` computes the misses without storing them (a one-off key, e.g. a report as of a past date, must
    not push out the results the pages of today use).
    """
    if not measures:
        return {}
    keys = {measure.pk: key(measure) for measure in measures}
    if stored is None:
        stored = {
            pk: (stored_key, payload)
            for pk, stored_key, payload in MeasureSummary.objects.filter(measure_id__in=keys).values_list(
                "measure_id", "key", "payload"
            )
        }
    rows = {pk: entry for pk, entry in stored.items() if entry[0] is not None}  # a LEFT JOIN gives (None, None)
    result, misses = {}, []
    for measure in measures:
        stored_key, payload = rows.get(measure.pk, ("", None))
        if payload is not None and stored_key == keys[measure.pk]:
            result[measure.pk] = payload
        else:
            misses.append(measure)
    if not misses:
        return result
    store = store and not connection.in_atomic_block
    if store:
        absent = [m.pk for m in misses if m.pk not in rows]
        if absent:
            MeasureSummary.objects.bulk_create([MeasureSummary(measure_id=pk) for pk in absent], ignore_conflicts=True)
        # The stamps are read before the values: a save committed after this point bumps the stamp, and the
        # conditional update below then stores nothing.
        stamps = dict(
            MeasureSummary.objects.filter(measure_id__in=[m.pk for m in misses]).values_list("measure_id", "stamp")
        )
    computed = compute(misses)
    result.update(computed)
    if store:
        _store(misses, keys=keys, stamps=stamps, computed=computed)
    return result


def _store(misses: list, *, keys: dict, stamps: dict, computed: dict, batch: int = 200) -> None:
    """Store each computed payload only where the stamp is still the one read before computing: one conditional
    UPDATE per `batch` measures (a CASE per column), so a page's query count does not grow with the misses."""
    now = timezone.now()
    for start in range(0, len(misses), batch):
        chunk = misses[start : start + batch]

        def case(value_of, column, output_field=None, chunk=chunk):
            whens = [
                When(measure_id=m.pk, stamp=stamps[m.pk], then=Value(value_of(m), output_field=output_field))
                for m in chunk
            ]
            return Case(*whens, default=F(column), output_field=output_field)

        MeasureSummary.objects.filter(measure_id__in=[m.pk for m in chunk]).update(
            payload=case(lambda m: computed[m.pk], "payload", JSONField()),
            key=case(lambda m: keys[m.pk], "key", CharField()),
            computed_at=case(lambda m: now, "computed_at", DateTimeField()),
        )


def _touch_instance(sender, instance, **kwargs) -> None:
    if instance.measure_id is not None:
        touch([instance.measure_id])


def connect_signals() -> None:
    """Touch the measure whenever one of its values is saved or deleted through the model (see the module doc)."""
    from django.db.models.signals import post_delete, post_save

    from .models import Measurement

    post_save.connect(_touch_instance, sender=Measurement, dispatch_uid="measurement_summary_touch_save")
    post_delete.connect(_touch_instance, sender=Measurement, dispatch_uid="measurement_summary_touch_delete")


def forget_all() -> None:
    """Drop every cached result (after bulk writes over stored values that bypass `touch`)."""
    MeasureSummary.objects.update(stamp=F("stamp") + 1, payload=None)
