"""The accessibility statement (tilgængelighedserklæring) that every page's footer links to (issue 16).

Danish law on web accessibility (WCAG 2.1 AA through EN 301 549) asks for a statement linked from every page. By
default it is our own page, /tilgaengelighed/ (templates/accessibility_statement.html, in the layout of
Digitaliseringsstyrelsen's template); ACCESSIBILITY_STATEMENT_URL points the link elsewhere, e.g. to the statement
published in the WAS-tool. The README's "Accessibility" section says how the statement is kept.
"""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET


def statement_url() -> str:
    return settings.ACCESSIBILITY_STATEMENT_URL or reverse("accessibility_statement")


def statement_link(request) -> dict:
    """Context processor: the footer's link."""
    return {"accessibility_statement_url": statement_url()}


@require_GET
def statement(request):
    """Our own statement; open to everyone, signed in or not (the login page links to it too)."""
    return render(request, "accessibility_statement.html", {"contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL})
