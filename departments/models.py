from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .access import DEPARTMENT_ROLES, DepartmentScopedQuerySet, Role


class Hospital(models.Model):
    name = models.CharField(_("navn"), max_length=100, unique=True)
    code = models.SlugField(_("kode"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("sygehus")
        verbose_name_plural = _("sygehuse")
        ordering = ["name"]

    def __str__(self):
        return self.name


class DepartmentQuerySet(DepartmentScopedQuerySet):
    department_path = "id"


class Department(models.Model):
    name = models.CharField(_("navn"), max_length=150, unique=True)
    code = models.SlugField(_("kode"), max_length=20, unique=True)
    hospitals = models.ManyToManyField(
        Hospital,
        related_name="departments",
        verbose_name=_("sygehuse"),
        help_text=_("Matrikler afdelingen har afsnit på."),
    )

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("afdeling")
        verbose_name_plural = _("afdelinger")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SectionQuerySet(DepartmentScopedQuerySet):
    department_path = "department"


class Section(models.Model):
    class Kind(models.TextChoices):
        WARD = "ward", _("Sengeafsnit")
        OUTPATIENT = "outpatient", _("Ambulatorium")
        OTHER = "other", _("Andet")

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="sections", verbose_name=_("afdeling")
    )
    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, related_name="sections", verbose_name=_("sygehus"))
    name = models.CharField(_("navn"), max_length=150)
    code = models.SlugField(_("kode"), max_length=20, help_text=_("Kort kode, bruges ved import af målinger."))
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.WARD)

    objects = SectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("afsnit")
        verbose_name_plural = _("afsnit")
        ordering = ["department__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="section_code_unique_in_department"),
            models.UniqueConstraint(fields=["department", "name"], name="section_name_unique_in_department"),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's role; department roles name their department, hospital-group roles do not."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("bruger")
    )
    role = models.CharField(_("rolle"), max_length=30, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("afdeling"),
    )

    objects = DepartmentScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rolle")
        verbose_name_plural = _("roller")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(r.value for r in DEPARTMENT_ROLES), department__isnull=False)
                    | (~Q(role__in=sorted(r.value for r in DEPARTMENT_ROLES)) & Q(department__isnull=True))
                ),
                name="membership_department_matches_role",
                violation_error_message=_("Afdelingsroller skal have en afdeling; KDK og sygehusledelse ingen."),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "department"],
                condition=Q(department__isnull=False),
                name="membership_unique_in_department",
            ),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(department__isnull=True), name="membership_unique_hospital_group"
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}" + (f" ({self.department})" if self.department_id else "")


class LocalTeamQuerySet(DepartmentScopedQuerySet):
    department_path = "department"


class LocalTeam(models.Model):
    """The department's local Vælg Klogt team (Mål 2)."""

    department = models.OneToOneField(
        Department, on_delete=models.CASCADE, related_name="local_team", verbose_name=_("afdeling")
    )
    established_on = models.DateField(_("etableret"), help_text=_("Datoen teamet blev etableret."))
    note = models.TextField(_("note"), blank=True)

    objects = LocalTeamQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lokalt Vælg Klogt-team")
        verbose_name_plural = _("lokale Vælg Klogt-teams")

    def __str__(self):
        return _("Vælg Klogt-team, %(department)s") % {"department": self.department}


class TeamMemberQuerySet(DepartmentScopedQuerySet):
    department_path = "team__department"


class TeamMember(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Tovholder")
        KEY_PERSON = "key_person", _("Nøgleperson")
        LEADER = "leader", _("Leder")
        DOCTOR = "doctor", _("Læge")
        NURSE = "nurse", _("Sygeplejerske")
        OTHER = "other", _("Anden faggruppe")

    team = models.ForeignKey(LocalTeam, on_delete=models.CASCADE, related_name="members", verbose_name=_("team"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="team_memberships",
        verbose_name=_("bruger"),
    )
    name = models.CharField(
        _("navn"), max_length=150, blank=True, help_text=_("Udfyldes, når personen ikke er bruger.")
    )
    title = models.CharField(_("titel"), max_length=150, blank=True)
    role = models.CharField(_("rolle i teamet"), max_length=20, choices=Role.choices)

    objects = TeamMemberQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("teammedlem")
        verbose_name_plural = _("teammedlemmer")
        ordering = ["role", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""),
                name="team_member_has_user_or_name",
                violation_error_message=_("Vælg en bruger eller skriv et navn."),
            ),
        ]

    def __str__(self):
        return f"{self.display_name} ({self.get_role_display()})"

    @property
    def display_name(self) -> str:
        if self.user_id:
            return self.user.get_full_name() or self.user.get_username()
        return self.name


class UserProfile(models.Model):
    """What kind of user an account is. A person signs in and gets e-mails; a *system* user is an integration (a
    data-warehouse feed, a BI tool): it reaches the API with a token only, never signs in with a password, and is
    sent no e-mails or reminders. A user without a profile is a person."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        SYSTEM = "system", _("Integration (system)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name=_("bruger")
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    description = models.CharField(
        _("beskrivelse"), max_length=300, blank=True, help_text=_("Hvad integrationen gør, og hvem der ejer den.")
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("brugerprofil")
        verbose_name_plural = _("brugerprofiler")

    def __str__(self):
        return f"{self.user} ({self.get_kind_display()})"


# --- trust (issue 6): audit trail and single sign-on identities ---------------------------------------------------


class AuditEventQuerySet(models.QuerySet):
    def about(self, user):
        """The entries a user may be shown about themselves. Not the 404s of scoped lookups: their detail tells "not
        yours" from "does not exist", which the user must not learn (KDK's log has them)."""
        return self.filter(user=user).exclude(
            action=AuditEvent.Action.ACCESS_REFUSED, detail__in=[AuditEvent.SCOPED_NOT_FOUND, AuditEvent.NOT_FOUND]
        )


