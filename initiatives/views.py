"""The catalogue, a department's initiatives, opt-outs, the cross-hospital recommendation and meetings.

Views parse, call a service or selector, and render; departments/access.py decides who may see (else 404) and who
may change (else 403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from departments.access import access_for, get_scoped_or_404
from departments.models import Department
from departments.selectors import can_steer, get_for_change
from departments.views import requested_year
from measurements.definitions import suggest_balancing
from reports import status

from . import selectors, services
from .forms import (
    CatalogueFilterForm,
    CrossHospitalForm,
    InitiativeForm,
    InspirationMeetingForm,
    JoinForm,
    OptOutForm,
    QualityMeetingForm,
    SelectForm,
    StatusForm,
)
from .models import Initiative, Meeting, Recommendation

# --- catalogue ---------------------------------------------------------------------------------------------------


@login_required
def catalogue(request):
    societies, years = selectors.catalogue_choices(request.user)
    form = CatalogueFilterForm(request.GET or None, societies=societies, years=years)
    filters = selectors.CatalogueFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.CatalogueFilters(**form.cleaned_data)
    context = {
        "form": form,
        "filters": filters,
        "entries": selectors.catalogue(request.user, filters),
        "can_select": selectors.steerable_departments(request.user).exists(),
        "select_year": requested_year(request, param="for_year"),
    }
    template = "initiatives/catalogue.html#results" if request.htmx else "initiatives/catalogue.html"
    return render(request, template, context)


@login_required
def recommendation(request, pk):
    recommendation = get_scoped_or_404(
        Recommendation.objects.visible_to(request.user).select_related("owner_department"), pk=pk
    )
    access = access_for(request.user)
    working = selectors.departments_working_on(recommendation)
    context = {
        "recommendation": recommendation,
        "working": working,
        "mine": [i for i in working if access.is_kdk or i.department_id in access.visible],
        "can_select": selectors.steerable_departments(request.user).exists(),
        "can_share": access.is_kdk and recommendation.kind == Recommendation.Kind.LOCAL,
        "select_year": requested_year(request, param="for_year"),
    }
    return render(request, "initiatives/recommendation.html", context)


def _department_to_steer(request):
    """The department the user acts for: the `department` parameter, or their only one; None means ask."""
    departments = selectors.steerable_departments(request.user)
    raw = request.POST.get("department") or request.GET.get("department")
    if raw:
        department = get_scoped_or_404(Department.objects.visible_to(request.user), pk=raw)
        if not departments.filter(pk=department.pk).exists():
            raise PermissionDenied
        return department, departments
    only = list(departments[:2])
    if not only:
        raise PermissionDenied
    return (only[0] if len(only) == 1 else None), departments


@login_required
def select(request, pk):
    """Select a recommendation or opt-out for a year: creates the department's initiative."""
    recommendation = get_scoped_or_404(Recommendation.objects.visible_to(request.user), pk=pk)
    department, departments = _department_to_steer(request)
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
                return redirect("initiatives:initiative", pk=initiative.pk)
        year = form.cleaned_data.get("year") if hasattr(form, "cleaned_data") else None
    else:
        form = SelectForm(department=department, year=year, initial={"year": year})
    year = year or timezone.localdate().year
    context = {
        "recommendation": recommendation,
        "department": department,
        "form": form,
        "year": year,
        "row": selectors.department_status(department, year=year, today=timezone.localdate()),
        "max_selections": status.MAX_SELECTIONS,
    }
    template = "initiatives/select.html#year_status" if request.htmx else "initiatives/select.html"
    return render(request, template, context)


