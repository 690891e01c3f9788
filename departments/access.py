"""Who may see and who may change what: the one place that decides it.

Every department-owned model's queryset inherits `DepartmentScopedQuerySet` and names the lookup path from the
model to its department. Views never filter by department themselves; they call `visible_to(user)`,
`enterable_by(user)` (monthly measurements) or `editable_by(user)` (steering the department's work), and fetch
single objects with `get_scoped_or_404`, which answers 404 for anything outside the user's lane.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, models
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    KEY_PERSON = "key_person", _("Nøgleperson / tovholder")
    MANAGEMENT = "management", _("Afdelingsledelse")
    KDK = "kdk", _("KDK (Klinisk Digitalisering og Kvalitet)")
    HOSPITAL_MANAGEMENT = "hospital_management", _("Sygehusledelse")


#: Roles that belong to one department; the others look across the whole hospital group.
DEPARTMENT_ROLES = frozenset({Role.KEY_PERSON, Role.MANAGEMENT})


@dataclass(frozen=True)
class Access:
    """What one user may do, read once per request from their memberships."""

    all_departments_visible: bool
    all_departments_editable: bool
    visible: frozenset[int]
    enter: frozenset[int]
    manage: frozenset[int]
    roles: frozenset[str]
    #: Departments the user manages by their role (afdelingsledelse), without the tovholdere of `manage`.
    managed_by_role: frozenset[int] = frozenset()

    @property
    def is_kdk(self) -> bool:
        return self.all_departments_editable

    @property
    def sees_hospital_group(self) -> bool:
        return self.all_departments_visible

    @property
    def visibility_key(self) -> str:
        """Which departments the user sees, as text: part of the key of a page remembered for everyone who sees
        the same (core.generation)."""
        return "all" if self.all_departments_visible else ",".join(map(str, sorted(self.visible)))


_NOBODY = Access(False, False, frozenset(), frozenset(), frozenset(), frozenset())


def access_for(user) -> Access:
    if user is None or not user.is_authenticated or not user.is_active:
        return _NOBODY
    cached = getattr(user, "_vk_access", None)
    if cached is not None:
        return cached
    from departments.models import Membership, TeamMember

    memberships = list(Membership.objects.filter(user=user).values_list("role", "department_id"))
    roles = frozenset(role for role, _department in memberships)
    org_wide = user.is_superuser or bool(roles & {Role.KDK, Role.HOSPITAL_MANAGEMENT})
    editable_everywhere = user.is_superuser or Role.KDK in roles
    member_of = frozenset(dept for role, dept in memberships if role in DEPARTMENT_ROLES and dept)
    managed = frozenset(dept for role, dept in memberships if role == Role.MANAGEMENT and dept)
    # The team's tovholder steers the department's work together with its management.
    coordinating = frozenset(
        TeamMember.objects.filter(
            user=user, role=TeamMember.Role.COORDINATOR, team__department_id__in=member_of
        ).values_list("team__department_id", flat=True)
    )
    access = Access(
        all_departments_visible=org_wide,
        all_departments_editable=editable_everywhere,
        visible=member_of,
        enter=member_of,
        manage=managed | coordinating,
        roles=roles,
        managed_by_role=managed,
    )
    user._vk_access = access
    return access


def forget_access(user) -> None:
    """Drop the cached access after memberships change within a request (tests, team edits)."""
    if hasattr(user, "_vk_access"):
        del user._vk_access


class DepartmentScopedQuerySet(models.QuerySet):
    #: Lookup from the model to its department's id, e.g. "measure__initiative__department".
    department_path: str = "department"
    #: Lookup from the model to the flag *del som inspiration* of its initiative, e.g.
    #: "initiative__shared_as_inspiration"; None for models that are never shared.
    shared_path: str | None = None

    def _within(self, department_ids: frozenset[int], everything: bool):
        if everything:
            return self
        return self.filter(**{f"{self.department_path}__in": department_ids})

    def visible_to(self, user):
        access = access_for(user)
        return self._within(access.visible, access.all_departments_visible)

    def enterable_by(self, user):
        access = access_for(user)
        return self._within(access.enter, access.all_departments_editable)

    def visible_or_shared(self, user):
        """What the user sees in their lane, plus what other departments share as inspiration (*del som
        inspiration*): the learning page's values, charts, PDSA cycles and progress scores. Anonymous: nothing."""
        access = access_for(user)
        if access.all_departments_visible:
            return self
        if self.shared_path is None or user is None or not user.is_authenticated or not user.is_active:
            return self._within(access.visible, False)
        return self.filter(
            models.Q(**{f"{self.department_path}__in": access.visible}) | models.Q(**{self.shared_path: True})
        )

    def editable_by(self, user):
        access = access_for(user)
        return self._within(access.manage, access.all_departments_editable)


class ScopedNotFound(Http404):
    """Raised by `get_scoped_or_404`. Carries what was asked for, so a refused authorization can be audited
    (departments.middleware.RefusedAccessAuditMiddleware) without telling the user anything more than 404."""

    def __init__(self, model, lookup):
        super().__init__()
        self.model = model
        self.lookup = lookup

    @property
    def object_id(self) -> str:
        return str(self.lookup.get("pk", self.lookup.get("id", "")) or self.lookup)[:64]

    def exists_elsewhere(self) -> bool:
        """True when the object exists but lies outside the scope: a refused authorization, not a typo."""
        try:
            return self.model._default_manager.filter(**self.lookup).exists()
        except (ValueError, TypeError, LookupError, DatabaseError):
            return False


