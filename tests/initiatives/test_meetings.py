"""Meetings: KDK schedules inspiration meetings and records participants; departments record quality-team meetings."""

import datetime as dt

import pytest
from django.urls import reverse

from initiatives.models import Meeting
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_kdk_schedules_inspiration_meeting_and_records_participants(client_for, kdk, world, away):
    client = client_for(kdk)
    response = client.post(reverse("initiatives:meetings"), {"date": "2027-03-09", "title": "Inspirationsmøde 1"})
    assert response.status_code == 302
    meeting = Meeting.objects.get(kind=Meeting.Kind.INSPIRATION)
    assert (meeting.date, meeting.department, list(meeting.participants.all())) == (dt.date(2027, 3, 9), None, [])
    client.post(
        reverse("initiatives:meeting_edit", kwargs={"pk": meeting.pk}),
        {"date": "2027-03-09", "title": "Inspirationsmøde 1", "participants": [world.department.pk, away.pk]},
    )
    assert set(meeting.participants.all()) == {world.department, away}


def test_department_sees_whether_it_took_part(client_for, noegle, world, away):
    took_part = MeetingFactory(date=dt.date(2026, 6, 9), title="Juni")
    took_part.participants.set([world.department])
    missed = MeetingFactory(date=dt.date(2026, 10, 6), title="Oktober")
    missed.participants.set([away])
    response = client_for(noegle).get(reverse("dashboards:workspace", kwargs={"pk": world.department.pk}))
    assert response.context["inspiration_meetings"] == [(took_part, True), (missed, False)]


def test_only_kdk_schedules_inspiration_meetings(client_for, leder, world):
    response = client_for(leder).post(reverse("initiatives:meetings"), {"date": "2027-03-09"})
    assert response.status_code == 403
    assert not Meeting.objects.filter(kind=Meeting.Kind.INSPIRATION).exists()
    inspiration = MeetingFactory()
    response = client_for(leder).post(
        reverse("initiatives:meeting_edit", kwargs={"pk": inspiration.pk}), {"date": "2027-01-01"}
    )
    assert response.status_code == 403
    inspiration.refresh_from_db()
    assert inspiration.date == dt.date(2026, 3, 10)


def test_leder_records_quality_team_meeting_with_decisions(client_for, leder, world):
    response = client_for(leder).post(
        reverse("initiatives:quality_meeting_create", kwargs={"pk": world.department.pk}),
        {"date": "2026-09-20", "title": "", "decisions": "Fortsæt indsatsen.\nFølg balancemålet."},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(date=dt.date(2026, 9, 20))
    assert (meeting.kind, meeting.department, meeting.title) == ("quality_team", world.department, "Kvalitetsteammøde")
    assert meeting.decisions == "Fortsæt indsatsen.\nFølg balancemålet."
    workspace = client_for(leder).get(reverse("dashboards:workspace", kwargs={"pk": world.department.pk}))
    assert meeting in workspace.context["quality_meetings"]


@pytest.mark.parametrize(
    "data,message",
    [({"date": ""}, "Dette felt er påkrævet."), ({"date": "30-02-2026"}, "Februar 2026 har kun 28 dage.")],
)
def test_quality_meeting_errors_are_danish_and_nothing_is_saved(client_for, leder, world, data, message):
    response = client_for(leder).post(
        reverse("initiatives:quality_meeting_create", kwargs={"pk": world.department.pk}), data
    )
    assert message in response.content.decode()
    assert Meeting.objects.count() == 1


def test_leder_edits_and_deletes_own_quality_meeting(client_for, leder, world):
    client = client_for(leder)
    client.post(
        reverse("initiatives:meeting_edit", kwargs={"pk": world.meeting.pk}),
        {"date": "2026-03-21", "title": "Kvalitetsteammøde", "decisions": "Nyt mål"},
    )
    world.meeting.refresh_from_db()
    assert (world.meeting.date, world.meeting.decisions) == (dt.date(2026, 3, 21), "Nyt mål")
    client.post(reverse("initiatives:meeting_delete", kwargs={"pk": world.meeting.pk}))
    assert not Meeting.objects.filter(pk=world.meeting.pk).exists()


def test_key_person_reads_meetings_but_cannot_record(client_for, noegle, world):
    client = client_for(noegle)
    assert client.get(reverse("initiatives:meetings")).status_code == 200
    response = client.post(
        reverse("initiatives:quality_meeting_create", kwargs={"pk": world.department.pk}), {"date": "2026-09-20"}
    )
    assert response.status_code == 403
    assert client.post(reverse("initiatives:meeting_delete", kwargs={"pk": world.meeting.pk})).status_code == 403
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize("count", [1, 6])
def test_meetings_page_query_count_is_bounded(client_for, noegle, world, count, django_assert_max_num_queries):
    for index in range(count):
        MeetingFactory(date=dt.date(2026, 1 + index, 10)).participants.set([world.department])
    client = client_for(noegle)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("initiatives:meetings"), {"year": 2026})
    assert len(response.context["meetings"]) == count
