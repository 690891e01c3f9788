"""Define and change an initiative's measures (the measurement plan). URLs live in initiatives/urls.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from departments.access import get_for_change
from initiatives.models import Initiative

from . import definitions
from .definition_forms import MeasureForm
from .models import Measure


@login_required
def measure_create(request, pk):
    initiative = get_for_change(Initiative.objects.select_related("department", "recommendation"), request.user, pk=pk)
    if request.method == "POST":
        form = MeasureForm(request.POST, department=initiative.department)
        if form.is_valid():
            try:
                measure = definitions.measure_create(
                    initiative=initiative,
                    definition=definitions.MeasureDefinition(**form.cleaned_data),
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Målingen »%(name)s« (%(code)s) er oprettet.") % {"name": measure.name, "code": measure.code},
                )
                return redirect("dashboards:initiative", pk=initiative.pk)
    else:
        initial = {"code": "", "start_month": None}
        if request.GET.get("kind") in Measure.Kind.values:
            initial["kind"] = request.GET["kind"]
        suggestion = definitions.suggest_balancing(initiative)
        if request.GET.get("kind") == Measure.Kind.BALANCING and suggestion:
            initial["name"] = suggestion.name
        form = MeasureForm(department=initiative.department, initial=initial)
    context = {
        "initiative": initiative,
        "form": form,
        "suggested_code": definitions.default_code(initiative),
    }
    return render(request, "measurements/definition_form.html", context)


@login_required
def measure_edit(request, pk):
    measure = get_for_change(
        Measure.objects.select_related("initiative__department", "initiative__recommendation"), request.user, pk=pk
    )
    initiative = measure.initiative
    if request.method == "POST":
        form = MeasureForm(request.POST, department=initiative.department)
        if form.is_valid():
            try:
                definitions.measure_update(
                    measure=measure, definition=definitions.MeasureDefinition(**form.cleaned_data), by=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Målingen er gemt."))
                return redirect("dashboards:initiative", pk=initiative.pk)
    else:
        form = MeasureForm(department=initiative.department, initial=MeasureForm.initial_from(measure))
    context = {
        "initiative": initiative,
        "measure": measure,
        "form": form,
        "has_values": measure.measurements.exists(),
    }
    return render(request, "measurements/definition_form.html", context)
