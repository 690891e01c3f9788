"""Single sign-on with OpenID Connect (mozilla-django-oidc), roles from the identity provider's app-role claim.

Switched on by setting `OIDC_RP_CLIENT_ID` (and the endpoints; see the README's Operations section). The identity
provider is the source of truth for an SSO user's roles: at every sign-in the user's `Membership` rows are made to
match the claim named by `OIDC_ROLES_CLAIM` (default `roles`, the app-role claim of Microsoft Entra ID):

| claim value              | role in Vælg Klogt                                       |
|--------------------------|----------------------------------------------------------|
| `vk.kdk`                 | KDK (sees and steers everything; Django admin)           |
| `vk.direktion`           | Sygehusledelse (sees the hospital group, changes nothing)|
| `vk.leder:<code>`        | Afdelingsledelse of the department with that code        |
| `vk.noegle:<code>`       | Nøgleperson / tovholder of the department with that code  |

Department codes are matched without regard to case (`vk.leder:ORT` = department `ort`). Values that are not ours,
or that name an unknown department, are ignored and logged. A user with no recognised role is refused sign-in (and
loses the roles they had). Users are matched by the provider's stable subject (`sub`), never by name, so an SSO
sign-in can never take over a local break-glass account.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import audit
from .access import Role, forget_access
from .models import Department, Membership, SingleSignOnIdentity

logger = logging.getLogger("vaelgklogt.sso")

ORG_WIDE_CLAIMS = {"vk.kdk": Role.KDK, "vk.direktion": Role.HOSPITAL_MANAGEMENT}
DEPARTMENT_CLAIMS = {"vk.leder": Role.MANAGEMENT, "vk.noegle": Role.KEY_PERSON}


@dataclass(frozen=True)
class Grant:
    role: str
    department_code: str | None = None


def claim_values(claims: dict, claim_name: str) -> list[str]:
    """The claim as a list of strings; providers send a list, some a space- or comma-separated string."""
    raw = claims.get(claim_name)
    if raw is None:
        return []
    if isinstance(raw, str):
        return [part for part in re.split(r"[\s,]+", raw) if part]
    if isinstance(raw, list | tuple):
        return [str(part) for part in raw if isinstance(part, str | int)]
    return []


def grants_from_claim(values: list[str]) -> tuple[set[Grant], list[str]]:
    """Map claim values to role grants. Returns (grants, values that were not understood)."""
    grants: set[Grant] = set()
    ignored: list[str] = []
    for value in values:
        key = value.strip().lower()
        if key in ORG_WIDE_CLAIMS:
            grants.add(Grant(ORG_WIDE_CLAIMS[key]))
            continue
        prefix, sep, code = key.partition(":")
        if sep and prefix in DEPARTMENT_CLAIMS and code:
            grants.add(Grant(DEPARTMENT_CLAIMS[prefix], code))
            continue
        ignored.append(value)
    return grants, ignored


def memberships_sync(*, user, grants: set[Grant]) -> tuple[list[str], list[str]]:
    """Make the user's memberships equal to `grants` (unknown departments are skipped).

    Returns (roles held afterwards as claim-like strings, grants skipped because their department does not exist).
    """
    codes = {grant.department_code for grant in grants if grant.department_code}
    departments = {
        d.code.lower(): d for d in Department.objects.annotate(code_lower=Lower("code")).filter(code_lower__in=codes)
    }
    wanted: set[tuple[str, int | None]] = set()
    skipped: list[str] = []
    for grant in grants:
        if grant.department_code is None:
            wanted.add((grant.role, None))
        elif grant.department_code in departments:
            wanted.add((grant.role, departments[grant.department_code].pk))
        else:
            skipped.append(f"{grant.role}:{grant.department_code}")
    with transaction.atomic():
        current = {(m.role, m.department_id): m for m in Membership.objects.select_for_update().filter(user=user)}
        for key, membership in current.items():
            if key not in wanted:
                membership.delete()
        for role, department_id in wanted - current.keys():
            Membership.objects.create(user=user, role=role, department_id=department_id)
        is_kdk = any(role == Role.KDK for role, _dept in wanted)
        if user.is_staff != is_kdk or user.is_superuser != is_kdk:
            user.is_staff = user.is_superuser = is_kdk
            user.save(update_fields=["is_staff", "is_superuser"])
    forget_access(user)
    code_of = {d.pk: d.code for d in departments.values()}
    held = sorted(f"{role}:{code_of[dept]}" if dept else role for role, dept in wanted)
    before = sorted(f"{role}:{dept}" if dept else role for role, dept in current)
    after = sorted(f"{role}:{dept}" if dept else role for role, dept in wanted)
    if before != after:
        audit.record(
            action=audit.Action.ROLES_CHANGED,
            user=user,
            detail=("from single sign-on: " + ", ".join(held))[:500],
        )
    return held, skipped


class RoleMappingOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc backend: match by `sub`, map the app-role claim to memberships, refuse users without a
    role, and turn every provider failure into a refused sign-in (audited) rather than a server error."""

    def authenticate(self, request, **kwargs):
        if not getattr(settings, "OIDC_ENABLED", False):
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation, ValueError, KeyError) as exc:
            logger.warning("single sign-on failed: %s", exc)
            if request is not None:
                request._vk_sso_failure = f"{type(exc).__name__}: {exc}"[:300]
            return None

    def get_userinfo(self, access_token, id_token, payload):
        """Claims from the verified ID token, completed by the userinfo endpoint when one is configured.
        Entra ID puts the app roles in the ID token, not in userinfo."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            for key, value in super().get_userinfo(access_token, id_token, payload).items():
                if key == "sub" and value != payload.get("sub"):
                    raise SuspiciousOperation("userinfo sub differs from the ID token's sub")
                claims.setdefault(key, value)
        return claims

    def verify_claims(self, claims):
        if not claims.get("sub"):
            self._fail("no sub claim")
            return False
        grants, ignored = grants_from_claim(claim_values(claims, settings.OIDC_ROLES_CLAIM))
        if ignored:
            logger.info("ignored role claim values for %s: %s", claims.get("sub"), ignored)
        self._grants = grants
        if not grants:
            # Whoever had roles before loses them: the provider no longer grants any.
            existing = self.filter_users_by_claims(claims).first()
            if existing is not None:
                memberships_sync(user=existing, grants=set())
            self._fail("no Vælg Klogt role in the role claim", claims)
            return False
        return True

    def _fail(self, reason: str, claims: dict | None = None) -> None:
        if self.request is not None:
            self.request._vk_sso_failure = reason
            if claims:
                self.request._vk_sso_username = str(claims.get(settings.OIDC_USERNAME_CLAIM) or claims.get("sub"))

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(sso_identity__subject=claims.get("sub", ""))

    def create_user(self, claims):
        wanted = str(claims.get(settings.OIDC_USERNAME_CLAIM) or claims.get("email") or claims["sub"])[:140]
        username = wanted
        counter = 1
        while self.UserModel.objects.filter(username=username).exists():
            counter += 1
            username = f"{wanted}-{counter}"
        with transaction.atomic():
            user = self.UserModel(username=username)
            user.set_unusable_password()  # SSO users cannot sign in locally
            self._copy_profile(user, claims)
            user.save()
            SingleSignOnIdentity.objects.create(user=user, subject=claims["sub"])
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        if self._copy_profile(user, claims):
            user.save(update_fields=["first_name", "last_name", "email"])
        held, skipped = memberships_sync(user=user, grants=getattr(self, "_grants", set()))
        if skipped:
            logger.warning("unknown departments in role claim for %s: %s", user, skipped)
        SingleSignOnIdentity.objects.filter(user=user).update(last_login_at=timezone.now(), last_roles=", ".join(held))
        if not held:
            self._fail("the role claim names no existing department", claims)
            return None
        return user

    @staticmethod
    def _copy_profile(user, claims) -> bool:
        values = {
            "first_name": str(claims.get("given_name") or "")[:150],
            "last_name": str(claims.get("family_name") or "")[:150],
            "email": str(claims.get("email") or "")[:254],
        }
        changed = False
        for field, value in values.items():
            if value and getattr(user, field) != value:
                setattr(user, field, value)
                changed = True
        return changed

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


# --- views: present only when single sign-on is on ------------------------------------------------------------------


def _require_sso():
    if not getattr(settings, "OIDC_ENABLED", False):
        raise Http404


class SignOnStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the identity provider."""

    def dispatch(self, request, *args, **kwargs):
        _require_sso()
        return super().dispatch(request, *args, **kwargs)


class SignOnCallbackView(OIDCAuthenticationCallbackView):
    """The identity provider sends the browser back here with a code; failures land on the login page in Danish."""

    def dispatch(self, request, *args, **kwargs):
        _require_sso()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation as exc:  # unknown state: a replayed or forged callback
            request._vk_sso_failure = str(exc)[:300]
            audit.record(
                action=audit.Action.LOGIN_FAILED,
                outcome=audit.Outcome.FAILURE,
                request=request,
                detail=f"sso: {exc}"[:500],
            )
            return self.login_failure()

    def login_failure(self):
        messages.error(
            self.request,
            _(
                "Log ind med single sign-on lykkedes ikke. Har du fået en rolle i Vælg Klogt? "
                "Kontakt KDK, hvis problemet fortsætter."
            ),
        )
        return super().login_failure()


def sso_context(request):
    """Template context: whether to show the single sign-on button on the login page, and its label."""
    enabled = getattr(settings, "OIDC_ENABLED", False)
    return {"sso_enabled": enabled, "sso_label": settings.OIDC_LOGIN_BUTTON_LABEL if enabled else ""}
