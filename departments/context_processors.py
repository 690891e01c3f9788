"""Navigation by role. Entries whose URL does not exist (yet) are left out, so apps can add pages freely."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .access import Role, access_for

# (url name, label, who sees it)
NAVIGATION = [
    ("dashboards:start", _("Forside"), lambda a: True),
    ("measurements:mine", _("Mine målinger"), lambda a: bool(a.enter) or a.is_kdk),
    ("dashboards:department_dashboard_mine", _("Min afdeling"), lambda a: bool(a.visible)),
    ("dashboards:workspace_mine", _("Afdelingens Vælg Klogt-arbejde"), lambda a: bool(a.visible)),
    ("initiatives:catalogue", _("Katalog"), lambda a: True),
    ("dashboards:hospital_status", _("Status for sygehusene"), lambda a: a.sees_hospital_group),
    ("reports:list", _("Rapporter"), lambda a: True),
    ("measurements:quality_all", _("Datakvalitet"), lambda a: a.sees_hospital_group),
    ("measurements:reopen_requests", _("Genåbninger"), lambda a: a.is_kdk),
    ("audit:list", _("Adgangslog"), lambda a: a.is_kdk),
    ("admin:index", _("Administration"), lambda a: a.is_kdk),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = access_for(user)
    items = []
    for name, label, allowed in NAVIGATION:
        if not allowed(access):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": request.path == url})
    role_labels = [Role(role).label for role in sorted(access.roles)]
    if user.is_superuser:
        role_labels.append(_("Administrator"))
    return {"nav_items": items, "user_roles": role_labels, "user_access": access}
