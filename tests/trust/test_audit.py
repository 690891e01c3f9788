"""The audit trail: what is recorded, that it survives the refused request, and who may read it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from departments import audit
from departments.models import AuditEvent

from ..factories import UserFactory

A = AuditEvent.Action


def events(**filters):
    return list(AuditEvent.objects.filter(**filters))


@pytest.fixture
def signed_in(client_for):
    """Like client_for, but without the sign-in's own audit entry, so a test sees only what it made."""

    def sign_in(user):
        client = client_for(user)
        AuditEvent.objects.all().delete()
        return client

    return sign_in


# --- what is recorded -------------------------------------------------------------------------------------------------


def test_local_sign_in_and_sign_out_are_recorded_in_utc(client, noegle):
    before = timezone.now()
    response = client.post(reverse("login"), {"username": "noegle", "password": "pw"}, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    client.post(reverse("logout"))

    login, logout = events(action=A.LOGIN)[0], events(action=A.LOGOUT)[0]
    assert (login.user, login.outcome, login.detail, login.ip_address) == (noegle, "success", "local", "10.1.2.3")
    assert login.at.utcoffset() == dt.timedelta(0) and before <= login.at <= timezone.now()
    assert logout.user == noegle


def test_failed_sign_in_is_recorded_against_the_targeted_account(client, noegle):
    response = client.post(reverse("login"), {"username": "noegle", "password": "wrong"})

    assert response.status_code == 200  # the form again, with an error
    [failed] = events(action=A.LOGIN_FAILED)
    assert (failed.user, failed.username, failed.outcome, failed.detail) == (noegle, "noegle", "failure", "local")
    assert "password" not in failed.detail


def test_failed_sign_in_for_unknown_name_keeps_the_name(client, db):
    client.post(reverse("login"), {"username": "ukendt", "password": "x"})
    [failed] = events(action=A.LOGIN_FAILED)
    assert (failed.user, failed.username) == (None, "ukendt")


@pytest.mark.urls("tests.trust.scoped_urls")
def test_scoped_lookup_of_other_departments_object_is_refused_and_recorded(client_for, udenfor, home):
    client = client_for(udenfor)

    response = client.get(reverse("probe_department", args=[home.pk]))

    assert response.status_code == 404
    [refused] = events(action=A.ACCESS_REFUSED)
    assert (refused.user, refused.outcome) == (udenfor, "refused")
    assert (refused.object_type, refused.object_id) == ("departments.Department", str(home.pk))
    assert refused.path == f"/probe/department/{home.pk}/"


@pytest.mark.urls("tests.trust.scoped_urls")
def test_lookup_of_nonexistent_object_is_told_apart_from_a_refusal_in_kdks_log(client_for, udenfor, home):
    response = client_for(udenfor).get(reverse("probe_department", args=[999_999]))
    assert response.status_code == 404
    [entry] = events(action=A.ACCESS_REFUSED)
    assert (entry.user, entry.object_id, entry.detail) == (udenfor, "999999", AuditEvent.NOT_FOUND)
    assert not AuditEvent.objects.filter(detail=AuditEvent.SCOPED_NOT_FOUND).exists()


@pytest.mark.urls("tests.trust.scoped_urls")
def test_own_department_is_found_and_nothing_recorded(client_for, noegle, home):
    response = client_for(noegle).get(reverse("probe_department", args=[home.pk]))
    assert response.content.decode() == home.name
    assert events(action=A.ACCESS_REFUSED) == []


@pytest.mark.urls("tests.trust.scoped_urls")
def test_forbidden_answer_is_recorded(client_for, direktion):
    response = client_for(direktion).get(reverse("probe_forbidden"))
    assert response.status_code == 403
    [refused] = events(action=A.ACCESS_REFUSED)
    assert (refused.user, refused.detail, refused.path) == (direktion, "403", "/probe/forbidden/")


@pytest.mark.urls("tests.trust.scoped_urls")
def test_report_download_is_recorded_by_url_name(client_for, leder):
    response = client_for(leder).get("/probe/reports/42/hent/pdf/")
    assert response.status_code == 200
    [event] = events(action=A.REPORT_DOWNLOAD)
    assert (event.user, event.object_type, event.object_id, event.detail) == (leder, "reports.Report", "42", "fmt=pdf")


def test_record_helper_for_exports_and_downloads(rf, kdk, home):
    request = rf.get("/rapporter/7/download", REMOTE_ADDR="10.0.0.9")
    request.user = kdk

    event = audit.record(request=request, action=A.REPORT_DOWNLOAD, obj=home, detail="pdf")

    event.refresh_from_db()
    assert (event.user, event.username, event.outcome) == (kdk, "kdk", "success")
    assert (event.object_type, event.object_id, event.object_repr) == (
        "departments.Department",
        str(home.pk),
        home.name,
    )
    assert (event.path, event.method, event.ip_address, event.detail) == (
        "/rapporter/7/download",
        "GET",
        "10.0.0.9",
        "pdf",
    )


def test_record_helper_never_breaks_the_callers_action(rf, kdk, monkeypatch):
    from django.db import DatabaseError

    def broken_save(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(AuditEvent, "save", broken_save)
    assert audit.record(action=A.EXPORT, user=kdk) is None


# --- who may read it ---------------------------------------------------------------------------------------------------


def _event(user, action=A.LOGIN, outcome="success", at=None, **fields):
    return AuditEvent.objects.create(
        at=at or timezone.now(),
        user=user,
        username=user.username if user else "",
        action=action,
        outcome=outcome,
        **fields,
    )


@pytest.mark.parametrize("who", ["noegle", "leder", "udenfor", "direktion"])
def test_only_kdk_reads_the_audit_list(client_for, request, who):
    user = request.getfixturevalue(who)
    _event(user)

    response = client_for(user).get(reverse("audit:list"))

    assert response.status_code == 403
    assert "Adgangslog" not in response.content.decode()
    assert AuditEvent.objects.filter(action=A.ACCESS_REFUSED, user=user, path="/log/").exists()


def test_anonymous_is_sent_to_login(client, db):
    for name in ("audit:list", "audit:mine"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_kdk_filters_by_user_action_outcome_object_and_utc_day(signed_in, kdk, noegle, udenfor, home):
    client = signed_in(kdk)
    day = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC)
    _event(noegle, A.LOGIN, at=day)
    _event(noegle, A.LOGIN_FAILED, "failure", at=day)
    _event(udenfor, A.ACCESS_REFUSED, "refused", at=day, object_type="departments.Department", object_id=str(home.pk))
    _event(udenfor, A.EXPORT, at=day + dt.timedelta(days=2), object_repr="Status 2026")

    def shown(**query):
        response = client.get(reverse("audit:list"), query)
        assert response.status_code == 200
        return sorted((e.username, e.action) for e in response.context["page"].object_list)

    assert shown(user="noeg") == [("noegle", "login"), ("noegle", "login_failed")]
    assert shown(action="access_refused") == [("udenfor", "access_refused")]
    assert shown(outcome="failure") == [("noegle", "login_failed")]
    assert shown(object="departments.Department") == [("udenfor", "access_refused")]
    assert shown(object="status 2026") == [("udenfor", "export")]
    assert len(shown(date_from="2026-03-02", date_to="2026-03-02")) == 3
    assert shown(date_from="2026-03-03") == [("udenfor", "export")]
    page = client.get(reverse("audit:list"), {"date_from": "2026-03-05", "date_to": "2026-03-01"})
    assert "Til-datoen skal ligge efter fra-datoen." in page.content.decode()
    assert list(page.context["page"].object_list) == []


def test_audit_list_shows_times_in_utc(signed_in, kdk, noegle):
    client = signed_in(kdk)
    _event(noegle, at=dt.datetime(2026, 7, 1, 22, 15, 5, tzinfo=dt.UTC))
    text = client.get(reverse("audit:list")).content.decode()
    assert "1. juli 2026 22:15:05" in text  # not 2. juli 00:15 (Danish summer time)


def test_audit_list_htmx_returns_only_the_results(signed_in, kdk, noegle):
    client = signed_in(kdk)
    _event(noegle)
    response = client.get(reverse("audit:list"), {"user": "noegle"}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert 'id="audit-results"' in text and "<form" not in text


@pytest.mark.parametrize("rows", [1, 60])
def test_audit_list_query_count_does_not_grow_with_rows(signed_in, kdk, noegle, rows, django_assert_max_num_queries):
    client = signed_in(kdk)
    client.get(reverse("audit:list"))  # session clocks start on the first request
    AuditEvent.objects.bulk_create(
        [AuditEvent(at=timezone.now(), user=noegle, username="noegle", action=A.LOGIN, outcome="success")] * rows
    )
    with django_assert_max_num_queries(8):
        response = client.get(reverse("audit:list"))
    assert len(response.context["page"].object_list) == min(rows, 50)


def test_my_entries_show_only_my_own(signed_in, noegle, udenfor):
    client = signed_in(noegle)
    _event(noegle, A.LOGIN_FAILED, "failure", detail="local")
    _event(udenfor, A.EXPORT, object_repr="Medicinsk eksport")

    response = client.get(reverse("audit:mine"))

    entries = list(response.context["page"].object_list)
    assert [e.user for e in entries] == [noegle]
    assert "Medicinsk eksport" not in response.content.decode()


@pytest.mark.parametrize("rows", [1, 60])
def test_my_entries_query_count_does_not_grow_with_rows(signed_in, noegle, rows, django_assert_max_num_queries):
    client = signed_in(noegle)
    client.get(reverse("audit:mine"))
    AuditEvent.objects.bulk_create(
        [AuditEvent(at=timezone.now(), user=noegle, username="noegle", action=A.LOGIN, outcome="success")] * rows
    )
    with django_assert_max_num_queries(7):
        response = client.get(reverse("audit:mine"))
    assert len(response.context["page"].object_list) == min(rows, 50)


def test_user_without_role_can_read_own_entries(client_for, db):
    loner = UserFactory(username="loner")
    _event(loner)
    _event(UserFactory(username="someone-else"))
    response = client_for(loner).get(reverse("audit:mine"))
    assert response.status_code == 200
    entries = list(response.context["page"].object_list)
    assert entries and {entry.user_id for entry in entries} == {loner.pk}  # only their own entries, none of others
