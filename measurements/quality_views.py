"""Data quality and sign-off pages (issue 14): questioned and flagged values, a department's month (explained gaps,
*indberettet*), reopen requests, quarter approval.

Views parse, call a service (`measurements.services`) and render; who may do what is a predicate in
`departments.access`; every department-owned object is fetched through a scoped queryset (404 outside it).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.months import first_of_month
from departments import audit
from departments.access import access_for, get_scoped_or_404, may_approve, may_decide_reopen, may_enter
from departments.models import Department, Section

from . import dataquality
from .locking import Locks, lock_date, month_label
from .models import FollowUpFlag, Measure, Measurement, QuarterApproval, ReopenRequest, ValueCheck
from .periods import quarter_months
from .services import (
    error_dict,
    follow_up_clear,
    follow_up_set,
    gap_explain,
    month_mark_reported,
    quarter_approval_withdraw,
    quarter_approve,
    reopen_decide,
    reopen_request,
    value_check_explain,
)


def _back(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _first_error(exc: ValidationError) -> str:
    return " ".join(message for messages_ in error_dict(exc).values() for message in messages_)


# --- questioned and flagged values -----------------------------------------------------------------------------------


@login_required
@require_POST
def explain(request, pk):
    """The department answers a questioned value: a comment, or a confirmation that it is right."""
    check = get_scoped_or_404(
        ValueCheck.objects.enterable_by(request.user).select_related("measurement__measure__initiative"), pk=pk
    )
    measure = check.measurement.measure
    back = _back(request, reverse("measurements:entry", args=[measure.pk]) + f"#month-{check.measurement.month:%Y-%m}")
    try:
        value_check_explain(
            check=check,
            explanation=request.POST.get("explanation", ""),
            confirm=bool(request.POST.get("confirm")),
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
    else:
        messages.success(request, _("Tak – forklaringen er gemt."))
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def flag_set(request, pk):
    """Management or KDK marks a value *til opfølgning* with a note."""
    value = get_scoped_or_404(
        Measurement.objects.visible_to(request.user).select_related("measure__initiative__department", "section"),
        pk=pk,
    )
    department = value.measure.initiative.department
    if not may_approve(request.user, department.pk):
        raise PermissionDenied
    errors = {}
    if request.method == "POST":
        try:
            flag = follow_up_set(measurement=value, note=request.POST.get("note", ""), by=request.user)
        except ValidationError as exc:
            errors = error_dict(exc)
        else:
            audit.record(request=request, action=audit.Action.FOLLOW_UP, obj=flag, detail="set")
            messages.success(request, _("Værdien er markeret til opfølgning."))
            return redirect("measurements:quality", pk=department.pk)
    context = {"value": value, "department": department, "errors": errors, "note": request.POST.get("note", "")}
    return render(request, "measurements/flag_form.html", context, status=422 if errors else 200)


@login_required
@require_POST
def flag_clear(request, pk):
    flag = get_scoped_or_404(
        FollowUpFlag.objects.visible_to(request.user).select_related("measurement__measure__initiative"), pk=pk
    )
    department_id = flag.measurement.measure.initiative.department_id
    if not may_approve(request.user, department_id):
        raise PermissionDenied
    try:
        follow_up_clear(flag=flag, note=request.POST.get("note", ""), by=request.user)
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
    else:
        audit.record(request=request, action=audit.Action.FOLLOW_UP, obj=flag, detail="cleared")
        messages.success(request, _("Opfølgningen er afsluttet."))
    return redirect(_back(request, reverse("measurements:quality", args=[department_id])))


def _quality_page(request, departments, *, department=None):
    context = {
        "department": department,
        "questioned": dataquality.questioned(departments),
        "flags": dataquality.flagged(departments, open_only=False),
        "may_approve": department is not None and may_approve(request.user, department.pk),
        "is_kdk": access_for(request.user).is_kdk,
    }
    return render(request, "measurements/quality.html", context)


@login_required
@require_GET
def quality(request, pk):
    """A department's questioned values (with their explanations) and values *til opfølgning*."""
    department = get_scoped_or_404(Department.objects.visible_to(request.user), pk=pk)
    return _quality_page(request, Department.objects.filter(pk=department.pk), department=department)


@login_required
@require_GET
def quality_all(request):
    """Every department's questioned and flagged values: KDK and hospital management."""
    if not access_for(request.user).sees_hospital_group:
        raise PermissionDenied
    return _quality_page(request, Department.objects.all())


# --- a department's month: explained gaps, indberettet ---------------------------------------------------------------


