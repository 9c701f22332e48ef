"""Every text a request carries has a limit, the stored column's: too long or holding a control
character is a 422 naming the field on every database, never a 500 (PostgreSQL) and never a
silent write past the column's length (SQLite)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.apps import apps

from thidua.accounts.models import AuditEntry
from thidua.api.app import api
from thidua.common.errors import ValidationFailed
from thidua.indicators import services
from thidua.indicators.models import Value
from thidua.indicators.services import ValueInput
from thidua.scoring.models import Regulation

V1 = "/api/v1"
TNB_2019 = f"{V1}/clusters/TNB/periods/2019/reports"
_CONSTRAINED = {"format", "enum", "const"}


def _strings(node, components: dict, where: str, seen: set[str]):
    """Every plain string a schema node lets in, with where it is."""
    if isinstance(node, list):
        for item in node:
            yield from _strings(item, components, where, seen)
        return
    if not isinstance(node, dict):
        return
    if ref := node.get("$ref"):
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            yield from _strings(components[name], components, name, seen)
        return
    if node.get("type") == "string" and not _CONSTRAINED & node.keys():
        yield where, node
    for key, value in node.items():
        if key in ("default", "example", "examples"):
            continue
        inner = f"{where}.{key}" if key not in ("properties", "items", "anyOf") else where
        yield from _strings(value, components, inner, seen)


def _request_texts():
    document = api.get_openapi_schema()
    components = document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    where = f"query {parameter['name']}"
                    found = _strings(parameter.get("schema", {}), components, where, set())
                    yield from ((f"{method} {path} {w}", node) for w, node in found)
            for media in operation.get("requestBody", {}).get("content", {}).values():
                for where, node in _strings(media.get("schema", {}), components, "body", set()):
                    yield f"{method} {path} {where}", node


def test_every_text_in_every_request_has_a_limit_the_stored_columns_if_stored(db):
    texts = list(_request_texts())
    assert len(texts) > 30
    unbounded = [where for where, node in texts if "maxLength" not in node]
    assert not unbounded, unbounded
    for where, node in texts:
        if stored := node.get("x-stored-in"):
            label, name = stored.rsplit(".", 1)
            column = apps.get_model(label)._meta.get_field(name)
            assert node["maxLength"] == column.max_length, where


def put_values(client, values: list[dict], **extra):
    payload = json.dumps({"values": values, **extra})
    return client.put(f"{TNB_2019}/80/values", payload, content_type="application/json")


@pytest.fixture
def longan(client, users):
    client.force_login(users["longan"])
    return client


@pytest.mark.parametrize(
    "field,limit", [("note", 500), ("justification", 1000), ("indicator", 64), ("period", 8)]
)
def test_an_over_long_value_text_is_a_422_naming_the_field_and_nothing_is_stored(
    longan, field, limit
):
    # Issue 16, finding 8: a note past 500 characters was a 500 on PostgreSQL, kept on SQLite.
    before = Value.objects.count(), AuditEntry.objects.count()
    row = {"indicator": "grdp_growth", "value": "7.5", field: "x" * (limit + 1)}
    response = put_values(longan, [row])
    assert response.status_code == 422, response.content[:300]
    (issue,) = response.json()["detail"]
    assert (issue["row"], issue["column"]) == (0, field)
    assert (Value.objects.count(), AuditEntry.objects.count()) == before


def test_an_over_long_reason_is_a_422_and_nothing_is_stored(longan):
    before = Value.objects.count()
    response = put_values(longan, [{"indicator": "grdp_growth", "value": "7.5"}], reason="x" * 501)
    assert response.status_code == 422
    assert response.json()["detail"][0]["column"] == "reason"
    assert Value.objects.count() == before


def test_a_note_at_the_limit_is_stored_whole(longan):
    response = put_values(longan, [{"indicator": "grdp_growth", "value": "7.5", "note": "x" * 500}])
    assert response.status_code == 200
    assert (
        Value.objects.get(unit__code="80", period="2019", indicator__code="grdp_growth").note
        == "x" * 500
    )


@pytest.mark.parametrize("character", ["\x01", "\x1b", "\x7f"])
def test_a_control_character_is_a_422_naming_the_field(longan, character):
    row = {"indicator": "grdp_growth", "value": "7.5", "note": f"ghi{character}chú"}
    response = put_values(longan, [row])
    assert response.status_code == 422
    (issue,) = response.json()["detail"]
    assert issue["column"] == "note" and "điều khiển" in issue["message"]
    assert not Value.objects.filter(
        unit__code="80", period="2019", indicator__code="grdp_growth"
    ).exists()


def test_tabs_and_line_breaks_are_text(longan):
    row = {"indicator": "grdp_growth", "value": "7.5", "note": "dòng 1\r\n\tdòng 2"}
    assert put_values(longan, [row]).status_code == 200


@pytest.mark.parametrize(
    "user,path,body,field",
    [
        ("camau", "/clusters/TNB/years/2019/ballots", {"title": "x" * 301}, "title"),
        (
            "camau",
            "/clusters/TNB/periods/2019H1/reports/80/reopen",
            {"reason": "x" * 1001},
            "reason",
        ),
        (
            "longan",
            "/clusters/TNB/years/2019/scores/80/criteria/B3/self",
            {"points": 1, "note": "x" * 2001},
            "note",
        ),
    ],
)
def test_over_long_text_elsewhere_is_a_422_too(client, users, user, path, body, field):
    client.force_login(users[user])
    before = AuditEntry.objects.count()
    body = {"closes_at": "2030-01-01T00:00:00Z", **body} if "ballots" in path else body
    method = client.put if path.endswith("/self") else client.post
    response = method(V1 + path, json.dumps(body), content_type="application/json")
    assert response.status_code == 422, response.content[:300]
    assert response.json()["detail"][0]["column"] == field
    assert AuditEntry.objects.count() == before


def test_the_service_refuses_text_past_the_column_whatever_the_door(users, tnb, indicators, unit):
    item = ValueInput(unit("80"), indicators["grdp_growth"], "2019", Decimal("7.5"), note="x" * 501)
    with pytest.raises(ValidationFailed, match="quá giới hạn 500"):
        services.write_values(users["longan"], tnb, "2019", [item])
    assert not Value.objects.filter(
        unit__code="80", period="2019", indicator__code="grdp_growth"
    ).exists()


def test_an_over_long_criterion_code_in_a_regulation_file_is_a_422(client, users):
    client.force_login(users["camau"])
    before = Regulation.objects.count()
    text = (
        "cluster: TNB\nyear: 2019\ncriteria:\n"
        f"  - code: {'B' * 21}\n    name: Tiêu chí\n    method: manual\n    max: 10\n"
    )
    response = client.post(
        f"{V1}/clusters/TNB/years/2019/regulation", text, content_type="application/yaml"
    )
    assert response.status_code == 422, response.content[:300]
    assert response.json()["detail"][0]["column"] == "code"
    assert Regulation.objects.count() == before
