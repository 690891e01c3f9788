"""Built documents and their jobs. A `Report` row is the source of truth for whether a report exists, is being
built or has failed; Celery only carries the row's id. See `reports/services.py` for the life cycle."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.quarters import Quarter
from departments.access import DepartmentScopedQuerySet, access_for


class ReportQuerySet(DepartmentScopedQuerySet):
    """A department's reports for its members; hospital-wide reports (no department) only for KDK and
    hospital management, who see everything."""

    department_path = "department"

    def buildable_by(self, user):
        """Reports the user may (re)build: the department's steering group, and KDK for everything."""
        access = access_for(user)
        if access.is_kdk:
            return self
        return self.filter(department__in=access.manage)


class Report(models.Model):
    class Kind(models.TextChoices):
        QUALITY_TEAM = "quality_team", _("Kvalitetsteamrapport")
        INSPIRATION = "inspiration", _("Inspirationsmøde-rapport")

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        RUNNING = "running", _("Bygges")
        DONE = "done", _("Færdig")
        FAILED = "failed", _("Fejlet")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    department = models.ForeignKey(
        "departments.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("afdeling"),
        help_text=_("Tom: hele sygehusgruppen."),
    )
    period = models.CharField(_("periode"), max_length=10, help_text=_("Kvartal, fx 2026Q1."))
    meeting = models.ForeignKey(
        "initiatives.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("møde"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("fremdrift (%)"), default=0)
    progress_label = models.CharField(_("trin"), max_length=200, blank=True)
    error = models.TextField(_("fejl"), blank=True)
    html_file = models.FileField(_("HTML"), upload_to="reports/", blank=True)
    pdf_file = models.FileField(_("PDF"), upload_to="reports/", blank=True)
    pptx_file = models.FileField(_("PowerPoint"), upload_to="reports/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bestilt af"),
    )
    #: A fresh token per claim: only the worker holding the current claim may finish the job.
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    created_at = models.DateTimeField(_("bestilt"), auto_now_add=True)
    requested_at = models.DateTimeField(_("senest bestilt"), null=True, blank=True)
    started_at = models.DateTimeField(_("startet"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("sidst set i gang"), null=True, blank=True)
    finished_at = models.DateTimeField(_("færdig"), null=True, blank=True)
    data_until = models.DateField(_("data til og med"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapport")
        verbose_name_plural = _("rapporter")
        ordering = ["-period", "kind", "department__name"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="report_status_heartbeat")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "department", "period"],
                condition=Q(department__isnull=False),
                name="report_one_per_kind_department_period",
                violation_error_message=_("Rapporten findes allerede for denne afdeling og periode."),
            ),
            models.UniqueConstraint(
                fields=["kind", "period"],
                condition=Q(department__isnull=True),
                name="report_one_per_kind_group_period",
                violation_error_message=_("Rapporten findes allerede for denne periode."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="quality_team") & Q(department__isnull=False))
                | (Q(kind="inspiration") & Q(department__isnull=True)),
                name="report_scope_matches_kind",
                violation_error_message=_(
                    "En kvalitetsteamrapport hører til en afdeling; en inspirationsrapport til alle."
                ),
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_percent"),
            models.CheckConstraint(condition=Q(period__regex=r"^[0-9]{4}Q[1-4]$"), name="report_period_is_quarter"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.scope_label} {self.period}"

    @property
    def scope_label(self) -> str:
        return self.department.name if self.department_id else str(_("Alle afdelinger"))

    @property
    def quarter(self):
        return Quarter.parse(self.period)

    @property
    def period_label(self) -> str:
        return self.quarter.label

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    def files(self) -> list[tuple[str, str]]:
        """(format, label) for every file a finished report has."""
        if self.status != self.Status.DONE:
            return []
        available = [
            ("pdf", "PDF", self.pdf_file),
            ("html", "HTML", self.html_file),
            ("pptx", "PowerPoint", self.pptx_file),
        ]
        return [(fmt, label) for fmt, label, field in available if field]


class ReminderSent(models.Model):
    """One monthly reminder about missing values per person and month, so a redelivered task sends it once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("måned"))
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("påmindelse")
        verbose_name_plural = _("påmindelser")
        constraints = [models.UniqueConstraint(fields=["user", "month"], name="reminder_once_per_user_month")]

    def __str__(self):
        return f"{self.user} {self.month:%Y-%m}"
