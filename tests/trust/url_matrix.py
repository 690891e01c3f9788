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
UNAUTHORIZED = 401  # the Web API without a token
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
        from reports.models import Report

        for prefix, department in (("home", home), ("away", away)):
            objects[f"{prefix}_report"] = Report.objects.filter(department=department).order_by("pk").first()
        objects["meeting"] = Meeting.objects.order_by("pk").first()
        from measurements.models import FollowUpFlag, ReopenRequest, ValueCheck

        objects["home_check"] = (
            ValueCheck.objects.filter(measurement__measure__initiative__department=home).order_by("pk").first()
        )
        objects["home_flag"] = (
            FollowUpFlag.objects.filter(measurement__measure__initiative__department=home).order_by("pk").first()
        )
        objects["home_reopen_request"] = ReopenRequest.objects.filter(department=home).order_by("pk").first()
        from measurements.models import ChartPhase

        objects["home_phase"] = ChartPhase.objects.filter(measure__initiative__department=home).order_by("pk").first()
        from api.models import ApiToken

        objects["home_token"] = (
            ApiToken.objects.filter(user__memberships__department=home, user__memberships__role="key_person")
            .order_by("pk")
            .first()
        )
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
    #: A Web API URL (/api/v1/): each role calls it with an API token of its own (`Authorization: Bearer`), a read
    #: token for GET and a write token (read where the role may write nowhere) for POST; `anonymous` sends none.
    bearer: bool = False


def post_only(post: dict, **kwargs) -> Entry:
    """A view that only changes things: GET is refused (405 once signed in)."""
    return Entry(get=signed_in(NOT_ALLOWED), post=post, page=False, **kwargs)


def _n(value):
    return NOT_REFUSED if value == OK else value


def writes(get: dict) -> dict:
    """The POST expectation that mirrors a GET one: allowed roles are not refused, the others are, in the same way."""
    return {role: _n(outcome) for role, outcome in get.items()}


HOME_READERS = _roles(LOGIN, NOT_FOUND, OK, OK, OK, OK)  # own department, hospital management, KDK
HOME_MANAGERS = _roles(LOGIN, NOT_FOUND, FORBIDDEN, OK, FORBIDDEN, OK)  # management (and tovholder), KDK
KDK_ONLY = _roles(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)


def api(get: dict, **kwargs) -> Entry:
    """A Web API URL: JSON for programs, never a page; without a token 401."""
    return Entry(get={**get, "anonymous": UNAUTHORIZED}, page=False, bearer=True, **kwargs)


API_ALL = signed_in(OK)  # lists and "me": every token answers, each with its owner's reach
API_HOME = _roles(LOGIN, NOT_FOUND, OK, OK, OK, OK)  # an object of home: 404 outside the owner's reach


# --- the matrix ------------------------------------------------------------------------------------------------------

