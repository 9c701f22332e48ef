"""Notices (issue 21): the inbox, e-mail through Django's backend (a real SMTP server on
localhost for some), the reminders of what is due, and the head's "Nhắc nhở"."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from tests.ballot_keys import open_ballot
from tests.conftest import cli_env
from tests.smtp_server import body_text, smtp_server
from tests.test_proposals import TODAY, dept, draft, person  # noqa: F401 (fixtures)
from thidua.accounts.models import AuditEntry
from thidua.accounts.permissions import SYSTEM
from thidua.ballots import services as ballots
from thidua.common.errors import ValidationFailed
from thidua.common.workdays import add_working_days
from thidua.indicators import services, windows
from thidua.indicators.models import Extension, Report, ReportingWindow
from thidua.indicators.services import ValueInput
from thidua.notices.models import Notice
from thidua.notices.services import set_email_preference
from thidua.ops import reminders

P = "2019"
COMMENT = "Thiếu giải trình tăng trưởng GRDP"


@pytest.fixture
def email_on(settings):
    settings.THIDUA_EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.THIDUA_SITE_URL = "https://thidua.example.vn"
    return settings


@pytest.fixture
def submitted(tnb, indicators, unit):
    """Long An's year-end report, sent to the head."""
    item = ValueInput(unit("80"), indicators["grdp_growth"], P, Decimal("7.5"))
    services.write_values(SYSTEM, tnb, P, [item])
    report = Report.objects.get(cluster=tnb, unit=unit("80"), period=P)
    return services.submit_report(SYSTEM, report)


def notices_of(user, kind=None):
    found = Notice.objects.filter(user=user)
    return list(found.filter(kind=kind) if kind else found)


# A returned report: web, CLI, e-mail, opt-out --------------------------------------------------


def test_a_report_returned_on_the_web_tells_the_officer_the_comment_and_the_link(
    as_user, users, submitted, email_on, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user("camau").post(f"/reports/{submitted.pk}/return/", {"comment": COMMENT})
    assert response.status_code == 302
    (notice,) = notices_of(users["longan"], "report_returned")
    assert COMMENT in notice.body and "gửi lại" in notice.body  # what happened, what to do
    assert notice.link == f"https://thidua.example.vn/entry/TNB/2019/{submitted.unit_id}/"
    (sent,) = [m for m in mail.outbox if "longan@demo.thidua.vn" in m.to]
    assert COMMENT in sent.body and notice.link in sent.body
    assert notices_of(users["kiengiang"]) == []  # another unit's officer is not told


def test_the_inbox_shows_the_notice_and_the_header_counts_it(as_user, users, submitted):
    services.return_report(users["camau"], submitted, COMMENT)
    client = as_user("longan")
    assert '<span class="badge unread"' in client.get("/thong-bao/chua-doc/").content.decode()
    html = client.get("/thong-bao/").content.decode()
    assert COMMENT in html and "bị trả lại" in html
    assert 'hx-get="/thong-bao/chua-doc/"' in client.get("/").content.decode()
    client.post("/thong-bao/da-doc/")
    assert "badge" not in client.get("/thong-bao/chua-doc/").content.decode()
    # Nobody else reads them or marks them read.
    as_user("kiengiang").post("/thong-bao/da-doc/")
    assert COMMENT not in as_user("kiengiang").get("/thong-bao/").content.decode()


def test_a_report_returned_from_the_command_line_notifies_like_the_web(
    users, submitted, email_on, django_capture_on_commit_callbacks
):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "report", "return", "--cluster", "TNB", "--period", P, "--unit", "80",
            "--comment", COMMENT, stdout=out,
        )  # fmt: skip
    (notice,) = notices_of(users["longan"], "report_returned")
    assert COMMENT in notice.body
    assert [m.to for m in mail.outbox] == [["longan@demo.thidua.vn"]]


def test_accepting_tells_the_officer_that_nothing_more_is_needed(users, submitted):
    services.accept_report(users["camau"], submitted)
    (notice,) = notices_of(users["longan"], "report_accepted")
    assert "tiếp nhận" in notice.subject and "không cần làm gì thêm" in notice.body


def test_a_user_who_turned_email_off_gets_the_notice_in_app_only(
    as_user, users, submitted, email_on, django_capture_on_commit_callbacks
):
    response = as_user("longan").post("/tai-khoan/thong-bao/", {})  # the box unticked
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="notices.email.preference_changed").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.return_report(users["camau"], submitted, COMMENT)
    assert len(notices_of(users["longan"], "report_returned")) == 1
    assert mail.outbox == []
    set_email_preference(users["longan"], True)
    html = as_user("longan").get("/tai-khoan/xac-thuc-hai-buoc/").content.decode()
    assert 'name="email" checked' in html  # the account page shows the choice


def test_without_an_email_configuration_notices_stay_in_app(
    users, submitted, settings, django_capture_on_commit_callbacks
):
    settings.THIDUA_EMAIL_ENABLED = False
    with django_capture_on_commit_callbacks(execute=True):
        services.return_report(users["camau"], submitted, COMMENT)
    assert len(notices_of(users["longan"])) == 1 and mail.outbox == []


