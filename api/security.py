"""Bearer tokens, the request-rate limit per token and the body-size limit: what runs before every endpoint.

No session, no CSRF: the API reads only `Authorization: Bearer …`; a signed-in browser without a token gets 401.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from ninja.security import HttpBearer

from departments import audit

from .problems import Problem, Text
from .tokens import token_authenticate

_REFUSALS = {
    "missing": Text("Send en API-nøgle: Authorization: Bearer vk_…", "Send an API token: Authorization: Bearer vk_…"),
    "malformed": Text("API-nøglen har ikke den rigtige form.", "The API token is malformed."),
    "unknown": Text("API-nøglen findes ikke.", "Unknown API token."),
    "expired": Text("API-nøglen er udløbet.", "The API token has expired."),
    "revoked": Text("API-nøglen er tilbagekaldt.", "The API token has been revoked."),
    "inactive": Text("Nøglens ejer er deaktiveret.", "The token's owner is disabled."),
}


def _refuse(request, reason: str, token=None):
    audit.record(
        action=audit.Action.ACCESS_REFUSED,
        outcome=audit.Outcome.REFUSED,
        request=request,
        user=token.user if token is not None else None,
        obj=token,
        detail=f"401: api token {reason}",
    )
    request._vk_refusal_recorded = True
    raise Problem("unauthorized", detail=_REFUSALS[reason])


def check_body_size(request) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.VAELGKLOGT_API_MAX_BODY_BYTES
    if length > limit:
        raise Problem(
            "too-large",
            detail=Text(
                f"Forespørgslen fylder {length} byte; højst {limit} byte. Del værdierne op i flere forespørgsler.",
                f"The request has {length} bytes; at most {limit} bytes. Split the values over several requests.",
            ),
        )


def check_rate(request, token) -> None:
    """At most VAELGKLOGT_API_RATE_PER_MINUTE requests per token per minute window, counted in Django's cache
    (shared by every process when CACHE_URL is set). The key holds the token's prefix, never its id."""
    limit = settings.VAELGKLOGT_API_RATE_PER_MINUTE
    if limit <= 0:
        return
    now = time.time()
    window = int(now // 60)
    key = f"vk:api:rate:{token.prefix}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=120)
        count = 1
    if count > limit:
        retry = max(1, int(60 - now % 60))
        if count == limit + 1:  # one audit entry per token and window, not one per refused request
            audit.record(
                action=audit.Action.ACCESS_REFUSED,
                outcome=audit.Outcome.REFUSED,
                request=request,
                user=token.user,
                obj=token,
                detail="429: api rate limit",
            )
        request._vk_refusal_recorded = True
        raise Problem(
            "rate-limited",
            detail=Text(
                f"Højst {limit} forespørgsler i minuttet pr. nøgle. Prøv igen om {retry} sekunder.",
                f"At most {limit} requests a minute per token. Try again in {retry} seconds.",
            ),
            headers={"Retry-After": str(retry)},
        )


class TokenAuth(HttpBearer):
    """Authorization: Bearer vk_…; the request then acts as the token's owner (`request.user`)."""

    def __call__(self, request):
        check_body_size(request)
        header = request.headers.get("Authorization", "")
        scheme, _space, raw = header.partition(" ")
        if not header:
            _refuse(request, "missing")
        if scheme.lower() != "bearer":
            _refuse(request, "malformed")
        return self.authenticate(request, raw.strip())

    def authenticate(self, request, token):
        found = token_authenticate(token)
        if found.refusal:
            _refuse(request, found.refusal, found.token)
        request.user = found.token.user
        request.api_token = found.token
        check_rate(request, found.token)
        return found.token


def require_write(request) -> None:
    if not request.api_token.may_write:
        audit.record(
            action=audit.Action.ACCESS_REFUSED,
            outcome=audit.Outcome.REFUSED,
            request=request,
            obj=request.api_token,
            detail="403: read-only api token",
        )
        request._vk_refusal_recorded = True
        raise Problem(
            "insufficient-scope",
            detail=Text(
                "Nøglen har kun læseadgang. Bed KDK om en nøgle med skriveadgang.",
                "The token may only read. Ask KDK for a token that may write values.",
            ),
        )
