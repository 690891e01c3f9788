"""Defining an initiative's measures (the measurement plan): create, update, default codes, balancing suggestions.

`measure_create` / `measure_update` validate everything first and write in one transaction; errors are Danish
messages keyed by form field. The monthly values themselves are entered elsewhere (measurements/services).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from departments.models import Department
from departments.services import department_users
from initiatives.models import Initiative

from .charts import kind_label, kinds_for_unit
from .models import Measure, Unit

CODE_MAX_LENGTH = Measure._meta.get_field("code").max_length
_STOP_WORDS = {
    "af",
    "at",
    "efter",
    "eksempel",
    "for",
    "fravalg",
    "i",
    "med",
    "og",
    "om",
    "på",
    "til",
    "uden",
    "undgå",
    "undlad",
    "ved",
}
_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "AE", "Ø": "OE", "Å": "AA"})


def _ascii(text: str) -> str:
    text = text.translate(_DANISH)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _department_part(department: Department) -> str:
    return _ascii(department.code).upper()[:10]


def code_prefix(initiative: Initiative) -> str:
    """Department code + the recommendation's initials, e.g. ORT-RBO for "rutinemæssigt blærekateter efter operation"."""
    words = [w for w in re.findall(r"[^\W\d_]+", initiative.recommendation.title.lower()) if w not in _STOP_WORDS]
    initials = _ascii(words[0])[:3] if len(words) == 1 else "".join(_ascii(word[0]) for word in words[:3])
    initials = initials.upper() or "VK"
    return f"{_department_part(initiative.department)}-{initials}"


def in_code_namespace(code: str, department: Department) -> bool:
    """Whether a typed code lies in the department's own codes: it begins with the department's code and a hyphen
    (ORT-…), and not with that of a department whose code extends it (ORT-B-… when there is a department ORT-B).

    Codes are unique across the hospital group, so without this a typed code that another department uses would be
    refused as taken and tell the typist that it exists. Within its own codes a department can only meet its own.
    """
    own = _department_part(department) + "-"
    if not code.startswith(own):
        return False
    longer = Department.objects.exclude(pk=department.pk).filter(code__istartswith=department.code + "-")
    return not any(code.startswith(_department_part(other) + "-") for other in longer)


def default_code(initiative: Initiative, *, exclude_pk: int | None = None) -> str:
    """The next free code for the initiative's measures: ORT-RBO-01, ORT-RBO-02, …"""
    prefix = code_prefix(initiative)
    taken = {
        code.upper()
        for code in Measure.objects.filter(code__istartswith=prefix)
        .exclude(pk=exclude_pk)
        .values_list("code", flat=True)
    }
    number = 1
    while f"{prefix}-{number:02d}" in taken:
        number += 1
    return f"{prefix}-{number:02d}"


@dataclass(frozen=True)
class BalancingSuggestion:
    name: str
    why: str


_GENERIC_WHY = gettext_lazy(
    "Et balancemål holder øje med, om noget andet bliver værre, når I gør mindre – fx genindlæggelser, "
    "komplikationer, akutte henvendelser eller ekstra arbejde for personalet."
)
# (words in the recommendation's title or text, a balancing measure that fits)
_BALANCING_HINTS = [
    (("kateter",), gettext_lazy("Urinretention eller nyt kateter inden for 48 timer efter operation")),
    (("antibiotika",), gettext_lazy("Genbesøg eller indlæggelse med komplikation inden for 14 dage")),
    (("blodprøve", "blodprøver"), gettext_lazy("Genindlæggelser inden for 30 dage")),
    (
        ("billeddiagnostik", "røntgen", "scanning", "mr"),
        gettext_lazy("Nye henvendelser med samme gener inden for 3 måneder"),
    ),
    (("kontrol", "kontroller"), gettext_lazy("Akutte henvendelser mellem planlagte forløb")),
    (("medicin", "medicinafhentning"), gettext_lazy("Patienter, der ikke fik deres medicin til tiden")),
    (("ilt", "ilttilskud"), gettext_lazy("Patienter med iltmætning under målområdet")),
    (("telemetri",), gettext_lazy("Uventede hjertehændelser hos patienter uden overvågning")),
    (("syrepumpehæmmer", "protonpumpehæmmere", "ppi"), gettext_lazy("Genstart af behandling på grund af symptomer")),
    (("ekg",), gettext_lazy("Oversete hjertehændelser inden for 30 dage")),
    (("vejning",), gettext_lazy("Patienter med uopdaget væskeophobning")),
    (("blodtryk",), gettext_lazy("Uopdagede blodtryksfald eller fald hos patienterne")),
]


