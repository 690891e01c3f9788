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
loses the roles they had); no user is created for them. A sign-in whose claims carry no role claim at all is refused
and changes nothing (an absent claim is a configuration fault, not "no roles"). Users are matched by the provider's
stable subject (`sub`), never by name, so an SSO sign-in can never take over a local break-glass account, and a
refused SSO sign-in is never filed under a local account of the same name.

The ID token's issuer and audience are checked (`OIDC_OP_ISSUER`, `OIDC_RP_CLIENT_ID`). SSO sign-ins stay out of
the password lockout (`is_single_sign_on_attempt`, django-axes' whitelist): the provider has its own. Signing out
of an SSO session here continues at the provider's end-session endpoint when `OIDC_OP_END_SESSION_ENDPOINT` is set
(`departments.middleware.SingleSignOutMiddleware`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import audit
from .access import Role, forget_access
from .models import Department, Membership, SingleSignOnIdentity

logger = logging.getLogger("vaelgklogt.sso")

BACKEND_PATH = "departments.oidc.RoleMappingOIDCBackend"

# Why a single sign-on was refused, for the message the user gets on the login page.
CANCELLED, NO_ROLE, DISABLED, ERROR = "cancelled", "no_role", "disabled", "error"

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


def known_grants(grants: set[Grant]) -> tuple[set[Grant], list[str]]:
    """The grants whose department exists (or that need none), and the others as claim-like strings."""
    codes = {grant.department_code for grant in grants if grant.department_code}
    existing = set(
        Department.objects.annotate(code_lower=Lower("code"))
        .filter(code_lower__in=codes)
        .values_list("code_lower", flat=True)
    )
    known = {grant for grant in grants if grant.department_code is None or grant.department_code in existing}
    return known, sorted(f"{grant.role}:{grant.department_code}" for grant in grants - known)


def memberships_sync(*, user, grants: set[Grant], request=None) -> tuple[list[str], list[str]]:
    """Make the user's memberships equal to `grants` (unknown departments are skipped). A change is audited, with
    the request's address and path when there is one.

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
            request=request,
            user=user,
            detail=("from single sign-on: " + ", ".join(held))[:500],
        )
    return held, skipped


def is_single_sign_on_attempt(request, credentials) -> bool:
    """django-axes' whitelist (AXES_WHITELIST_CALLABLE): a single sign-on is not a password attempt and is neither
    counted nor refused by the password lockout. Otherwise five refused SSO sign-ins from one address (a shared ward
    PC, everyone behind one NAT) would lock the next valid one out. The provider guards its own sign-in."""
    credentials = credentials or {}
    return credentials.get("username") is None and ("nonce" in credentials or "code_verifier" in credentials)


def end_session_url(request) -> str | None:
    """Where to send the browser after signing out of a single sign-on session: the provider's end-session endpoint
    (OpenID Connect RP-initiated logout), which comes back to the login page. None for a local sign-in, or when no
    endpoint is configured."""
    endpoint = getattr(settings, "OIDC_OP_END_SESSION_ENDPOINT", "")
    if not (getattr(settings, "OIDC_ENABLED", False) and endpoint):
        return None
    if request.session.get(BACKEND_SESSION_KEY) != BACKEND_PATH:
        return None
    params = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL)),
    }
    id_token = request.session.get("oidc_id_token")
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


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

    def verify_token(self, token, **kwargs):
        """The library checks the signature, the expiry and the nonce; the issuer and the audience are checked here,
        so that a token the provider issued to another application (or another provider's) is refused."""
        payload = super().verify_token(token, **kwargs)
        issuer = settings.OIDC_OP_ISSUER
        if payload.get("iss") != issuer:
            raise SuspiciousOperation(f"ID token issuer {payload.get('iss')!r} is not {issuer!r}")
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation(f"ID token audience {audience!r} does not name this client")
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token for several audiences without this client as azp")
        return payload

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
        existing = self.filter_users_by_claims(claims).first()
        if self.request is not None:
            self.request._vk_sso_user = existing  # the audit files a refusal under this user only, never by name
        if existing is not None and not existing.is_active:
            self._fail("the user is deactivated", claims, kind=DISABLED)
            return False
        if settings.OIDC_ROLES_CLAIM not in claims:
            # Absent is not empty: the provider sent no role claim at all (say, roles only in userinfo, and no
            # userinfo endpoint configured). Refuse, and leave the user's roles as they are.
            self._fail(f"no {settings.OIDC_ROLES_CLAIM!r} claim from the provider", claims)
            return False
        grants, ignored = grants_from_claim(claim_values(claims, settings.OIDC_ROLES_CLAIM))
        grants, unknown = known_grants(grants)
        if ignored or unknown:
            logger.info("ignored role claim values for %s: %s", claims.get("sub"), [*ignored, *unknown])
        self._grants = grants
        if not grants:
            # Whoever had roles before loses them: the provider no longer grants any that apply here. Nobody new
            # is created.
            if existing is not None:
                memberships_sync(user=existing, grants=set(), request=self.request)
            self._fail("no Vælg Klogt role in the role claim", claims, kind=NO_ROLE)
            return False
        return True

    def _fail(self, reason: str, claims: dict | None = None, kind: str = ERROR) -> None:
        if self.request is not None:
            self.request._vk_sso_failure = reason
            self.request._vk_sso_refusal = kind
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
        held, skipped = memberships_sync(user=user, grants=getattr(self, "_grants", set()), request=self.request)
        if skipped:
            logger.warning("unknown departments in role claim for %s: %s", user, skipped)
        SingleSignOnIdentity.objects.filter(user=user).update(last_login_at=timezone.now(), last_roles=", ".join(held))
        if not held:  # the departments went away between the check and the sync
            self._fail("the role claim names no existing department", claims, kind=NO_ROLE)
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
    """The identity provider sends the browser back here with a code; failures land on the login page in Danish.
    Every refusal leaves an audit entry: a cancel at the provider, an unknown state (a callback replayed in another
    browser, or forged), a refused or deactivated user (through the user_login_failed signal)."""

    def dispatch(self, request, *args, **kwargs):
        _require_sso()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        if request.GET.get("error"):
            error = re.sub(r"[^a-z_]", "", request.GET["error"].lower())[:60]
            request._vk_sso_refusal = CANCELLED
            self._audit_refusal(f"the provider answered {error}")
            return super().get(request)  # forgets the state, signs out whoever was signed in
        state = request.GET.get("state")
        if request.GET.get("code") and state and state not in request.session.get("oidc_states", {}):
            self._audit_refusal("unknown state (a replayed or forged callback)")
            return self.login_failure()
        try:
            return super().get(request)
        except SuspiciousOperation as exc:
            self._audit_refusal(str(exc)[:300])
            return self.login_failure()

    def _audit_refusal(self, reason: str) -> None:
        self.request._vk_sso_failure = reason
        audit.record(
            action=audit.Action.LOGIN_FAILED,
            outcome=audit.Outcome.FAILURE,
            request=self.request,
            detail=f"sso: {reason}"[:500],
        )

    def login_failure(self):
        refusal = getattr(self.request, "_vk_sso_refusal", ERROR)
        if refusal == CANCELLED:
            message = _(
                "Log ind med single sign-on blev afbrudt. Prøv igen, eller kontakt KDK, hvis du ikke kan komme ind."
            )
        elif refusal == NO_ROLE:
            message = _(
                "Log ind med single sign-on lykkedes ikke. Har du fået en rolle i Vælg Klogt? "
                "Kontakt KDK, hvis problemet fortsætter."
            )
        elif refusal == DISABLED:
            message = _("Din bruger er deaktiveret. Kontakt KDK.")
        else:
            message = _(
                "Log ind med single sign-on lykkedes ikke. Prøv igen, og kontakt KDK, hvis problemet fortsætter."
            )
        messages.error(self.request, message)
        return super().login_failure()


def sso_context(request):
    """Template context: whether to show the single sign-on button on the login page, and its label."""
    enabled = getattr(settings, "OIDC_ENABLED", False)
    return {"sso_enabled": enabled, "sso_label": settings.OIDC_LOGIN_BUTTON_LABEL if enabled else ""}
