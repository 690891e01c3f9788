"""Forms parse and type the input; the domain rules live in initiatives/services.py."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DanishDateField
from departments.models import Department

from .models import Initiative, NationalGoal, Recommendation
from .services import START_STATUSES

AIM_HELP = _(
    "Skriv målet som »fra … til … inden …«, fx: »Fra 38 % til 20 % af de opererede får blærekateter inden "
    "december 2027«. Så kan alle se, hvornår I er i mål."
)


def year_choices(*, around: int | None = None) -> list[tuple[int, int]]:
    """This year and the next two (and `around`, if it lies outside them)."""
    this_year = timezone.localdate().year
    years = set(range(this_year, this_year + 3))
    if around:
        years.add(around)
    return [(year, year) for year in sorted(years)]


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Søg"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Ord i titel, tekst eller selskab")}),
    )
    society = forms.ChoiceField(label=_("Fagligt selskab"), required=False)
    year = forms.TypedChoiceField(label=_("År"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Alle")), *Recommendation.Kind.choices],
    )

    def __init__(self, *args, societies=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["society"].choices = [("", _("Alle selskaber")), *((s, s) for s in societies)]
        self.fields["year"].choices = [("", _("Alle år")), *((y, y) for y in years)]


class _SectionsAndGoals(forms.Form):
    sections = forms.ModelMultipleChoiceField(
        label=_("Afsnit"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Hvor indsatsen gennemføres og måles. Vælg et eller flere afsnit."),
    )
    aim = forms.CharField(
        label=_("Formål"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=AIM_HELP
    )
    national_goals = forms.ModelMultipleChoiceField(
        label=_("Nationale mål"),
        queryset=NationalGoal.objects.order_by("number"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Hvilke af de 8 nationale mål for sundhedsvæsenet indsatsen støtter."),
    )

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].queryset = department.sections.order_by("name")


class SelectForm(_SectionsAndGoals):
    """Select a recommendation or opt-out for a year: the department's new initiative."""

    year = forms.TypedChoiceField(label=_("År"), coerce=int, choices=())
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in START_STATUSES],
        initial=Initiative.Status.PLANNED,
    )
    field_order = ["year", "sections", "aim", "national_goals", "status"]

    def __init__(self, *args, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices(around=year)
        # A new selection says where and what for (initiatives.services.initiative_select checks it too).
        self.fields["sections"].required = True
        self.fields["sections"].error_messages["required"] = _("Vælg mindst ét afsnit, hvor indsatsen gennemføres.")
        self.fields["aim"].required = True
        self.fields["aim"].error_messages["required"] = _("Skriv formålet: fra … til … inden ….")


class InitiativeForm(_SectionsAndGoals):
    """Change an initiative's sections, aim and national goals."""


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Ny status"), choices=())
    changed_on = DanishDateField(label=_("Dato"))
    reason = forms.CharField(
        label=_("Begrundelse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Skal udfyldes ved »forankret« og »stoppet«: kort, hvorfor."),
    )

    def __init__(self, *args, current: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("— vælg —")),
            *((value, label) for value, label in Initiative.Status.choices if value != current),
        ]
        if not self.is_bound:
            self.initial.setdefault("changed_on", timezone.localdate())


class OptOutForm(forms.Form):
    title = forms.CharField(
        label=_("Titel"), max_length=255, help_text=_("Kort, fx »Fravalg af daglig vejning af stabile patienter«.")
    )
    text = forms.CharField(
        label=_("Hvad fravælger I?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Beskriv præcist, hvad I holder op med at gøre, og for hvilke patienter."),
    )
    rationale = forms.CharField(
        label=_("Faglig begrundelse"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Hvorfor giver det ikke værdi for patienten? Henvis gerne til evidens eller retningslinjer."),
    )
    source_url = forms.URLField(
        label=_("Link til kilde"), required=False, assume_scheme="https", help_text=_("Valgfrit.")
    )


class CrossHospitalForm(forms.Form):
    year = forms.TypedChoiceField(label=_("År"), coerce=int, choices=())
    recommendation = forms.ModelChoiceField(
        label=_("Anbefaling"),
        queryset=Recommendation.objects.filter(kind=Recommendation.Kind.NATIONAL).order_by("title"),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()


class JoinForm(forms.Form):
    department = forms.ModelChoiceField(queryset=None)
    year = forms.IntegerField(min_value=2000, max_value=2100)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class QualityMeetingForm(forms.Form):
    date = DanishDateField(label=_("Dato"))
    title = forms.CharField(label=_("Titel"), max_length=200, required=False, initial=_("Kvalitetsteammøde"))
    decisions = forms.CharField(
        label=_("Beslutninger"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Hvad besluttede I om Vælg Klogt-indsatserne? Kommer med i næste rapport."),
    )


class InspirationMeetingForm(forms.Form):
    date = DanishDateField(label=_("Dato"))
    title = forms.CharField(label=_("Titel"), max_length=200, required=False)
    participants = forms.ModelMultipleChoiceField(
        label=_("Deltagende afdelinger"),
        queryset=Department.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Afdelinger hvis tovholder deltog. Udfyldes efter mødet."),
    )
    decisions = forms.CharField(label=_("Noter"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