def _mentions(key: str, words: set[str]) -> bool:
    """Whole words for short keys (ilt, ekg); inside Danish compounds for longer ones (blærekateter)."""
    return any(key == word or (len(key) >= 5 and key in word) for word in words)


def suggest_balancing(initiative: Initiative, measures=None) -> BalancingSuggestion | None:
    """A balancing measure to consider when the initiative has none yet (None when it has one)."""
    measures = list(initiative.measures.all()) if measures is None else list(measures)
    if any(measure.kind == Measure.Kind.BALANCING for measure in measures):
        return None
    words = set(re.findall(r"[^\W\d_]+", f"{initiative.recommendation.title} {initiative.recommendation.text}".lower()))
    for keys, name in _BALANCING_HINTS:
        if any(_mentions(key, words) for key in keys):
            return BalancingSuggestion(str(name), str(_GENERIC_WHY))
    return BalancingSuggestion(_("Genindlæggelser eller akutte henvendelser inden for 30 dage"), str(_GENERIC_WHY))


def _month(value: dt.date | None) -> dt.date | None:
    return value.replace(day=1) if value else None


@dataclass(frozen=True, kw_only=True)
class MeasureDefinition:
    """What defines a measure: the one parameter type of `measure_create` and `measure_update` (the measure form's
    cleaned data, `MeasureDefinition(**form.cleaned_data)`)."""

    name: str
    kind: str = Measure.Kind.PROCESS
    unit: str = Unit.PROPORTION
    direction: str = Measure.Direction.LOWER
    code: str = ""
    operational_definition: str = ""
    numerator_definition: str = ""
    denominator_definition: str = ""
    data_source: str = ""
    rate_per: int | None = 1
    target: Decimal | None = None
    per_section: bool = False
    start_month: dt.date | None = None
    end_month: dt.date | None = None
    #: The chart kind the team chose ("" = the recommended one for the unit, `charts.recommended_kind`).
    chart_kind: str = ""
    responsible: object = None
    #: The expected range (data-quality warnings): a value outside it is saved and questioned.
    expected_min: Decimal | None = None
    expected_max: Decimal | None = None


