"""Monthly measurement entry: "Mine målinger", the entry grid, history, actions, import and month locks.

Views parse, call a service and render. Measures are fetched through `enterable_by` (entry) or `visible_to`
(history), so anybody else gets a 404; the services check the same rules again.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.months import last_complete_month, month_label
from departments.access import (
    access_for,
    get_scoped_or_404,
    is_kdk,
    may_approve,
    may_enter,
    may_enter_anywhere,
    require,
)
from initiatives.models import Action
from initiatives.services import action_create

from . import imports
from .forms import ActionForm, ImportForm, RelockForm, ReopenForm
from .locking import Locks, lock_date, lock_days, month_relock, month_reopen, reopened_now
from .models import LockChange, Measure, Measurement, RareEvent, Unit, value_text
from .periods import completeness_for, measure_slots
from .services import (
    Entry,
    MeasurementConflict,
    NotSaved,
    enterable_months,
    error_dict,
    measurement_record_many,
)

#: Months shown in the grid at first, and added by "show older months".
FIRST_MONTHS = 13
MORE_MONTHS = 12
IMPORT_SESSION_KEY = "measurement_import"


def _measures_for_entry(user):
    return (
        Measure.objects.enterable_by(user)
        .select_related("initiative__recommendation", "initiative__department")
        .prefetch_related("initiative__sections")
    )


# --- "Mine målinger" ------------------------------------------------------------------------------------------------


@dataclass
class MeasureLine:
    measure: Measure
    missing: int
    missing_months: tuple
    last_month_missing: bool
    present: int = 0


@login_required
@require_GET
def mine(request):
    """The measures the user may enter, grouped by department and initiative, with what is missing."""
    today = timezone.localdate()
    measures = list(_measures_for_entry(request.user).order_by("initiative__department__name", "initiative", "kind"))
    completeness = completeness_for(Measure.objects.filter(pk__in=[m.pk for m in measures]), today=today)
    last_month = last_complete_month(today)
    groups: OrderedDict = OrderedDict()
    total_missing = 0
    for measure in measures:
        result = completeness[measure.pk]
        total_missing += result.missing
        line = MeasureLine(
            measure=measure,
            missing=result.missing,
            missing_months=result.missing_months,
            last_month_missing=last_month in result.missing_months,
            present=result.present,
        )
        department = measure.initiative.department
        groups.setdefault(department, OrderedDict()).setdefault(measure.initiative, []).append(line)
    context = {
        "groups": groups,
        "last_month": last_month,
        "deadline": lock_date(last_month) - dt.timedelta(days=1),
        "last_month_open": today < lock_date(last_month),
        "total_missing": total_missing,
        "access": access_for(request.user),
        "show_departments": len(groups) > 1,
    }
    return render(request, "measurements/mine.html", context)


# --- the entry grid -------------------------------------------------------------------------------------------------


def _slot_key(slot) -> str:
    return str(slot.pk) if slot is not None else "0"


@dataclass
class Cell:
    slot: object
    key: str
    value: Measurement | None
    numerator: str = ""
    denominator: str = ""
    comment: str = ""
    version: int | None = None
    errors: dict = field(default_factory=dict)
    conflict: MeasurementConflict | None = None
    mean: str = ""
    sd: str = ""
    events: str = ""  # rare events: the days of the month, "3, 20"
    opportunities: str = ""
    no_events: bool = False  # rare events: "ingen hændelser" confirmed

    @property
    def question(self):
        """The stored value's ValueCheck (the write service's question about it), or None."""
        if self.value is None:
            return None
        try:
            return self.value.question
        except ObjectDoesNotExist:
            return None

    @property
    def entered_text(self) -> str:
        if self.value is None:
            return ""
        user = self.value.entered_by
        who = (user.get_full_name() or user.get_username()) if user else _("systemet")
        return _("Registreret af %(who)s, %(when)s") % {
            "who": who,
            "when": date_format(timezone.localtime(self.value.entered_at), "j. F Y"),
        }


@dataclass
class Row:
    month: dt.date
    cells: list[Cell]
    locked: bool
    reopened: bool
    current: bool  # the month is still running
    lock_date: dt.date
    saved: bool = False
    row_errors: list[str] = field(default_factory=list)
    days_left: int | None = None  # days until the month locks (open, ended months only)

    @property
    def countdown(self) -> str:
        """ "låses om 3 dage, 16. december": the lock date is the first day the month is locked."""
        if self.days_left is None:
            return ""
        date = date_format(self.lock_date, "j. F")
        if self.days_left <= 1:
            return _("låses i morgen, %(date)s") % {"date": date}
        return _("låses om %(days)d dage, %(date)s") % {"days": self.days_left, "date": date}

    @property
    def questions(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.question]

    @property
    def key(self) -> str:
        return self.month.strftime("%Y-%m")

    @property
    def conflicts(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.conflict]

    @property
    def has_value(self) -> bool:
        return any(cell.value for cell in self.cells)


def _decimal(value) -> str:
    return "" if value is None else number_format(value.normalize(), use_l10n=True)


def _cell(slot, value: Measurement | None, events: list | None = None) -> Cell:
    if value is None:
        return Cell(slot=slot, key=_slot_key(slot), value=None)
    events = events or []
    return Cell(
        slot=slot,
        key=_slot_key(slot),
        value=value,
        numerator=str(value.numerator),
        denominator="" if value.denominator is None else str(value.denominator),
        comment=value.comment,
        version=value.version,
        mean=_decimal(value.mean),
        sd=_decimal(value.sd),
        events=", ".join(str(event.date.day) for event in events),
        opportunities=", ".join(str(event.opportunities) for event in events)
        if events and all(event.opportunities is not None for event in events)
        else "",
        no_events=value.unit == Unit.EVENTS and value.numerator == 0,
    )


def _events_by_slot(measure) -> dict:
    """A rare-event measure's events by (section id, month), oldest first; empty for other units."""
    if measure.unit != Unit.EVENTS:
        return {}
    found: dict = {}
    for event in RareEvent.objects.filter(measure=measure).order_by("date", "id"):
        found.setdefault((event.section_id, event.date.replace(day=1)), []).append(event)
    return found


