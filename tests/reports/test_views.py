"""The reports page: what each role sees and may do, downloads scoped to the user's departments, htmx progress."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from departments.access import Role
from reports.models import Report
from reports.services import runs_in_process
from tests.factories import DepartmentFactory, MembershipFactory, TeamMemberFactory, UserFactory
from vaelgklogt.celery import app as celery_app

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def eager():
    """Tasks in-process, as with no broker configured."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def done_report(department=None, *, kind=Report.Kind.QUALITY_TEAM, period="2026Q1"):
    report = Report.objects.create(
        kind=kind, department=department, period=period, status=Report.Status.DONE, finished_at=timezone.now()
    )
    report.pdf_file.save("r.pdf", ContentFile(b"%PDF-1.7 fake"), save=False)
    report.html_file.save("r.html", ContentFile(b"<p>rapport</p>"), save=False)
    report.save()
    return report


def test_department_user_sees_only_own_department_reports(home, away, noegle, client_for):
    own = done_report(home)
    other = done_report(away)
    group = done_report(kind=Report.Kind.INSPIRATION)

    response = client_for(noegle).get(reverse("reports:list"))

    page = response.content.decode()
    assert response.status_code == 200
    assert [r.pk for r in response.context["page"]] == [own.pk]
    assert reverse("reports:download", args=[own.pk, "pdf"]) in page
    assert reverse("reports:download", args=[other.pk, "pdf"]) not in page
    assert reverse("reports:download", args=[group.pk, "pdf"]) not in page
    assert response.context["build_form"] is None  # a key person reads; management builds


def test_kdk_sees_every_report_the_build_form_with_inspiration_and_the_export(home, away, kdk, client_for):
    done_report(home), done_report(away), done_report(kind=Report.Kind.INSPIRATION)
    response = client_for(kdk).get(reverse("reports:list"))
    assert len(response.context["page"]) == 3
    assert [value for value, _label in response.context["build_form"].fields["kind"].choices] == [
        "quality_team",
        "inspiration",
    ]
    assert response.context["export_form"] is not None
    assert "Byg nu" in response.content.decode()


def test_management_may_build_for_own_department_only(home, away, leder, client_for):
    response = client_for(leder).get(reverse("reports:list"))
    form = response.context["build_form"]
    assert list(form.fields["department"].queryset) == [home]
    assert [value for value, _label in form.fields["kind"].choices] == ["quality_team"]
    assert response.context["export_form"] is None