def _clean(*, initiative: Initiative, measure: Measure | None, definition: MeasureDefinition) -> dict:
    errors: dict = {}
    d = definition
    name, code, kind, unit, direction = d.name, d.code, d.kind, d.unit, d.direction
    numerator_definition, denominator_definition = d.numerator_definition, d.denominator_definition
    rate_per, target, per_section, responsible = d.rate_per, d.target, d.per_section, d.responsible
    start_month, end_month, chart_kind = d.start_month, d.end_month, (d.chart_kind or "")
    expected_min, expected_max = d.expected_min, d.expected_max
    if not name.strip():
        errors["name"] = _("Giv målingen et navn, fx “Andel opererede med blærekateter”.")
    code = code.strip().upper()
    if code:
        try:
            validate_slug(code)
        except ValidationError:
            errors["code"] = _("Koden må kun indeholde bogstaver (A–Z), tal, bindestreg og understregning.")
        else:
            if len(code) > CODE_MAX_LENGTH:
                errors["code"] = _("Koden må højst være %(n)d tegn.") % {"n": CODE_MAX_LENGTH}
            elif (measure is None or code != measure.code.upper()) and not in_code_namespace(
                code, initiative.department
            ):
                # The same answer whether or not another department uses the code.
                errors["code"] = _(
                    "Koden skal begynde med afdelingens kode og en bindestreg, fx %(example)s. "
                    "Lad feltet stå tomt, så foreslår systemet en."
                ) % {"example": f"{code_prefix(initiative)}-01"}
            elif Measure.objects.filter(code__iexact=code).exclude(pk=measure.pk if measure else None).exists():
                errors["code"] = _("Koden %(code)s er allerede i brug. Vælg en anden, eller lad feltet stå tomt.") % {
                    "code": code
                }
    if kind not in Measure.Kind.values:
        errors["kind"] = _("Vælg resultatmål, procesmål eller balancemål.")
    if unit not in Unit.values:
        errors["unit"] = _("Vælg en enhed.")
    if direction not in Measure.Direction.values:
        errors["direction"] = _("Vælg, om lavere eller højere er bedre.")
    elif unit == Unit.EVENTS and direction != Measure.Direction.HIGHER:
        # T and G charts show the time or opportunities *between* adverse events: more between is always better.
        errors["direction"] = _(
            "For sjældne hændelser er længere tid (eller flere muligheder) mellem hændelserne altid bedre: "
            "vælg »Højere er bedre«."
        )
    if not numerator_definition.strip():
        errors["numerator_definition"] = _("Beskriv, hvad der tælles med i tælleren.")
    if unit in (Unit.PROPORTION, Unit.RATE) and not denominator_definition.strip():
        errors["denominator_definition"] = _("Beskriv nævneren: hvad tælleren er en andel af.")
    if unit == Unit.RATE:
        if not rate_per or rate_per < 1:
            errors["rate_per"] = _("Skriv, pr. hvor mange raten opgøres, fx 1000 for pr. 1.000 sengedage.")
    else:
        rate_per = 1
    if expected_min is not None and expected_min < 0:
        errors["expected_min"] = _("Det forventede kan ikke være negativt.")
    if expected_max is not None and unit == Unit.PROPORTION and expected_max > 100:
        errors["expected_max"] = _("For en andel angives det forventede i procent mellem 0 og 100.")
    if expected_min is not None and expected_max is not None and expected_min > expected_max:
        errors["expected_max"] = _("Forventet højst skal være mindst lige så stort som forventet mindst.")
    if target is not None:
        if target < 0:
            errors["target"] = _("Målet kan ikke være negativt.")
        elif unit == Unit.PROPORTION and target > 100:
            errors["target"] = _("For en andel angives målet i procent mellem 0 og 100.")
    start_month, end_month = _month(start_month), _month(end_month)
    if start_month and end_month and end_month < start_month:
        errors["end_month"] = _("Sidste måned ligger før første måned.")
    if chart_kind and chart_kind not in kinds_for_unit(unit):
        errors["chart_kind"] = _("Diagramtypen passer ikke til enheden. Vælg en af: %(kinds)s.") % {
            "kinds": ", ".join(kind_label(kind) for kind in kinds_for_unit(unit))
        }
    if responsible is not None and not department_users(initiative.department).filter(pk=responsible.pk).exists():
        errors["responsible"] = _("Den ansvarlige skal have en rolle i afdelingen.")
    if measure is not None and measure.measurements.exists():
        if unit != measure.unit:
            errors["unit"] = _("Enheden kan ikke ændres, når der er registreret målinger.")
        if per_section != measure.per_section:
            errors["per_section"] = _("Kan ikke ændres, når der er registreret målinger.")
    if errors:
        raise ValidationError(errors)
    return {
        "code": code,
        "rate_per": rate_per,
        "start_month": start_month,
        "end_month": end_month,
        "chart_kind": chart_kind,
    }


_TEXT_FIELDS = ("name", "operational_definition", "numerator_definition", "denominator_definition", "data_source")


def _fields(definition: MeasureDefinition, cleaned: dict) -> dict:
    """The model fields of a definition: texts stripped, the cleaned values (code, months, rate) applied."""
    values = {
        field: getattr(definition, field)
        for field in ("kind", "unit", "direction", "target", "expected_min", "expected_max", "per_section")
    }
    values["responsible"] = definition.responsible
    values.update({field: getattr(definition, field).strip() for field in _TEXT_FIELDS})
    values.update(cleaned)
    return values


def _save(measure: Measure, by) -> Measure:
    measure._history_user = by
    try:
        with transaction.atomic():
            measure.save()
    except IntegrityError:  # the code was taken between the check and the write
        raise ValidationError({"code": _("Koden er allerede i brug. Vælg en anden.")}) from None
    return measure


@transaction.atomic
def measure_create(*, initiative: Initiative, definition: MeasureDefinition, by) -> Measure:
    """Define a measure for the initiative; an empty code gets the next free default (e.g. ORT-RBO-01)."""
    cleaned = _clean(initiative=initiative, measure=None, definition=definition)
    measure = Measure(initiative=initiative, **_fields(definition, cleaned))
    if not measure.code:
        measure.code = default_code(initiative)
    return _save(measure, by)


@transaction.atomic
def measure_update(*, measure: Measure, definition: MeasureDefinition, by) -> Measure:
    """Change a measure's definition; its unit and per-section choice are fixed once values exist."""
    measure = Measure.objects.select_for_update().select_related("initiative__department").get(pk=measure.pk)
    cleaned = _clean(initiative=measure.initiative, measure=measure, definition=definition)
    values = _fields(definition, cleaned)
    if not values["code"]:
        values["code"] = measure.code
    for field, value in values.items():
        setattr(measure, field, value)
    return _save(measure, by)
