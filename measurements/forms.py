"""Forms parse input only; the rules live in the services (`services.py`, `locking.py`, `initiatives/services.py`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DanishDateField, DanishMonthField
from departments.models import Department

from .imports import max_bytes, too_large_message


class ActionForm(forms.Form):
    date = DanishDateField(label=_("Dato"), error_messages={"required": _("Skriv datoen for tiltaget.")})
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
    month = DanishMonthField(label=_("Måned"), error_messages={"required": _("Skriv en måned.")})
    reason = forms.CharField(
        label=_("Begrundelse"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,  # the service requires it, with its own message
        max_length=1000,
    )


class RelockForm(forms.Form):
    department = forms.ModelChoiceField(queryset=Department.objects.all())
    month = DanishMonthField()
    reason = forms.CharField(required=False, max_length=1000)
