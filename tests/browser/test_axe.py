"""WCAG 2.1 AA in a real browser (issue 16, point 9): axe-core on every page of the access matrix, as every role.

axe-core is vendored (tests/browser/vendor/axe-core, from the npm registry). It is added to each page as an init
script, which the browser runs before the page's own scripts and outside the Content Security Policy, so the pages
are checked under the policy users get. One browser context per role; every rule axe runs by default (WCAG 2.0,
2.1 and 2.2 A/AA and best practices), 0 violations of any impact.
"""

import json
from pathlib import Path

from django.urls import reverse

from departments.models import Department
from tests.trust import url_matrix as m

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
ROLES = ["anonymous", "udenfor", "noegle", "leder", "direktion", "kdk"]

RUN_AXE = """async () => {
    const result = await window.axe.run(document, {resultTypes: ["violations"]});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary.split("\\n").slice(1, 2).join(""))
    }));
}"""


def matrix_pages(role: str, cast: m.Cast):
    """(url name, path) of every HTML page of the access matrix the role may open."""
    existing = {p.name for p in m.matrix_patterns()}
    for name, entry in sorted(m.MATRIX.items()):
        if name in existing and entry.page and entry.get[role] == m.OK:
            kwargs = entry.kwargs(cast) if entry.kwargs else {}
            yield name, reverse(name, kwargs=kwargs)


#: Pages where the keyboard focus is followed through the first TABS stops (as a key person meets them).
FOCUS_CHECKED = {"dashboards:start", "measurements:entry", "dashboards:department_dashboard"}
TABS = 25

FOCUS_RING = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
    return {ring: ring || style.boxShadow !== "none", what: el.outerHTML.slice(0, 80)};
}"""


def unseen_focus(page) -> list[str]:
    """Tab through the page: the skip link comes first, and every stop shows a focus ring (WCAG 2.4.7)."""
    page.keyboard.press("Tab")
    problems = (
        [] if page.evaluate("document.activeElement.classList.contains('skip-link')") else ["skip link not first"]
    )
    for _ in range(TABS):
        focus = page.evaluate(FOCUS_RING)
        if not focus["ring"]:
            problems.append(f"focus not visible on {focus['what']}")
        page.keyboard.press("Tab")
    return problems


#: Every id an attribute names must exist (axe passes an aria-describedby as long as one of its ids exists).
DANGLING = """() => {
    const missing = [];
    for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls", "for", "form", "list", "headers"]) {
        for (const el of document.querySelectorAll(`[${attr}]`)) {
            for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
                if (!document.getElementById(id)) missing.push(`<${el.tagName.toLowerCase()} ${attr}> → #${id}`);
            }
        }
    }
    return missing;
}"""


def violations_on(page, url: str) -> list[str]:
    response = page.goto(url)  # waits for the load event; no page fetches more after it (no hx-trigger="load")
    # Charts are drawn by charts.js after load; check them drawn, as a user meets them.
    page.wait_for_function("() => !document.querySelector('[data-chart-source]:not([data-chart-drawn])')")
    status = response.status if response else "?"
    found = [f"HTTP {status}"] if status != 200 else []
    found += [f"names a missing id: {reference}" for reference in page.evaluate(DANGLING)]
    for violation in page.evaluate(RUN_AXE):
        found.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} → {json.dumps(violation['nodes'])}"
        )
    return found


def test_every_page_of_the_matrix_has_no_axe_violation_for_any_role(demo_data, browser, live_server):
    cast = m.Cast.for_departments(Department.objects.get(code="ort"), Department.objects.get(code="med"))
    problems, visited = [], {}
    for role in ROLES:  # one browser context (and one page) per role, on one seeding of the demo data
        context = browser.new_context(
            viewport={"width": 1366, "height": 900}, locale="da-DK", timezone_id="Europe/Copenhagen"
        )
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        page.set_default_timeout(15_000)
        if role != "anonymous":
            sign_in(page, live_server.url, role)
        pages = list(matrix_pages(role, cast))
        visited[role] = len(pages)
        for name, path in pages:
            found = violations_on(page, f"{live_server.url}{path}")
            problems += [f"{role} {name} {path}: {problem}" for problem in found]
            if role == "noegle" and name in FOCUS_CHECKED:
                problems += [f"{role} {name} {path}: {problem}" for problem in unseen_focus(page)]
        context.close()
    assert visited["anonymous"] >= 2 and min(visited.values()) >= 2
    assert sum(visited.values()) > 100, visited
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def sign_in(page, base_url: str, username: str, password: str = "demo") -> None:
    page.goto(f"{base_url}{reverse('login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
