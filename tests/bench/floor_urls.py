"""The root URLs with the benchmark's floor view turned on (as `VAELGKLOGT_BENCH_FLOOR=true` does)."""

from django.test import override_settings

from vaelgklogt import bench_views
from vaelgklogt.urls import urlpatterns as root

with override_settings(BENCHMARK_FLOOR_VIEW=True):
    urlpatterns = [*root, *bench_views.urlpatterns()]
