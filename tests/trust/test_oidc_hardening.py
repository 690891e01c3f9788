"""Single sign-on against the stub provider (issue 18, finding 5): what a real provider showed was missing."""

from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import requests
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client
from django.urls import reverse

from departments.access import Role
from departments.models import AuditEvent, Membership, SingleSignOnIdentity

from .stub_idp import CLIENT_ID, StubIdentityProvider

User = get_user_model()
A = AuditEvent.Action
WARD_PC = "10.44.1.17"

CLAIMS = {
    "sub": "entra-oid-0042",
    "preferred_username": "bo.leder@regionsjaelland.example",
    "given_name": "Bo",
    "family_name": "Leder",
}


@pytest.fixture(scope="module")
def idp():
    provider = StubIdentityProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def sso(idp, settings):
    for name, value in idp.settings().items():
        setattr(settings, name, value)
    idp.reset()
    return idp


def start(client, idp, claims):
    idp.next_claims = claims
    response = client.get(reverse("oidc_authentication_init"), REMOTE_ADDR=WARD_PC)
    assert response.status_code == 302 and response.url.startswith(idp.base_url + "/authorize")
    at_idp = requests.get(response.url, allow_redirects=False, timeout=5)
    assert at_idp.status_code == 302
    return urlparse(at_idp.headers["Location"])


def sign_in(client, idp, claims):
    callback = start(client, idp, claims)
    return client.get(f"{callback.path}?{callback.query}", REMOTE_ADDR=WARD_PC)


def signed_in_user(client):
    user_id = client.session.get(SESSION_KEY)
    return User.objects.get(pk=user_id) if user_id else None


def roles_of(user):
    return sorted(
        (m.role, m.department.code if m.department_id else None) for m in Membership.objects.filter(user=user)
    )


def page_text(client, response) -> str:
    return client.get(response.url).content.decode()


# --- the password lockout --------------------------------------------------------------------------------------------


def test_five_refused_sso_sign_ins_do_not_lock_out_the_next_valid_one(client, sso, home, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        refused = sign_in(client, sso, {**CLAIMS, "roles": ["other.app"]})
        assert refused.url.startswith(reverse("login"))

    valid = sign_in(client, sso, {**CLAIMS, "roles": ["vk.leder:ort"]})

    assert valid.status_code == 302 and valid.url == reverse("dashboards:start")
    assert signed_in_user(client).sso_identity.subject == CLAIMS["sub"]
    assert not AccessAttempt.objects.exists()  # SSO never counted as a password attempt
    assert AuditEvent.objects.filter(action=A.LOGIN_FAILED).count() == settings.AXES_FAILURE_LIMIT


# --- signing out at the provider -------------------------------------------------------------------------------------


def test_sign_out_continues_at_the_providers_end_session_endpoint(client, sso, home):
    sign_in(client, sso, {**CLAIMS, "roles": ["vk.leder:ort"]})
    user = signed_in_user(client)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    target = urlparse(response.url)
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{sso.base_url}/logout"
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert query["post_logout_redirect_uri"] == "http://testserver/login/"
    assert query["client_id"] == CLIENT_ID
    hint = jwt.decode(query["id_token_hint"], sso.key.public_key(), algorithms=["RS256"], audience=CLIENT_ID)
    assert hint["sub"] == CLAIMS["sub"]
    assert signed_in_user(client) is None
    assert AuditEvent.objects.filter(action=A.LOGOUT, user=user).count() == 1
    # The provider ends its session and sends the browser back to the login page.
    back = requests.get(response.url, allow_redirects=False, timeout=5)
    assert back.headers["Location"] == "http://testserver/login/"
    assert [entry["id_token_hint"] for entry in sso.end_sessions] == [query["id_token_hint"]]


def test_local_sign_out_stays_here(client, sso, kdk):
    assert client.post(reverse("login"), {"username": "kdk", "password": "pw"}).status_code == 302

    response = client.post(reverse("logout"))

    assert response.url == reverse("login")
    assert sso.end_sessions == []


def test_without_end_session_endpoint_sign_out_stays_here(client, sso, home, settings):
    settings.OIDC_OP_END_SESSION_ENDPOINT = ""
    sign_in(client, sso, {**CLAIMS, "roles": ["vk.leder:ort"]})

    assert client.post(reverse("logout")).url == reverse("login")
    assert signed_in_user(client) is None


# --- the ID token ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "reason"),
    [
        ({"aud": "another-app"}, "audience"),
        ({"aud": ["another-app", "third-app"]}, "audience"),
        ({"aud": [CLIENT_ID, "another-app"], "azp": "another-app"}, "several audiences"),
        ({"iss": "https://evil.example/v2.0"}, "issuer"),
    ],
)
def test_id_token_for_another_audience_or_from_another_issuer_is_refused(client, sso, home, override, reason):
    sso.token_overrides = override

    response = sign_in(client, sso, {**CLAIMS, "roles": ["vk.leder:ort"]})

    assert response.url.startswith(reverse("login"))
    assert signed_in_user(client) is None
    assert not User.objects.filter(sso_identity__subject=CLAIMS["sub"]).exists()
    [failed] = AuditEvent.objects.filter(action=A.LOGIN_FAILED)
    assert "SuspiciousOperation" in failed.detail and reason in failed.detail


