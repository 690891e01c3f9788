"""The report job's life cycle: idempotent requests, one claim, failures kept with their reason, the sweep."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from reports import services
from reports.documents import Built
from reports.models import Report
from tests.factories import DepartmentFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch):
    sent = []
    monkeypatch.setattr(services, "enqueue", sent.append)
    return sent


@pytest.fixture
def fake_build(monkeypatch):
    """Replace the document builders with a tiny one (the real ones are tested in test_reports_documents)."""
    calls = []

    def build(report, *, progress, built_at):
        calls.append(report.pk)
        progress(50, "halvvejs")
        return Built(
            files={"pdf": ("r.pdf", b"%PDF-1.7 test"), "html": ("r.html", b"<p>")}, data_until=dt.date(2026, 3, 1)
        )

    monkeypatch.setattr("reports.documents.build_documents", build)
    return calls


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_request_same_kind_scope_and_period_twice_gives_one_report_and_one_job(
    home, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.request_report(kind=Report.Kind.QUALITY_TEAM, department=home, period="2026Q1")
    with django_capture_on_commit_callbacks(execute=True):
        second = services.request_report(kind=Report.Kind.QUALITY_TEAM, department=home, period="2026q1")

    assert first.pk == second.pk
    assert Report.objects.count() == 1
    assert enqueued == [first.pk]


def test_request_enqueues_only_after_commit(home, enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.request_report(kind=Report.Kind.QUALITY_TEAM, department=home, period="2026Q1")
    assert enqueued == []
    assert len(callbacks) == 1


def test_group_reports_are_unique_per_period_too(enqueued):
    services.request_report(kind=Report.Kind.INSPIRATION, period="2026Q2")
    services.request_report(kind=Report.Kind.INSPIRATION, period="2026Q2")
    services.request_report(kind=Report.Kind.INSPIRATION, period="2026Q3")
    assert sorted(Report.objects.values_list("period", flat=True)) == ["2026Q2", "2026Q3"]


def test_inspiration_report_is_tied_to_the_quarters_meeting(enqueued):
    meeting = MeetingFactory(date=dt.date(2026, 6, 9))
    MeetingFactory(date=dt.date(2026, 10, 6))
    report = services.request_report(kind=Report.Kind.INSPIRATION, period="2026Q2")
    assert report.meeting == meeting
    assert services.request_report(kind=Report.Kind.INSPIRATION, period="2026Q1").meeting is None


def test_database_refuses_a_second_row_for_the_same_report(home):
    Report.objects.create(kind=Report.Kind.QUALITY_TEAM, department=home, period="2026Q1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(kind=Report.Kind.QUALITY_TEAM, department=home, period="2026Q1")
    Report.objects.create(kind=Report.Kind.INSPIRATION, period="2026Q1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(kind=Report.Kind.INSPIRATION, period="2026Q1")


def test_database_refuses_a_malformed_period_or_wrong_scope(home):
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(kind=Report.Kind.QUALITY_TEAM, department=home, period="2026-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(kind=Report.Kind.INSPIRATION, department=home, period="2026Q1")


def test_request_rejects_a_malformed_period(home):
    with pytest.raises(ValueError, match="2026Q1"):
        services.request_report(kind=Report.Kind.QUALITY_TEAM, department=home, period="første kvartal")
    assert not Report.objects.exists()


def test_a_claimed_job_cannot_be_claimed_twice(home):
    report = Report.objects.create(kind=Report.Kind.QUALITY_TEAM, department=home, period="2026Q1")

    first = services.claim(report.pk)
    second = services.claim(report.pk)

    assert first is not None and second is None
    report.refresh_from_db()
    assert (report.status, report.attempts, report.claim_token) == (Report.Status.RUNNING, 1, first)


def test_run_report_builds_stores_files_and_is_a_no_op_the_second_time(home, fake_build, media):
    report = Report.objects.create(kind=Report.Kind.QUALITY_TEAM, department=home, period="2026Q1")

    assert services.run_report(report_id=report.pk) == Report.Status.DONE
    assert services.run_report(report_id=report.pk) is None  # a redelivered message

    report.refresh_from_db()
    assert report.status == Report.Status.DONE and report.progress == 100
    assert fake_build == [report.pk]
    assert report.pdf_file.read() == b"%PDF-1.7 test"
    assert report.data_until == dt.date(2026, 3, 1)
    assert report.finished_at is not None and report.error == ""


def test_failure_is_stored_with_its_reason(home, monkeypatch):
    def broken(report, *, progress, built_at):
        progress(30, "Tegner diagram 1 af 2")
        raise RuntimeError("Chromium could not start")

    monkeypatch.setattr("reports.documents.build_documents", broken)
    report = Report.objects.create(kind=Report.Kind.QUALITY_TEAM, department=home, period="2026Q1")

    assert services.run_report(report_id=report.pk) == Report.Status.FAILED

    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert report.error.startswith("Rapporten kunne ikke bygges (RuntimeError).")
    assert "Chromium could not start" not in report.error  # the raw text stays in the log
    assert not report.pdf_file


def test_asking_again_after_a_failure_retries_and_rebuild_restarts_a_done_report(home, enqueued):
    report = Report.objects.create(
        kind=Report.Kind.QUALITY_TEAM, department=home, period="2026Q1", status=Report.Status.FAILED, error="x"
    )
    services.request_report(kind=Report.Kind.QUALITY_TEAM, department=home, period="2026Q1")
    report.refresh_from_db()
    assert (report.status, report.error) == (Report.Status.PENDING, "")

    Report.objects.filter(pk=report.pk).update(status=Report.Status.DONE)
    services.request_report(kind=Report.Kind.QUALITY_TEAM, department=home, period="2026Q1")
    assert Report.objects.get(pk=report.pk).status == Report.Status.DONE  # asked again: the report exists
    user = UserFactory()
    services.request_report(kind=Report.Kind.QUALITY_TEAM, department=home, period="2026Q1", rebuild=True, by=user)
    report.refresh_from_db()
    assert (report.status, report.requested_by) == (Report.Status.PENDING, user)


def test_rebuild_leaves_a_running_job_alone(home, enqueued):
    report = Report.objects.create(kind=Report.Kind.QUALITY_TEAM, department=home, period="2026Q1")
    token = services.claim(report.pk)
    services.request_report(kind=Report.Kind.QUALITY_TEAM, department=home, period="2026Q1", rebuild=True)
    report.refresh_from_db()
    assert (report.status, report.claim_token) == (Report.Status.RUNNING, token)


def test_a_worker_that_lost_its_claim_cannot_finish(home, fake_build, media):
    report = Report.objects.create(kind=Report.Kind.QUALITY_TEAM, department=home, period="2026Q1")
    old_token = services.claim(report.pk)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.PENDING, claim_token=None)  # the sweep
    new_token = services.claim(report.pk)

    services._finish(report, old_token, Built(files={"pdf": ("old.pdf", b"old")}, data_until=None))
    report.refresh_from_db()
    assert report.status == Report.Status.RUNNING and report.claim_token == new_token
    assert not list(media.rglob("old.pdf"))  # the stale build's file was thrown away


def test_sweep_requeues_stale_running_and_forgotten_pending_jobs_only(enqueued):
    now = timezone.now()
    long_ago = now - dt.timedelta(hours=1)
    departments = [DepartmentFactory() for _ in range(5)]

    def report(department, **fields):
        return Report.objects.create(kind=Report.Kind.QUALITY_TEAM, department=department, period="2026Q1", **fields)

    stale = report(departments[0], status=Report.Status.RUNNING, heartbeat_at=long_ago, attempts=1)
    alive = report(departments[1], status=Report.Status.RUNNING, heartbeat_at=now, attempts=1)
    forgotten = report(departments[2], status=Report.Status.PENDING, requested_at=long_ago)
    fresh = report(departments[3], status=Report.Status.PENDING, requested_at=now)
    done = report(departments[4], status=Report.Status.DONE, heartbeat_at=long_ago)

    requeued = services.sweep(now=now)

    assert requeued == sorted([stale.pk, forgotten.pk])
    assert sorted(enqueued) == sorted([stale.pk, forgotten.pk])
    statuses = dict(Report.objects.values_list("pk", "status"))
    assert statuses[stale.pk] == Report.Status.PENDING
    assert statuses[alive.pk] == Report.Status.RUNNING
    assert statuses[fresh.pk] == statuses[forgotten.pk] == Report.Status.PENDING
    assert statuses[done.pk] == Report.Status.DONE
    assert services.sweep(now=now) == []  # just re-sent: not again straight away


def test_sweep_gives_up_after_repeated_crashes_and_says_why(home, enqueued):
    long_ago = timezone.now() - dt.timedelta(hours=1)
    report = Report.objects.create(
        kind=Report.Kind.QUALITY_TEAM,
        department=home,
        period="2026Q1",
        status=Report.Status.RUNNING,
        heartbeat_at=long_ago,
        attempts=services.MAX_ATTEMPTS,
    )
    assert services.sweep() == []
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "afbrudt 3 gange" in report.error


def test_progress_is_stored_only_for_the_current_claim(home):
    report = Report.objects.create(kind=Report.Kind.QUALITY_TEAM, department=home, period="2026Q1")
    token = services.claim(report.pk)
    services.progress_reporter(report.pk, token)(40, "Tegner diagram 2 af 4")
    services.progress_reporter(report.pk, services.uuid.uuid4())(90, "fremmed")
    report.refresh_from_db()
    assert (report.progress, report.progress_label) == (40, "Tegner diagram 2 af 4")
