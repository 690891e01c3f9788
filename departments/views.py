"""The department's local Vælg Klogt team (Mål 2): establish it, add, edit and remove members, read its history.

Views parse, call a service or selector, and render. Who may see and change what comes from departments/access.py:
anything outside the user's departments is 404; seeing without steering (key persons, hospital management) is 403
on every change.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .access import get_for_change, get_scoped_or_404, may_manage_board_links, may_steer, require
from .forms import BoardLinkForm, TeamForm, TeamMemberForm
from .models import BoardLink, Department, TeamMember


def _team_context(request, department, *, team_form=None, member_form=None):
    team, members = selectors.team_with_members(department)
    if team_form is None:
        initial = {"established_on": team.established_on, "note": team.note} if team else {}
        team_form = TeamForm(initial=initial)
    return {
        "department": department,
        "team": team,
        "members": members,
        "has_coordinator": selectors.has_coordinator(members),
        "history": selectors.team_history(team) if team else [],
        "can_edit": may_steer(request.user, department.pk),
        "team_form": team_form,
        "member_form": member_form or TeamMemberForm(department=department),
        "today": timezone.localdate(),
    }


def _render_team(request, department, **forms):
    context = _team_context(request, department, **forms)
    template = "departments/team.html#team_body" if request.htmx else "departments/team.html"
    return render(request, template, context)


@login_required
def team(request, pk):
    department = get_scoped_or_404(Department.objects.visible_to(request.user), pk=pk)
    return render(request, "departments/team.html", _team_context(request, department))


@login_required
@require_POST
def team_establish(request, pk):
    department = get_for_change(Department.objects, request.user, pk=pk)
    form = TeamForm(request.POST)
    if form.is_valid():
        existed = hasattr(department, "local_team")
        try:
            services.team_establish(department=department, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Teamet er opdateret.") if existed else _("Teamet er etableret."))
            return redirect("departments:team", pk=department.pk)
    return render(request, "departments/team.html", _team_context(request, department, team_form=form))


@login_required
@require_POST
def member_add(request, pk):
    department = get_for_change(Department.objects, request.user, pk=pk)
    team = getattr(department, "local_team", None)
    form = TeamMemberForm(request.POST, department=department)
    if team is None:
        messages.error(request, _("Etablér teamet, før I tilføjer medlemmer."))
        return redirect("departments:team", pk=department.pk)
    if form.is_valid():
        try:
            member = services.team_member_add(team=team, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(member)s er tilføjet teamet.") % {"member": member.display_name})
            if not request.htmx:
                return redirect("departments:team", pk=department.pk)
            form = None
    return _render_team(request, department, member_form=form)


@login_required
def member_edit(request, pk):
    member = get_for_change(TeamMember.objects.select_related("team__department", "user"), request.user, pk=pk)
    department = member.team.department
    if request.method == "POST":
        form = TeamMemberForm(request.POST, department=department)
        if form.is_valid():
            try:
                services.team_member_update(member=member, **form.cleaned_data, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Ændringen er gemt."))
                return redirect("departments:team", pk=department.pk)
    else:
        form = TeamMemberForm(
            department=department,
            initial={"user": member.user_id, "name": member.name, "title": member.title, "role": member.role},
        )
    return render(request, "departments/member_form.html", {"department": department, "member": member, "form": form})


@login_required
@require_POST
def member_remove(request, pk):
    member = get_for_change(TeamMember.objects.select_related("team__department", "user"), request.user, pk=pk)
    department = member.team.department
    name = member.display_name
    services.team_member_remove(member=member, by=request.user)
    messages.success(request, _("%(member)s er fjernet fra teamet.") % {"member": name})
    if request.htmx:
        return _render_team(request, department)
    return redirect(reverse("departments:team", kwargs={"pk": department.pk}))


# --- read-only board links for the ward screen ----------------------------------------------------------------------


def _board_links_page(request, department, *, form=None, created=None, status=200):
    links = list(BoardLink.objects.filter(department=department).select_related("created_by", "revoked_by"))
    today = timezone.localdate()
    for link in links:
        link.active = link.is_active(today)
    context = {
        "department": department,
        "links": links,
        "form": form or BoardLinkForm(),
        "created": created,
        "created_url": request.build_absolute_uri(reverse("dashboards:board_shared", args=[created[1]]))
        if created
        else None,
    }
    return render(request, "departments/board_links.html", context, status=status)


@login_required
def board_links(request, pk):
    """Management's read-only links to the department's board (forbedringstavle) for screens on the ward."""
    department = get_scoped_or_404(Department.objects.visible_to(request.user), pk=pk)
    require(may_manage_board_links(request.user, department.pk))
    if request.method != "POST":
        return _board_links_page(request, department)
    form = BoardLinkForm(request.POST)
    if form.is_valid():
        try:
            created = services.board_link_create(
                department=department, **form.cleaned_data, by=request.user, today=timezone.localdate()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # The link's secret is shown on this one answer only (only its hash is stored): no redirect.
            return _board_links_page(request, department, created=created)
    return _board_links_page(request, department, form=form)


@login_required
@require_POST
def board_link_revoke(request, pk):
    link = get_scoped_or_404(BoardLink.objects.visible_to(request.user).select_related("department"), pk=pk)
    require(may_manage_board_links(request.user, link.department_id))
    services.board_link_revoke(link=link, by=request.user)
    messages.success(request, _("Linket til »%(label)s« er tilbagekaldt.") % {"label": link.label})
    return redirect("departments:board_links", pk=link.department_id)
