"""A NUL character anywhere a request carries text gets a clear refusal, never a server error
(PostgreSQL cannot hold it in text) and never a silent write (SQLite would keep it)."""

import json

from thidua.awards.models import Proposal


def test_a_nul_in_an_api_query_is_a_422_naming_the_parameter(client, users):
    client.force_login(users["bantw"])
    response = client.get("/api/v1/units", {"q": "Long\x00An"})
    assert response.status_code == 422
    (issue,) = response.json()["detail"]
    assert issue["column"] == "q" and issue["message"].endswith("trong tham số “q”.")


def test_a_nul_in_a_page_address_or_query_is_a_400_in_vietnamese(client, users):
    client.force_login(users["bantw"])
    response = client.get("/clusters/T%00NB/2019H1/review/")
    assert response.status_code == 400
    assert "không được phép trong địa chỉ" in response.content.decode()
    assert client.get("/registry/", {"q": "Nguy\x00ễn"}).status_code == 400


def test_a_nul_in_a_json_field_is_a_422_naming_the_field_and_changes_nothing(client, users):
    client.force_login(users["longan"])  # an officer: may propose
    before = Proposal.objects.count()
    body = {"award": "CSTDBT", "year": 2025, "unit_id": 1, "achievements": "Thành tích\x00"}
    response = client.post("/api/v1/proposals", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    (issue,) = response.json()["detail"]
    assert issue["column"] == "achievements" and "NUL" in issue["message"]
    assert Proposal.objects.count() == before


def test_the_api_document_tells_clients_before_they_send(client):
    from thidua.api.openapi import NO_NUL

    document = client.get("/api/openapi.json").json()
    units = document["paths"]["/api/v1/units"]["get"]["parameters"]
    assert next(p for p in units if p["name"] == "q")["schema"]["pattern"] == NO_NUL
    proposal = document["components"]["schemas"]["ProposalIn"]["properties"]
    assert proposal["achievements"]["pattern"] == NO_NUL
    assert "pattern" not in document["components"]["schemas"]["UnitOut"]["properties"]["name"]


def test_an_ordinary_percent_sign_is_left_alone(client, users):
    client.force_login(users["bantw"])
    assert client.get("/api/v1/units", {"q": "100%"}).status_code == 200
