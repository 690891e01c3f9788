from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from departments.models import Department, UserProfile

from .models import ApiToken
from .tokens import DEFAULT_DAYS, MAX_DAYS


class OwnTokenForm(forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=100, help_text=_("Hvad nøglen bruges til, fx »Power BI«."))
    days = forms.IntegerField(label=_("Gyldig i dage"), min_value=1, max_value=MAX_DAYS, initial=90)


class IntegrationTokenForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Integration"), queryset=get_user_model().objects.none())
    scope = forms.ChoiceField(label=_("Adgang"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.WRITE)
    name = forms.CharField(label=_("Navn"), max_length=100)
    days = forms.IntegerField(label=_("Gyldig i dage"), min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            get_user_model().objects.filter(profile__kind=UserProfile.Kind.SYSTEM, is_active=True).order_by("username")
        )
        self.fields["owner"].label_from_instance = lambda user: user.username


class IntegrationForm(forms.Form):
    username = forms.CharField(label=_("Brugernavn"), max_length=61, help_text=_("Små bogstaver, fx »dwh-ortopaedi«."))
    description = forms.CharField(
        label=_("Beskrivelse"),
        max_length=300,
        required=False,
        help_text=_("Hvad integrationen gør, og hvem der ejer den."),
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Afdelinger (læse og registrere værdier)"),
        queryset=Department.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    hospital_wide = forms.BooleanField(label=_("Hele sygehusgruppen, kun læsning (BI)"), required=False)
