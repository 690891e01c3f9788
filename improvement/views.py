"""Pages of the Model for Improvement: an initiative's driver diagram (edited inline with htmx), its PDSA cycles and
its progress score.

Reading follows the department's lane (`visible_to`; other departments' shared work is on the learning page in
`dashboards`). Those who steer edit the diagram; key persons propose change ideas and write cycles and scores
(`departments.access`). Writes go through `improvement.services`; a refused input comes back with the message next to
the field and nothing saved.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.months import add_months, first_of_month, month_range
from departments.access import (
    get_for_change,
    get_scoped_or_404,
    may_propose_change_idea,
    may_steer,
    require,
)
from initiatives.models import Action, Initiative
from measurements.charts import chart_for_measure, signal_of
from measurements.models import Measure
from measurements.periods import measure_months
from measurements.phases import phases_for
from measurements.series import monthly_totals

from . import selectors, services
from .forms import CycleForm, ScoreForm
from .models import ChangeIdea, Driver, PdsaCycle

# --- helpers --------------------------------------------------------------------------------------------------------


def _initiatives():
    return Initiative.objects.select_related("department", "recommendation")


def _messages(error: ValidationError) -> list[str]:
    return [message for messages_ in error.message_dict.values() for message in messages_]


def _diagram_context(request, initiative, *, error: dict | None = None) -> dict:
    tree = selectors.diagram_tree(initiative)
    if error:
        _mark(tree, **error)
    return {
        "initiative": initiative,
        "tree": tree,
        "can_steer": may_steer(request.user, initiative.department_id),
        "can_propose": may_propose_change_idea(request.user, initiative.department_id),
        "measures": list(initiative.measures.order_by("name")),
        "editing": request.GET.get("edit") == "1" or request.method == "POST",
        "root_error": error["messages"] if error and error["target"] == "root" else None,
        "root_typed": error["typed"] if error and error["target"] == "root" else "",
    }


def _mark(tree, *, target: str, pk: int | None, messages: list[str], typed: str) -> None:
    """Put a refused input's messages (and what was typed) on the object whose form it came from."""
    for primary in tree.primaries:
        drivers = [primary.driver] + [secondary.driver for secondary in primary.secondaries]
        for driver in drivers:
            if driver.pk == pk and target in {"driver", "add_child", "add_idea"}:
                setattr(driver, f"{target}_error", messages)
                setattr(driver, f"{target}_typed", typed)
        for idea in tree.ideas:
            if idea.pk == pk and target == "idea":
                idea.idea_error, idea.idea_typed = messages, typed


def _diagram_response(request, initiative, *, error: dict | None = None):
    """The diagram partial for htmx, the page with the error for a plain form post, or back to the page."""
    status = 422 if error else 200
    if request.htmx:
        return render(
            request,
            "improvement/diagram.html#diagram",
            _diagram_context(request, initiative, error=error),
            status=status,
        )
    if error:
        return render(
            request, "improvement/diagram.html", _diagram_context(request, initiative, error=error), status=422
        )
    return _back_to_editing(initiative)


def _back_to_editing(initiative):
    """After a plain form post (no JavaScript yet, or none at all) the user returns to the diagram still editing:
    the forms they were using exist only in that mode."""
    return redirect(f"{reverse('improvement:diagram', args=[initiative.pk])}?edit=1")


def _offset(request) -> int:
    return -1 if request.POST.get("direction") == "up" else 1


def _driver_for_change(request, pk) -> Driver:
    return get_for_change(Driver.objects.select_related("diagram__initiative__department"), request.user, pk=pk)


def _idea_for_change(request, pk) -> ChangeIdea:
    return get_for_change(
        ChangeIdea.objects.select_related("driver__diagram__initiative__department"), request.user, pk=pk
    )


# --- the driver diagram -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def diagram(request, pk):
    initiative = get_scoped_or_404(_initiatives().visible_to(request.user), pk=pk)
    return render(request, "improvement/diagram.html", _diagram_context(request, initiative))


