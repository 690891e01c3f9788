from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from departments.access import DepartmentScopedQuerySet
from departments.models import Section
from initiatives.models import Initiative


class Unit(models.TextChoices):
    PROPORTION = "proportion", _("Andel (tæller/nævner)")
    COUNT = "count", _("Antal")
    RATE = "rate", _("Rate pr. N (tæller pr. nævner)")


class MeasureQuerySet(DepartmentScopedQuerySet):
    department_path = "initiative__department"


class Measure(models.Model):
    class Kind(models.TextChoices):
        OUTCOME = "outcome", _("Resultatmål")
        PROCESS = "process", _("Procesmål")
        BALANCING = "balancing", _("Balancemål")

    class Direction(models.TextChoices):
        LOWER = "lower", _("Lavere er bedre")
        HIGHER = "higher", _("Højere er bedre")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="measures", verbose_name=_("indsats")
    )
    code = models.SlugField(
        _("kode"), max_length=30, unique=True, help_text=_("Kort kode, bruges ved import af målinger, fx ORT-UR-01.")
    )
    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.PROCESS)
    operational_definition = models.TextField(_("operationel definition"), blank=True)
    numerator_definition = models.TextField(_("tæller"), blank=True)
    denominator_definition = models.TextField(_("nævner"), blank=True)
    data_source = models.CharField(_("datakilde"), max_length=200, blank=True)
    unit = models.CharField(_("enhed"), max_length=20, choices=Unit.choices, default=Unit.PROPORTION)
    rate_per = models.PositiveIntegerField(
        _("pr. N"), default=1, help_text=_("For rater: fx 1000 for 'pr. 1.000 sengedage'. Ellers 1.")
    )
    direction = models.CharField(_("retning"), max_length=10, choices=Direction.choices, default=Direction.LOWER)
    target = models.DecimalField(
        _("mål"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("I visningsenheden: procent for andele, pr. N for rater, antal for antal."),
    )
    per_section = models.BooleanField(
        _("måles pr. afsnit"), default=True, help_text=_("Fra: én værdi for hele afdelingen pr. måned.")
    )
    start_month = models.DateField(_("første måned"), null=True, blank=True)
    end_month = models.DateField(_("sidste måned"), null=True, blank=True)
    baseline_start = models.DateField(_("baseline fra"), null=True, blank=True)
    baseline_end = models.DateField(_("baseline til"), null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_for_measures",
        verbose_name=_("ansvarlig nøgleperson"),
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    objects = MeasureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("måling / indikator")
        verbose_name_plural = _("målinger / indikatorer")
        ordering = ["initiative", "kind", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(rate_per__gte=1), name="measure_rate_per_positive"),
            models.CheckConstraint(
                condition=Q(start_month__isnull=True) | Q(end_month__isnull=True) | Q(start_month__lte=F("end_month")),
                name="measure_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(baseline_start__isnull=True)
                | Q(baseline_end__isnull=True)
                | Q(baseline_start__lte=F("baseline_end")),
                name="measure_baseline_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def has_denominator(self) -> bool:
        return self.unit != Unit.COUNT


class MeasurementQuerySet(DepartmentScopedQuerySet):
    department_path = "measure__initiative__department"


class Measurement(models.Model):
    """One measure × section (or the whole department) × month: aggregated counts only, never patient data.

    `unit` repeats the measure's unit so the database itself can hold the proportion invariant
    (numerator ≤ denominator); the write service keeps it in step with the measure.
    """

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("måling")
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measurements",
        verbose_name=_("afsnit"),
        help_text=_("Tomt: hele afdelingen."),
    )
    month = models.DateField(_("måned"), help_text=_("Den første dag i måneden."))
    numerator = models.IntegerField(_("tæller"))
    denominator = models.IntegerField(_("nævner"), null=True, blank=True)
    unit = models.CharField(_("enhed"), max_length=20, choices=Unit.choices)
    comment = models.CharField(_("kommentar"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registreret af"),
    )
    entered_at = models.DateTimeField(_("registreret"), auto_now=True)

    objects = MeasurementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("månedlig registrering")
        verbose_name_plural = _("månedlige registreringer")
        ordering = ["measure", "month", "section"]
        indexes = [models.Index(fields=["measure", "month"], name="measurement_measure_month")]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "section", "month"],
                condition=Q(section__isnull=False),
                name="measurement_one_per_section_month",
                violation_error_message=_("Der findes allerede en værdi for denne måned og dette afsnit."),
            ),
            models.UniqueConstraint(
                fields=["measure", "month"],
                condition=Q(section__isnull=True),
                name="measurement_one_per_department_month",
                violation_error_message=_("Der findes allerede en værdi for denne måned."),
            ),
            models.CheckConstraint(condition=Q(numerator__gte=0), name="measurement_numerator_non_negative"),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gte=0),
                name="measurement_denominator_non_negative",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="measurement_month_is_first_day"),
            models.CheckConstraint(
                condition=~Q(unit=Unit.PROPORTION)
                | (Q(denominator__isnull=False) & Q(numerator__lte=F("denominator"))),
                name="measurement_proportion_numerator_within_denominator",
            ),
            models.CheckConstraint(
                condition=~Q(unit=Unit.RATE) | Q(denominator__isnull=False),
                name="measurement_rate_has_denominator",
            ),
            models.CheckConstraint(
                condition=~Q(unit=Unit.COUNT) | Q(denominator__isnull=True),
                name="measurement_count_has_no_denominator",
            ),
        ]

    def __str__(self):
        return f"{self.measure.code} {self.month:%Y-%m} {self.section or ''}".strip()


