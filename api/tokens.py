"""Tokens and integrations: create, authenticate, revoke. Who may do which is asked of `departments/access.py`.

A token is ``vk_<prefix>_<secret>``: the prefix (8 characters) is stored in clear to recognise the token in lists
and logs, the whole token only as its SHA-256 hash. The token is shown once, when it is created.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from departments import audit
from departments.access import (
    Role,
    forget_access,
    is_system_user,
    may_create_own_read_token,
    may_manage_integrations,
    may_use_api_scope,
)
from departments.models import Membership, UserProfile

from .models import ApiToken

TOKEN_RE = re.compile(r"^vk_([a-z0-9]{8})_([A-Za-z0-9_-]{20,100})$")
MAX_DAYS = 730
DEFAULT_DAYS = 365
#: `last_used_at` is written at most this often per token (not on every request).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
NAME_MAX = ApiToken._meta.get_field("name").max_length


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_raw() -> tuple[str, str]:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    prefix = "".join(secrets.choice(alphabet) for _ in range(8))
    return prefix, f"vk_{prefix}_{secrets.token_urlsafe(32)}"


def may_create_token(by, *, owner, scope: str) -> bool:
    """KDK for integrations (and themselves); every person a read token for themselves."""
    if by is None:  # manage.py create_api_token, on the server
        return True
    if owner.pk == by.pk and scope == ApiToken.Scope.READ and may_create_own_read_token(by):
        return True
    return may_manage_integrations(by) and (owner.pk == by.pk or is_system_user(owner))


def may_revoke_token(by, token: ApiToken) -> bool:
    return by is not None and (token.user_id == by.pk or may_manage_integrations(by))


@transaction.atomic
def token_create(*, owner, scope: str, name: str, days: int | None = DEFAULT_DAYS, by, request=None):
    """Create a token; returns (token, the raw token to show once). Raises PermissionDenied or ValidationError."""
    if scope not in ApiToken.Scope.values:
        raise ValidationError({"scope": _("Vælg læse- eller skriveadgang.")})
    if not may_create_token(by, owner=owner, scope=scope):
        raise PermissionDenied(_("Du kan ikke oprette denne API-nøgle."))
    if not owner.is_active:
        raise ValidationError({"owner": _("Brugeren er deaktiveret.")})
    if not may_use_api_scope(owner, scope):
        raise ValidationError({"scope": _("Brugeren må ikke registrere værdier nogen steder; giv en læsenøgle.")})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Giv nøglen et navn, fx hvad den bruges til.")})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": _("Navnet må højst være %(max)d tegn.") % {"max": NAME_MAX}})
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": _("En nøgle kan gælde fra 1 til %(max)d dage.") % {"max": MAX_DAYS}})
    prefix, raw = _new_raw()
    token = ApiToken.objects.create(
        user=owner,
        name=name,
        prefix=prefix,
        secret_hash=hash_token(raw),
        scope=scope,
        created_by=by,
        expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
    )
    audit.record(
        action=audit.Action.API_TOKEN_CREATED,
        request=request,
        user=by,
        obj=token,
        detail=f"owner={owner.get_username()} scope={scope}",
    )
    return token, raw


def token_revoke(*, token: ApiToken, by, request=None) -> ApiToken:
    """Revoke at once (the next request with it gets 401). Revoking twice keeps the first revocation."""
    if not may_revoke_token(by, token):
        raise PermissionDenied(_("Du kan ikke tilbagekalde denne API-nøgle."))
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=by)
    token.refresh_from_db()
    audit.record(action=audit.Action.API_TOKEN_REVOKED, request=request, user=by, obj=token)
    return token


@dataclass(frozen=True)
class Authenticated:
    token: ApiToken | None
    #: Why there is no usable token: "missing", "malformed", "unknown", "expired", "revoked", "inactive".
    refusal: str = ""


def token_authenticate(raw: str | None, *, now=None) -> Authenticated:
    """The token for a raw bearer value, or why not. Touches `last_used_at` (at most once a minute)."""
    if not raw:
        return Authenticated(None, "missing")
    match = TOKEN_RE.match(raw.strip())
    if not match:
        return Authenticated(None, "malformed")
    token = ApiToken.objects.select_related("user").filter(secret_hash=hash_token(raw.strip())).first()
    if token is None:
        return Authenticated(None, "unknown")
    now = now or timezone.now()
    if token.is_revoked:
        return Authenticated(token, "revoked")
    if token.is_expired(now):
        return Authenticated(token, "expired")
    if not token.user.is_active:
        return Authenticated(token, "inactive")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return Authenticated(token)


USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,60}$")


@transaction.atomic
def integration_create(
    *, username: str, description: str, departments=(), hospital_wide: bool = False, by, request=None
):
    """KDK creates an integration: a user of kind *system* with no usable password and no e-mail, a key person's
    membership in each department (it may then read and enter their values), or — `hospital_wide` — hospital
    management's (read everything, change nothing)."""
    if by is not None and not may_manage_integrations(by):
        raise PermissionDenied(_("Kun KDK kan oprette integrationer."))
    User = get_user_model()
    username = (username or "").strip().lower()
    errors = {}
    if not USERNAME_RE.match(username):
        errors["username"] = _("Brug 3–61 tegn: små bogstaver, tal, punktum, bindestreg og understreg.")
    elif User._default_manager.filter(username=username).exists():
        errors["username"] = _("Der findes allerede en bruger med det navn.")
    departments = list(departments)
    if not departments and not hospital_wide:
        errors["departments"] = _("Vælg mindst én afdeling, eller giv læseadgang til hele sygehusgruppen.")
    if departments and hospital_wide:
        errors["departments"] = _("Vælg afdelinger eller hele sygehusgruppen, ikke begge.")
    if errors:
        raise ValidationError(errors)
    user = User(username=username, email="", first_name=(description or "").strip()[:150])
    user.set_unusable_password()
    user.save()
    UserProfile.objects.create(user=user, kind=UserProfile.Kind.SYSTEM, description=(description or "").strip()[:300])
    if hospital_wide:
        Membership.objects.create(user=user, role=Role.HOSPITAL_MANAGEMENT)
    for department in departments:
        Membership.objects.create(user=user, role=Role.KEY_PERSON, department=department)
    forget_access(user)
    audit.record(
        action=audit.Action.INTEGRATION_CREATED,
        request=request,
        user=by,
        obj=user,
        object_type="auth.User",
        detail="hospital-wide read" if hospital_wide else ",".join(d.code for d in departments)[:500],
    )
    return user
