"""The chart page of one measure (issue 12): the chart with its phases, and — for those who steer the department —
freeze the baseline, split the chart after a month, exclude a month, each with a reason, and undo; point notes by
those who enter values. Views parse, call `measurements.phases` and render; who may do what is
`departments.access` (`may_steer`, `may_enter`); the measure is fetched through a scoped queryset (404 outside it).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.months import month_label
from departments.access import get_scoped_or_404, may_enter, may_steer, require
from initiatives.models import Action

from . import phases
from .charts import chart_for_measure
from .models import ChartPhase, Measure, PointNote
from .periods import measure_months, month_in_progress
from .series import monthly_totals


class PhaseForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Hvad skal ske?"), choices=ChartPhase.Kind.choices)
    month = forms.TypedChoiceField(label=gettext_lazy("Måned"), coerce=str, choices=())
    reason = forms.CharField(
        label=gettext_lazy("Begrundelse"),
        max_length=phases.REASON_MAX,
        help_text=gettext_lazy("Fx “Ny instruks indført 1. marts” eller “IT-nedbrud: tallene er ufuldstændige”."),
    )

    def __init__(self, *args, months, **kwargs):
        super().__init__(*args, auto_id="phase_%s", **kwargs)
        self.fields["month"].choices = [(m.isoformat(), month_label(m).capitalize()) for m in reversed(months)]


class UndoForm(forms.Form):
    undo_reason = forms.CharField(label=gettext_lazy("Hvorfor fortryde?"), max_length=phases.REASON_MAX)


class NoteForm(forms.Form):
    month = forms.TypedChoiceField(label=gettext_lazy("Måned"), coerce=str, choices=())
    text = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=phases.NOTE_MAX,
        required=False,
        help_text=gettext_lazy("Fx “Sommerferie: halv bemanding”. Tom: noten fjernes."),
    )

    def __init__(self, *args, months, **kwargs):
        super().__init__(*args, auto_id="note_%s", **kwargs)
        self.fields["month"].choices = [(m.isoformat(), month_label(m).capitalize()) for m in reversed(months)]


def _measure(request, pk) -> Measure:
    return get_scoped_or_404(
        Measure.objects.visible_to(request.user).select_related("initiative__department", "initiative__recommendation"),
        pk=pk,
    )


def _month(value):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _page(request, measure, *, phase_form=None, note_form=None, undo_errors=None, status=200):
    today = timezone.localdate()
    months = measure_months(measure, today=today)
    one = Measure.objects.filter(pk=measure.pk)
    chart = chart_for_measure(
        measure,
        months=months,
        values=monthly_totals(one).get(measure.pk, ()),
        actions=list(Action.objects.filter(initiative_id=measure.initiative_id).order_by("date", "id")),
        phases=phases.phases_for([measure.pk])[measure.pk],
        provisional=month_in_progress(measure, today=today),
    )
    department_id = measure.initiative.department_id
    context = {
        "measure": measure,
        "chart": chart,
        "records": ChartPhase.objects.filter(measure=measure)
        .select_related("created_by", "undone_by")
        .order_by("-created_at", "-id"),
        "notes": PointNote.objects.filter(measure=measure).select_related("written_by").order_by("-month"),
        "may_steer": may_steer(request.user, department_id),
        "may_enter": may_enter(request.user, department_id),
        "phase_form": phase_form or PhaseForm(months=months),
        "note_form": note_form or NoteForm(months=months),
        "undo_errors": undo_errors or {},
    }
    return render(request, "measurements/chart_page.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def chart_page(request, pk):
    """GET: the chart with its phases and notes. POST: add a freeze, split or exclusion (those who steer)."""
    measure = _measure(request, pk)
    if request.method == "GET":
        return _page(request, measure)
    require(may_steer(request.user, measure.initiative.department_id))
    months = measure_months(measure, today=timezone.localdate())
    form = PhaseForm(request.POST, months=months)
    if form.is_valid():
        try:
            phase = phases.phase_add(
                measure=measure,
                kind=form.cleaned_data["kind"],
                month=_month(form.cleaned_data["month"]),
                reason=form.cleaned_data["reason"],
                months=months,
                by=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("%(kind)s: %(month)s er gemt.")
                % {"kind": phase.get_kind_display(), "month": month_label(phase.month)},
            )
            return redirect("measurements:chart", pk=measure.pk)
    return _page(request, measure, phase_form=form, status=400)


@login_required
@require_POST
def phase_undo(request, pk):
    """Undo a freeze, split or exclusion, with a reason (those who steer); the record stays in the history."""
    phase = get_scoped_or_404(
        ChartPhase.objects.visible_to(request.user).select_related("measure__initiative__department"), pk=pk
    )
    measure = phase.measure
    require(may_steer(request.user, measure.initiative.department_id))
    form = UndoForm(request.POST)
    if form.is_valid():
        try:
            phases.phase_undo(phase=phase, reason=form.cleaned_data["undo_reason"], by=request.user)
        except ValidationError as error:
            return _page(request, measure, undo_errors={phase.pk: error.messages}, status=400)
        messages.success(request, _("Ændringen er fortrudt."))
        return redirect("measurements:chart", pk=measure.pk)
    return _page(request, measure, undo_errors={phase.pk: form.errors["undo_reason"]}, status=400)


@login_required
@require_POST
def note(request, pk):
    """Write, replace or remove the note on one month (those who enter values)."""
    measure = _measure(request, pk)
    require(may_enter(request.user, measure.initiative.department_id))
    today = timezone.localdate()
    months = measure_months(measure, today=today)
    in_progress = month_in_progress(measure, today=today)
    months = [*months, in_progress] if in_progress and in_progress not in months else months
    form = NoteForm(request.POST, months=months)
    if form.is_valid():
        try:
            phases.note_set(
                measure=measure,
                month=_month(form.cleaned_data["month"]),
                text=form.cleaned_data["text"],
                months=months,
                by=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Noten er gemt."))
            return redirect("measurements:chart", pk=measure.pk)
    return _page(request, measure, note_form=form, status=400)
