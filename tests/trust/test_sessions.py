"""Inactivity and absolute session timeouts, and the end of a disabled user's sessions."""

import time

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse

from departments.middleware import SESSION_LAST_SEEN, SESSION_STARTED
from departments.models import AuditEvent


def _signed_in(client, user):
    client.force_login(user)
    assert client.get(reverse("dashboards:start")).status_code == 200  # starts the session clocks
    return client


def _shift(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"started": SESSION_STARTED, "last_seen": SESSION_LAST_SEEN}[key]] = now - ago
    session.save()


def _is_signed_out(client):
    response = client.get(reverse("dashboards:start"))
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def test_active_session_continues_and_last_seen_moves(client, noegle, settings):
    _signed_in(client, noegle)
    _shift(client, last_seen=settings.SESSION_IDLE_TIMEOUT_SECONDS - 60)

    assert client.get(reverse("dashboards:start")).status_code == 200
    assert int(time.time()) - client.session[SESSION_LAST_SEEN] < 5


def test_inactivity_timeout_ends_session(client, noegle, settings):
    _signed_in(client, noegle)
    _shift(client, last_seen=settings.SESSION_IDLE_TIMEOUT_SECONDS + 1)

    response = client.get(reverse("dashboards:start"))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=%2F"
    assert SESSION_KEY not in client.session
    ended = AuditEvent.objects.get(action=AuditEvent.Action.SESSION_ENDED)
    assert (ended.user, ended.detail) == (noegle, "inactivity timeout")
    page = client.get(response.url).content.decode()
    assert "Du er blevet logget ud efter en periode uden aktivitet" in page


def test_absolute_timeout_ends_even_an_active_session(client, noegle, settings):
    _signed_in(client, noegle)
    _shift(client, started=settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS + 1, last_seen=10)

    assert _is_signed_out(client)
    assert AuditEvent.objects.get(action=AuditEvent.Action.SESSION_ENDED).detail == "absolute timeout"


def test_timeout_on_htmx_request_redirects_the_whole_page(client, noegle, settings):
    _signed_in(client, noegle)
    _shift(client, last_seen=settings.SESSION_IDLE_TIMEOUT_SECONDS + 1)

    response = client.get(reverse("dashboards:start"), HTTP_HX_REQUEST="true")

    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("login")


def test_cookie_lifetime_is_the_absolute_timeout(settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_disabled_users_sessions_end_at_once_in_every_browser(client, noegle, django_user_model):
    from django.test import Client

    other_browser = _signed_in(Client(), noegle)
    _signed_in(client, noegle)
    keys = {client.session.session_key, other_browser.session.session_key}

    django_user_model.objects.filter(pk=noegle.pk).update(is_active=False)

    assert _is_signed_out(client)
    assert _is_signed_out(other_browser)
    assert not Session.objects.filter(session_key__in=keys).exists()
    ended = AuditEvent.objects.filter(action=AuditEvent.Action.SESSION_ENDED)
    assert [(e.user, e.detail) for e in ended] == [(noegle, "user disabled")] * 2
    page = client.get(reverse("login")).content.decode()
    assert "Din bruger er deaktiveret" in page


def test_disabled_user_cannot_sign_in_again(client, noegle, django_user_model):
    django_user_model.objects.filter(pk=noegle.pk).update(is_active=False)
    response = client.post(reverse("login"), {"username": "noegle", "password": "pw"})
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
