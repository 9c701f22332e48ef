"""Every page of the main jobs on a phone (390×844), as the role it is for: the page itself never
scrolls sideways (a wide table scrolls inside its own box). Screenshots: test-artifacts/phone/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_awards import council_session, eligible_person

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SHOTS = ARTIFACTS / "phone"

# The page's width against the window's, and the widest element reaching past the window's right
# edge that is not inside a box scrolling on its own (what made the page scroll).
OVERFLOW = """() => {
  const width = window.innerWidth;
  const page = document.documentElement.scrollWidth;
  let widest = null;
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right <= width + 1 || box.width === 0) continue;
    let inner = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden'].includes(s.overflowX)) { inner = true; break; }
    }
    if (inner) continue;
    if (!widest || box.right > widest.right) {
      const cls = typeof el.className === 'string' ? el.className.trim() : '';
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (cls ? '.' + cls.split(/\\s+/).join('.') : '');
      widest = {name, right: Math.round(box.right), text: (el.innerText || '').slice(0, 40)};
    }
  }
  return {page, width, widest};
}"""


@pytest.fixture
def phone(browser: Browser, live_server):
    # Not is_mobile: mobile emulation zooms a too-wide page out, and innerWidth grows with it.
    context = browser.new_context(locale="vi-VN", viewport=PHONE, has_touch=True)
    page = context.new_page()
    page.on("dialog", lambda d: d.accept())
    yield page
    context.close()


def sign_in(page: Page, url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "thidua-demo-2019")
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def visit(page: Page, url: str, pages: dict[str, str]) -> list[str]:
    """Each page in turn: a screenshot, and a line for each page wider than the phone."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for name, path in pages.items():
        page.goto(url + path)
        page.wait_for_load_state("networkidle")  # the charts come by htmx
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        page.screenshot(path=str(SHOTS / f"{name}-top.png"))  # what the phone shows first
        found = page.evaluate(OVERFLOW)
        if found["page"] > found["width"]:
            widest = found["widest"] or {}
            problems.append(
                f"{name} ({path}): page {found['page']} px wide on a {found['width']} px phone; "
                f"widest: {widest.get('name')} to {widest.get('right')} px "
                f"«{widest.get('text', '')}»"
            )
    return problems


def fits(page: Page, url: str, pages: dict[str, str]) -> None:
    problems = visit(page, url, pages)
    assert not problems, "Pages wider than the phone:\n" + "\n".join(problems)


def report_paths() -> dict[str, str]:
    from thidua.indicators.models import Report
    from thidua.orgs.models import Unit

    report = Report.objects.filter(unit__code="80", period="2019H1").first()
    unit = Unit.objects.filter(code="80").order_by("-pk").first()
    paths = {
        "officer-1-dashboard": "/",
        "officer-2-entry": f"/entry/TNB/2019H1/{report.unit_id if report else unit.pk}/",
        # The year's report is still open: the form as the officer types into it.
        "officer-2b-entry-open": f"/entry/TNB/2019/{report.unit_id if report else unit.pk}/",
        "officer-3-upload": "/clusters/TNB/2019H1/upload/",
    }
    if report is not None:
        paths["officer-4-report"] = f"/reports/{report.pk}/"
        paths["officer-5-history"] = f"/lich-su/indicators.report/{report.pk}/"
    return paths


def test_the_officers_pages_fit_a_phone(demo, phone: Page, live_server):
    sign_in(phone, live_server.url, "longan")
    paths = report_paths()
    assert "officer-4-report" in paths, "the demo has Long An's 2019H1 report"
    fits(phone, live_server.url, paths)


def test_the_heads_pages_fit_a_phone(demo, phone: Page, live_server):
    from thidua.ballots.models import BallotSession

    council_session()
    ballot = BallotSession.objects.order_by("-pk").first()
    sign_in(phone, live_server.url, "camau")
    pages = {
        "head-1-cluster": "/clusters/TNB/?year=2019",
        "head-2-worklist": "/clusters/TNB/2019H1/worklist/",
        "head-3-review": "/clusters/TNB/2019H1/review/",
        "head-4-scoring": "/clusters/TNB/2019/scores/",
        "head-5-regulation": "/clusters/TNB/2019/regulation/",
        "head-6-ballots": "/clusters/TNB/2019/ballots/",
        "head-7-ballot-minutes": f"/ballots/{ballot.pk}/",
        "head-8-proposals": "/awards/proposals/",
    }
    fits(phone, live_server.url, pages)


def test_the_boards_pages_fit_a_phone(demo, phone: Page, live_server):
    eligible_person()
    sign_in(phone, live_server.url, "bantw")
    pages = {
        "board-1-awards": "/awards/",
        "board-2-registry": "/awards/registry/?q=nguyen+van+an",
        "board-3-statistics": "/awards/statistics/",
        "board-4-proposals": "/awards/proposals/",
        "board-5-overdue": "/awards/overdue/",
        "board-6-backlog": "/awards/backlog/HCKC-TNB/",
    }
    fits(phone, live_server.url, pages)


def test_the_council_members_pages_fit_a_phone(demo, phone: Page, live_server):
    from thidua.awards.models import Proposal
    from thidua.ballots.models import BallotSession

    council_session()
    ballot = BallotSession.objects.order_by("-pk").first()
    proposal = Proposal.objects.order_by("pk").first()
    sign_in(phone, live_server.url, "hoidong")
    pages = {
        "council-1-dashboard": "/",
        "council-2-ballot": f"/ballots/{ballot.pk}/",
        "council-3-proposal": f"/awards/proposals/{proposal.pk}/",
    }
    fits(phone, live_server.url, pages)


def test_the_public_look_up_fits_a_phone(demo, phone: Page, live_server):
    eligible_person()
    pages = {
        "public-1-lookup": "/tra-cuu/",
        "public-2-lookup-found": "/tra-cuu/?q=tran+thi+thu+nghiem",
        "public-3-lookup-none": "/tra-cuu/?q=khong+co+ai+ten+nay",
    }
    fits(phone, live_server.url, pages)


def test_the_desktop_keeps_its_tables(demo, browser: Browser, live_server):
    """At 1366×768 the tables stay tables (the cards are for phones only), sortable headers
    included, and nothing is wider than the window."""
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "bantw")
        pages = {
            "desktop-1-worklist": "/clusters/TNB/2019H1/worklist/?sort=status",
            "desktop-2-proposals": "/awards/proposals/?sort=due",
            "desktop-3-registry": "/awards/registry/?q=tran+thi&sort=year&dir=desc",
        }
        fits(page, live_server.url, pages)
        for name, path in pages.items():
            page.goto(live_server.url + path)
            display = page.evaluate(
                "getComputedStyle(document.querySelector('main tbody td')).display"
            )
            assert display == "table-cell", name
    finally:
        context.close()
