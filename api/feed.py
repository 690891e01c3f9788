"""One request writes many values of one month, through the one write service (`measurements.services`).

The API adds no rule of its own; it only says which version each row expects, so that a feed can be re-run:

* a row with `version` expects exactly that version (as the grid does);
* without `version`: no stored value → a new value; the same numbers, comment, mean and SD and event dates as stored
  → nothing to do; a value this same user (the integration) wrote last → overwritten; a value a person wrote or
  changed → a conflict (the service refuses it), so a person's correction is never overwritten silently.

Rows of *gennemsnit* measures carry `mean` and `sd` (the numerator is the number of observations), rows of *sjældne
hændelser* measures `events` (dates) or `no_events`; a field that does not fit the measure's unit is the row's error.

All or nothing: any error or conflict in any row writes no row (`measurement_record_many`). The answer carries each
row's outcome and the data-quality questions the grid would show; a refusal carries every row's problem in Danish
with English beside.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from core.months import add_months
from departments import audit
from departments.models import Section
from measurements.locking import Locks
from measurements.models import Measure, Measurement, MonthReport, QuarterApproval, RareEvent, Unit, ValueCheck
from measurements.periods import quarter_of
from measurements.services import (
    SOURCE_API,
    Entry,
    NotSaved,
    error_dict,
    measurement_check,
    measurement_record_many,
    parse_decimal,
    parse_events,
)

from .problems import Problem, Text

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str | None, *, name: str = "month") -> dt.date | None:
    if text is None or text == "":
        return None
    match = MONTH_RE.match(text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return dt.date(year, month, 1)
    raise Problem(
        "bad-request" if name != "month" else "validation",
        detail=Text(
            f"{name}: skriv måneden som ÅÅÅÅ-MM, fx 2026-03.", f"{name}: write the month as YYYY-MM, e.g. 2026-03."
        ),
        errors=[
            {
                "field": name,
                "pointer": f"/{name}",
                "detail": "Skriv måneden som ÅÅÅÅ-MM.",
                "detail_en": "Write the month as YYYY-MM.",
            }
        ],
    )


def _both(function):
    """A message in Danish and in English: `function` is called under each language."""
    with translation.override("da"):
        da = function()
    with translation.override("en"):
        en = function()
    return da, en


def _row_error(index: int, field: str, da: str, en: str) -> dict:
    return {"row": index, "field": field, "pointer": f"/rows/{index}/{field}", "detail": da, "detail_en": en}


def _refused(request, kind: str, detail: str) -> None:
    audit.record(
        action=audit.Action.ACCESS_REFUSED if kind == "403" else audit.Action.API_WRITE,
        outcome=audit.Outcome.REFUSED if kind == "403" else audit.Outcome.FAILURE,
        request=request,
        obj=getattr(request, "api_token", None),
        detail=f"{kind}: {detail}"[:500],
    )
    request._vk_refusal_recorded = True


def _unit_errors(index: int, row, measure) -> list[dict]:
    """The row's fields that do not fit the measure's unit (mean/SD only for means, events only for rare events)."""
    errors = []
    unit_da, unit_en = _both(lambda: str(Unit(measure.unit).label))
    if measure.unit != Unit.MEAN:
        for name in ("mean", "sd"):
            if getattr(row, name) is not None:
                errors.append(
                    _row_error(
                        index,
                        name,
                        f"{name} hører kun til målinger af gennemsnit; målingens enhed er »{unit_da}«.",
                        f"{name} belongs to mean measures only; the measure's unit is »{unit_en}«.",
                    )
                )
    if measure.unit != Unit.EVENTS:
        for name, given in (("events", row.events is not None), ("no_events", row.no_events)):
            if given:
                errors.append(
                    _row_error(
                        index,
                        name,
                        f"{name} hører kun til målinger af sjældne hændelser; målingens enhed er »{unit_da}«.",
                        f"{name} belongs to rare-event measures only; the measure's unit is »{unit_en}«.",
                    )
                )
        if "numerator" not in row.model_fields_set:
            errors.append(
                _row_error(
                    index,
                    "numerator",
                    "numerator mangler (null sammen med en tom nævner sletter værdien).",
                    "numerator is missing (null with a null denominator deletes the value).",
                )
            )
        return errors
    if row.no_events and row.events:
        errors.append(
            _row_error(
                index,
                "no_events",
                "no_events: true kan ikke stå sammen med datoer i events.",
                "no_events: true cannot go with dates in events.",
            )
        )
    elif row.no_events and row.numerator not in (None, 0):
        errors.append(
            _row_error(
                index,
                "numerator",
                "no_events: true betyder 0 hændelser; lad numerator være tom eller 0.",
                "no_events: true means 0 events; leave numerator out or 0.",
            )
        )
    elif not row.events and not row.no_events and "numerator" not in row.model_fields_set:
        errors.append(
            _row_error(
                index,
                "events",
                "Skriv månedens hændelser i events, eller no_events: true for ingen hændelser.",
                "Give the month's events in events, or no_events: true for no events.",
            )
        )
    if row.events:
        given = sum(event.opportunities is not None for event in row.events)
        if given not in (0, len(row.events)):
            errors.append(
                _row_error(
                    index,
                    "events",
                    "Skriv opportunities for hver hændelse eller for ingen.",
                    "Give opportunities for every event or for none.",
                )
            )
    return errors


def _entry_fields(row, measure) -> dict:
    """The row as the write service's Entry takes it (numerator, mean, sd, events, opportunities)."""
    fields = {"numerator": row.numerator, "denominator": row.denominator}
    if measure.unit == Unit.MEAN:
        fields.update(mean=row.mean, sd=row.sd)
    elif measure.unit == Unit.EVENTS:
        if row.no_events:
            fields["numerator"] = 0
        if row.events:
            fields["events"] = [event.date for event in row.events]
            if any(event.opportunities is not None for event in row.events):
                fields["opportunities"] = [event.opportunities for event in row.events]
    return fields


