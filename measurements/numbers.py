"""Numbers read the Danish way, from a form field, a CSV cell or an XLSX cell.

* `1200`, `1.200` and `1 200` are 1200: a point or a space separates thousands (groups of exactly three digits);
* `12,5` is twelve and a half: the comma is the decimal sign — accepted only where decimals are allowed (means),
  refused for counts;
* `1,200` is refused as ambiguous (the English thousands separator, or 1,2 with a stray zero?), and so is `1.5`
  (a point followed by anything but groups of three digits: an English decimal point, or a typo?).

Every refusal is a ValidationError with a Danish message that shows what was read. Nothing is rounded or guessed.
No Django model import: this is plain text handling.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: Larger values are refused: no department counts ten million of anything in a month, and it keeps clear of the
#: database's integer range.
MAX_VALUE = 9_999_999

_PLAIN = re.compile(r"\d+")
_POINT_GROUPS = re.compile(r"\d{1,3}(\.\d{3})+")
_SPACE_GROUPS = re.compile(r"\d{1,3}( \d{3})+")
_COMMA_DECIMAL = re.compile(r"(\d{1,3}(?:[. ]\d{3})*|\d+),(\d+)")
_POINT_OTHER = re.compile(r"[\d .]*\d\.\d[\d .]*")
_NEGATIVE = re.compile(r"-\s*[\d.,  ]+")


def _danish(value: Decimal) -> str:
    """1234.5 → '1.234,5' (what we read, written back the Danish way)."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    whole, _sep, fraction = f"{value:f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = ".".join(groups)
    return sign + (f"{text},{fraction}" if fraction else text)


def read_number(raw, *, decimals: bool = False) -> int | Decimal | None:
    """The number in `raw`; '' and None mean "no value". Whole numbers come back as int, decimals as Decimal.

    Raises ValidationError (Danish message, code among: not_a_number, negative, decimal, ambiguous, too_large).
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValidationError(_("Skriv et tal.") if decimals else _("Skriv et helt tal."), code="not_a_number")
    if isinstance(raw, int):
        return _bounded(raw)
    if isinstance(raw, float):  # an XLSX cell: the spreadsheet already knows the number
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise ValidationError(_("Skriv et tal."), code="not_a_number")
        if raw.is_integer():
            return _bounded(int(raw))
        value = Decimal(repr(raw))
        if not decimals:
            raise ValidationError(
                _("Skriv et helt tal – %(value)s er et decimaltal.") % {"value": _danish(value)},
                code="decimal",
            )
        return _bounded(value)
    text = str(raw).strip().replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r" +", " ", text)
    if text == "":
        return None
    if _NEGATIVE.fullmatch(text):
        raise ValidationError(_("Tallet må ikke være negativt."), code="negative")
    if _PLAIN.fullmatch(text):
        return _bounded(int(text))
    if _POINT_GROUPS.fullmatch(text):
        return _bounded(int(text.replace(".", "")))
    if _SPACE_GROUPS.fullmatch(text):
        return _bounded(int(text.replace(" ", "")))
    match = _COMMA_DECIMAL.fullmatch(text)
    if match:
        whole, fraction = match.group(1), match.group(2)
        if len(fraction) == 3 and re.fullmatch(r"\d{1,3}", whole):
            raise ValidationError(
                _(
                    "»%(text)s« kan læses både som %(thousands)s og som %(decimal)s. På dansk er komma decimaltegn: "
                    "skriv %(plain)s eller %(decimal)s."
                )
                % {
                    "text": text,
                    "thousands": _danish(Decimal(whole + fraction)),
                    "decimal": _danish(Decimal(f"{whole}.{fraction}").normalize()),
                    "plain": whole + fraction,
                },
                code="ambiguous",
            )
        value = Decimal(whole.replace(".", "").replace(" ", "") + "." + fraction)
        if not decimals:
            raise ValidationError(
                _("Skriv et helt tal uden komma eller punktum – %(value)s er ikke et helt tal.")
                % {"value": _danish(value)},
                code="decimal",
            )
        return _bounded(value)
    if _POINT_OTHER.fullmatch(text):
        raise ValidationError(
            _(
                "»%(text)s« er tvetydigt: på dansk skiller punktum tusinder (1.200), og komma er decimaltegn (1,5). "
                "Skriv tallet uden punktum%(hint)s."
            )
            % {"text": text, "hint": _(" eller med komma") if decimals else ""},
            code="ambiguous",
        )
    message = _("Skriv et tal med cifre – »%(value)s« er ikke et tal.") if decimals else None
    message = message or _("Skriv et helt tal med cifre – »%(value)s« er ikke et tal.")
    raise ValidationError(message % {"value": text[:20]}, code="not_a_number")


def _bounded(value):
    if value < 0:
        raise ValidationError(_("Tallet må ikke være negativt."), code="negative")
    if value > MAX_VALUE:
        raise ValidationError(_("Tallet er for stort (højst 9.999.999)."), code="too_large")
    return value


def read_whole_number(raw) -> int | None:
    """A count: a whole non-negative number read the Danish way (decimals refused)."""
    return read_number(raw, decimals=False)
