"""User-supplied text is shown, never run: <script> in names stays text in every page."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PAYLOAD = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'


def test_script_in_unit_and_cluster_names_is_escaped_in_the_browser(
    demo, page: Page, live_server, login, shot
):
    from thidua.orgs.models import Cluster, Unit
    from thidua.orgs.reference import unit_on

    long_an = unit_on("80", date(2019, 7, 1))
    Unit.objects.filter(pk=long_an.pk).update(name=f"Long An {PAYLOAD}")
    Cluster.objects.filter(code="TNB").update(name=f"Cụm Tây Nam Bộ {PAYLOAD}")
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    login("camau")
    for path in (
        "/",
        "/clusters/TNB/",
        "/clusters/TNB/2019H1/worklist/",
        "/clusters/TNB/2019H1/review/",
        "/clusters/TNB/2019/scores/",
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("body")).to_contain_text("<script>window.__xss = 1</script>")
        assert page.evaluate("window.__xss") is None, path
    shot("40-xss-review")