class AuditEvent(models.Model):
    """One line of the audit trail: who did or tried what, to which object, when (stored in UTC), and the outcome.

    Written only through `departments.audit.record`; never changed afterwards (the admin shows it read-only).
    """

    class Action(models.TextChoices):
        LOGIN = "login", _("Log ind")
        LOGIN_FAILED = "login_failed", _("Mislykket log ind")
        LOCKED_OUT = "locked_out", _("Spærret efter for mange forsøg")
        LOGOUT = "logout", _("Log ud")
        SESSION_ENDED = "session_ended", _("Session afsluttet")
        ACCESS_REFUSED = "access_refused", _("Adgang nægtet")
        EXPORT = "export", _("Eksport")
        REPORT_DOWNLOAD = "report_download", _("Rapport hentet")
        ROLES_CHANGED = "roles_changed", _("Roller ændret")
        USER_DISABLED = "user_disabled", _("Bruger deaktiveret")
        REOPEN_REQUESTED = "reopen_requested", _("Genåbning ønsket")
        REOPEN_GRANTED = "reopen_granted", _("Genåbning imødekommet")
        REOPEN_REFUSED = "reopen_refused", _("Genåbning afvist")
        MONTH_REPORTED = "month_reported", _("Måned indberettet")
        QUARTER_APPROVED = "quarter_approved", _("Kvartal godkendt")
        APPROVAL_WITHDRAWN = "approval_withdrawn", _("Godkendelse trukket tilbage")
        FOLLOW_UP = "follow_up", _("Til opfølgning")
        API_WRITE = "api_write", _("Værdier skrevet via API")
        API_TOKEN_CREATED = "api_token_created", _("API-nøgle oprettet")
        API_TOKEN_REVOKED = "api_token_revoked", _("API-nøgle tilbagekaldt")
        INTEGRATION_CREATED = "integration_created", _("Integration oprettet")
        BOARD_LINK_CREATED = "board_link_created", _("Tavlelink oprettet")
        BOARD_LINK_REVOKED = "board_link_revoked", _("Tavlelink tilbagekaldt")
        BOARD_VIEWED = "board_viewed", _("Tavle vist via link")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Lykkedes")
        FAILURE = "failure", _("Mislykkedes")
        REFUSED = "refused", _("Afvist")

    at = models.DateTimeField(_("tidspunkt (UTC)"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("bruger"),
    )
    username = models.CharField(
        _("brugernavn"),
        max_length=150,
        blank=True,
        help_text=_("Som skrevet ved log ind; bevares, hvis brugeren slettes."),
    )
    action = models.CharField(_("handling"), max_length=30, choices=Action.choices)
    outcome = models.CharField(_("udfald"), max_length=20, choices=Outcome.choices)
    object_type = models.CharField(_("objekttype"), max_length=100, blank=True)
    object_id = models.CharField(_("objekt-id"), max_length=64, blank=True)
    object_repr = models.CharField(_("objekt"), max_length=200, blank=True)
    path = models.CharField(_("adresse"), max_length=500, blank=True)
    method = models.CharField(_("metode"), max_length=10, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adresse"), null=True, blank=True)
    detail = models.CharField(_("detaljer"), max_length=500, blank=True)

    objects = AuditEventQuerySet.as_manager()

    #: `detail` of a 404 from a scoped lookup (written after the answer): an object of another department, or none.
    SCOPED_NOT_FOUND = "404: outside the user's scope"
    NOT_FOUND = "404: no such object"

    class Meta:
        verbose_name = _("logpost")
        verbose_name_plural = _("adgangslog")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "-at"], name="audit_user_at"),
            models.Index(fields=["action", "-at"], name="audit_action_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action} {self.outcome}"


class SingleSignOnIdentity(models.Model):
    """Links a user to the identity provider's stable subject (`sub`), so a sign-in never matches by a mutable name
    and never takes over a local break-glass account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identity", verbose_name=_("bruger")
    )
    subject = models.CharField(_("subjekt (sub)"), max_length=255, unique=True)
    last_login_at = models.DateTimeField(_("seneste log ind"), null=True, blank=True)
    last_roles = models.CharField(_("seneste roller fra log ind"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("single sign-on-identitet")
        verbose_name_plural = _("single sign-on-identiteter")

    def __str__(self):
        return f"{self.user} ({self.subject})"


# --- end trust ---


class BoardLinkQuerySet(DepartmentScopedQuerySet):
    department_path = "department"


class BoardLink(models.Model):
    """A read-only link to one department's improvement board (forbedringstavle), for a screen on the ward.

    Management creates it with an expiry and may revoke it; the screen then shows the board without anyone signed
    in, and keeps refreshing after the person who opened it has gone. Only a hash of the link's secret is stored:
    the full link is shown once, when it is created. Whether a link gives access is decided in
    `departments.access.board_link_for`; every use is audited (`AuditEvent.Action.BOARD_VIEWED`).
    """

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="board_links", verbose_name=_("afdeling")
    )
    label = models.CharField(_("skærm"), max_length=100, help_text=_("Hvor skærmen står, fx »Sengeafsnit 1, gangen«."))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_on = models.DateField(_("udløber"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("senest brugt"), null=True, blank=True)
    use_count = models.PositiveIntegerField(_("antal visninger"), default=0)

    objects = BoardLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("tavlelink")
        verbose_name_plural = _("tavlelinks")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.department} – {self.label}"

    def is_active(self, today) -> bool:
        return self.revoked_at is None and today <= self.expires_on
