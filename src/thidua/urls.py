from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (kept for later public pages)
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("thidua.api.urls")),
    path("", include("thidua.web.urls")),
]
