"""The one write path for monthly values: every create, change and delete goes through here.

The entry grid, the import (web and `manage.py import_measurements`) all call `measurement_record` or
`measurement_record_many`; the admin is read-only. The rules, each with a Danish message for the field it concerns:

* whole, non-negative numbers (text, decimals and negative numbers are refused, not rounded);
* proportions: numerator ≤ denominator; proportions and rates need a denominator when a numerator is given;
  counts have no denominator; a rate's denominator is above 0 when its numerator is;
* the month lies within the measure's period and is not after the current month — the current month may be
  entered while it runs (some wards count as they go), later months may not;
* *gennemsnit* (mean) measures: the number of observations (whole, in the numerator), their mean and SD (decimal
  numbers, comma as decimal sign); mean needed when there are observations, SD when there are two or more, nothing
  but 0 observations when there are none;
* *sjældne hændelser* (rare events) measures: the dates of the month's events (each within the month, not in the
  future), optionally the opportunities since the previous event, one per date; no dates and the number 0 confirm
  "ingen hændelser"; no comment (no free text about an event). The month's value is the number of events, and the
  events are written as `RareEvent` rows beside it, in the same transaction;
* the section is one the measure is recorded in (or none, for a whole-department measure);
* the month is not locked (`measurements/locking.py`);
* only the department's entering roles and KDK may write (`departments/access.py`).

Optimistic concurrency: every value carries a `version`. A caller says which version it saw (`expected_version`;
None = "there was no value"), the change is a conditional ``UPDATE … WHERE version = expected`` and a refused
change raises `MeasurementConflict` carrying the value now stored and who stored it. Empty numerator and
denominator delete the value (guarded by the version too). History: django-simple-history keeps every create,
change and delete with who and when; the conditional update writes its history row itself. A write's `source`
(`SOURCE_API` for the Web API; empty for the grid and the import) is kept as the history row's change reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.months import add_months, first_of_month, month_label
from departments.access import may_approve, may_decide_reopen, may_enter

from . import checks, signals, summary
from .locking import Locks, lock_date, locked_message
from .models import (
    NO_DENOMINATOR_UNITS,
    ChartPhase,
    FollowUpFlag,
    GapReason,
    Measurement,
    MonthReport,
    QuarterApproval,
    RareEvent,
    ReopenRequest,
    Unit,
    ValueCheck,
)
from .numbers import MAX_VALUE, read_number, read_whole_number  # noqa: F401 (MAX_VALUE: re-exported)
from .periods import measure_months, measure_slots, quarter_months, quarter_of

COMMENT_MAX = Measurement._meta.get_field("comment").max_length

#: The history's change reason of a value written through the Web API (`api`).
SOURCE_API = "api"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # control characters (tab and line breaks are fine)


# --- parsing and checking -------------------------------------------------------------------------------------------


def parse_whole_number(raw) -> int | None:
    """A whole non-negative number read the Danish way (`measurements.numbers`); '' and None mean "no value"."""
    return read_whole_number(raw)


@dataclass(frozen=True)
class Clean:
    """A checked value, ready to write. `numerator is None` (and `denominator is None`) means: delete."""

    measure: object
    section: object
    month: dt.date
    numerator: int | None
    denominator: int | None
    comment: str
    mean: Decimal | None = None
    sd: Decimal | None = None
    events: tuple[tuple[dt.date, int | None], ...] = ()  # rare events: (date, opportunities), oldest first

    @property
    def is_empty(self) -> bool:
        return self.numerator is None and self.denominator is None


#: Mean and SD are stored with 4 decimals; more are refused rather than rounded.
MEAN_DECIMALS = 4
MAX_EVENTS_PER_MONTH = 31 * 5

_LIST_SPLIT = re.compile(r"[,;\s]+")
_DAY = re.compile(r"(\d{1,2})\.?")
_DAY_MONTH = re.compile(r"(\d{1,2})\.(\d{1,2})\.?")
_DANISH_DATE = re.compile(r"(\d{1,2})[.-](\d{1,2})[.-](\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_decimal(raw, *, field_name: str) -> Decimal | None:
    """A mean or SD read the Danish way (decimal comma), at most `MEAN_DECIMALS` decimals; '' and None: no value."""
    if isinstance(raw, Decimal):  # already read (a previewed import row)
        raw = float(raw) if raw == raw.quantize(Decimal(1).scaleb(-MEAN_DECIMALS)) else raw
    value = read_number(raw, decimals=True)
    if value is None:
        return None
    value = Decimal(value)
    if -value.as_tuple().exponent > MEAN_DECIMALS and value != value.quantize(Decimal(1).scaleb(-MEAN_DECIMALS)):
        raise ValidationError(_("Højst %(n)d decimaler.") % {"n": MEAN_DECIMALS}, code="decimals")
    return value


def _event_date(token, month: dt.date) -> dt.date:
    """One event's date: a day of the month ("4"), day and month ("4.3"), a full date ("4.3.2026", "2026-03-04") or
    a date from a spreadsheet cell."""
    if isinstance(token, dt.datetime):
        token = token.date()
    if isinstance(token, dt.date):
        return token
    text = str(token).strip()
    try:
        if match := _DAY.fullmatch(text):
            return month.replace(day=int(match.group(1)))
        if match := _DAY_MONTH.fullmatch(text):
            return dt.date(month.year, int(match.group(2)), int(match.group(1)))
        if match := _DANISH_DATE.fullmatch(text):
            return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        if match := _ISO_DATE.fullmatch(text):
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        pass
    raise ValidationError(
        _("»%(text)s« er ikke en dato. Skriv dagen i måneden (fx 4) eller datoen (fx 4.3.2026).") % {"text": text[:20]}
    )


def parse_events(dates, opportunities, *, month: dt.date, today: dt.date) -> tuple[tuple[dt.date, int | None], ...]:
    """The month's events from the entry's text (or lists from an import): dates separated by commas, semicolons or
    spaces; opportunities likewise, one per date in the same order, or none at all. Raises ValidationError keyed by
    field ``events`` / ``opportunities`` with Danish messages."""
    tokens = dates if isinstance(dates, list | tuple) else [t for t in _LIST_SPLIT.split(str(dates or "").strip()) if t]
    if isinstance(dates, dt.date):
        tokens = [dates]
    errors: dict[str, list[str]] = {}
    days = []
    for token in tokens:
        try:
            day = _event_date(token, month)
        except ValidationError as exc:
            errors.setdefault("events", []).append(exc.messages[0])
            continue
        if first_of_month(day) != month:
            errors.setdefault("events", []).append(
                _("%(date)s ligger ikke i %(month)s.")
                % {"date": date_format(day, "j.n.Y"), "month": month_label(month)}
            )
        elif day > today:
            errors.setdefault("events", []).append(
                _("%(date)s er ikke kommet endnu.") % {"date": date_format(day, "j.n.Y")}
            )
        else:
            days.append(day)
    if len(tokens) > MAX_EVENTS_PER_MONTH:
        errors.setdefault("events", []).append(_("For mange datoer for én måned."))
    raw_opps = (
        opportunities
        if isinstance(opportunities, list | tuple)
        else [t for t in _LIST_SPLIT.split(str(opportunities if opportunities is not None else "").strip()) if t]
    )
    if isinstance(opportunities, int | float) and not isinstance(opportunities, bool):
        raw_opps = [opportunities]
    opps: list[int | None] = []
    for raw in raw_opps:
        try:
            opps.append(read_whole_number(raw))
        except ValidationError as exc:
            errors.setdefault("opportunities", []).append(exc.messages[0])
    if raw_opps and not tokens:
        errors.setdefault("opportunities", []).append(_("Muligheder kan kun skrives sammen med datoer."))
    elif raw_opps and len(raw_opps) != len(tokens):
        errors.setdefault("opportunities", []).append(
            _("Skriv ét tal pr. dato (%(dates)d datoer, %(numbers)d tal), eller lad feltet være tomt.")
            % {"dates": len(tokens), "numbers": len(raw_opps)}
        )
    if errors:
        raise ValidationError(errors)
    pairs = zip(days, opps, strict=True) if opps else ((day, None) for day in days)
    return tuple(sorted(pairs, key=lambda pair: pair[0]))


def enterable_months(measure, *, today: dt.date) -> list[dt.date]:
    """Months a value may be entered for (locks aside), oldest first: the measure's period up to the current month."""
    return measure_months(measure, today=add_months(first_of_month(today), 1))


