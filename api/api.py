"""The versioned Web API, /api/v1/: an interface over the same selectors, services and access rules as the pages.

Every list is scoped by `departments.access` (`visible_to(user)` for the token's owner); every single object is
fetched with `get_scoped_or_404`, so an object outside the token's reach answers 404 exactly like one that does
not exist. Writes go through `api.feed` to the one write service. Errors are RFC 9457 problem details
(`api.problems`).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import logging
import typing
from typing import Annotated, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Min
from django.http import FileResponse, Http404, HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BaseModel as PydanticModel

from core.months import add_months, first_of_month
from departments import audit
from departments.access import ScopedNotFound, get_scoped_or_404, is_system_user
from departments.models import Department, Section
from goals.status import department_rows, visible_departments
from initiatives.models import Initiative
from measurements import charts
from measurements.models import Measure, Measurement, RareEvent, Unit
from measurements.periods import measure_months, measure_slots
from measurements.phases import phases_for
from measurements.series import display_value, monthly_totals
from reports.models import Report

from . import schemas as s
from .feed import parse_month, values_write
from .problems import Problem, Text
from .problems import response as problem_response
from .security import TokenAuth, require_write

logger = logging.getLogger("vaelgklogt.api")

PROBLEMS = dict.fromkeys((400, 401, 403, 404, 422, 429), s.ProblemSchema)


class ProblemAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document names application/problem+json for every error response (RFC 9457)."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        answer["content"] = {"application/problem+json": content["application/json"]}
        return schema


api = ProblemAPI(
    title="Vælg Klogt API",
    version="1",
    description=(
        "Læs afdelinger, indsatser, målinger, månedlige værdier, målstatus, diagramanalyser og rapporter, og skriv "
        "en måneds værdier — under de samme regler som skærmbillederne. Se docs/api.md.\n\n"
        "Read departments, initiatives, measures, monthly values, goal status, chart analyses and reports, and write "
        "a month of values — under the same rules as the screens. Authorization: Bearer vk_…"
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _strict_query(view):
    """A GET with a query parameter its operation does not declare is a 400, as the OpenAPI document says (a typo
    in a filter, e.g. `?departmnt=12`, would otherwise silently return everything)."""
    allowed: set[str] = set()
    for hint in typing.get_type_hints(view, include_extras=True).values():
        if typing.get_origin(hint) is Annotated:
            model = typing.get_args(hint)[0]
            if isinstance(model, type) and issubclass(model, PydanticModel):
                allowed |= set(model.model_fields)

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        unknown = sorted(set(request.GET) - allowed) if request.method == "GET" else []
        if unknown:
            names = ", ".join(repr(name) for name in unknown)[:200]
            raise Problem(
                "bad-request",
                detail=Text(f"Ukendt parameter: {names}.", f"Unknown parameter: {names}."),
                errors=[
                    {
                        "field": name[:50],
                        "pointer": f"/{name[:50]}",
                        "detail": "Operationen har ikke den parameter.",
                        "detail_en": "The operation has no such parameter.",
                    }
                    for name in unknown[:20]
                ],
            )
        return view(request, *args, **kwargs)

    return checked


api.add_decorator(_strict_query)


# --- errors as problem details ---------------------------------------------------------------------------------------


@api.exception_handler(Problem)
def _problem(request, exc: Problem):
    return problem_response(request, exc)


@api.exception_handler(Http404)
def _not_found(request, exc):
    if isinstance(exc, ScopedNotFound):
        request._vk_scoped_not_found = exc  # audited by RefusedAccessAuditMiddleware, after the answer
    return problem_response(
        request,
        Problem("not-found", detail=Text("Objektet findes ikke, eller nøglen når det ikke.", "No such object.")),
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return problem_response(request, Problem("forbidden"))


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    return problem_response(request, Problem("unauthorized"))


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload", "query", "path")]
        row = int(location[1]) if len(location) > 1 and location[0] == "rows" and location[1].isdigit() else None
        errors.append(
            {
                "row": row,
                "field": location[-1] if location else None,
                "pointer": "/" + "/".join(location),
                "detail": "Ugyldig værdi: " + str(error.get("msg", "")),
                "detail_en": str(error.get("msg", "")),
            }
        )
    if request.method == "POST":
        audit.record(
            action=audit.Action.API_WRITE,
            outcome=audit.Outcome.FAILURE,
            request=request,
            obj=getattr(request, "api_token", None),
            detail=f"422: unreadable request ({len(errors)} errors)",
        )
    kind = "validation" if request.method == "POST" else "bad-request"
    return problem_response(
        request,
        Problem(
            kind,
            detail=Text("Forespørgslen passer ikke til API'ets skema.", "The request does not match the schema."),
            errors=errors,
        ),
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    kind = {400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found", 413: "too-large"}
    return problem_response(request, Problem(kind.get(exc.status_code, "bad-request")))


@api.exception_handler(Exception)
def _server_error(request, exc):
    logger.exception("API error on %s %s", request.method, request.path)
    return problem_response(request, Problem("server-error"))


PK = Annotated[int, Path(ge=1, le=2**63 - 1, description="The object's id")]


# --- paging ----------------------------------------------------------------------------------------------------------

MAX_LIMIT = 1000


#: The largest id PostgreSQL's bigint holds: a larger one in a filter is refused by the schema, not by the database.
MAX_ID = 2**63 - 1
#: A month as the API writes it: YYYY-MM, 2000-01 to 2100-12.
MONTH_PATTERN = r"^(20[0-9][0-9]|2100)-(0[1-9]|1[0-2])$"


def _id(description: str = ""):
    return Field(None, ge=1, le=MAX_ID, description=description)


class Paging(Schema):
    cursor: int | None = Field(
        None, ge=0, le=MAX_ID, description="The previous page's next_cursor; absent for the first page"
    )
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"Rows per page, 1–{MAX_LIMIT}")


def _encode_cursor(pk: int) -> str:
    return str(pk)


def _page(queryset, paging: Paging, convert) -> dict:
    """Keyset pagination by id: stable while rows are added, one query per page whatever the page number."""
    after = paging.cursor or 0
    rows = list(queryset.filter(pk__gt=after).order_by("pk")[: paging.limit + 1])
    more = len(rows) > paging.limit
    rows = rows[: paging.limit]
    return {
        "items": [convert(row) for row in rows],
        "next_cursor": _encode_cursor(rows[-1].pk) if more and rows else None,
    }


def _month_text(value: dt.date | None) -> str | None:
    return f"{value:%Y-%m}" if value else None


# --- who am I --------------------------------------------------------------------------------------------------------


@api.get("/me", response={200: s.Me, **PROBLEMS}, tags=["token"], summary="The token and its owner")
def me(request):
    token = request.api_token
    return {
        "username": request.user.get_username(),
        "system": is_system_user(request.user),
        "token_name": token.name,
        "token_prefix": token.prefix,
        "scope": token.scope,
        "expires_at": token.expires_at,
    }


# --- organisation ----------------------------------------------------------------------------------------------------


def _department(d) -> dict:
    return {
        "id": d.pk,
        "code": d.code,
        "name": d.name,
        "hospitals": [{"code": h.code, "name": h.name} for h in d.hospitals.all()],
    }


@api.get("/departments", response={200: s.DepartmentPage, **PROBLEMS}, tags=["organisation"])
def departments(request, paging: Query[Paging]):
    queryset = Department.objects.visible_to(request.user).prefetch_related("hospitals")
    return _page(queryset, paging, _department)


@api.get("/departments/{pk}", response={200: s.Department, **PROBLEMS}, tags=["organisation"])
def department(request, pk: PK):
    return _department(
        get_scoped_or_404(Department.objects.visible_to(request.user).prefetch_related("hospitals"), pk=pk)
    )


class SectionFilter(Paging):
    department: int | None = _id()


def _section(x) -> dict:
    return {
        "id": x.pk,
        "code": x.code,
        "name": x.name,
        "kind": x.kind,
        "department": x.department_id,
        "hospital": x.hospital.code,
    }


@api.get("/sections", response={200: s.SectionPage, **PROBLEMS}, tags=["organisation"])
def sections(request, filters: Query[SectionFilter]):
    queryset = Section.objects.visible_to(request.user).select_related("hospital")
    if filters.department is not None:
        queryset = queryset.filter(department_id=filters.department)
    return _page(queryset, filters, _section)


# --- initiatives and measures ----------------------------------------------------------------------------------------


class InitiativeFilter(Paging):
    department: int | None = _id()
    year: int | None = Field(None, ge=2000, le=2100)


def _initiative(i) -> dict:
    return {
        "id": i.pk,
        "department": i.department_id,
        "year": i.year,
        "status": i.status,
        "status_label": str(i.get_status_display()),
        "recommendation": i.recommendation.title,
        "recommendation_kind": i.recommendation.kind,
        "aim": i.aim,
        "sections": [x.pk for x in i.sections.all()],
    }


def _initiatives(user):
    return Initiative.objects.visible_to(user).select_related("recommendation").prefetch_related("sections")


@api.get("/initiatives", response={200: s.InitiativePage, **PROBLEMS}, tags=["initiatives"])
def initiatives(request, filters: Query[InitiativeFilter]):
    queryset = _initiatives(request.user)
    if filters.department is not None:
        queryset = queryset.filter(department_id=filters.department)
    if filters.year is not None:
        queryset = queryset.filter(year=filters.year)
    return _page(queryset, filters, _initiative)


@api.get("/initiatives/{pk}", response={200: s.Initiative, **PROBLEMS}, tags=["initiatives"])
def initiative(request, pk: PK):
    return _initiative(get_scoped_or_404(_initiatives(request.user), pk=pk))


class MeasureFilter(Paging):
    department: int | None = _id()
    initiative: int | None = _id()


def _measure(m) -> dict:
    return {
        "id": m.pk,
        "code": m.code,
        "name": m.name,
        "initiative": m.initiative_id,
        "department": m.initiative.department_id,
        "kind": m.kind,
        "unit": m.unit,
        "rate_per": m.rate_per,
        "direction": m.direction,
        "per_section": m.per_section,
        "target": float(m.target) if m.target is not None else None,
        "start_month": _month_text(m.start_month),
        "end_month": _month_text(m.end_month),
        "operational_definition": m.operational_definition,
        "numerator_definition": m.numerator_definition,
        "denominator_definition": m.denominator_definition,
        "data_source": m.data_source,
        "sections": [x.pk for x in measure_slots(m) if x is not None],
    }


def _measures(user):
    return Measure.objects.visible_to(user).select_related("initiative").prefetch_related("initiative__sections")


@api.get("/measures", response={200: s.MeasurePage, **PROBLEMS}, tags=["measures"])
def measures(request, filters: Query[MeasureFilter]):
    queryset = _measures(request.user)
    if filters.department is not None:
        queryset = queryset.filter(initiative__department_id=filters.department)
    if filters.initiative is not None:
        queryset = queryset.filter(initiative_id=filters.initiative)
    return _page(queryset, filters, _measure)


@api.get("/measures/{pk}", response={200: s.Measure, **PROBLEMS}, tags=["measures"])
def measure(request, pk: PK):
    return _measure(get_scoped_or_404(_measures(request.user), pk=pk))


@api.get(
    "/measures/{pk}/analysis",
    response={200: s.Analysis, **PROBLEMS},
    tags=["measures"],
    summary="The measure's run or control chart analysis (centre, limits, signals, sentence)",
)
def analysis(request, pk: PK):
    measure = get_scoped_or_404(Measure.objects.visible_to(request.user).select_related("initiative"), pk=pk)
    # The one chart path of the dashboards (measurements.charts): the measure's saved kind, its series, the rules.
    chart = charts.chart_for_measure(
        measure,
        months=measure_months(measure, today=timezone.localdate()),
        values=monthly_totals(Measure.objects.filter(pk=measure.pk)).get(measure.pk, ()),
        phases=phases_for([measure.pk])[measure.pk],
    )
    result = chart.result
    last = result.last_part if result.parts else None
    variation, assurance = getattr(chart, "variation", None), getattr(chart, "assurance", None)
    return {
        "measure": measure.pk,
        "kind": chart.kind,
        "kind_label": str(charts.kind_label(chart.kind)),
        "signal": str(charts.signal_of(measure, result)),
        "sentence": chart.sentence,
        "variation": str(variation) if variation is not None else None,
        "assurance": str(assurance) if assurance is not None else None,
        "longest_run": last.longest_run if last else None,
        "longest_run_max": last.longest_run_max if last else None,
        "crossings": last.crossings if last else None,
        "crossings_min": last.crossings_min if last else None,
        "points": [
            {
                "month": f"{point.month:%Y-%m}",
                "value": chart_point.y,
                "centre": chart_point.cl,
                "lower_limit": chart_point.lcl,
                "upper_limit": chart_point.ucl,
                "signal": chart_point.sigma_signal,
                "excluded": chart_point.excluded,
            }
            for point, chart_point in zip(chart.points, result.points, strict=False)
        ],
    }


# --- monthly values --------------------------------------------------------------------------------------------------


class ValueFilter(Paging):
    measure: int | None = _id()
    department: int | None = _id()
    section: int | None = _id()
    month_from: str | None = Field(None, pattern=MONTH_PATTERN, description="YYYY-MM, the first month included")
    month_to: str | None = Field(None, pattern=MONTH_PATTERN, description="YYYY-MM, the last month included")
    format: Literal["json", "csv"] | None = Field(None, description="csv: the whole filtered table as CSV")


def _values(user, filters: ValueFilter):
    queryset = Measurement.objects.visible_to(user)
    if filters.measure is not None:
        queryset = queryset.filter(measure_id=filters.measure)
    if filters.department is not None:
        queryset = queryset.filter(measure__initiative__department_id=filters.department)
    if filters.section is not None:
        queryset = queryset.filter(section_id=filters.section)
    start = parse_month(filters.month_from, name="month_from")
    end = parse_month(filters.month_to, name="month_to")
    if start:
        queryset = queryset.filter(month__gte=start)
    if end:
        queryset = queryset.filter(month__lte=end)
    return queryset


def _events_of(values) -> dict[tuple, list[tuple[dt.date, int | None]]]:
    """The rare events of the given values (of event measures), by (measure, section, month): one query."""
    wanted = {(v.measure_id, v.section_id, v.month) for v in values if v.unit == Unit.EVENTS}
    if not wanted:
        return {}
    months = sorted({month for _m, _s, month in wanted})
    found: dict[tuple, list] = {}
    events = RareEvent.objects.filter(
        measure_id__in={measure for measure, _s, _m in wanted},
        date__gte=months[0],
        date__lt=add_months(months[-1], 1),
    ).order_by("date", "pk")
    for measure, section, day, opportunities in events.values_list("measure_id", "section_id", "date", "opportunities"):
        key = (measure, section, first_of_month(day))
        if key in wanted:
            found.setdefault(key, []).append((day, opportunities))
    return found


def _value(v, events=None) -> dict:
    return {
        "id": v.pk,
        "measure": v.measure_id,
        "measure_code": v.measure.code,
        "department": v.measure.initiative.department_id,
        "section": v.section_id,
        "section_code": v.section.code if v.section_id else None,
        "month": f"{v.month:%Y-%m}",
        "numerator": v.numerator,
        "denominator": v.denominator,
        "comment": v.comment,
        "mean": float(v.mean) if v.mean is not None else None,
        "sd": float(v.sd) if v.sd is not None else None,
        "events": (
            [{"date": day, "opportunities": opportunities} for day, opportunities in events]
            if v.unit == Unit.EVENTS and events is not None
            else None
        ),
        "version": v.version,
        "entered_by": v.entered_by.get_username() if v.entered_by_id else None,
        "entered_at": v.entered_at,
    }


CSV_COLUMNS = (
    "measure_code",
    "measure_name",
    "department_code",
    "section_code",
    "month",
    "numerator",
    "denominator",
    "value",
    "unit",
    "rate_per",
    "comment",
    "version",
    "entered_at",
    "mean",
    "sd",
    "events",
    "event_opportunities",
)


class _Echo:
    def write(self, value):
        return value


def _csv_response(request, queryset):
    limit = settings.VAELGKLOGT_API_CSV_MAX_ROWS
    if queryset.order_by()[: limit + 1].count() > limit:
        raise Problem(
            "too-large",
            detail=Text(
                f"Mere end {limit} rækker: afgræns med measure, department eller month_from/month_to.",
                f"More than {limit} rows: narrow with measure, department or month_from/month_to.",
            ),
        )
    rows = queryset.order_by("pk").values_list(
        "measure__code",
        "measure__name",
        "measure__initiative__department__code",
        "section__code",
        "month",
        "numerator",
        "denominator",
        "unit",
        "measure__rate_per",
        "comment",
        "version",
        "entered_at",
        "mean",
        "sd",
        "measure_id",
        "section_id",
    )
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(CSV_COLUMNS)
        events = _csv_events(queryset)
        for (
            code,
            name,
            dept,
            section,
            month,
            num,
            den,
            unit,
            rate_per,
            comment,
            version,
            at,
            mean,
            sd,
            measure_id,
            section_id,
        ) in rows.iterator(chunk_size=2000):
            value = display_value(unit=unit, rate_per=rate_per, numerator=num, denominator=den)
            if unit == Unit.MEAN and mean is not None:
                value = float(mean)
            month_events = events.get((measure_id, section_id, month), ()) if unit == Unit.EVENTS else ()
            yield writer.writerow(
                (
                    code,
                    name,
                    dept,
                    section or "",
                    f"{month:%Y-%m}",
                    num,
                    "" if den is None else den,
                    "" if value is None else f"{value:.6g}",
                    unit,
                    rate_per,
                    comment,
                    version,
                    at.isoformat(),
                    "" if mean is None else f"{mean.normalize():f}",
                    "" if sd is None else f"{sd.normalize():f}",
                    ";".join(day.isoformat() for day, _o in month_events),
                    ";".join("" if o is None else str(o) for _d, o in month_events)
                    if any(o is not None for _d, o in month_events)
                    else "",
                )
            )

    audit.record(action=audit.Action.EXPORT, request=request, obj=request.api_token, detail="api values csv")
    answer = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    answer["Content-Disposition"] = 'attachment; filename="vaelgklogt-values.csv"'
    return answer


def _csv_events(queryset) -> dict[tuple, list[tuple[dt.date, int | None]]]:
    """The rare events of the filtered values' event measures, by (measure, section, month): one query, read as
    the CSV starts (rare events are few: at most a handful a month per measure)."""
    found: dict[tuple, list] = {}
    cells = queryset.filter(unit=Unit.EVENTS).order_by()
    if not cells.exists():
        return found
    bounds = cells.aggregate(first=Min("month"), last=Max("month"))
    events = RareEvent.objects.filter(
        measure_id__in=cells.values("measure_id"),
        date__gte=bounds["first"],
        date__lt=add_months(bounds["last"], 1),
    ).order_by("date", "pk")
    for measure, section, day, opportunities in events.values_list("measure_id", "section_id", "date", "opportunities"):
        found.setdefault((measure, section, first_of_month(day)), []).append((day, opportunities))
    return found


def _wants_csv(request: HttpRequest, filters: ValueFilter) -> bool:
    if filters.format is not None:
        return filters.format == "csv"
    accept = request.headers.get("Accept", "")
    return "text/csv" in accept and "application/json" not in accept


@api.get(
    "/values",
    response={200: s.ValuePage, 413: s.ProblemSchema, **PROBLEMS},
    tags=["values"],
    summary="Monthly values (JSON pages, or the whole filtered table as CSV)",
    description="`Accept: text/csv` or `?format=csv` streams every filtered row as CSV (up to "
    "VAELGKLOGT_API_CSV_MAX_ROWS, default 200,000), ignoring cursor and limit.",
    openapi_extra={
        "responses": {
            200: {
                "description": "OK",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ValuePage"}},
                    "text/csv": {"schema": {"type": "string"}},
                },
            }
        }
    },
)
def values(request, filters: Query[ValueFilter]):
    queryset = _values(request.user, filters)
    if _wants_csv(request, filters):
        return _csv_response(request, queryset)
    queryset = queryset.select_related("measure__initiative", "section", "entered_by")
    page = _page(queryset, filters, lambda value: value)
    events = _events_of(page["items"])
    page["items"] = [
        _value(value, events.get((value.measure_id, value.section_id, value.month), [])) for value in page["items"]
    ]
    return page


@api.post(
    "/values",
    response={200: s.WriteResult, 409: s.ProblemSchema, 413: s.ProblemSchema, **PROBLEMS},
    tags=["values"],
    summary="Write many values of one month, all or nothing",
    url_name="values",
)
def values_post(request, payload: s.WriteRequest):
    require_write(request)
    return values_write(request=request, user=request.user, month_text=payload.month, rows=payload.rows)


# --- goal status -----------------------------------------------------------------------------------------------------


class GoalFilter(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="Default: this year")


@api.get(
    "/goals",
    response={200: list[s.GoalRow], **PROBLEMS},
    tags=["goals"],
    summary="Mål 1 and Mål 2 per visible department (the one status function, goals.status)",
)
def goals(request, filters: Query[GoalFilter]):
    today = timezone.localdate()
    year = filters.year or today.year
    if not 2000 <= year <= 2100:
        raise Problem("bad-request", detail=Text("year skal være 2000–2100.", "year must be 2000–2100."))
    rows = department_rows(visible_departments(request.user), year=year, today=today)
    return [
        {
            "department": row.department.pk,
            "department_code": row.department.code,
            "year": year,
            "team": {"state": str(row.team.state), "label": str(row.team.label), "detail": str(row.team.detail)},
            "selections": {
                "state": str(row.selections.state),
                "label": str(row.selections.label),
                "detail": str(row.selections.detail),
            },
            "in_cross_hospital": row.in_cross_hospital,
            "values_expected": row.completeness.expected,
            "values_present": row.completeness.present,
            "measures": [
                {
                    "measure": status.measure.pk,
                    "code": status.measure.code,
                    "signal": str(status.signal),
                    "sentence": status.sentence,
                    "expected": status.completeness.expected,
                    "present": status.completeness.present,
                }
                for status in row.measures
            ],
        }
        for row in rows
    ]


# --- reports ---------------------------------------------------------------------------------------------------------


class ReportFilter(Paging):
    department: int | None = _id()


def _report(r) -> dict:
    return {
        "id": r.pk,
        "kind": r.kind,
        "department": r.department_id,
        "period": r.period,
        "status": r.status,
        "finished_at": r.finished_at,
        "files": [
            {"format": fmt, "url": reverse("api:report_file", kwargs={"pk": r.pk, "fmt": fmt})}
            for fmt, _label in r.files()
        ],
    }


@api.get("/reports", response={200: s.ReportPage, **PROBLEMS}, tags=["reports"])
def reports(request, filters: Query[ReportFilter]):
    queryset = Report.objects.visible_to(request.user)
    if filters.department is not None:
        queryset = queryset.filter(department_id=filters.department)
    return _page(queryset, filters, _report)


@api.get("/reports/{pk}", response={200: s.Report, **PROBLEMS}, tags=["reports"])
def report(request, pk: PK):
    return _report(get_scoped_or_404(Report.objects.visible_to(request.user), pk=pk))


REPORT_FILES = {"pdf": "pdf_file", "html": "html_file", "pptx": "pptx_file"}


@api.get(
    "/reports/{pk}/files/{fmt}",
    response={200: None, **PROBLEMS},
    tags=["reports"],
    summary="A built report's file (pdf, html or pptx)",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file",
                "content": {
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    "text/html": {"schema": {"type": "string"}},
                    "application/vnd.openxmlformats-officedocument.presentationml.presentation": {
                        "schema": {"type": "string", "format": "binary"}
                    },
                },
            }
        }
    },
)
def report_file(request, pk: PK, fmt: Literal["pdf", "html", "pptx"]):
    report = get_scoped_or_404(Report.objects.visible_to(request.user), pk=pk)
    if fmt not in REPORT_FILES or fmt not in dict(report.files()):
        raise Problem("not-found", detail=Text("Rapporten har ingen fil i det format.", "No such file."))
    field = getattr(report, REPORT_FILES[fmt])
    audit.record(action=audit.Action.REPORT_DOWNLOAD, request=request, obj=report, detail=f"{fmt} api")
    return FileResponse(field.open("rb"), as_attachment=True, filename=f"vaelgklogt-{report.period}-{report.pk}.{fmt}")
