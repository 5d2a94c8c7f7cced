"""The Overview page in a real browser (Debian's Chromium driven by Playwright).

What a community manager does: open the page, widen the period, pick a community, type a date range,
and see the numbers follow. Missing Chromium fails in CI (`.ci/run` installs it) and skips elsewhere.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        message = "Debian's chromium is not installed: `apt-get install chromium` (.ci/run does this)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def dashboard_url(two_communities_snapshot):
    from werkzeug.serving import make_server

    from dashboards.app import create_app

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, create_app(two_communities_snapshot).server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1900})
        page.set_default_timeout(30_000)
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
        yield page
        browser.close()


def _questions_in(rows, start: dt.date, end: dt.date) -> int:
    return sum(1 for p in rows if p["PostTypeId"] == "1"
               and start <= dt.datetime.fromisoformat(p["CreationDate"]).date() <= end)


def test_filters_change_the_figures(page, dashboard_url, xml_rows, shared_dataset, acme_dump):
    from playwright.sync_api import expect

    expect.set_options(timeout=20_000)  # the first callbacks also load plotly.js
    cardano = xml_rows(shared_dataset("stackexchange_cardano") / "Posts.xml")
    acme = xml_rows(acme_dump / "Posts.xml")
    everything = (dt.date(2000, 1, 1), dt.date(2100, 1, 1))
    june = (dt.date(2021, 6, 1), dt.date(2021, 6, 30))

    page.goto(dashboard_url)
    questions = page.locator("#overview-kpi-questions-value")
    members_title = page.locator("#overview-members-chart .gtitle")
    expect(questions).not_to_have_text("–")
    default_questions = questions.text_content()
    expect(members_title).to_have_text("New and active members per day")  # last 90 days by default

    page.get_by_role("radio", name="All time", exact=True).check()
    total = _questions_in(cardano, *everything) + _questions_in(acme, *everything)
    expect(questions).to_have_text(f"{total:,}")
    assert f"{total:,}" != default_questions
    expect(members_title).to_have_text("New and active members per week")

    page.locator("#overview-community").click()
    page.get_by_role("option", name="Cardano Stack Exchange").click()
    expect(questions).to_have_text("1,042")
    expect(page.locator("#overview-kpi-unanswered-value")).to_have_text("15%")  # 155 of 1,042
    expect(page.locator("#overview-contributors-table tbody tr")).to_have_count(15)

    start, end = page.locator("input.dash-datepicker-start-date"), page.locator("input.dash-datepicker-end-date")
    start.fill("1 Jun 2021")
    start.press("Enter")
    end.fill("30 Jun 2021")
    end.press("Enter")
    expect(questions).to_have_text(f"{_questions_in(cardano, *june):,}")
    expect(page.get_by_role("radio", name="Custom", exact=True)).to_be_checked()
    expect(page.locator("#overview-response-chart .gtitle")).to_have_text(
        re.compile(r"^Time to first response .* by day asked$"))

    page.keyboard.press("Escape")  # close the calendar before the screenshot
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
    assert page.errors == []