def _month_error(measure, month: dt.date, *, today: dt.date) -> str | None:
    current = first_of_month(today)
    if month > current:
        return _("%(month)s er ikke begyndt endnu. Du kan registrere til og med indeværende måned.") % {
            "month": month_label(month).capitalize()
        }
    months = enterable_months(measure, today=today)
    if not months:
        return _("Målingen har ingen måneder, der kan registreres endnu.")
    if month < months[0]:
        return _("Målingen begynder først i %(start)s.") % {"start": month_label(months[0])}
    if month > months[-1]:
        return _("Målingen sluttede i %(end)s.") % {"end": month_label(months[-1])}
    return None


def measurement_check(
    *,
    measure,
    section,
    month: dt.date,
    numerator,
    denominator,
    comment: str = "",
    by,
    today: dt.date | None = None,
    locks: Locks | None = None,
    empty_deletes: bool = True,
    mean=None,
    sd=None,
    events=None,
    opportunities=None,
) -> Clean:
    """Check one value against every rule; return it cleaned or raise ValidationError keyed by field.

    `mean` and `sd` are for *gennemsnit* measures, `events` (dates) and `opportunities` for *sjældne hændelser*
    (text as typed, or lists from an import); other units must leave them empty.

    Raises PermissionDenied when `by` may not enter for the measure's department. `empty_deletes=False` (import)
    makes an empty numerator an error instead of a deletion. Reads no more than the measure's sections (cached when
    prefetched) and, once per department per `locks`, the recorded lock changes.
    """
    today = today or timezone.localdate()
    locks = locks or Locks(today=today)
    department_id = measure.initiative.department_id
    if not may_enter(by, department_id):
        raise PermissionDenied(_("Du kan ikke registrere målinger for denne afdeling."))

    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not isinstance(month, dt.date):
        add("month", _("Vælg en måned."))
    else:
        month = first_of_month(month)
        problem = _month_error(measure, month, today=today)
        if problem:
            add("month", problem)
        elif locks.is_locked(department_id, month):
            add("month", locked_message(month))

    slots = measure_slots(measure)
    if section not in slots:
        if section is None:
            add("section", _("Målingen registreres pr. afsnit; vælg et afsnit."))
        elif slots == [None]:
            add("section", _("Målingen registreres for hele afdelingen, ikke pr. afsnit."))
        else:
            add("section", _("Indsatsen kører ikke i afsnittet %(section)s.") % {"section": section})

    numbers = {}
    for name, raw in (("numerator", numerator), ("denominator", denominator)):
        try:
            numbers[name] = parse_whole_number(raw)
        except ValidationError as exc:
            add(name, exc.messages[0])
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        add("comment", _("Kommentaren må højst være %(max)d tegn.") % {"max": COMMENT_MAX})
    elif _CONTROL.search(comment):
        add("comment", _("Kommentaren indeholder et usynligt styretegn, som ikke kan gemmes. Skriv den igen."))

    extra: dict = {}
    if measure.unit == Unit.MEAN:
        extra = _check_mean(numbers, mean, sd, add, errors)
    elif measure.unit == Unit.EVENTS:
        extra = _check_events(numbers, events, opportunities, comment, month, today, add, errors)
        if "events" in extra and "numerator" not in errors and not errors.get("month"):
            numbers["numerator"] = extra.pop("numerator")
    else:
        for name, raw in (("mean", mean), ("sd", sd), ("events", events), ("opportunities", opportunities)):
            if raw not in (None, "", [], ()):
                add(name, _("Feltet hører ikke til målingens enhed – lad det være tomt."))

    if "numerator" not in errors and "denominator" not in errors:
        num, den = numbers["numerator"], numbers["denominator"]
        if num is None and den is None:
            if any(name in errors for name in ("mean", "sd", "events", "opportunities")):
                pass  # the field's own message says what is wrong
            elif not empty_deletes:
                add(
                    "numerator",
                    _("Skriv tælleren.")
                    if measure.unit not in (Unit.MEAN, Unit.EVENTS)
                    else (
                        _("Skriv antallet af observationer.")
                        if measure.unit == Unit.MEAN
                        else _("Skriv datoerne for månedens hændelser, eller 0 for ingen hændelser.")
                    ),
                )
            elif comment:
                add("numerator", _("Skriv tælleren – en kommentar alene kan ikke gemmes."))
            elif extra.get("mean") is not None or extra.get("sd") is not None:
                add("numerator", _("Skriv også antallet af observationer."))
        elif num is None:
            add("numerator", _("Skriv også tælleren."))
        elif measure.unit in NO_DENOMINATOR_UNITS:
            if den is not None and measure.unit == Unit.COUNT:
                add("denominator", _("Et antal har ingen nævner – lad feltet være tomt."))
            elif den is not None:
                add("denominator", _("Målingen har ingen nævner – lad feltet være tomt."))
        elif den is None:
            add("denominator", _("Skriv nævneren, når du skriver en tæller."))
        elif measure.unit == Unit.PROPORTION and num > den:
            add(
                "numerator",
                _("Tælleren (%(numerator)s) kan ikke være større end nævneren (%(denominator)s).")
                % {"numerator": num, "denominator": den},
            )
        elif measure.unit == Unit.RATE and den == 0 and num > 0:
            add("denominator", _("Nævneren skal være over 0, når tælleren er over 0."))

    if errors:
        raise ValidationError(errors)
    return Clean(
        measure=measure,
        section=section,
        month=month,
        numerator=numbers["numerator"],
        denominator=numbers["denominator"],
        comment=comment if numbers["numerator"] is not None else "",
        mean=extra.get("mean") if numbers["numerator"] else None,
        sd=extra.get("sd") if numbers["numerator"] else None,
        events=extra.get("events", ()) if numbers["numerator"] else (),
    )


