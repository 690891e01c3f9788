"""Session policy and refused-access auditing.

`SessionPolicyMiddleware` ends a session
- at once when its user has been disabled (`is_active` is checked on every request, so no session outlives it),
- after `SESSION_IDLE_TIMEOUT_SECONDS` without a request (inactivity timeout),
- `SESSION_ABSOLUTE_TIMEOUT_SECONDS` after sign-in, however active (absolute timeout).

`RefusedAccessAuditMiddleware` writes an audit entry for every refused authorization: a scoped lookup that found the
object outside the user's lane (`departments.access.ScopedNotFound`) and every 403 answer. It runs after the view's
own transaction has ended, so the entry is kept even when the view's work is rolled back. Whether a scoped 404 was
"not yours" or "does not exist" is looked up, and recorded (both), only after the answer has been sent, so that
neither the answer nor its timing tells the two apart.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, get_user_model, logout
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _

from . import audit
from .access import ScopedNotFound
from .models import AuditEvent
from .oidc import end_session_url

logger = logging.getLogger("vaelgklogt.audit")

SESSION_STARTED = "vk_session_started"
SESSION_LAST_SEEN = "vk_session_last_seen"
# The last-seen stamp is rewritten at most this often, so an active session is not written on every request.
LAST_SEEN_RESOLUTION_SECONDS = 30


def start_session_clock(request) -> None:
    now = int(time.time())
    request.session[SESSION_STARTED] = now
    request.session[SESSION_LAST_SEEN] = now


def _end_session(request, reason: str, message: str):
    request._vk_logout_reason = reason
    logout(request)  # flushes the session row and sends user_logged_out (audited with the reason)
    messages.warning(request, message)
    login_url = resolve_url(settings.LOGIN_URL)
    if request.method == "GET" and not getattr(request, "htmx", False):
        login_url = f"{login_url}?{urlencode({'next': request.get_full_path()})}"
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = login_url
        return response
    return redirect(login_url)


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ended = self._check(request, user)
            if ended is not None:
                return ended
        elif user is not None and SESSION_KEY in request.session:
            # The session names a user who can no longer sign in (disabled or deleted): the backend already
            # refused them; end the session itself and leave a trace.
            return self._end_orphaned(request)
        return self.get_response(request)

    def _end_orphaned(self, request):
        User = get_user_model()
        former = User._default_manager.filter(pk=request.session.get(SESSION_KEY)).first()
        request.session.flush()
        audit.record(action=audit.Action.SESSION_ENDED, request=request, user=former, detail="user disabled")
        messages.warning(request, _("Din bruger er deaktiveret. Kontakt KDK."))
        login_url = resolve_url(settings.LOGIN_URL)
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login_url
            return response
        return redirect(login_url)

    def _check(self, request, user):
        if not user.is_active:
            return _end_session(request, "user disabled", _("Din bruger er deaktiveret. Kontakt KDK."))
        now = int(time.time())
        session = request.session
        started = session.get(SESSION_STARTED)
        last_seen = session.get(SESSION_LAST_SEEN)
        if started is None or last_seen is None:
            # A session from before this policy (or a test's force_login): start the clocks now.
            start_session_clock(request)
            return None
        if now - started > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS:
            return _end_session(
                request, "absolute timeout", _("Du er blevet logget ud, fordi din session var udløbet. Log ind igen.")
            )
        if now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS:
            return _end_session(
                request,
                "inactivity timeout",
                _("Du er blevet logget ud efter en periode uden aktivitet. Log ind igen."),
            )
        if now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS:
            session[SESSION_LAST_SEEN] = now
        return None


#: Views whose successful answers are audited here, by URL name: the export and the report download
#: (reports app). The object is the URL's `pk` when there is one.
AUDITED_VIEWS = {
    "reports:download": (audit.Action.REPORT_DOWNLOAD, "reports.Report"),
    "reports:export_status": (audit.Action.EXPORT, ""),
}


def _record_audited_view(request, response) -> None:
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in AUDITED_VIEWS or response.status_code != 200:
        return
    if getattr(request, "_vk_audited", False):  # the view recorded it itself
        return
    action, object_type = AUDITED_VIEWS[match.view_name]
    pk = match.kwargs.get("pk", "")
    detail = " ".join(f"{k}={v}" for k, v in sorted(match.kwargs.items()) if k != "pk")
    query = request.GET.urlencode()
    audit.record(
        action=action,
        request=request,
        object_type=object_type if pk else "",
        object_id=pk,
        detail=(f"{detail} {query}".strip())[:500],
    )


class RefusedAccessAuditMiddleware:
    """Audits refused authorizations, and the successful answers of the views in AUDITED_VIEWS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        _record_audited_view(request, response)
        if response.status_code == 403 and not getattr(request, "_vk_refusal_recorded", False):
            audit.record(
                action=audit.Action.ACCESS_REFUSED,
                outcome=audit.Outcome.REFUSED,
                request=request,
                detail="403",
            )
        not_found = getattr(request, "_vk_scoped_not_found", None)
        if not_found is not None:
            # Run when the server closes the response, after the last byte has gone out (Django calls its
            # resource closers then, before request_finished): the existence check and the entry cost time that
            # an answer for an object of another department must not take longer than one for no object at all.
            response._resource_closers.append(lambda: _record_scoped_not_found(request, not_found))
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, ScopedNotFound):
            request._vk_scoped_not_found = exception
        return None


