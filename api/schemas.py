"""The API's shapes (Pydantic, through django-ninja): what the OpenAPI document describes and schemathesis checks."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class Hospital(Schema):
    code: str
    name: str


class Department(Schema):
    id: int
    code: str
    name: str
    hospitals: list[Hospital]


class Section(Schema):
    id: int
    code: str
    name: str
    kind: str
    department: int
    hospital: str


class Initiative(Schema):
    id: int
    department: int
    year: int
    status: str
    status_label: str
    recommendation: str
    recommendation_kind: str
    aim: str
    sections: list[int]


class Measure(Schema):
    id: int
    code: str
    name: str
    initiative: int
    department: int
    kind: str
    unit: str
    rate_per: int
    direction: str
    per_section: bool
    target: float | None
    start_month: str | None = Field(None, description="YYYY-MM")
    end_month: str | None = Field(None, description="YYYY-MM")
    operational_definition: str
    numerator_definition: str
    denominator_definition: str
    data_source: str
    sections: list[int] = Field(description="Sections the measure is recorded in; empty: the whole department")


class RareEvent(Schema):
    date: dt.date
    opportunities: int | None = Field(None, description="Opportunities since the previous event (e.g. operations)")


class Value(Schema):
    id: int
    measure: int
    measure_code: str
    department: int
    section: int | None
    section_code: str | None
    month: str = Field(description="YYYY-MM")
    numerator: int
    denominator: int | None
    comment: str
    mean: float | None = Field(None, description="Mean measures: the mean of the `numerator` observations")
    sd: float | None = Field(None, description="Mean measures: their standard deviation (SD)")
    events: list[RareEvent] | None = Field(
        None, description="Rare-event measures: the month's events, oldest first (`numerator` is their number)"
    )
    version: int
    entered_by: str | None
    entered_at: dt.datetime


class GoalResult(Schema):
    state: str = Field(description="met, not_yet or overdue")
    label: str
    detail: str


class GoalMeasure(Schema):
    measure: int
    code: str
    signal: str = Field(description="improvement, deterioration, none or too_few")
    sentence: str
    expected: int
    present: int


class GoalRow(Schema):
    department: int
    department_code: str
    year: int
    team: GoalResult
    selections: GoalResult
    in_cross_hospital: bool
    values_expected: int
    values_present: int
    measures: list[GoalMeasure]


class AnalysisPoint(Schema):
    month: str
    value: float | None
    centre: float | None
    lower_limit: float | None
    upper_limit: float | None
    signal: bool
    excluded: bool


class Analysis(Schema):
    measure: int
    kind: str
    kind_label: str
    signal: str = Field(description="improvement, deterioration, none or too_few (measurements.charts.signal_of)")
    sentence: str
    variation: str | None = Field(None, description="NHS Making Data Count variation icon, when the chart has one")
    assurance: str | None = Field(None, description="NHS Making Data Count assurance icon, when the chart has one")
    longest_run: int | None
    longest_run_max: int | None
    crossings: int | None
    crossings_min: int | None
    points: list[AnalysisPoint]


class ReportFile(Schema):
    format: str
    url: str


class Report(Schema):
    id: int
    kind: str
    department: int | None
    period: str
    status: str
    finished_at: dt.datetime | None
    files: list[ReportFile]


class Me(Schema):
    username: str
    system: bool
    token_name: str
    token_prefix: str
    scope: str
    expires_at: dt.datetime | None


# --- writing --------------------------------------------------------------------------------------------------------


class EventIn(Schema):
    date: str = Field(description="YYYY-MM-DD, a day of the request's month", pattern=r"^\d{4}-\d{2}-\d{2}$")
    opportunities: int | None = Field(
        None, description="Opportunities since the previous event (e.g. operations); give it for every event or none"
    )


class WriteRow(Schema):
    measure: str = Field(description="The measure's code, e.g. ORT-UR-01", max_length=30)
    section: str | None = Field(None, description="The section's code; null or absent for a whole-department measure")
    numerator: int | None = Field(
        None,
        description="Whole number ≥ 0 (mean measures: the number of observations); null with a null denominator "
        "deletes the value. Required except on rare-event rows with `events` or `no_events`",
    )
    denominator: int | None = None
    comment: str = Field("", max_length=500)
    mean: float | None = Field(None, description="Mean measures only: the mean of the observations")
    sd: float | None = Field(None, description="Mean measures only: the standard deviation (two or more observations)")
    events: list[EventIn] | None = Field(
        None, description="Rare-event measures only: the month's events; the value is their number"
    )
    no_events: bool = Field(False, description="Rare-event measures only: true confirms no events this month")
    version: int | None = Field(
        None,
        description="The version you read. Needed to change a value a person wrote; omit for values this integration "
        "wrote last or for new values",
    )


class WriteRequest(Schema):
    month: str = Field(
        description="YYYY-MM: every row is a value of this month", pattern=r"^(20[0-9][0-9]|2100)-(0[1-9]|1[0-2])$"
    )
    rows: list[WriteRow] = Field(min_length=1)


class RowResult(Schema):
    row: int
    measure: str
    section: str | None
    outcome: str = Field(description="created, updated, deleted or unchanged")
    version: int | None
    warnings: list[str] = Field(description="Data-quality questions (Danish), as the entry grid asks them")


class WriteResult(Schema):
    month: str
    created: int
    updated: int
    deleted: int
    unchanged: int
    rows: list[RowResult]


class ProblemError(Schema):
    row: int | None = None
    field: str | None = None
    pointer: str | None = None
    detail: str
    detail_en: str


class ProblemSchema(Schema):
    type: str
    title: str
    status: int
    title_en: str
    instance: str
    detail: str | None = None
    detail_en: str | None = None
    errors: list[ProblemError] | None = None


# --- pages of the list endpoints: the items and the cursor of the next page (null on the last) ----------------------

NEXT = Field(None, description="Pass as ?cursor= for the next page; null on the last page")


class DepartmentPage(Schema):
    items: list[Department]
    next_cursor: str | None = NEXT


class SectionPage(Schema):
    items: list[Section]
    next_cursor: str | None = NEXT


class InitiativePage(Schema):
    items: list[Initiative]
    next_cursor: str | None = NEXT


class MeasurePage(Schema):
    items: list[Measure]
    next_cursor: str | None = NEXT


class ValuePage(Schema):
    items: list[Value]
    next_cursor: str | None = NEXT


class ReportPage(Schema):
    items: list[Report]
    next_cursor: str | None = NEXT