def _check_mean(numbers: dict, mean, sd, add, errors) -> dict:
    """Mean and SD of a *gennemsnit* value: mean with observations, SD with two or more, nothing without."""
    values = {}
    for name, raw in (("mean", mean), ("sd", sd)):
        try:
            values[name] = parse_decimal(raw, field_name=name)
        except ValidationError as exc:
            add(name, exc.messages[0])
    if "numerator" in errors or "mean" in errors or "sd" in errors:
        return values
    n = numbers["numerator"]
    if not n:
        if n == 0 and (values["mean"] is not None or values["sd"] is not None):
            add("mean", _("Med 0 observationer er der intet gennemsnit – lad gennemsnit og SD være tomme."))
        return values
    if values["mean"] is None:
        add("mean", _("Skriv gennemsnittet af de %(n)d observationer.") % {"n": n})
    if n == 1 and values["sd"] not in (None, Decimal(0)):
        add("sd", _("Én observation har ingen standardafvigelse – lad feltet være tomt."))
    elif n >= 2 and values["sd"] is None:
        add("sd", _("Skriv standardafvigelsen (SD) af de %(n)d observationer.") % {"n": n})
    if n == 1:
        values["sd"] = None
    return values


def _check_events(numbers: dict, events, opportunities, comment, month, today, add, errors) -> dict:
    """The dates of a *sjældne hændelser* month: the value is their number; none and 0 confirm no events."""
    if comment:
        add("comment", _("Sjældne hændelser registreres kun med dato – uden kommentar."))
    if errors.get("month") or not isinstance(month, dt.date):
        return {}
    try:
        parsed = parse_events(events, opportunities, month=first_of_month(month), today=today)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            for message in messages:
                add(name, message)
        return {}
    if "numerator" in errors:
        return {}
    n = numbers["numerator"]
    if parsed:
        if n is not None and n != len(parsed):
            add(
                "numerator",
                _("Antallet (%(n)d) passer ikke med datoerne (%(dates)d).") % {"n": n, "dates": len(parsed)},
            )
            return {}
        return {"events": parsed, "numerator": len(parsed)}
    if n:
        add("events", _("Skriv datoen for hver af de %(n)d hændelser.") % {"n": n})
    return {}


# --- writing --------------------------------------------------------------------------------------------------------


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Recorded:
    outcome: Outcome
    measurement: Measurement | None  # None after a delete, or when nothing was there and nothing was entered


class MeasurementConflict(Exception):
    """Somebody else changed or deleted the value since the caller read it: nothing was written.

    `current` is the value stored now (None when it was deleted); `by_name` and `at` say who stored (or deleted)
    it and when, as far as the history knows.
    """

    def __init__(self, *, current: Measurement | None, by_name: str, at):
        self.current = current
        self.by_name = by_name
        self.at = at
        super().__init__(self.message)

    @property
    def stored_text(self) -> str:
        if self.current is None:
            return ""
        return self.current.value_text

    @property
    def message(self) -> str:
        when = date_format(timezone.localtime(self.at), "j. F Y \\k\\l. H.i") if self.at else ""
        if self.current is None:
            return _(
                "%(who)s har slettet værdien (%(when)s), mens du skrev. Din værdi er ikke gemt; "
                "gem igen for at registrere den."
            ) % {"who": self.by_name, "when": when}
        return _(
            "%(who)s har gemt %(value)s (%(when)s), mens du skrev. Din værdi er ikke gemt; "
            "ret feltet eller gem igen for at erstatte den."
        ) % {"who": self.by_name, "value": self.stored_text, "when": when}


