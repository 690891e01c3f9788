"""The API's documentation page (Swagger UI from our own static files) under the real Content Security Policy, and the
API-nøgler page: a token made there is shown once and works against the API."""

from __future__ import annotations

import requests

from departments.access import Role
from tests.factories import MembershipFactory, UserFactory

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def test_docs_page_renders_from_own_files_without_csp_violations(page, live_server, screenshot):
    page.context.add_init_script(LISTEN)
    foreign = []
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(live_server.url) else None)

    response = page.goto(f"{live_server.url}/api/v1/docs")
    page.get_by_text("Write many values of one month, all or nothing").wait_for(timeout=20_000)
    page.wait_for_load_state("networkidle")

    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.evaluate("window.__cspViolations") == []
    assert foreign == []  # no CDN
    assert page.console_errors == []
    screenshot("api-docs")


def test_person_makes_a_read_token_on_the_page_and_reads_with_it(page, live_server, screenshot, transactional_db):
    user = UserFactory(username="noegle_api", password="pw")
    MembershipFactory(user=user, role=Role.KEY_PERSON)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "noegle_api")
    page.fill("#id_password", "pw")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")

    page.click("text=API-nøgler")
    page.fill("#id_name", "Excel")
    page.click("text=Opret læsenøgle")
    token = page.input_value("#new-token")
    screenshot("api-tokens-new")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("api-tokens-new-mobile")

    answer = requests.get(f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 200
    assert answer.json()["token_name"] == "Excel"
    page.goto(f"{live_server.url}/api-noegler/")
    assert token not in page.content()  # shown once
