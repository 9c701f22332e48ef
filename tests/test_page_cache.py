"""The review page's cached parts: reused while nothing is written, never shown stale after a
write through the services or the admin site, never shared across what the key separates."""

import re
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.db import connection
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from thidua.indicators import services
from thidua.indicators.models import Report
from thidua.indicators.services import ValueInput
from thidua.web import page_cache

PAGE = "/clusters/TNB/2019/review/"
MEAN = 'data-code="grdp_growth-mean">'


def _get(client, path: str) -> tuple[str, int]:
    """The page's <main> (the header carries a fresh CSRF token each time), and the queries."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    if "<main>" in html:
        html = html.split("<main>", 1)[1].split("</main>", 1)[0]
    # The publish form carries the request's masked token too.
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return html, len(ctx.captured_queries)


def _mean(html: str) -> str | None:
    """The cluster mean of GRDP growth as the page prints it, or None when the row is absent."""
    if MEAN not in html:
        return None
    return html.split(MEAN, 1)[1].split("<", 1)[0].strip()


@pytest.fixture
def officer_value(users, tnb, indicators, unit):
    """Long An's GRDP growth for the year, written by its officer: returns its report."""

    def write(value: str, reason: str = "") -> Report:
        item = ValueInput(unit("80"), indicators["grdp_growth"], "2019", Decimal(value))
        services.write_values(users["longan"], tnb, "2019", [item], reason=reason)
        return Report.objects.get(cluster=tnb, unit=unit("80"), period="2019")

    return write


def test_a_second_view_reuses_the_parts_and_shows_the_same_page(client, users):
    client.force_login(users["bantw"])
    first, cold = _get(client, "/clusters/TNB/2019H1/review/")
    again, warm = _get(client, "/clusters/TNB/2019H1/review/")
    assert again == first
    assert warm < cold and warm <= 5
    chart_url = "/clusters/TNB/2019H1/review/chart.svg?indicator=grdp_growth"
    chart, _ = _get(client, chart_url)
    chart_again, chart_warm = _get(client, chart_url)
    assert chart_again == chart and chart.startswith("<svg") and chart_warm <= 5


def test_every_step_of_a_report_shows_at_once(client, users, officer_value):
    client.force_login(users["camau"])  # runs TNB in 2019: may include submitted reports
    assert _mean(_get(client, PAGE)[0]) is None
    report = officer_value("7.5")
    assert _mean(_get(client, PAGE)[0]) is None  # not submitted, not counted
    services.submit_report(users["longan"], report)
    assert _mean(_get(client, PAGE)[0]) is None  # accepted only, by default
    assert _mean(_get(client, PAGE + "?submitted=1")[0]) == "7,50%"
    services.accept_report(users["camau"], Report.objects.get(pk=report.pk))
    assert _mean(_get(client, PAGE)[0]) == "7,50%"
    services.reopen_report(users["camau"], Report.objects.get(pk=report.pk), "Sửa số liệu")
    assert _mean(_get(client, PAGE)[0]) is None
    officer_value("8.25", "Số liệu chính thức của Cục Thống kê")
    services.submit_report(users["longan"], Report.objects.get(pk=report.pk))
    assert _mean(_get(client, PAGE + "?submitted=1")[0]) == "8,25%"
    services.accept_report(users["camau"], Report.objects.get(pk=report.pk))
    html = _get(client, PAGE)[0]
    assert _mean(html) == "8,25%"
    chart = _get(client, "/clusters/TNB/2019/review/chart.svg?indicator=grdp_growth")[0]
    assert "<svg" in chart


