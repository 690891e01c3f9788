"""The access matrix: every URL pattern of the project × every kind of user → the expected answer.

`all_patterns()` walks `get_resolver().url_patterns` recursively. Every named pattern must have an entry in `MATRIX`
or a reason in `SKIPPED`; tests/trust/test_access_matrix.py fails for a URL without one, so a new page cannot land
without someone deciding who may open it.

An entry says what a GET (and, for views that change things, a POST) answers for each role:

    anonymous  – not signed in
    udenfor    – key person in ANOTHER department (`away`); every object in the URL belongs to `home`
    noegle     – key person in `home`
    leder      – management of `home`
    direktion  – hospital management: sees everything, changes nothing
    kdk        – the quality unit: sees and steers everything

URL arguments are built from a `Cast`: objects of the `home` department (and `away` for the few URLs where the
outsider's own object matters). The cast is found by department, so the same matrix works on test factories and on
the demo data (the browser CSP test visits every page with it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ("anonymous", "udenfor", "noegle", "leder", "direktion", "kdk")

# Expected answers (besides plain status codes).
OK = 200
LOGIN = "login"  # 302 to the login page
REDIRECT = "redirect"  # 302 somewhere else than the login page
NOT_FOUND = 404
FORBIDDEN = 403
NOT_ALLOWED = 405
REFUSED = (403, 404)  # either refusal is acceptable where a view may use both
NOT_REFUSED = "not_refused"  # POST by an allowed role: anything but 403/404/login (a form error or a redirect)

#: Namespaces and names that are not in the matrix, each with the reason.
SKIPPED_NAMESPACES = {
    "admin": "Django admin: only is_staff users (KDK), guarded by Django's own permission system and tested there",
    "djdt": "debug toolbar: never installed in production",
}
SKIPPED_NAMES = {
    "set_language": "Django's language switch (i18n/setlang/): changes only the visitor's language cookie",
    "javascript-catalog": "Django's translation catalogue for scripts: public, no data",
}
#: Patterns without a name (static/media serving in DEBUG) are skipped as a group.
SKIPPED_UNNAMED = "unnamed patterns: static and media files served by whitenoise/DEBUG only, no data"


@dataclass
class Cast:
    """The objects URL arguments are built from: those of `home` (and a few of `away`)."""

    home: object
    away: object
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None

    @classmethod
    def for_departments(cls, home, away) -> Cast:
        from initiatives.models import Action, Initiative, Meeting, Recommendation
        from measurements.models import Measure, Measurement

        objects = {}
        for prefix, department in (("home", home), ("away", away)):
            objects[f"{prefix}_section"] = department.sections.order_by("pk").first()
            objects[f"{prefix}_initiative"] = Initiative.objects.filter(department=department).order_by("pk").first()
            objects[f"{prefix}_measure"] = (
                Measure.objects.filter(initiative__department=department).order_by("pk").first()
            )
            objects[f"{prefix}_measurement"] = (
                Measurement.objects.filter(measure__initiative__department=department).order_by("pk").first()
            )
            objects[f"{prefix}_action"] = (
                Action.objects.filter(initiative__department=department).order_by("pk").first()
            )
            objects[f"{prefix}_opt_out"] = (
                Recommendation.objects.filter(owner_department=department, shared=False).order_by("pk").first()
            )
            team = getattr(department, "local_team", None)
            objects[f"{prefix}_team"] = team
            objects[f"{prefix}_team_member"] = team.members.order_by("pk").first() if team else None
        objects["recommendation"] = Recommendation.objects.filter(kind="national").order_by("pk").first()
        objects["meeting"] = Meeting.objects.order_by("pk").first()
        return cls(home=home, away=away, objects=objects)


def _roles(anonymous, udenfor, noegle, leder, direktion, kdk) -> dict:
    return dict(zip(ROLES, (anonymous, udenfor, noegle, leder, direktion, kdk), strict=True))


def everyone(outcome) -> dict:
    return _roles(outcome, outcome, outcome, outcome, outcome, outcome)


def signed_in(outcome, anonymous=LOGIN) -> dict:
    return _roles(anonymous, outcome, outcome, outcome, outcome, outcome)


@dataclass(frozen=True)
class Entry:
    get: dict
    post: dict | None = None
    kwargs: Callable[[Cast], dict] | None = None
    #: The GET answer is an HTML page a person reads (visited by the browser CSP test).
    page: bool = True
    note: str = ""


# --- the matrix ------------------------------------------------------------------------------------------------------

MATRIX: dict[str, Entry] = {
    # foundation
    "start": Entry(get=signed_in(OK)),
    "login": Entry(get=signed_in(REDIRECT, anonymous=OK), note="signed-in users are sent on to the start page"),
    "logout": Entry(get=everyone(NOT_ALLOWED), post=everyone(LOGIN), page=False),
    "healthz": Entry(get=everyone(OK), page=False),
    "readyz": Entry(get=everyone(OK), page=False, note="probe; 503 when the database or broker is down"),
    # trust: audit trail, single sign-on (off in the tests' settings: 404; test_oidc.py covers it switched on)
    "audit:list": Entry(get=_roles(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)),
    "audit:mine": Entry(get=signed_in(OK)),
    "oidc_authentication_init": Entry(get=everyone(NOT_FOUND), page=False),
    "oidc_authentication_callback": Entry(get=everyone(NOT_FOUND), page=False),
    # dashboards (issue 4): a department's own people, hospital management and KDK; outsiders get 404
    "reports:department_dashboard_mine": Entry(get=signed_in(REDIRECT), page=False, note="to the user's department"),
    "reports:department_dashboard": Entry(
        get=_roles(LOGIN, NOT_FOUND, OK, OK, OK, OK), kwargs=lambda c: {"pk": c.home.pk}
    ),
    "reports:board": Entry(get=_roles(LOGIN, NOT_FOUND, OK, OK, OK, OK), kwargs=lambda c: {"pk": c.home.pk}),
    "reports:measure_chart": Entry(
        get=_roles(LOGIN, NOT_FOUND, OK, OK, OK, OK), kwargs=lambda c: {"pk": c.home_measure.pk}
    ),
    "reports:hospital_status": Entry(get=_roles(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK)),
}


# --- walking the URL configuration ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name" or "name"
    route: str
    params: tuple[str, ...]


def _walk(patterns, prefix="", namespace=""):
    for item in patterns:
        if isinstance(item, URLResolver):
            ns = item.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(item.url_patterns, prefix + str(item.pattern), full_ns)
        elif isinstance(item, URLPattern):
            name = f"{namespace}:{item.name}" if namespace and item.name else (item.name or "")
            route = prefix + str(item.pattern)
            params = tuple(getattr(item.pattern, "converters", {}).keys())
            yield Pattern(name=name, route=route, params=params)


def all_patterns(urlconf=None) -> list[Pattern]:
    return list(_walk(get_resolver(urlconf).url_patterns))


def skip_reason(pattern: Pattern) -> str | None:
    if not pattern.name:
        return SKIPPED_UNNAMED
    top = pattern.name.split(":", 1)[0] if ":" in pattern.name else ""
    if top in SKIPPED_NAMESPACES:
        return SKIPPED_NAMESPACES[top]
    return SKIPPED_NAMES.get(pattern.name)


def matrix_patterns(urlconf=None) -> list[Pattern]:
    """Every pattern that must be in the matrix (unique by name)."""
    seen, result = set(), []
    for pattern in all_patterns(urlconf):
        if skip_reason(pattern) is None and pattern.name not in seen:
            seen.add(pattern.name)
            result.append(pattern)
    return result