def _user_name(user) -> str:
    if user is None:
        return _("systemet (import)")
    return user.get_full_name() or user.get_username()


def _stored(measure, section, month) -> Measurement | None:
    return (
        Measurement.objects.select_related("entered_by").filter(measure=measure, section=section, month=month).first()
    )


def _conflict(measure, section, month) -> MeasurementConflict:
    current = _stored(measure, section, month)
    if current is not None:
        return MeasurementConflict(current=current, by_name=_user_name(current.entered_by), at=current.entered_at)
    deletion = (
        Measurement.history.filter(measure_id=measure.pk, section_id=getattr(section, "pk", None), month=month)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    if deletion is None:
        return MeasurementConflict(current=None, by_name=_("en anden"), at=None)
    return MeasurementConflict(current=None, by_name=_user_name(deletion.history_user), at=deletion.history_date)


_UNREAD = object()


def _stored_many(cleaned: list[Clean]) -> dict[tuple, Measurement]:
    """The values stored now for a batch's cells, in one query: (measure id, section id, month) → value."""
    if not cleaned:
        return {}
    rows = Measurement.objects.filter(
        measure_id__in={clean.measure.pk for clean in cleaned}, month__in={clean.month for clean in cleaned}
    ).order_by()
    return {(row.measure_id, row.section_id, row.month): row for row in rows}


def _write(
    clean: Clean, *, expected_version: int | None, by, source: str = "", current=_UNREAD, batch=None
) -> Recorded:
    """Write one checked value inside the caller's transaction; raise MeasurementConflict on a stale version.

    `current`: the value stored now, when the caller has read it already (`_stored_many`; None: no value)."""
    measure, section, month = clean.measure, clean.section, clean.month
    if current is _UNREAD:
        section_filter = {"section": section} if section is not None else {"section__isnull": True}
        # No ORDER BY: the model's ordering would join sections and departments to sort at most one row.
        current = Measurement.objects.filter(measure=measure, month=month, **section_filter).order_by().first()
    now = timezone.now()

    if current is None:
        if expected_version is not None:
            raise _conflict(measure, section, month)  # it was there when the caller read it: deleted since
        if clean.is_empty:
            return Recorded(Outcome.UNCHANGED, None)
        created = Measurement(
            measure=measure,
            section=section,
            month=month,
            numerator=clean.numerator,
            denominator=clean.denominator,
            unit=measure.unit,
            comment=clean.comment,
            mean=clean.mean,
            sd=clean.sd,
            version=1,
            entered_by=by,
        )
        created._history_user = by
        created._change_reason = source or None
        try:
            with transaction.atomic():  # a savepoint: a concurrent insert of the same cell is a conflict
                created.save()
        except IntegrityError:
            raise _conflict(measure, section, month) from None
        _write_events(clean, by=by)
        return Recorded(Outcome.CREATED, created)

    if expected_version != current.version:
        raise _conflict(measure, section, month)

    if clean.is_empty:
        # Claim the row with a conditional update, then delete it: the delete is guarded by the version too.
        claimed = Measurement.objects.filter(pk=current.pk, version=expected_version).update(
            version=F("version") + 1, entered_by=by, entered_at=now
        )
        if not claimed:
            raise _conflict(measure, section, month)
        current.version, current.entered_by, current.entered_at = expected_version + 1, by, now
        current._history_user = by
        current._change_reason = source or None
        current.delete()
        _write_events(clean, by=by)
        return Recorded(Outcome.DELETED, None)

    stored_events = _stored_events(clean) if measure.unit == Unit.EVENTS else ()
    if (
        current.numerator,
        current.denominator,
        current.comment,
        current.unit,
        current.mean,
        current.sd,
        stored_events,
    ) == (
        clean.numerator,
        clean.denominator,
        clean.comment,
        measure.unit,
        clean.mean,
        clean.sd,
        clean.events,
    ):
        return Recorded(Outcome.UNCHANGED, current)

    changed = Measurement.objects.filter(pk=current.pk, version=expected_version).update(
        numerator=clean.numerator,
        denominator=clean.denominator,
        comment=clean.comment,
        mean=clean.mean,
        sd=clean.sd,
        unit=measure.unit,
        version=F("version") + 1,
        entered_by=by,
        entered_at=now,
    )
    if not changed:
        raise _conflict(measure, section, month)
    _write_events(clean, by=by)
    current.numerator, current.denominator, current.comment = clean.numerator, clean.denominator, clean.comment
    current.mean, current.sd = clean.mean, clean.sd
    current.unit, current.version, current.entered_by, current.entered_at = measure.unit, expected_version + 1, by, now
    current._history_user, current._history_date, current._change_reason = by, now, source or None
    if batch is not None:  # measurement_record_many writes the history rows and the touch once for the batch
        batch.changed.append(current)
        return Recorded(Outcome.UPDATED, current)
    Measurement.history.bulk_history_create(
        [current], update=True, default_user=by, default_date=now, default_change_reason=None
    )
    # A conditional UPDATE sends no post_save: mark the measure's cached status stale here, in this transaction
    # (creates and deletes above go through save()/delete(), whose signals do it; see measurements.summary).
    summary.touch([measure.pk])
    return Recorded(Outcome.UPDATED, current)


@dataclass
class _Batch:
    """Changed values of a batch whose history rows and summary touch are written together, in its transaction."""

    changed: list = field(default_factory=list)

    def flush(self, *, by) -> None:
        if self.changed:
            Measurement.history.bulk_history_create(
                self.changed, update=True, default_user=by, default_change_reason=None
            )
            summary.touch(sorted({value.measure_id for value in self.changed}))
            self.changed = []


def _slot_events(clean: Clean):
    section_filter = {"section": clean.section} if clean.section is not None else {"section__isnull": True}
    return RareEvent.objects.filter(
        measure=clean.measure, date__gte=clean.month, date__lt=add_months(clean.month, 1), **section_filter
    ).order_by("date", "id")


def _stored_events(clean: Clean) -> tuple:
    return tuple((event.date, event.opportunities) for event in _slot_events(clean))


def _write_events(clean: Clean, *, by) -> None:
    """Bring the slot's events of the month in step with the checked value (rare-event measures only): events no
    longer given are deleted, new ones created, unchanged ones kept; the history records each, with who."""
    if clean.measure.unit != Unit.EVENTS:
        return
    stored = list(_slot_events(clean))
    wanted = list(clean.events)
    keep = []
    for event in stored:
        pair = (event.date, event.opportunities)
        if pair in wanted:
            wanted.remove(pair)
            keep.append(event)
        else:
            event._history_user = by
            event.delete()
    for day, opportunities in wanted:
        event = RareEvent(
            measure=clean.measure, section=clean.section, date=day, opportunities=opportunities, entered_by=by
        )
        event._history_user = by
        event.save()


def measurement_record(
    *,
    measure,
    section,
    month: dt.date,
    numerator,
    denominator,
    comment: str = "",
    expected_version: int | None,
    by,
    today: dt.date | None = None,
    locks: Locks | None = None,
    empty_deletes: bool = True,
    mean=None,
    sd=None,
    events=None,
    opportunities=None,
) -> Recorded:
    """Check and write one value (create, change or — with both numbers empty — delete).

    `expected_version` is the version the caller saw, None if it saw no value. Raises ValidationError (Danish
    messages keyed by field), PermissionDenied, or MeasurementConflict; nothing is written in those cases.
    """
    clean = measurement_check(
        measure=measure,
        section=section,
        month=month,
        numerator=numerator,
        denominator=denominator,
        comment=comment,
        by=by,
        today=today,
        locks=locks,
        empty_deletes=empty_deletes,
        mean=mean,
        sd=sd,
        events=events,
        opportunities=opportunities,
    )
    with transaction.atomic():
        _hold_departments([measure.initiative.department_id])
        recorded = _write(clean, expected_version=expected_version, by=by)
        _after_write([(clean, recorded)], by=by)
        return recorded


@dataclass(frozen=True)
class Entry:
    """One value in a batch; `key` is the caller's handle for its errors (a grid cell, an import row)."""

    key: Hashable
    measure: object
    section: object
    month: dt.date
    numerator: object
    denominator: object
    comment: str = ""
    expected_version: int | None = None
    mean: object = None
    sd: object = None
    events: object = None  # rare events: the dates (text or a list)
    opportunities: object = None


@dataclass
class NotSaved(Exception):
    """A batch was refused as a whole: errors and conflicts by entry key. Nothing of the batch was written."""

    errors: dict = field(default_factory=dict)  # key → ValidationError
    conflicts: dict = field(default_factory=dict)  # key → MeasurementConflict

    def __str__(self):
        return f"{len(self.errors)} errors, {len(self.conflicts)} conflicts"


def measurement_record_many(
    *,
    entries: Iterable[Entry],
    by,
    today: dt.date | None = None,
    empty_deletes: bool = True,
    source: str = "",
    locks: Locks | None = None,
) -> dict[Hashable, Recorded]:
    """All or nothing: check every entry, then write them in one transaction; any error or conflict writes none.

    Raises NotSaved (with every row's errors, or every conflict found) or PermissionDenied. `source` is kept in the
    history (`SOURCE_API` for the Web API). `locks` (for `today`) lets the caller show the row afterwards with the
    lock state the write was checked against, without reading it again.
    """
    today = today or timezone.localdate()
    entries = list(entries)
    locks = locks if locks is not None and locks.today == today else Locks(today=today)
    locks.preload({entry.measure.initiative.department_id for entry in entries})
    cleaned, errors = [], {}
    for entry in entries:
        try:
            clean = measurement_check(
                measure=entry.measure,
                section=entry.section,
                month=entry.month,
                numerator=entry.numerator,
                denominator=entry.denominator,
                comment=entry.comment,
                by=by,
                today=today,
                locks=locks,
                empty_deletes=empty_deletes,
                mean=entry.mean,
                sd=entry.sd,
                events=entry.events,
                opportunities=entry.opportunities,
            )
        except ValidationError as exc:
            errors[entry.key] = exc
        else:
            cleaned.append((entry, clean))
    if errors:
        raise NotSaved(errors=errors)
    results, conflicts = {}, {}
    with transaction.atomic():
        _hold_departments({clean.measure.initiative.department_id for _entry, clean in cleaned})
        stored = _stored_many([clean for _entry, clean in cleaned])
        batch = _Batch()
        written = []
        for entry, clean in cleaned:
            cell = (clean.measure.pk, getattr(clean.section, "pk", None), clean.month)
            try:
                results[entry.key] = _write(
                    clean,
                    expected_version=entry.expected_version,
                    by=by,
                    source=source,
                    current=stored.get(cell),
                    batch=batch,
                )
            except MeasurementConflict as conflict:
                conflicts[entry.key] = conflict
            else:
                written.append((clean, results[entry.key]))
        if conflicts:
            raise NotSaved(conflicts=conflicts)  # leaving the block rolls back what was written
        batch.flush(by=by)
        _after_write(written, by=by)
    return results


def error_dict(exc: ValidationError) -> dict[str, list[str]]:
    """Field → messages of a ValidationError from this module (messages without a field under NON_FIELD_ERRORS)."""
    if hasattr(exc, "error_dict"):
        return {name: [str(m) for e in errs for m in e.messages] for name, errs in exc.error_dict.items()}
    return {NON_FIELD_ERRORS: exc.messages}


def measure_unit_change_error(measure, new_unit: str) -> str | None:
    """The unit of a measure with stored values cannot change (it would break the values' rules)."""
    if measure.pk and new_unit != measure.unit and Measurement.objects.filter(measure=measure).exists():
        return _("Enheden kan ikke ændres, når der er registreret værdier for målingen.")
    return None


# --- data quality and sign-off (issue 14) ---------------------------------------------------------------------------
#
# Every value write above ends with `_after_write` in the same transaction: it asks the questions of
# `measurements.checks` about the values just saved, and marks the months reported (*ændret efter indberetning*) and
# quarters approved (*ændret efter godkendelse*) that the write changed.
#
# A save and an approval at the same moment: each value-writing transaction first takes a SHARE lock on its
# department's row (`_hold_departments`; shared, so saves never wait for each other), an approval takes an
# exclusive lock on the same row (`quarter_approve`). So one of them waits for the other to commit, and then:
#   * the save committed first → the approval sees a newer value than the page it was given from (the
#     `quarter_stamp` it carries is behind) and is refused with a Danish message: nothing approved;
#   * the approval committed first → the save's `_after_write` sees the approval and marks it changed after approval.
# Never an approved quarter that silently contains a newer value.


def _hold_departments(department_ids) -> None:
    ids = sorted(set(department_ids))
    if not ids or connection.vendor != "postgresql":
        return  # SQLite serialises writing transactions anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM departments_department WHERE id = ANY(%s) ORDER BY id FOR SHARE", [ids])


def _lock_department(department_id: int) -> None:
    from departments.models import Department

    list(Department.objects.select_for_update().filter(pk=department_id).values_list("pk", flat=True))


def _after_write(written: list[tuple[Clean, Recorded]], *, by) -> None:
    changed = [(clean, recorded) for clean, recorded in written if recorded.outcome != Outcome.UNCHANGED]
    if not changed:
        return
    now = timezone.now()
    by_department: dict[int, set] = {}
    for clean, _recorded in changed:
        by_department.setdefault(clean.measure.initiative.department_id, set()).add(clean.month)
    for department_id, months in by_department.items():
        MonthReport.objects.filter(department_id=department_id, month__in=months, changed_at__isnull=True).update(
            changed_at=now
        )
        QuarterApproval.objects.filter(
            department_id=department_id,
            quarter__in={quarter_of(month) for month in months},
            status=QuarterApproval.Status.APPROVED,
            changed_at__isnull=True,
        ).update(changed_at=now)
    saved = [(clean, r.measurement) for clean, r in changed if r.outcome in (Outcome.CREATED, Outcome.UPDATED)]
    if saved:
        _question_values(saved, by=by, now=now)


def _question_values(saved: list[tuple[Clean, Measurement]], *, by, now) -> None:
    """Ask `measurements.checks` about each saved value; keep, replace or drop its ValueCheck."""
    measures = {clean.measure.pk: clean.measure for clean, _m in saved}
    history: dict[int, dict] = {pk: {} for pk in measures}
    earliest = min(clean.month for clean, _m in saved)
    frozen = dict(
        ChartPhase.objects.active()
        .filter(measure_id__in=list(measures), kind=ChartPhase.Kind.FREEZE)
        .order_by()
        .values_list("measure_id", "month")
    )
    baseline_from = min(
        [add_months(earliest, -checks.ROLLING_BASELINE_MONTHS)]
        + [checks.baseline_start(measures[pk], frozen_through=month) for pk, month in frozen.items()]
    )
    # No ORDER BY: the models' orderings would join six tables to sort what goes into a dict.
    rows = (
        Measurement.objects.filter(measure_id__in=list(measures), month__gte=baseline_from)
        .order_by()
        .values_list("measure_id", "section_id", "month", "numerator", "denominator")
    )
    for measure_id, section_id, month, numerator, denominator in rows:
        history[measure_id][(section_id, month)] = (numerator, denominator)
    existing = {
        c.measurement_id: c for c in ValueCheck.objects.filter(measurement__in=[m for _c, m in saved]).order_by()
    }
    # One write per saved value (an upsert of its question, or a delete of the old one), whatever the data: the
    # entry save runs the same number of queries whether or not a value is questioned.
    unquestioned, upserts = [], []
    for clean, measurement in saved:
        values = history[clean.measure.pk]
        section_id = getattr(clean.section, "pk", None)
        baseline = [
            values[(section_id, month)]
            for month in checks.baseline_months(clean.measure, clean.month, frozen_through=frozen.get(clean.measure.pk))
            if (section_id, month) in values
        ]
        question = checks.question_for(
            clean.measure,
            numerator=clean.numerator,
            denominator=clean.denominator,
            baseline=baseline,
            mean=clean.mean,
        )
        old = existing.get(measurement.pk)
        if question is None:
            unquestioned.append(measurement.pk)
            continue
        if old and old.kind == question.kind and old.message == question.message and old.explained:
            continue  # already answered, and the question is the same
        check = ValueCheck(measurement=measurement, kind=question.kind, message=question.message[:300], created_at=now)
        if clean.comment:  # the comment written with the value is its explanation
            check.explanation, check.explained_by, check.explained_at = clean.comment, by, now
        upserts.append(check)
    if unquestioned:
        ValueCheck.objects.filter(measurement_id__in=unquestioned).delete()
    if upserts:
        ValueCheck.objects.bulk_create(
            upserts,
            update_conflicts=True,
            unique_fields=["measurement"],
            update_fields=["kind", "message", "explanation", "explained_by", "explained_at", "created_at"],
        )


def _text(value, *, field: str, required: str, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: required})
    if len(text) > max_length:
        raise ValidationError({field: _("Teksten må højst være %(max)d tegn.") % {"max": max_length}})
    if _CONTROL.search(text):
        raise ValidationError({field: _("Teksten indeholder et usynligt styretegn, som ikke kan gemmes.")})
    return text


