"""Forms parse input only; the rules live in the services (`services.py`, `locking.py`, `initiatives/services.py`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from departments.models import Department

from .imports import max_bytes, too_large_message


class MonthField(forms.DateField):
    """`<input type="month">`: YYYY-MM, stored as the first day of the month."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": _("Skriv måneden som ÅÅÅÅ-MM, fx 2026-03.")}


class ActionForm(forms.Form):
    date = forms.DateField(
        label=_("Dato"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Vælg datoen for tiltaget."), "invalid": _("Skriv en gyldig dato.")},
    )
    text = forms.CharField(
        label=_("Tiltag"),
        max_length=200,
        help_text=_("Kort: hvad ændrede I? Vises som en markør på diagrammet."),
        error_messages={"required": _("Skriv kort, hvad I ændrede.")},
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (CSV eller Excel .xlsx)"),
        error_messages={"required": _("Vælg en fil."), "empty": _("Filen er tom.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(too_large_message(upload.size))
        return upload


class ReopenForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Afdeling"), queryset=Department.objects.all(), error_messages={"required": _("Vælg en afdeling.")}
    )
    month = MonthField(label=_("Måned"), error_messages={"required": _("Vælg en måned.")})
    reason = forms.CharField(
        label=_("Begrundelse"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,  # the service requires it, with its own message
        max_length=1000,
    )


class RelockForm(forms.Form):
    department = forms.ModelChoiceField(queryset=Department.objects.all())
    month = MonthField()
    reason = forms.CharField(required=False, max_length=1000)
