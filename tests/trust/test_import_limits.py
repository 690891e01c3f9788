"""Hostile import files (issue 18, finding 1): each is refused in Danish at a limit, before it ties up a worker, and
nothing is written. How long the refusals take is a benchmark figure (README, Reliability), not asserted here."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from measurements import imports
from measurements.models import Measurement, Unit
from measurements.views import IMPORT_SESSION_KEY
from tests.factories import InitiativeFactory, MeasureFactory

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Ark1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        '<Relationship Id="rId2" Target="sharedStrings.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
        "</Relationships>"
    ),
}
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>measure</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>month</t></is></c><c r="C1" t="inlineStr"><is><t>numerator</t></is></c></row>'
)


def hand_made_xlsx(*, sheet_rows=(), shared_strings=(), extra_parts=0) -> bytes:
    """An .xlsx written part by part, as an attacker would: no <dimension>, rows streamed into the zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode())
            for chunk in shared_strings:
                part.write(chunk)
            part.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode())
            part.write(HEADER_ROW.encode())
            for chunk in sheet_rows:
                part.write(chunk)
            part.write(b"</sheetData></worksheet>")
        for number in range(extra_parts):
            archive.writestr(f"customXml/item{number}.xml", "<x/>")
    return buffer.getvalue()


def expanding_xlsx(unpacked_bytes: int) -> bytes:
    """Rows of 20,000 cells each: a file of a few hundred kilobytes that unpacks to `unpacked_bytes` of XML."""
    row = b"<row>" + b"<c><v>1</v></c>" * 20_000 + b"</row>"
    return hand_made_xlsx(sheet_rows=[row] * (unpacked_bytes // len(row) + 1))


def shared_strings_xlsx(count: int) -> bytes:
    block = b"<si><t>a</t></si>" * 10_000
    return hand_made_xlsx(
        sheet_rows=[b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'], shared_strings=[block] * (count // 10_000)
    )


@pytest.fixture
def count_measure(home):
    initiative = InitiativeFactory(department=home, year=2026)
    return MeasureFactory(initiative=initiative, code="ORT-C", unit=Unit.COUNT, per_section=False)


def upload(client, content: bytes, name: str):
    return client.post(reverse("measurements:import"), {"file": SimpleUploadedFile(name, content)})


def refusal_of(response) -> list[str]:
    return [problem.message for problem in response.context["problems"]]


def assert_nothing_kept(client):
    assert not Measurement.objects.exists()
    assert not Measurement.history.exists()
    assert IMPORT_SESSION_KEY not in client.session


# --- the three files of the finding, through the web import ----------------------------------------------------------


def test_expanding_xlsx_is_refused_from_its_directory_before_parsing(client_for, noegle, count_measure):
    content = expanding_xlsx(unpacked_bytes=3 * imports.max_unpacked_bytes())
    assert len(content) < imports.max_bytes()  # small enough to pass the upload limit
    client = client_for(noegle)

    response = upload(client, content, "maalinger.xlsx")

    assert response.status_code == 200
    [message] = refusal_of(response)
    assert message.startswith("Excel-filen fylder for meget, når den pakkes ud (")
    assert "højst 20,0\xa0MB" in message and "gem den som CSV" in message
    assert "Filen kan ikke importeres – intet er gemt" in response.content.decode()
    assert_nothing_kept(client)


def test_four_million_shared_strings_are_refused_before_parsing(client_for, noegle, count_measure):
    content = shared_strings_xlsx(4_000_000)
    assert len(content) < 300_000
    client = client_for(noegle)

    response = upload(client, content, "maalinger.xlsx")

    [message] = refusal_of(response)
    assert message.startswith("Excel-filen fylder for meget, når den pakkes ud (")
    assert_nothing_kept(client)


def test_million_row_csv_is_refused_at_the_row_limit(client_for, noegle, count_measure, monkeypatch):
    # The first data row is valid: the file is still refused as a whole.
    content = b"measure;month;numerator\n" + b"ORT-C;2026-10;7\n" + b"1\n" * 1_000_000
    assert len(content) < imports.max_bytes()
    rows_read = []
    real_reader = imports.csv.reader

    def counting_reader(*args, **kwargs):
        for row in real_reader(*args, **kwargs):
            rows_read.append(1)
            yield row

    monkeypatch.setattr(imports.csv, "reader", counting_reader)
    client = client_for(noegle)

    response = upload(client, content, "maalinger.csv")

    assert refusal_of(response) == ["Filen har for mange rækker (højst 5000)."]
    assert len(rows_read) == imports.MAX_ROWS + 2  # the header, 5,000 rows and the one too many: not a million
    assert_nothing_kept(client)


# --- the limits one by one -------------------------------------------------------------------------------------------


def test_xlsx_with_too_many_parts_is_refused(count_measure, noegle):
    content = hand_made_xlsx(extra_parts=imports.XLSX_MAX_ENTRIES)

    preview = imports.preview_import(data=content, by=noegle, today=imports.dt.date(2026, 11, 5))

    assert [p.message for p in preview.problems] == [
        "Excel-filen består af for mange dele (106, højst 100). "
        "Gem kun arket med målingerne i en ny projektmappe, eller gem det som CSV."
    ]
    assert preview.rows == []


def test_xlsx_rows_beyond_the_limit_are_not_read(count_measure, noegle):
    # 5,001 data rows, 5,000 more, then broken XML that would fail the file if reading went on that far.
    rows = [f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>'.encode() for n in range(2, 2 * imports.MAX_ROWS + 3)]
    content = hand_made_xlsx(sheet_rows=[*rows, b"<row><c><v>broken"])

    preview = imports.preview_import(data=content, by=noegle, today=imports.dt.date(2026, 11, 5))

    assert [p.message for p in preview.problems] == ["Filen har for mange rækker (højst 5000)."]


def test_reading_that_takes_too_long_is_stopped_with_a_danish_message(count_measure, noegle, monkeypatch, settings):
    settings.VAELGKLOGT_IMPORT_MAX_SECONDS = 15
    clock = iter(range(0, 10_000, 4))  # every look at the clock: four seconds later
    monkeypatch.setattr(imports.time, "monotonic", lambda: next(clock))
    workbook = Workbook()
    for row in [["measure", "month", "numerator"], *[["ORT-C", "2026-10", n] for n in range(20)]]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)

    preview = imports.preview_import(data=buffer.getvalue(), by=noegle, today=imports.dt.date(2026, 11, 5))

    assert [p.message for p in preview.problems] == [
        "Det tog for lang tid at læse filen (over 15 sekunder). Del den op i flere filer, eller gem den som CSV."
    ]
    assert preview.rows == []
    assert not Measurement.objects.exists()


def test_a_full_size_ordinary_file_is_still_read(count_measure, noegle):
    workbook = Workbook()
    workbook.active.append(["measure", "section", "month", "numerator", "denominator", "comment"])
    for n in range(imports.MAX_ROWS):
        workbook.active.append(["ORT-C", "", "2026-10", n, None, "Kommentar med æøå " + "x" * 200])
    buffer = io.BytesIO()
    workbook.save(buffer)

    header, rows = imports.read_table(buffer.getvalue())

    assert header == imports.BASE_COLUMNS and len(rows) == imports.MAX_ROWS
    number, values = rows[-1]
    assert (number, values["measure"], values["numerator"]) == (imports.MAX_ROWS + 1, "ORT-C", imports.MAX_ROWS - 1)