def value_check_explain(*, check: ValueCheck, explanation: str = "", confirm: bool = False, by) -> ValueCheck:
    """The department answers a questioned value: an explanation, or a confirmation that the value is right."""
    if not may_enter(by, check.measurement.measure.initiative.department_id):
        raise PermissionDenied(_("Du kan ikke forklare værdier for denne afdeling."))
    if confirm and not (explanation or "").strip():
        text = _("Bekræftet: værdien er rigtig.")
    else:
        text = _text(
            explanation, field="explanation", required=_("Skriv en forklaring, eller bekræft værdien."), max_length=500
        )
    check.explanation, check.explained_by, check.explained_at = text, by, timezone.now()
    check.save(update_fields=["explanation", "explained_by", "explained_at"])
    return check


@transaction.atomic
def follow_up_set(*, measurement: Measurement, note: str, by) -> FollowUpFlag:
    """Management or KDK marks a value *til opfølgning*, with a note. A value has at most one open flag."""
    if not may_approve(by, measurement.measure.initiative.department_id):
        raise PermissionDenied(_("Kun afdelingsledelsen og KDK kan markere værdier til opfølgning."))
    note = _text(note, field="note", required=_("Skriv, hvad der skal følges op på."), max_length=500)
    if FollowUpFlag.objects.filter(measurement=measurement, cleared_at__isnull=True).exists():
        raise ValidationError({"note": _("Værdien er allerede markeret til opfølgning.")})
    return FollowUpFlag.objects.create(measurement=measurement, note=note, set_by=by)