def test_a_returned_report_arrives_at_a_real_smtp_server(
    users, submitted, email_on, django_capture_on_commit_callbacks
):
    with smtp_server() as (inbox, port):
        email_on.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        email_on.EMAIL_HOST, email_on.EMAIL_PORT = "127.0.0.1", port
        email_on.DEFAULT_FROM_EMAIL = "thidua@tinh.example.vn"
        with django_capture_on_commit_callbacks(execute=True):
            services.return_report(users["camau"], submitted, COMMENT)
        inbox.wait(1)
    (message,) = inbox.to("longan@demo.thidua.vn")
    assert message["From"] == "thidua@tinh.example.vn"
    assert "bị trả lại" in message["Subject"]
    assert COMMENT in body_text(message)
    assert Notice.objects.get(user=users["longan"]).emailed


def test_a_mail_server_that_is_down_leaves_the_notice_and_the_return_done(
    users, submitted, email_on, django_capture_on_commit_callbacks
):
    from tests.smtp_server import free_port

    email_on.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    email_on.EMAIL_HOST, email_on.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    with django_capture_on_commit_callbacks(execute=True):
        services.return_report(users["camau"], submitted, COMMENT)
    notice = Notice.objects.get(user=users["longan"])
    assert not notice.emailed
    submitted.refresh_from_db()
    assert submitted.status == "returned"