MATRIX: dict[str, Entry] = {
    # foundation
    "dashboards:start": Entry(get=signed_in(OK)),
    "login": Entry(get=signed_in(REDIRECT, anonymous=OK), note="signed-in users are sent on to the start page"),
    "logout": Entry(get=everyone(NOT_ALLOWED), post=everyone(LOGIN), page=False),
    "healthz": Entry(get=everyone(OK), page=False),
    "readyz": Entry(get=everyone(OK), page=False, note="probe; 503 when the database or broker is down"),
    "accessibility_statement": Entry(get=everyone(OK), note="the footer's accessibility statement: open to everyone"),
    # trust: audit trail, single sign-on (off in the tests' settings: 404; test_oidc.py covers it switched on)
    "audit:list": Entry(get=_roles(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)),
    "audit:mine": Entry(get=signed_in(OK)),
    "oidc_authentication_init": Entry(get=everyone(NOT_FOUND), page=False),
    "oidc_authentication_callback": Entry(get=everyone(NOT_FOUND), page=False),
    # dashboards (issue 4): a department's own people, hospital management and KDK; outsiders get 404
    "dashboards:department_dashboard_mine": Entry(get=signed_in(REDIRECT), page=False, note="to the user's department"),
    "dashboards:department_dashboard": Entry(
        get=_roles(LOGIN, NOT_FOUND, OK, OK, OK, OK), kwargs=lambda c: {"pk": c.home.pk}
    ),
    "dashboards:board": Entry(get=_roles(LOGIN, NOT_FOUND, OK, OK, OK, OK), kwargs=lambda c: {"pk": c.home.pk}),
    # issue 16.7: the ward screen's read-only board link answers everyone, signed in or not, while it is valid
    # (an unknown, revoked or expired link is 404 for everyone: tests/dashboards/test_board_links.py)
    "dashboards:board_shared": Entry(
        get=everyone(OK), kwargs=lambda c: {"token": c.home_board_token}, note="a valid link of home's board"
    ),
    "dashboards:measure_chart": Entry(
        get=_roles(LOGIN, NOT_FOUND, OK, OK, OK, OK), kwargs=lambda c: {"pk": c.home_measure.pk}
    ),
    "dashboards:hospital_status": Entry(get=_roles(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK)),
    # monthly entry (issue 3): key persons and management of the department, KDK; hospital management reads only
    "measurements:mine": Entry(get=signed_in(OK)),
    "measurements:entry": Entry(
        get=_roles(LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, OK), kwargs=lambda c: {"pk": c.home_measure.pk}
    ),
    "measurements:save_row": post_only(
        _roles(LOGIN, NOT_FOUND, NOT_REFUSED, NOT_REFUSED, NOT_FOUND, NOT_REFUSED),
        kwargs=lambda c: {"pk": c.home_measure.pk, "month": c.home_measure.start_month or _first_month()},
    ),
    "measurements:history": Entry(get=HOME_READERS, kwargs=lambda c: {"pk": c.home_measure.pk}),
    "measurements:add_action": post_only(
        _roles(LOGIN, NOT_FOUND, NOT_REFUSED, NOT_REFUSED, NOT_FOUND, NOT_REFUSED),
        kwargs=lambda c: {"pk": c.home_measure.pk},
    ),
    "measurements:import": Entry(
        get=_roles(LOGIN, OK, OK, OK, FORBIDDEN, OK), post=writes(_roles(LOGIN, OK, OK, OK, FORBIDDEN, OK))
    ),
    "measurements:import_commit": post_only(
        _roles(LOGIN, NOT_REFUSED, NOT_REFUSED, NOT_REFUSED, FORBIDDEN, NOT_REFUSED),
        note="without a previewed file: back to the import page",
    ),
    "measurements:import_template": Entry(get=_roles(LOGIN, OK, OK, OK, FORBIDDEN, OK), page=False),
    # the chart page (issue 12): read as the measure; phases by those who steer, notes by those who enter
    "measurements:chart": Entry(
        get=HOME_READERS,
        post=writes(HOME_MANAGERS),
        kwargs=lambda c: {"pk": c.home_measure.pk},
        note="POST adds a freeze, split or exclusion: steering users only",
    ),
    "measurements:note": post_only(
        _roles(LOGIN, NOT_FOUND, NOT_REFUSED, NOT_REFUSED, FORBIDDEN, NOT_REFUSED),
        kwargs=lambda c: {"pk": c.home_measure.pk},
    ),
    "measurements:phase_undo": post_only(writes(HOME_MANAGERS), kwargs=lambda c: {"pk": c.home_phase.pk}),
    "measurements:locks": Entry(get=KDK_ONLY),
    "measurements:lock_reopen": post_only(writes(KDK_ONLY)),
    "measurements:lock_relock": post_only(writes(KDK_ONLY)),
    # data quality and sign-off (issue 14): enter = the department's key persons and management, KDK;
    # approve and flag = management and KDK (not key persons); decide reopen requests = KDK
    "measurements:explain": post_only(
        _roles(LOGIN, NOT_FOUND, NOT_REFUSED, NOT_REFUSED, NOT_FOUND, NOT_REFUSED),
        kwargs=lambda c: {"pk": c.home_check.pk},
    ),
    "measurements:flag_set": Entry(
        get=_roles(LOGIN, NOT_FOUND, FORBIDDEN, OK, FORBIDDEN, OK),
        post=writes(_roles(LOGIN, NOT_FOUND, FORBIDDEN, OK, FORBIDDEN, OK)),
        kwargs=lambda c: {"pk": c.home_measurement.pk},
    ),
    "measurements:flag_clear": post_only(
        writes(_roles(LOGIN, NOT_FOUND, FORBIDDEN, OK, FORBIDDEN, OK)), kwargs=lambda c: {"pk": c.home_flag.pk}
    ),
    "measurements:quality_all": Entry(get=_roles(LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK)),
    "measurements:quality": Entry(get=HOME_READERS, kwargs=lambda c: {"pk": c.home.pk}),
    "measurements:month": Entry(get=HOME_READERS, kwargs=lambda c: {"pk": c.home.pk, "month": _first_month()}),
    "measurements:gap": post_only(
        writes(_roles(LOGIN, NOT_FOUND, OK, OK, FORBIDDEN, OK)),
        kwargs=lambda c: {"pk": c.home.pk, "month": _first_month()},
        note="an empty POST names no measure: 400",
    ),
    "measurements:month_report": post_only(
        writes(_roles(LOGIN, NOT_FOUND, OK, OK, FORBIDDEN, OK)),
        kwargs=lambda c: {"pk": c.home.pk, "month": _first_month()},
    ),
    "measurements:reopen_ask": Entry(
        get=_roles(LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, OK),
        post=writes(_roles(LOGIN, NOT_FOUND, OK, OK, NOT_FOUND, OK)),
        kwargs=lambda c: {"pk": c.home_measure.pk, "month": _first_month()},
    ),
    "measurements:reopen_requests": Entry(get=KDK_ONLY),
    "measurements:reopen_decide": post_only(writes(KDK_ONLY), kwargs=lambda c: {"pk": c.home_reopen_request.pk}),
    "measurements:approval": Entry(
        get=HOME_READERS,
        post=writes(_roles(LOGIN, NOT_FOUND, FORBIDDEN, OK, FORBIDDEN, OK)),
        kwargs=lambda c: {"pk": c.home.pk, "quarter": "2026Q1"},
        note="a key person's POST to approve is refused and changes nothing",
    ),
    "measurements:approval_withdraw": post_only(
        writes(_roles(LOGIN, NOT_FOUND, FORBIDDEN, OK, FORBIDDEN, OK)),
        kwargs=lambda c: {"pk": c.home.pk, "quarter": "2026Q1"},
    ),
    # reports and exports (issue 5)
    "reports:list": Entry(get=signed_in(OK)),
    "reports:build": post_only(signed_in(NOT_REFUSED), note="the form offers only departments the user may steer"),
    "reports:export_status": Entry(
        get=_roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, 400, 400), page=False, note="400: no hospital chosen"
    ),
    "reports:row": Entry(get=HOME_READERS, page=False, kwargs=lambda c: {"pk": c.home_report.pk}),
    "reports:rebuild": post_only(
        _roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_REFUSED, NOT_FOUND, NOT_REFUSED),
        kwargs=lambda c: {"pk": c.home_report.pk},
    ),
    "reports:download": Entry(
        get=_roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
        page=False,
        kwargs=lambda c: {"pk": c.home_report.pk, "fmt": "pdf"},
        note="the cast's report has no built file; downloads of built reports: tests/reports",
    ),
    # department workspace, catalogue, initiatives, meetings (issue 8)
    "dashboards:workspace_mine": Entry(get=_roles(LOGIN, REDIRECT, REDIRECT, REDIRECT, OK, OK)),
    "dashboards:workspace": Entry(get=HOME_READERS, kwargs=lambda c: {"pk": c.home.pk}),
    "departments:team": Entry(get=HOME_READERS, kwargs=lambda c: {"pk": c.home.pk}),
    # issue 16.7: board links are created and revoked by the department's management and KDK
    "departments:board_links": Entry(
        get=_roles(LOGIN, NOT_FOUND, FORBIDDEN, OK, FORBIDDEN, OK),
        post=writes(_roles(LOGIN, NOT_FOUND, FORBIDDEN, OK, FORBIDDEN, OK)),
        kwargs=lambda c: {"pk": c.home.pk},
    ),
    "departments:board_link_revoke": post_only(
        writes(_roles(LOGIN, NOT_FOUND, FORBIDDEN, OK, FORBIDDEN, OK)), kwargs=lambda c: {"pk": c.home_board_link.pk}
    ),
    "departments:team_establish": post_only(writes(HOME_MANAGERS), kwargs=lambda c: {"pk": c.home.pk}),
    "departments:member_add": post_only(writes(HOME_MANAGERS), kwargs=lambda c: {"pk": c.home.pk}),
    "departments:member_edit": Entry(
        get=HOME_MANAGERS, post=writes(HOME_MANAGERS), kwargs=lambda c: {"pk": c.home_team_member.pk}
    ),
    "departments:member_remove": post_only(
        _roles(LOGIN, NOT_FOUND, FORBIDDEN, NOT_REFUSED, REFUSED, (302, 404)),
        kwargs=lambda c: {"pk": c.home_team_member.pk},
        note="leder removes the member; direktion and kdk then find it gone (404)",
    ),
    "initiatives:catalogue": Entry(get=signed_in(OK)),
    "initiatives:recommendation": Entry(
        get=HOME_READERS, kwargs=lambda c: {"pk": (c.home_opt_out or c.away_opt_out or c.recommendation).pk}
    ),
    "dashboards:select": Entry(
        get=_roles(LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK),
        post=writes(_roles(LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK)),
        kwargs=lambda c: {"pk": c.recommendation.pk},
    ),
    "initiatives:opt_out_share": post_only(
        writes(_roles(LOGIN, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)),
        kwargs=lambda c: {"pk": c.home_opt_out.pk},
    ),
    "initiatives:opt_out_create": Entry(
        get=_roles(LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK),
        post=writes(_roles(LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK)),
    ),
    "dashboards:initiative": Entry(get=HOME_READERS, kwargs=lambda c: {"pk": c.home_initiative.pk}),
    "dashboards:initiative_edit": Entry(
        get=HOME_MANAGERS, post=writes(HOME_MANAGERS), kwargs=lambda c: {"pk": c.home_initiative.pk}
    ),
    "dashboards:initiative_status": post_only(writes(HOME_MANAGERS), kwargs=lambda c: {"pk": c.home_initiative.pk}),
    "measurements:measure_create": Entry(
        get=HOME_MANAGERS, post=writes(HOME_MANAGERS), kwargs=lambda c: {"pk": c.home_initiative.pk}
    ),
    "measurements:measure_edit": Entry(
        get=HOME_MANAGERS, post=writes(HOME_MANAGERS), kwargs=lambda c: {"pk": c.home_measure.pk}
    ),
    "dashboards:cross_hospital": Entry(get=signed_in(OK), post=writes(KDK_ONLY)),
    "dashboards:join_cross_hospital": post_only(writes(_roles(LOGIN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN))),
    "initiatives:meetings": Entry(get=signed_in(OK), post=writes(KDK_ONLY)),
    "initiatives:meeting_edit": Entry(get=KDK_ONLY, post=writes(KDK_ONLY), kwargs=lambda c: {"pk": c.meeting.pk}),
    "initiatives:meeting_delete": post_only(writes(KDK_ONLY), kwargs=lambda c: {"pk": c.meeting.pk}),
    "initiatives:quality_meeting_create": Entry(
        get=HOME_MANAGERS, post=writes(HOME_MANAGERS), kwargs=lambda c: {"pk": c.home.pk}
    ),
    # Web API (issue 15): bearer tokens, each reaching what its owner may see; the OpenAPI document and its page
    # are public (no data)
    "api_not_found": Entry(get=everyone(NOT_FOUND), page=False, kwargs=lambda c: {"rest": "no/such/thing"}),
    "api:api-root": Entry(get=everyone(NOT_FOUND), page=False, note="django-ninja's index: nothing there"),
    "api:openapi-json": Entry(get=everyone(OK), page=False),
    "api:openapi-view": Entry(get=everyone(OK), note="Swagger UI from our own static files"),
    "api:me": api(API_ALL),
    "api:departments": api(API_ALL),
    "api:department": api(API_HOME, kwargs=lambda c: {"pk": c.home.pk}),
    "api:sections": api(API_ALL),
    "api:initiatives": api(API_ALL),
    "api:initiative": api(API_HOME, kwargs=lambda c: {"pk": c.home_initiative.pk}),
    "api:measures": api(API_ALL),
    "api:measure": api(API_HOME, kwargs=lambda c: {"pk": c.home_measure.pk}),
    "api:analysis": api(API_HOME, kwargs=lambda c: {"pk": c.home_measure.pk}),
    "api:values": api(
        API_ALL,
        post=_roles(UNAUTHORIZED, NOT_REFUSED, NOT_REFUSED, NOT_REFUSED, NOT_REFUSED, NOT_REFUSED),
        note="an empty POST is no request: 422 for every token; the write rules: tests/api/test_values_write.py",
    ),
    "api:goals": api(API_ALL),
    "api:reports": api(API_ALL),
    "api:report": api(API_HOME, kwargs=lambda c: {"pk": c.home_report.pk}),
    "api:report_file": api(
        _roles(LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
        kwargs=lambda c: {"pk": c.home_report.pk, "fmt": "pdf"},
        note="the cast's report has no built file; downloads: tests/api/test_read.py",
    ),
    "api_pages:tokens": Entry(get=signed_in(OK), post=writes(signed_in(OK)), note="an empty POST: the form's errors"),
    "api_pages:integration_create": post_only(writes(KDK_ONLY)),
    "api_pages:token_revoke": post_only(
        _roles(LOGIN, NOT_FOUND, NOT_REFUSED, NOT_FOUND, NOT_FOUND, NOT_REFUSED),
        kwargs=lambda c: {"pk": c.home_token.pk},
        note="the owner (noegle) and KDK revoke; anybody else finds no such token",
    ),
}

#: Entries for URLs of branches being merged right now (issues 3, 5 and 8). Until a name exists, its entry is not
#: stale and its test is skipped; once every branch is on main this set can be emptied.


def _first_month():
    import datetime as dt

    return dt.date(2026, 1, 1)


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