@login_required
@require_POST
def driver_add(request, pk):
    initiative = get_for_change(_initiatives(), request.user, pk=pk)
    parent = None
    if request.POST.get("parent"):
        parent = get_scoped_or_404(Driver.objects.filter(diagram__initiative=initiative), pk=request.POST["parent"])
    text = request.POST.get("text", "")
    try:
        services.driver_add(initiative=initiative, text=text, parent=parent, by=request.user)
    except ValidationError as error:
        target = {"target": "add_child", "pk": parent.pk} if parent else {"target": "root", "pk": None}
        return _diagram_response(request, initiative, error={**target, "messages": _messages(error), "typed": text})
    return _diagram_response(request, initiative)


@login_required
@require_POST
def driver_edit(request, pk):
    driver = _driver_for_change(request, pk)
    text = request.POST.get("text", "")
    try:
        services.driver_rename(driver=driver, text=text, by=request.user)
    except ValidationError as error:
        error = {"target": "driver", "pk": driver.pk, "messages": _messages(error), "typed": text}
        return _diagram_response(request, driver.diagram.initiative, error=error)
    return _diagram_response(request, driver.diagram.initiative)


@login_required
@require_POST
def driver_move(request, pk):
    driver = _driver_for_change(request, pk)
    services.driver_move(driver=driver, offset=_offset(request), by=request.user)
    return _diagram_response(request, driver.diagram.initiative)


def _delete(request, *, obj, initiative, cycles, delete, what: str):
    """Ask (GET) or delete (POST); with PDSA cycles on the change ideas the user chooses what happens to them."""
    context = {"initiative": initiative, "object": obj, "what": what, "cycles": cycles, "error": None}
    context["is_driver"] = isinstance(obj, Driver)
    if request.method == "POST":
        try:
            delete(cycles_action=request.POST.get("cycles") or None)
        except ValidationError as error:
            context["error"] = _messages(error)
            return render(request, "improvement/delete.html", context, status=422)
        messages.success(request, _("%(what)s er slettet.") % {"what": what})
        if request.htmx:
            return _diagram_response(request, initiative)
        return _back_to_editing(initiative)
    return render(request, "improvement/delete.html", context)


@login_required
def driver_delete(request, pk):
    driver = _driver_for_change(request, pk)
    return _delete(
        request,
        obj=driver,
        initiative=driver.diagram.initiative,
        cycles=list(services.cycles_under_driver(driver)),
        delete=lambda cycles_action: services.driver_delete(
            driver=driver, cycles_action=cycles_action, by=request.user
        ),
        what=_("Driveren »%(text)s«") % {"text": driver.text},
    )


@login_required
@require_POST
def idea_add(request, pk):
    """Those who steer add change ideas; key persons propose them (marked *foreslået* until accepted)."""
    driver = get_scoped_or_404(
        Driver.objects.visible_to(request.user).select_related("diagram__initiative__department"), pk=pk
    )
    initiative = driver.diagram.initiative
    require(may_propose_change_idea(request.user, initiative.department_id))
    text = request.POST.get("text", "")
    try:
        services.idea_add(
            driver=driver,
            text=text,
            proposed=not may_steer(request.user, initiative.department_id),
            by=request.user,
        )
    except ValidationError as error:
        error = {"target": "add_idea", "pk": driver.pk, "messages": _messages(error), "typed": text}
        return _diagram_response(request, initiative, error=error)
    return _diagram_response(request, initiative)


@login_required
@require_POST
def idea_edit(request, pk):
    idea = _idea_for_change(request, pk)
    initiative = idea.driver.diagram.initiative
    text = request.POST.get("text", "")
    measures = Measure.objects.filter(initiative=initiative, pk__in=request.POST.getlist("measures"))
    try:
        services.idea_update(idea=idea, text=text, measures=measures, by=request.user)
    except ValidationError as error:
        error = {"target": "idea", "pk": idea.pk, "messages": _messages(error), "typed": text}
        return _diagram_response(request, initiative, error=error)
    return _diagram_response(request, initiative)


@login_required
@require_POST
def idea_move(request, pk):
    idea = _idea_for_change(request, pk)
    services.idea_move(idea=idea, offset=_offset(request), by=request.user)
    return _diagram_response(request, idea.driver.diagram.initiative)


