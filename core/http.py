"""Reading common request parameters the same way on every page."""

from __future__ import annotations

from django.utils import timezone

FIRST_YEAR, LAST_YEAR = 2000, 2100


def requested_year(request, *, param: str = "year") -> int:
    """The year asked for in `?year=` (or `param`), or this year when it is missing or out of range."""
    raw = request.GET.get(param, "")
    if raw.isdigit() and FIRST_YEAR <= int(raw) <= LAST_YEAR:
        return int(raw)
    return timezone.localdate().year