@transaction.atomic
def follow_up_clear(*, flag: FollowUpFlag, note: str, by) -> FollowUpFlag:
    """Management or KDK clears a flag, with a note of what was found."""
    if not may_approve(by, flag.measurement.measure.initiative.department_id):
        raise PermissionDenied(_("Kun afdelingsledelsen og KDK kan afslutte en opfølgning."))
    note = _text(note, field="note", required=_("Skriv, hvad opfølgningen viste."), max_length=500)
    claimed = FollowUpFlag.objects.filter(pk=flag.pk, cleared_at__isnull=True).update(
        cleared_note=note, cleared_by=by, cleared_at=timezone.now()
    )
    if not claimed:
        raise ValidationError({"note": _("Opfølgningen er allerede afsluttet.")})
    flag.refresh_from_db()
    return flag


@transaction.atomic
def gap_explain(*, measure, section, month: dt.date, reason: str, by, today: dt.date | None = None) -> GapReason | None:
    """Explain why a value is missing ("ingen data: …"); an empty reason removes the explanation."""
    today = today or timezone.localdate()
    if not may_enter(by, measure.initiative.department_id):
        raise PermissionDenied(_("Du kan ikke registrere for denne afdeling."))
    month = first_of_month(month)
    if month not in measure_months(measure, today=today):
        raise ValidationError(
            {"month": _("Målingen skal ikke have en værdi for %(month)s.") % {"month": month_label(month)}}
        )
    if section not in measure_slots(measure):
        raise ValidationError({"section": _("Målingen registreres ikke i dette afsnit.")})
    section_filter = {"section": section} if section is not None else {"section__isnull": True}
    reason = (reason or "").strip()
    if not reason:
        GapReason.objects.filter(measure=measure, month=month, **section_filter).delete()
        return None
    reason = _text(reason, field="reason", required="", max_length=300)
    if Measurement.objects.filter(measure=measure, month=month, **section_filter).exists():
        raise ValidationError({"reason": _("Der er registreret en værdi; et hul skal ikke forklares.")})
    gap, _created = GapReason.objects.update_or_create(
        measure=measure, month=month, **section_filter, defaults={"reason": reason, "given_by": by}
    )
    return gap


