from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (kept for later public pages)
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from thidua.env import env_bool
from thidua.web.views import account


def bench_bare(request: HttpRequest) -> HttpResponse:
    """A fixed answer through the whole middleware stack: the throughput benchmark's baseline."""
    return HttpResponse("ok", content_type="text/plain")


# The same answer behind the login check: what any signed-in page pays before its own work.
bench_login = login_required(bench_bare)


def bench_patterns() -> list:
    """`/bench/bare/` and `/bench/login/`, only when THIDUA_BENCH_BARE=true (set by
    `python -m benchmarks`).

    Never mounted in production: without the variable the URL does not exist (404).
    """
    if not env_bool("THIDUA_BENCH_BARE", False):
        return []
    return [
        path("bench/bare/", bench_bare, name="bench_bare"),
        path("bench/login/", bench_login, name="bench_login"),
    ]


urlpatterns = [
    # Before the admin's own: one sign-in (password and second factor) for every door.
    path("admin/login/", account.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("thidua.api.urls")),
    *bench_patterns(),
    path("", include("thidua.web.urls")),
]

# Error pages in the site's look, Vietnamese first; JSON under /api/ (web.views.errors).
handler400 = "thidua.web.views.errors.bad_request"
handler403 = "thidua.web.views.errors.permission_denied"
handler404 = "thidua.web.views.errors.page_not_found"
handler500 = "thidua.web.views.errors.server_error"
