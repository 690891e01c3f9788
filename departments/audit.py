"""The audit trail: one function writes it, signal receivers feed it the sign-in events.

Other code calls `record(...)` for what it must leave a trace of, for example an export or a report download:

    from departments import audit
    audit.record(request=request, action=audit.Action.EXPORT, obj=report, detail="xlsx")

Times are stored in UTC (`USE_TZ`); the user, the object, the address and the outcome go with every entry.
Refused authorizations (404 from a scoped lookup, 403) are recorded by
`departments.middleware.RefusedAccessAuditMiddleware`, so views need not do anything for those.
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.contrib.auth import user_logged_in, user_logged_out, user_login_failed
from django.db import DatabaseError
from django.dispatch import receiver
from django.utils import timezone

from .models import AuditEvent

Action = AuditEvent.Action
Outcome = AuditEvent.Outcome

logger = logging.getLogger("vaelgklogt.audit")


def client_address(request) -> str | None:
    """The client's address: the connection's, or behind `TRUSTED_PROXY_COUNT` reverse proxies the one the outermost
    of them put in X-Forwarded-For. django-axes uses this too (AXES_CLIENT_IP_CALLABLE), so the lockout and the
    audit trail name the same address.

    Each proxy appends the address it was connected from, so the client is the TRUSTED_PROXY_COUNT-th entry from the
    right; anything further left came from the client itself and is not believed. A request that did not come
    through all the proxies (no header, or too few entries) is known by the connection's address.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < hops:
        return remote
    address = _ip_address(forwarded[-hops])
    if address is None:
        logger.warning("unreadable client address %r in X-Forwarded-For; using the connection's", forwarded[-hops])
        return remote
    return address


def _ip_address(text: str) -> str | None:
    """The address in an X-Forwarded-For entry, which some proxies write with a port ("10.1.2.3:5123",
    "[2001:db8::1]:443")."""
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:
        text = text.split(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def record(
    *,
    action: str,
    outcome: str = Outcome.SUCCESS,
    request=None,
    user=None,
    username: str = "",
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    detail: str = "",
) -> AuditEvent | None:
    """Write one audit entry. `user` defaults to the request's user; `obj` fills type, id and text of the object.

    Never raises: an audit entry that cannot be written is logged as an error instead, so the user's own action is
    not lost because of it. (A failing database fails the action itself anyway.)
    """
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    if user is not None and not getattr(user, "pk", None):
        user = None
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    event = AuditEvent(
        at=timezone.now(),
        user=user,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        action=action,
        outcome=outcome,
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        object_repr=object_repr[:200],
        # The path only: a query string can carry secrets (the sign-on callback's code and state).
        path=(request.path[:500] if request is not None else ""),
        method=(request.method or "")[:10] if request is not None else "",
        ip_address=client_address(request),
        detail=detail[:500],
    )
    try:
        event.save(force_insert=True)
    except DatabaseError:
        logger.exception("audit entry could not be written: %s", event)
        return None
    logger.info(
        "audit %s %s user=%s object=%s:%s path=%s",
        event.action,
        event.outcome,
        event.username or "-",
        event.object_type or "-",
        event.object_id or "-",
        event.path or "-",
    )
    return event


# --- sign-in events -------------------------------------------------------------------------------------------------


def _login_method(user) -> str:
    backend = getattr(user, "backend", "") or ""
    return "sso" if "oidc" in backend.lower() else "local"


@receiver(user_logged_in, dispatch_uid="vk_audit_login")
def _on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        from .middleware import start_session_clock

        start_session_clock(request)
    record(action=Action.LOGIN, request=request, user=user, detail=_login_method(user))


@receiver(user_logged_out, dispatch_uid="vk_audit_logout")
def _on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "_vk_logout_reason", "") if request is not None else ""
    if reason:
        record(action=Action.SESSION_ENDED, request=request, user=user, detail=reason)
    else:
        record(action=Action.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="vk_audit_login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username") or ""
    is_sso = "nonce" in (credentials or {}) or "code_verifier" in (credentials or {})
    detail = "sso" if is_sso else "local"
    reason = getattr(request, "_vk_sso_failure", "") if request is not None else ""
    if reason:
        detail = f"{detail}: {reason}"
        username = username or getattr(request, "_vk_sso_username", "")
    if request is not None and getattr(request, "axes_locked_out", False):
        detail = f"{detail}: locked out"
    # Link the attempt to the account it was aimed at, so its owner can see it among "my entries": a password
    # attempt by the name typed, a single sign-on only by the provider's subject (never a local account's name).
    target = getattr(request, "_vk_sso_user", None) if is_sso else _user_named(username)
    record(
        action=Action.LOGIN_FAILED,
        outcome=Outcome.FAILURE,
        request=request,
        user=target,
        username=username,
        detail=detail,
    )


def _user_named(username: str):
    if not username:
        return None
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()


def _on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    record(
        action=Action.LOCKED_OUT,
        outcome=Outcome.REFUSED,
        request=request,
        user=_user_named(username or ""),
        username=username or "",
        detail=f"address {ip_address}" if ip_address else "",
    )


def connect_axes_signals():
    from axes.signals import user_locked_out

    user_locked_out.connect(_on_locked_out, dispatch_uid="vk_audit_locked_out")
