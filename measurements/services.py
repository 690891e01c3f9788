"""The one write path for monthly values: every create, change and delete goes through here.

The entry grid, the import (web and `manage.py import_measurements`) all call `measurement_record` or
`measurement_record_many`; the admin is read-only. The rules, each with a Danish message for the field it concerns:

* whole, non-negative numbers (text, decimals and negative numbers are refused, not rounded);
* proportions: numerator ≤ denominator; proportions and rates need a denominator when a numerator is given;
  counts have no denominator; a rate's denominator is above 0 when its numerator is;
* the month lies within the measure's period and is not after the current month — the current month may be
  entered while it runs (some wards count as they go), later months may not;
* the section is one the measure is recorded in (or none, for a whole-department measure);
* the month is not locked (`measurements/locking.py`);
* only the department's entering roles and KDK may write (`departments/access.py`).

Optimistic concurrency: every value carries a `version`. A caller says which version it saw (`expected_version`;
None = "there was no value"), the change is a conditional ``UPDATE … WHERE version = expected`` and a refused
change raises `MeasurementConflict` carrying the value now stored and who stored it. Empty numerator and
denominator delete the value (guarded by the version too). History: django-simple-history keeps every create,
change and delete with who and when; the conditional update writes its history row itself.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.months import add_months, first_of_month, month_label
from departments.access import may_enter

from . import summary
from .locking import Locks, locked_message
from .models import Measurement, Unit
from .periods import measure_months, measure_slots

#: Larger values are refused: no department counts ten million of anything in a month, and it keeps clear of the
#: database's integer range.
MAX_VALUE = 9_999_999
COMMENT_MAX = Measurement._meta.get_field("comment").max_length

_DIGITS = re.compile(r"\d+")
_NEGATIVE = re.compile(r"-\s*\d+([.,]\d+)?")
_DECIMAL = re.compile(r"\d+[.,]\d+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # control characters (tab and line breaks are fine)


# --- parsing and checking -------------------------------------------------------------------------------------------


def parse_whole_number(raw) -> int | None:
    """A whole non-negative number from a form field, a CSV cell or an XLSX cell; '' and None mean "no value".

    Raises ValidationError with a Danish message; nothing is rounded or guessed.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValidationError(_("Skriv et helt tal."), code="not_a_number")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float):
        if raw != raw or not raw.is_integer():  # NaN or a fraction
            raise ValidationError(
                _("Skriv et helt tal – %(value)s er et decimaltal.") % {"value": str(raw).replace(".", ",")},
                code="decimal",
            )
        value = int(raw)
    else:
        text = str(raw).strip().replace("\u00a0", " ")
        if text == "":
            return None
        if _DIGITS.fullmatch(text):
            value = int(text)
        elif _NEGATIVE.fullmatch(text):
            raise ValidationError(_("Tallet må ikke være negativt."), code="negative")
        elif _DECIMAL.fullmatch(text):
            raise ValidationError(
                _("Skriv et helt tal uden komma eller punktum – %(value)s er ikke et helt tal.") % {"value": text},
                code="decimal",
            )
        else:
            raise ValidationError(
                _("Skriv et helt tal med cifre – »%(value)s« er ikke et tal.") % {"value": text[:20]},
                code="not_a_number",
            )
    if value < 0:
        raise ValidationError(_("Tallet må ikke være negativt."), code="negative")
    if value > MAX_VALUE:
        raise ValidationError(_("Tallet er for stort (højst 9.999.999)."), code="too_large")
    return value