def get_scoped_or_404(queryset, **lookup):
    """Fetch one object from an already scoped queryset; anything outside it is simply not found."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise ScopedNotFound(queryset.model, lookup) from None


# --- named predicates: every "may this user …" question is answered here -------------------------------------------


def may_enter(user, department_id: int) -> bool:
    """May enter monthly values (and tiltag) for the department: its key persons and management, and KDK.

    `user=None` is the system itself (`manage.py import_measurements` run on the server without --user).
    """
    if user is None:
        return True
    access = access_for(user)
    return access.all_departments_editable or department_id in access.enter


def may_enter_anywhere(user) -> bool:
    """May enter values for at least one department (the import page and "Mine målinger")."""
    access = access_for(user)
    return bool(access.enter) or access.all_departments_editable


def may_steer(user, department_id: int) -> bool:
    """May steer the department's work (selections, team, measures): its management and tovholder, and KDK."""
    access = access_for(user)
    return access.all_departments_editable or department_id in access.manage


def is_kdk(user) -> bool:
    """KDK: keeps the catalogue, locks and reopens months, shares opt-outs, reads the access log."""
    return access_for(user).is_kdk


def sees_hospital_group(user) -> bool:
    """KDK and hospital management: the hospital-wide status and every department's dashboard."""
    return access_for(user).sees_hospital_group


def require(allowed: bool) -> None:
    """Raise 403 unless `allowed` (the answer of one of the predicates above)."""
    if not allowed:
        raise PermissionDenied


def get_for_change(queryset, user, **lookup):
    """Fetch a department-owned object the user wants to change: 404 if they may not see it, 403 if they may see
    but not steer it (key persons, hospital management)."""
    obj = get_scoped_or_404(queryset.visible_to(user), **lookup)
    if not queryset.editable_by(user).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj


def steerable_departments(user):
    """The departments whose work the user may change (management, tovholder, KDK)."""
    from departments.models import Department

    return Department.objects.editable_by(user).order_by("name")


def department_to_steer(user, raw_pk):
    """The department the user acts for: `raw_pk` (from a form), or their only one; None means "ask which".

    404 for a department the user may not see, 403 for one they see but may not steer.
    Returns (department or None, the steerable departments).
    """
    from departments.models import Department

    departments = steerable_departments(user)
    if raw_pk:
        department = get_scoped_or_404(Department.objects.visible_to(user), pk=raw_pk)
        require(departments.filter(pk=department.pk).exists())
        return department, departments
    only = list(departments[:2])
    require(bool(only))
    return (only[0] if len(only) == 1 else None), departments


def may_approve(user, department_id: int) -> bool:
    """Approve (and withdraw the approval of) the department's quarter and flag its values *til opfølgning*:
    the department's management and KDK — not key persons, not the team's tovholder."""
    access = access_for(user)
    if access.all_departments_editable:
        return True
    return Role.MANAGEMENT in access.roles and department_id in access.managed_by_role


def may_share_as_inspiration(user, department_id: int) -> bool:
    """Set or clear *del som inspiration* on the department's initiative: its management and KDK (not key persons,
    not the tovholder, not hospital management)."""
    access = access_for(user)
    if access.all_departments_editable:
        return True
    return Role.MANAGEMENT in access.roles and department_id in access.managed_by_role


def may_propose_change_idea(user, department_id: int) -> bool:
    """Propose a change idea in the department's driver diagram and write its PDSA cycles: its key persons,
    management and tovholder, and KDK (the same people who enter its monthly values)."""
    return may_enter(user, department_id) if user is not None else False


def is_system_user(user) -> bool:
    """An integration (a user of kind *system*): API tokens only, no password sign-in, no e-mails or reminders."""
    if user is None or not getattr(user, "pk", None):
        return False
    cached = getattr(user, "_vk_system", None)
    if cached is None:
        from departments.models import UserProfile

        fields_cache = user._state.fields_cache
        if "profile" in fields_cache:  # read with the user (PersonBackend.get_user): no query
            profile = fields_cache["profile"]
            cached = profile is not None and profile.kind == UserProfile.Kind.SYSTEM
        else:
            cached = UserProfile.objects.filter(user_id=user.pk, kind=UserProfile.Kind.SYSTEM).exists()
        user._vk_system = cached
    return cached


def may_manage_integrations(user) -> bool:
    """Create integrations (system users) and their tokens, and revoke anybody's API token: KDK only."""
    return access_for(user).is_kdk


def may_create_own_read_token(user) -> bool:
    """Any signed-in person may make a read token for themselves: it reaches exactly what they see."""
    return bool(user is not None and user.is_authenticated and user.is_active and not is_system_user(user))


def may_use_api_scope(user, scope: str) -> bool:
    """Whether a token of `scope` ("read" or "write") may be issued to `user`. A write token only for a user who may
    enter values somewhere; what each write reaches is still decided by `may_enter`, row by row."""
    if scope == "read":
        return True
    if scope == "write":
        return may_enter_anywhere(user)
    return False


def may_manage_board_links(user, department_id: int) -> bool:
    """Create and revoke read-only board links for the department's ward screens: its management and KDK."""
    access = access_for(user)
    return access.all_departments_editable or department_id in access.managed_by_role


def board_link_for(token: str, *, today):
    """The read-only access a board link gives: one department's board, while the link is neither revoked nor
    expired. Returns the BoardLink, or None for an unknown, revoked or expired link (all answered alike)."""
    from departments.models import BoardLink

    if not token or len(token) > 200:
        return None
    link = BoardLink.objects.select_related("department").filter(token_hash=board_token_hash(token)).first()
    if link is None or not link.is_active(today):
        return None
    return link


def board_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_decide_reopen(user) -> bool:
    """Grant or refuse requests to reopen a locked month: KDK only."""
    return access_for(user).is_kdk
