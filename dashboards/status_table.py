"""The body rows of the hospital-wide status table, written as HTML in Python.

The status page shows one row of thirteen cells per department: 150 at region scale, 750 at national scale. Through
the template language each row cost about half a millisecond (some forty variable lookups, two URL reversals and
a static-file lookup per icon), which made rendering the table three quarters of the page's time. Here each row is
one pass over values the view already holds, every text escaped as Django escapes it, whole numbers written as
the template writes them without a thousand separator (the settings leave it off), the URLs reversed once per row
and the icons' static URLs looked up once per process. The head of the table, the totals and the tiles stay in
`hospital_status.html`; the strings are the template's own msgids, so their translations are shared.
"""

from __future__ import annotations

import functools
import html

from django.template.defaultfilters import floatformat, truncatechars
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MUTED_DASH = mark_safe('<span class="muted">–</span>')


@functools.lru_cache(maxsize=64)
def _static_url(path: str) -> str:
    """A static file's URL (with the manifest's hash); fixed for the life of the process."""
    return static(path)


def status_rows_html(rows, *, year: int, approval_quarter: str) -> SafeString:
    """The `<tr>` of every department in `rows` (`goals.status.DepartmentStatus`, annotated by the view with
    `timeliness_summary`, `approval_text`, `approved` and `progress_scores`)."""
    if not rows:
        return format_html('<tr><td colspan="13" class="muted">{}</td></tr>', _("Ingen afdelinger matcher filteret."))
    labels = {"yes": _("Ja"), "no": _("Nej")}
    # safe: every text in a row goes through _e (html.escape, as Django's escape), numbers are ints.
    return mark_safe("\n".join(_row(row, year=year, quarter=approval_quarter, labels=labels) for row in rows))


def _e(text) -> str:
    """Escape as Django's `escape` does (without its lazy-string wrapper, which cost more than the escaping)."""
    return html.escape(str(text))


def _row(row, *, year: int, quarter: str, labels: dict) -> str:
    department = row.department
    dashboard = _e(f"{reverse('dashboards:department_dashboard', args=[department.pk])}?year={year}")
    approval = _e(reverse("measurements:approval", args=[department.pk, quarter]))
    signals = row.signals
    cross = (
        f'<td><span class="badge badge-met">{_e(labels["yes"])}</span></td>'
        if row.in_cross_hospital
        else f'<td><span class="muted">{_e(labels["no"])}</span></td>'
    )
    return (
        f'<tr><th scope="row"><a href="{dashboard}">{_e(department.name)}</a></th>'
        f"{_goal(row.selections)}{_goal(row.team)}{cross}{_completeness(row.completeness)}"
        f"{_badge_count(signals.improvement, 'badge-met')}{_badge_count(signals.deterioration, 'badge-overdue')}"
        f'<td class="num">{signals.none:d}</td><td class="num">{signals.too_few:d}</td>'
        f'<td class="icon-counts">{_icons(row.icons, dashboard)}</td>'
        f'<td class="timeliness">{_timeliness(row.timeliness_summary)}</td>'
        f'<td class="approval"><a href="{approval}"><span class="badge badge-{"met" if row.approved else "neutral"}">'
        f"{_e(row.approval_text)}</span></a></td>"
        f'<td class="scores">{_scores(row.progress_scores)}</td></tr>'
    )


def _goal(goal) -> str:
    return (
        f'<td><span class="badge badge-{_e(goal.state)}">{_e(goal.label)}</span> <small>{_e(goal.detail)}</small></td>'
    )


def _completeness(total) -> str:
    if not total.expected:
        return f'<td class="num">{MUTED_DASH}</td>'
    return (
        f'<td class="num">{total.percent:d} % <small class="muted">({total.present:d}/{total.expected:d})</small></td>'
    )


def _badge_count(count: int, badge: str) -> str:
    if count:
        return f'<td class="num"><span class="badge {badge}">{count:d}</span></td>'
    return '<td class="num">0</td>'


def _icons(icons, dashboard: str) -> str:
    if not icons:
        return MUTED_DASH
    return "".join(
        f'<a class="mdc-icon" href="{dashboard}"><img src="{_e(_static_url(count.path))}" alt="" width="20" '
        f'height="20">{count.measures:d} · {_e(count.label)}</a>'
        for count in icons
    )


def _timeliness(summary) -> str:
    if not summary.due:
        return MUTED_DASH
    text = f"{summary.on_time:d}/{summary.due:d}"
    if summary.not_reported:
        missing = ngettext("%(n)s mangler", "%(n)s mangler", summary.not_reported) % {"n": summary.not_reported}
        text += f' <span class="badge badge-overdue">{_e(missing)}</span>'
    return text


def _scores(scores) -> str:
    if not scores:
        return MUTED_DASH
    return "<br>".join(
        f'<span class="nowrap" title="{_e(score.label)}">{_e(truncatechars(initiative.recommendation.title, 24))}: '
        f"<strong>{_e(floatformat(score.score, 1))}</strong></span>"
        for initiative, score in scores
    )
