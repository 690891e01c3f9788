"""The measurement-plan form: every field explained for a first-time user. Rules live in definitions.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DanishMonthField
from departments.services import department_users

from .charts import kind_label, kinds_for_unit, recommended_kind
from .models import Measure, Unit


def chart_kind_choices() -> list:
    """The recommended kind ("") and every kind of every unit, grouped by unit (the service checks the fit)."""
    choices: list = [("", _("Anbefalet for enheden"))]
    for unit, label in Unit.choices:
        kinds = kinds_for_unit(unit)
        choices.append(
            (
                label,
                [
                    (kind, kind_label(kind) + (f" – {_('anbefalet')}" if kind == recommended_kind(unit) else ""))
                    for kind in kinds
                ],
            )
        )
    return choices


class MeasureForm(forms.Form):
    name = forms.CharField(
        label=_("Navn"),
        max_length=200,
        help_text=_("Det, grafen skal hedde, fx »Andel opererede med blærekateter«."),
        error_messages={"required": _("Giv målingen et navn, fx “Andel opererede med blærekateter”.")},
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=Measure.Kind.choices,
        initial=Measure.Kind.PROCESS,
        help_text=_(
            "Procesmål: gør vi det, vi har besluttet? Resultatmål: bliver det bedre for patienten? "
            "Balancemål: bliver noget andet værre?"
        ),
    )
    operational_definition = forms.CharField(
        label=_("Operationel definition"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Så præcist, at to kolleger ville tælle det samme: hvilke patienter, hvilken periode, hvad tæller med."
        ),
    )
    unit = forms.ChoiceField(
        label=_("Enhed"),
        choices=Unit.choices,
        initial=Unit.PROPORTION,
        help_text=_(
            "Andel: fx 12 af 80 patienter (vises i procent). Antal: fx 7 hændelser pr. måned. "
            "Rate: fx 4 infektioner pr. 1.000 sengedage."
        ),
    )
    numerator_definition = forms.CharField(
        label=_("Tæller"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Hvad tælles? Fx »Antal opererede, der fik anlagt blærekateter«."),
        error_messages={"required": _("Beskriv, hvad der tælles med i tælleren.")},
    )
    denominator_definition = forms.CharField(
        label=_("Nævner"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Hvad tælleren er en del af, fx »Alle opererede i måneden«. Tom for antal."),
    )
    rate_per = forms.IntegerField(
        label=_("Rate pr."),
        min_value=1,
        initial=1,
        required=False,
        help_text=_("Kun for rater: fx 1000 for »pr. 1.000 sengedage«."),
    )
    data_source = forms.CharField(
        label=_("Datakilde"),
        max_length=200,
        required=False,
        help_text=_("Hvor tallene kommer fra, fx udtræk fra Sundhedsplatformen eller optælling på tavlen."),
    )
    direction = forms.ChoiceField(
        label=_("Retning"),
        choices=Measure.Direction.choices,
        initial=Measure.Direction.LOWER,
        help_text=_("Er det godt, når kurven går ned eller op?"),
    )
    target = forms.DecimalField(
        label=_("Mål"),
        required=False,
        max_digits=10,
        decimal_places=2,
        localize=True,
        help_text=_("Det tal, I vil nå. Procent for andele (fx 20), antal pr. måned, eller pr. N for rater."),
    )
    expected_min = forms.DecimalField(
        label=_("Forventet mindst"),
        required=False,
        max_digits=12,
        decimal_places=2,
        localize=True,
        help_text=_("Tal under dette gemmes, men der spørges til dem. I samme enhed som målet. Tom: ingen grænse."),
    )
    expected_max = forms.DecimalField(
        label=_("Forventet højst"),
        required=False,
        max_digits=12,
        decimal_places=2,
        localize=True,
        help_text=_("Tal over dette gemmes, men der spørges til dem. I samme enhed som målet. Tom: ingen grænse."),
    )
    per_section = forms.BooleanField(
        label=_("Måles pr. afsnit"),
        required=False,
        help_text=_("Sæt flueben, hvis hvert afsnit indtaster sine egne tal. Ellers ét tal for hele afdelingen."),
    )
    start_month = DanishMonthField(
        label=_("Første måned"), required=False, help_text=_("Første måned, der skal indtastes tal for.")
    )
    end_month = DanishMonthField(label=_("Sidste måned"), required=False, help_text=_("Tom: målingen fortsætter."))
    chart_kind = forms.ChoiceField(
        label=_("Diagramtype"),
        required=False,
        choices=(),
        help_text=_(
            "Tom: den anbefalede for enheden. P′/U′ (Laney) passer til andele og rater med meget store nævnere. "
            "Baseline, faser og udeladte måneder vælges på målingens diagram."
        ),
    )
    responsible = forms.ModelChoiceField(
        label=_("Ansvarlig nøgleperson"),
        queryset=None,
        required=False,
        empty_label=_("— ingen valgt —"),
        help_text=_("Den, der sørger for, at tallene bliver indtastet hver måned."),
    )
    code = forms.CharField(
        label=_("Kode"),
        max_length=30,
        required=False,
        help_text=_(
            "Kort kode til import af tal. Den begynder med afdelingens kode, fx ORT-KAT-01. "
            "Lad feltet stå tomt, så foreslår systemet en."
        ),
    )

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = department_users(department)
        self.fields["responsible"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.fields["chart_kind"].choices = chart_kind_choices()

    @staticmethod
    def initial_from(measure: Measure) -> dict:
        fields = [name for name in MeasureForm.base_fields if name != "responsible"]
        initial = {name: getattr(measure, name) for name in fields}
        initial["responsible"] = measure.responsible_id
        return initial
