"""KDK's export of the hospital-wide status: an xlsx workbook (overview, one sheet per department, raw data) and a
PDF. The numbers come from `goals.status` (goals), `measurements.periods` (completeness) and
`measurements.charts` (latest values and signal sentences), exactly as on the pages."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.months import last_complete_month, month_label
from departments.models import Department, TeamMember
from goals import status
from measurements import dataquality
from measurements.charts import axis_title
from measurements.models import Measurement

from .documents.data import InitiativeSection, initiative_sections
from .documents.labels import built_label
from .documents.render import html_to_pdf

FORMATS = ("xlsx", "pdf")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}

#: Text starting with one of these could be read as a formula by a spreadsheet (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
DATE_FORMAT = "DD-MM-YYYY"
DATETIME_FORMAT = "DD-MM-YYYY HH:MM"
MONTH_FORMAT = "[$-406]MMMM YYYY"  # Danish month names whatever the reader's Excel language
PERCENT_FORMAT = "0%"
DECIMAL_FORMAT = "0.0"
INTEGER_FORMAT = "0"
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
MAX_WIDTH = 60


@dataclass
class DepartmentExport:
    row: status.DepartmentStatus
    sections: list[InitiativeSection]
    members: list[TeamMember]


@dataclass
class StatusExport:
    year: int
    hospital: object | None
    as_of: dt.date
    built_at: dt.datetime
    departments: list[DepartmentExport]
    totals: status.GroupTotals
    raw: list[Measurement]
    #: data quality and sign-off (issue 14): department id → [MonthTimeliness]; the quarter shown and its approvals
    timeliness: dict = field(default_factory=dict)
    quarter: str = ""
    approvals: dict = field(default_factory=dict)
    questioned: list = field(default_factory=list)
    flags: list = field(default_factory=list)

    @property
    def data_until(self) -> dt.date:
        return last_complete_month(self.as_of)

    @property
    def title(self) -> str:
        where = self.hospital.name if self.hospital else _("alle sygehuse")
        return _("Status for Vælg Klogt %(year)d – %(where)s") % {"year": self.year, "where": where}

    def filename(self, fmt: str) -> str:
        where = self.hospital.code if self.hospital else "alle"
        return f"vaelgklogt-status-{self.year}-{where}-{timezone.localtime(self.built_at):%Y%m%d}.{fmt}"


def collect(*, departments, year: int, hospital=None, built_at: dt.datetime | None = None) -> StatusExport:
    """Everything both formats show, for `departments` (already scoped by the caller) in `year`."""
    built_at = built_at or timezone.now()
    as_of = min(dt.date(year + 1, 1, 1), timezone.localdate(built_at))
    if hospital is not None:
        departments = departments.filter(hospitals=hospital).distinct()
    departments = departments.prefetch_related("hospitals")
    rows = status.department_rows(departments, year=year, today=as_of)
    initiatives = [initiative for row in rows for initiative in row.initiatives]
    sections = {section.initiative.pk: section for section in initiative_sections(initiatives, as_of=as_of)}
    department_ids = [row.department.pk for row in rows]
    members: dict[int, list[TeamMember]] = {}
    for member in TeamMember.objects.filter(team__department__in=department_ids).select_related("user", "team"):
        members.setdefault(member.team.department_id, []).append(member)
    raw = list(
        Measurement.objects.filter(
            measure__initiative__department__in=department_ids,
            measure__initiative__year=year,
            month__gte=dt.date(year, 1, 1),
            month__lt=as_of.replace(day=1),
        )
        .select_related(
            "measure__initiative__department", "measure__initiative__recommendation", "section", "entered_by"
        )
        .order_by("measure__initiative__department__name", "measure__code", "month", "section__name")
    )
    return StatusExport(
        year=year,
        hospital=hospital,
        as_of=as_of,
        built_at=built_at,
        departments=[
            DepartmentExport(
                row=row,
                sections=[sections[i.pk] for i in row.initiatives],
                members=members.get(row.department.pk, []),
            )
            for row in rows
        ],
        totals=status.totals(rows),
        raw=raw,
        **_data_quality(department_ids, year=year, as_of=as_of),
    )


def _data_quality(department_ids: list[int], *, year: int, as_of: dt.date) -> dict:
    """Timeliness, the last ended quarter's approvals, questioned and flagged values (measurements.dataquality)."""
    scope = Department.objects.filter(pk__in=department_ids)
    quarter = dataquality.quarter_to_approve(as_of)
    return {
        "timeliness": dataquality.timeliness_by_department(
            department_ids, dataquality.year_months_due(year, today=as_of), today=as_of
        ),
        "quarter": quarter,
        "approvals": dataquality.approvals_by_department(department_ids, quarter),
        "questioned": [c for c in dataquality.questioned(scope) if c.measurement.month.year == year],
        "flags": [f for f in dataquality.flagged(scope, open_only=False) if f.measurement.month.year == year],
    }