def _grid_unit(measure) -> dict:
    """What the grid shows per section for the measure's unit: the template's switch and the column count."""
    if measure.unit == Unit.MEAN:
        unit, per_slot = "mean", 4
    elif measure.unit == Unit.EVENTS:
        unit, per_slot = "events", 3
    else:
        unit, per_slot = "plain", 3 if measure.unit != Unit.COUNT else 2
    return {"grid_unit": unit, "per_slot": per_slot}


def _rows(measure, months, *, slots, values, locks: Locks, today) -> list[Row]:
    department_id = measure.initiative.department_id
    current = today.replace(day=1)
    reopened = locks.reopened_until(department_id)
    events = _events_by_slot(measure)
    rows = []
    for month in months:
        cells = [
            _cell(
                slot,
                values.get((getattr(slot, "pk", None), month)),
                events.get((getattr(slot, "pk", None), month)),
            )
            for slot in slots
        ]
        locked = locks.is_locked(department_id, month)
        locks_on = lock_date(month)
        if reopened.get(month):
            locks_on = reopened[month] + dt.timedelta(days=1)
        rows.append(
            Row(
                month=month,
                cells=cells,
                locked=locked,
                reopened=month in reopened,
                current=month == current,
                lock_date=locks_on,
                days_left=(locks_on - today).days if not locked and month < current else None,
            )
        )
    return rows


def _values_by_slot(measure, *, month: dt.date | None = None) -> dict:
    # No ORDER BY: the model's ordering joins initiatives, departments and recommendations to sort a dict's input.
    values = Measurement.objects.filter(measure=measure).select_related("entered_by", "question").order_by()
    if month is not None:
        values = values.filter(month=month)
    return {(value.section_id, value.month): value for value in values}


