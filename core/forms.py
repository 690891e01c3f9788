"""The one date and month field of every form: typed the Danish way, shown the same in every browser language.

A browser's own `<input type="date">` / `type="month"` shows and takes dates in the browser's language (an English
Chromium wants 12/15/2026), and Firefox and Safari have no month picker at all. These fields are text inputs: a
date is written "15.12.2026", a month "december 2026" or "12.2026"; the widget carries `inputmode`, a `pattern`
and a visible hint tied to the input with `aria-describedby`. ISO forms (2026-12-15, 2026-12) are accepted too,
so links, hidden inputs and old bookmarks keep working.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .months import month_label

FIRST_YEAR, LAST_YEAR = 1900, 2199

# Month names in Danish and English, full and abbreviated ("dec", "dec.", "sept"); any unambiguous prefix of
# three letters or more of a full name is accepted as well.
_DANISH_MONTHS = "januar februar marts april maj juni juli august september oktober november december"
_ENGLISH_MONTHS = "january february march april may june july august september october november december"
_MONTH_NAMES = {
    name: number for names in (_DANISH_MONTHS, _ENGLISH_MONTHS) for number, name in enumerate(names.split(), start=1)
}

_SEP = r"\s*(?:\.|-|/|,|\s)\s*"  # 15.12.2026, 15-12-2026, 15/12/2026, 15,12,2026 (a Danish phone's keypad), 15 12 2026
_YEAR = r"(\d{4}|\d{2})"
_WORD = r"([A-Za-zæøåÆØÅ]{3,9})\.?"

_DATE_FORMS = [
    ("dmy", re.compile(rf"(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}{_YEAR}")),
    ("iso", re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")),
    ("compact", re.compile(r"(\d{2})(\d{2})(\d{4}|\d{2})")),
    ("words", re.compile(rf"(\d{{1,2}})\.?\s*{_WORD}\s*{_YEAR}")),
]
_MONTH_FORMS = [
    ("words", re.compile(rf"{_WORD}\s*{_YEAR}")),
    ("my", re.compile(rf"(\d{{1,2}}){_SEP}{_YEAR}")),
    ("iso", re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")),
]

# The same shapes for the browser (HTML `pattern`, compiled by the browser with the `v` flag: no bare `-` or `/`
# inside a character class). The server parses with the expressions above; tests/core checks that the two agree.
_HTML_SEP = r"\s*(\.|-|/|,|\s)\s*"
_HTML_YEAR = r"(\d{4}|\d{2})"
_HTML_WORD = r"[A-Za-zæøåÆØÅ]{3,9}\.?"
DATE_PATTERN = (
    rf"\s*(\d{{1,2}}{_HTML_SEP}\d{{1,2}}{_HTML_SEP}{_HTML_YEAR}|\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{6}}|\d{{8}}"
    rf"|\d{{1,2}}\.?\s*{_HTML_WORD}\s*{_HTML_YEAR})\s*"
)
MONTH_PATTERN = rf"\s*({_HTML_WORD}\s*{_HTML_YEAR}|\d{{1,2}}{_HTML_SEP}{_HTML_YEAR}|\d{{4}}-\d{{1,2}}(-\d{{1,2}})?)\s*"


def _month_number(word: str) -> int | None:
    word = word.lower()
    if word in _MONTH_NAMES:
        return _MONTH_NAMES[word]
    numbers = {number for name, number in _MONTH_NAMES.items() if name.startswith(word)}
    return numbers.pop() if len(numbers) == 1 else None


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


class _DanishInput(forms.TextInput):
    """A text input with a visible format hint after it, named in the input's `aria-describedby`."""

    template_name = "core/widgets/danish_input.html"
    hint = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        if widget_attrs.get("id"):
            hint_id = f"{widget_attrs['id']}_format"
            described = widget_attrs.get("aria-describedby", "")
            widget_attrs["aria-describedby"] = f"{hint_id} {described}".strip()
            context["widget"]["hint_id"] = hint_id
        context["widget"]["hint"] = self.hint
        return context


