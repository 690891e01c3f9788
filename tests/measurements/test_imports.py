"""Bulk import: good files in the shapes Danish Excel writes, and each broken one with its message and zero rows."""

import datetime as dt
import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from measurements.imports import commit_import, preview_import, problems_from, template_csv, template_xlsx
from measurements.models import Measure, Measurement
from measurements.services import NotSaved, measurement_record
from tests.factories import SectionFactory

from .conftest import OCT, TODAY

pytestmark = pytest.mark.django_db

HEADER = "measure;section;month;numerator;denominator;comment"


def csv_bytes(*lines, sep=";", encoding="utf-8", bom=False) -> bytes:
    text = "\r\n".join(line.replace(";", sep) for line in lines) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def preview(data, by):
    return preview_import(data=data, by=by, today=TODAY)


def messages(result) -> list[tuple]:
    return [(p.row, p.column, p.message) for p in result.problems]


def commit(result, by):
    return commit_import(plain_rows=[row.as_plain() for row in result.rows], by=by, today=TODAY)


@pytest.fixture
def measures(proportion, count, rate):
    return proportion, count, rate


# --- good files ------------------------------------------------------------------------------------------------------


def test_semicolon_utf8_bom_file_previews_then_commits_with_history(measures, noegle):
    data = csv_bytes(
        HEADER,
        "ORT-P;s1;2026-10;3;10;Bemærk: én patient overflyttet",
        "ORT-P;S2;2026-10;4;12;",
        "ort-c;;2026-10;7;;",
        "ORT-R;;2026-10;5;1800;",
        bom=True,
    )
    result = preview(data, noegle)
    assert result.ok, messages(result)
    assert result.counts == {"new": 4, "changed": 0, "unchanged": 0}
    assert not Measurement.objects.exists()  # a preview writes nothing

    committed = commit(result, noegle)

    assert (committed.created, committed.updated) == (4, 0)
    first = Measurement.objects.get(section__code="s1")
    assert (first.numerator, first.denominator, first.comment) == (3, 10, "Bemærk: én patient overflyttet")
    assert Measurement.history.filter(history_type="+", history_user=noegle).count() == 4


def test_comma_separated_file_without_bom(measures, noegle):
    result = preview(csv_bytes(HEADER, "ORT-C;;2026-10;7;;", sep=","), noegle)
    assert result.ok, messages(result)
    assert result.rows[0].numerator == 7


def test_windows_1252_file_keeps_danish_letters(measures, noegle):
    result = preview(csv_bytes(HEADER, "ORT-C;;2026-10;7;;Særlig måned på afsnittet", encoding="cp1252"), noegle)
    assert result.ok, messages(result)
    commit(result, noegle)
    assert Measurement.objects.get().comment == "Særlig måned på afsnittet"


def test_danish_column_names_and_any_column_order(measures, noegle):
    data = csv_bytes("måned;måling;tæller;nævner;afsnit;kommentar", "2026-10;ORT-P;3;10;s1;")
    result = preview(data, noegle)
    assert result.ok, messages(result)
    assert (result.rows[0].section.code, result.rows[0].month) == ("s1", OCT)


def test_xlsx_with_numbers_and_a_date_cell_for_the_month(measures, noegle):
    data = xlsx_bytes(
        [
            ["measure", "section", "month", "numerator", "denominator", "comment"],
            ["ORT-P", "s1", "2026-10", 3, 10, None],
            ["ORT-P", "s2", dt.datetime(2026, 10, 1), 4.0, 12.0, "Fra Excel"],
        ]
    )
    result = preview(data, noegle)
    assert result.ok, messages(result)
    commit(result, noegle)
    assert sorted(Measurement.objects.values_list("numerator", "denominator")) == [(3, 10), (4, 12)]


def test_existing_values_are_shown_as_changes_and_replaced_with_history(count, noegle, leder):
    measurement_record(
        measure=count,
        section=None,
        month=OCT,
        numerator=2,
        denominator=None,
        expected_version=None,
        by=leder,
        today=TODAY,
    )
    result = preview(csv_bytes(HEADER, "ORT-C;;2026-10;7;;"), noegle)
    assert result.counts == {"new": 0, "changed": 1, "unchanged": 0}
    assert result.rows[0].current.numerator == 2
    committed = commit(result, noegle)
    assert committed.updated == 1
    assert list(Measurement.history.order_by("history_id").values_list("history_type", "numerator")) == [
        ("+", 2),
        ("~", 7),
    ]