def _older_months(all_months: list[dt.date], before: dt.date | None, count: int) -> list[dt.date]:
    """`count` months (newest first) older than `before`, from the measure's months (newest first)."""
    months = [m for m in all_months if before is None or m < before]
    return months[:count]


def _grid_context(request, measure, *, shown: int, today) -> dict:
    all_months = list(reversed(enterable_months(measure, today=today)))  # newest first
    months = all_months[:shown]
    slots = measure_slots(measure)
    locks = Locks(today=today)
    values = _values_by_slot(measure)
    rows = _rows(measure, months, slots=slots, values=values, locks=locks, today=today)
    context = {
        "measure": measure,
        "initiative": measure.initiative,
        "slots": slots,
        "rows": rows,
        "has_denominator": measure.has_denominator,
        "more_before": months[-1] if len(all_months) > len(months) else None,
        "older_count": len(all_months) - len(months),
        "shown": len(months),
        "today": today,
        "lock_days": lock_days(),
        "action_form": ActionForm(initial={"date": today}),
        "actions": list(Action.objects.filter(initiative=measure.initiative).select_related("created_by")),
        "columns": len(slots) * _grid_unit(measure)["per_slot"] + 1,
        **_grid_unit(measure),
        "may_approve": may_approve(request.user, measure.initiative.department_id),
        "report_month": last_complete_month(today),
        # The skip link's target: the first field of the newest open month.
        "first_field": next((f"n-{row.key}-{row.cells[0].key}" for row in rows if not row.locked and row.cells), None),
    }
    return context


@login_required
@require_GET
def entry(request, pk):
    measure = get_scoped_or_404(_measures_for_entry(request.user), pk=pk)
    today = timezone.localdate()
    if request.htmx and "before" in request.GET:
        return _older_rows(request, measure, today=today)
    try:
        shown = max(FIRST_MONTHS, min(int(request.GET.get("months", FIRST_MONTHS)), 600))
    except ValueError:
        shown = FIRST_MONTHS
    return render(request, "measurements/entry.html", _grid_context(request, measure, shown=shown, today=today))


def _older_rows(request, measure, *, today):
    try:
        before = dt.date.fromisoformat(request.GET["before"] + "-01")
    except ValueError:
        return HttpResponseBadRequest()
    all_months = list(reversed(enterable_months(measure, today=today)))
    months = _older_months(all_months, before, MORE_MONTHS)
    values = _values_by_slot(measure)
    slots = measure_slots(measure)
    rows = _rows(measure, months, slots=slots, values=values, locks=Locks(today=today), today=today)
    remaining = [m for m in all_months if months and m < months[-1]]
    context = {
        "measure": measure,
        "slots": slots,
        "rows": rows,
        "has_denominator": measure.has_denominator,
        "more_before": months[-1] if remaining else None,
        "older_count": len(remaining),
        "shown": len(all_months) - len(remaining),
        "columns": len(slots) * _grid_unit(measure)["per_slot"] + 1,
        **_grid_unit(measure),
        "oob": True,
        "may_approve": may_approve(request.user, measure.initiative.department_id),
    }
    return render(request, "measurements/entry.html#older_rows", context)


def _entries_from_post(post, measure, month, slots) -> list[Entry]:
    entries = []
    for slot in slots:
        key = _slot_key(slot)
        raw_version = post.get(f"v-{key}", "").strip()
        try:
            version = int(raw_version) if raw_version else None
        except ValueError:
            raise ValidationError("bad version") from None
        entries.append(
            Entry(
                key=key,
                measure=measure,
                section=slot,
                month=month,
                numerator=_numerator_from_post(post, measure, key),
                denominator=post.get(f"d-{key}", "") if measure.has_denominator else post.get(f"d-{key}"),
                comment=post.get(f"c-{key}", ""),
                expected_version=version,
                mean=post.get(f"m-{key}") if measure.unit == Unit.MEAN else None,
                sd=post.get(f"s-{key}") if measure.unit == Unit.MEAN else None,
                events=post.get(f"e-{key}", "") if measure.unit == Unit.EVENTS else None,
                opportunities=post.get(f"o-{key}", "") if measure.unit == Unit.EVENTS else None,
            )
        )
    return entries


