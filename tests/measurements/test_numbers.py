"""Numbers read the Danish way (measurements/numbers.py): each accepted or refused as the rule says, every refusal
a Danish message that shows what was read."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from measurements.numbers import read_number, read_whole_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1.200", 1200), ("1 200", 1200), ("1\u00a0200", 1200), ("1.234.567", 1234567), ("1200", 1200), ("0", 0)],
)
def test_thousands_separators_are_read_as_thousands(raw, expected):
    assert read_whole_number(raw) == expected


def test_decimal_comma_is_read_where_decimals_are_allowed():
    assert read_number("12,5", decimals=True) == Decimal("12.5")
    assert read_number("1.234,5", decimals=True) == Decimal("1234.5")


@pytest.mark.parametrize(
    ("raw", "decimals", "code", "shown"),
    [
        ("12,5", False, "decimal", "12,5"),
        ("1,200", False, "ambiguous", "1.200 og som 1,2"),
        ("1,200", True, "ambiguous", "1.200 og som 1,2"),
        ("1.5", False, "ambiguous", "»1.5«"),
        ("1.5", True, "ambiguous", "»1.5«"),
        ("1.20", False, "ambiguous", "»1.20«"),
    ],
)
def test_ambiguous_and_decimal_input_is_refused_showing_what_was_read(raw, decimals, code, shown):
    with pytest.raises(ValidationError) as caught:
        read_number(raw, decimals=decimals)
    assert caught.value.code == code
    assert shown in caught.value.messages[0]


def test_messages_are_danish_and_name_the_input():
    with pytest.raises(ValidationError) as caught:
        read_whole_number("1,200")
    assert caught.value.messages == [
        "»1,200« kan læses både som 1.200 og som 1,2. På dansk er komma decimaltegn: skriv 1200 eller 1,2."
    ]
    with pytest.raises(ValidationError) as caught:
        read_whole_number("12,5")
    assert caught.value.messages == ["Skriv et helt tal uden komma eller punktum – 12,5 er ikke et helt tal."]


def test_the_entry_service_reads_danish_thousands(home, noegle, count):
    import datetime as dt

    from measurements.models import Measurement
    from measurements.services import measurement_record

    measurement_record(
        measure=count,
        section=None,
        month=dt.date(2026, 10, 1),
        numerator="1.200",
        denominator="",
        expected_version=None,
        by=noegle,
        today=dt.date(2026, 11, 5),
    )
    assert Measurement.objects.get(measure=count).numerator == 1200