def _month_context(request, department, month, *, today, errors=None):
    cells = dataquality.month_cells(department.pk, month, today=today)
    report = department.month_reports.filter(month=month).select_related("reported_by").first()
    months = dataquality.year_months_due(month.year, today=today)
    return {
        "department": department,
        "month": month,
        "cells": cells,
        "missing": [cell for cell in cells if cell.missing],
        "values": sum(1 for cell in cells if cell.value),
        "explained": sum(1 for cell in cells if cell.gap),
        "report": report,
        "timeliness": dataquality.timeliness(report, month, today=today),
        "year": dataquality.timeliness_by_department([department.pk], months, today=today)[department.pk],
        "deadline": lock_date(month) - dt.timedelta(days=1),
        "may_enter": may_enter(request.user, department.pk),
        "locked": Locks(today=today).is_locked(department.pk, month),
        "errors": errors or [],
    }


def _department_month(request, pk, month):
    department = get_scoped_or_404(Department.objects.visible_to(request.user), pk=pk)
    today = timezone.localdate()
    month = first_of_month(month)
    if month >= first_of_month(today) or month.year < 2000:
        raise Http404
    return department, today, month


@login_required
@require_GET
def month(request, pk, month):
    department, today, month = _department_month(request, pk, month)
    return render(request, "measurements/month.html", _month_context(request, department, month, today=today))


@login_required
@require_POST
def gap(request, pk, month):
    department, today, month = _department_month(request, pk, month)
    if not may_enter(request.user, department.pk):
        raise PermissionDenied
    if not request.POST.get("measure", "").isdigit():
        return HttpResponseBadRequest()
    measure = get_scoped_or_404(
        Measure.objects.enterable_by(request.user)
        .filter(initiative__department=department)
        .select_related("initiative"),
        pk=request.POST["measure"],
    )
    section_id = request.POST.get("section") or ""
    section = None
    if section_id:
        section = Section.objects.filter(pk=section_id if section_id.isdigit() else 0, department=department).first()
        if section is None:
            raise Http404
    try:
        gap_explain(measure=measure, section=section, month=month, reason=request.POST.get("reason", ""),
                    by=request.user, today=today)  # fmt: skip
    except ValidationError as exc:
        context = _month_context(request, department, month, today=today, errors=[_first_error(exc)])
        return render(request, "measurements/month.html", context, status=422)
    messages.success(request, _("Forklaringen er gemt."))
    return redirect("measurements:month", pk=department.pk, month=month)


@login_required
@require_POST
def month_report(request, pk, month):
    department, today, month = _department_month(request, pk, month)
    if not may_enter(request.user, department.pk):
        raise PermissionDenied
    try:
        report = month_mark_reported(department=department, month=month, by=request.user, today=today)
    except ValidationError as exc:
        context = _month_context(request, department, month, today=today, errors=[_first_error(exc)])
        return render(request, "measurements/month.html", context, status=422)
    audit.record(request=request, action=audit.Action.MONTH_REPORTED, obj=report)
    messages.success(request, _("%(month)s er indberettet.") % {"month": month_label(month).capitalize()})
    return redirect("measurements:month", pk=department.pk, month=month)


# --- reopen requests -------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def reopen_ask(request, pk, month):
    """A key person asks KDK to reopen a locked month of the measure's department, with a reason."""
    measure = get_scoped_or_404(
        Measure.objects.enterable_by(request.user).select_related("initiative__department"), pk=pk
    )
    department = measure.initiative.department
    today = timezone.localdate()
    month = first_of_month(month)
    errors = {}
    pending = ReopenRequest.objects.filter(
        department=department, month=month, status=ReopenRequest.Status.PENDING
    ).first()
    if request.method == "POST":
        try:
            asked, created = reopen_request(
                department=department, month=month, reason=request.POST.get("reason", ""), by=request.user, today=today
            )
        except ValidationError as exc:
            errors = error_dict(exc)
        else:
            if created:
                audit.record(request=request, action=audit.Action.REOPEN_REQUESTED, obj=asked)
                messages.success(request, _("Din anmodning er sendt til KDK. Du får svar på e-mail og på forsiden."))
            else:
                messages.info(request, _("Der er allerede bedt om at genåbne måneden; KDK har anmodningen."))
            return redirect("measurements:entry", pk=measure.pk)
    context = {
        "measure": measure,
        "department": department,
        "month": month,
        "pending": pending,
        "errors": errors,
        "reason": request.POST.get("reason", ""),
    }
    return render(request, "measurements/reopen_ask.html", context, status=422 if errors else 200)


@login_required
@require_GET
def reopen_requests(request):
    if not may_decide_reopen(request.user):
        raise PermissionDenied
    requests = ReopenRequest.objects.select_related("department", "requested_by", "decided_by")
    context = {
        "pending": list(requests.filter(status=ReopenRequest.Status.PENDING).order_by("requested_at")),
        "decided": list(requests.exclude(status=ReopenRequest.Status.PENDING).order_by("-decided_at")[:50]),
        "reopen_days": dataquality_reopen_days(),
    }
    return render(request, "measurements/reopen_requests.html", context)