def month_mark_reported(*, department, month: dt.date, by, today: dt.date | None = None) -> MonthReport:
    """A key person marks the department's month *indberettet*: only when every value due is there or its gap is
    explained. Marking twice keeps the first mark (who and when)."""
    from .dataquality import month_cells

    today = today or timezone.localdate()
    if not may_enter(by, department.pk):
        raise PermissionDenied(_("Du kan ikke indberette for denne afdeling."))
    month = first_of_month(month)
    if month >= first_of_month(today):
        raise ValidationError(
            {"month": _("%(month)s er ikke slut endnu.") % {"month": month_label(month).capitalize()}}
        )
    missing = [cell for cell in month_cells(department.pk, month, today=today) if cell.missing]
    if missing:
        names = ", ".join(
            f"{cell.measure.name}" + (f" ({cell.section.name})" if cell.section else "") for cell in missing[:5]
        )
        more = len(missing) - 5
        raise ValidationError(
            {
                "month": _(
                    "%(month)s kan ikke indberettes: %(count)d værdier mangler uden forklaring (%(names)s%(more)s). "
                    "Registrér dem, eller skriv, hvorfor der ingen data er."
                )
                % {
                    "month": month_label(month).capitalize(),
                    "count": len(missing),
                    "names": names,
                    "more": _(" og %(n)d flere") % {"n": more} if more > 0 else "",
                }
            }
        )
    now = timezone.now()
    with transaction.atomic():
        report, _created = MonthReport.objects.get_or_create(
            department=department,
            month=month,
            defaults={"reported_by": by, "reported_at": now, "on_time": today < lock_date(month)},
        )
    return report


def reopen_days() -> int:
    return settings.VAELGKLOGT_REOPEN_DAYS