# --- who a refusal is about ------------------------------------------------------------------------------------------


def test_refusal_never_lands_in_the_log_of_a_local_user_with_the_same_name(client, sso, home, kdk):
    response = sign_in(client, sso, {**CLAIMS, "preferred_username": "kdk", "roles": ["something.else"]})

    assert response.url.startswith(reverse("login"))
    [failed] = AuditEvent.objects.filter(action=A.LOGIN_FAILED)
    assert (failed.user, failed.username) == (None, "kdk")
    assert not AuditEvent.objects.about(kdk).exists()


def test_refusal_of_a_known_sso_user_is_filed_under_that_user(client, sso, home, kdk):
    sign_in(client, sso, {**CLAIMS, "preferred_username": "kdk", "roles": ["vk.leder:ort"]})
    sso_user = signed_in_user(client)
    assert sso_user.username == "kdk-2"
    client.logout()

    sign_in(client, sso, {**CLAIMS, "preferred_username": "kdk", "roles": []})

    [failed] = AuditEvent.objects.filter(action=A.LOGIN_FAILED)
    assert failed.user == sso_user
    assert not AuditEvent.objects.about(kdk).exists()


def test_refused_user_is_not_created(client, sso, home):
    response = sign_in(client, sso, {**CLAIMS, "roles": ["vk.leder:no-such-dept", "vk.noegle:nor-this"]})

    assert response.url.startswith(reverse("login"))
    assert not User.objects.filter(username=CLAIMS["preferred_username"]).exists()
    assert not SingleSignOnIdentity.objects.exists()
    assert "Har du fået en rolle i Vælg Klogt?" in page_text(client, response)


def test_absent_roles_claim_is_refused_and_changes_no_membership(client, sso, home, settings):
    sign_in(client, sso, {**CLAIMS, "roles": ["vk.leder:ort", "vk.noegle:ort"]})
    user = signed_in_user(client)
    client.logout()
    before = roles_of(user)
    role_changes = AuditEvent.objects.filter(action=A.ROLES_CHANGED).count()
    # The provider now sends the roles in userinfo only, and the userinfo endpoint is not configured.
    sso.roles_in = "userinfo"
    settings.OIDC_OP_USER_ENDPOINT = ""

    response = sign_in(client, sso, {**CLAIMS, "roles": ["vk.noegle:ort"]})

    assert response.url.startswith(reverse("login"))
    assert signed_in_user(client) is None
    assert roles_of(user) == before == [(Role.KEY_PERSON, "ort"), (Role.MANAGEMENT, "ort")]
    assert AuditEvent.objects.filter(action=A.ROLES_CHANGED).count() == role_changes
    [failed] = AuditEvent.objects.filter(action=A.LOGIN_FAILED)
    assert failed.user == user and "no 'roles' claim" in failed.detail


def test_roles_from_userinfo_count_when_the_endpoint_is_configured(client, sso, home):
    sso.roles_in = "userinfo"

    sign_in(client, sso, {**CLAIMS, "roles": ["vk.noegle:ort"]})

    assert roles_of(signed_in_user(client)) == [(Role.KEY_PERSON, "ort")]


