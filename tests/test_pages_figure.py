"""The `pages` benchmark figure reaches every web page: a page added with a path argument the
figure cannot fill fails here, and on the demo data every page is filled and answers."""

from benchmarks import pages
from django.test import override_settings


def test_every_web_page_of_the_url_map_can_be_filled_by_the_figure():
    routes = [route for route, _name in pages.web_patterns()]
    assert "tra-cuu/" in routes and "awards/statistics/" in routes
    assert pages.unfillable() == []


def test_the_figure_leaves_out_only_the_admin_the_api_and_static_files():
    routes = [route for route, _name in pages.web_patterns()]
    assert not [r for r in routes if r.startswith(("admin/", "api/", "static/"))]
    assert pages.role("tra-cuu/") == "public" and pages.role("awards/statistics/") == "board"


def test_a_route_is_filled_from_the_data_or_says_what_is_missing():
    found = {"code": "TNB", "period": "2025H1", "report": 7, "ballot": None}
    assert pages.fill("clusters/<str:code>/<str:period>/review/", found) == (
        "/clusters/TNB/2025H1/review/",
        "",
    )
    assert pages.fill("reports/<int:pk>/", found) == ("/reports/7/", "")
    assert pages.fill("ballots/<int:pk>/", found) == (None, "no ballot in the generated data")


def test_on_the_demo_every_page_is_reached_and_none_fails(users, monkeypatch):
    from benchmarks import generate

    monkeypatch.setattr(generate, "bench_user", lambda: users["bantw"])
    monkeypatch.setattr(generate, "PERIOD", "2019H1")  # the demo's year with figures
    with override_settings(ROOT_URLCONF="thidua.urls"):
        figure = pages.task_pages(requests=1)
    assert figure["errors"] == []
    assert figure["pages"], figure
    assert figure["unreached"] == []
    refused = [(p["path"], p["status"]) for p in figure["pages"] if p["status"] in (403, 404)]
    assert refused == []
    by_name = {p["name"]: p for p in figure["pages"]}
    assert by_name["proposal_new"]["role"] == "officer"
    for name in ("ballot_minutes", "proposal_file_download", "scoring_minutes", "regulation"):
        assert by_name[name]["status"] == 200, by_name[name]
    assert pages.ensure_objects() == []  # made once, kept
