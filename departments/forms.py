"""Forms parse and type the input; the domain rules live in departments/services.py."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DanishDateField

from .models import TeamMember
from .services import department_users


class TeamForm(forms.Form):
    established_on = DanishDateField(
        label=_("Etableret"),
        help_text=_("Den dag teamet holdt sit første møde eller blev udpeget. Mål 2: senest 31. marts."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Fx hvordan teamet arbejder, eller hvornår I mødes."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("established_on"):
            self.initial["established_on"] = timezone.localdate()


class TeamMemberForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Bruger i afdelingen"),
        queryset=None,
        required=False,
        empty_label=_("— ikke bruger, skriv navn —"),
        help_text=_("Vælg en bruger, eller lad feltet stå og skriv navnet nedenfor."),
    )
    name = forms.CharField(label=_("Navn"), max_length=150, required=False)
    title = forms.CharField(
        label=_("Titel"), max_length=150, required=False, help_text=_("Fx sygeplejerske, overlæge, sekretær.")
    )
    role = forms.ChoiceField(
        label=_("Rolle i teamet"),
        choices=[("", _("— vælg rolle —")), *TeamMember.Role.choices],
        error_messages={"required": _("Vælg en rolle i teamet.")},
    )
    confirm_second_coordinator = forms.BooleanField(
        label=_("Ja, teamet skal have to tovholdere"),
        required=False,
        help_text=_("Kun når teamet allerede har en tovholder."),
    )

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = department_users(department)
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class BoardLinkForm(forms.Form):
    label = forms.CharField(
        label=_("Skærm"),
        max_length=100,
        help_text=_("Hvor skærmen står, fx »Sengeafsnit 1, gangen«."),
        error_messages={"required": _("Skriv, hvor skærmen står, fx »Sengeafsnit 1, gangen«.")},
    )
    expires_on = DanishDateField(
        label=_("Udløber"),
        help_text=_("Linket virker til og med denne dag, højst et år frem."),
        error_messages={"required": _("Vælg, hvornår linket udløber.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("expires_on"):
            self.initial["expires_on"] = timezone.localdate() + dt.timedelta(days=90)
