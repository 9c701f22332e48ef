from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from thidua.web.views import (
    account,
    awards,
    backlog,
    ballots,
    clusters,
    dashboard,
    entry,
    excel,
    history,
    jobs,
    lookup,
    proposals,
    registry,
    reports,
    review,
    scoring,
)

app_name = "web"

_PERIOD = "clusters/<str:code>/<str:period>/"
_ENTRY = "entry/<str:code>/<str:period>/<int:unit_id>/"
_YEAR = "clusters/<str:code>/<int:year>/"
_SHEET = _YEAR + "scores/<int:unit_id>/"
_BALLOT = "ballots/<int:pk>/"
_PROPOSAL = "awards/proposals/<int:proposal_id>/"
_BACKLOG = "awards/backlog/<str:programme>/"
_CASE = _BACKLOG + "cases/<int:case_id>/"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("login/", account.LoginView.as_view(), name="login"),
    path("tai-khoan/xac-thuc-hai-buoc/", account.two_factor_page, name="two_factor"),
    path("tai-khoan/mat-khau/", account.PasswordChangeView.as_view(), name="password_change"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("clusters/<str:code>/", clusters.cluster_page, name="cluster"),
    path(_PERIOD + "worklist/", clusters.worklist_page, name="worklist"),
    path(_PERIOD + "review/", review.review_page, name="review"),
    path(_PERIOD + "review/chart.svg", review.review_chart, name="review_chart"),
    path(_PERIOD + "review.xlsx", review.review_xlsx, name="review_xlsx"),
    path(_PERIOD + "review.docx", review.review_document, name="review_docx"),
    path(_PERIOD + "review.pdf", review.review_pdf, name="review_pdf"),
    path(_PERIOD + "review/publish", review.review_publish, name="review_publish"),
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
    path(_YEAR + "regulation/", scoring.regulation_page, name="regulation"),
    path(_YEAR + "regulation.yaml", scoring.regulation_yaml, name="regulation_yaml"),
    path(_YEAR + "regulation.xlsx", scoring.regulation_xlsx, name="regulation_xlsx"),
    path(_YEAR + "regulation/upload/", scoring.regulation_upload, name="regulation_upload"),
    path(_YEAR + "regulation/copy/", scoring.regulation_copy, name="regulation_copy"),
    path(_YEAR + "scores/", scoring.ranking_page, name="ranking"),
    path(_YEAR + "scores.xlsx", scoring.ranking_xlsx, name="ranking_xlsx"),
    path(_YEAR + "scores/publish/", scoring.publish, name="publish"),
    path(_YEAR + "scores/minutes.docx", scoring.ranking_minutes, name="scoring_minutes"),
    path(_SHEET, scoring.sheet_page, name="sheet"),
    path(_SHEET + "self/", scoring.self_score, name="self_score"),
    path(_SHEET + "review/", scoring.review_score, name="review_score"),
    path(_YEAR + "ballots/", ballots.ballot_list, name="ballots"),
    path(_YEAR + "ballots/new/", ballots.ballot_new, name="ballot_new"),
    path(_BALLOT, ballots.ballot_detail, name="ballot"),
    path(_BALLOT + "open/", ballots.ballot_open, name="ballot_open"),
    path(_BALLOT + "close/", ballots.ballot_close, name="ballot_close"),
    path(_BALLOT + "vote/", ballots.ballot_vote, name="ballot_vote"),
    path(_BALLOT + "share/", ballots.ballot_share, name="ballot_share"),
    path(_BALLOT + "count/", ballots.ballot_count, name="ballot_count"),
    path(_BALLOT + "correct/", ballots.ballot_correct, name="ballot_correct"),
    path(_BALLOT + "minutes.docx", ballots.ballot_minutes, name="ballot_minutes"),
    # Commendation: the public look-up, then the officials' pages.
    path("tra-cuu/", lookup.lookup, name="lookup"),
    path("awards/", awards.awards_home, name="awards"),
    path("awards/proposals/", proposals.proposal_list, name="proposals"),
    path("awards/proposals/new/", proposals.proposal_new, name="proposal_new"),
    path("awards/proposals/dossier.zip", proposals.proposals_dossier, name="proposals_dossier"),
    path(_PROPOSAL, proposals.proposal_detail, name="proposal"),
    path(_PROPOSAL + "edit/", proposals.proposal_edit, name="proposal_edit"),
    path(_PROPOSAL + "files/", proposals.proposal_file, name="proposal_file"),
    path(
        _PROPOSAL + "files/<int:file_id>/",
        proposals.proposal_file_download,
        name="proposal_file_download",
    ),
    path(_PROPOSAL + "submit/", proposals.proposal_submit, name="proposal_submit"),
    path(_PROPOSAL + "check/", proposals.proposal_check, name="proposal_check"),
    path(_PROPOSAL + "return/", proposals.proposal_return, name="proposal_return"),
    path(_PROPOSAL + "vote/", proposals.proposal_vote, name="proposal_vote"),
    path(_PROPOSAL + "forward/", proposals.proposal_forward, name="proposal_forward"),
    path(_PROPOSAL + "decide/", proposals.proposal_decide, name="proposal_decide"),
    path(_PROPOSAL + "reject/", proposals.proposal_reject, name="proposal_reject"),
    path(_PROPOSAL + "dossier.zip", proposals.proposal_dossier, name="proposal_dossier"),
    path("awards/eligibility/", awards.eligibility_page, name="eligibility"),
    path("awards/overdue/", awards.overdue_page, name="overdue"),
    path("awards/people/<int:person_id>/", awards.person_page, name="person"),
    path("awards/duplicates/", awards.duplicates_page, name="duplicates"),
    path("awards/duplicates/merge/", awards.duplicates_merge, name="duplicates_merge"),
    path("awards/backlog/<str:programme>/", awards.backlog_page, name="backlog"),
    path(_BACKLOG + "cases.xlsx", backlog.cases_xlsx, name="backlog_xlsx"),
    path(_BACKLOG + "cases/new/", backlog.case_new, name="backlog_case_new"),
    path(_BACKLOG + "cases/import/", backlog.cases_import, name="backlog_import"),
    path(_CASE, backlog.case_detail, name="backlog_case"),
    path(_CASE + "review/", backlog.case_step, {"step": "review"}, name="backlog_case_review"),
    path(_CASE + "return/", backlog.case_step, {"step": "return"}, name="backlog_case_return"),
    path(_CASE + "award/", backlog.case_step, {"step": "award"}, name="backlog_case_award"),
    path(_CASE + "reject/", backlog.case_step, {"step": "reject"}, name="backlog_case_reject"),
    path("awards/registry/", registry.registry_page, name="registry"),
    path("awards/registry.xlsx", registry.registry_xlsx, name="registry_xlsx"),
    path("awards/registry/import/", jobs.import_page, {"name": "registry"}, name="registry_import"),
    path("awards/statistics/", registry.statistics_page, name="award_statistics"),
    path("awards/statistics/chart.svg", registry.statistics_chart_svg, name="award_chart"),
    # Background work: a job's progress and result, and the file it made.
    path("viec/<int:job_id>/", jobs.job_page, name="job"),
    path("viec/<int:job_id>/tai-ve/", jobs.job_download, name="job_download"),
    # Any audited object's changes (web.history_access says who may read them).
    path(
        "lich-su/<str:object_type>/<str:object_id>/",
        history.object_history,
        name="object_history",
    ),
]
