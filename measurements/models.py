from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from departments.access import DepartmentScopedQuerySet
from departments.models import Section
from initiatives.models import Initiative


class Unit(models.TextChoices):
    PROPORTION = "proportion", _("Andel (tæller/nævner)")
    COUNT = "count", _("Antal")
    RATE = "rate", _("Rate pr. N (tæller pr. nævner)")
    MEAN = "mean", _("Gennemsnit (antal observationer, gennemsnit og standardafvigelse)")
    EVENTS = "events", _("Sjældne hændelser (datoen for hver hændelse)")


#: Units whose monthly value has no denominator.
NO_DENOMINATOR_UNITS = frozenset({Unit.COUNT, Unit.MEAN, Unit.EVENTS})


class ChartKind(models.TextChoices):
    """Every chart kind of `measurements.spc`; which fit a unit is `charts.kinds_for_unit`."""

    RUN = "run", _("Seriediagram")
    P = "p", _("P-kontroldiagram")
    PP = "pp", _("P′-kontroldiagram (Laney)")
    U = "u", _("U-kontroldiagram")
    UP = "up", _("U′-kontroldiagram (Laney)")
    I = "i", _("I-kontroldiagram")  # noqa: E741 - the chart's name
    MR = "mr", _("MR-kontroldiagram")
    C = "c", _("C-kontroldiagram")
    G = "g", _("G-kontroldiagram (muligheder mellem hændelser)")
    T = "t", _("T-kontroldiagram (dage mellem hændelser)")
    XBAR = "xbar", _("Xbar-kontroldiagram (gennemsnit)")
    S = "s", _("S-kontroldiagram (standardafvigelse)")


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
    expected_min = models.DecimalField(
        _("forventet mindst"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Værdier under dette spørges der til (de gemmes). I visningsenheden, som målet."),
    )
    expected_max = models.DecimalField(
        _("forventet højst"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Værdier over dette spørges der til (de gemmes). I visningsenheden, som målet."),
    )
    per_section = models.BooleanField(
        _("måles pr. afsnit"), default=True, help_text=_("Fra: én værdi for hele afdelingen pr. måned.")
    )
    start_month = models.DateField(_("første måned"), null=True, blank=True)
    end_month = models.DateField(_("sidste måned"), null=True, blank=True)
    chart_kind = models.CharField(
        _("diagramtype"),
        max_length=10,
        blank=True,
        default="",
        choices=ChartKind.choices,
        help_text=_("Tom: den anbefalede diagramtype for enheden."),
    )
    #: Grows with every change of the chart's other inputs (phases, exclusions, point notes), in the same transaction
    #: (`measurements.phases`), so remembered charts and status results keyed on the measure's fields never go stale.
    chart_revision = models.PositiveIntegerField(default=0, editable=False)
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
                condition=Q(expected_min__isnull=True)
                | Q(expected_max__isnull=True)
                | Q(expected_min__lte=F("expected_max")),
                name="measure_expected_range_ordered",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def has_denominator(self) -> bool:
        return self.unit not in NO_DENOMINATOR_UNITS

    @property
    def is_mean(self) -> bool:
        return self.unit == Unit.MEAN

    @property
    def is_events(self) -> bool:
        return self.unit == Unit.EVENTS


class ChartPhaseQuerySet(DepartmentScopedQuerySet):
    department_path = "measure__initiative__department"

    def active(self):
        return self.filter(undone_at__isnull=True)


class ChartPhase(models.Model):
    """A decision about a measure's chart, taken on purpose by a steering user: freeze the baseline (centre and
    limits from the months up to and including `month`), split the chart after `month` (a new phase begins, e.g.
    after a tiltag) or exclude `month` from the analysis (still drawn, hollow). Never made by the software.

    Rows are never edited or deleted: undoing sets `undone_at`/`undone_by`, so the rows are the history.
    """

    class Kind(models.TextChoices):
        FREEZE = "freeze", _("Fastfrys baseline")
        SPLIT = "split", _("Del diagrammet")
        EXCLUDE = "exclude", _("Udelad måned")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="phases", verbose_name=_("måling"))
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    month = models.DateField(_("måned"), help_text=_("Den første dag i måneden."))
    reason = models.CharField(_("begrundelse"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("tidspunkt"), auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(_("fortrudt"), null=True, blank=True)
    undo_reason = models.CharField(_("begrundelse for at fortryde"), max_length=300, blank=True)

    objects = ChartPhaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("fase i diagram")
        verbose_name_plural = _("faser i diagrammer")
        ordering = ["measure", "month", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure"],
                condition=Q(kind="freeze", undone_at__isnull=True),
                name="chartphase_one_freeze",
                violation_error_message=_("Baselinen er allerede fastfrosset. Fortryd den først."),
            ),
            models.UniqueConstraint(
                fields=["measure", "kind", "month"],
                condition=Q(undone_at__isnull=True),
                name="chartphase_one_per_month",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="chartphase_month_is_first_day"),
            models.CheckConstraint(condition=~Q(reason=""), name="chartphase_has_reason"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.month:%Y-%m} ({self.measure_id})"


class PointNoteQuerySet(DepartmentScopedQuerySet):
    department_path = "measure__initiative__department"


class PointNote(models.Model):
    """A short note on one month of one measure (holiday, IT outage, changed registration): shown on hover and as a
    small mark on the chart, distinct from tiltag. One per measure and month; history kept."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="notes", verbose_name=_("måling"))
    month = models.DateField(_("måned"), help_text=_("Den første dag i måneden."))
    text = models.CharField(_("note"), max_length=200)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    written_at = models.DateTimeField(_("skrevet"), auto_now=True)

    objects = PointNoteQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("note på punkt")
        verbose_name_plural = _("noter på punkter")
        ordering = ["measure", "month"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "month"], name="pointnote_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="pointnote_month_is_first_day"),
            models.CheckConstraint(condition=~Q(text=""), name="pointnote_has_text"),
        ]

    def __str__(self):
        return f"{self.measure_id} {self.month:%Y-%m}: {self.text}"


class MeasurementQuerySet(DepartmentScopedQuerySet):
    department_path = "measure__initiative__department"


class Measurement(models.Model):
    """One measure × section (or the whole department) × month: aggregated counts only, never patient data.

    `unit` repeats the measure's unit so the database itself can hold the proportion invariant
    (numerator ≤ denominator); the write service keeps it in step with the measure.

    What `numerator` holds per unit: the count (proportion, rate, count); the number of observations (*gennemsnit*,
    with `mean` and `sd` of those observations in the measure's unit, e.g. minutes); the number of events recorded
    for the month (*sjældne hændelser*: the events themselves are `RareEvent` rows; 0 is "ingen hændelser"
    confirmed). Mean and SD are empty for every other unit.
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
    mean = models.DecimalField(_("gennemsnit"), max_digits=14, decimal_places=4, null=True, blank=True)
    sd = models.DecimalField(_("standardafvigelse"), max_digits=14, decimal_places=4, null=True, blank=True)
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
            models.CheckConstraint(
                condition=~Q(unit__in=[Unit.MEAN, Unit.EVENTS]) | Q(denominator__isnull=True),
                name="measurement_mean_events_have_no_denominator",
            ),
            models.CheckConstraint(
                condition=Q(unit=Unit.MEAN) | (Q(mean__isnull=True) & Q(sd__isnull=True)),
                name="measurement_mean_sd_only_for_means",
            ),
            models.CheckConstraint(
                condition=~Q(unit=Unit.MEAN) | Q(numerator=0) | Q(mean__isnull=False),
                name="measurement_mean_given_with_observations",
            ),
            models.CheckConstraint(condition=Q(sd__isnull=True) | Q(sd__gte=0), name="measurement_sd_non_negative"),
        ]

    def __str__(self):
        return f"{self.measure.code} {self.month:%Y-%m} {self.section or ''}".strip()

    @property
    def value_text(self) -> str:
        """The stored value as the pages show it: "12/80", "7", "n = 24, gns. 31,5 (SD 4,2)", "2 hændelser"."""
        return value_text(self)


def _decimal_text(value) -> str:
    from django.utils.formats import number_format

    return number_format(value.normalize() if hasattr(value, "normalize") else value, use_l10n=True)


def value_text(record) -> str:
    """A stored value (a Measurement or one of its history rows) in words, for tables and history."""
    unit = record.unit
    if unit == Unit.MEAN:
        if not record.numerator:
            return gettext("ingen observationer")
        text = gettext("n = %(n)s, gns. %(mean)s") % {"n": record.numerator, "mean": _decimal_text(record.mean)}
        if record.sd is not None:
            text += " " + gettext("(SD %(sd)s)") % {"sd": _decimal_text(record.sd)}
        return text
    if unit == Unit.EVENTS:
        if not record.numerator:
            return gettext("ingen hændelser")
        return ngettext("%(n)d hændelse", "%(n)d hændelser", record.numerator) % {"n": record.numerator}
    if record.denominator is None:
        return str(record.numerator)
    return f"{record.numerator}/{record.denominator}"


class RareEventQuerySet(DepartmentScopedQuerySet):
    department_path = "measure__initiative__department"


class RareEvent(models.Model):
    """One rare event of a *sjældne hændelser* measure: only its date (and, optionally, the opportunities since the
    previous event, e.g. operations). No free text and nothing about the patient: the one exception DESIGN.md allows
    to "aggregates only". Written only by the write service (`measurements.services.events_record`), which keeps the
    month's `Measurement` (the number of events, 0 = "ingen hændelser") in step in the same transaction."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="events", verbose_name=_("måling"))
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afsnit"),
        help_text=_("Tomt: hele afdelingen."),
    )
    date = models.DateField(_("dato"))
    opportunities = models.PositiveIntegerField(
        _("muligheder siden forrige hændelse"),
        null=True,
        blank=True,
        help_text=_("Fx antal operationer siden forrige hændelse (til G-diagrammet). Kan udelades."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registreret af"),
    )
    entered_at = models.DateTimeField(_("registreret"), auto_now=True)

    objects = RareEventQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sjælden hændelse")
        verbose_name_plural = _("sjældne hændelser")
        ordering = ["measure", "date", "id"]
        indexes = [models.Index(fields=["measure", "date"], name="rareevent_measure_date")]

    def __str__(self):
        return f"{self.measure_id} {self.date:%Y-%m-%d}"


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
    open_until = models.DateField(
        _("åben til og med"),
        null=True,
        blank=True,
        help_text=_("Tomt: åben, til KDK låser igen. Ellers låses måneden igen af sig selv dagen efter."),
    )
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


# --- data quality and sign-off (issue 14) ---------------------------------------------------------------------------


class ValueCheckQuerySet(DepartmentScopedQuerySet):
    department_path = "measurement__measure__initiative__department"


class ValueCheck(models.Model):
    """A saved value the write service questioned: outside the measure's expected range, far outside what the
    measure's own history makes likely, or 0/0 for a proportion. The value is kept; the question waits for a
    comment or a confirmation from the department (`measurements.checks` states the rules)."""

    class Kind(models.TextChoices):
        RANGE = "range", _("Uden for det forventede interval")
        HISTORY = "history", _("Usædvanlig i forhold til målingens historik")
        ZERO = "zero", _("0 af 0")

    measurement = models.OneToOneField(
        Measurement, on_delete=models.CASCADE, related_name="question", verbose_name=_("registrering")
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    message = models.CharField(_("spørgsmål"), max_length=300)
    explanation = models.CharField(_("forklaring"), max_length=500, blank=True)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    explained_at = models.DateTimeField(_("forklaret"), null=True, blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    objects = ValueCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("spurgt værdi")
        verbose_name_plural = _("spurgte værdier")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.measurement}"

    @property
    def explained(self) -> bool:
        return self.explained_at is not None


class FollowUpFlagQuerySet(DepartmentScopedQuerySet):
    department_path = "measurement__measure__initiative__department"


class FollowUpFlag(models.Model):
    """*Til opfølgning*: management or KDK marks a value to be looked into, with a note, and clears it with a note."""

    measurement = models.ForeignKey(
        Measurement, on_delete=models.CASCADE, related_name="flags", verbose_name=_("registrering")
    )
    note = models.CharField(_("note"), max_length=500)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    set_at = models.DateTimeField(_("markeret"), auto_now_add=True)
    cleared_note = models.CharField(_("note ved afslutning"), max_length=500, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cleared_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)

    objects = FollowUpFlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("til opfølgning")
        verbose_name_plural = _("til opfølgning")
        ordering = ["-set_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measurement"], condition=Q(cleared_at__isnull=True), name="followupflag_one_open"
            ),
            models.CheckConstraint(condition=~Q(note=""), name="followupflag_has_note"),
        ]

    def __str__(self):
        return f"{self.measurement} ({'afsluttet' if self.cleared_at else 'åben'})"


class GapReasonQuerySet(DepartmentScopedQuerySet):
    department_path = "measure__initiative__department"


class GapReason(models.Model):
    """An explained gap: why a measure has no value for a section and month ("ingen data: …"). Not a value; the
    completeness figure counts explained gaps apart from values. A value entered later makes it moot."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="gap_reasons")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    month = models.DateField(_("måned"))
    reason = models.CharField(_("begrundelse"), max_length=300)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    given_at = models.DateTimeField(_("tidspunkt"), auto_now=True)

    objects = GapReasonQuerySet.as_manager()

    class Meta:
        verbose_name = _("forklaret hul")
        verbose_name_plural = _("forklarede huller")
        ordering = ["measure", "month", "section"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "section", "month"],
                condition=Q(section__isnull=False),
                name="gapreason_one_per_slot",
            ),
            models.UniqueConstraint(
                fields=["measure", "month"], condition=Q(section__isnull=True), name="gapreason_one_per_department"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="gapreason_month_is_first_day"),
            models.CheckConstraint(condition=~Q(reason=""), name="gapreason_has_reason"),
        ]

    def __str__(self):
        return f"{self.measure_id} {self.month:%Y-%m}: {self.reason}"


class MonthReportQuerySet(DepartmentScopedQuerySet):
    department_path = "department"


class MonthReport(models.Model):
    """*Indberettet*: a key person marked a department's month complete (all its measures and sections).

    On time when marked before the month's lock date. `changed_at` is set by the write service when a value of the
    month changes afterwards (*ændret efter indberetning*)."""

    department = models.ForeignKey(
        "departments.Department", on_delete=models.CASCADE, related_name="month_reports", verbose_name=_("afdeling")
    )
    month = models.DateField(_("måned"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reported_at = models.DateTimeField(_("indberettet"))
    on_time = models.BooleanField(_("rettidigt"))
    changed_at = models.DateTimeField(_("ændret efter indberetning"), null=True, blank=True)

    objects = MonthReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("indberettet måned")
        verbose_name_plural = _("indberettede måneder")
        ordering = ["-month", "department"]
        constraints = [
            models.UniqueConstraint(fields=["department", "month"], name="monthreport_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="monthreport_month_is_first_day"),
        ]

    def __str__(self):
        return f"{self.department_id} {self.month:%Y-%m}"


class ReopenRequestQuerySet(DepartmentScopedQuerySet):
    department_path = "department"


class ReopenRequest(models.Model):
    """A key person's request that KDK reopens a locked month for their department. One pending request per
    department and month; KDK grants it (the month opens for VAELGKLOGT_REOPEN_DAYS days) or refuses it with a reason."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        GRANTED = "granted", _("Imødekommet")
        REFUSED = "refused", _("Afvist")

    department = models.ForeignKey(
        "departments.Department", on_delete=models.CASCADE, related_name="reopen_requests", verbose_name=_("afdeling")
    )
    month = models.DateField(_("måned"))
    reason = models.CharField(_("begrundelse"), max_length=1000)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(_("anmodet"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("afgjort"), null=True, blank=True)
    decision_reason = models.CharField(_("svar"), max_length=1000, blank=True)
    open_until = models.DateField(_("åben til og med"), null=True, blank=True)

    objects = ReopenRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("anmodning om genåbning")
        verbose_name_plural = _("anmodninger om genåbning")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "month"], condition=Q(status="pending"), name="reopenrequest_one_pending"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="reopenrequest_month_is_first_day"),
            models.CheckConstraint(condition=~Q(reason=""), name="reopenrequest_has_reason"),
        ]

    def __str__(self):
        return f"{self.department_id} {self.month:%Y-%m} ({self.status})"


class QuarterApprovalQuerySet(DepartmentScopedQuerySet):
    department_path = "department"


class QuarterApproval(models.Model):
    """*Godkendelse*: department management (or KDK) approves a quarter's numbers, all measures. A value saved
    afterwards sets `changed_at` (*ændret efter godkendelse*, in the saving transaction); withdrawing needs a reason.
    `quarter` is written like a report period, `2026Q3`."""

    class Status(models.TextChoices):
        APPROVED = "approved", _("Godkendt")
        WITHDRAWN = "withdrawn", _("Trukket tilbage")

    department = models.ForeignKey(
        "departments.Department", on_delete=models.CASCADE, related_name="approvals", verbose_name=_("afdeling")
    )
    quarter = models.CharField(_("kvartal"), max_length=6)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPROVED)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    approved_at = models.DateTimeField(_("godkendt"))
    changed_at = models.DateTimeField(_("ændret efter godkendelse"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("trukket tilbage"), null=True, blank=True)
    withdraw_reason = models.CharField(_("begrundelse"), max_length=1000, blank=True)

    objects = QuarterApprovalQuerySet.as_manager()

    class Meta:
        verbose_name = _("godkendelse af kvartal")
        verbose_name_plural = _("godkendelser af kvartaler")
        ordering = ["-approved_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "quarter"], condition=Q(status="approved"), name="quarterapproval_one_active"
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdraw_reason=""), name="quarterapproval_withdraw_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.department_id} {self.quarter} ({self.status})"
