from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from departments.access import DepartmentScopedQuerySet, access_for
from departments.models import Department, Section


class NationalGoal(models.Model):
    """One of the 8 national goals of the National Quality Programme (seeded by a data migration)."""

    number = models.PositiveSmallIntegerField(_("nummer"), unique=True)
    title = models.CharField(_("titel"), max_length=150)

    class Meta:
        verbose_name = _("nationalt mål")
        verbose_name_plural = _("nationale mål")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.title}"


class RecommendationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """National recommendations for everyone; a local opt-out for its own department, KDK and hospital
        management, and for everybody once KDK has shared it as inspiration."""
        access = access_for(user)
        if access.all_departments_visible:
            return self
        return self.filter(
            Q(kind=Recommendation.Kind.NATIONAL) | Q(shared=True) | Q(owner_department__in=access.visible)
        )


class Recommendation(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "national", _("Vælg Klogt-anbefaling")
        LOCAL = "local", _("Fagligt fravalg")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.NATIONAL)
    title = models.CharField(_("titel"), max_length=255)
    society = models.CharField(_("fagligt selskab"), max_length=150, blank=True)
    text = models.TextField(_("anbefaling"))
    rationale = models.TextField(_("begrundelse"), blank=True)
    source_url = models.URLField(_("kilde (link)"), blank=True)
    year = models.PositiveSmallIntegerField(_("år"), null=True, blank=True)
    is_example = models.BooleanField(
        _("eksempel"), default=False, help_text=_("Eksempeldata: ordlyden er ikke hentet fra en offentlig kilde.")
    )
    owner_department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="opt_outs",
        verbose_name=_("ejer (afdeling)"),
    )
    shared = models.BooleanField(
        _("delt som inspiration"), default=False, help_text=_("KDK kan gøre et fagligt fravalg synligt for alle.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("anbefaling / fagligt fravalg")
        verbose_name_plural = _("anbefalinger og faglige fravalg")
        ordering = ["kind", "society", "title"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="national") & Q(owner_department__isnull=True))
                | (Q(kind="local") & Q(owner_department__isnull=False)),
                name="recommendation_owner_matches_kind",
                violation_error_message=_("Et fagligt fravalg ejes af én afdeling; en national anbefaling af ingen."),
            ),
        ]

    def __str__(self):
        return self.title


def _measure_model():
    """The Measure model, through the relation: measurements sits above this app and is not imported."""
    return Initiative._meta.get_field("measures").related_model


