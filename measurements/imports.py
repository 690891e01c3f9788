"""Bulk import of monthly values from CSV or XLSX: read, preview with row-level errors, commit all or nothing.

Columns (header row, any order, English or Danish names): ``measure`` (the measure's short code), ``section`` (the
section's short code; empty = whole department), ``month`` (``YYYY-MM``), ``numerator``, ``denominator``,
``comment``; for *gennemsnit* measures ``mean`` and ``sd`` (``numerator`` = the number of observations), for
*sjældne hændelser* ``events`` (the month's event dates, separated by commas) and ``opportunities`` (optional, one
per date; ``numerator`` may be left empty, or 0 with no dates for "ingen hændelser"). CSV as Danish Excel writes it: ``;`` or ``,`` separated, UTF-8 with or without BOM, or Windows-1252.

Every row is checked by the one write service (`services.measurement_check`) and written by
`services.measurement_record_many`, so the import obeys exactly the grid's rules, locks, permissions and versions.
Used by the web import (views) and by ``manage.py import_measurements``.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.months import last_complete_month
from departments.models import Section

from .models import Measure, Measurement, Unit
from .periods import measure_slots
from .services import Entry, NotSaved, error_dict, measurement_check, measurement_record_many, parse_whole_number

BASE_COLUMNS = ["measure", "section", "month", "numerator", "denominator", "comment"]
UNIT_COLUMNS = ["mean", "sd", "events", "opportunities"]
COLUMNS = BASE_COLUMNS + UNIT_COLUMNS
REQUIRED = ["measure", "month", "numerator"]
ALIASES = {
    "måling": "measure",
    "maaling": "measure",
    "kode": "measure",
    "afsnit": "section",
    "måned": "month",
    "maaned": "month",
    "tæller": "numerator",
    "taeller": "numerator",
    "nævner": "denominator",
    "naevner": "denominator",
    "kommentar": "comment",
    "gennemsnit": "mean",
    "standardafvigelse": "sd",
    "hændelser": "events",
    "haendelser": "events",
    "datoer": "events",
    "muligheder": "opportunities",
}
MAX_ROWS = 5000
#: An .xlsx is a zip of XML parts, and a small one can unpack to hundreds of megabytes. Before any XML is parsed, its
#: directory may name at most this many parts, unpacking to at most XLSX_MAX_EXPANSION × VAELGKLOGT_IMPORT_MAX_BYTES
#: together (a 5,000-row sheet with long comments unpacks to a few megabytes).
XLSX_MAX_ENTRIES = 100
XLSX_MAX_EXPANSION = 10
_MONTH = re.compile(r"(\d{4})-(\d{1,2})(?:-01)?")
_CODE = re.compile(r"[-a-zA-Z0-9_]{1,30}")


def max_bytes() -> int:
    return settings.VAELGKLOGT_IMPORT_MAX_BYTES


def max_unpacked_bytes() -> int:
    return XLSX_MAX_EXPANSION * max_bytes()


def max_seconds() -> int:
    return settings.VAELGKLOGT_IMPORT_MAX_SECONDS


class ImportFileError(Exception):
    """The file as a whole cannot be read (empty, too large, wrong format, wrong header)."""


class _Deadline:
    """The time reading one file may take (VAELGKLOGT_IMPORT_MAX_SECONDS), checked between rows and between the
    chunks an .xlsx part is parsed in, so no file ties up a worker for longer."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise ImportFileError(
                _(
                    "Det tog for lang tid at læse filen (over %(seconds)d sekunder). "
                    "Del den op i flere filer, eller gem den som CSV."
                )
                % {"seconds": self.seconds}
            )


@dataclass(frozen=True)
class Problem:
    row: int | None  # the spreadsheet's row number (header = 1); None for the file as a whole
    column: str | None
    message: str