def _event_key(pair) -> tuple:
    day, opportunities = pair
    return (day, opportunities is not None, opportunities or 0)


def _same_as_stored(stored, fields: dict, comment: str, stored_events, *, month, today) -> bool:
    """Whether the row says what is stored: numbers and comment, and a mean's mean and SD or the event dates as the
    write service would clean them (so a re-run is a no-op and a person's value is never taken for the feed's)."""
    numerator = fields["numerator"]
    events = ()
    if fields.get("events"):
        try:
            events = parse_events(fields["events"], fields.get("opportunities"), month=month, today=today)
        except ValidationError:
            return False
        numerator = len(events) if numerator is None else numerator
    if (stored.numerator, stored.denominator, stored.comment) != (numerator, fields["denominator"], comment):
        return False
    mean = sd = None
    if numerator and ("mean" in fields or "sd" in fields):
        try:
            mean = parse_decimal(fields.get("mean"), field_name="mean")
            sd = parse_decimal(fields.get("sd"), field_name="sd") if numerator > 1 else None
        except ValidationError:
            return False
    if (_decimal(stored.mean), _decimal(stored.sd)) != (mean, sd):
        return False
    return sorted(stored_events, key=_event_key) == sorted(events, key=_event_key)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def values_write(*, request, user, month_text: str, rows: list, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    month = parse_month(month_text)
    if len(rows) > settings.VAELGKLOGT_API_MAX_ROWS:
        _refused(request, "413", f"{len(rows)} rows")
        limit = settings.VAELGKLOGT_API_MAX_ROWS
        raise Problem(
            "too-large",
            detail=Text(
                f"Højst {limit} rækker i én forespørgsel; der var {len(rows)}.",
                f"At most {limit} rows in one request; there were {len(rows)}.",
            ),
        )

    # A NUL byte cannot be in a code (PostgreSQL refuses it in a query): such a row names no measure or section.
    codes = {row.measure for row in rows if "\x00" not in row.measure}
    measures = {
        m.code: m
        for m in Measure.objects.visible_to(user)
        .filter(code__in=codes)
        .select_related("initiative__department")
        .prefetch_related("initiative__sections")
    }
    department_ids = {m.initiative.department_id for m in measures.values()}
    section_codes = {row.section for row in rows if row.section and "\x00" not in row.section}
    sections = {
        (s.department_id, s.code): s
        for s in Section.objects.filter(department_id__in=department_ids, code__in=section_codes)
    }
    current = {
        (v.measure_id, v.section_id): v
        for v in Measurement.objects.filter(measure__in=list(measures.values()), month=month)
    }
    stored_events = defaultdict(list)
    event_measures = [m for m in measures.values() if m.unit == Unit.EVENTS]
    if event_measures:
        for event in RareEvent.objects.filter(
            measure__in=event_measures, date__gte=month, date__lt=add_months(month, 1)
        ).order_by("date", "pk"):
            stored_events[(event.measure_id, event.section_id)].append((event.date, event.opportunities))

    errors, entries, seen = [], [], Counter()
    for index, row in enumerate(rows):
        measure = measures.get(row.measure)
        if measure is None:
            errors.append(
                _row_error(
                    index,
                    "measure",
                    f"Målingen {row.measure!r} findes ikke, eller nøglen når den ikke.",
                    f"The measure {row.measure!r} does not exist or is outside the token's reach.",
                )
            )
            continue
        section = None
        if row.section:
            section = sections.get((measure.initiative.department_id, row.section))
            if section is None:
                errors.append(
                    _row_error(
                        index,
                        "section",
                        f"Afsnittet {row.section!r} findes ikke i målingens afdeling.",
                        f"The section {row.section!r} does not exist in the measure's department.",
                    )
                )
                continue
        unit_errors = _unit_errors(index, row, measure)
        if unit_errors:
            errors.extend(unit_errors)
            continue
        cell = (measure.pk, getattr(section, "pk", None))
        seen[cell] += 1
        if seen[cell] > 1:
            errors.append(
                _row_error(
                    index,
                    "measure",
                    "Samme måling og afsnit står mere end én gang i forespørgslen.",
                    "The same measure and section appear more than once in the request.",
                )
            )
            continue
        stored = current.get(cell)
        fields = _entry_fields(row, measure)
        expected = row.version
        if expected is None and stored is not None:
            same = stored.entered_by_id == user.pk or _same_as_stored(
                stored, fields, (row.comment or "").strip(), stored_events.get(cell, ()), month=month, today=today
            )
            if same:
                expected = stored.version  # a re-run of the feed, or the feed's own last value
        entries.append(
            Entry(
                key=index,
                measure=measure,
                section=section,
                month=month,
                comment=row.comment or "",
                expected_version=expected,
                **fields,
            )
        )
    if errors:
        _refused(request, "422", f"{len(errors)} rows refused (month {month:%Y-%m})")
        raise Problem(
            "validation",
            detail=Text(
                "Ingen værdier er gemt: ret rækkerne i errors og send hele forespørgslen igen.",
                "No value was saved: correct the rows in errors and send the whole request again.",
            ),
            errors=errors,
        )

    try:
        with translation.override("da"):
            results = measurement_record_many(entries=entries, by=user, today=today, source=SOURCE_API)
    except PermissionDenied as exc:
        _refused(request, "403", str(exc))
        raise Problem(
            "forbidden",
            detail=Text(
                "Nøglens ejer må ikke registrere værdier for en af afdelingerne. Ingen værdier er gemt.",
                "The token's owner may not enter values for one of the departments. No value was saved.",
            ),
        ) from None
    except NotSaved as refused:
        raise _not_saved(request, refused, entries, user=user, today=today, month=month) from None

    written = [r.measurement.pk for r in results.values() if r.measurement is not None]
    questions = {c.measurement_id: c.message for c in ValueCheck.objects.filter(measurement_id__in=written)}
    reported = set(
        MonthReport.objects.filter(department_id__in=department_ids, month=month).values_list(
            "department_id", flat=True
        )
    )
    approved = set(
        QuarterApproval.objects.filter(
            department_id__in=department_ids, quarter=quarter_of(month), status=QuarterApproval.Status.APPROVED
        ).values_list("department_id", flat=True)
    )
    counts = Counter()
    out = []
    for entry in entries:
        recorded = results[entry.key]
        counts[str(recorded.outcome)] += 1
        warnings = []
        measurement = recorded.measurement
        if measurement is not None and measurement.pk in questions:
            warnings.append(questions[measurement.pk])
        department_id = entry.measure.initiative.department_id
        if str(recorded.outcome) != "unchanged":
            if department_id in reported:
                warnings.append("Måneden var indberettet; den er nu markeret som ændret efter indberetning.")
            if department_id in approved:
                warnings.append("Kvartalet var godkendt; det er nu markeret som ændret efter godkendelse.")
        out.append(
            {
                "row": entry.key,
                "measure": entry.measure.code,
                "section": entry.section.code if entry.section else None,
                "outcome": str(recorded.outcome),
                "version": measurement.version if measurement is not None else None,
                "warnings": warnings,
            }
        )
    audit.record(
        action=audit.Action.API_WRITE,
        request=request,
        obj=getattr(request, "api_token", None),
        detail=(
            f"month={month:%Y-%m} rows={len(entries)} created={counts['created']} updated={counts['updated']} "
            f"deleted={counts['deleted']} unchanged={counts['unchanged']}"
        ),
    )
    return {
        "month": f"{month:%Y-%m}",
        "created": counts["created"],
        "updated": counts["updated"],
        "deleted": counts["deleted"],
        "unchanged": counts["unchanged"],
        "rows": out,
    }


def _not_saved(request, refused: NotSaved, entries: list[Entry], *, user, today, month) -> Problem:
    by_key = {entry.key: entry for entry in entries}
    errors = []
    if refused.errors:
        locks = Locks(today=today)
        for key, exc in sorted(refused.errors.items()):
            entry = by_key[key]
            english = {}
            try:
                with translation.override("en"):
                    measurement_check(
                        measure=entry.measure,
                        section=entry.section,
                        month=entry.month,
                        numerator=entry.numerator,
                        denominator=entry.denominator,
                        comment=entry.comment,
                        by=user,
                        today=today,
                        locks=locks,
                        mean=entry.mean,
                        sd=entry.sd,
                        events=entry.events,
                        opportunities=entry.opportunities,
                    )
            except ValidationError as again:
                english = error_dict(again)
            for field, messages in error_dict(exc).items():
                field = {"__all__": "numerator", "opportunities": "events"}.get(field, field)
                for n, message in enumerate(messages):
                    en = english.get(field, [])
                    errors.append(_row_error(key, field, message, en[n] if n < len(en) else message))
        _refused(request, "422", f"{len(errors)} errors (month {month:%Y-%m})")
        return Problem(
            "validation",
            detail=Text(
                "Ingen værdier er gemt: ret rækkerne i errors og send hele forespørgslen igen.",
                "No value was saved: correct the rows in errors and send the whole request again.",
            ),
            errors=errors,
        )
    for key, conflict in sorted(refused.conflicts.items()):
        da, en = _both(lambda conflict=conflict: conflict.message)
        error = _row_error(key, "version", da, en)
        error["current_version"] = conflict.current.version if conflict.current is not None else None
        errors.append(error)
    _refused(request, "409", f"{len(errors)} conflicts (month {month:%Y-%m})")
    return Problem(
        "conflict",
        detail=Text(
            "Ingen værdier er gemt: en person har ændret disse værdier. Læs dem, og send rækken med dens nuværende "
            "version, hvis personens værdi skal overskrives.",
            "No value was saved: a person has changed these values. Read them, and send the row with its current "
            "version if you mean to overwrite the person's value.",
        ),
        errors=errors,
    )