def test_rows_without_numbers_are_skipped(measures, noegle):
    result = preview(csv_bytes(HEADER, "ORT-P;s1;2026-10;;;", "ORT-C;;2026-10;7;;", ";;;;;"), noegle)
    assert result.ok, messages(result)
    assert (len(result.rows), result.skipped) == (1, 1)


# --- broken files: each message, zero rows ---------------------------------------------------------------------------

BROKEN = [
    pytest.param(b"", [(None, None, "Filen er tom.")], id="empty"),
    pytest.param(b"\r\n \r\n", [(None, None, "Filen er tom.")], id="blank-lines"),
    pytest.param(
        csv_bytes(HEADER),
        [(None, None, "Filen har ingen rækker under overskriften.")],
        id="header-only",
    ),
    pytest.param(
        csv_bytes("code;month;value", "ORT-C;2026-10;7"),
        [
            (
                None,
                None,
                "Ukendt kolonne »code«. Ukendt kolonne »value«. Kolonner mangler: measure, numerator. "
                "Første række skal være overskrifterne: measure, section, month, numerator, denominator, comment.",
            )
        ],
        id="wrong-header",
    ),
    pytest.param(
        csv_bytes(HEADER, "ORT-C;;2026-10;syv;;"),
        [(2, "numerator", "Skriv et helt tal med cifre – »syv« er ikke et tal.")],
        id="text-in-number",
    ),
    pytest.param(
        csv_bytes(HEADER, "ORT-C;;2026-10;7,5;;"),
        [(2, "numerator", "Skriv et helt tal uden komma eller punktum – 7,5 er ikke et helt tal.")],
        id="decimal-comma-in-count",
    ),
    pytest.param(
        csv_bytes(HEADER, "ORT-C;;2026-10;7;;", "ORT-C;;2026-10;8;;"),
        [(3, None, "Samme måling, afsnit og måned står også i række 2.")],
        id="duplicate-rows",
    ),
    pytest.param(
        csv_bytes(HEADER, "ORT-X;;2026-10;7;;"),
        [(2, "measure", "Målingen »ORT-X« findes ikke blandt de målinger, du kan registrere for.")],
        id="unknown-measure",
    ),
    pytest.param(
        csv_bytes(HEADER, "ORT-\x00C;;2026-10;7;;"),
        [(2, "measure", "Målingen »ORT-\x00C« findes ikke blandt de målinger, du kan registrere for.")],
        id="nul-byte-in-code",
    ),
    pytest.param(
        csv_bytes(HEADER, "ORT-C;;2026-10;7;;\x00"),
        [(2, "comment", "Kommentaren indeholder et usynligt styretegn, som ikke kan gemmes. Skriv den igen.")],
        id="nul-byte-in-comment",
    ),
    pytest.param(
        csv_bytes(HEADER, "ORT-P;s9;2026-10;3;10;"),
        [(2, "section", "Ukendt afsnit »s9« i Ortopædkirurgisk Afdeling.")],
        id="unknown-section",
    ),
    pytest.param(
        csv_bytes(HEADER, "MED-P;;2026-10;3;10;"),
        [(2, "measure", "Målingen »MED-P« findes ikke blandt de målinger, du kan registrere for.")],
        id="other-departments-measure",
    ),
    pytest.param(
        csv_bytes(HEADER, "ORT-P;s1;2026-10;11;10;"),
        [(2, "numerator", "Tælleren (11) kan ikke være større end nævneren (10).")],
        id="numerator-above-denominator",
    ),
    pytest.param(
        csv_bytes(HEADER, "ORT-C;;2026-12;7;;"),
        [(2, "month", "December 2026 er ikke begyndt endnu. Du kan registrere til og med indeværende måned.")],
        id="future-month",
    ),
    pytest.param(
        csv_bytes(HEADER, "ORT-C;;2026-09;7;;"),
        [
            (
                2,
                "month",
                "September 2026 er låst (fra 16. oktober 2026). Bed KDK om at genåbne måneden fra målingens side.",
            )
        ],
        id="locked-month",
    ),
    pytest.param(
        csv_bytes(HEADER, "ORT-C;;okt 2026;7;;"),
        [(2, "month", "Skriv måneden som ÅÅÅÅ-MM, fx 2026-03.")],
        id="month-format",
    ),
    pytest.param(
        csv_bytes(HEADER, "ORT-C;;2026-10;;;kun en kommentar"),
        [(2, "numerator", "Skriv tælleren.")],
        id="comment-without-numbers",
    ),
    pytest.param(
        csv_bytes(HEADER, "ORT-C;;2026-10;7;;;ekstra"),
        [(2, None, "Rækken har flere celler end overskriften.")],
        id="extra-cells",
    ),
    pytest.param(
        b"PK\x03\x04 this is not really a workbook",
        [(None, None, "Filen kunne ikke læses som Excel-projektmappe (.xlsx).")],
        id="malformed-xlsx",
    ),
    pytest.param(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
        [(None, None, "Det gamle Excel-format (.xls) kan ikke læses. Gem filen som .xlsx eller CSV.")],
        id="old-xls",
    ),
    pytest.param(
        "measure;month;numerator\r\nORT-C;2026-10;7\x81\r\n".encode("latin-1"),
        [
            (
                None,
                None,
                "Filens tegn kunne ikke læses. Gem den som »CSV UTF-8« eller som Excel-projektmappe (.xlsx).",
            )
        ],
        id="undecodable",
    ),
]