@login_required
def opt_out_create(request):
    """A department proposes its own professional opt-out (fagligt fravalg)."""
    department, departments = _department_to_steer(request)
    if department is None:
        return render(
            request,
            "initiatives/choose_department.html",
            {"departments": departments, "action": request.path},
        )
    form = OptOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opt_out = services.opt_out_propose(department=department, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Fravalget er gemt. Vælg nu, hvilket år og hvilke afsnit det gælder."))
            url = reverse("initiatives:select", kwargs={"pk": opt_out.pk})
            return redirect(f"{url}?{urlencode({'department': department.pk})}")
    return render(request, "initiatives/opt_out_form.html", {"form": form, "department": department})


@login_required
@require_POST
def opt_out_share(request, pk):
    """KDK shares a department's opt-out with every department as inspiration, or takes it back."""
    recommendation = get_scoped_or_404(Recommendation.objects.visible_to(request.user), pk=pk)
    if not access_for(request.user).is_kdk:
        raise PermissionDenied
    shared = request.POST.get("shared") == "1"
    try:
        services.opt_out_set_shared(recommendation=recommendation, shared=shared, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Fravalget er nu synligt for alle afdelinger.") if shared else _("Fravalget er ikke længere delt."),
        )
    return redirect("initiatives:recommendation", pk=recommendation.pk)


# --- initiatives -------------------------------------------------------------------------------------------------


MEASURE_ORDER = {kind: index for index, kind in enumerate(["outcome", "process", "balancing"])}


def _initiative_context(request, initiative, *, status_form=None):
    measures = sorted(initiative.measures.all(), key=lambda m: (MEASURE_ORDER.get(m.kind, 9), m.name))
    return {
        "initiative": initiative,
        "measures": measures,
        "balancing": suggest_balancing(initiative, measures),
        "status_changes": list(initiative.status_changes.all()),
        "can_edit": can_steer(request.user, initiative.department),
        "status_form": status_form or StatusForm(current=initiative.status),
        "row": selectors.department_status(initiative.department, year=initiative.year, today=timezone.localdate()),
    }


@login_required
def initiative(request, pk):
    try:
        initiative = selectors.initiative_page(Initiative.objects.visible_to(request.user), pk)
    except Initiative.DoesNotExist:
        raise Http404 from None
    return render(request, "initiatives/initiative.html", _initiative_context(request, initiative))


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
                return redirect("initiatives:initiative", pk=initiative.pk)
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
            return redirect("initiatives:initiative", pk=initiative.pk)
    initiative = selectors.initiative_page(Initiative.objects.all(), initiative.pk)
    return render(request, "initiatives/initiative.html", _initiative_context(request, initiative, status_form=form))


# --- the cross-hospital recommendation ---------------------------------------------------------------------------


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
                return redirect(f"{reverse('initiatives:cross_hospital')}?year={selection.year}")
    elif request.method == "POST":
        raise PermissionDenied
    rows = status.department_rows(
        Department.objects.visible_to(request.user), year=year, today=timezone.localdate(), measures=False
    )
    steerable = set(selectors.steerable_departments(request.user).values_list("pk", flat=True))
    context = {
        "year": year,
        "years": [year - 1, year, year + 1],
        "cross": selectors.cross_hospital_for(year),
        "rows": rows,
        "joined": sum(row.in_cross_hospital for row in rows),
        "steerable": steerable,
        "form": form,
    }
    return render(request, "initiatives/cross_hospital.html", context)


@login_required
@require_POST
def join_cross_hospital(request):
    """One action: the department joins the year's cross-hospital recommendation (twice still gives one initiative)."""
    departments = selectors.steerable_departments(request.user)
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
        return redirect("start")
    try:
        initiative, created = services.cross_hospital_join(
            department=department, year=form.cleaned_data["year"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("start")
    if created:
        messages.success(
            request,
            _("%(department)s deltager nu i den tværgående anbefaling. Udfyld afsnit, formål og målinger.")
            % {"department": department.name},
        )
    else:
        messages.info(request, _("%(department)s deltager allerede.") % {"department": department.name})
    return redirect("initiatives:initiative", pk=initiative.pk)


# --- meetings ----------------------------------------------------------------------------------------------------


@login_required
def meetings(request):
    """The year's inspiration meetings and who took part; KDK schedules them here."""
    access = access_for(request.user)
    year = requested_year(request)
    form = None
    if access.is_kdk:
        form = InspirationMeetingForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                meeting = services.meeting_schedule_inspiration(**form.cleaned_data, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Inspirationsmødet er planlagt."))
                return redirect(f"{reverse('initiatives:meetings')}?year={meeting.date.year}")
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "year": year,
        "years": [year - 1, year, year + 1],
        "meetings": selectors.inspiration_meetings(year=year),
        "form": form,
        "is_kdk": access.is_kdk,
        "my_departments": access.visible,
    }
    return render(request, "initiatives/meetings.html", context)


@login_required
def quality_meeting_create(request, pk):
    """The department records a quality-team meeting's date and decisions."""
    department = get_for_change(Department.objects, request.user, pk=pk)
    form = QualityMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_record_quality(department=department, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Mødet er registreret."))
            return redirect(
                f"{reverse('departments:workspace', kwargs={'pk': department.pk})}?year={meeting.date.year}"
            )
    return render(request, "initiatives/meeting_form.html", {"form": form, "department": department})


def _meeting_for_change(request, pk):
    meeting = get_scoped_or_404(Meeting.objects.visible_to(request.user).select_related("department"), pk=pk)
    if not selectors.meetings_editable_by(request.user).filter(pk=meeting.pk).exists():
        raise PermissionDenied
    return meeting


def _after_meeting(meeting):
    if meeting.kind == Meeting.Kind.INSPIRATION:
        return redirect(f"{reverse('initiatives:meetings')}?year={meeting.date.year}")
    return redirect(
        f"{reverse('departments:workspace', kwargs={'pk': meeting.department_id})}?year={meeting.date.year}"
    )


@login_required
def meeting_edit(request, pk):
    meeting = _meeting_for_change(request, pk)
    inspiration = meeting.kind == Meeting.Kind.INSPIRATION
    form_class = InspirationMeetingForm if inspiration else QualityMeetingForm
    initial = {"date": meeting.date, "title": meeting.title, "decisions": meeting.decisions}
    if inspiration:
        initial["participants"] = list(meeting.participants.all())
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Mødet er gemt."))
            return _after_meeting(meeting)
    return render(
        request, "initiatives/meeting_form.html", {"form": form, "meeting": meeting, "department": meeting.department}
    )


@login_required
@require_POST
def meeting_delete(request, pk):
    meeting = _meeting_for_change(request, pk)
    services.meeting_delete(meeting=meeting, by=request.user)
    messages.success(request, _("Mødet er slettet."))
    return _after_meeting(meeting)
