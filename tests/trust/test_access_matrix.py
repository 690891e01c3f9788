"""Every URL × every kind of user → the answer the matrix (tests/trust/url_matrix.py) says, on objects of `home`,
so `udenfor` (another department) always asks for somebody else's objects by id.

A refused POST must change nothing: every table of the project's apps keeps its row count (history tables
included, so an update would show as a new history row)."""

import datetime as dt

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from departments.models import AuditEvent

from ..factories import (
    ActionFactory,
    InitiativeFactory,
    LocalTeamFactory,
    MeasureFactory,
    MeasurementFactory,
    MeetingFactory,
    RecommendationFactory,
    SectionFactory,
    TeamMemberFactory,
)
from . import url_matrix as m

PROJECT_APPS = ("departments", "initiatives", "measurements", "reports", "api")
UNTRACKED = {AuditEvent}  # a refusal writes its own audit entry


def test_every_url_pattern_has_an_entry_in_the_matrix():
    names = {p.name for p in m.matrix_patterns()}
    missing = sorted(names - m.MATRIX.keys())
    stale = sorted(m.MATRIX.keys() - names)
    assert not missing, (
        f"URL patterns without an access-matrix entry (add them to tests/trust/url_matrix.py): {missing}"
    )
    assert not stale, f"matrix entries for URL names that no longer exist: {stale}"


def test_skipped_patterns_are_only_the_documented_ones():
    skipped = {p.name or p.route: m.skip_reason(p) for p in m.all_patterns() if m.skip_reason(p)}
    assert any(name.startswith("admin:") for name in skipped)
    for name, reason in skipped.items():
        assert reason, name
    # Nothing of ours hides among the skipped patterns.
    assert not [n for n in skipped if n.split(":")[0] in {"measurements", "reports", "departments", "initiatives"}]


@pytest.fixture
def cast(home, away, leder, noegle, udenfor, kdk, direktion):
    for department in (home, away):
        section = SectionFactory(department=department, hospital=department.hospitals.first())
        initiative = InitiativeFactory(department=department)
        measure = MeasureFactory(initiative=initiative, code=f"{department.code}-m1")
        MeasurementFactory(measure=measure)
        ActionFactory(initiative=initiative)
        team = LocalTeamFactory(department=department)
        TeamMemberFactory(team=team)
        RecommendationFactory(kind="local", owner_department=department, title=f"Fravalg {department.code}")
        assert section
    MeetingFactory()
    from api.tokens import token_create

    token_create(owner=noegle, scope="read", name="matrix", days=30, by=None)
    from measurements.models import ChartPhase, FollowUpFlag, Measurement, ReopenRequest, ValueCheck

    for department in (home, away):
        value = Measurement.objects.filter(measure__initiative__department=department).first()
        ValueCheck.objects.create(measurement=value, kind="zero", message="0 af 0")
        FollowUpFlag.objects.create(measurement=value, note="Se på det", set_by=kdk)
        ReopenRequest.objects.create(department=department, month=value.month, reason="Rettelse", requested_by=kdk)
        ChartPhase.objects.create(measure=value.measure, kind="exclude", month=value.month, reason="IT-nedbrud")
    try:
        from reports.models import Report
    except ImportError:
        Report = None
    if Report is not None and hasattr(Report, "Kind"):
        for department in (home, away):
            Report.objects.create(kind="quality_team", department=department, period="2026Q1", status="done")
    cast = m.Cast.for_departments(home, away)
    from departments.services import board_link_create

    link, token = board_link_create(
        department=home,
        label="Gangen",
        expires_on=dt.date.today() + dt.timedelta(days=30),
        by=kdk,
        today=dt.date.today(),
    )
    cast.objects.update(home_board_link=link, home_board_token=token)
    return cast


def _fingerprint():
    counts = {}
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            if model not in UNTRACKED:
                counts[model._meta.label] = model._default_manager.count()
    return counts


def _matches(response, expected) -> bool:
    status = response.status_code
    location = response.headers.get("Location", "")
    login = reverse("login")
    if expected == m.LOGIN:
        return status == 302 and location.startswith(login)
    if expected == m.UNAUTHORIZED:
        return status == 401 and response.headers.get("WWW-Authenticate", "").startswith("Bearer")
    if expected == m.REDIRECT:
        return status in (301, 302, 303) and not location.startswith(login)
    if expected == m.NOT_REFUSED:
        return status not in (403, 404) and not (status == 302 and location.startswith(login)) and status < 500
    if isinstance(expected, tuple):
        return status in expected
    return status == expected


def _describe(response) -> str:
    location = response.headers.get("Location")
    return f"{response.status_code}" + (f" → {location}" if location else "")


def _bearer(user, scope) -> dict:
    """A fresh API token of the user (a write token only where the user may write somewhere)."""
    from api.tokens import token_create
    from departments.access import may_use_api_scope

    scope = scope if may_use_api_scope(user, scope) else "read"
    _token, raw = token_create(owner=user, scope=scope, name="matrix", days=1, by=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.parametrize("name", sorted(m.MATRIX))
def test_access_matrix(name, cast, request):
    entry = m.MATRIX[name]
    kwargs = entry.kwargs(cast) if entry.kwargs else {}
    url = reverse(name, kwargs=kwargs)
    users = {role: (None if role == "anonymous" else request.getfixturevalue(role)) for role in m.ROLES}
    wrong = []
    for role in m.ROLES:
        client = Client()
        headers = {}
        if users[role] is not None and entry.bearer:
            headers = _bearer(users[role], "read")
        elif users[role] is not None:
            client.force_login(users[role])
        response = client.get(url, **headers)
        if not _matches(response, entry.get[role]):
            wrong.append(f"GET {url} as {role}: expected {entry.get[role]}, got {_describe(response)}")
        if entry.post is None:
            continue
        before = _fingerprint()
        if entry.bearer and users[role] is not None:
            headers = _bearer(users[role], "write")
        response = client.post(url, {}, **headers)
        if not _matches(response, entry.post[role]):
            wrong.append(f"POST {url} as {role}: expected {entry.post[role]}, got {_describe(response)}")
        if entry.post[role] in (m.LOGIN, m.FORBIDDEN, m.NOT_FOUND, m.REFUSED, m.NOT_ALLOWED, m.UNAUTHORIZED):
            after = _fingerprint()
            changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
            if changed:
                wrong.append(f"POST {url} as {role} was refused but changed rows: {changed}")
    assert not wrong, "\n".join(wrong)