@login_required
@require_POST
def idea_accept(request, pk):
    idea = _idea_for_change(request, pk)
    services.idea_accept(idea=idea, by=request.user)
    return _diagram_response(request, idea.driver.diagram.initiative)


@login_required
def idea_delete(request, pk):
    idea = _idea_for_change(request, pk)
    return _delete(
        request,
        obj=idea,
        initiative=idea.driver.diagram.initiative,
        cycles=list(idea.cycles.all()),
        delete=lambda cycles_action: services.idea_delete(idea=idea, cycles_action=cycles_action, by=request.user),
        what=_("Forandringsidéen »%(text)s«") % {"text": idea.text},
    )


# --- PDSA cycles ------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def cycles(request, pk):
    initiative = get_scoped_or_404(_initiatives().visible_to(request.user), pk=pk)
    context = {
        "initiative": initiative,
        "cycles": selectors.cycles_for([initiative.pk]),
        "can_write": may_propose_change_idea(request.user, initiative.department_id),
    }
    return render(request, "improvement/cycles.html", context)


def _cycle_values(form: CycleForm) -> dict:
    data = dict(form.cleaned_data)
    data.pop("sections", None)
    return data


@login_required
def cycle_create(request, pk):
    initiative = get_scoped_or_404(_initiatives().visible_to(request.user), pk=pk)
    require(may_propose_change_idea(request.user, initiative.department_id))
    ideas = ChangeIdea.objects.filter(driver__diagram__initiative=initiative)
    idea = None
    raw_idea = request.POST.get("idea") or request.GET.get("idea")
    if raw_idea:
        idea = get_scoped_or_404(ideas, pk=raw_idea)
    if request.method == "POST":
        form = CycleForm(request.POST, initiative=initiative)
        if form.is_valid():
            values = _cycle_values(form)
            values.pop("status")
            plan = {name: values[name] for name in services.PLAN_FIELDS}
            try:
                cycle = services.cycle_plan(
                    initiative=initiative,
                    change_idea=idea,
                    sections=form.cleaned_data["sections"],
                    by=request.user,
                    **plan,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("PDSA-cyklussen er planlagt."))
                return redirect("improvement:cycle", pk=cycle.pk)
    else:
        today = timezone.localdate()
        form = CycleForm(
            initiative=initiative,
            initial={"status": "planned", "start": today, "end": today + dt.timedelta(days=27), "change": idea or ""},
        )
    context = {"initiative": initiative, "form": form, "idea": idea, "cycle": None}
    return render(request, "improvement/cycle_form.html", context, status=422 if form.errors else 200)


def _add_errors(form, error: ValidationError) -> None:
    for field, field_messages in error.message_dict.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


def _cycle_chart(cycle: PdsaCycle, *, today: dt.date):
    """The predicted measure's chart over the cycle's period and three months either side, the cycle shaded."""
    measure = cycle.prediction_measure
    if measure is None:
        return None
    due = set(measure_months(measure, today=today))
    months = [m for m in month_range(add_months(first_of_month(cycle.start), -3), add_months(cycle.end, 3)) if m in due]
    if not months:
        return None
    return chart_for_measure(
        measure,
        months=months,
        values=monthly_totals(Measure.objects.filter(pk=measure.pk)).get(measure.pk, []),
        actions=list(Action.objects.filter(initiative_id=cycle.initiative_id).order_by("date", "id")),
        phases=phases_for([measure.pk])[measure.pk],
        bands=[selectors.band_of(cycle)],
    )


