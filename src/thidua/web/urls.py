from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from thidua.web.views import clusters, dashboard, entry, excel, reports, review

app_name = "web"

_PERIOD = "clusters/<str:code>/<str:period>/"
_ENTRY = "entry/<str:code>/<str:period>/<int:unit_id>/"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("clusters/<str:code>/", clusters.cluster_page, name="cluster"),
    path(_PERIOD + "worklist/", clusters.worklist_page, name="worklist"),
    path(_PERIOD + "review/", review.review_page, name="review"),
    path(_PERIOD + "review/chart.svg", review.review_chart, name="review_chart"),
    path(_PERIOD + "review.xlsx", review.review_xlsx, name="review_xlsx"),
    path(_PERIOD + "review.docx", review.review_document, {"fmt": "docx"}, name="review_docx"),
    path(_PERIOD + "review.pdf", review.review_document, {"fmt": "pdf"}, name="review_pdf"),
    path(_PERIOD + "template.xlsx", excel.template_xlsx, name="template_xlsx"),
    path(_PERIOD + "upload/", excel.upload, name="upload"),
    path(_PERIOD + "upload/confirm/", excel.upload_confirm, name="upload_confirm"),
    path(_ENTRY, entry.entry, name="entry"),
    path(_ENTRY + "check/<slug:indicator>/", entry.check, name="entry_check"),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("reports/<int:pk>/accept/", clusters.accept, name="accept"),
    path("reports/<int:pk>/return/", clusters.return_, name="return"),
    path("reports/<int:pk>/reopen/", clusters.reopen, name="reopen"),
    path("reports/<int:pk>/exception/", clusters.grant_exception, name="exception"),
]
