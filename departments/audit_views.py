"""The audit trail as pages: KDK reads and filters all of it; every user sees the entries about themselves."""

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.forms import DanishDateField

from .access import is_kdk, require
from .models import AuditEvent

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=_("Bruger"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Handling"), required=False, choices=[("", _("Alle")), *AuditEvent.Action.choices]
    )
    outcome = forms.ChoiceField(
        label=_("Udfald"), required=False, choices=[("", _("Alle")), *AuditEvent.Outcome.choices]
    )
    object = forms.CharField(label=_("Objekt"), required=False, max_length=100, help_text=_("Type, id eller navn"))
    date_from = DanishDateField(label=_("Fra dato"), required=False)
    date_to = DanishDateField(label=_("Til dato"), required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Til-datoen skal ligge efter fra-datoen."))
        return cleaned


def _utc_day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def filter_events(queryset, data: dict):
    """Apply the (cleaned) filter form to a queryset of audit events. Dates are UTC days, as the entries."""
    if data.get("user"):
        queryset = queryset.filter(username__icontains=data["user"])
    if data.get("action"):
        queryset = queryset.filter(action=data["action"])
    if data.get("outcome"):
        queryset = queryset.filter(outcome=data["outcome"])
    if data.get("object"):
        term = data["object"]
        queryset = queryset.filter(Q(object_type__icontains=term) | Q(object_id=term) | Q(object_repr__icontains=term))
    if data.get("date_from"):
        queryset = queryset.filter(at__gte=_utc_day_start(data["date_from"]))
    if data.get("date_to"):
        queryset = queryset.filter(at__lt=_utc_day_start(data["date_to"] + dt.timedelta(days=1)))
    return queryset


def _page(request, queryset):
    paginator = Paginator(queryset, PAGE_SIZE)
    return paginator.get_page(request.GET.get("side"))


@login_required
@require_GET
def audit_list(request):
    require(is_kdk(request.user))
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_bound and form.is_valid():
        events = filter_events(events, form.cleaned_data)
    elif form.is_bound:
        events = events.none()
    page = _page(request, events)
    query = request.GET.copy()
    query.pop("side", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "now_utc": timezone.now()}
    template = "departments/audit_list.html#results" if request.htmx else "departments/audit_list.html"
    return render(request, template, context)


@login_required
@require_GET
def audit_mine(request):
    page = _page(request, AuditEvent.objects.about(request.user))
    return render(request, "departments/audit_mine.html", {"page": page})