def _numerator_from_post(post, measure, key: str) -> str:
    """The grid's numerator; for rare events the "ingen hændelser" box is the number 0 (the dates give the rest)."""
    if measure.unit == Unit.EVENTS:
        return "0" if post.get(f"z-{key}") else ""
    return post.get(f"n-{key}", "")


@login_required
@require_POST
def save_row(request, pk, month):
    """Save one month's values for every section of the measure: all of them or none."""
    measure = get_scoped_or_404(_measures_for_entry(request.user), pk=pk)
    today = timezone.localdate()
    slots = measure_slots(measure)
    try:
        entries = _entries_from_post(request.POST, measure, month, slots)
    except ValidationError:
        return HttpResponseBadRequest()
    failure = None
    locks = Locks(today=today)  # read once: checked by the write, then shown in the row
    try:
        measurement_record_many(entries=entries, by=request.user, today=today, locks=locks)
    except NotSaved as exc:
        failure = exc

    if not request.htmx:
        if failure is None:
            messages.success(request, _("%(month)s er gemt.") % {"month": month_label(month)})
            return redirect(f"{reverse('measurements:entry', args=[measure.pk])}#month-{month:%Y-%m}")
        context = _grid_context(request, measure, shown=FIRST_MONTHS, today=today)
        if not any(row.month == month for row in context["rows"]):
            context["rows"] = _rows(
                measure, [month], slots=slots, values=_values_by_slot(measure), locks=Locks(today=today), today=today
            )
        for row in context["rows"]:
            if row.month == month:
                _apply_failure(row, entries, failure)
        return render(request, "measurements/entry.html", context, status=422)

    values = _values_by_slot(measure, month=month)
    row = _rows(measure, [month], slots=slots, values=values, locks=locks, today=today)[0]
    if failure is None:
        row.saved = True
    else:
        _apply_failure(row, entries, failure)
    context = {
        "measure": measure,
        "slots": slots,
        "row": row,
        "has_denominator": measure.has_denominator,
        "columns": len(slots) * _grid_unit(measure)["per_slot"] + 1,
        **_grid_unit(measure),
        "may_approve": may_approve(request.user, measure.initiative.department_id),
    }
    # The chart follows what is stored now (this save, or on a conflict the other person's value): the panel is
    # swapped in again and loads the chart from the dashboards' chart partial, which draws the PDSA periods too.
    context["chart_oob"] = True
    return render(request, "measurements/entry.html#month_row", context)


def measure_unit_is_events(entry: Entry) -> bool:
    return entry.measure.unit == Unit.EVENTS


def _apply_failure(row: Row, entries: list[Entry], failure: NotSaved) -> None:
    """Show what the user typed, with the messages next to the fields and the value now stored on a conflict."""
    typed = {entry.key: entry for entry in entries}
    for cell in row.cells:
        entry = typed[cell.key]
        cell.numerator = entry.numerator or ""
        cell.denominator = entry.denominator or ""
        cell.comment = entry.comment or ""
        cell.mean, cell.sd = entry.mean or "", entry.sd or ""
        cell.events, cell.opportunities = entry.events or "", entry.opportunities or ""
        cell.no_events = entry.numerator == "0" and measure_unit_is_events(entry)
        if cell.key in failure.errors:
            errors = error_dict(failure.errors[cell.key])
            if "section" in errors or "month" in errors or "__all__" in errors:
                row.row_errors.extend(errors.pop("section", []) + errors.pop("month", []) + errors.pop("__all__", []))
            cell.errors = errors
            cell.version = entry.expected_version  # nothing happened; keep what the user saw
        if cell.key in failure.conflicts:
            conflict = failure.conflicts[cell.key]
            cell.conflict = conflict
            # The next save is a deliberate overwrite of the value the user has now been shown.
            cell.version = conflict.current.version if conflict.current else None
    row.row_errors = list(dict.fromkeys(row.row_errors))


