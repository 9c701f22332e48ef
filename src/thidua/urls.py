from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (kept for later public pages)
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from thidua.env import env_bool


def bench_bare(request: HttpRequest) -> HttpResponse:
    """A fixed answer through the whole middleware stack: the throughput benchmark's baseline."""
    return HttpResponse("ok", content_type="text/plain")


def bench_patterns() -> list:
    """`/bench/bare/`, only when THIDUA_BENCH_BARE=true (set by `python -m benchmarks`).

    Never mounted in production: without the variable the URL does not exist (404).
    """
    if not env_bool("THIDUA_BENCH_BARE", False):
        return []
    return [path("bench/bare/", bench_bare, name="bench_bare")]


urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("thidua.api.urls")),
    *bench_patterns(),
    path("", include("thidua.web.urls")),
]
