"""The catalogue, a department's initiatives, opt-outs, the cross-hospital recommendation and meetings.

Views parse, call a service or selector, and render; departments/access.py decides who may see (else 404) and who
may change (else 403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.http import requested_year
from departments.access import (
    access_for,
    department_to_steer,
    get_for_change,
    get_scoped_or_404,
    is_kdk,
    require,
    steerable_departments,
)
from departments.models import Department

from . import selectors, services
from .forms import (
    CatalogueFilterForm,
    InspirationMeetingForm,
    OptOutForm,
    QualityMeetingForm,
)
from .models import Meeting, Recommendation

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
        "can_select": steerable_departments(request.user).exists(),
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
        "can_select": steerable_departments(request.user).exists(),
        "can_share": access.is_kdk and recommendation.kind == Recommendation.Kind.LOCAL,
        "select_year": requested_year(request, param="for_year"),
    }
    return render(request, "initiatives/recommendation.html", context)


@login_required
def opt_out_create(request):
    """A department proposes its own professional opt-out (fagligt fravalg)."""
    department, departments = department_to_steer(
        request.user, request.POST.get("department") or request.GET.get("department")
    )
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
            url = reverse("dashboards:select", kwargs={"pk": opt_out.pk})
            return redirect(f"{url}?{urlencode({'department': department.pk})}")
    return render(request, "initiatives/opt_out_form.html", {"form": form, "department": department})


@login_required
@require_POST
def opt_out_share(request, pk):
    """KDK shares a department's opt-out with every department as inspiration, or takes it back."""
    recommendation = get_scoped_or_404(Recommendation.objects.visible_to(request.user), pk=pk)
    require(is_kdk(request.user))
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


# --- the cross-hospital recommendation ---------------------------------------------------------------------------


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
            return redirect(f"{reverse('dashboards:workspace', kwargs={'pk': department.pk})}?year={meeting.date.year}")
    return render(request, "initiatives/meeting_form.html", {"form": form, "department": department})


def _meeting_for_change(request, pk):
    meeting = get_scoped_or_404(Meeting.objects.visible_to(request.user).select_related("department"), pk=pk)
    if not selectors.meetings_editable_by(request.user).filter(pk=meeting.pk).exists():
        raise PermissionDenied
    return meeting


def _after_meeting(meeting):
    if meeting.kind == Meeting.Kind.INSPIRATION:
        return redirect(f"{reverse('initiatives:meetings')}?year={meeting.date.year}")
    return redirect(f"{reverse('dashboards:workspace', kwargs={'pk': meeting.department_id})}?year={meeting.date.year}")


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