@pytest.mark.parametrize(("data", "expected"), BROKEN)
def test_broken_file_is_refused_with_its_message_and_nothing_written(measures, away_measure, noegle, data, expected):
    result = preview(data, noegle)
    assert messages(result) == expected
    assert not result.ok
    assert not Measurement.objects.exists()


def test_one_bad_row_among_good_ones_blocks_the_whole_file(measures, noegle):
    result = preview(csv_bytes(HEADER, "ORT-C;;2026-10;7;;", "ORT-P;s1;2026-10;11;10;"), noegle)
    assert not result.ok
    assert [p.row for p in result.problems] == [3]


def test_oversized_file_is_refused_before_reading(measures, noegle, settings):
    settings.VAELGKLOGT_IMPORT_MAX_BYTES = 100
    data = csv_bytes(HEADER, *["ORT-C;;2026-10;7;;"] * 10)
    result = preview(data, noegle)
    assert [(p.row, p.message.replace("\xa0", " ")) for p in result.problems] == [
        (None, "Filen er for stor (253 bytes). Den må højst fylde 100 bytes; del den op i flere filer.")
    ]


def test_commit_refuses_everything_when_a_value_changed_after_the_preview(measures, noegle, leder):
    result = preview(csv_bytes(HEADER, "ORT-C;;2026-10;7;;", "ORT-P;s1;2026-10;3;10;"), noegle)
    count = Measure.objects.get(code="ORT-C")
    measurement_record(
        measure=count,
        section=None,
        month=OCT,
        numerator=1,
        denominator=None,
        expected_version=None,
        by=leder,
        today=TODAY,
    )
    with pytest.raises(NotSaved) as caught:
        commit(result, noegle)
    problems = problems_from(caught.value)
    assert problems[0].row == 2
    assert "Værdien er ændret efter forhåndsvisningen" in problems[0].message
    assert list(Measurement.objects.values_list("numerator", flat=True)) == [1]


def test_kdk_may_import_for_any_department(measures, away_measure, kdk):
    result = preview(csv_bytes(HEADER, "MED-P;;2026-10;3;10;", "ORT-C;;2026-10;7;;"), kdk)
    assert result.ok, messages(result)
    assert commit(result, kdk).created == 2


# --- template --------------------------------------------------------------------------------------------------------