@dataclass
class PreviewRow:
    row: int
    measure: Measure
    section: Section | None
    month: dt.date
    numerator: int
    denominator: int | None
    comment: str
    current: Measurement | None
    mean: object = None
    sd: object = None
    events: tuple = ()  # rare events: (date, opportunities)

    @property
    def outcome(self) -> str:
        if self.current is None:
            return "new"
        same = (
            self.current.numerator,
            self.current.denominator,
            self.current.comment,
            self.current.mean,
            self.current.sd,
        ) == (self.numerator, self.denominator, self.comment, self.mean, self.sd)
        if same and self.events:
            same = False  # the dates themselves are compared by the write service; shown as a change
        return "unchanged" if same else "changed"

    @property
    def value_text(self) -> str:
        from .models import value_text

        return value_text(
            Measurement(
                unit=self.measure.unit,
                numerator=self.numerator,
                denominator=self.denominator,
                mean=self.mean,
                sd=self.sd,
            )
        )

    @property
    def expected_version(self) -> int | None:
        return self.current.version if self.current else None

    def as_plain(self) -> dict:
        """What the web preview keeps in the session until the user confirms."""
        return {
            "row": self.row,
            "measure": self.measure.pk,
            "section": self.section.pk if self.section else None,
            "month": self.month.isoformat(),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "comment": self.comment,
            "version": self.expected_version,
            "mean": None if self.mean is None else str(self.mean),
            "sd": None if self.sd is None else str(self.sd),
            "events": [[day.isoformat(), opportunities] for day, opportunities in self.events],
        }


@dataclass
class Preview:
    rows: list[PreviewRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: int = 0
    token: str = ""  # set by the web view when the preview is kept for confirmation

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"new": 0, "changed": 0, "unchanged": 0}
        for row in self.rows:
            counts[row.outcome] += 1
        return counts


# --- reading the file -----------------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("Filens tegn kunne ikke læses. Gem den som »CSV UTF-8« eller som Excel-projektmappe (.xlsx).")
        ) from None


# Line breaks as str.splitlines() knows them: the delimiter is counted on the first non-blank line.
_LINE = re.compile("[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")


def _csv_rows(data: bytes) -> Iterator[tuple[int, list]]:
    """The CSV's rows as (row number, cells), read one at a time (the caller stops at the row limit)."""
    text = _decode(data)
    header_line = next((m.group() for m in _LINE.finditer(text) if m.group().strip()), "")
    counts = {sep: header_line.count(sep) for sep in (";", "\t", ",")}
    delimiter = max(counts, key=counts.get)
    try:
        yield from enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
    except csv.Error:
        raise ImportFileError(
            _("Filen kunne ikke læses som CSV. Gem den fra Excel som »CSV UTF-8« eller som Excel-projektmappe (.xlsx).")
        ) from None


def _not_xlsx() -> ImportFileError:
    return ImportFileError(_("Filen kunne ikke læses som Excel-projektmappe (.xlsx)."))


class _TimedPart:
    """One part of the .xlsx being read: every read checks the deadline, so a part that takes long to parse is
    stopped after at most one chunk more."""

    def __init__(self, stream, deadline: _Deadline):
        self._stream = stream
        self._deadline = deadline

    def read(self, size: int = -1) -> bytes:
        self._deadline.check()
        return self._stream.read(size)

    def close(self) -> None:
        self._stream.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __getattr__(self, name):
        return getattr(self._stream, name)


class _TimedZipFile(zipfile.ZipFile):
    deadline: _Deadline

    def open(self, name, mode="r", pwd=None, *, force_zip64=False):
        stream = super().open(name, mode, pwd, force_zip64=force_zip64)
        return _TimedPart(stream, self.deadline) if mode == "r" else stream


