"""Published reviews (issue 18, part 3): what the meeting saw stays as it was; what changed
since is shown value by value; a correction is a new publication that names the one it replaces."""

import hashlib
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from thidua.accounts.models import AuditEntry
from thidua.indicators import services
from thidua.indicators.models import Report
from thidua.indicators.services import ValueInput
from thidua.reports.models import PublicationError, ReviewPublication
from thidua.reports.publication import publish_review, shown_review

PAGE = "/clusters/TNB/2019H1/review/"
API = "/api/v1/clusters/TNB/periods/2019H1/review"


@pytest.fixture
def published(users, tnb):
    return publish_review(users["camau"], tnb, "2019H1")


@pytest.fixture
def changed(users, tnb, indicators, unit, published):
    """Long An's GRDP growth corrected from 9,89% to 9,50% and accepted again."""
    report = Report.objects.get(cluster=tnb, unit=unit("80"), period="2019H1")
    services.reopen_report(users["camau"], report, "Cục Thống kê điều chỉnh")
    item = ValueInput(unit("80"), indicators["grdp_growth"], "2019H1", Decimal("9.50"))
    services.write_values(users["camau"], tnb, "2019H1", [item], reason="Cục Thống kê")
    report = services.submit_report(users["camau"], Report.objects.get(pk=report.pk))
    services.accept_report(users["camau"], report)
    return published


def _grdp_of(data, code):
    ranking = data["indicators"]["grdp_growth"]["ranking"]
    return next(r["value"] for r in ranking if r["unit_code"] == code)


def test_a_publication_keeps_the_figures_narrative_reports_and_document(published, tnb):
    assert published.published_by_name and published.period == "2019H1"
    assert published.data["indicators"]["grdp_growth"]["mean"] == "8.20"  # exact, as a string
    assert published.narrative.startswith(("Trong", "Tốc độ", "12/12", "Toàn cụm"))
    assert len(published.reports) == 12 and all(
        r["status"] == "accepted" for r in published.reports
    )
    document = bytes(published.document)
    assert document[:2] == b"PK"
    assert published.document_sha256 == hashlib.sha256(document).hexdigest()
    entry = AuditEntry.objects.get(action="reports.review.published", object_id=str(published.pk))
    assert entry.after["document_sha256"] == published.document_sha256
    assert entry.actor_name == "camau"


def test_changing_and_reaccepting_a_value_leaves_the_publication_as_it_was_and_shows_it(
    changed, tnb
):
    stored = ReviewPublication.objects.get(pk=changed.pk)
    assert hashlib.sha256(bytes(stored.document)).hexdigest() == changed.document_sha256
    shown = shown_review(tnb, "2019H1")
    assert not shown.live and shown.publication.pk == changed.pk
    assert _grdp_of(shown.data, "80") == Decimal("9.89")
    assert shown.data["indicators"]["grdp_growth"]["mean"] == Decimal("8.20")
    assert [(c["indicator"], c["unit_code"], c["published"], c["live"]) for c in shown.changes] == [
        ("grdp_growth", "80", Decimal("9.89"), Decimal("9.50"))
    ]
    live = shown_review(tnb, "2019H1", live=True)
    assert live.live and _grdp_of(live.data, "80") == Decimal("9.50")


def test_the_page_shows_the_publication_its_author_and_the_changes(client, users, changed):
    client.force_login(users["xem"])
    html = client.get(PAGE).content.decode()
    assert "Công bố lúc" in html and changed.published_by_name in html
    assert "Thay đổi sau khi công bố" in html and "9,89%" in html and "9,50%" in html
    live = client.get(PAGE + "?live=1").content.decode()
    assert "Đang xem số liệu hiện tại" in live and "Thay đổi sau khi công bố" not in live


def test_the_documents_are_the_published_ones_unless_live_is_asked(client, users, changed):
    client.force_login(users["xem"])
    assert client.get("/clusters/TNB/2019H1/review.docx").content == bytes(changed.document)
    live = client.get("/clusters/TNB/2019H1/review.docx?live=1").content
    assert live != bytes(changed.document)
    api = client.get(API + "/document?format=docx").content
    assert api == bytes(changed.document)


