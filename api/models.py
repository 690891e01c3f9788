"""API tokens: a random secret shown once, stored as its SHA-256 hash with a short prefix to recognise it by."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("Læse")
        WRITE = "write", _("Læse og skrive værdier")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("ejer")
    )
    name = models.CharField(_("navn"), max_length=100)
    prefix = models.CharField(_("præfiks"), max_length=16, unique=True, help_text=_("Nøglens første tegn."))
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(_("adgang"), max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oprettet af"),
    )
    expires_at = models.DateTimeField(_("udløber"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("senest brugt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tilbagekaldt af"),
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-nøgle")
        verbose_name_plural = _("API-nøgler")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def may_write(self) -> bool:
        return self.scope == self.Scope.WRITE
