"""Every page of the access matrix, visited in Chromium by every role under the real Content Security Policy:
zero CSP violations and zero console errors. Screenshots: screenshots/csp-<role>-<url name>.png."""

import pytest
from django.urls import reverse

from departments.models import Department
from tests.trust import url_matrix as m

# Collect violations from the page itself (the init script is injected by the browser, not subject to the CSP).
LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
});
"""

NOT_VISITED: set[str] = set()
ROLES = ["noegle", "leder", "udenfor", "direktion", "kdk"]
# Django admin pages KDK uses (outside the matrix, but under the same policy).
ADMIN_PAGES = ["admin:index", "admin:departments_department_changelist", "admin:departments_department_add"]


def _pages_for(role, cast):
    existing = {p.name for p in m.matrix_patterns()}
    for name, entry in sorted(m.MATRIX.items()):
        if name in existing and entry.page and entry.get[role] == m.OK:
            try:
                kwargs = entry.kwargs(cast) if entry.kwargs else {}
            except AttributeError:  # the demo data has no such object (e.g. no report built yet)
                NOT_VISITED.add(name)
                continue
            yield name, reverse(name, kwargs=kwargs)


def _visit(page, url):
    page.evaluate("window.__cspViolations = []") if page.url.startswith("http") else None
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    return response, page.evaluate("window.__cspViolations || []")


def test_policy_header_forbids_inline_script_and_eval(client, db):
    header = client.get(reverse("login"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "'unsafe-eval'" not in header
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_every_page_has_no_csp_violation_and_no_console_error(role, demo_data, login, page, live_server, screenshot):
    page.context.add_init_script(LISTEN)
    failed_resources = []
    page.on("response", lambda r: failed_resources.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    cast = m.add_board_link(
        m.Cast.for_departments(Department.objects.get(code="ort"), Department.objects.get(code="med"))
    )
    if role != "anonymous":
        login(role)
    pages = list(_pages_for(role, cast))
    if role == "kdk":
        pages += [(name, reverse(name)) for name in ADMIN_PAGES]
    assert pages, role
    problems = []
    for name, path in pages:
        page.console_errors.clear()
        response, violations = _visit(page, f"{live_server.url}{path}")
        if response is None or response.status >= 400:
            problems.append(f"{name}: HTTP {response.status if response else '?'}")
        header = response.headers.get("content-security-policy", "") if response else ""
        if "script-src 'self'" not in header:
            problems.append(f"{name}: no CSP header")
        problems += [f"{name}: CSP {v}" for v in violations]
        problems += [f"{name}: console {e}" for e in page.console_errors]
        problems += [f"{name}: resource {r}" for r in failed_resources]
        failed_resources.clear()
        screenshot(f"csp-{role}-{name.replace(':', '-')}")
    assert not problems, "\n".join(problems)
    assert not NOT_VISITED - {"reports:row"}, f"pages without demo objects: {sorted(NOT_VISITED)}"


@pytest.mark.urls("tests.browser.csp_probe_urls")
def test_the_check_notices_an_inline_script(page, live_server, transactional_db):
    page.context.add_init_script(LISTEN)
    page.console_errors.clear()

    response, violations = _visit(page, f"{live_server.url}/csp-probe/")

    assert response.status == 200
    assert page.title() == "x"  # the inline script did not run
    assert any("script-src" in v for v in violations)
    assert any("Content Security Policy" in e for e in page.console_errors)