def test_an_edit_in_the_admin_site_shows_at_once(client, users, unit):
    from thidua.orgs.models import Unit

    client.force_login(users["bantw"])
    hau_giang = unit("93")
    assert f"<td>{hau_giang.name}</td>" in _get(client, "/clusters/TNB/2019H1/review/")[0]
    admin = site._registry[Unit]
    client.force_login(users["admin"])
    request = RequestFactory().get("/admin/")
    request.user = users["admin"]
    form = admin.get_form(request, hau_giang)(instance=hau_giang)
    data = {name: form[name].value() for name in form.fields}
    data = {k: "" if v is None else v for k, v in data.items()}
    data["name"] = hau_giang.name + " (đổi tên)"
    response = client.post(f"/admin/orgs/unit/{hau_giang.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.force_login(users["bantw"])
    # In the ranking's cell (the admin's own message names the unit too).
    renamed = f"<td>{hau_giang.name} (đổi tên)</td>"
    assert renamed in _get(client, "/clusters/TNB/2019H1/review/")[0]


def test_what_the_viewer_may_do_is_never_taken_from_another_viewer(client, users):
    client.force_login(users["bantw"])  # the board may run every cluster
    assert "?submitted=1" in _get(client, "/clusters/TNB/2019H1/review/")[0]
    client.force_login(users["xem"])  # a viewer of TNB
    html = _get(client, "/clusters/TNB/2019H1/review/")[0]
    assert "?submitted=1" not in html
    # Asking for submitted reports is ignored for whoever does not run the cluster.
    assert _get(client, "/clusters/TNB/2019H1/review/?submitted=1")[0] == html


def test_each_language_has_its_own_parts(client, users):
    client.force_login(users["bantw"])
    vi = _get(client, "/clusters/TNB/2019H1/review/")[0]
    client.cookies["django_language"] = "en"
    en = _get(client, "/clusters/TNB/2019H1/review/")[0]
    assert "Tổng hợp số liệu" in vi and "Tổng hợp số liệu" not in en


def test_an_unknown_indicator_falls_back_to_the_first_without_recomputing(client, users):
    client.force_login(users["bantw"])
    first, _ = _get(client, "/clusters/TNB/2019H1/review/")
    odd, queries = _get(client, "/clusters/TNB/2019H1/review/?indicator=<script>x</script>")
    assert odd == first and queries <= 5 and "<script>x" not in odd


def test_no_access_is_decided_from_the_cache(client, users):
    client.force_login(users["bantw"])
    _get(client, "/clusters/TNB/2019H1/review/")
    client.force_login(users["hanoi"])  # an officer outside TNB
    assert client.get("/clusters/TNB/2019H1/review/").status_code == 403
    assert client.get("/clusters/TNB/2019H1/review/chart.svg").status_code == 403


@override_settings(THIDUA_PAGE_CACHE_SECONDS=0)
def test_zero_seconds_turns_the_cache_off(client, users):
    client.force_login(users["bantw"])
    _, cold = _get(client, "/clusters/TNB/2019H1/review/")
    _, again = _get(client, "/clusters/TNB/2019H1/review/")
    assert again == cold > 5
    assert not page_cache.enabled()


def test_the_stamp_moves_with_every_audited_write(users, officer_value):
    before = page_cache.stamp()
    report = officer_value("7.5")
    after_write = page_cache.stamp()
    services.submit_report(users["longan"], report)
    assert len({before, after_write, page_cache.stamp()}) == 3


@pytest.mark.parametrize("raw", ["abc", "1.5", "-1"])
def test_a_wrong_number_of_seconds_is_an_error(monkeypatch, raw):
    from thidua.env import ConfigError, env_int

    monkeypatch.setenv("THIDUA_PAGE_CACHE_SECONDS", raw)
    with pytest.raises(ConfigError, match="THIDUA_PAGE_CACHE_SECONDS"):
        env_int("THIDUA_PAGE_CACHE_SECONDS", 60)


def test_an_unset_or_empty_number_takes_the_default(monkeypatch):
    from thidua.env import env_int

    monkeypatch.delenv("THIDUA_PAGE_CACHE_SECONDS", raising=False)
    assert env_int("THIDUA_PAGE_CACHE_SECONDS", 60) == 60
    monkeypatch.setenv("THIDUA_PAGE_CACHE_SECONDS", " 0 ")
    assert env_int("THIDUA_PAGE_CACHE_SECONDS", 60) == 0


def test_a_write_landing_while_a_page_is_computed_is_seen_by_the_next_view(
    client, users, officer_value, monkeypatch
):
    """The stamp is read before the data: a part computed from older data is stored under the
    older stamp, so the next view, seeing the write's stamp, computes again."""
    from thidua.reports import publication as view  # what the review page computes with

    real, writes = view.exact_and_shown, []

    def review_then_a_write_lands(*args, **kwargs):
        figures = real(*args, **kwargs)
        if not writes:
            writes.append(1)
            report = officer_value("7.5")
            services.submit_report(users["longan"], report)
            services.accept_report(users["camau"], Report.objects.get(pk=report.pk))
        return figures

    monkeypatch.setattr(view, "exact_and_shown", review_then_a_write_lands)
    client.force_login(users["camau"])
    assert _mean(_get(client, PAGE)[0]) is None  # computed before the write landed
    assert _mean(_get(client, PAGE)[0]) == "7,50%"


WHOLE = "/clusters/TNB/2019H1/review/"


def _token(html: str) -> str:
    return html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]