def _open_xlsx(data: bytes, deadline: _Deadline) -> zipfile.ZipFile:
    """The .xlsx's zip, refused before any XML is parsed when it has too many parts or unpacks too large. The sizes
    in the zip's directory are binding: zipfile never unpacks more than an entry declares."""
    try:
        archive = _TimedZipFile(io.BytesIO(data))
    except Exception:  # BadZipFile, and the OSError/ValueError/EOFError a damaged directory gives
        raise _not_xlsx() from None
    archive.deadline = deadline
    entries = archive.infolist()
    if len(entries) > XLSX_MAX_ENTRIES:
        archive.close()
        raise ImportFileError(
            _(
                "Excel-filen består af for mange dele (%(count)d, højst %(max)d). "
                "Gem kun arket med målingerne i en ny projektmappe, eller gem det som CSV."
            )
            % {"count": len(entries), "max": XLSX_MAX_ENTRIES}
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > max_unpacked_bytes():
        archive.close()
        raise ImportFileError(
            _(
                "Excel-filen fylder for meget, når den pakkes ud (%(size)s, højst %(max)s). "
                "Del den op i flere filer, eller gem den som CSV."
            )
            % {"size": filesizeformat(unpacked), "max": filesizeformat(max_unpacked_bytes())}
        )
    return archive


def _xlsx_rows(data: bytes, deadline: _Deadline) -> Iterator[tuple[int, list]]:
    """The first sheet's rows as (row number, cells), parsed one at a time (the caller stops at the row limit).

    openpyxl's read-only worksheet would first parse a whole sheet that has no ``<dimension>`` just to size it, so
    the sheet is parsed here with openpyxl's own row parser instead (what ``ReadOnlyWorksheet`` does inside).
    """
    archive = _open_xlsx(data, deadline)  # a refusal here costs no parsing at all
    try:
        from openpyxl.worksheet._reader import WorkSheetParser

        try:
            reader = _workbook_reader()(io.BytesIO(data), read_only=True, data_only=True)
            reader.archive.close()
            reader.archive, reader.valid_files = archive, archive.namelist()
            reader.read()
            workbook = reader.wb
            source = archive.open(reader.first_sheet)
        except Exception as exc:  # openpyxl raises many kinds (KeyError, InvalidFileException, ValueError, …)
            raise _file_error(exc) from None
        width = len(COLUMNS) + 4
        with source:
            parser = WorkSheetParser(
                source,
                reader.shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            try:
                for number, parsed in parser.parse():
                    cells = [None] * width
                    for cell in parsed:
                        if 1 <= cell["column"] <= width:
                            cells[cell["column"] - 1] = cell["value"]
                    yield number, cells
            except Exception as exc:  # the sheet itself is read lazily and may be broken too
                raise _file_error(exc) from None
    finally:
        archive.close()


@functools.cache
def _workbook_reader():
    """The reader class, made on first use so that openpyxl is loaded only when an .xlsx comes."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    class WorkbookReader(ExcelReader):
        """openpyxl's reader, reading only what the rows need: the shared strings, the workbook (its sheets and date
        system) and the styles (which numbers are dates). It finds the first sheet without opening any sheet."""

        first_sheet: str | None = None

        def read(self):
            self.read_manifest()
            self.read_strings()
            self.read_workbook()
            apply_stylesheet(self.archive, self.wb)
            self.first_sheet = next(
                rel.target for _sheet, rel in self.parser.find_sheets() if rel.target in self.valid_files
            )

    return WorkbookReader


def _file_error(exc: Exception) -> ImportFileError:
    """Our own refusal (the deadline) as it is, even when openpyxl wrapped it; anything else: not an .xlsx."""
    while exc is not None:
        if isinstance(exc, ImportFileError):
            return exc
        exc = exc.__cause__ or exc.__context__
    return _not_xlsx()


def read_table(data: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    """Header (canonical column names) and data rows as (row number, {column: raw value}); blank rows left out.

    Reading stops as soon as a limit is passed: the file size, the .xlsx's parts and unpacked size (before parsing),
    MAX_ROWS rows with content (counted while reading) and VAELGKLOGT_IMPORT_MAX_SECONDS.
    """
    if not data or not data.strip():
        raise ImportFileError(_("Filen er tom."))
    if len(data) > max_bytes():
        raise ImportFileError(too_large_message(len(data)))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("Det gamle Excel-format (.xls) kan ikke læses. Gem filen som .xlsx eller CSV."))
    deadline = _Deadline(max_seconds())
    raw_rows = _xlsx_rows(data, deadline) if data.startswith(b"PK\x03\x04") else _csv_rows(data)
    numbered = []
    try:
        for number, row in raw_rows:
            deadline.check()
            if any(_text(c) for c in row):
                numbered.append((number, row))
                if len(numbered) > MAX_ROWS + 1:  # the header and MAX_ROWS rows
                    raise ImportFileError(_("Filen har for mange rækker (højst %(max)d).") % {"max": MAX_ROWS})
    finally:
        raw_rows.close()
    if not numbered:
        raise ImportFileError(_("Filen er tom."))
    _header_number, header_cells = numbered[0]
    header = _header(header_cells)
    rows = []
    for number, cells in numbered[1:]:
        values = {}
        for index, name in enumerate(header):
            if name is not None:
                values[name] = cells[index] if index < len(cells) else None
        extra = [c for c in cells[len(header) :] if _text(c)]
        if extra:
            values["_extra"] = extra
        rows.append((number, values))
    if not rows:
        raise ImportFileError(_("Filen har ingen rækker under overskriften."))
    return [name for name in header if name], rows


def too_large_message(size: int) -> str:
    return _("Filen er for stor (%(size)s). Den må højst fylde %(max)s; del den op i flere filer.") % {
        "size": filesizeformat(size),
        "max": filesizeformat(max_bytes()),
    }


def _header(cells) -> list[str | None]:
    names, problems, seen = [], [], set()
    for cell in cells:
        text = _text(cell).lower()
        if not text:
            names.append(None)
            continue
        name = ALIASES.get(text, text)
        if name not in COLUMNS:
            problems.append(_("Ukendt kolonne »%(name)s«.") % {"name": _text(cell)})
            names.append(None)
        elif name in seen:
            problems.append(_("Kolonnen »%(name)s« står to gange.") % {"name": name})
            names.append(None)
        else:
            seen.add(name)
            names.append(name)
    missing = [name for name in REQUIRED if name not in seen]
    if missing:
        problems.append(_("Kolonner mangler: %(columns)s.") % {"columns": ", ".join(missing)})
    if problems:
        expected = ", ".join(BASE_COLUMNS)
        raise ImportFileError(
            " ".join(problems) + " " + _("Første række skal være overskrifterne: %(columns)s.") % {"columns": expected}
        )
    return names


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if value.day == 1:
            return value
    else:
        match = _MONTH.fullmatch(_text(value))
        if match and 1 <= int(match.group(2)) <= 12:
            return dt.date(int(match.group(1)), int(match.group(2)), 1)
    raise ValidationError(_("Skriv måneden som ÅÅÅÅ-MM, fx 2026-03."))


# --- preview ---------------------------------------------------------------------------------------------------------


def preview_import(*, data: bytes, by, today: dt.date) -> Preview:
    """Read and check every row without writing anything. File-level problems come back as one Problem (row None)."""
    preview = Preview()
    try:
        _header_names, rows = read_table(data)
    except ImportFileError as exc:
        preview.problems.append(Problem(None, None, str(exc)))
        return preview

    codes = {_text(values.get("measure")).lower() for _number, values in rows}
    measures = _enterable_measures(by, codes)
    department_ids = {m.initiative.department_id for m in measures.values()}
    sections = {(s.department_id, s.code.lower()): s for s in Section.objects.filter(department_id__in=department_ids)}
    stored = _stored_values(measures.values())

    from .locking import Locks

    locks = Locks(today=today)
    locks.preload(department_ids)
    seen: dict[tuple, int] = {}
    for number, values in rows:
        problems: list[Problem] = []

        def problem(column, message, number=number, problems=problems):
            problems.append(Problem(number, column, message))

        if values.get("_extra"):
            problem(None, _("Rækken har flere celler end overskriften."))
        numerator, denominator, comment = values.get("numerator"), values.get("denominator"), values.get("comment")
        unit_values = {name: values.get(name) for name in UNIT_COLUMNS}
        if not (
            _text(numerator) or _text(denominator) or _text(comment) or any(_text(v) for v in unit_values.values())
        ):
            preview.skipped += 1  # e.g. a template row left blank
            continue
        code = _text(values.get("measure"))
        measure = measures.get(code.lower())
        if not code:
            problem("measure", _("Skriv målingens kode."))
        elif measure is None:
            # The same words whether the code belongs to another department or to no measure at all: the import
            # must not tell which codes exist elsewhere.
            problem(
                "measure",
                _("Målingen »%(code)s« findes ikke blandt de målinger, du kan registrere for.") % {"code": code},
            )
        section = None
        section_code = _text(values.get("section"))
        if measure is not None and section_code:
            section = sections.get((measure.initiative.department_id, section_code.lower()))
            if section is None:
                problem(
                    "section",
                    _("Ukendt afsnit »%(code)s« i %(department)s.")
                    % {"code": section_code, "department": measure.initiative.department},
                )
        month = None
        try:
            month = _month(values.get("month"))
        except ValidationError as exc:
            problem("month", exc.messages[0])
        if measure is None or month is None or problems:
            for column, raw in (("numerator", numerator), ("denominator", denominator)):
                try:
                    parse_whole_number(_cell_number(raw))
                except ValidationError as exc:
                    problem(column, exc.messages[0])
        else:
            try:
                clean = measurement_check(
                    measure=measure,
                    section=section,
                    month=month,
                    numerator=_cell_number(numerator),
                    denominator=_cell_number(denominator),
                    comment=_text(comment),
                    by=by,
                    today=today,
                    locks=locks,
                    empty_deletes=False,
                    mean=_cell_number(unit_values["mean"]),
                    sd=_cell_number(unit_values["sd"]),
                    events=_cell_events(unit_values["events"]),
                    opportunities=_cell_number(unit_values["opportunities"]),
                )
            except ValidationError as exc:
                for name, messages in error_dict(exc).items():
                    for message in messages:
                        problem(None if name == NON_FIELD_ERRORS else name, message)
            except PermissionDenied as exc:
                problem("measure", str(exc))
            else:
                key = (measure.pk, section.pk if section else None, month)
                if key in seen:
                    problem(
                        None,
                        _("Samme måling, afsnit og måned står også i række %(row)d.") % {"row": seen[key]},
                    )
                else:
                    seen[key] = number
                    preview.rows.append(
                        PreviewRow(
                            row=number,
                            measure=measure,
                            section=section,
                            month=clean.month,
                            numerator=clean.numerator,
                            denominator=clean.denominator,
                            comment=clean.comment,
                            current=stored.get(key),
                            mean=clean.mean,
                            sd=clean.sd,
                            events=clean.events,
                        )
                    )
        preview.problems.extend(problems)
    if not preview.rows and not preview.problems:
        preview.problems.append(Problem(None, None, _("Filen har ingen rækker med tal.")))
    return preview


def _cell_events(value):
    """An XLSX date cell is one date; text is the list of dates as typed."""
    if isinstance(value, dt.date):
        return [value]
    return _text(value)


def _cell_number(value):
    """XLSX gives numbers; CSV gives text. Both go to the service's one parser."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else _text(value)


def _code_query(codes: set[str]) -> Q:
    """Codes that could be a measure's (a slug); anything else cannot match and is not sent to the database."""
    query = Q()
    for code in codes:
        if _CODE.fullmatch(code):
            query |= Q(code__iexact=code)
    return query


def _enterable_measures(by, codes: set[str]) -> dict[str, Measure]:
    query = _code_query(codes)
    if not query:
        return {}
    measures = Measure.objects.all() if by is None else Measure.objects.enterable_by(by)
    measures = measures.filter(query).select_related("initiative__department").prefetch_related("initiative__sections")
    return {m.code.lower(): m for m in measures}


def _stored_values(measures) -> dict[tuple, Measurement]:
    ids = [m.pk for m in measures]
    if not ids:
        return {}
    return {
        (value.measure_id, value.section_id, value.month): value
        for value in Measurement.objects.filter(measure_id__in=ids)
    }


# --- commit ----------------------------------------------------------------------------------------------------------


@dataclass
class Committed:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def commit_import(*, plain_rows: list[dict], by, today: dt.date) -> Committed:
    """Write the previewed rows, all or none, expecting the versions seen at preview time.

    Raises NotSaved (keys are row numbers) when anything changed since the preview (a value, a lock) or a row
    is no longer allowed; then nothing is written. PermissionDenied when `by` lost the right to enter.
    """
    measure_ids = {row["measure"] for row in plain_rows}
    measures = Measure.objects.all() if by is None else Measure.objects.enterable_by(by)
    measures = {
        m.pk: m
        for m in measures.filter(pk__in=measure_ids)
        .select_related("initiative__department")
        .prefetch_related("initiative__sections")
    }
    if set(measures) != measure_ids:
        raise PermissionDenied(_("Du kan ikke længere registrere for alle målingerne i filen."))
    sections = {}
    for measure in measures.values():
        for slot in measure_slots(measure):
            if slot is not None:
                sections[slot.pk] = slot
    entries = []
    for row in plain_rows:
        section = sections.get(row["section"]) if row["section"] is not None else None
        if row["section"] is not None and section is None:
            raise PermissionDenied(_("Afsnittet i række %(row)d findes ikke længere.") % {"row": row["row"]})
        entries.append(
            Entry(
                key=row["row"],
                measure=measures[row["measure"]],
                section=section,
                month=dt.date.fromisoformat(row["month"]),
                numerator=row["numerator"],
                denominator=row["denominator"],
                comment=row["comment"],
                expected_version=row["version"],
                mean=None if row.get("mean") is None else Decimal(row["mean"]),
                sd=None if row.get("sd") is None else Decimal(row["sd"]),
                events=[dt.date.fromisoformat(day) for day, _o in row.get("events", [])] or None,
                opportunities=[o for _d, o in row.get("events", [])]
                if any(o is not None for _d, o in row.get("events", []))
                else None,
            )
        )
    results = measurement_record_many(entries=entries, by=by, today=today, empty_deletes=False)
    committed = Committed()
    for recorded in results.values():
        if recorded.outcome == "created":
            committed.created += 1
        elif recorded.outcome == "updated":
            committed.updated += 1
        else:
            committed.unchanged += 1
    return committed


def problems_from(not_saved: NotSaved) -> list[Problem]:
    problems = []
    for row, exc in sorted(not_saved.errors.items()):
        for name, messages in error_dict(exc).items():
            for message in messages:
                problems.append(Problem(row, None if name == NON_FIELD_ERRORS else name, message))
    for row, conflict in sorted(not_saved.conflicts.items()):
        problems.append(
            Problem(
                row, None, _("Værdien er ændret efter forhåndsvisningen: %(message)s") % {"message": conflict.message}
            )
        )
    return problems


# --- template --------------------------------------------------------------------------------------------------------


def template_columns(measures) -> list[str]:
    """The template's columns: the unit columns only when a measure needs them."""
    if any(measure.unit in (Unit.MEAN, Unit.EVENTS) for measure in measures):
        return COLUMNS
    return BASE_COLUMNS


def template_rows(measures, *, today: dt.date) -> list[list[str]]:
    """One blank row per measure and place for the last completed month: fill in the numbers and upload."""
    month = last_complete_month(today).strftime("%Y-%m")
    width = len(template_columns(measures))
    rows = []
    for measure in measures:
        for slot in measure_slots(measure):
            rows.append([measure.code, slot.code if slot else "", month] + [""] * (width - 3))
    return rows


def template_csv(measures, *, today: dt.date) -> bytes:
    """Semicolon-separated UTF-8 with BOM: what Danish Excel opens without a wizard."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    measures = list(measures)
    writer.writerow(template_columns(measures))
    writer.writerows(template_rows(measures, today=today))
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def template_xlsx(measures, *, today: dt.date) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Målinger"
    measures = list(measures)
    sheet.append(template_columns(measures))
    for row in template_rows(measures, today=today):
        sheet.append(row)
    for cell in sheet["C"]:
        cell.number_format = "@"  # keep 2026-03 as text, not a date
    for column, width in zip("ABCDEF", (16, 10, 10, 12, 12, 40), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def unit_hint(measure) -> str:
    if measure.unit == Unit.MEAN:
        return _("antal observationer (numerator), mean og sd")
    if measure.unit == Unit.EVENTS:
        return _("datoer (events), evt. opportunities; 0 i numerator for ingen hændelser")
    return _("kun tæller") if measure.unit == Unit.COUNT else _("tæller og nævner")
