"""Single sign-on against a stub identity provider on a real local port (the only thing not ours is faked)."""

from urllib.parse import urlparse

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import SESSION_KEY, get_user_model
from django.urls import reverse

from departments.access import Role
from departments.models import AuditEvent, Membership, SingleSignOnIdentity
from departments.oidc import Grant, claim_values, grants_from_claim

from .stub_idp import StubIdentityProvider

User = get_user_model()


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


def sign_in_via_idp(client, idp, claims):
    idp.next_claims = claims
    response = client.get(reverse("oidc_authentication_init"))
    assert response.status_code == 302
    assert response.url.startswith(idp.base_url + "/authorize")
    at_idp = requests.get(response.url, allow_redirects=False, timeout=5)
    assert at_idp.status_code == 302
    callback = urlparse(at_idp.headers["Location"])
    assert callback.path == reverse("oidc_authentication_callback")
    return client.get(f"{callback.path}?{callback.query}")


def signed_in_user(client):
    user_id = client.session.get(SESSION_KEY)
    return User.objects.get(pk=user_id) if user_id else None


def roles_of(user):
    return sorted(
        (m.role, m.department.code if m.department_id else None) for m in Membership.objects.filter(user=user)
    )


CLAIMS = {
    "sub": "entra-oid-0001",
    "preferred_username": "anne.noegle@regionsjaelland.example",
    "email": "anne.noegle@regionsjaelland.example",
    "given_name": "Anne",
    "family_name": "Nøgle",
}


# --- claim mapping (pure) -------------------------------------------------------------------------------------------


def test_grants_from_claim_maps_every_documented_value_and_ignores_the_rest():
    grants, ignored = grants_from_claim(
        ["vk.kdk", "VK.Direktion", "vk.leder:ORT", "vk.noegle:med", "vk.noegle:", "other.app", "vk.admin"]
    )
    assert grants == {
        Grant(Role.KDK),
        Grant(Role.HOSPITAL_MANAGEMENT),
        Grant(Role.MANAGEMENT, "ort"),
        Grant(Role.KEY_PERSON, "med"),
    }
    assert ignored == ["vk.noegle:", "other.app", "vk.admin"]


def test_claim_values_accepts_list_or_separated_string_and_nothing_else():
    assert claim_values({"roles": ["vk.kdk", 3, None]}, "roles") == ["vk.kdk", "3"]
    assert claim_values({"roles": "vk.kdk vk.leder:ort,vk.noegle:med"}, "roles") == [
        "vk.kdk",
        "vk.leder:ort",
        "vk.noegle:med",
    ]
    assert claim_values({"roles": {"x": 1}}, "roles") == []
    assert claim_values({}, "roles") == []


# --- the whole flow -------------------------------------------------------------------------------------------------


def test_sso_off_hides_button_and_endpoints(client, db):
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback"), {"code": "x", "state": "y"}).status_code == 404
    page = client.get(reverse("login")).content.decode()
    assert "sso-button" not in page


def test_sso_on_shows_button_and_keeps_local_login_as_break_glass(client, sso, db):
    page = client.get(reverse("login")).content.decode()
    assert "sso-button" in page
    assert "Log ind med lokal konto (nødadgang)" in page
    assert 'name="password"' in page


def test_first_sign_in_creates_user_with_roles_from_claim(client, sso, home, away):
    response = sign_in_via_idp(client, sso, {**CLAIMS, "roles": ["vk.noegle:ORT", "unrelated.role"]})

    assert response.status_code == 302 and response.url == reverse("dashboards:start")
    user = signed_in_user(client)
    assert user.username == CLAIMS["preferred_username"]
    assert (user.first_name, user.last_name) == ("Anne", "Nøgle")
    assert not user.has_usable_password()
    assert SingleSignOnIdentity.objects.get(user=user).subject == CLAIMS["sub"]
    assert roles_of(user) == [(Role.KEY_PERSON, "ort")]
    login = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert (login.user, login.outcome, login.detail) == (user, "success", "sso")
    # The start page now shows the user's own department only.
    text = client.get(reverse("dashboards:start")).content.decode()
    assert home.name in text and away.name not in text
    # The tokens went through the real HTTP endpoints, PKCE included.
    assert {"POST /token", "GET /jwks", "GET /userinfo"} <= set(sso.requests)