# --- what the audit trail keeps --------------------------------------------------------------------------------------


def test_audit_keeps_the_path_without_code_and_state_and_the_address_of_role_changes(client, sso, home):
    sign_in(client, sso, {**CLAIMS, "roles": ["vk.leder:ort"]})
    client.logout()
    sign_in(client, sso, {**CLAIMS, "roles": ["vk.noegle:ort"]})  # a role change
    client.logout()
    sign_in(client, sso, {**CLAIMS, "roles": ["other.app"]})  # a refusal

    events = AuditEvent.objects.exclude(action=A.LOGOUT)
    assert {e.action for e in events} == {A.LOGIN, A.ROLES_CHANGED, A.LOGIN_FAILED}
    assert {e.path for e in events} == {reverse("oidc_authentication_callback")}
    assert not [e for e in events if "code" in e.path or "state=" in e.path or "code=" in e.detail]
    assert {e.ip_address for e in events} == {WARD_PC}
    assert events.filter(action=A.ROLES_CHANGED).count() == 3  # granted, changed, withdrawn


def test_cancel_at_the_provider_is_audited_and_says_so(client, sso, home):
    sso.next_error = "access_denied"

    response = sign_in(client, sso, CLAIMS)

    assert response.url.startswith(reverse("login"))
    [failed] = AuditEvent.objects.filter(action=A.LOGIN_FAILED)
    assert failed.detail == "sso: the provider answered access_denied"
    assert (failed.ip_address, failed.path) == (WARD_PC, reverse("oidc_authentication_callback"))
    text = page_text(client, response)
    assert "Log ind med single sign-on blev afbrudt." in text
    assert "rolle" not in text


def test_callback_replayed_in_another_browser_is_audited(client, sso, home):
    callback = start(client, sso, {**CLAIMS, "roles": ["vk.leder:ort"]})
    other_browser = Client()

    response = other_browser.get(f"{callback.path}?{callback.query}", REMOTE_ADDR="10.99.0.1")

    assert response.url.startswith(reverse("login"))
    assert SESSION_KEY not in other_browser.session
    assert not User.objects.filter(sso_identity__subject=CLAIMS["sub"]).exists()
    [failed] = AuditEvent.objects.filter(action=A.LOGIN_FAILED)
    assert "unknown state" in failed.detail and failed.ip_address == "10.99.0.1"


def test_deactivated_users_sso_attempt_is_audited_and_changes_nothing(client, sso, home):
    sign_in(client, sso, {**CLAIMS, "roles": ["vk.leder:ort"]})
    user = signed_in_user(client)
    client.logout()
    User.objects.filter(pk=user.pk).update(is_active=False)

    response = sign_in(client, sso, {**CLAIMS, "roles": ["vk.kdk"]})

    assert signed_in_user(client) is None
    assert roles_of(user) == [(Role.MANAGEMENT, "ort")]
    [failed] = AuditEvent.objects.filter(action=A.LOGIN_FAILED)
    assert failed.user == user and "deactivated" in failed.detail
    assert "Din bruger er deaktiveret. Kontakt KDK." in page_text(client, response)


# --- token endpoint authentication -----------------------------------------------------------------------------------


def test_client_secret_basic_when_configured(client, sso, home, settings):
    settings.OIDC_TOKEN_USE_BASIC_AUTH = True
    sso.token_auth = "basic"

    response = sign_in(client, sso, {**CLAIMS, "roles": ["vk.leder:ort"]})

    assert response.url == reverse("dashboards:start")
    assert sso.token_auth_used == ["basic"]


def test_client_secret_post_is_refused_by_a_provider_that_requires_basic(client, sso, home):
    sso.token_auth = "basic"

    response = sign_in(client, sso, {**CLAIMS, "roles": ["vk.leder:ort"]})

    assert response.url.startswith(reverse("login"))
    assert sso.token_auth_used == ["post"]
    assert "HTTPError" in AuditEvent.objects.get(action=A.LOGIN_FAILED).detail
