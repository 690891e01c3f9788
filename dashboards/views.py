"""The start page, the department dashboard and its ward board, a measure's chart card, and the hospital status."""

from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from core import generation
from core.http import requested_year
from departments.access import (
    access_for,
    board_link_for,
    get_scoped_or_404,
    may_manage_board_links,
    require,
    sees_hospital_group,
)
from departments.models import Department, Hospital
from departments.services import board_link_used
from goals import status
from improvement.selectors import latest_scores
from initiatives.selectors import cross_hospital_for
from measurements import dataquality
from measurements.models import Measure

from . import chart_cache
from . import selectors as queries
from .status_table import status_rows_html

#: The board reloads its charts this often (seconds); data change monthly, so this is plenty.
BOARD_REFRESH_SECONDS = 300
#: Charts per board page (a 2 × 2 grid on a 1920 × 1080 screen); more measures rotate in pages.
BOARD_PAGE_SIZE = 4
#: Seconds each page shows before the next (a visible pause control stops it: WCAG 2.2.2).
BOARD_ROTATE_SECONDS = 20


@login_required
def start(request):
    """Each role lands on what it needs: its department's goals and measures, or the hospital group's overview."""
    today = timezone.localdate()
    year = today.year
    access = access_for(request.user)
    departments = status.visible_departments(request.user)
    rows = status.department_rows(departments, year=year, today=today, measures=False)
    context = {
        "year": year,
        "access": access,
        "cross": cross_hospital_for(year),
        "rows": rows,
        "totals": status.totals(rows) if access.sees_hospital_group else None,
        "has_departments": Department.objects.exists(),
        "waiting": dataquality.waiting_for(request.user, today=today),
    }
    return render(request, "dashboards/start.html", context)


@login_required
@require_GET
def department_dashboard_mine(request):
    """A department user goes to their department; KDK and hospital management to the hospital-wide status."""
    access = access_for(request.user)
    if access.visible:
        department = Department.objects.filter(pk__in=access.visible).order_by("name").first()
        return redirect("dashboards:department_dashboard", pk=department.pk)
    if access.sees_hospital_group:
        return redirect("dashboards:hospital_status")
    return redirect("dashboards:start")


@login_required
@require_GET
def department_dashboard(request, pk):
    """A department's goals, team, initiatives and measure cards; the content is remembered under the data
    generation (core.generation): computed once per change to the data, never stale."""
    token = generation.current()  # before any data is read (the department too: its name is in the content)
    department = get_scoped_or_404(Department.objects.visible_to(request.user), pk=pk)
    today = timezone.localdate()
    year = requested_year(request)
    kind = "run" if request.GET.get("diagram") == "run" else None
    may_manage_links = may_manage_board_links(request.user, department.pk)
    content = generation.remembered(
        "department_dashboard",
        (department.pk, year, kind, today, may_manage_links),
        lambda: _dashboard_content(department, year=year, today=today, kind=kind, may_manage_links=may_manage_links),
        token=token,
    )
    context = {"department": department, "content_html": mark_safe(content)}  # safe: rendered from a template
    return render(request, "dashboards/department_dashboard.html", context)


def _dashboard_content(department, *, year: int, today, kind: str | None, may_manage_links: bool) -> str:
    dashboard = queries.department_dashboard(department, year=year, today=today, kind=kind)
    # Each card's HTML, remembered with its chart (dashboards.chart_cache): eight ten-year cards through the
    # template language were a third of the page's time.
    rendered = chart_cache.card_html(dashboard.cards, heading=4)
    for block in dashboard.initiatives:
        block.cards_html = [rendered[card.measure.pk] for card in block.cards]
    context = {
        "dashboard": dashboard,
        "row": dashboard.row,
        "year": year,
        "years": queries.available_years(today),
        "cross": cross_hospital_for(year),
        "may_manage_links": may_manage_links,
        **_sign_off(department.pk, year=year, today=today),
    }
    return render_to_string("dashboards/dashboard_content.html", context)


def _sign_off(department_id: int, *, year: int, today) -> dict:
    """Timeliness of the year's months and the last ended quarter's approval (measurements.dataquality)."""
    months = dataquality.timeliness_by_department(
        [department_id], dataquality.year_months_due(year, today=today), today=today
    )[department_id]
    quarter = dataquality.quarter_to_approve(today)
    approval = dataquality.approvals_by_department([department_id], quarter).get(department_id)
    return {
        "timeliness": months,
        "timeliness_summary": dataquality.summarise(months),
        "approval_quarter": quarter,
        "approval_quarter_label": dataquality.quarter_label(quarter),
        "approval_text": dataquality.approval_text(approval),
        "approval": approval,
    }


