"""The department workspace and the local team (Mål 2): who may see and change it, validation, history, status."""

import datetime as dt

import pytest
from django.urls import reverse

from departments import services
from departments.access import Role
from departments.models import LocalTeam, TeamMember
from tests.factories import DepartmentFactory, LocalTeamFactory, MembershipFactory, TeamMemberFactory, UserFactory
from tests.initiatives import helpers

today, world = helpers.today, helpers.world  # fixtures shared with the initiative tests

pytestmark = pytest.mark.django_db


# --- the workspace -------------------------------------------------------------------------------------------------


def test_workspace_mine_sends_department_user_to_their_department(client_for, noegle, home):
    response = client_for(noegle).get(reverse("dashboards:workspace_mine"))
    assert response.status_code == 302
    assert response.url == reverse("dashboards:workspace", kwargs={"pk": home.pk})


def test_workspace_mine_lists_departments_for_kdk(client_for, kdk, home, away):
    response = client_for(kdk).get(reverse("dashboards:workspace_mine"))
    assert response.status_code == 200
    assert [row.department for row in response.context["rows"]] == [away, home]  # by name: Medicinsk, Ortopæd…


def test_workspace_shows_goals_initiatives_and_meetings(client_for, noegle, world):
    response = client_for(noegle).get(reverse("dashboards:workspace", kwargs={"pk": world.department.pk}))
    body = response.content.decode()
    assert response.context["row"].selections.label == "Opfyldt"
    assert response.context["row"].team.label == "Etableret i 1. kvartal"
    assert world.initiative.recommendation.title in body
    assert world.opt_out.title in body
    assert "20. marts 2026" in body
    assert response.context["can_edit"] is False
    assert reverse("departments:team_establish", kwargs={"pk": world.department.pk}) not in body


def test_workspace_for_leder_offers_the_changes(client_for, leder, world):
    response = client_for(leder).get(reverse("dashboards:workspace", kwargs={"pk": world.department.pk}))
    body = response.content.decode()
    assert response.context["can_edit"] is True
    assert reverse("initiatives:opt_out_create") in body
    assert reverse("initiatives:quality_meeting_create", kwargs={"pk": world.department.pk}) in body


def test_workspace_flags_too_many_selections(client_for, leder, world):
    from tests.factories import InitiativeFactory

    InitiativeFactory(department=world.department, year=2026)
    InitiativeFactory(department=world.department, year=2026)
    response = client_for(leder).get(reverse("dashboards:workspace", kwargs={"pk": world.department.pk}))
    assert response.context["row"].selections.label == "For mange valg"
    assert "3 valg er for mange" in response.content.decode()


def test_workspace_query_count_does_not_grow_with_initiatives(client_for, leder, world, django_assert_max_num_queries):
    from tests.factories import InitiativeFactory, MeasureFactory

    url = reverse("dashboards:workspace", kwargs={"pk": world.department.pk})
    client = client_for(leder)
    with django_assert_max_num_queries(22) as few:
        client.get(url)
    for _ in range(4):
        MeasureFactory(initiative=InitiativeFactory(department=world.department, year=2026))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# --- the team: establish --------------------------------------------------------------------------------------------


def test_leder_establishes_team_and_mal2_follows(client_for, leder, home, today):
    client = client_for(leder)
    workspace = reverse("dashboards:workspace", kwargs={"pk": home.pk})
    assert client.get(workspace).context["row"].team.label == "Intet team"
    response = client.post(
        reverse("departments:team_establish", kwargs={"pk": home.pk}), {"established_on": "2026-02-10", "note": ""}
    )
    assert response.status_code == 302
    team = LocalTeam.objects.get(department=home)
    assert team.established_on == dt.date(2026, 2, 10)
    assert team.history.get().history_user == leder
    assert client.get(workspace).context["row"].team.state == "met"


def test_team_established_after_first_quarter_is_overdue(client_for, leder, home, today):
    client_for(leder).post(
        reverse("departments:team_establish", kwargs={"pk": home.pk}), {"established_on": "2026-05-01"}
    )
    response = client_for(leder).get(reverse("dashboards:workspace", kwargs={"pk": home.pk}))
    assert (response.context["row"].team.state, response.context["row"].team.label) == ("overdue", "Etableret senere")