def _record_scoped_not_found(request, exception: ScopedNotFound) -> None:
    """The audit entry for a 404 from a scoped lookup, for KDK's log: an object outside the user's scope (a refused
    authorization) or no object at all. Both are written, so that both cost the same also after the answer (the
    next request on a kept-alive connection waits for this work); Min log shows neither."""
    try:
        outside = exception.exists_elsewhere()
        audit.record(
            action=audit.Action.ACCESS_REFUSED,
            outcome=audit.Outcome.REFUSED,
            request=request,
            object_type=exception.model._meta.label,
            object_id=exception.object_id,
            detail=AuditEvent.SCOPED_NOT_FOUND if outside else AuditEvent.NOT_FOUND,
        )
    except Exception:  # the answer has gone; a failure here must not reach the server
        logger.exception("could not audit a refused lookup of %s", exception.model._meta.label)


class RequestSizeLimitMiddleware:
    """Refuses a request whose body is larger than `VAELGKLOGT_MAX_REQUEST_BYTES` (the largest import file plus room
    for the form's other fields) with 413 and a Danish page, from its Content-Length header, before any of the body
    is read. (Django reads nothing of a body without Content-Length.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.VAELGKLOGT_MAX_REQUEST_BYTES:
            context = {"size": length, "max_bytes": settings.VAELGKLOGT_IMPORT_MAX_BYTES}
            return render(request, "413.html", context, status=413)
        return self.get_response(request)


class SingleSignOutMiddleware:
    """Signing out of a single sign-on session continues at the identity provider's end-session endpoint
    (`OIDC_OP_END_SESSION_ENDPOINT`), which sends the browser back to the login page. Otherwise the provider's own
    session lives on, and the next person at a shared PC who clicks the SSO button is signed straight back in as the
    previous user. Local (break-glass) sign-ins sign out here only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # Read before the view runs: a sign-out empties the session. None unless an SSO session and an endpoint.
        end_session = end_session_url(request) if request.method == "POST" and user and user.is_authenticated else None
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            end_session
            and match is not None
            and match.view_name == "logout"
            and response.status_code in (301, 302, 303)
            and not request.user.is_authenticated
        ):
            response["Location"] = end_session  # the same answer otherwise: its cookies end the session here
        return response


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in: the Danish lockout page (HTTP 429)."""
    from axes.helpers import get_client_username, get_cool_off

    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    context = {"username": get_client_username(request, credentials) or "", "minutes": minutes}
    return render(request, "registration/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