def test_template_lists_each_measure_and_section_for_the_last_month_and_imports_once_filled(measures, noegle):
    data = template_csv(Measure.objects.order_by("code"), today=TODAY)
    assert data.startswith(b"\xef\xbb\xbf" + HEADER.encode())
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[1:] == ["ORT-C;;2026-10;;;", "ORT-P;s1;2026-10;;;", "ORT-P;s2;2026-10;;;", "ORT-R;;2026-10;;;"]
    assert preview(data, noegle).problems == [preview(data, noegle).problems[0]]  # blank template: nothing to import
    filled = "\r\n".join([lines[0], lines[1].replace(";;;", ";7;;")]).encode()
    assert preview(filled, noegle).ok


def test_xlsx_template_reads_back(measures, noegle):
    data = template_xlsx(Measure.objects.order_by("code"), today=TODAY)
    result = preview(data, noegle)
    assert messages(result) == [(None, None, "Filen har ingen rækker med tal.")]
    assert result.skipped == 4


# --- manage.py import_measurements -----------------------------------------------------------------------------------


def test_command_imports_a_good_file(measures, tmp_path, noegle, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY)
    path = tmp_path / "maalinger.csv"
    path.write_bytes(csv_bytes(HEADER, "ORT-C;;2026-10;7;;", "ORT-P;s1;2026-10;3;10;", bom=True))
    out = StringIO()
    call_command("import_measurements", str(path), "--user", "noegle", stdout=out)
    assert "Importeret: 2 nye, 0 ændrede, 0 uændrede værdier." in out.getvalue()
    assert Measurement.objects.count() == 2
    assert set(Measurement.objects.values_list("entered_by__username", flat=True)) == {"noegle"}


def test_command_prints_every_error_exits_non_zero_and_writes_nothing(measures, tmp_path, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY)
    path = tmp_path / "maalinger.csv"
    path.write_bytes(csv_bytes(HEADER, "ORT-C;;2026-10;7;;", "ORT-C;;2026-10;7,5;;", "ORT-Q;;2026-10;1;;"))
    err = StringIO()
    with pytest.raises(CommandError, match="Intet blev importeret: 2 fejl"):
        call_command("import_measurements", str(path), stderr=err)
    assert err.getvalue().splitlines() == [
        "Række 3, kolonne numerator: Skriv et helt tal uden komma eller punktum – 7,5 er ikke et helt tal.",
        "Række 4, kolonne measure: Målingen »ORT-Q« findes ikke blandt de målinger, du kan registrere for.",
    ]
    assert not Measurement.objects.exists()


def test_command_dry_run_writes_nothing(measures, tmp_path, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY)
    path = tmp_path / "maalinger.csv"
    path.write_bytes(csv_bytes(HEADER, "ORT-C;;2026-10;7;;"))
    out = StringIO()
    call_command("import_measurements", str(path), "--dry-run", stdout=out)
    assert "Filen er i orden (1 nye, 0 ændrede, 0 uændrede)" in out.getvalue()
    assert not Measurement.objects.exists()


def test_command_respects_the_users_department(measures, tmp_path, udenfor, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY)
    path = tmp_path / "maalinger.csv"
    path.write_bytes(csv_bytes(HEADER, "ORT-C;;2026-10;7;;"))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_measurements", str(path), "--user", "udenfor", stderr=err)
    assert "Målingen »ORT-C« findes ikke blandt de målinger, du kan registrere for." in err.getvalue()
    assert not Measurement.objects.exists()


def test_command_refuses_missing_and_oversized_files(tmp_path, settings, db):
    with pytest.raises(CommandError, match="Filen findes ikke"):
        call_command("import_measurements", str(tmp_path / "nope.csv"))
    settings.VAELGKLOGT_IMPORT_MAX_BYTES = 10
    path = tmp_path / "stor.csv"
    path.write_bytes(csv_bytes(HEADER, "ORT-C;;2026-10;7;;"))
    with pytest.raises(CommandError, match="Filen er for stor"):
        call_command("import_measurements", str(path))


def test_sections_of_another_department_with_the_same_code_are_not_used(measures, noegle, away, hospital):
    SectionFactory(department=away, hospital=hospital, code="s3", name="Fremmed afsnit")
    result = preview(csv_bytes(HEADER, "ORT-P;s3;2026-10;3;10;"), noegle)
    assert messages(result) == [(2, "section", "Ukendt afsnit »s3« i Ortopædkirurgisk Afdeling.")]