def test_next_sign_in_replaces_roles_with_the_claimed_ones(client, sso, home, away):
    sign_in_via_idp(client, sso, {**CLAIMS, "roles": ["vk.noegle:ort"]})
    client.logout()

    sign_in_via_idp(client, sso, {**CLAIMS, "roles": ["vk.leder:med", "vk.kdk"]})

    user = signed_in_user(client)
    assert User.objects.filter(sso_identity__subject=CLAIMS["sub"]).count() == 1
    assert roles_of(user) == [(Role.KDK, None), (Role.MANAGEMENT, "med")]
    assert user.is_staff and user.is_superuser
    changed = AuditEvent.objects.filter(action=AuditEvent.Action.ROLES_CHANGED, user=user).first()
    assert "kdk" in changed.detail and "management:med" in changed.detail


def test_direktion_claim_gives_hospital_group_view(client, sso, home, away):
    sign_in_via_idp(client, sso, {**CLAIMS, "roles": ["vk.direktion"]})
    user = signed_in_user(client)
    assert roles_of(user) == [(Role.HOSPITAL_MANAGEMENT, None)]
    assert not user.is_staff
    text = client.get(reverse("dashboards:start")).content.decode()
    assert home.name in text and away.name in text


def test_user_without_a_valid_role_is_refused_and_loses_old_roles(client, sso, home):
    sign_in_via_idp(client, sso, {**CLAIMS, "roles": ["vk.noegle:ort"]})
    user = signed_in_user(client)
    client.logout()

    response = sign_in_via_idp(client, sso, {**CLAIMS, "roles": ["vk.noegle:unknown-dept", "something.else"]})

    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert signed_in_user(client) is None
    assert roles_of(user) == []
    failed = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).get()
    assert failed.outcome == "failure" and "sso" in failed.detail
    assert failed.username == CLAIMS["preferred_username"]
    page = client.get(response.url).content.decode()
    assert "Log ind med single sign-on lykkedes ikke" in page


def test_sso_cannot_take_over_a_local_break_glass_account(client, sso, home, kdk):
    response = sign_in_via_idp(
        client, sso, {**CLAIMS, "sub": "other-oid", "preferred_username": "kdk", "roles": ["vk.noegle:ort"]}
    )

    assert response.status_code == 302
    user = signed_in_user(client)
    assert user != kdk and user.username == "kdk-2"
    assert roles_of(kdk) == [(Role.KDK, None)]


def test_token_signed_by_another_key_is_refused_without_server_error(client, sso, home):
    sso.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    response = sign_in_via_idp(client, sso, {**CLAIMS, "roles": ["vk.noegle:ort"]})

    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert signed_in_user(client) is None
    assert not User.objects.filter(sso_identity__subject=CLAIMS["sub"]).exists()
    failed = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert "SuspiciousOperation" in failed.detail


def test_identity_provider_error_is_a_refused_sign_in_not_a_crash(client, sso, home):
    sso.fail_token_endpoint = True

    response = sign_in_via_idp(client, sso, {**CLAIMS, "roles": ["vk.noegle:ort"]})

    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert signed_in_user(client) is None
    assert "HTTPError" in AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED).detail


def test_replayed_callback_is_refused(client, sso, home):
    sso.next_claims = {**CLAIMS, "roles": ["vk.noegle:ort"]}
    start = client.get(reverse("oidc_authentication_init"))
    callback = urlparse(requests.get(start.url, allow_redirects=False, timeout=5).headers["Location"])
    first = client.get(f"{callback.path}?{callback.query}")
    assert first.status_code == 302 and signed_in_user(client) is not None
    client.logout()

    again = client.get(f"{callback.path}?{callback.query}")

    assert again.status_code == 302 and again.url.startswith(reverse("login"))
    assert signed_in_user(client) is None


def test_disabled_sso_user_cannot_sign_in(client, sso, home):
    sign_in_via_idp(client, sso, {**CLAIMS, "roles": ["vk.noegle:ort"]})
    user = signed_in_user(client)
    client.logout()
    User.objects.filter(pk=user.pk).update(is_active=False)

    response = sign_in_via_idp(client, sso, {**CLAIMS, "roles": ["vk.noegle:ort"]})

    assert response.url.startswith(reverse("login"))
    assert signed_in_user(client) is None
