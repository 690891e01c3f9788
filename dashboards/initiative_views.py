"""An initiative's page (with its measures and the department's goal status), selecting a recommendation for a
year (with the Mål 1 hint), and the cross-hospital recommendation with every department's part in it.

Writes go through `initiatives.services`; who may see and steer comes from `departments.access`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.http import requested_year
from departments.access import (
    access_for,
    department_to_steer,
    get_for_change,
    get_scoped_or_404,
    may_share_as_inspiration,
    may_steer,
    steerable_departments,
)
from departments.models import Department
from goals import status
from improvement.selectors import latest_scores
from initiatives import selectors, services
from initiatives.forms import CrossHospitalForm, InitiativeForm, JoinForm, SelectForm, StatusForm
from initiatives.models import Initiative, Recommendation
from measurements.definitions import suggest_balancing

from . import selectors as page_selectors


@login_required
def select(request, pk):
    """Select a recommendation or opt-out for a year: creates the department's initiative."""
    recommendation = get_scoped_or_404(Recommendation.objects.visible_to(request.user), pk=pk)
    department, departments = department_to_steer(
        request.user, request.POST.get("department") or request.GET.get("department")
    )
    if department is None:
        return render(
            request,
            "initiatives/choose_department.html",
            {"departments": departments, "recommendation": recommendation, "action": request.path},
        )
    if not services.recommendation_usable_by(recommendation, department):
        raise PermissionDenied
    year = requested_year(request) if request.method == "GET" else None
    if request.method == "POST":
        form = SelectForm(request.POST, department=department)
        if form.is_valid():
            try:
                initiative = services.initiative_select(
                    department=department, recommendation=recommendation, **form.cleaned_data, by=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _(
                        "Indsatsen er oprettet. Næste skridt: definér en måling – indsatsen tæller først med i "
                        "Mål 1, når den følges med målinger."
                    ),
                )
                return redirect("dashboards:initiative", pk=initiative.pk)
        year = form.cleaned_data.get("year") if hasattr(form, "cleaned_data") else None
    else:
        form = SelectForm(department=department, year=year, initial={"year": year})
    year = year or timezone.localdate().year
    context = {
        "recommendation": recommendation,
        "department": department,
        "form": form,
        "year": year,
        "row": status.department_status(department, year=year, today=timezone.localdate()),
        "max_selections": status.MAX_SELECTIONS,
    }
    template = "dashboards/select.html#year_status" if request.htmx else "dashboards/select.html"
    return render(request, template, context)


MEASURE_ORDER = {kind: index for index, kind in enumerate(["outcome", "process", "balancing"])}


def _initiative_context(request, initiative, *, status_form=None):
    measures = sorted(initiative.measures.all(), key=lambda m: (MEASURE_ORDER.get(m.kind, 9), m.name))
    return {
        "initiative": initiative,
        "measures": measures,
        "balancing": suggest_balancing(initiative, measures),
        "status_changes": list(initiative.status_changes.all()),
        "can_edit": may_steer(request.user, initiative.department_id),
        "can_share": may_share_as_inspiration(request.user, initiative.department_id),
        "latest_score": latest_scores([initiative.pk]).get(initiative.pk),
        "status_form": status_form or StatusForm(current=initiative.status),
        "row": status.department_status(initiative.department, year=initiative.year, today=timezone.localdate()),
    }


@login_required
def initiative(request, pk):
    try:
        initiative = page_selectors.initiative_page(Initiative.objects.visible_to(request.user), pk)
    except Initiative.DoesNotExist:
        raise Http404 from None
    return render(request, "dashboards/initiative.html", _initiative_context(request, initiative))


@login_required
def initiative_edit(request, pk):
    initiative = get_for_change(Initiative.objects.select_related("department", "recommendation"), request.user, pk=pk)
    if request.method == "POST":
        form = InitiativeForm(request.POST, department=initiative.department)
        if form.is_valid():
            try:
                services.initiative_update(initiative=initiative, **form.cleaned_data, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Indsatsen er opdateret."))
                return redirect("dashboards:initiative", pk=initiative.pk)
    else:
        form = InitiativeForm(
            department=initiative.department,
            initial={
                "sections": list(initiative.sections.all()),
                "aim": initiative.aim,
                "national_goals": list(initiative.national_goals.all()),
            },
        )
    return render(request, "initiatives/initiative_form.html", {"initiative": initiative, "form": form})


@login_required
@require_POST
def initiative_status(request, pk):
    initiative = get_for_change(Initiative.objects, request.user, pk=pk)
    form = StatusForm(request.POST, current=initiative.status)
    if form.is_valid():
        try:
            services.initiative_change_status(initiative=initiative, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Status er ændret."))
            return redirect("dashboards:initiative", pk=initiative.pk)
    initiative = page_selectors.initiative_page(Initiative.objects.all(), initiative.pk)
    return render(request, "dashboards/initiative.html", _initiative_context(request, initiative, status_form=form))


@login_required
def cross_hospital(request):
    """The year's cross-hospital recommendation: KDK sets it; departments see it and join; who has joined."""
    access = access_for(request.user)
    year = requested_year(request)
    form = None
    if access.is_kdk:
        form = CrossHospitalForm(request.POST or None, initial={"year": year})
        if request.method == "POST" and form.is_valid():
            try:
                selection = services.cross_hospital_set(**form.cleaned_data, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Den tværgående anbefaling for %(year)d er sat: %(title)s")
                    % {"year": selection.year, "title": selection.recommendation.title},
                )
                return redirect(f"{reverse('dashboards:cross_hospital')}?year={selection.year}")
    elif request.method == "POST":
        raise PermissionDenied
    # Which departments take part is shared with every signed-in user (as the catalogue does); the link to a
    # department's page only where the user may open it.
    rows = status.department_rows(Department.objects.all(), year=year, today=timezone.localdate(), measures=False)
    steerable = set(steerable_departments(request.user).values_list("pk", flat=True))
    context = {
        "year": year,
        "years": [year - 1, year, year + 1],
        "cross": selectors.cross_hospital_for(year),
        "rows": rows,
        "joined": sum(row.in_cross_hospital for row in rows),
        "steerable": steerable,
        "visible": set(Department.objects.visible_to(request.user).values_list("pk", flat=True)),
        "form": form,
    }
    return render(request, "dashboards/cross_hospital.html", context)


@login_required
@require_POST
def join_cross_hospital(request):
    """One action: the department joins the year's cross-hospital recommendation (twice still gives one initiative)."""
    departments = steerable_departments(request.user)
    raw = request.POST.get("department")
    if raw:
        department = get_scoped_or_404(Department.objects.visible_to(request.user), pk=raw)
    else:
        only = list(departments[:2])
        if len(only) != 1:
            raise PermissionDenied
        department = only[0]
    form = JoinForm(
        {"department": department.pk, "year": request.POST.get("year") or timezone.localdate().year},
        departments=departments,
    )
    if not form.is_valid():
        if "department" in form.errors:
            raise PermissionDenied
        messages.error(request, _("Året er ugyldigt."))
        return redirect("dashboards:start")
    try:
        initiative, created = services.cross_hospital_join(
            department=department, year=form.cleaned_data["year"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("dashboards:start")
    if created:
        messages.success(
            request,
            _("%(department)s deltager nu i den tværgående anbefaling. Udfyld afsnit, formål og målinger.")
            % {"department": department.name},
        )
    else:
        messages.info(request, _("%(department)s deltager allerede.") % {"department": department.name})
    return redirect("dashboards:initiative", pk=initiative.pk)