@login_required
def cycle(request, pk):
    """One cycle: Plan, Do, Study (with the chart beside it) and Act; adopt and next cycle from here."""
    cycle = get_scoped_or_404(
        PdsaCycle.objects.visible_to(request.user).select_related(
            "initiative__department",
            "initiative__recommendation",
            "change_idea",
            "prediction_measure",
            "previous",
            "action",
        ),
        pk=pk,
    )
    initiative = cycle.initiative
    can_write = may_propose_change_idea(request.user, initiative.department_id)
    if request.method == "POST":
        require(can_write)
        form = CycleForm(request.POST, initiative=initiative)
        if form.is_valid():
            try:
                services.cycle_update(
                    cycle=cycle, sections=form.cleaned_data["sections"], by=request.user, **_cycle_values(form)
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("PDSA-cyklussen er gemt."))
                return redirect("improvement:cycle", pk=cycle.pk)
    else:
        form = CycleForm(
            initiative=initiative,
            initial={
                **{name: getattr(cycle, name) for name in (*services.PLAN_FIELDS, *services.RECORD_FIELDS, "status")},
                "sections": list(cycle.sections.all()),
            },
        )
    following = PdsaCycle.objects.filter(previous=cycle).first()
    context = {
        "initiative": initiative,
        "cycle": cycle,
        "form": form,
        "can_write": can_write,
        "following": following,
        "chart": _cycle_chart(cycle, today=timezone.localdate()),
        "history": list(cycle.history.select_related("history_user").order_by("-history_date")[:20]),
    }
    return render(request, "improvement/cycle.html", context, status=422 if form.errors else 200)


def _cycle_for_writing(request, pk) -> PdsaCycle:
    cycle = get_scoped_or_404(PdsaCycle.objects.visible_to(request.user).select_related("initiative"), pk=pk)
    require(may_propose_change_idea(request.user, cycle.initiative.department_id))
    return cycle


@login_required
@require_POST
def cycle_adopt(request, pk):
    """Adopt the change: one action creates the dated tiltag (twice still gives one)."""
    cycle = _cycle_for_writing(request, pk)
    try:
        action = services.cycle_adopt(cycle=cycle, by=request.user, today=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(_messages(error)))
    else:
        messages.success(
            request,
            _("Forandringen er indført. Tiltaget »%(text)s« vises nu på diagrammerne.") % {"text": action.text},
        )
    return redirect("improvement:cycle", pk=cycle.pk)


@login_required
@require_POST
def cycle_next(request, pk):
    cycle = _cycle_for_writing(request, pk)
    following = services.cycle_next(cycle=cycle, by=request.user)
    messages.success(request, _("Næste cyklus er planlagt og koblet til denne."))
    return redirect("improvement:cycle", pk=following.pk)


# --- progress score ---------------------------------------------------------------------------------------------------


def suggestion_for(initiative, *, today: dt.date) -> selectors.Suggestion:
    """What the data suggest for the initiative's progress score (its measures' chart signals and its cycles)."""
    measures = list(initiative.measures.all())
    totals = monthly_totals(Measure.objects.filter(initiative=initiative))
    # The signals the team's own charts show: with the phases they set (a split after a tiltag changes the verdict).
    phases = phases_for(measure.pk for measure in measures)
    signals = []
    for measure in measures:
        months = measure_months(measure, today=today)
        if not months or not totals.get(measure.pk):
            continue
        chart = chart_for_measure(measure, months=months, values=totals[measure.pk], phases=phases[measure.pk])
        signals.append((measure.kind, signal_of(measure, chart.result)))
    return selectors.suggest_score(
        has_values=any(totals.values()), signals=signals, cycles=selectors.cycles_for([initiative.pk])
    )


@login_required
def scores(request, pk):
    """The initiative's progress score per month with its history; the team sets it, the page only suggests."""
    initiative = get_scoped_or_404(_initiatives().visible_to(request.user), pk=pk)
    can_write = may_propose_change_idea(request.user, initiative.department_id)
    today = timezone.localdate()
    if request.method == "POST":
        require(can_write)
        form = ScoreForm(request.POST)
        if form.is_valid():
            try:
                services.score_set(initiative=initiative, **form.cleaned_data, by=request.user)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Fremdriftsscoren er gemt."))
                return redirect("improvement:scores", pk=initiative.pk)
    else:
        form = ScoreForm(initial={"month": first_of_month(today)})
    entries = list(initiative.progress_scores.select_related("set_by").order_by("-month"))
    context = {
        "initiative": initiative,
        "form": form,
        "can_write": can_write,
        "entries": entries,
        "suggestion": suggestion_for(initiative, today=today),
        "history": list(
            initiative.progress_scores.model.history.filter(initiative_id=initiative.pk)
            .select_related("history_user")
            .order_by("-history_date")[:30]
        ),
    }
    return render(request, "improvement/scores.html", context, status=422 if form.errors else 200)
