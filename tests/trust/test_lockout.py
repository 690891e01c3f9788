"""Local accounts are the break-glass way in; django-axes locks a name out after repeated wrong passwords."""

import datetime as dt

from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from departments.models import AuditEvent


def _try(client, password, address="10.0.0.1", username="kdk"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_lockout_after_failure_limit_even_with_right_password(client, kdk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _try(client, "wrong").status_code == 200

    locked = _try(client, "wrong")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Log ind er midlertidigt spærret" in text
    assert f"Vent {settings.AXES_COOLOFF_TIME.seconds // 60} minutter, og prøv igen." in text

    right = _try(client, "pw")
    assert right.status_code == 429
    assert SESSION_KEY not in client.session

    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, user=kdk).count()
        == settings.AXES_FAILURE_LIMIT + 1
    )
    locked_event = AuditEvent.objects.filter(action=AuditEvent.Action.LOCKED_OUT).first()
    assert (locked_event.user, locked_event.outcome) == (kdk, "refused")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exists()


def test_lockout_is_per_name_and_address(client, kdk, noegle, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _try(client, "wrong", address="10.0.0.1")

    # The same account from another workstation still gets in (the break-glass account cannot be locked by anyone
    # typing its name elsewhere), and the locked address still gets in with another account.
    assert _try(client, "pw", address="10.0.0.2").status_code == 302
    client.logout()
    assert _try(client, "pw", address="10.0.0.1", username="noegle").status_code == 302


def test_lockout_ends_after_cool_off(client, kdk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _try(client, "wrong")
    assert _try(client, "pw").status_code == 429
    assert SESSION_KEY not in client.session  # locked: the right password signed nobody in

    AccessAttempt.objects.update(
        attempt_time=dt.datetime.now(dt.UTC) - settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=1)
    )

    response = _try(client, "pw")
    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == kdk.pk


def test_successful_sign_in_resets_the_count(client, kdk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _try(client, "wrong")
    assert _try(client, "pw").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _try(client, "wrong")
    assert _try(client, "pw").status_code == 302