# --- actions (tiltag) -----------------------------------------------------------------------------------------------


@login_required
@require_POST
def add_action(request, pk):
    measure = get_scoped_or_404(_measures_for_entry(request.user), pk=pk)
    today = timezone.localdate()
    form = ActionForm(request.POST)
    saved = None
    if form.is_valid():
        try:
            saved = action_create(
                initiative=measure.initiative,
                date=form.cleaned_data["date"],
                text=form.cleaned_data["text"],
                by=request.user,
                today=today,
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
    if not request.htmx:
        if saved:
            messages.success(request, _("Tiltaget er tilføjet."))
            return redirect("measurements:entry", pk=measure.pk)
        context = _grid_context(request, measure, shown=FIRST_MONTHS, today=today)
        context["action_form"] = form
        return render(request, "measurements/entry.html", context, status=422)
    actions = list(Action.objects.filter(initiative=measure.initiative).select_related("created_by"))
    context = {
        "measure": measure,
        "actions": actions,
        "action_form": ActionForm(initial={"date": today}) if saved else form,
        "action_saved": saved,
    }
    if saved:
        context["chart_oob"] = True
    return render(request, "measurements/entry.html#actions", context)


# --- history --------------------------------------------------------------------------------------------------------


@dataclass
class HistoryLine:
    record: object
    kind: str  # created / changed / deleted
    old: object | None
    month: dt.date
    section: object
    event: bool = False  # a rare event's own record (created or deleted), not the month's value

    @property
    def sort_key(self):
        return (self.record.history_date, 1 if self.event else 0, self.record.history_id)

    @property
    def old_text(self) -> str:
        if self.event or self.old is None:
            return ""
        return value_text(self.old)

    @property
    def new_text(self) -> str:
        if self.event:
            text = _("hændelse %(date)s") % {"date": date_format(self.record.date, "j.n.Y")}
            if self.record.opportunities is not None:
                text += " " + _("(%(n)s muligheder siden forrige)") % {"n": self.record.opportunities}
            return text
        return value_text(self.record)


@login_required
@require_GET
def history(request, pk):
    """Every create, change and delete of the measure's values: who, when, old and new. Newest first. For rare-event
    measures each event's own creation and deletion too (its date, and opportunities when given)."""
    measure = get_scoped_or_404(
        Measure.objects.visible_to(request.user).select_related("initiative__recommendation", "initiative__department"),
        pk=pk,
    )
    records = list(
        Measurement.history.filter(measure_id=measure.pk)
        .select_related("history_user", "section")
        .order_by("history_date", "history_id")
    )
    previous: dict[int, object] = {}
    lines = []
    kinds = {"+": "created", "~": "changed", "-": "deleted"}
    for record in records:
        old = previous.get(record.id)
        lines.append(
            HistoryLine(
                record=record,
                kind=kinds[record.history_type],
                old=old if record.history_type != "+" else None,
                month=record.month,
                section=record.section,
            )
        )
        previous[record.id] = record if record.history_type != "-" else None
    if measure.unit == Unit.EVENTS:
        for record in RareEvent.history.filter(measure_id=measure.pk).select_related("history_user", "section"):
            lines.append(
                HistoryLine(
                    record=record,
                    kind=kinds[record.history_type],
                    old=None,
                    month=record.date.replace(day=1),
                    section=record.section,
                    event=True,
                )
            )
        lines.sort(key=lambda line: line.sort_key)
    lines.reverse()
    page = Paginator(lines, 100).get_page(request.GET.get("side"))
    lock_changes = LockChange.objects.filter(department=measure.initiative.department_id).select_related("changed_by")
    context = {
        "measure": measure,
        "page": page,
        "lock_changes": list(lock_changes[:50]),
        "may_enter": may_enter(request.user, measure.initiative.department_id),
    }
    return render(request, "measurements/history.html", context)


# --- import ---------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    require(may_enter_anywhere(request.user))
    today = timezone.localdate()
    preview = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        preview = imports.preview_import(data=form.cleaned_data["file"].read(), by=request.user, today=today)
        if preview.ok:
            token = secrets.token_urlsafe(16)
            request.session[IMPORT_SESSION_KEY] = {
                "token": token,
                "rows": [row.as_plain() for row in preview.rows],
                "name": form.cleaned_data["file"].name[:200],
            }
            preview.token = token
        else:
            request.session.pop(IMPORT_SESSION_KEY, None)
    context = {
        "form": form,
        "preview": preview,
        "problems": preview.problems if preview else [],
        "columns": imports.COLUMNS,
        "max_bytes": imports.max_bytes(),
        "max_rows": imports.MAX_ROWS,
    }
    return render(request, "measurements/import.html", context)


@login_required
@require_POST
def import_commit(request):
    require(may_enter_anywhere(request.user))
    stored = request.session.get(IMPORT_SESSION_KEY)
    if not stored or stored.get("token") != request.POST.get("token"):
        messages.error(request, _("Forhåndsvisningen er udløbet. Upload filen igen."))
        return redirect("measurements:import")
    try:
        result = imports.commit_import(plain_rows=stored["rows"], by=request.user, today=timezone.localdate())
    except NotSaved as exc:
        context = {
            "form": ImportForm(),
            "commit_problems": True,
            "problems": imports.problems_from(exc),
            "columns": imports.COLUMNS,
            "max_bytes": imports.max_bytes(),
            "max_rows": imports.MAX_ROWS,
        }
        request.session.pop(IMPORT_SESSION_KEY, None)
        return render(request, "measurements/import.html", context)
    except PermissionDenied as exc:
        request.session.pop(IMPORT_SESSION_KEY, None)
        messages.error(request, str(exc) or _("Du har ikke adgang til at importere disse målinger."))
        return redirect("measurements:import")
    request.session.pop(IMPORT_SESSION_KEY, None)
    messages.success(
        request,
        _("Importen er gemt: %(created)d nye og %(updated)d ændrede værdier (%(unchanged)d uændrede).")
        % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
    )
    return redirect("measurements:mine")


@login_required
@require_GET
def import_template(request):
    require(may_enter_anywhere(request.user))
    today = timezone.localdate()
    measures = _measures_for_entry(request.user).order_by("code")
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            imports.template_xlsx(measures, today=today),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="maalinger-skabelon.xlsx"'
        return response
    response = HttpResponse(imports.template_csv(measures, today=today), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="maalinger-skabelon.csv"'
    return response


# --- month locks (KDK) ----------------------------------------------------------------------------------------------


def _locks_page(request, *, reopen_form=None):
    today = timezone.localdate()
    context = {
        "reopen_form": reopen_form or ReopenForm(initial={"month": last_complete_month(today)}),
        "reopened": reopened_now(),
        "changes": list(LockChange.objects.select_related("department", "changed_by")[:100]),
        "lock_days": lock_days(),
        "example_month": last_complete_month(today),
        "example_lock_date": lock_date(last_complete_month(today)),
    }
    return render(request, "measurements/locks.html", context)


@login_required
@require_GET
def locks(request):
    require(is_kdk(request.user))
    return _locks_page(request)


@login_required
@require_POST
def lock_reopen(request):
    require(is_kdk(request.user))
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            change = month_reopen(
                department=form.cleaned_data["department"],
                month=form.cleaned_data["month"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                today=timezone.localdate(),
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("%(month)s er genåbnet for %(department)s.")
                % {"month": month_label(change.month).capitalize(), "department": change.department},
            )
            return redirect("measurements:locks")
    return _locks_page(request, reopen_form=form)


@login_required
@require_POST
def lock_relock(request):
    require(is_kdk(request.user))
    form = RelockForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    try:
        change = month_relock(
            department=form.cleaned_data["department"],
            month=form.cleaned_data["month"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(month)s er låst igen for %(department)s.")
            % {"month": month_label(change.month).capitalize(), "department": change.department},
        )
    return redirect("measurements:locks")