class DanishDateInput(_DanishInput):
    hint = _("Fx 15.12.2026")

    def __init__(self, attrs=None):
        defaults = {
            "inputmode": "decimal",  # digits with a separator key, on every phone
            "pattern": DATE_PATTERN,
            "title": _("Dag.måned.år, fx 15.12.2026"),
            "autocomplete": "off",
            "spellcheck": "false",
            "size": "12",
            "class": "date-input",
        }
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.date):
            return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"
        return super().format_value(value)


class DanishMonthInput(_DanishInput):
    hint = _("Fx december 2026 eller 12.2026")

    def __init__(self, attrs=None):
        defaults = {
            "pattern": MONTH_PATTERN,
            "title": _("Måned og år, fx december 2026 eller 12.2026"),
            "autocomplete": "off",
            "spellcheck": "false",
            "size": "16",
            "class": "month-input",
        }
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.date):
            return month_label(value)
        return super().format_value(value)


class DanishDateField(forms.DateField):
    """A day, written "15.12.2026" (also 15-12-2026, 15/12/26, 15122026, "15. december 2026", 2026-12-15)."""

    widget = DanishDateInput
    default_error_messages = {
        "invalid": _("Skriv datoen som dag.måned.år, fx 15.12.2026."),
        "month": _("Måneden skal være et tal fra 1 til 12, fx 15.12.2026."),
        "month_name": _("»%(word)s« er ikke et månedsnavn. Skriv datoen som fx 15.12.2026."),
        "day": _("%(month)s har kun %(days)s dage."),
        "day_zero": _("Dagen skal være et tal fra 1 til 31, fx 15.12.2026."),
        "year": _("Året skal ligge mellem %(first)s og %(last)s."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        for kind, expression in _DATE_FORMS:
            match = expression.fullmatch(text)
            if not match:
                continue
            if kind == "iso":
                year, month, day = match.groups()
            elif kind == "words":
                day, word, year = match.groups()
                month = _month_number(word)
                if month is None:
                    raise ValidationError(self.error_messages["month_name"], code="invalid", params={"word": word})
            else:
                day, month, year = match.groups()
            return self._date(_year(year) if kind != "iso" else int(year), int(month), int(day))
        raise ValidationError(self.error_messages["invalid"], code="invalid")

    def _date(self, year: int, month: int, day: int) -> dt.date:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValidationError(
                self.error_messages["year"], code="invalid", params={"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        if not 1 <= month <= 12:
            raise ValidationError(self.error_messages["month"], code="invalid")
        if day < 1:
            raise ValidationError(self.error_messages["day_zero"], code="invalid")
        days = calendar.monthrange(year, month)[1]
        if day > days:
            label = month_label(dt.date(year, month, 1))
            raise ValidationError(
                self.error_messages["day"],
                code="invalid",
                params={"month": label[:1].upper() + label[1:], "days": days},
            )
        return dt.date(year, month, day)


class DanishMonthField(forms.DateField):
    """A month, written "december 2026", "dec. 2026", "12.2026", "12-2026" or 2026-12; cleaned to its first day."""

    widget = DanishMonthInput
    default_error_messages = {
        "invalid": _("Skriv måneden som fx »december 2026« eller 12.2026."),
        "month": _("Måneden skal være et tal fra 1 til 12, fx 12.2026."),
        "month_name": _("»%(word)s« er ikke et månedsnavn. Skriv fx »december 2026« eller 12.2026."),
        "year": _("Året skal ligge mellem %(first)s og %(last)s."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.replace(day=1)
        text = str(value).strip()
        for kind, expression in _MONTH_FORMS:
            match = expression.fullmatch(text)
            if not match:
                continue
            if kind == "words":
                word, year = match.groups()
                month = _month_number(word)
                if month is None:
                    raise ValidationError(self.error_messages["month_name"], code="invalid", params={"word": word})
                return self._month(_year(year), month)
            if kind == "my":
                month, year = match.groups()
                return self._month(_year(year), int(month))
            year, month, _day = match.groups()
            return self._month(int(year), int(month))
        raise ValidationError(self.error_messages["invalid"], code="invalid")

    def _month(self, year: int, month: int) -> dt.date:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValidationError(
                self.error_messages["year"], code="invalid", params={"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        if not 1 <= month <= 12:
            raise ValidationError(self.error_messages["month"], code="invalid")
        return dt.date(year, month, 1)