@dataclass(frozen=True)
class Clean:
    """A checked value, ready to write. `numerator is None` (and `denominator is None`) means: delete."""

    measure: object
    section: object
    month: dt.date
    numerator: int | None
    denominator: int | None
    comment: str

    @property
    def is_empty(self) -> bool:
        return self.numerator is None and self.denominator is None


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
) -> Clean:
    """Check one value against every rule; return it cleaned or raise ValidationError keyed by field.

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

    if "numerator" not in errors and "denominator" not in errors:
        num, den = numbers["numerator"], numbers["denominator"]
        if num is None and den is None:
            if not empty_deletes:
                add("numerator", _("Skriv tælleren."))
            elif comment:
                add("numerator", _("Skriv tælleren – en kommentar alene kan ikke gemmes."))
        elif num is None:
            add("numerator", _("Skriv også tælleren."))
        elif measure.unit == Unit.COUNT:
            if den is not None:
                add("denominator", _("Et antal har ingen nævner – lad feltet være tomt."))
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
    )


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
        if self.current.denominator is None:
            return str(self.current.numerator)
        return f"{self.current.numerator}/{self.current.denominator}"

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


def _write(clean: Clean, *, expected_version: int | None, by) -> Recorded:
    """Write one checked value inside the caller's transaction; raise MeasurementConflict on a stale version."""
    measure, section, month = clean.measure, clean.section, clean.month
    section_filter = {"section": section} if section is not None else {"section__isnull": True}
    current = Measurement.objects.filter(measure=measure, month=month, **section_filter).first()
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
            version=1,
            entered_by=by,
        )
        created._history_user = by
        try:
            with transaction.atomic():  # a savepoint: a concurrent insert of the same cell is a conflict
                created.save()
        except IntegrityError:
            raise _conflict(measure, section, month) from None
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
        current.delete()
        return Recorded(Outcome.DELETED, None)

    if (current.numerator, current.denominator, current.comment, current.unit) == (
        clean.numerator,
        clean.denominator,
        clean.comment,
        measure.unit,
    ):
        return Recorded(Outcome.UNCHANGED, current)

    changed = Measurement.objects.filter(pk=current.pk, version=expected_version).update(
        numerator=clean.numerator,
        denominator=clean.denominator,
        comment=clean.comment,
        unit=measure.unit,
        version=F("version") + 1,
        entered_by=by,
        entered_at=now,
    )
    if not changed:
        raise _conflict(measure, section, month)
    current.numerator, current.denominator, current.comment = clean.numerator, clean.denominator, clean.comment
    current.unit, current.version, current.entered_by, current.entered_at = measure.unit, expected_version + 1, by, now
    current._history_user = by
    Measurement.history.bulk_history_create([current], update=True, default_user=by, default_date=now)
    # A conditional UPDATE sends no post_save: mark the measure's cached status stale here, in this transaction
    # (creates and deletes above go through save()/delete(), whose signals do it; see measurements.summary).
    summary.touch([measure.pk])
    return Recorded(Outcome.UPDATED, current)


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
    )
    with transaction.atomic():
        return _write(clean, expected_version=expected_version, by=by)


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


@dataclass
class NotSaved(Exception):
    """A batch was refused as a whole: errors and conflicts by entry key. Nothing of the batch was written."""

    errors: dict = field(default_factory=dict)  # key → ValidationError
    conflicts: dict = field(default_factory=dict)  # key → MeasurementConflict

    def __str__(self):
        return f"{len(self.errors)} errors, {len(self.conflicts)} conflicts"


def measurement_record_many(
    *, entries: Iterable[Entry], by, today: dt.date | None = None, empty_deletes: bool = True
) -> dict[Hashable, Recorded]:
    """All or nothing: check every entry, then write them in one transaction; any error or conflict writes none.

    Raises NotSaved (with every row's errors, or every conflict found) or PermissionDenied.
    """
    today = today or timezone.localdate()
    entries = list(entries)
    locks = Locks(today=today)
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
            )
        except ValidationError as exc:
            errors[entry.key] = exc
        else:
            cleaned.append((entry, clean))
    if errors:
        raise NotSaved(errors=errors)
    results, conflicts = {}, {}
    with transaction.atomic():
        for entry, clean in cleaned:
            try:
                results[entry.key] = _write(clean, expected_version=entry.expected_version, by=by)
            except MeasurementConflict as conflict:
                conflicts[entry.key] = conflict
        if conflicts:
            raise NotSaved(conflicts=conflicts)  # leaving the block rolls back what was written
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