@pytest.mark.parametrize(
    "date,message",
    [
        ("", "Dette felt er påkrævet."),
        ("31-13-2026", "Måneden skal være et tal fra 1 til 12"),
        ("2027-01-01", "fremtiden"),
    ],
)
def test_team_establish_rejects_bad_date_and_saves_nothing(client_for, leder, home, today, date, message):
    response = client_for(leder).post(
        reverse("departments:team_establish", kwargs={"pk": home.pk}), {"established_on": date}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LocalTeam.objects.exists()


def test_team_date_correction_is_kept_in_history(client_for, leder, world):
    client_for(leder).post(
        reverse("departments:team_establish", kwargs={"pk": world.department.pk}), {"established_on": "2026-03-01"}
    )
    response = client_for(leder).get(reverse("departments:team", kwargs={"pk": world.department.pk}))
    texts = [entry.text for entry in response.context["history"]]
    assert "Etableringsdato ændret fra 3. februar 2026 til 1. marts 2026" in texts


def test_key_person_reads_team_but_cannot_establish(client_for, noegle, home, today):
    client = client_for(noegle)
    assert client.get(reverse("departments:team", kwargs={"pk": home.pk})).status_code == 200
    response = client.post(
        reverse("departments:team_establish", kwargs={"pk": home.pk}), {"established_on": "2026-02-01"}
    )
    assert response.status_code == 403
    assert not LocalTeam.objects.exists()


def test_hospital_management_reads_but_changes_nothing(client_for, direktion, world):
    client = client_for(direktion)
    assert client.get(reverse("departments:team", kwargs={"pk": world.department.pk})).status_code == 200
    response = client.post(
        reverse("departments:member_add", kwargs={"pk": world.department.pk}), {"name": "X", "role": "doctor"}
    )
    assert response.status_code == 403
    assert world.team.members.count() == 1


# --- the team: members --------------------------------------------------------------------------------------------


def test_add_user_of_department_as_tovholder(client_for, leder, noegle, world):
    response = client_for(leder).post(
        reverse("departments:member_add", kwargs={"pk": world.department.pk}),
        {"user": noegle.pk, "role": "coordinator", "title": "Sygeplejerske", "confirm_second_coordinator": "on"},
    )
    assert response.status_code == 302
    member = world.team.members.get(user=noegle)
    assert (member.role, member.title, member.name) == ("coordinator", "Sygeplejerske", "")
    assert member.history.get().history_user == leder


def test_add_person_by_name_and_title(client_for, leder, world):
    client_for(leder).post(
        reverse("departments:member_add", kwargs={"pk": world.department.pk}),
        {"name": "Peter Lund", "title": "Overlæge", "role": "doctor"},
    )
    assert world.team.members.filter(name="Peter Lund", title="Overlæge", role="doctor").exists()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"role": "doctor"}, "Vælg en bruger eller skriv personens navn."),
        ({"name": "X", "role": "chief"}, "Marker en gyldig valgmulighed."),
        ({"name": "X"}, "Vælg en rolle i teamet."),
    ],
)
def test_member_form_errors_are_danish_and_nothing_is_saved(client_for, leder, world, data, message):
    response = client_for(leder).post(reverse("departments:member_add", kwargs={"pk": world.department.pk}), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert world.team.members.count() == 1


def test_user_from_another_department_cannot_join_team(client_for, leder, udenfor, world):
    response = client_for(leder).post(
        reverse("departments:member_add", kwargs={"pk": world.department.pk}), {"user": udenfor.pk, "role": "doctor"}
    )
    assert "Marker en gyldig valgmulighed" in response.content.decode()  # not among the department's users
    assert not world.team.members.filter(user=udenfor).exists()


def test_same_user_cannot_be_added_twice(leder, noegle, world):
    from django.core.exceptions import ValidationError

    services.team_member_add(team=world.team, user=noegle, role="key_person", by=leder)
    with pytest.raises(ValidationError, match="allerede med i teamet"):
        services.team_member_add(team=world.team, user=noegle, role="doctor", by=leder)
    assert world.team.members.filter(user=noegle).count() == 1


def test_member_add_with_htmx_returns_the_team_partial(client_for, leder, world):
    response = client_for(leder).post(
        reverse("departments:member_add", kwargs={"pk": world.department.pk}),
        {"name": "Ida Nielsen", "role": "nurse"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="team-body">')
    assert "Ida Nielsen" in body and "<html" not in body
    assert "Ida Nielsen er tilføjet teamet." in body


def test_adding_member_before_team_exists_is_refused(client_for, leder, home, today):
    response = client_for(leder).post(
        reverse("departments:member_add", kwargs={"pk": home.pk}), {"name": "X", "role": "doctor"}
    )
    assert response.status_code == 302
    assert not TeamMember.objects.exists()


def test_team_without_tovholder_is_flagged(client_for, leder, world):
    url = reverse("departments:team", kwargs={"pk": world.department.pk})
    flag = "Teamet har ingen tovholder"
    assert flag not in client_for(leder).get(url).content.decode()
    client_for(leder).post(reverse("departments:member_remove", kwargs={"pk": world.coordinator.pk}))
    assert not world.team.members.exists()
    assert flag in client_for(leder).get(url).content.decode()
    workspace = client_for(leder).get(reverse("dashboards:workspace", kwargs={"pk": world.department.pk}))
    assert flag in workspace.content.decode()


def test_removal_and_change_are_kept_with_who_and_when(client_for, leder, world):
    client = client_for(leder)
    client.post(
        reverse("departments:member_edit", kwargs={"pk": world.coordinator.pk}),
        {"name": "Hanne Holm", "title": "Sygeplejerske", "role": "key_person"},
    )
    client.post(reverse("departments:member_remove", kwargs={"pk": world.coordinator.pk}))
    history = client.get(reverse("departments:team", kwargs={"pk": world.department.pk})).context["history"]
    texts = [entry.text for entry in history]
    assert texts[0] == "Fjernet: Hanne Holm (Nøgleperson)"
    assert texts[1] == "Ændret (rolle, titel): Hanne Holm (Tovholder) → Hanne Holm (Nøgleperson)"
    assert history[0].who == leder.get_full_name()


def test_user_made_tovholder_may_then_steer_the_department(client_for, leder, noegle, world):
    client_for(leder).post(
        reverse("departments:member_add", kwargs={"pk": world.department.pk}),
        {"user": noegle.pk, "role": "coordinator", "confirm_second_coordinator": "on"},
    )
    response = client_for(noegle).post(
        reverse("departments:member_add", kwargs={"pk": world.department.pk}), {"name": "Ny læge", "role": "doctor"}
    )
    assert response.status_code == 302
    assert world.team.members.filter(name="Ny læge").exists()


def test_tovholder_of_other_department_does_not_steer_this_one(client_for, world):
    other = DepartmentFactory()
    stranger = UserFactory(username="fremmed")
    MembershipFactory(user=stranger, role=Role.KEY_PERSON, department=other)
    TeamMemberFactory(team=LocalTeamFactory(department=other), user=stranger, role=TeamMember.Role.COORDINATOR)
    response = client_for(stranger).post(
        reverse("departments:member_add", kwargs={"pk": world.department.pk}), {"name": "X", "role": "doctor"}
    )
    assert response.status_code == 404
    assert world.team.members.count() == 1


@pytest.mark.parametrize("members", [1, 8])
def test_team_page_query_count_is_bounded(client_for, leder, world, members, django_assert_max_num_queries):
    for index in range(members - 1):
        TeamMemberFactory(team=world.team, name=f"Person {index}")
    client = client_for(leder)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("departments:team", kwargs={"pk": world.department.pk}))
    assert len(response.context["members"]) == members


# --- issue 16.4: second tovholder, no silent role, authors, Mål 2 after 2026 --------------------------------------


def test_second_tovholder_needs_confirmation(client_for, leder, noegle, world):
    url = reverse("departments:member_add", kwargs={"pk": world.department.pk})
    client = client_for(leder)
    page = client.get(reverse("departments:team", kwargs={"pk": world.department.pk})).content.decode()
    assert "Ja, teamet skal have to tovholdere" in page
    response = client.post(url, {"user": noegle.pk, "role": "coordinator"})
    assert response.status_code == 200
    assert "Teamet har allerede en tovholder (Hanne Holm)" in response.content.decode()
    assert list(world.team.members.values_list("name", "role")) == [("Hanne Holm", "coordinator")]
    response = client.post(url, {"user": noegle.pk, "role": "coordinator", "confirm_second_coordinator": "on"})
    assert response.status_code == 302
    assert world.team.members.filter(role="coordinator").count() == 2


def test_changing_a_member_to_second_tovholder_needs_confirmation(leder, world):
    from django.core.exceptions import ValidationError

    doctor = services.team_member_add(team=world.team, name="Peter Lund", role="doctor", by=leder)
    with pytest.raises(ValidationError, match="allerede en tovholder"):
        services.team_member_update(member=doctor, name="Peter Lund", role="coordinator", by=leder)
    doctor.refresh_from_db()
    assert doctor.role == "doctor"
    # The one tovholder may be edited without confirming anything.
    services.team_member_update(member=world.coordinator, name="Hanne Holm", role="coordinator", title="Spl.", by=leder)
    assert world.team.members.get(pk=world.coordinator.pk).title == "Spl."


def test_role_field_has_no_default(client_for, leder, world):
    page = client_for(leder).get(reverse("departments:team", kwargs={"pk": world.department.pk})).content.decode()
    assert '<option value="" selected>— vælg rolle —</option>' in page


def test_change_log_never_says_ukendt_as_author(client_for, leder, world):
    """The world's team and member were written without a signed-in user (a factory, like an import)."""
    history = client_for(leder).get(reverse("departments:team", kwargs={"pk": world.department.pk})).context["history"]
    assert history and all(entry.who != "ukendt" for entry in history)
    assert {entry.who for entry in history} == {"systemet"}


def test_mal2_after_2026_says_whether_the_team_exists_and_since_when(client_for, noegle, world, home):
    from goals import status

    later = status.department_status(world.department, year=2027, today=dt.date(2027, 6, 1))
    assert (later.team.state, later.team.label, later.team.detail) == (
        "met",
        "Teamet findes",
        "Etableret 3. februar 2026",
    )
    LocalTeam.objects.filter(pk=world.team.pk).delete()
    without = status.department_status(world.department, year=2027, today=dt.date(2027, 12, 1))
    assert (without.team.state, without.team.label) == ("not_yet", "Intet team")
    assert "Frist" not in without.team.detail and "31. marts" not in without.team.detail
    in_plan_year = status.department_status(world.department, year=2026, today=dt.date(2026, 6, 1))
    assert in_plan_year.team.state == "overdue"
