"""Writes for a department's local Vælg Klogt team (Mål 2).

Every change goes through one of these keyword-only functions; each validates first and writes inside a
transaction, so bad input leaves nothing behind. `by` is recorded as the change's author in the history.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .access import board_token_hash, forget_access
from .models import BoardLink, Department, LocalTeam, TeamMember


def _with_author(instance, by):
    """simple_history reads `_history_user`; outside a request the middleware cannot tell who it was."""
    instance._history_user = by
    return instance


def department_users(department: Department):
    """The users who may sit on the department's team: anyone with a role in the department."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(memberships__department=department, is_active=True)
        .distinct()
        .order_by("first_name", "username")
    )


@transaction.atomic
def team_establish(*, department: Department, established_on: dt.date, note: str = "", by) -> LocalTeam:
    """Establish the department's team, or correct its date and note when it exists."""
    if established_on > timezone.localdate():
        raise ValidationError({"established_on": _("Datoen må ikke ligge i fremtiden.")})
    team = LocalTeam.objects.select_for_update().filter(department=department).first()
    if team is None:
        team = LocalTeam(department=department)
    elif (team.established_on, team.note) == (established_on, note):
        return team
    team.established_on = established_on
    team.note = note
    _with_author(team, by).save()
    return team


def _validate_member(
    *,
    team: LocalTeam,
    user,
    name: str,
    role: str,
    confirm_second_coordinator: bool = False,
    exclude_pk: int | None = None,
) -> None:
    errors = {}
    if user is None and not name.strip():
        errors["name"] = _("Vælg en bruger eller skriv personens navn.")
    if user is not None and not department_users(team.department).filter(pk=user.pk).exists():
        errors["user"] = _("Brugeren har ingen rolle i afdelingen.")
    if user is not None:
        duplicate = team.members.filter(user=user).exclude(pk=exclude_pk)
        if duplicate.exists():
            errors["user"] = _("Brugeren er allerede med i teamet.")
    if role not in TeamMember.Role.values:
        errors["role"] = _("Vælg en rolle i teamet.")
    elif role == TeamMember.Role.COORDINATOR and not confirm_second_coordinator:
        current = team.members.filter(role=TeamMember.Role.COORDINATOR).exclude(pk=exclude_pk).first()
        if current is not None:
            errors["confirm_second_coordinator"] = _(
                "Teamet har allerede en tovholder (%(name)s). Bekræft, at teamet skal have to tovholdere."
            ) % {"name": current.display_name}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def team_member_add(
    *,
    team: LocalTeam,
    role: str,
    user=None,
    name: str = "",
    title: str = "",
    confirm_second_coordinator: bool = False,
    by,
) -> TeamMember:
    """Add a member; a second tovholder only when `confirm_second_coordinator` says so."""
    _validate_member(team=team, user=user, name=name, role=role, confirm_second_coordinator=confirm_second_coordinator)
    member = TeamMember(team=team, user=user, name="" if user else name.strip(), title=title.strip(), role=role)
    _with_author(member, by).save()
    _forget_access_of(user, by)
    return member


@transaction.atomic
def team_member_update(
    *,
    member: TeamMember,
    role: str,
    user=None,
    name: str = "",
    title: str = "",
    confirm_second_coordinator: bool = False,
    by,
) -> TeamMember:
    _validate_member(
        team=member.team,
        user=user,
        name=name,
        role=role,
        confirm_second_coordinator=confirm_second_coordinator,
        exclude_pk=member.pk,
    )
    previous_user = member.user
    member.user = user
    member.name = "" if user else name.strip()
    member.title = title.strip()
    member.role = role
    _with_author(member, by).save()
    _forget_access_of(previous_user, by)
    _forget_access_of(user, by)
    return member


@transaction.atomic
def team_member_remove(*, member: TeamMember, by) -> None:
    user = member.user
    _with_author(member, by).delete()
    _forget_access_of(user, by)


def _forget_access_of(user, by) -> None:
    """A tovholder steers the department: when the acting user changed their own role, read their access anew."""
    if user is not None and by is not None and user.pk == by.pk:
        forget_access(by)


# --- read-only board links for the ward screen ---

#: A board link lives at most this long; management renews it by creating a new one.
BOARD_LINK_MAX_DAYS = 366


@transaction.atomic
def board_link_create(*, department: Department, label: str, expires_on: dt.date | None, by, today: dt.date):
    """A read-only link to the department's board. Returns (link, token): the token is shown once, only its hash
    is stored. Who may create one is decided by `departments.access.may_manage_board_links`."""
    errors = {}
    label = (label or "").strip()
    if not label:
        errors["label"] = _("Skriv, hvor skærmen står, fx »Sengeafsnit 1, gangen«.")
    elif len(label) > BoardLink._meta.get_field("label").max_length:
        errors["label"] = _("Teksten er for lang.")
    if expires_on is None:
        errors["expires_on"] = _("Vælg, hvornår linket udløber.")
    elif expires_on < today:
        errors["expires_on"] = _("Udløbsdatoen ligger i fortiden.")
    elif expires_on > today + dt.timedelta(days=BOARD_LINK_MAX_DAYS):
        errors["expires_on"] = _("Et tavlelink kan højst gælde et år ad gangen.")
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(32)
    link = BoardLink.objects.create(
        department=department, label=label, token_hash=board_token_hash(token), expires_on=expires_on, created_by=by
    )
    audit.record(action=audit.Action.BOARD_LINK_CREATED, user=by, obj=link, detail=f"udløber {expires_on:%d.%m.%Y}")
    return link, token


@transaction.atomic
def board_link_revoke(*, link: BoardLink, by) -> BoardLink:
    """Revoke a board link at once: the screen's next refresh is refused. Revoking twice changes nothing."""
    link = BoardLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = by
        link.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(action=audit.Action.BOARD_LINK_REVOKED, user=by, obj=link)
    return link


def board_link_used(*, link: BoardLink, request) -> None:
    """Count and audit one use of a board link (every page load and every refresh of the screen)."""
    BoardLink.objects.filter(pk=link.pk).update(use_count=F("use_count") + 1, last_used_at=timezone.now())
    audit.record(
        action=audit.Action.BOARD_VIEWED, request=request, obj=link, username=f"tavlelink:{link.pk}", detail=link.label
    )
