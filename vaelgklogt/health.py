"""Liveness and readiness probes for the load balancer and docker-compose.

The probes answer anyone, so they name only the part that failed; the reason (with hosts and ports) goes to the log.
"""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

BROKER_TIMEOUT_SECONDS = 2

logger = logging.getLogger("vaelgklogt.health")


@require_GET
@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means "not ready"; the reason goes to the log, not to the caller
        logger.warning("readiness: the database does not answer", exc_info=True)
        return False
    return True


def _check_broker() -> bool:
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT_SECONDS) as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception:
        logger.warning("readiness: the broker does not answer", exc_info=True)
        return False
    return True


@require_GET
@never_cache
def readyz(request):
    checks = {"database": _check_database()}
    if settings.CELERY_BROKER_URL:
        checks["broker"] = _check_broker()
    failing = [name for name, ok in checks.items() if not ok]
    body = {
        "status": "ok" if not failing else "unavailable",
        "checks": {name: ("ok" if ok else "unavailable") for name, ok in checks.items()},
        "failing": failing,
    }
    return JsonResponse(body, status=503 if failing else 200)