# --------------------------------------------------------------------------- #
# xlsx
# --------------------------------------------------------------------------- #
def safe_text(value):
    """Strings that a spreadsheet could take for a formula stay text; everything else passes through."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return _Text(value)
    return value


class _Text(str):
    """A string that must be stored as text with Excel's quote prefix (shown as typed, never evaluated)."""


def _write_row(ws, row_index: int, values, formats=None) -> None:
    for column, value in enumerate(values, start=1):
        value = safe_text(value)
        cell = ws.cell(row=row_index, column=column)
        cell.value = value
        if isinstance(value, _Text):
            cell.data_type = "s"
            cell.quotePrefix = True
        fmt = (formats or {}).get(column)
        if fmt and value is not None:
            cell.number_format = fmt


def _table(ws, headers: list[str], rows: list[list], formats: dict[int, str]) -> None:
    """A table with a bold, filled, frozen header row, a filter, and column widths that fit the content."""
    _write_row(ws, 1, headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for index, values in enumerate(rows, start=2):
        _write_row(ws, index, values, formats)
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    for column, header in enumerate(headers, start=1):
        longest = max([len(header)] + [_display_length(r[column - 1]) for r in rows if column - 1 < len(r)])
        ws.column_dimensions[get_column_letter(column)].width = min(MAX_WIDTH, max(8, longest + 2))


def _display_length(value) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 14
    if isinstance(value, float):
        return 8
    return len(str(value))


def _sheet_title(department: Department, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", " ", f"{department.code.upper()} {department.name}").strip()[:31]
    title, number = base, 2
    while title.lower() in taken:
        suffix = f" ({number})"
        title, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(title.lower())
    return title


OVERVIEW_HEADERS = [
    "Afdeling",
    "Kode",
    "Sygehuse",
    "Mål 1",
    "Mål 1 – forklaring",
    "Mål 2",
    "Mål 2 – forklaring",
    "Team etableret",
    "Teammedlemmer",
    "Valgte indsatser",
    "Tværgående anbefaling",
    "Datakomplethed",
    "Manglende værdier",
    "Målinger i alt",
    "Forbedring",
    "Forværring",
    "Ingen signal",
    "For få punkter",
]
DEPARTMENT_HEADERS = [
    "Indsats",
    "Type",
    "Status",
    "Afsnit",
    "Nationale mål",
    "Måling",
    "Måletype",
    "Enhed",
    "Retning",
    "Mål",
    "Seneste måned",
    "Seneste værdi",
    "Når målet",
    "Datakomplethed",
    "Manglende værdier",
    "Analyse",
    "Diagramtype",
    "Variation",
    "Målopfyldelse",
]
RAW_HEADERS = [
    "Afdeling",
    "Indsats",
    "Målingskode",
    "Måling",
    "Enhed",
    "Afsnit",
    "Måned",
    "Tæller",
    "Nævner",
    "Kommentar",
    "Version",
    "Registreret af",
    "Registreret",
]


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Ja" if value else "Nej")


def _overview_rows(data: StatusExport) -> list[list]:
    rows = []
    for entry in data.departments:
        row = entry.row
        team = getattr(row.department, "local_team", None)
        completeness, signals = row.completeness, row.signals
        rows.append(
            [
                row.department.name,
                row.department.code.upper(),
                ", ".join(h.name for h in row.department.hospitals.all()),
                row.selections.label,
                row.selections.detail,
                row.team.label,
                row.team.detail,
                team.established_on if team else None,
                ", ".join(m.display_name for m in entry.members),
                len(row.initiatives),
                _yes_no(row.in_cross_hospital),
                completeness.ratio,
                completeness.missing,
                signals.measures,
                signals.improvement,
                signals.deterioration,
                signals.none,
                signals.too_few,
            ]
        )
    return rows


def _department_rows(entry: DepartmentExport) -> list[list]:
    rows = []
    for section in entry.sections:
        initiative = section.initiative
        common = [
            initiative.recommendation.title,
            initiative.recommendation.get_kind_display(),
            initiative.get_status_display(),
            ", ".join(s.name for s in initiative.sections.all()) or "Hele afdelingen",
            "; ".join(str(g) for g in initiative.national_goals.all()),
        ]
        if not section.measures:
            rows.append([*common, "Ingen målinger endnu"])
            continue
        for m in section.measures:
            latest = m.chart.latest
            completeness = m.completeness
            rows.append(
                [
                    *common,
                    m.measure.name,
                    m.measure.get_kind_display(),
                    axis_title(m.measure),
                    m.measure.get_direction_display(),
                    float(m.measure.target) if m.measure.target is not None else None,
                    latest.month if latest else None,
                    latest.value if latest else None,
                    _yes_no(m.chart.meets_target),
                    completeness.ratio if completeness else None,
                    completeness.missing if completeness else None,
                    m.chart.sentence,
                    m.chart.kind_label,
                    m.chart.variation_label,
                    m.chart.assurance_label,
                ]
            )
    return rows


def _raw_rows(data: StatusExport) -> list[list]:
    return [
        [
            value.measure.initiative.department.name,
            value.measure.initiative.recommendation.title,
            value.measure.code,
            value.measure.name,
            value.get_unit_display(),
            value.section.name if value.section else "Hele afdelingen",
            value.month,
            value.numerator,
            value.denominator,
            value.comment,
            value.version,
            (value.entered_by.get_full_name() or value.entered_by.get_username()) if value.entered_by else "",
            timezone.localtime(value.entered_at).replace(tzinfo=None, microsecond=0) if value.entered_at else None,
        ]
        for value in data.raw
    ]


def status_xlsx(data: StatusExport) -> bytes:
    wb = Workbook()
    overview = wb.active
    overview.title = "Oversigt"
    rows = _overview_rows(data)
    _table(
        overview,
        OVERVIEW_HEADERS,
        rows,
        {8: DATE_FORMAT, 10: INTEGER_FORMAT, 12: PERCENT_FORMAT, **dict.fromkeys(range(13, 19), INTEGER_FORMAT)},
    )
    summary_start = len(rows) + 3
    summary = [
        ("Status", data.title),
        ("Afdelinger", data.totals.departments),
        ("Opfylder Mål 1", data.totals.selections_met),
        ("Opfylder Mål 2", data.totals.team_met),
        ("Deltager i tværgående anbefaling", data.totals.in_cross_hospital),
        ("Datakomplethed", data.totals.completeness.ratio),
        ("Målinger med forbedring", data.totals.signals.improvement),
        ("Målinger med forværring", data.totals.signals.deterioration),
        ("Sygehus", data.hospital.name if data.hospital else "Alle"),
        ("År", data.year),
        ("Data til og med", data.data_until),
        ("Udtrukket", timezone.localtime(data.built_at).replace(tzinfo=None, microsecond=0)),
    ]
    summary_formats = {"Datakomplethed": PERCENT_FORMAT, "Data til og med": MONTH_FORMAT, "Udtrukket": DATETIME_FORMAT}
    for offset, (label, value) in enumerate(summary):
        _write_row(overview, summary_start + offset, [label, value], {2: summary_formats.get(label)})
        overview.cell(row=summary_start + offset, column=1).font = Font(bold=True)

    taken = {"oversigt", "rådata"}
    formats = {10: "0.##", 11: MONTH_FORMAT, 12: DECIMAL_FORMAT, 14: PERCENT_FORMAT, 15: INTEGER_FORMAT}
    for entry in data.departments:
        ws = wb.create_sheet(_sheet_title(entry.row.department, taken))
        _table(ws, DEPARTMENT_HEADERS, _department_rows(entry), formats)

    raw = wb.create_sheet("Rådata")
    _table(
        raw, RAW_HEADERS, _raw_rows(data), {7: MONTH_FORMAT, 8: INTEGER_FORMAT, 9: INTEGER_FORMAT, 13: DATETIME_FORMAT}
    )
    _data_quality_sheets(wb, data)
    wb.properties.title = data.title
    wb.properties.creator = "Vælg Klogt"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


DATA_QUALITY_HEADERS = [
    "Afdeling",
    "Måneder indberettet rettidigt",
    "Måneder indberettet for sent",
    "Måneder ikke indberettet",
    "Kvartal",
    "Kvartal godkendt",
    "Godkendt af",
    "Godkendt",
    "Ændret efter godkendelse",
]
QUESTIONED_HEADERS = [
    "Afdeling",
    "Måling",
    "Afsnit",
    "Måned",
    "Tæller",
    "Nævner",
    "Spørgsmål",
    "Forklaring",
    "Forklaret af",
]
FLAG_HEADERS = [
    "Afdeling",
    "Måling",
    "Afsnit",
    "Måned",
    "Til opfølgning",
    "Markeret af",
    "Afsluttet",
    "Note ved afslutning",
]


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0) if value else None


def _data_quality_sheets(wb, data: StatusExport) -> None:
    """Which departments reported on time, which quarters are approved, which values were questioned and how they
    were explained, and which were flagged: what KDK reads before a leadership meeting."""
    rows = []
    for entry in data.departments:
        department = entry.row.department
        summary = dataquality.summarise(data.timeliness.get(department.pk, []))
        approval = data.approvals.get(department.pk)
        rows.append(
            [
                department.name,
                summary.on_time,
                summary.late,
                summary.not_reported,
                data.quarter,
                _yes_no(approval is not None),
                _name(approval.approved_by) if approval else "",
                _local(approval.approved_at) if approval else None,
                _yes_no(bool(approval.changed_at)) if approval else "",
            ]
        )
    ws = wb.create_sheet("Datakvalitet")
    _table(
        ws, DATA_QUALITY_HEADERS, rows, {2: INTEGER_FORMAT, 3: INTEGER_FORMAT, 4: INTEGER_FORMAT, 8: DATETIME_FORMAT}
    )
    questioned = [
        [
            c.measurement.measure.initiative.department.name,
            c.measurement.measure.name,
            c.measurement.section.name if c.measurement.section else "Hele afdelingen",
            c.measurement.month,
            c.measurement.numerator,
            c.measurement.denominator,
            c.message,
            c.explanation or "Ikke forklaret",
            _name(c.explained_by),
        ]
        for c in data.questioned
    ]
    _table(wb.create_sheet("Spurgte værdier"), QUESTIONED_HEADERS, questioned, {4: MONTH_FORMAT})
    flags = [
        [
            f.measurement.measure.initiative.department.name,
            f.measurement.measure.name,
            f.measurement.section.name if f.measurement.section else "Hele afdelingen",
            f.measurement.month,
            f.note,
            _name(f.set_by),
            _local(f.cleared_at),
            f.cleared_note,
        ]
        for f in data.flags
    ]
    _table(wb.create_sheet("Til opfølgning"), FLAG_HEADERS, flags, {4: MONTH_FORMAT, 7: DATETIME_FORMAT})


# --------------------------------------------------------------------------- #
# PDF
# --------------------------------------------------------------------------- #
def status_pdf(data: StatusExport) -> bytes:
    html = render_to_string(
        "reports/documents/status_export.html",
        {
            "data": data,
            "kind_title": _("Vælg Klogt – status til ledelsen"),
            "rows": [entry.row for entry in data.departments],
            "totals": data.totals,
            "built_label": built_label(data.built_at),
            "data_until_label": month_label(data.data_until),
        },
    )
    return html_to_pdf(html)


def export_status(*, fmt: str, departments, year: int, hospital=None, built_at=None) -> tuple[str, bytes]:
    """(file name, content) of the status export in `fmt` ("xlsx" or "pdf")."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    with translation.override("da"):
        data = collect(departments=departments, year=year, hospital=hospital, built_at=built_at)
        content = status_xlsx(data) if fmt == "xlsx" else status_pdf(data)
    return data.filename(fmt), content
