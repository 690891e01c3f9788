"""Production settings: `check --deploy` clean, HSTS, secure cookies, the CSP header, SSO refuses half a config."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def _run(code_or_args, **env):
    # A production-like environment: none of the test run's switches.
    test_only = ("OIDC_", "CSP_", "TESTING", "SECURE_", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if not k.startswith(test_only)}
    base.update({"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "vaelgklogt.example"})
    base.update(env)
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120)


SHOW_SETTINGS = (
    "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'vaelgklogt.settings'); django.setup();"
    "from django.conf import settings as s; print(getattr(s, 'CONTENT_SECURITY_POLICY', None) is not None,"
    " getattr(s, 'CONTENT_SECURITY_POLICY_REPORT_ONLY', None) is not None, s.OIDC_ENABLED,"
    " s.AUTHENTICATION_BACKENDS[-1])"
)


def test_check_deploy_is_clean_with_debug_off():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_defaults_enforce_csp_and_leave_sso_off():
    result = _run(SHOW_SETTINGS)
    assert result.stdout.split() == ["True", "False", "False", "departments.backends.PersonBackend"]


def test_csp_report_only_switch():
    assert _run(SHOW_SETTINGS, CSP_REPORT_ONLY="true").stdout.split()[:2] == ["False", "True"]


def test_sso_on_with_complete_configuration_adds_the_backend():
    result = _run(
        SHOW_SETTINGS,
        OIDC_RP_CLIENT_ID="vk",
        OIDC_RP_CLIENT_SECRET="s",
        OIDC_OP_AUTHORIZATION_ENDPOINT="https://login.example/authorize",
        OIDC_OP_TOKEN_ENDPOINT="https://login.example/token",
        OIDC_OP_JWKS_ENDPOINT="https://login.example/keys",
        OIDC_OP_ISSUER="https://login.example/v2.0",
    )
    assert result.stdout.split()[2:] == ["True", "departments.oidc.RoleMappingOIDCBackend"], result.stderr


def test_sso_half_configured_refuses_to_start():
    result = _run(SHOW_SETTINGS, OIDC_RP_CLIENT_ID="vk")
    assert result.returncode != 0
    assert "OIDC_OP_TOKEN_ENDPOINT" in result.stderr and "OIDC_OP_JWKS_ENDPOINT" in result.stderr
    assert "OIDC_OP_ISSUER" in result.stderr


def test_https_response_carries_hsts_and_secure_cookies(client, noegle, settings):
    response = client.post(reverse("login"), {"username": "noegle", "password": "pw"}, secure=True)

    assert response.status_code == 302
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["secure"] and session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_every_answer_carries_the_policy(client, db):
    for url in (reverse("login"), reverse("healthz"), "/does-not-exist/"):
        header = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in header and "'unsafe-eval'" not in header


def test_every_environment_variable_is_documented_in_env_example():
    import re

    settings_source = (ROOT / "vaelgklogt" / "settings.py").read_text()
    read = set(re.findall(r"env_(?:str|bool|int|list)\(\s*\"([A-Z0-9_]+)\"", settings_source))
    documented = set(re.findall(r"^#?\s*([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), flags=re.M))
    assert read - documented == set()
