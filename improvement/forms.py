"""Forms parse and type the input; the rules live in improvement/services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DanishDateField, DanishMonthField

from .models import PdsaCycle
from .selectors import score_choices

DATE_REQUIRED = {"required": _("Skriv datoen, fx 15.12.2026.")}


class CycleForm(forms.Form):
    """All four parts of a cycle in one form; the status says how far it has come."""

    status = forms.ChoiceField(label=_("Status"), choices=PdsaCycle.Status.choices)
    change = forms.CharField(label=_("Forandring der testes"), max_length=200, required=False)
    sections = forms.ModelMultipleChoiceField(
        label=_("Afsnit"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    who = forms.CharField(label=_("Hvem"), max_length=200, required=False)
    start = DanishDateField(label=_("Start"), error_messages=DATE_REQUIRED)
    end = DanishDateField(label=_("Slut"), error_messages=DATE_REQUIRED)
    prediction_measure = forms.ModelChoiceField(
        label=_("Måling der skal flytte sig"), queryset=None, required=False, empty_label=_("Vælg en måling")
    )
    prediction_direction = forms.ChoiceField(
        label=_("Retning"), choices=[("", _("Vælg retning")), *PdsaCycle.Direction.choices], required=False
    )
    prediction_amount = forms.CharField(
        label=_("Hvor meget"),
        max_length=60,
        required=False,
        help_text=_("Fx »10 procentpoint« eller »til under 25 %«."),
    )
    prediction = forms.CharField(
        label=_("Forudsigelse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Hvad forventer I der sker – og hvorfor?"),
    )
    data_to_collect = forms.CharField(
        label=_("Data der indsamles"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    what_happened = forms.CharField(label=_("Hvad skete der"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(label=_("Problemer undervejs"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    result = forms.CharField(
        label=_("Resultat mod forudsigelsen"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision = forms.ChoiceField(
        label=_("Beslutning"),
        required=False,
        choices=[("", _("Ikke besluttet")), *PdsaCycle.Decision.choices],
        help_text=_("Indfør med knappen »Indfør forandringen« – den opretter tiltaget på diagrammerne."),
    )
    decision_note = forms.CharField(label=_("Næste skridt"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].queryset = initiative.department.sections.order_by("name")
        self.fields["prediction_measure"].queryset = initiative.measures.order_by("name")


class ScoreForm(forms.Form):
    month = DanishMonthField(label=_("Måned"), error_messages={"required": _("Skriv måneden, fx december 2026.")})
    score = forms.ChoiceField(label=_("Score"), choices=score_choices, error_messages={"required": _("Vælg en score.")})
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