def test_the_cli_return_sends_through_thidua_email_url(demo_copy):
    """End to end: THIDUA_EMAIL_URL and THIDUA_EMAIL_FROM read by `thidua`, a real server."""
    with smtp_server() as (inbox, port):
        env = cli_env(
            **demo_copy,
            THIDUA_EMAIL_URL=f"smtp://127.0.0.1:{port}",
            THIDUA_EMAIL_FROM="Thi đua <thidua@tinh.example.vn>",
        )

        def thidua(*args):
            done = subprocess.run(
                [sys.executable, "-m", "thidua", *args],
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert done.returncode == 0, done.stdout + done.stderr
            return done.stdout

        head = ["--cluster", "TNB", "--period", "2019H1", "--unit", "80"]
        thidua("report", "reopen", *head, "--reason", "Điều chỉnh dự toán")
        thidua("report", "submit", *head)
        thidua("report", "return", *head, "--comment", COMMENT)
        inbox.wait(2)
    mails = inbox.to("longan@demo.thidua.vn")
    assert len(mails) == 2  # reopened, then returned with the comment
    assert COMMENT in body_text(mails[-1])
    assert "http://127.0.0.1:8000/entry/TNB/2019H1/" in body_text(mails[-1])


# Reminders: what is due, dry run, idempotence --------------------------------------------------


def _due_in_two_working_days(tnb):
    window = ReportingWindow.objects.get(cluster=tnb, period=P)
    soon = add_working_days(timezone.localdate(), 2)
    Extension.objects.filter(window=window).update(deadline=soon)
    return window, soon


def test_remind_dry_run_json_lists_what_is_due_and_sends_nothing(users, tnb, unit):
    _due_in_two_working_days(tnb)
    before = Notice.objects.count()
    out = io.StringIO()
    call_command("remind", "--dry-run", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert Notice.objects.count() == before
    mine = [r for r in rows if r["recipient"] == "longan"]
    assert mine == [
        {
            "kind": "deadline_soon",
            "recipient": "longan",
            "email": "longan@demo.thidua.vn",
            "subject": "Còn 2 ngày làm việc đến hạn nộp báo cáo Năm 2019 của Long An",
            "link": f"http://127.0.0.1:8000/entry/TNB/2019/{unit('80').pk}/",
        }
    ]
    deadlines = [r for r in rows if r["kind"] == "deadline_soon"]
    assert len(deadlines) == 12  # an officer for each of the 12 members
    assert {r["kind"] for r in rows} <= {"deadline_soon", "proposal_overdue"}  # the demo's late


def test_a_report_already_sent_is_not_reminded(users, tnb, submitted):
    _due_in_two_working_days(tnb)
    recipients = {r.user.username for r in reminders.due_now()}
    assert "longan" not in recipients and "kiengiang" in recipients


def test_run_daily_sends_each_reminder_once(
    users, tnb, email_on, django_capture_on_commit_callbacks
):
    _due_in_two_working_days(tnb)
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders.run_daily()
    kinds = [r["kind"] for r in first["reminders"]]
    assert kinds.count("deadline_soon") == 12  # and the demo's overdue proposals, to the board
    assert first["sent"] == len(kinds) == len(mail.outbox)  # every demo user has an address
    notice = Notice.objects.get(user=users["longan"], kind="deadline_soon")
    assert "Việc cần làm" in notice.body
    with django_capture_on_commit_callbacks(execute=True):
        again = reminders.run_daily()
        call_command("remind", stdout=io.StringIO())
    assert again == {"sent": 0, "reminders": []}
    assert len(mail.outbox) == first["sent"]
    assert Notice.objects.filter(kind="deadline_soon").count() == 12


def test_a_new_deadline_or_the_last_day_is_a_new_reminder(users, tnb):
    window, soon = _due_in_two_working_days(tnb)
    reminders.run_daily()
    Extension.objects.filter(window=window).update(deadline=timezone.localdate())
    assert len(reminders.run_daily()["reminders"]) == 12  # the last day: once more
    assert reminders.run_daily()["sent"] == 0


def test_an_extension_far_off_is_not_yet_due(users, tnb):
    window = ReportingWindow.objects.get(cluster=tnb, period=P)
    Extension.objects.filter(window=window).update(
        deadline=add_working_days(timezone.localdate(), 4)
    )
    assert reminders.deadline_reminders(timezone.localdate()) == []


def test_electors_who_have_not_voted_are_reminded_before_a_ballot_closes(users, tnb, unit):
    session = ballots.create_session(
        users["camau"], tnb, 2019, "Cờ thi đua", timezone.now() + timedelta(hours=30),
        candidates=[(unit("80"), 1)],
    )  # fmt: skip
    open_ballot(users["camau"], session)
    electors = set(session.electors.values_list("user__username", flat=True))
    opened = Notice.objects.filter(kind="ballot_opened")
    assert set(opened.values_list("user__username", flat=True)) == electors
    assert reminders.ballot_reminders(timezone.now()) == []  # 30 hours left: not yet
    later = timezone.now() + timedelta(hours=8)
    due = {r.user.username for r in reminders.ballot_reminders(later)}
    assert due == electors


def test_a_submitted_proposal_waits_on_the_board_and_is_reminded_when_overdue(users, draft):  # noqa: F811
    from thidua.awards import services as awards

    awards.submit_proposal(users["longan"], draft, today=TODAY)
    waiting = Notice.objects.get(user=users["bantw"], kind="proposal_waiting")
    assert "Võ Thị Kiểm Thử" in waiting.subject and waiting.link.endswith(f"/{draft.pk}/")
    late = [r for r in reminders.due_now() if r.message.kind == "proposal_overdue"]
    mine = [r for r in late if r.message.link.endswith(f"/awards/proposals/{draft.pk}/")]
    assert "bantw" in {r.user.username for r in mine}  # due 16/03/2026, ten working days
    assert "longan" not in {r.user.username for r in mine}  # the board must act, not the unit


# The head's "Nhắc nhở" -------------------------------------------------------------------------


def test_the_head_nudges_a_late_member_once_in_a_while(as_user, users, tnb, unit):
    window = ReportingWindow.objects.get(cluster=tnb, period=P)
    Extension.objects.filter(window=window).delete()
    ReportingWindow.objects.filter(pk=window.pk).update(
        deadline=timezone.localdate() - timedelta(1)
    )
    client = as_user("camau")
    html = client.get("/clusters/TNB/2019/worklist/").content.decode()
    assert f"/clusters/TNB/2019/nudge/{unit('80').pk}/" in html
    client.post(f"/clusters/TNB/2019/nudge/{unit('80').pk}/")
    (notice,) = notices_of(users["longan"], "report_nudge")
    assert "gửi báo cáo ngay" in notice.body
    entry = AuditEntry.objects.get(action="indicators.window.nudged")
    assert entry.actor_name == "camau" and entry.after["unit"] == "80"
    with pytest.raises(ValidationFailed, match="Đã nhắc"):
        windows.nudge(users["camau"], window, unit("80"))
    assert len(notices_of(users["longan"], "report_nudge")) == 1
    with pytest.raises(PermissionDenied):  # an officer may not nudge
        windows.nudge(users["kiengiang"], window, unit("80"))


# Settings --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp+tls://thidua%40tinh.vn:m%E1%BA%ADt@mail.tinh.vn",
            {"EMAIL_PORT": 587, "EMAIL_USE_TLS": True, "EMAIL_USE_SSL": False,
             "EMAIL_HOST_USER": "thidua@tinh.vn", "EMAIL_HOST_PASSWORD": "mật",
             "DEFAULT_FROM_EMAIL": "thidua@tinh.vn"},
        ),
        (
            "smtp+ssl://u:p@mail.tinh.vn:2465",
            {"EMAIL_PORT": 2465, "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": True},
        ),
        ("smtp://127.0.0.1:2525", {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": 2525}),
    ],
)  # fmt: skip
def test_thidua_email_url_becomes_djangos_email_settings(monkeypatch, url, expected):
    from thidua.env import email_config

    monkeypatch.setenv("THIDUA_EMAIL_URL", url)
    if "%40" not in url:
        monkeypatch.setenv("THIDUA_EMAIL_FROM", "Thi đua <thidua@tinh.vn>")
    config = email_config()
    assert config["THIDUA_EMAIL_ENABLED"] is True
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert {k: config[k] for k in expected} == expected


def test_no_email_url_means_in_app_only(monkeypatch):
    from thidua.env import email_config

    monkeypatch.delenv("THIDUA_EMAIL_URL", raising=False)
    assert email_config()["THIDUA_EMAIL_ENABLED"] is False
