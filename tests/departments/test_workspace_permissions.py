"""`udenfor` (key person in another department) on every workspace URL of `home`: 404 or 403, and nothing changes."""

import pytest
from django.urls import reverse

from departments.models import BoardLink, LocalTeam, TeamMember
from initiatives.models import CrossHospitalSelection, Initiative, Meeting, Recommendation, StatusChange
from measurements.models import Measure
from tests.factories import CrossHospitalSelectionFactory, RecommendationFactory
from tests.initiatives import helpers

today, world = helpers.today, helpers.world  # fixtures

pytestmark = pytest.mark.django_db


def _snapshot(w):
    w.team.refresh_from_db()
    w.initiative.refresh_from_db()
    w.measure.refresh_from_db()
    w.meeting.refresh_from_db()
    w.opt_out.refresh_from_db()
    return (
        [model.objects.count() for model in (LocalTeam, TeamMember, Recommendation, Initiative, StatusChange, Measure)],
        Meeting.objects.count(),
        CrossHospitalSelection.objects.count(),
        w.team.established_on,
        w.initiative.status,
        w.initiative.aim,
        list(w.initiative.sections.all()),
        w.measure.name,
        list(BoardLink.objects.values_list("pk", "label", "revoked_at")),
        w.meeting.date,
        w.opt_out.shared,
        LocalTeam.history.count() + TeamMember.history.count() + Initiative.history.count() + Measure.history.count(),
    )


def _requests(w, national):
    """(method, url, data, expected status) for every workspace URL aimed at `home`'s objects."""
    dept = {"pk": w.department.pk}
    member = {"pk": w.coordinator.pk}
    initiative = {"pk": w.initiative.pk}
    measure_data = {"name": "X", "kind": "process", "unit": "count", "numerator_definition": "x", "direction": "lower"}
    return [
        ("get", reverse("dashboards:workspace", kwargs=dept), {}, 404),
        ("get", reverse("departments:team", kwargs=dept), {}, 404),
        ("post", reverse("departments:team_establish", kwargs=dept), {"established_on": "2026-01-05"}, 404),
        ("post", reverse("departments:member_add", kwargs=dept), {"name": "X", "role": "doctor"}, 404),
        ("get", reverse("departments:member_edit", kwargs=member), {}, 404),
        ("post", reverse("departments:member_edit", kwargs=member), {"name": "X", "role": "doctor"}, 404),
        ("post", reverse("departments:member_remove", kwargs=member), {}, 404),
        ("get", reverse("dashboards:initiative", kwargs=initiative), {}, 404),
        ("get", reverse("dashboards:initiative_edit", kwargs=initiative), {}, 404),
        ("post", reverse("dashboards:initiative_edit", kwargs=initiative), {"aim": "X"}, 404),
        (
            "post",
            reverse("dashboards:initiative_status", kwargs=initiative),
            {"status": "stopped", "changed_on": "2026-10-01", "reason": "X"},
            404,
        ),
        ("get", reverse("measurements:measure_create", kwargs=initiative), {}, 404),
        ("post", reverse("measurements:measure_create", kwargs=initiative), measure_data, 404),
        ("get", reverse("measurements:measure_edit", kwargs={"pk": w.measure.pk}), {}, 404),
        ("post", reverse("measurements:measure_edit", kwargs={"pk": w.measure.pk}), measure_data, 404),
        ("get", reverse("initiatives:recommendation", kwargs={"pk": w.opt_out.pk}), {}, 404),
        ("post", reverse("initiatives:opt_out_share", kwargs={"pk": w.opt_out.pk}), {"shared": "1"}, 404),
        ("get", f"{reverse('dashboards:select', kwargs={'pk': national.pk})}?department={w.department.pk}", {}, 404),
        (
            "post",
            reverse("dashboards:select", kwargs={"pk": national.pk}),
            {"department": w.department.pk, "year": "2027", "status": "planned"},
            404,
        ),
        ("get", f"{reverse('initiatives:opt_out_create')}?department={w.department.pk}", {}, 404),
        ("post", reverse("initiatives:opt_out_create"), {"department": w.department.pk, "title": "X"}, 404),
        ("post", reverse("dashboards:join_cross_hospital"), {"department": w.department.pk, "year": "2026"}, 404),
        ("get", reverse("initiatives:quality_meeting_create", kwargs=dept), {}, 404),
        ("post", reverse("initiatives:quality_meeting_create", kwargs=dept), {"date": "2026-09-01"}, 404),
        ("get", reverse("initiatives:meeting_edit", kwargs={"pk": w.meeting.pk}), {}, 404),
        ("post", reverse("initiatives:meeting_edit", kwargs={"pk": w.meeting.pk}), {"date": "2026-09-01"}, 404),
        ("post", reverse("initiatives:meeting_delete", kwargs={"pk": w.meeting.pk}), {}, 404),
        ("get", reverse("departments:board_links", kwargs=dept), {}, 404),
        ("post", reverse("departments:board_links", kwargs=dept), {"label": "X", "expires_on": "01.01.2030"}, 404),
        ("post", reverse("departments:board_link_revoke", kwargs={"pk": w.board_link.pk}), {}, 404),
        # Pages for everyone, but changes only for KDK: a key person is refused.
        ("post", reverse("dashboards:cross_hospital"), {"year": "2027", "recommendation": national.pk}, 403),
        ("post", reverse("initiatives:meetings"), {"date": "2027-03-09"}, 403),
    ]


