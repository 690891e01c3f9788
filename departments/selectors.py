"""Reads for the department workspace: the team, its members and the history of changes to them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Department, LocalTeam, TeamMember

HISTORY_LIMIT = 50


def team_with_members(department: Department) -> tuple[LocalTeam | None, list[TeamMember]]:
    """The department's team (or None) and its members, tovholder first, in two queries."""
    team = LocalTeam.objects.filter(department=department).first()
    if team is None:
        return None, []
    role_order = {value: index for index, value in enumerate(TeamMember.Role.values)}
    members = sorted(
        team.members.select_related("user"),
        key=lambda m: (role_order.get(m.role, 99), m.display_name.lower()),
    )
    return team, members


def has_coordinator(members: list[TeamMember]) -> bool:
    return any(member.role == TeamMember.Role.COORDINATOR for member in members)


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    who: str
    text: str


def _who(record) -> str:
    user = record.history_user
    if user is None:  # written by no signed-in user (a command, an import), or by a user since deleted
        return _("systemet")
    return user.get_full_name() or user.get_username()


def _member_label(record) -> str:
    name = (record.user.get_full_name() or record.user.get_username()) if record.user_id and record.user else ""
    name = name or record.name or _("(ukendt)")
    role = TeamMember.Role(record.role).label if record.role in TeamMember.Role.values else record.role
    return f"{name} ({role})"


def _team_texts(previous, record) -> list[str]:
    if record.history_type == "+":
        return [_("Teamet etableret %(date)s") % {"date": date_format(record.established_on, "j. F Y")}]
    if record.history_type == "-":
        return [_("Teamet slettet")]
    texts = []
    if previous is not None and previous.established_on != record.established_on:
        texts.append(
            _("Etableringsdato ændret fra %(old)s til %(new)s")
            % {
                "old": date_format(previous.established_on, "j. F Y"),
                "new": date_format(record.established_on, "j. F Y"),
            }
        )
    if previous is not None and previous.note != record.note:
        texts.append(_("Note ændret"))
    return texts


def _member_texts(previous, record) -> list[str]:
    if record.history_type == "+":
        return [_("Tilføjet: %(member)s") % {"member": _member_label(record)}]
    if record.history_type == "-":
        return [_("Fjernet: %(member)s") % {"member": _member_label(record)}]
    if previous is None:
        return [_("Ændret: %(member)s") % {"member": _member_label(record)}]
    changes = []
    if previous.role != record.role:
        changes.append(_("rolle"))
    if previous.title != record.title:
        changes.append(_("titel"))
    if previous.user_id != record.user_id or previous.name != record.name:
        changes.append(_("person"))
    if not changes:
        return []
    return [
        _("Ændret (%(fields)s): %(old)s → %(new)s")
        % {"fields": ", ".join(changes), "old": _member_label(previous), "new": _member_label(record)}
    ]


def team_history(team: LocalTeam, *, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """What changed in the team and its member list, newest first, with who and when (two queries)."""
    entries: list[HistoryEntry] = []
    team_records = LocalTeam.history.filter(id=team.pk).select_related("history_user").order_by("history_date")
    previous = None
    for record in team_records:
        entries.extend(HistoryEntry(record.history_date, _who(record), t) for t in _team_texts(previous, record))
        previous = record
    member_records = (
        TeamMember.history.filter(team_id=team.pk)
        .select_related("history_user", "user")
        .order_by("id", "history_date", "history_id")
    )
    last_by_member: dict[int, object] = {}
    for record in member_records:
        previous = last_by_member.get(record.id)
        entries.extend(HistoryEntry(record.history_date, _who(record), t) for t in _member_texts(previous, record))
        last_by_member[record.id] = record
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]