class MeasureSummary(models.Model):
    """What a measure's chart shows and how complete its data are, cached (see `measurements.summary`).

    `stamp` grows with every change to the measure's values (the write service calls `summary.touch` in the same
    transaction); a payload is stored only if the stamp it was computed under is still current, so it is never
    stale after a save. An internal table: not shown to users (hence no translated names), not in the admin.
    """

    measure = models.OneToOneField(Measure, on_delete=models.CASCADE, primary_key=True, related_name="summary")
    stamp = models.PositiveBigIntegerField(default=0)
    key = models.CharField(max_length=64, blank=True)
    payload = models.JSONField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "measure summary (cache)"
        verbose_name_plural = "measure summaries (cache)"

    def __str__(self):
        return f"{self.measure_id} #{self.stamp}"


class LockChangeQuerySet(DepartmentScopedQuerySet):
    department_path = "department"


class LockChange(models.Model):
    """One recorded change of a month's lock for one department (see `measurements/locking.py`).

    A month locks by itself a set number of days after it ends (`VAELGKLOGT_LOCK_DAYS`); that needs no record.
    What is recorded is every human change: KDK reopening a locked month for one department, with a reason, and
    locking it again. The latest change for a department and month decides; the rows are never edited.
    """

    class Kind(models.TextChoices):
        REOPENED = "reopened", _("Genåbnet")
        LOCKED = "locked", _("Låst igen")

    department = models.ForeignKey(
        "departments.Department", on_delete=models.CASCADE, related_name="lock_changes", verbose_name=_("afdeling")
    )
    month = models.DateField(_("måned"), help_text=_("Den første dag i måneden."))
    kind = models.CharField(_("ændring"), max_length=10, choices=Kind.choices)
    reason = models.TextField(_("begrundelse"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ændret af"),
    )
    changed_at = models.DateTimeField(_("tidspunkt"), auto_now_add=True)

    objects = LockChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("ændring af månedslås")
        verbose_name_plural = _("ændringer af månedslåse")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["department", "month"], name="lockchange_department_month")]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="lockchange_month_is_first_day"),
            models.CheckConstraint(
                condition=~Q(kind="reopened") | ~Q(reason=""),
                name="lockchange_reopen_has_reason",
                violation_error_message=_("Skriv en begrundelse for at genåbne måneden."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.month:%Y-%m} ({self.department_id})"