def test_the_api_shows_the_publication_and_the_changes(client, users, changed):
    client.force_login(users["xem"])
    body = client.get(API).json()
    assert body["live"] is False and body["publication"]["id"] == changed.pk
    assert body["publication"]["document_sha256"] == changed.document_sha256
    assert [(c["unit_code"], c["published"], c["live"]) for c in body["changes"]] == [
        ("80", 9.89, 9.5)
    ]
    live = client.get(API + "?live=true").json()
    assert live["live"] is True and live["changes"] == []


def test_the_api_publishes_for_the_head_and_refuses_a_viewer(client, users, tnb):
    client.force_login(users["xem"])
    assert client.post(API + "/publish").status_code == 403
    assert not ReviewPublication.objects.exists()
    client.force_login(users["camau"])
    response = client.post(API + "/publish")
    assert response.status_code == 200 and response.json()["replaces"] is None


def test_the_cli_publishes_and_shows_the_publication_by_default(changed, tnb):
    out = io.StringIO()
    call_command("report", "publish", "--cluster", "TNB", "--period", "2019H1", stdout=out)
    assert "Đã công bố" in out.getvalue() and f"#{changed.pk}" in out.getvalue()
    latest = ReviewPublication.objects.order_by("-pk").first()
    assert latest.replaces_id == changed.pk and _grdp_of(latest.data, "80") == "9.50"
    out = io.StringIO()
    call_command("report", "review", "--cluster", "TNB", "--period", "2019H1", stdout=out)
    assert out.getvalue().startswith("Công bố lúc") and "Thay đổi" not in out.getvalue()
    out = io.StringIO()
    call_command(
        "report",
        "review",
        "--cluster",
        "TNB",
        "--period",
        "2019H1",
        "--live",
        "--format",
        "json",
        stdout=out,
    )
    assert json.loads(out.getvalue())["live"] is True


def test_a_correction_names_the_publication_it_replaces(changed, users, tnb):
    correction = publish_review(users["bantw"], tnb, "2019H1")
    assert correction.replaces_id == changed.pk
    assert ReviewPublication.objects.get(pk=changed.pk).replaced_by == correction
    assert shown_review(tnb, "2019H1").changes == []


def test_a_publication_can_be_neither_changed_nor_deleted(published):
    published.narrative = "Khác"
    with pytest.raises(PublicationError):
        published.save()
    with pytest.raises(PublicationError):
        published.delete()
    assert ReviewPublication.objects.get(pk=published.pk).narrative != "Khác"


@pytest.mark.parametrize("role", ["longan", "hanoi", "xem"])
def test_only_the_head_or_the_board_may_publish_and_nothing_is_written(users, tnb, role):
    with pytest.raises(PermissionDenied):
        publish_review(users[role], tnb, "2019H1")
    assert not ReviewPublication.objects.exists()
    assert not AuditEntry.objects.filter(action="reports.review.published").exists()


def test_publishing_on_the_page_shows_at_once_despite_the_page_cache(client, users, settings):
    settings.THIDUA_PAGE_CACHE_SECONDS = 300
    client.force_login(users["camau"])
    assert "Công bố lúc" not in client.get(PAGE).content.decode()
    response = client.post(PAGE + "publish")
    assert response.status_code == 302
    assert "Công bố lúc" in client.get(PAGE).content.decode()


def test_the_publish_button_is_offered_to_the_head_only_and_asks_to_confirm(client, users):
    client.force_login(users["xem"])
    assert "review/publish" not in client.get(PAGE).content.decode()
    client.force_login(users["camau"])
    html = client.get(PAGE).content.decode()
    form = html.split("<details>", 1)[1].split("</details>", 1)[0]
    assert 'action="/clusters/TNB/2019H1/review/publish"' in form and "Xác nhận công bố" in form


def test_the_english_page_says_when_and_by_whom(client, users, published):
    client.force_login(users["xem"])
    client.cookies["django_language"] = "en"
    html = client.get(PAGE).content.decode()
    assert "Published at" in html and f"by {published.published_by_name}" in html
    assert "Current figures" in html