def test_the_whole_page_is_reused_with_the_readers_own_working_token(users, monkeypatch):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["bantw"])
    first = client.get(WHOLE).content.decode()

    def no_rendering(*args, **kwargs):
        raise AssertionError("the page was rendered again")

    monkeypatch.setattr("thidua.web.views.review.render_to_string", no_rendering)
    answer = client.get(WHOLE)
    assert "csrftoken" not in answer.cookies  # the reader's cookie stands, not sent again
    again = answer.content.decode()
    assert page_cache.TOKEN not in again and page_cache.TOKEN not in first
    assert _token(again) != _token(first)  # masked anew for every answer
    assert again.replace(_token(again), "") == first.replace(_token(first), "")
    assert client.post("/logout/", {"csrfmiddlewaretoken": _token(again)}).status_code == 302
    assert client.get(WHOLE).status_code == 302  # signed out: the stored page is not served


def test_a_stored_page_gives_a_reader_without_the_cookie_a_new_one_that_works(users):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["bantw"])
    client.get(WHOLE)  # stored
    del client.cookies["csrftoken"]
    answer = client.get(WHOLE)
    secret = answer.cookies["csrftoken"].value  # a new secret, sent as the cookie
    token = _token(answer.content.decode())
    assert secret and token != secret
    assert client.post("/logout/", {"csrfmiddlewaretoken": token}).status_code == 302


def test_each_reader_and_address_has_its_own_page(client, users):
    client.force_login(users["hoidong"])  # a council member: sees TNB, does not run it
    client.get(WHOLE)
    client.force_login(users["xem"])  # a viewer of TNB: the same parts
    html = client.get(WHOLE).content.decode()
    assert ">xem</a>" in html and ">hoidong</a>" not in html
    other = WHOLE + "?indicator=budget_revenue"
    assert f'name="next" value="{other}"' in client.get(other).content.decode()


def test_a_waiting_message_is_shown_once_even_when_the_page_is_stored(client, users):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage

    client.force_login(users["bantw"])
    client.get(WHOLE)
    client.get(WHOLE)  # stored and reused
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Đã lưu số liệu")])
    assert "Đã lưu số liệu" in client.get(WHOLE).content.decode()
    assert "Đã lưu số liệu" not in client.get(WHOLE).content.decode()


