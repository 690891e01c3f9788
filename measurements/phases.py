"""The team's decisions about a measure's chart: freeze the baseline, split after a month, exclude a month, and
short notes on single months. Every change is made here, on purpose, by a steering user (notes: by those who enter
values), with a reason; nothing is ever recalculated automatically (Anhøj; Wheeler).

Each change bumps `Measure.chart_revision` and touches the measure's summary in the same transaction, so remembered
charts (`dashboards.chart_cache`) and the status summary (`goals.status`) see it at once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from core.months import month_label

from . import summary
from .charts import Mark, Phases
from .models import ChartPhase, Measure, PointNote

REASON_MAX = 300
NOTE_MAX = 200


def phases_for(measure_ids) -> dict[int, Phases]:
    """The active phases and the notes of each measure, in one query whatever the number of measures."""
    ids = sorted(set(measure_ids))
    if not ids:
        return {}
    found: dict[int, dict[str, list[Mark]]] = defaultdict(lambda: defaultdict(list))
    # No ORDER BY inside the UNION (SQLite refuses it); sorted below.
    phases = (
        ChartPhase.objects.active()
        .filter(measure_id__in=ids)
        .order_by()
        .values_list("measure_id", "kind", "month", "reason")
    )
    notes = (
        PointNote.objects.filter(measure_id__in=ids)
        .order_by()
        .values_list("measure_id", Value("note", output_field=CharField()), "month", "text")
    )
    for measure_id, kind, month, text in sorted(phases.union(notes, all=True), key=lambda row: (row[2], row[1])):
        found[measure_id][kind].append(Mark(month, text))
    result = {}
    for pk in ids:
        kinds = found.get(pk, {})
        freezes = kinds.get(ChartPhase.Kind.FREEZE, [])
        result[pk] = Phases(
            freeze=freezes[-1] if freezes else None,
            splits=tuple(kinds.get(ChartPhase.Kind.SPLIT, ())),
            excludes=tuple(kinds.get(ChartPhase.Kind.EXCLUDE, ())),
            notes=tuple(kinds.get("note", ())),
        )
    return result


def frozen_through(measure) -> dt.date | None:
    """The last month of the measure's frozen baseline, or ``None``."""
    return (
        ChartPhase.objects.active()
        .filter(measure=measure, kind=ChartPhase.Kind.FREEZE)
        .values_list("month", flat=True)
        .first()
    )


def _changed(measure_id: int) -> None:
    Measure.objects.filter(pk=measure_id).update(chart_revision=F("chart_revision") + 1)
    summary.touch([measure_id])


def _clean_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: _("Skriv en begrundelse, så andre kan se, hvorfor diagrammet er ændret.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({field: _("Begrundelsen må højst være %(n)d tegn.") % {"n": REASON_MAX}})
    return reason


def _clean_month(measure, month: dt.date | None, *, months) -> dt.date:
    if month is None:
        raise ValidationError({"month": _("Vælg en måned.")})
    month = month.replace(day=1)
    if month not in set(months):
        raise ValidationError({"month": _("Vælg en af diagrammets måneder.")})
    return month


@transaction.atomic
def phase_add(*, measure: Measure, kind: str, month: dt.date | None, reason: str, months, by) -> ChartPhase:
    """Freeze the baseline through `month`, split the chart after `month` or exclude `month` (one of `months`,
    the chart's months), with a reason. Raises ValidationError (Danish, per field); nothing is saved then."""
    if kind not in ChartPhase.Kind.values:
        raise ValidationError({"kind": _("Vælg, hvad der skal ske med diagrammet.")})
    errors = {}
    try:
        month = _clean_month(measure, month, months=months)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        reason = _clean_reason(reason)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if kind == ChartPhase.Kind.SPLIT and month == max(months):
        raise ValidationError({"month": _("Diagrammet kan ikke deles efter den sidste måned. Vælg en tidligere.")})
    active = ChartPhase.objects.active().filter(measure=measure)
    if kind == ChartPhase.Kind.FREEZE and active.filter(kind=kind).exists():
        raise ValidationError({"kind": _("Baselinen er allerede fastfrosset. Fortryd den først.")})
    if active.filter(kind=kind, month=month).exists():
        raise ValidationError(
            {"month": _("%(month)s er allerede valgt til dette.") % {"month": month_label(month).capitalize()}}
        )
    try:
        with transaction.atomic():
            phase = ChartPhase.objects.create(measure=measure, kind=kind, month=month, reason=reason, created_by=by)
    except IntegrityError:  # a concurrent identical decision
        raise ValidationError({"month": _("Den ændring er allerede gemt.")}) from None
    _changed(measure.pk)
    return phase


@transaction.atomic
def phase_undo(*, phase: ChartPhase, reason: str, by) -> ChartPhase:
    """Undo a freeze, split or exclusion, with a reason; the row stays as history."""
    reason = _clean_reason(reason, "undo_reason")
    phase = ChartPhase.objects.select_for_update().get(pk=phase.pk)
    if phase.undone_at is not None:
        raise ValidationError({"undo_reason": _("Ændringen er allerede fortrudt.")})
    phase.undone_at, phase.undone_by, phase.undo_reason = timezone.now(), by, reason
    phase.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    _changed(phase.measure_id)
    return phase


@transaction.atomic
def note_set(*, measure: Measure, month: dt.date | None, text: str, months, by) -> PointNote | None:
    """Write (or replace) the note on one month; an empty text removes it. History is kept (simple_history)."""
    month = _clean_month(measure, month, months=months)
    text = (text or "").strip()
    if len(text) > NOTE_MAX:
        raise ValidationError({"text": _("Noten må højst være %(n)d tegn.") % {"n": NOTE_MAX}})
    note = PointNote.objects.filter(measure=measure, month=month).first()
    if not text:
        if note is None:
            raise ValidationError({"text": _("Skriv en kort note, fx “Sommerferie: halv bemanding”.")})
        note._history_user = by
        note.delete()
        _changed(measure.pk)
        return None
    note = note or PointNote(measure=measure, month=month)
    note.text, note.written_by = text, by
    note._history_user = by
    note.save()
    _changed(measure.pk)
    return note
