"""Behind the reverse proxy (issue 18, finding 2): the lockout and the audit trail use the client's address from the
trusted proxy hop, never the proxy's own address and never what the client wrote into X-Forwarded-For itself."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import RequestFactory
from django.urls import reverse

from departments.audit import client_address
from departments.models import AuditEvent

PROXY = "10.0.0.254"
ATTACKER = "203.0.113.7"
COLLEAGUE = "10.20.30.40"


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def sign_in(client, password, forwarded_for, username="kdk"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_forwarded_request_locks_the_forwarded_address_not_the_proxy(client, kdk, settings, behind_one_proxy):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong", forwarded_for=ATTACKER)

    locked = sign_in(client, "pw", forwarded_for=ATTACKER)
    assert locked.status_code == 429
    assert SESSION_KEY not in client.session
    assert list(AccessAttempt.objects.values_list("ip_address", "username")) == [(ATTACKER, "kdk")]

    # The break-glass account still opens for a colleague behind the same proxy.
    colleague = sign_in(client, "pw", forwarded_for=COLLEAGUE)
    assert colleague.status_code == 302
    assert int(client.session[SESSION_KEY]) == kdk.pk

    failed = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED)
    assert set(failed.values_list("ip_address", flat=True)) == {ATTACKER}
    lockouts = AuditEvent.objects.filter(action=AuditEvent.Action.LOCKED_OUT)
    assert lockouts.exists() and set(lockouts.values_list("ip_address", flat=True)) == {ATTACKER}
    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN).ip_address == COLLEAGUE
    assert not AuditEvent.objects.filter(ip_address=PROXY).exists()


def test_addresses_the_client_wrote_itself_do_not_dodge_the_lockout(client, kdk, settings, behind_one_proxy):
    # The client puts a new address in front each time; the proxy appends the real one.
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong", forwarded_for=f"198.51.100.{n}, {ATTACKER}")

    assert sign_in(client, "pw", forwarded_for=f"198.51.100.99, {ATTACKER}").status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [ATTACKER]
    assert SESSION_KEY not in client.session


def test_without_trusted_proxies_the_header_is_ignored(client, kdk, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong", forwarded_for=ATTACKER)

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [PROXY]
    assert set(AuditEvent.objects.values_list("ip_address", flat=True)) == {PROXY}


@pytest.mark.parametrize(
    ("hops", "meta", "expected"),
    [
        (1, {"HTTP_X_FORWARDED_FOR": "10.9.8.7"}, "10.9.8.7"),
        (1, {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 10.9.8.7"}, "10.9.8.7"),
        (2, {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 10.9.8.7, 10.0.0.2"}, "10.9.8.7"),
        (1, {"HTTP_X_FORWARDED_FOR": "10.9.8.7:51234"}, "10.9.8.7"),
        (1, {"HTTP_X_FORWARDED_FOR": "[2001:db8::7]:443"}, "2001:db8::7"),
        (1, {"HTTP_X_FORWARDED_FOR": "2001:db8::7"}, "2001:db8::7"),
        (1, {}, PROXY),  # not through the proxy (a probe inside the container network)
        (2, {"HTTP_X_FORWARDED_FOR": "10.9.8.7"}, PROXY),  # fewer hops than trusted
        (1, {"HTTP_X_FORWARDED_FOR": "unknown"}, PROXY),
        (0, {"HTTP_X_FORWARDED_FOR": "10.9.8.7"}, PROXY),
    ],
)
def test_client_address_takes_the_trusted_hop(settings, hops, meta, expected):
    settings.TRUSTED_PROXY_COUNT = hops
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, **meta)

    assert client_address(request) == expected
