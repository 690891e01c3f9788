"""Tokens and integrations: shown once and stored hashed, created by KDK (page and command) or by a person for
themselves (read only), revoked at once; an integration never signs in with a password and gets no e-mails."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from api.models import ApiToken
from api.tokens import integration_create, token_create, token_revoke
from departments.access import is_system_user
from departments.models import AuditEvent, Membership

from .conftest import ApiClient


def test_token_is_stored_only_as_its_hash(noegle):
    token, raw = token_create(owner=noegle, scope="read", name="Power BI", days=30, by=noegle)

    assert raw.startswith(f"vk_{token.prefix}_")
    assert token.secret_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.values_list().get())


def test_person_may_create_a_read_token_for_themselves_only(noegle, leder):
    with pytest.raises(PermissionDenied):
        token_create(owner=noegle, scope="write", name="x", by=noegle)
    with pytest.raises(PermissionDenied):
        token_create(owner=leder, scope="read", name="x", by=noegle)
    assert ApiToken.objects.count() == 0


def test_kdk_creates_integration_and_its_write_token(kdk, home):
    integration = integration_create(username="dwh-ort", description="DWH", departments=[home], by=kdk)
    token, _raw = token_create(owner=integration, scope="write", name="Månedlig kørsel", by=kdk)

    assert is_system_user(integration)
    assert not integration.has_usable_password() and integration.email == ""
    assert list(Membership.objects.filter(user=integration).values_list("role", "department")) == [
        ("key_person", home.pk)
    ]
    assert token.scope == "write"
    assert AuditEvent.objects.filter(action="integration_created", user=kdk).exists()
    assert AuditEvent.objects.filter(action="api_token_created", user=kdk).exists()


def test_only_kdk_creates_integrations(leder, home):
    with pytest.raises(PermissionDenied):
        integration_create(username="dwh-x", description="", departments=[home], by=leder)


def test_integration_needs_departments_or_hospital_wide(kdk):
    with pytest.raises(ValidationError) as refused:
        integration_create(username="dwh-x", description="", departments=[], by=kdk)
    assert "departments" in refused.value.message_dict


def test_integration_cannot_sign_in_with_a_password_even_if_one_is_set(kdk, home, client):
    integration = integration_create(username="dwh-ort", description="", departments=[home], by=kdk)
    integration.set_password("a-long-password-123")
    integration.save()

    assert authenticate(RequestFactory().post("/login/"), username="dwh-ort", password="a-long-password-123") is None
    response = client.post("/login/", {"username": "dwh-ort", "password": "a-long-password-123"})
    assert response.status_code == 200  # the login form again
    assert "_auth_user_id" not in client.session


def test_integration_gets_no_reminder(kdk, home, noegle, settings):
    from reports.schedules import send_missing_value_reminders
    from tests.factories import MeasureFactory

    integration = integration_create(username="dwh-ort", description="", departments=[home], by=kdk)
    integration.email = "dwh@example.invalid"
    integration.save()
    noegle.email = "noegle@example.invalid"
    noegle.save()
    MeasureFactory(initiative__department=home)

    send_missing_value_reminders()

    recipients = {address for message in mail.outbox for address in message.to}
    assert "dwh@example.invalid" not in recipients
    assert "noegle@example.invalid" in recipients


def test_revoked_token_is_refused_at_once(noegle, measures):
    token, raw = token_create(owner=noegle, scope="read", name="x", by=noegle)
    client = ApiClient(raw)
    assert client.get("/api/v1/me").status_code == 200

    token_revoke(token=token, by=noegle)

    assert client.get("/api/v1/me").status_code == 401


def test_another_person_cannot_revoke_my_token(noegle, leder):
    token, _raw = token_create(owner=noegle, scope="read", name="x", by=noegle)
    with pytest.raises(PermissionDenied):
        token_revoke(token=token, by=leder)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_command_prints_a_new_token(feed):
    out, err = io.StringIO(), io.StringIO()

    call_command("create_api_token", user="dwh-ort", scope="write", name="DWH", days=10, stdout=out, stderr=err)

    raw = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert raw.startswith(f"vk_{token.prefix}_")
    assert (token.user, token.scope, token.name) == (feed, "write", "DWH")
    assert ApiClient(raw).get("/api/v1/me").json()["system"] is True


def test_command_refuses_write_for_a_user_who_may_write_nowhere(direktion):
    with pytest.raises(CommandError, match="scope"):
        call_command("create_api_token", user="direktion", scope="write", stdout=io.StringIO(), stderr=io.StringIO())
    assert ApiToken.objects.count() == 0


# --- the page ---------------------------------------------------------------------------------------------------


def test_person_creates_own_read_token_on_the_page_and_sees_it_once(client, noegle):
    client.force_login(noegle)

    created = client.post("/api-noegler/", {"action": "own", "name": "Excel", "days": 30})
    again = client.get("/api-noegler/")

    token = ApiToken.objects.get()
    assert (token.user, token.scope, token.name) == (noegle, "read", "Excel")
    page = created.content.decode()
    assert f"vk_{token.prefix}_" in page
    assert f"vk_{token.prefix}_" not in again.content.decode()
    assert f"{token.prefix}…" in again.content.decode()


def test_key_person_cannot_make_an_integration_token_on_the_page(client, noegle, feed):
    client.force_login(noegle)
    response = client.post(
        "/api-noegler/", {"action": "integration_token", "owner": feed.pk, "scope": "write", "name": "x", "days": 5}
    )
    assert response.status_code == 403
    assert ApiToken.objects.count() == 0


def test_kdk_creates_integration_and_token_on_the_page(client, kdk, home):
    client.force_login(kdk)

    made = client.post(
        "/api-noegler/integration/", {"username": "dwh-ort", "description": "DWH", "departments": [home.pk]}
    )
    integration = Membership.objects.get(department=home).user
    created = client.post(
        "/api-noegler/",
        {"action": "integration_token", "owner": integration.pk, "scope": "write", "name": "DWH", "days": 365},
    )

    assert made.status_code == 302
    token = ApiToken.objects.get()
    assert (token.user, token.scope) == (integration, "write")
    assert f"vk_{token.prefix}_" in created.content.decode()


def test_bad_form_input_gets_a_danish_message_and_saves_nothing(client, kdk):
    client.force_login(kdk)
    response = client.post("/api-noegler/integration/", {"username": "X Y", "description": ""})
    assert response.status_code == 400
    assert "små bogstaver" in response.content.decode()
    assert not Membership.objects.exclude(user=kdk).exists()


def test_revoke_on_the_page(client, noegle):
    token, _raw = token_create(owner=noegle, scope="read", name="x", by=noegle)
    client.force_login(noegle)
    response = client.post(f"/api-noegler/{token.pk}/tilbagekald/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == noegle