@login_required
@require_GET
def measure_chart(request, pk):
    """One measure's chart card in the requested type: a partial for htmx, a page otherwise (a real link)."""
    measure = get_scoped_or_404(
        Measure.objects.visible_to(request.user).select_related("initiative__department", "initiative__recommendation"),
        pk=pk,
    )
    if request.GET.get("panel") == "entry":
        # The chart panel of the entry page (measurements), loaded with htmx so it shows the PDSA periods too.
        chart = queries.entry_chart(measure, today=timezone.localdate())
        return render(request, "dashboards/measure_chart.html#entry_panel", {"chart": chart, "measure": measure})
    card = queries.single_measure_card(measure, today=timezone.localdate(), kind=request.GET.get("kind"))
    template = "dashboards/measure_chart.html#card" if request.htmx else "dashboards/measure_chart.html"
    # On its own page the card's heading follows the page's h1; on the dashboard it follows an initiative's h3.
    on_own_page = not request.htmx or urlsplit(request.htmx.current_url_abs_path or "").path == request.path
    context = {"card": card, "measure": measure, "card_heading": 2 if on_own_page else 4}
    return render(request, template, context)


@login_required
@require_GET
def board(request, pk):
    """Forbedringstavle: one department's charts in large type for a screen on the ward; refreshes itself."""
    department = get_scoped_or_404(Department.objects.visible_to(request.user), pk=pk)
    year = requested_year(request)
    poll_url = f"{reverse('dashboards:board', args=[department.pk])}?year={year}"
    context = {
        "may_manage_links": may_manage_board_links(request.user, department.pk),
        "department_url": f"{reverse('dashboards:department_dashboard', args=[department.pk])}?year={year}",
    }
    return _render_board(request, department, year=year, poll_url=poll_url, extra=context)


@require_GET
def board_shared(request, token):
    """The board through a read-only board link: no sign-in, for a screen on the ward that keeps running after the
    person who opened it has gone. Unknown, revoked and expired links are all answered 404 (and audited as refused
    by departments.middleware); every use is audited."""
    today = timezone.localdate()
    link = board_link_for(token, today=today)
    if link is None:
        raise Http404
    board_link_used(link=link, request=request)
    poll_url = reverse("dashboards:board_shared", args=[token])
    return _render_board(request, link.department, year=today.year, poll_url=poll_url, extra={"shared": True})


def _render_board(request, department, *, year: int, poll_url: str, extra: dict):
    today = timezone.localdate()
    dashboard = queries.department_dashboard(department, year=year, today=today)
    cards = dashboard.cards
    pages = [cards[start : start + BOARD_PAGE_SIZE] for start in range(0, len(cards), BOARD_PAGE_SIZE)]
    context = {
        "dashboard": dashboard,
        "pages": pages,
        "refresh_seconds": BOARD_REFRESH_SECONDS,
        "rotate_seconds": BOARD_ROTATE_SECONDS,
        "updated_at": timezone.localtime(),
        "poll_url": poll_url,
        **extra,
    }
    template = "dashboards/board.html#board" if request.htmx else "dashboards/board.html"
    return render(request, template, context)


@login_required
@require_GET
def hospital_status(request):
    """Status for the hospitals: one row per department, the group's totals on top; for KDK and hospital management.

    The results are remembered under the data generation (core.generation): computed once per change to the data,
    never stale."""
    token = generation.current()  # before any data is read
    require(sees_hospital_group(request.user))
    today = timezone.localdate()
    year = requested_year(request)
    hospitals = list(Hospital.objects.order_by("name"))
    hospital = next((h for h in hospitals if str(h.pk) == request.GET.get("hospital", "")), None)
    results = generation.remembered(
        "hospital_status",
        (access_for(request.user).visibility_key, year, today, hospital.pk if hospital else ""),
        lambda: _status_results(request, year=year, today=today, hospital=hospital),
        token=token,
    )
    if request.htmx:
        return HttpResponse(results)
    context = {
        "results_html": mark_safe(results),  # safe: rendered from the template below
        "year": year,
        "years": queries.available_years(today),
        "hospitals": hospitals,
        "hospital": hospital,
    }
    return render(request, "dashboards/hospital_status.html", context)


def _status_results(request, *, year: int, today, hospital) -> str:
    rows = status.department_rows(status.visible_departments(request.user, hospital=hospital), year=year, today=today)
    ids = [row.department.pk for row in rows]
    timeliness = dataquality.timeliness_by_department(ids, dataquality.year_months_due(year, today=today), today=today)
    quarter = dataquality.quarter_to_approve(today)
    approvals = dataquality.approvals_by_department(ids, quarter)
    scores = latest_scores([initiative.pk for row in rows for initiative in row.initiatives])
    for row in rows:
        # Each local initiative's latest progress score, side by side.
        row.progress_scores = [(i, scores[i.pk]) for i in row.initiatives if i.pk in scores]
        row.timeliness_summary = dataquality.summarise(timeliness[row.department.pk])
        row.approval_text = dataquality.approval_text(approvals.get(row.department.pk))
        row.approved = row.department.pk in approvals
    context = {
        "approval_quarter": quarter,
        "approval_quarter_label": dataquality.quarter_label(quarter),
        "rows": rows,
        "rows_html": status_rows_html(rows, year=year, approval_quarter=quarter),
        "totals": status.totals(rows),
        "year": year,
        "hospital": hospital,
        "cross": cross_hospital_for(year),
    }
    return render_to_string("dashboards/status_results.html", context)
