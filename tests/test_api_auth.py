"""The API's answers to a caller it does not know, and to a body it will not read.

A missing or wrong token is 401 with `WWW-Authenticate`, on reads and writes alike; a signed-in
browser's write still needs its CSRF token (403); a body over Django's limit is a JSON 413,
while web pages keep Django's HTML 400. Cast: `longan` is an officer of Long An (80).
"""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from thidua.accounts import tokens
from thidua.accounts.permissions import SYSTEM
from thidua.indicators.models import Value

V1 = "/api/v1"
VALUES_80 = f"{V1}/clusters/TNB/periods/2019/reports/80/values"
PAYLOAD = json.dumps({"values": [{"indicator": "grdp_growth", "value": "8.2"}]})


def put(client: Client, body: str = PAYLOAD):
    return client.put(VALUES_80, body, content_type="application/json")


@pytest.fixture
def nothing_written(db):
    before = Value.objects.count()
    return lambda: Value.objects.count() == before


@pytest.mark.parametrize("authorization", [None, "Bearer td_not-a-key", "Bearer wrong", "Basic x"])
def test_a_write_without_a_valid_token_is_401_with_the_scheme(nothing_written, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = put(Client(enforce_csrf_checks=True, headers=headers))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="thidua"'
    assert "Bearer" in response.json()["detail"]
    assert nothing_written()


def test_a_read_without_a_valid_token_is_401_with_the_scheme_to_use(db):
    response = Client(headers={"Authorization": "Bearer td_not-a-key"}).get(f"{V1}/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="thidua"'


def test_a_revoked_token_is_401(users, nothing_written):
    issued = tokens.create_token(SYSTEM, users["longan"], "script")
    tokens.revoke_token(SYSTEM, issued.token)
    response = put(Client(headers={"Authorization": f"Bearer {issued.key}"}))
    assert response.status_code == 401
    assert nothing_written()


def test_a_signed_in_browser_write_without_csrf_token_is_still_403(users, nothing_written):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["longan"])
    response = put(client)
    assert response.status_code == 403
    assert "WWW-Authenticate" not in response
    assert nothing_written()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_api_body_over_the_limit_is_a_json_413(users, nothing_written):
    key = tokens.create_token(SYSTEM, users["longan"], "script").key
    client = Client(headers={"Authorization": f"Bearer {key}"})
    big = json.dumps({"values": [{"indicator": "grdp_growth", "value": "8.2"}] * 100})
    response = put(client, big)
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"][0]["message"]
    assert nothing_written()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_browser_api_body_over_the_limit_is_a_json_413_too(users, nothing_written):
    client = Client()
    client.force_login(users["longan"])
    big = json.dumps({"values": [{"indicator": "grdp_growth", "value": "8.2"}] * 100})
    response = put(client, big)
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_page_body_over_the_limit_keeps_the_html_400(db):
    response = Client().post("/login/", {"username": "longan", "password": "x" * 2000})
    assert response.status_code == 400
    assert not response["Content-Type"].startswith("application/json")
