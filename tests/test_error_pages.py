"""Error pages: Vietnamese by default, English in English mode, in the site's look with a way
back; the API keeps its JSON; the 500 page renders without the database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory, override_settings
from django.urls import reverse

from thidua.web.views import errors

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_a_missing_page_says_so_in_vietnamese_with_a_way_home(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Không tìm thấy trang" in page
    assert "Not Found" not in page
    assert 'id="error-page"' in page and 'href="/"' in page
    assert 'href="/static/web/app.css"' in page or "app.css" in page


def test_a_missing_page_is_in_english_in_english_mode(client):
    response = english(client).get("/khong-co-trang-nay/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and "Back to the home page" in page
    assert "Không tìm thấy trang" not in page


def test_a_forbidden_page_says_who_to_ask_and_offers_the_previous_page(as_user):
    client = as_user("hanoi")
    response = client.get("/clusters/TNB/2019H1/review/", HTTP_REFERER="http://testserver/awards/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Bạn không có quyền xem trang này" in page and "403 Forbidden" not in page
    assert 'href="http://testserver/awards/"' in page  # back to where the user came from


def test_an_outside_referer_is_never_offered_as_the_way_back(as_user):
    client = as_user("hanoi")
    response = client.get("/clusters/TNB/2019H1/review/", HTTP_REFERER="https://evil.example/")
    assert "evil.example" not in response.content.decode()


def test_the_api_keeps_json_errors(client):
    response = client.get("/api/khong-co/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_a_stale_form_gets_a_vietnamese_page_not_the_csrf_text(users):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["longan"])
    response = client.post(reverse("web:logout"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Phiên làm việc đã hết hạn" in page and "CSRF verification failed" not in page


def test_a_bad_request_page_is_vietnamese():
    request = RequestFactory().get("/")
    response = errors.bad_request(request)
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


def test_the_server_error_page_renders_without_the_database(monkeypatch):
    def no_database(*args, **kwargs):
        raise AssertionError("the 500 page touched the database")

    request = RequestFactory().get("/clusters/TNB/")
    with connection.execute_wrapper(no_database):
        response = errors.server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "Hệ thống gặp lỗi" in page and 'href="/"' in page


@override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_an_exception_in_a_view_gives_the_vietnamese_500_page(client, monkeypatch):
    from thidua.web.views import lookup

    def broken(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(lookup, "_results", lambda *a: broken(None))
    client.raise_request_exception = False
    response = client.get(reverse("web:lookup"), {"q": "nguyen"})
    assert response.status_code == 500
    assert "Hệ thống gặp lỗi" in response.content.decode()


def test_the_503_page_carries_the_reason():
    request = RequestFactory().get("/clusters/TNB/2019H1/review.pdf")
    request.user = None
    response = errors.error_page(request, 503, "Thiếu LibreOffice")
    assert response.status_code == 503
    page = response.content.decode()
    assert "Hệ thống tạm thời không phục vụ" in page and "Thiếu LibreOffice" in page