def test_udenfor_gets_nothing_from_any_workspace_url_and_changes_nothing(client_for, udenfor, world):
    national = RecommendationFactory(title="National")
    CrossHospitalSelectionFactory(year=2026, recommendation=national)
    client = client_for(udenfor)
    before = _snapshot(world)
    for method, url, data, expected in _requests(world, national):
        response = getattr(client, method)(url, data)
        assert response.status_code == expected, (method, url, response.status_code)
    assert _snapshot(world) == before


def test_anonymous_is_sent_to_login_everywhere(client, world):
    national = RecommendationFactory(title="National")
    before = _snapshot(world)
    for method, url, data, _expected in _requests(world, national):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
    assert _snapshot(world) == before


def test_every_workspace_url_is_covered(world):
    """A new workspace URL must be added to the outsider test above (the team and catalogue pages, and the
    workspace, initiative, selection and cross-hospital pages that moved to dashboards at the same paths)."""
    from dashboards.urls import urlpatterns as dashboard_urls
    from departments.urls import urlpatterns as department_urls
    from initiatives.urls import urlpatterns as initiative_urls
    from measurements.urls import urlpatterns as measurement_urls

    workspace_pages = {"workspace_mine", "workspace", "select", "initiative", "initiative_edit", "initiative_status"}
    workspace_pages |= {"cross_hospital", "join_cross_hospital"}
    dashboard_urls = [p for p in dashboard_urls if p.name in workspace_pages]
    measurement_urls = [p for p in measurement_urls if p.name in {"measure_create", "measure_edit"}]

    covered = {
        "workspace",
        "team",
        "team_establish",
        "member_add",
        "member_edit",
        "member_remove",
        "initiative",
        "initiative_edit",
        "initiative_status",
        "measure_create",
        "measure_edit",
        "recommendation",
        "opt_out_share",
        "select",
        "opt_out_create",
        "join_cross_hospital",
        "quality_meeting_create",
        "meeting_edit",
        "meeting_delete",
        "cross_hospital",
        "meetings",
        "board_links",
        "board_link_revoke",
    }
    pages_for_everyone = {"workspace_mine", "catalogue"}
    names = {pattern.name for pattern in department_urls + initiative_urls + dashboard_urls + measurement_urls}
    assert names == covered | pages_for_everyone
