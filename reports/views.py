"""The reports page: built reports by role, "Byg nu" with live progress (htmx), downloads, and KDK's status export.

Every report is fetched through `Report.objects.visible_to(user)` (404 outside the user's departments) and built
only through `buildable_by(user)` / `Department.objects.editable_by(user)`.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from core.quarters import Quarter, recent_quarters
from departments.access import access_for, get_scoped_or_404
from departments.models import Department, Hospital

from . import exports, services
from .documents.render import chart_engine_problem
from .models import Report

PAGE_SIZE = 50
FILE_FIELDS = {"pdf": "pdf_file", "html": "html_file", "pptx": "pptx_file"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


class BuildForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Rapport"))
    department = forms.ModelChoiceField(
        label=gettext_lazy("Afdeling"), queryset=Department.objects.none(), required=False
    )
    period = forms.ChoiceField(label=gettext_lazy("Kvartal"))

    def __init__(self, *args, user, today, **kwargs):
        super().__init__(*args, **kwargs)
        access = access_for(user)
        kinds = [(Report.Kind.QUALITY_TEAM.value, Report.Kind.QUALITY_TEAM.label)]
        if access.is_kdk:
            kinds.append((Report.Kind.INSPIRATION.value, Report.Kind.INSPIRATION.label))
        self.fields["kind"].choices = kinds
        departments = Department.objects.editable_by(user).order_by("name")
        self.fields["department"].queryset = departments
        self.fields["department"].empty_label = _("Vælg afdeling")
        if not access.is_kdk:
            own = list(departments[:2])
            if len(own) == 1:
                self.fields["department"].initial = own[0].pk
        self.fields["period"].choices = [(str(q), q.label) for q in recent_quarters(today)]
        self.fields["period"].initial = str(Quarter.last_complete(today))
        # The inspiration report covers every department: static/js/reports_form.js disables "Afdeling" for it.
        self.fields["department"].widget.attrs["data-disabled-for"] = Report.Kind.INSPIRATION.value
        if (self["kind"].value() or kinds[0][0]) == Report.Kind.INSPIRATION:
            self.fields["department"].widget.attrs["disabled"] = True

    def clean(self):
        data = super().clean()
        if data.get("kind") == Report.Kind.QUALITY_TEAM and not data.get("department"):
            self.add_error("department", _("Vælg den afdeling, rapporten skal handle om."))
        if data.get("kind") == Report.Kind.INSPIRATION:
            data["department"] = None
        return data


class ExportForm(forms.Form):
    hospital = forms.ModelChoiceField(
        label=gettext_lazy("Sygehus"),
        queryset=Hospital.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("Alle sygehuse"),
        to_field_name="code",
    )
    year = forms.IntegerField(label=gettext_lazy("År"), min_value=2020, max_value=2100)
    format = forms.ChoiceField(
        label=gettext_lazy("Format"), choices=[("xlsx", "Excel (xlsx)"), ("pdf", "PDF")], widget=forms.RadioSelect
    )


def _can_build(report: Report, access) -> bool:
    if access.is_kdk:
        return True
    return report.department_id is not None and report.department_id in access.manage


def _reports_page(request, *, build_form=None, export_form=None, status=200):
    today = timezone.localdate()
    access = access_for(request.user)
    reports = Report.objects.visible_to(request.user).select_related("department", "requested_by", "meeting")
    page = Paginator(reports.order_by("-period", "kind", "department__name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("side")
    )
    for report in page:
        report.can_build = _can_build(report, access)
    can_build = access.is_kdk or bool(access.manage)
    context = {
        "page": page,
        "access": access,
        "in_process": services.runs_in_process(),
        "engine_problem": chart_engine_problem(),
        "last_quarter": Quarter.last_complete(today),
        "build_form": build_form or (BuildForm(user=request.user, today=today) if can_build else None),
        "export_form": export_form
        or (ExportForm(initial={"year": today.year, "format": "xlsx"}) if access.sees_hospital_group else None),
    }
    template = "reports/reports_list.html#table" if request.htmx and status == 200 else "reports/reports_list.html"
    return render(request, template, context, status=status)


@login_required
@require_GET
def report_list(request):
    return _reports_page(request)


@login_required
@require_POST
def build(request):
    form = BuildForm(request.POST, user=request.user, today=timezone.localdate())
    if not form.is_valid():
        if request.htmx:
            # htmx swaps only successful responses: answer 200 with the form and its messages in place of the form.
            response = render(request, "reports/reports_list.html#build-form", {"build_form": form})
            response["HX-Retarget"] = "#build-form"
            response["HX-Reswap"] = "outerHTML"
            return response
        return _reports_page(request, build_form=form, status=422)
    data = form.cleaned_data
    report = services.request_report(
        kind=data["kind"], department=data["department"], period=data["period"], by=request.user, rebuild=True
    )
    return _after_request(request, report)


@login_required
@require_POST
def rebuild(request, pk):
    report = get_scoped_or_404(Report.objects.visible_to(request.user).buildable_by(request.user), pk=pk)
    report = services.request_report(
        kind=report.kind, department=report.department, period=report.period, by=request.user, rebuild=True
    )
    return _after_request(request, report)


def _after_request(request, report):
    report.refresh_from_db()
    if request.htmx:
        return _reports_page(request)
    if report.status == Report.Status.DONE:
        messages.success(request, _("Rapporten er bygget: %(report)s.") % {"report": report})
    elif report.status == Report.Status.FAILED:
        messages.error(request, _("Rapporten kunne ikke bygges: %(error)s") % {"error": report.error})
    else:
        messages.info(request, _("Rapporten bygges nu: %(report)s.") % {"report": report})
    return redirect("reports:list")


@login_required
@require_GET
def row(request, pk):
    """One report's row, polled by htmx while it is pending or running."""
    report = get_scoped_or_404(
        Report.objects.visible_to(request.user).select_related("department", "requested_by", "meeting"), pk=pk
    )
    report.can_build = _can_build(report, access_for(request.user))
    return render(request, "reports/reports_list.html#row", {"report": report})


@login_required
@require_GET
def download(request, pk, fmt):
    report = get_scoped_or_404(Report.objects.visible_to(request.user).select_related("department"), pk=pk)
    field_name = FILE_FIELDS.get(fmt)
    if report.status != Report.Status.DONE or field_name is None or not getattr(report, field_name):
        raise Http404
    stored = getattr(report, field_name)
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = stored.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=fmt != "html", filename=filename, content_type=CONTENT_TYPES[fmt])
    if fmt == "html":
        # The stored document is self-contained: its own styles and SVG images as data: URIs, nothing else.
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def export_status(request):
    if not access_for(request.user).sees_hospital_group:
        raise Http404
    form = ExportForm(request.GET)
    if not form.is_valid():
        return _reports_page(request, export_form=form, status=400)
    data = form.cleaned_data
    name, content = exports.export_status(
        fmt=data["format"],
        departments=Department.objects.visible_to(request.user),
        year=data["year"],
        hospital=data["hospital"],
    )
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[data["format"]])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
