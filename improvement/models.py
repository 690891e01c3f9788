"""The Model for Improvement (*forbedringsmodellen*): an initiative's driver diagram, its PDSA cycles and the team's
monthly progress score. They link initiatives (above them: tiltag) to measures (the prediction of a cycle).

Writes go through `improvement.services`; who may see and change them through `departments.access` (the querysets
below name the path to the department and to the flag *del som inspiration*).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from departments.access import DepartmentScopedQuerySet
from departments.models import Section
from initiatives.models import Action, Initiative
from measurements.models import Measure


class DriverDiagramQuerySet(DepartmentScopedQuerySet):
    department_path = "initiative__department"
    shared_path = "initiative__shared_as_inspiration"


class DriverDiagram(models.Model):
    """One initiative's driver diagram; its aim is the initiative's aim statement."""

    initiative = models.OneToOneField(
        Initiative, on_delete=models.CASCADE, related_name="driver_diagram", verbose_name=_("indsats")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DriverDiagramQuerySet.as_manager()

    class Meta:
        verbose_name = _("driverdiagram")
        verbose_name_plural = _("driverdiagrammer")

    def __str__(self):
        return str(self.initiative)


class DriverQuerySet(DepartmentScopedQuerySet):
    department_path = "diagram__initiative__department"
    shared_path = "diagram__initiative__shared_as_inspiration"


class Driver(models.Model):
    """A primary driver (no parent) or a secondary driver (under a primary one)."""

    diagram = models.ForeignKey(DriverDiagram, on_delete=models.CASCADE, related_name="drivers")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("primær driver"),
    )
    text = models.CharField(_("driver"), max_length=200)
    position = models.PositiveIntegerField(default=0)

    objects = DriverQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("driver")
        verbose_name_plural = _("drivere")
        ordering = ["position", "id"]

    def __str__(self):
        return self.text

    @property
    def is_primary(self) -> bool:
        return self.parent_id is None

    @property
    def add_child_id(self) -> str:
        """The id of the diagram's field for a new secondary driver under this one (kept across htmx swaps)."""
        return f"add-child-{self.pk}"

    @property
    def add_idea_id(self) -> str:
        return f"add-idea-{self.pk}"


class ChangeIdeaQuerySet(DepartmentScopedQuerySet):
    department_path = "driver__diagram__initiative__department"
    shared_path = "driver__diagram__initiative__shared_as_inspiration"


class ChangeIdea(models.Model):
    """A change idea under a driver (usually a secondary one); key persons propose, those who steer accept."""

    driver = models.ForeignKey(Driver, on_delete=models.CASCADE, related_name="change_ideas", verbose_name=_("driver"))
    text = models.CharField(_("forandringsidé"), max_length=200)
    position = models.PositiveIntegerField(default=0)
    proposed = models.BooleanField(
        _("foreslået"), default=False, help_text=_("Foreslået af en nøgleperson; endnu ikke godkendt af ledelsen.")
    )
    measures = models.ManyToManyField(Measure, blank=True, related_name="change_ideas", verbose_name=_("målinger"))
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies", verbose_name=_("kopieret fra")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ChangeIdeaQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[measures])

    class Meta:
        verbose_name = _("forandringsidé")
        verbose_name_plural = _("forandringsidéer")
        ordering = ["position", "id"]

    def __str__(self):
        return self.text


class PdsaCycleQuerySet(DepartmentScopedQuerySet):
    department_path = "initiative__department"
    shared_path = "initiative__shared_as_inspiration"


class PdsaCycle(models.Model):
    """A test of one change (Plan, Do, Study, Act) with a prediction; the next cycle links back to this one."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        RUNNING = "running", _("I gang")
        STUDY = "study", _("Studér")
        DONE = "done", _("Afsluttet")

    class Decision(models.TextChoices):
        ADOPT = "adopt", _("Indfør")
        ADAPT = "adapt", _("Tilpas")
        ABANDON = "abandon", _("Forkast")

    class Direction(models.TextChoices):
        DOWN = "down", _("falde")
        UP = "up", _("stige")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="pdsa_cycles", verbose_name=_("indsats")
    )
    change_idea = models.ForeignKey(
        ChangeIdea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cycles",
        verbose_name=_("forandringsidé"),
    )
    previous = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_cycle", verbose_name=_("forrige")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    # Plan
    change = models.CharField(_("forandring der testes"), max_length=200)
    sections = models.ManyToManyField(Section, blank=True, related_name="pdsa_cycles", verbose_name=_("afsnit"))
    who = models.CharField(_("hvem"), max_length=200, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("slut"))
    prediction_measure = models.ForeignKey(
        Measure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predicted_by",
        verbose_name=_("måling der skal flytte sig"),
    )
    prediction_direction = models.CharField(
        _("retning"), max_length=4, choices=Direction.choices, blank=True, default=""
    )
    prediction_amount = models.CharField(_("hvor meget"), max_length=60, blank=True)
    prediction = models.TextField(_("forudsigelse"), blank=True)
    data_to_collect = models.TextField(_("data der indsamles"), blank=True)
    # Do
    what_happened = models.TextField(_("hvad skete der"), blank=True)
    problems = models.TextField(_("problemer undervejs"), blank=True)
    # Study
    result = models.TextField(_("resultat mod forudsigelsen"), blank=True)
    # Act
    decision = models.CharField(_("beslutning"), max_length=10, choices=Decision.choices, blank=True, default="")
    decision_note = models.TextField(_("næste skridt"), blank=True)
    action = models.OneToOneField(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="pdsa_cycle", verbose_name=_("tiltag")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PdsaCycleQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[sections])

    class Meta:
        verbose_name = _("PDSA-cyklus")
        verbose_name_plural = _("PDSA-cyklusser")
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lte=F("end")), name="pdsa_cycle_period_ordered"),
        ]

    def __str__(self):
        return self.change

    @property
    def has_prediction(self) -> bool:
        return bool(self.prediction_measure_id and self.prediction_direction and self.prediction.strip())


class ProgressScoreQuerySet(DepartmentScopedQuerySet):
    department_path = "initiative__department"
    shared_path = "initiative__shared_as_inspiration"


#: The IHI progress scale with Danish labels (score → label).
SCORES = {
    "0.5": _("Ideer drøftet, ingen aktivitet"),
    "1.0": _("Team dannet, forberedelse"),
    "1.5": _("Planlægning begyndt"),
    "2.0": _("Aktivitet, men ingen forandringer"),
    "2.5": _("Forandringer testet, men ingen forbedring"),
    "3.0": _("Beskeden forbedring"),
    "3.5": _("Forbedring"),
    "4.0": _("Betydelig forbedring"),
    "4.5": _("Vedvarende forbedring"),
    "5.0": _("Enestående, varige resultater"),
}


class ProgressScore(models.Model):
    """The team's score of an initiative for one month (IHI scale 0.5–5.0), with a short note."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="progress_scores", verbose_name=_("indsats")
    )
    month = models.DateField(_("måned"))
    score = models.DecimalField(_("score"), max_digits=2, decimal_places=1)
    note = models.CharField(_("note"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    objects = ProgressScoreQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fremdriftsscore")
        verbose_name_plural = _("fremdriftsscorer")
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "month"], name="progress_score_one_per_month"),
            models.CheckConstraint(condition=Q(score__gte=0.5, score__lte=5), name="progress_score_on_scale"),
        ]

    def __str__(self):
        return f"{self.score} ({self.month:%m.%Y})"

    @property
    def label(self) -> str:
        return str(SCORES.get(f"{self.score:.1f}", ""))
