from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from api import views as api_views
from api.api import api

from . import accessibility, bench_views, health

admin.site.site_header = _("Vælg Klogt – administration")
admin.site.site_title = _("Vælg Klogt")
admin.site.index_title = _("Katalog og organisation")

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("tilgaengelighed/", accessibility.statement, name="accessibility_statement"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("measurements.urls")),
    path("admin/", admin.site.urls),
    # trust (issue 6): audit trail pages and single sign-on (404 while SSO is off)
    path("log/", include("departments.audit_urls")),
    path("oidc/", include("departments.oidc_urls")),
    path("vaelg-klogt/afdelinger/", include("departments.urls")),
    path("vaelg-klogt/", include("initiatives.urls")),
    path("rapporter/", include("reports.urls")),
    path("api/v1/", api.urls),
    path("api/v1/<path:rest>", api_views.api_not_found, name="api_not_found"),
    path("api-noegler/", include("api.urls")),
    path("", include("dashboards.urls")),
]

# The benchmark's floor view, only when VAELGKLOGT_BENCH_FLOOR is on (see bench/ and vaelgklogt/bench_views.py).
urlpatterns += bench_views.urlpatterns()
