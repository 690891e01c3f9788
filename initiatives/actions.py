"""Actions (tiltag): the dated changes a team makes, drawn as markers on the initiative's charts.

Added from the measurement entry page by the people who enter the department's numbers (key persons,
management, KDK).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from departments.access import access_for

from .models import Action

TEXT_MAX = Action._meta.get_field("text").max_length
EARLIEST = dt.date(2000, 1, 1)


def action_create(*, initiative, date: dt.date | None, text: str, description: str = "", by, today: dt.date) -> Action:
    """Record a dated action with a short text; the date may not lie in the future (it records what was done)."""
    access = access_for(by)
    if not (access.all_departments_editable or initiative.department_id in access.enter):
        raise PermissionDenied(_("Du kan ikke tilføje tiltag for denne afdeling."))
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = _("Skriv kort, hvad I ændrede.")
    elif len(text) > TEXT_MAX:
        errors["text"] = _("Teksten må højst være %(max)d tegn.") % {"max": TEXT_MAX}
    if date is None:
        errors["date"] = _("Vælg datoen for tiltaget.")
    elif date > today:
        errors["date"] = _("Datoen må ikke ligge i fremtiden.")
    elif date < EARLIEST:
        errors["date"] = _("Datoen ser forkert ud.")
    if errors:
        raise ValidationError(errors)
    return Action.objects.create(
        initiative=initiative, date=date, text=text, description=(description or "").strip(), created_by=by
    )