def reopen_request(*, department, month: dt.date, reason: str, by, today: dt.date | None = None):
    """A key person asks KDK to reopen a locked month. Asking twice gives the one pending request.

    Returns (request, created)."""
    today = today or timezone.localdate()
    if not may_enter(by, department.pk):
        raise PermissionDenied(_("Du kan ikke bede om genåbning for denne afdeling."))
    month = first_of_month(month)
    reason = _text(reason, field="reason", required=_("Skriv, hvorfor måneden skal genåbnes."), max_length=1000)
    if not Locks(today=today).is_locked(department.pk, month):
        raise ValidationError({"month": _("%(month)s er ikke låst.") % {"month": month_label(month).capitalize()}})
    pending = ReopenRequest.objects.filter(department=department, month=month, status=ReopenRequest.Status.PENDING)
    existing = pending.first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            return ReopenRequest.objects.create(
                department=department, month=month, reason=reason, requested_by=by
            ), True
    except IntegrityError:  # asked at the same moment by somebody else
        return pending.get(), False


def reopen_decide(
    *, request: ReopenRequest, grant: bool, reason: str, by, today: dt.date | None = None
) -> ReopenRequest:
    """KDK grants (the month opens for VAELGKLOGT_REOPEN_DAYS days, then locks by itself) or refuses with a reason,
    in one action. The requester is told by e-mail once the decision is committed."""
    today = today or timezone.localdate()
    if not may_decide_reopen(by):
        raise PermissionDenied(_("Kun KDK kan afgøre anmodninger om genåbning."))
    if grant:
        reason = (reason or "").strip() or _("Imødekommet.")
    reason = _text(reason, field="reason", required=_("Skriv, hvorfor anmodningen afvises."), max_length=1000)
    with transaction.atomic():
        now = timezone.now()
        open_until = today + dt.timedelta(days=reopen_days() - 1) if grant else None
        claimed = ReopenRequest.objects.filter(pk=request.pk, status=ReopenRequest.Status.PENDING).update(
            status=ReopenRequest.Status.GRANTED if grant else ReopenRequest.Status.REFUSED,
            decided_by=by,
            decided_at=now,
            decision_reason=reason,
            open_until=open_until,
        )
        if not claimed:
            raise ValidationError({"reason": _("Anmodningen er allerede afgjort.")})
        request.refresh_from_db()
        if grant:
            from .locking import month_reopen

            month_reopen(
                department=request.department,
                month=request.month,
                reason=_("Anmodning fra %(who)s: %(reason)s")
                % {"who": _user_name(request.requested_by), "reason": request.reason},
                by=by,
                today=today,
                open_until=open_until,
            )
        transaction.on_commit(lambda: _tell_requester(request.pk))
    return request


def _tell_requester(request_id: int) -> None:
    from django.core.mail import send_mail
    from django.utils import translation

    request = ReopenRequest.objects.select_related("department", "requested_by").get(pk=request_id)
    user = request.requested_by
    if user is None or not user.email:
        return
    with translation.override("da"):
        month = month_label(request.month)
        if request.status == ReopenRequest.Status.GRANTED:
            subject = _("Vælg Klogt: %(month)s er genåbnet for %(department)s") % {
                "month": month,
                "department": request.department.name,
            }
            body = _(
                "KDK har genåbnet %(month)s for %(department)s. Måneden er åben til og med %(until)s og låses "
                "derefter igen af sig selv.\n\nSvar fra KDK: %(reason)s\n"
            ) % {
                "month": month,
                "department": request.department.name,
                "until": date_format(request.open_until, "j. F Y"),
                "reason": request.decision_reason,
            }
        else:
            subject = _("Vælg Klogt: %(month)s genåbnes ikke") % {"month": month}
            body = _("KDK har afvist at genåbne %(month)s for %(department)s.\n\nBegrundelse: %(reason)s\n") % {
                "month": month,
                "department": request.department.name,
                "reason": request.decision_reason,
            }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def quarter_approve(*, department, quarter: str, seen: int | None, by) -> QuarterApproval:
    """Management (or KDK) approves the quarter's numbers, all measures. `seen` is the quarter's change count the
    approver's page showed (`dataquality.quarter_stamp`): if a value was saved since, nothing is approved."""
    from .dataquality import quarter_stamp

    if not may_approve(by, department.pk):
        raise PermissionDenied(_("Kun afdelingsledelsen og KDK kan godkende et kvartal."))
    try:
        quarter_months(quarter)
    except (ValueError, IndexError):
        raise ValidationError({"quarter": _("Ukendt kvartal.")}) from None
    with transaction.atomic():
        _lock_department(department.pk)  # waits for saves in progress in the department (see above)
        if seen is None or quarter_stamp(department.pk, quarter) != seen:
            raise ValidationError(
                {"quarter": _("Tallene er ændret, siden siden blev vist. Se dem igen, før du godkender kvartalet.")}
            )
        if QuarterApproval.objects.filter(
            department=department, quarter=quarter, status=QuarterApproval.Status.APPROVED
        ).exists():
            raise ValidationError({"quarter": _("Kvartalet er allerede godkendt.")})
        approval = QuarterApproval.objects.create(
            department=department, quarter=quarter, approved_by=by, approved_at=timezone.now()
        )
        # Apps above this one react (reports rebuilds the department's quality-team report) once it is committed.
        transaction.on_commit(lambda: signals.quarter_approved.send(sender=QuarterApproval, approval=approval))
        return approval


@transaction.atomic
def quarter_approval_withdraw(*, approval: QuarterApproval, reason: str, by) -> QuarterApproval:
    if not may_approve(by, approval.department_id):
        raise PermissionDenied(_("Kun afdelingsledelsen og KDK kan trække en godkendelse tilbage."))
    reason = _text(reason, field="reason", required=_("Skriv, hvorfor godkendelsen trækkes tilbage."), max_length=1000)
    claimed = QuarterApproval.objects.filter(pk=approval.pk, status=QuarterApproval.Status.APPROVED).update(
        status=QuarterApproval.Status.WITHDRAWN, withdrawn_by=by, withdrawn_at=timezone.now(), withdraw_reason=reason
    )
    if not claimed:
        raise ValidationError({"reason": _("Godkendelsen er allerede trukket tilbage.")})
    approval.refresh_from_db()
    return approval