class InitiativeQuerySet(DepartmentScopedQuerySet):
    department_path = "department"
    shared_path = "shared_as_inspiration"

    def with_data_flags(self):
        """Annotate `has_data`: at least one monthly value recorded (followed with measurements, Mål 1). The one
        definition of "followed with measurements"."""
        # Correlated on the initiative's id through the measures' index, not a join and GROUP BY over every
        # measure (13 ms → 2 ms for the hospital-wide status at region scale).
        value_model = _measure_model()._meta.get_field("measurements").related_model
        return self.annotate(has_data=Exists(value_model.objects.filter(measure__initiative_id=OuterRef("pk"))))

    def with_measure_count(self):
        """Annotate `measure_count`, the initiative's measures (the workspace shows it; the status needs not)."""
        measures = (
            _measure_model()
            .objects.filter(initiative_id=OuterRef("pk"))
            .order_by()
            .values("initiative_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(measure_count=Coalesce(Subquery(measures, output_field=models.IntegerField()), 0))


class Initiative(models.Model):
    """A department's implementation of one recommendation or opt-out, in chosen sections, for one year."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        IMPLEMENTING = "implementing", _("Under implementering")
        IMPLEMENTED = "implemented", _("Implementeret")
        ANCHORED = "anchored", _("Forankret")
        STOPPED = "stopped", _("Stoppet")

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="initiatives", verbose_name=_("afdeling")
    )
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("anbefaling")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    sections = models.ManyToManyField(Section, blank=True, related_name="initiatives", verbose_name=_("afsnit"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    status_changed_on = models.DateField(_("status ændret"), null=True, blank=True)
    aim = models.TextField(_("formål (fra … til … inden …)"), blank=True)
    national_goals = models.ManyToManyField(
        NationalGoal, blank=True, related_name="initiatives", verbose_name=_("nationale mål")
    )
    cross_hospital = models.BooleanField(
        _("afdelingens del i den tværgående anbefaling"),
        default=False,
        help_text=_("Sat når afdelingen tilslutter sig årets tværgående anbefaling; tæller ikke med i Mål 1."),
    )
    shared_as_inspiration = models.BooleanField(
        _("del som inspiration"),
        default=False,
        help_text=_(
            "Andre afdelinger, der arbejder med samme anbefaling, kan se indsatsens målinger, diagrammer, "
            "PDSA-cyklusser og fremdriftsscorer."
        ),
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    objects = InitiativeQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sections])

    class Meta:
        verbose_name = _("indsats")
        verbose_name_plural = _("indsatser")
        ordering = ["-year", "department__name", "recommendation__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "recommendation", "year"], name="initiative_unique_per_department_year"
            ),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="initiative_year_sane"),
        ]

    def __str__(self):
        return f"{self.recommendation} – {self.department} ({self.year})"


class StatusChangeQuerySet(DepartmentScopedQuerySet):
    department_path = "initiative__department"


class StatusChange(models.Model):
    """A dated change of an initiative's status; anchored and stopped carry a reason."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("indsats")
    )
    status = models.CharField(_("status"), max_length=20, choices=Initiative.Status.choices)
    changed_on = models.DateField(_("dato"))
    reason = models.TextField(_("begrundelse"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("statusændring")
        verbose_name_plural = _("statusændringer")
        ordering = ["-changed_on", "-recorded_at"]

    def __str__(self):
        return f"{self.get_status_display()} {self.changed_on:%d.%m.%Y}"


class CrossHospitalSelection(models.Model):
    """The one recommendation the hospital group runs across all its hospitals in a year."""

    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.PROTECT,
        related_name="cross_hospital_selections",
        verbose_name=_("anbefaling"),
        limit_choices_to={"kind": Recommendation.Kind.NATIONAL},
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("tværgående anbefaling")
        verbose_name_plural = _("tværgående anbefalinger")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}: {self.recommendation}"


class ActionQuerySet(DepartmentScopedQuerySet):
    department_path = "initiative__department"
    shared_path = "initiative__shared_as_inspiration"


class Action(models.Model):
    """A dated change the team made (tiltag / PDSA); drawn as a marker on the initiative's charts."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="actions", verbose_name=_("indsats")
    )
    date = models.DateField(_("dato"))
    text = models.CharField(_("tiltag"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("tiltag")
        verbose_name_plural = _("tiltag")
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.text}"


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        access = access_for(user)
        if access.all_departments_visible:
            return self
        return self.filter(Q(department__isnull=True) | Q(department__in=access.visible))


class Meeting(models.Model):
    class Kind(models.TextChoices):
        QUALITY_TEAM = "quality_team", _("Kvalitetsteammøde")
        INSPIRATION = "inspiration", _("Inspirationsmøde")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("dato"))
    title = models.CharField(_("titel"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("afdeling"),
        help_text=_("Kun for kvalitetsteammøder."),
    )
    decisions = models.TextField(_("beslutninger"), blank=True)
    participants = models.ManyToManyField(
        Department,
        blank=True,
        related_name="attended_meetings",
        verbose_name=_("deltagende afdelinger"),
        help_text=_("Afdelinger hvis tovholder deltog (inspirationsmøder)."),
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("møde")
        verbose_name_plural = _("møder")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="quality_team") & Q(department__isnull=False))
                | (Q(kind="inspiration") & Q(department__isnull=True)),
                name="meeting_department_matches_kind",
                violation_error_message=_("Et kvalitetsteammøde hører til en afdeling; et inspirationsmøde til alle."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d.%m.%Y}"
