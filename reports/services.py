"""The life of a report job: request → pending → claimed (running) → done / failed, and the sweep that rescues
jobs a worker lost.

The `Report` row is the source of truth. Celery messages carry only the row's id, may arrive twice (late
acknowledgement, redelivery, the sweep) and are harmless when they do: a worker carries on only if its conditional
`UPDATE … WHERE status = 'pending'` changed one row, and only the holder of the current claim token may finish.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable

from celery import current_app
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.quarters import Quarter

from .documents.render import ChartEngineMissing
from .models import Report

logger = logging.getLogger(__name__)

#: After this many claims that never finished (a worker killed mid-build each time) the job is failed.
MAX_ATTEMPTS = 3
ERROR_MAX_LENGTH = 2000


def runs_in_process() -> bool:
    """True when no broker is configured and tasks run eagerly inside the web process."""
    return bool(current_app.conf.task_always_eager)


def reports_queue() -> str:
    return settings.VAELGKLOGT_REPORTS_QUEUE


def enqueue(report_id: int) -> None:
    """Send the build task. A broker that is down is logged, not raised: the sweep sends the job again later."""
    from .tasks import build_report

    try:
        build_report.apply_async(args=[report_id], queue=reports_queue())
    except Exception:
        if runs_in_process():
            raise
        logger.exception("Could not enqueue report %s; the sweep will retry", report_id)


def request_report(
    *,
    kind: str,
    period: Quarter | str,
    department=None,
    meeting=None,
    by=None,
    rebuild: bool = False,
    send: bool = True,
) -> Report:
    """Ask for a report. The same kind, scope and period asked twice gives the same row and at most one job.

    A new row, a failed row, or (with `rebuild`) a finished row goes back to pending and is enqueued after the
    transaction commits (unless `send` is False: `build_reports` runs the job itself); a row already pending or
    running is left alone.
    """
    quarter = period if isinstance(period, Quarter) else Quarter.parse(period)
    period = str(quarter)
    if kind == Report.Kind.INSPIRATION and meeting is None:
        meeting = _inspiration_meeting(quarter)
    now = timezone.now()
    with transaction.atomic():
        report, created = Report.objects.get_or_create(
            kind=kind,
            department=department,
            period=period,
            defaults={"meeting": meeting, "requested_by": by, "requested_at": now},
        )
        if created:
            restart = True
        else:
            again = [Report.Status.FAILED, *([Report.Status.DONE] if rebuild else [])]
            changes = {"status": Report.Status.PENDING, "progress": 0, "progress_label": "", "error": ""}
            changes.update(requested_at=now, attempts=0, claim_token=None)
            if by is not None:
                changes["requested_by"] = by
            if meeting is not None:
                changes["meeting"] = meeting
            restart = Report.objects.filter(pk=report.pk, status__in=again).update(**changes) == 1
            if restart:
                report.refresh_from_db()
        if restart and send:
            transaction.on_commit(lambda: enqueue(report.pk))
    return report


def _inspiration_meeting(quarter: Quarter):
    """The quarter's inspiration meeting (the first, if there are several), for the report's title page."""
    from initiatives.models import Meeting

    return (
        Meeting.objects.filter(kind=Meeting.Kind.INSPIRATION, date__range=(quarter.start, quarter.end))
        .order_by("date")
        .first()
    )


def claim(report_id: int) -> uuid.UUID | None:
    """Move a pending job to running. Returns the claim token, or None when someone else has it (or it is done)."""
    token = uuid.uuid4()
    now = timezone.now()
    changed = Report.objects.filter(pk=report_id, status=Report.Status.PENDING).update(
        status=Report.Status.RUNNING,
        claim_token=token,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        attempts=F("attempts") + 1,
        progress=1,
        progress_label="",
        error="",
    )
    return token if changed == 1 else None


def progress_reporter(report_id: int, token: uuid.UUID) -> Callable[[int, str], None]:
    """A callback for the document builders: store progress and show the job is alive (the sweep's heartbeat)."""

    def report(percent: int, label: str) -> None:
        Report.objects.filter(pk=report_id, claim_token=token, status=Report.Status.RUNNING).update(
            progress=max(1, min(99, int(percent))), progress_label=label[:200], heartbeat_at=timezone.now()
        )

    return report


def run_report(*, report_id: int) -> str | None:
    """Claim and build one report. Returns the final status, or None when there was nothing to do."""
    token = claim(report_id)
    if token is None:
        logger.info("Report %s is not pending; nothing to do", report_id)
        return None
    report = Report.objects.select_related("department", "meeting").get(pk=report_id)
    try:
        from .documents import build_documents

        built = build_documents(report, progress=progress_reporter(report_id, token), built_at=timezone.now())
    except Exception as exc:  # any failure is stored with a Danish reason and shown on the reports page
        logger.exception("Report %s failed", report_id)
        _fail(report_id, token, failure_reason(exc))
        return Report.Status.FAILED
    return _finish(report, token, built)


def failure_reason(exc: Exception) -> str:
    """What the reports page says about a failed build: a Danish sentence, never a raw exception text (the
    traceback is in the worker's log). A missing chart engine names its fix."""
    if isinstance(exc, ChartEngineMissing):
        return str(exc)
    return _(
        "Rapporten kunne ikke bygges (%(kind)s). Prøv igen; sker det igen, kan KDK se årsagen i serverens log."
    ) % {"kind": type(exc).__name__}


def _fail(report_id: int, token: uuid.UUID, reason: str) -> None:
    Report.objects.filter(pk=report_id, claim_token=token, status=Report.Status.RUNNING).update(
        status=Report.Status.FAILED, error=reason[:ERROR_MAX_LENGTH], finished_at=timezone.now(), progress=0
    )


def _finish(report: Report, token: uuid.UUID, built) -> str | None:
    """Store the files and mark the job done, if this worker still holds the claim; otherwise throw them away."""
    stem = f"reports/{report.pk}/{token.hex[:12]}"
    names = {
        fmt: default_storage.save(f"{stem}/{name}", ContentFile(data)) for fmt, (name, data) in built.files.items()
    }
    old = [field.name for field in (report.html_file, report.pdf_file, report.pptx_file) if field]
    changed = Report.objects.filter(pk=report.pk, claim_token=token, status=Report.Status.RUNNING).update(
        status=Report.Status.DONE,
        html_file=names.get("html", ""),
        pdf_file=names.get("pdf", ""),
        pptx_file=names.get("pptx", ""),
        data_until=built.data_until,
        finished_at=timezone.now(),
        progress=100,
        progress_label="",
        error="",
    )
    if changed != 1:
        logger.warning("Report %s lost its claim while building; discarding this build", report.pk)
        _delete_files(names.values())
        return None
    _delete_files(old)
    return Report.Status.DONE


def _delete_files(names) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not delete old report file %s", name)


def sweep(*, now: dt.datetime | None = None, stale_after: dt.timedelta | None = None) -> list[int]:
    """Send again every job left pending, and put back jobs whose worker stopped sending heartbeats.

    A job that was claimed `MAX_ATTEMPTS` times without finishing fails instead of looping for ever.
    Returns the ids enqueued.
    """
    now = now or timezone.now()
    stale_after = (
        stale_after if stale_after is not None else dt.timedelta(minutes=settings.VAELGKLOGT_REPORT_STALE_MINUTES)
    )
    cutoff = now - stale_after
    stale = Q(status=Report.Status.RUNNING) & (Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True))
    Report.objects.filter(stale, attempts__gte=MAX_ATTEMPTS).update(
        status=Report.Status.FAILED,
        claim_token=None,
        finished_at=now,
        progress=0,
        error=_("Rapporten blev afbrudt %(n)d gange under bygningen og er opgivet. Prøv igen, eller kontakt KDK.")
        % {"n": MAX_ATTEMPTS},
    )
    requeued = []
    for report_id in Report.objects.filter(stale).values_list("pk", flat=True):
        # Conditional: a worker that wakes up meanwhile keeps its job.
        if (
            Report.objects.filter(stale, pk=report_id).update(
                status=Report.Status.PENDING, claim_token=None, progress=0, progress_label="", requested_at=now
            )
            == 1
        ):
            requeued.append(report_id)
    waiting = Report.objects.filter(status=Report.Status.PENDING).filter(
        Q(requested_at__lt=cutoff) | Q(requested_at__isnull=True)
    )
    for report_id in waiting.values_list("pk", flat=True):
        if Report.objects.filter(pk=report_id, status=Report.Status.PENDING).update(requested_at=now) == 1:
            requeued.append(report_id)
    for report_id in sorted(set(requeued)):
        enqueue(report_id)
    if requeued:
        logger.info("Sweep re-enqueued reports %s", sorted(set(requeued)))
    return sorted(set(requeued))