def dataquality_reopen_days() -> int:
    from .services import reopen_days

    return reopen_days()


@login_required
@require_POST
def reopen_decide_view(request, pk):
    if not may_decide_reopen(request.user):
        raise PermissionDenied
    asked = get_scoped_or_404(ReopenRequest.objects.all(), pk=pk)
    grant = request.POST.get("decision") == "grant"
    try:
        reopen_decide(request=asked, grant=grant, reason=request.POST.get("reason", ""), by=request.user)
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
    else:
        action = audit.Action.REOPEN_GRANTED if grant else audit.Action.REOPEN_REFUSED
        audit.record(request=request, action=action, obj=asked, detail=asked.decision_reason)
        if grant:
            messages.success(
                request,
                _("%(month)s er genåbnet for %(department)s.")
                % {"month": month_label(asked.month).capitalize(), "department": asked.department},
            )
        else:
            messages.success(request, _("Anmodningen er afvist."))
    return redirect("measurements:reopen_requests")


# --- quarter approval ------------------------------------------------------------------------------------------------


def _quarter(request, pk, quarter):
    department = get_scoped_or_404(Department.objects.visible_to(request.user), pk=pk)
    try:
        months = quarter_months(quarter)
    except (ValueError, IndexError):
        raise Http404 from None
    return department, quarter, months


def _approval_context(request, department, quarter, months, *, errors=None):
    today = timezone.localdate()
    approval = (
        QuarterApproval.objects.filter(department=department, quarter=quarter, status=QuarterApproval.Status.APPROVED)
        .select_related("approved_by")
        .first()
    )
    past = list(
        QuarterApproval.objects.filter(
            department=department, quarter=quarter, status=QuarterApproval.Status.WITHDRAWN
        ).select_related("approved_by", "withdrawn_by")
    )
    due = [m for m in months if m < first_of_month(today)]
    return {
        "department": department,
        "quarter": quarter,
        "quarter_label": dataquality.quarter_label(quarter),
        "months": dataquality.timeliness_by_department([department.pk], due, today=today)[department.pk],
        "approval": approval,
        "approval_text": dataquality.approval_text(approval),
        "changes": dataquality.changes_after_approval(approval) if approval and approval.changed_at else [],
        "withdrawn": past,
        "stamp": dataquality.quarter_stamp(department.pk, quarter),
        "questioned": [
            c
            for c in dataquality.questioned(Department.objects.filter(pk=department.pk))
            if c.measurement.month in months
        ],
        "may_approve": may_approve(request.user, department.pk),
        "quarter_ended": months[-1] < first_of_month(today),
        "errors": errors or [],
    }


@login_required
@require_http_methods(["GET", "POST"])
def approval(request, pk, quarter):
    """The quarter's numbers at a glance, and management's approval of them."""
    department, quarter, months = _quarter(request, pk, quarter)
    if request.method == "POST":
        if not may_approve(request.user, department.pk):
            raise PermissionDenied
        raw = request.POST.get("seen", "")
        try:
            approved = quarter_approve(
                department=department, quarter=quarter, seen=int(raw) if raw.isdigit() else None, by=request.user
            )
        except ValidationError as exc:
            context = _approval_context(request, department, quarter, months, errors=[_first_error(exc)])
            return render(request, "measurements/approval.html", context, status=422)
        audit.record(request=request, action=audit.Action.QUARTER_APPROVED, obj=approved)
        messages.success(request, _("%(quarter)s er godkendt.") % {"quarter": dataquality.quarter_label(quarter)})
        return redirect("measurements:approval", pk=department.pk, quarter=quarter)
    return render(request, "measurements/approval.html", _approval_context(request, department, quarter, months))


@login_required
@require_POST
def approval_withdraw(request, pk, quarter):
    department, quarter, months = _quarter(request, pk, quarter)
    if not may_approve(request.user, department.pk):
        raise PermissionDenied
    current = QuarterApproval.objects.filter(
        department=department, quarter=quarter, status=QuarterApproval.Status.APPROVED
    ).first()
    if current is None:
        messages.error(request, _("Kvartalet er ikke godkendt."))
        return redirect("measurements:approval", pk=department.pk, quarter=quarter)
    try:
        quarter_approval_withdraw(approval=current, reason=request.POST.get("reason", ""), by=request.user)
    except ValidationError as exc:
        context = _approval_context(request, department, quarter, months, errors=[_first_error(exc)])
        return render(request, "measurements/approval.html", context, status=422)
    audit.record(request=request, action=audit.Action.APPROVAL_WITHDRAWN, obj=current, detail=current.withdraw_reason)
    messages.success(request, _("Godkendelsen er trukket tilbage."))
    return redirect("measurements:approval", pk=department.pk, quarter=quarter)