def test_a_role_taken_away_in_the_admin_site_refuses_the_stored_page_at_once(client, users):
    from django.test import Client

    from thidua.accounts.models import RoleAssignment

    admin = Client()
    admin.force_login(users["admin"])  # signed in first: a sign-in is a write of its own
    client.force_login(users["xem"])  # a viewer of TNB
    client.get(WHOLE)
    assert client.get(WHOLE).status_code == 200  # stored and reused
    role = RoleAssignment.objects.get(user=users["xem"])
    response = admin.post(f"/admin/accounts/roleassignment/{role.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.get(WHOLE).status_code == 403


def test_a_stored_page_costs_one_read_of_session_user_and_stamp(client, users):
    client.force_login(users["xem"])
    client.get(WHOLE)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(WHOLE).status_code == 200
    assert len(ctx.captured_queries) == 1, [q["sql"] for q in ctx.captured_queries]
    sql = ctx.captured_queries[0]["sql"]
    assert "accounts_session" in sql and "auth_user" in sql and "accounts_auditentry" in sql


# Downloads and images built on request: the review documents and the statistics chart.

DOCUMENT = "/clusters/TNB/2019/review.docx?live=1"


@pytest.fixture
def builds(monkeypatch):
    """Counts the review documents built (the PDF is made by the background worker, one job per
    request: not cached here): what is tested is when the view builds, not how."""
    from thidua.web.views import review

    made = {"docx": 0}
    build = review.review_file

    def counted(*args, **kwargs):
        made["docx"] += 1
        return build(*args, **kwargs)

    monkeypatch.setattr(review, "review_file", counted)
    return made


def test_a_review_document_is_built_once_until_a_write(client, users, officer_value, builds):
    client.force_login(users["camau"])
    first = client.get(DOCUMENT)
    again = client.get(DOCUMENT)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and builds["docx"] == 1
    assert again["Content-Disposition"] == 'attachment; filename="bao-cao-TNB-2019.docx"'
    officer_value("7.5")  # an audited write: built anew
    client.get(DOCUMENT)
    assert builds == {"docx": 2}


def test_each_kind_of_review_document_is_stored_apart(client, users, builds):
    client.force_login(users["camau"])  # runs TNB: may ask for submitted reports too
    client.get(DOCUMENT)
    client.get("/clusters/TNB/2019/review.docx?submitted=1")
    client.get("/clusters/TNB/2019H1/review.docx?live=1")
    assert builds["docx"] == 3


def test_a_stored_review_document_is_refused_to_whom_the_review_is(client, users, builds):
    client.force_login(users["camau"])
    client.get(DOCUMENT)
    client.logout()
    assert client.get(DOCUMENT).status_code == 302
    client.force_login(users["longan"])  # a member of TNB: not one who may ask for submitted
    response = client.get("/clusters/TNB/2019/review.docx?submitted=1")
    # Its answer is the accepted figures, live (nothing published): the document already built.
    assert response.status_code == 200 and builds["docx"] == 1


@override_settings(THIDUA_PAGE_CACHE_SECONDS=0)
def test_with_the_cache_off_every_document_is_built(client, users, builds):
    client.force_login(users["camau"])
    client.get(DOCUMENT)
    client.get(DOCUMENT)
    assert builds["docx"] == 2


def test_the_statistics_chart_is_drawn_once_until_a_write(client, users, monkeypatch):
    from thidua.accounts.audit import record
    from thidua.awards import audit_actions
    from thidua.awards.models import AwardEntry, AwardType
    from thidua.web.views import registry

    drawn = []
    draw = registry.statistics_chart
    monkeypatch.setattr(
        registry, "statistics_chart", lambda rows, **kw: drawn.append(rows) or draw(rows, **kw)
    )
    client.force_login(users["bantw"])
    first = client.get("/awards/statistics/chart.svg?by=year")
    assert client.get("/awards/statistics/chart.svg?by=year").content == first.content
    assert first["Content-Type"] == "image/svg+xml" and len(drawn) == 1
    client.get("/awards/statistics/chart.svg?by=award")
    assert len(drawn) == 2  # each grouping is its own chart
    entry = AwardEntry.objects.filter(award_type__code="LDTT").order_by("id").first()
    assert entry is not None
    entry.award_type = AwardType.objects.exclude(code="LDTT").order_by("id").first()
    entry.save()  # a correction, audited as the services do
    record(users["bantw"], audit_actions.REGISTRY_ENTRY_ADDED, entry, None, {"id": entry.pk})
    client.get("/awards/statistics/chart.svg?by=year")
    assert len(drawn) == 3