@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_download_serves_own_department_report(home, leder, client_for, fmt):
    report = done_report(home)
    response = client_for(leder).get(reverse("reports:download", args=[report.pk, fmt]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF") if fmt == "pdf" else b"rapport" in body
    if fmt == "html":
        assert "default-src 'none'" in response["Content-Security-Policy"]
    else:
        assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("who", ["udenfor", "other_manager"])
def test_another_departments_user_gets_404_on_a_guessed_download_url(home, away, udenfor, client_for, who):
    report = done_report(home)
    user = udenfor
    if who == "other_manager":
        user = UserFactory(username="leder_med")
        MembershipFactory(user=user, role=Role.MANAGEMENT, department=away)
    client = client_for(user)
    for fmt in ("pdf", "html", "pptx"):
        assert client.get(reverse("reports:download", args=[report.pk, fmt])).status_code == 404
    assert client.get(reverse("reports:row", args=[report.pk])).status_code == 404
    assert client.post(reverse("reports:rebuild", args=[report.pk])).status_code == 404
    report.refresh_from_db()
    assert report.status == Report.Status.DONE and report.requested_by is None


def test_hospital_wide_report_is_not_found_for_department_users(leder, client_for):
    report = done_report(kind=Report.Kind.INSPIRATION)
    assert client_for(leder).get(reverse("reports:download", args=[report.pk, "pdf"])).status_code == 404


def test_direktion_downloads_everything_but_builds_nothing(home, direktion, client_for):
    report = done_report(home)
    client = client_for(direktion)
    assert client.get(reverse("reports:download", args=[report.pk, "pdf"])).status_code == 200
    assert client.post(reverse("reports:rebuild", args=[report.pk])).status_code == 404
    response = client.post(reverse("reports:build"), {"kind": "inspiration", "period": "2026Q1"})
    assert response.status_code == 422
    assert not Report.objects.filter(kind=Report.Kind.INSPIRATION).exists()


def test_unfinished_report_has_no_download(home, leder, client_for):
    report = Report.objects.create(kind=Report.Kind.QUALITY_TEAM, department=home, period="2026Q1")
    response = client_for(leder).get(reverse("reports:download", args=[report.pk, "pdf"]))
    assert response.status_code == 404
    assert "Content-Disposition" not in response.headers  # no file handed out
    report.refresh_from_db()
    assert (report.status, report.pdf_file.name or "") == (Report.Status.PENDING, "")  # nothing built or changed


def test_failed_report_shows_its_reason_and_a_retry_button(home, leder, client_for):
    Report.objects.create(
        kind=Report.Kind.QUALITY_TEAM,
        department=home,
        period="2026Q1",
        status=Report.Status.FAILED,
        error="RuntimeError: Chromium could not start",
    )
    page = client_for(leder).get(reverse("reports:list")).content.decode()
    assert "Fejlet" in page and "RuntimeError: Chromium could not start" in page and "Prøv igen" in page


def test_running_row_polls_and_finished_row_stops_polling(home, leder, client_for):
    report = Report.objects.create(
        kind=Report.Kind.QUALITY_TEAM,
        department=home,
        period="2026Q1",
        status=Report.Status.RUNNING,
        progress=40,
        progress_label="Tegner diagram 2 af 4",
    )
    client = client_for(leder)
    running = client.get(reverse("reports:row", args=[report.pk]), headers={"HX-Request": "true"}).content.decode()
    assert running.lstrip().startswith("<tr") and 'hx-trigger="every 1s"' in running
    assert 'value="40"' in running and "Tegner diagram 2 af 4" in running

    Report.objects.filter(pk=report.pk).update(status=Report.Status.DONE, progress=100)
    finished = client.get(reverse("reports:row", args=[report.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in finished and "Færdig" in finished


def test_build_now_in_process_builds_the_report_and_returns_the_table(
    transactional_db, home, leder, client_for, eager, monkeypatch
):
    def build(report, *, progress, built_at):
        from reports.documents import Built

        return Built(files={"pdf": ("k.pdf", b"%PDF-1.7")}, data_until=dt.date(2026, 3, 1))

    monkeypatch.setattr("reports.documents.build_documents", build)
    client = client_for(leder)

    data = {"kind": "quality_team", "department": home.pk, "period": "2026Q3"}
    response = client.post(reverse("reports:build"), data, headers={"HX-Request": "true"})
    again = client.post(reverse("reports:build"), data, headers={"HX-Request": "true"})

    assert response.status_code == again.status_code == 200
    report = Report.objects.get()
    assert (report.status, report.requested_by, report.period) == (Report.Status.DONE, leder, "2026Q3")
    assert 'id="report-table"' in again.content.decode() and "<html" not in again.content.decode()
    assert reverse("reports:download", args=[report.pk, "pdf"]) in again.content.decode()


def test_build_for_another_department_is_refused_with_a_message(home, away, leder, client_for):
    response = client_for(leder).post(
        reverse("reports:build"), {"kind": "quality_team", "department": away.pk, "period": "2026Q3"}
    )
    assert response.status_code == 422
    assert "Marker en gyldig valgmulighed" in response.content.decode()
    assert not Report.objects.exists()


def test_build_without_department_asks_for_one(home, leder, client_for):
    response = client_for(leder).post(
        reverse("reports:build"), {"kind": "quality_team", "department": "", "period": "2026Q3"}
    )
    assert response.status_code == 422
    assert "Vælg den afdeling, rapporten skal handle om." in response.content.decode()


def test_htmx_build_with_errors_replaces_the_form_with_its_messages(home, leder, client_for):
    response = client_for(leder).post(
        reverse("reports:build"),
        {"kind": "quality_team", "department": "", "period": "2026Q3"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#build-form" and response["HX-Reswap"] == "outerHTML"
    assert body.lstrip().startswith('<form id="build-form"') and "Vælg den afdeling" in body
    assert not Report.objects.exists()


def test_tovholder_may_rebuild_own_department_report(home, noegle, client_for, monkeypatch):
    TeamMemberFactory(team__department=home, user=noegle, role="coordinator")
    sent = []
    monkeypatch.setattr("reports.services.enqueue", sent.append)
    report = done_report(home)

    response = client_for(noegle).post(reverse("reports:rebuild", args=[report.pk]))

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.requested_by) == (Report.Status.PENDING, noegle)


def test_page_says_when_tasks_run_in_process(leder, client_for, eager):
    assert runs_in_process()
    page = client_for(leder).get(reverse("reports:list")).content.decode()
    assert "bygges direkte på serveren" in page


def test_page_does_not_claim_in_process_with_a_broker(leder, client_for):
    assert not celery_app.conf.task_always_eager  # `make test` configures a broker
    page = client_for(leder).get(reverse("reports:list")).content.decode()
    assert "bygges direkte på serveren" not in page


def _reports(count):
    for _ in range(count):
        department = DepartmentFactory()
        done_report(department)
    done_report(kind=Report.Kind.INSPIRATION)


@pytest.mark.parametrize("count", [1, 25])
def test_reports_list_runs_a_fixed_number_of_queries(kdk, client_for, django_assert_num_queries, count):
    _reports(count)
    client = client_for(kdk)
    client.get(reverse("reports:list"))  # warm the session
    with django_assert_num_queries(7):
        response = client.get(reverse("reports:list"))
    assert len(response.context["page"]) == count + 1


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("reports:list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_build_form_disables_department_for_the_inspiration_report(client_for, kdk, home):
    """Issue 16.12: "Afdeling" is disabled while the inspiration report is chosen (static/js/reports_form.js keeps it
    in step in the browser; the server renders it so after a refused submit too)."""
    client = client_for(kdk)
    page = client.get(reverse("reports:list")).content.decode()
    assert 'data-disabled-for="inspiration"' in page and "js/reports_form.js" in page
    select = page[page.index('id="id_department"') - 200 : page.index('id="id_department"') + 50]
    assert "disabled" not in select.replace("data-disabled-for", "")
    response = client.post(reverse("reports:build"), {"kind": "inspiration", "period": "bad"})
    html = response.content.decode()
    tag = html[html.rindex("<select", 0, html.index('id="id_department"')) : html.index('id="id_department"') + 30]
    assert " disabled" in tag
