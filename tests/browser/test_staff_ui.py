"""The staff UI in a real headless Chromium: sign in, work the queue with the keyboard, claim,
complete a task, see the case's diagram mark the active task; screenshots of each page go to
tests/browser/artifacts/ (git-ignored)."""

import re

import pytest

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _no_csp_errors(page) -> None:
    problems = [e for e in page.errors if "Content Security Policy" in e or "Refused" in e]
    assert not problems, problems


def test_clerk_claims_completes_and_sees_the_diagram(live, page_for):
    base, _app = live
    page = page_for("ward.hoken")
    page.goto(f"{base}/queues/team")
    assert page.locator("h1").inner_text().startswith("チームのタスク")
    assert page.locator("tr[data-row]").count() == 4
    assert page.locator("tr[data-row].due-overdue").count() >= 1
    _shot(page, "queue-team")

    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("かわさき")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*q=.*"))
    assert page.locator("tr[data-row]").count() == 1  # ｶﾜｻｷ ﾊﾅｺ, found by its reading
    assert "ｶﾜｻｷ ﾊﾅｺ" in page.locator("tr[data-row]").inner_text()
    page.goto(f"{base}/queues/team")

    page.keyboard.press("j")
    first = page.locator("tr[data-row]").first
    number = first.locator("td").first.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-row')")
    page.keyboard.press("c")
    page.wait_for_load_state()
    assert "担当しました" in page.locator(".flashes").inner_text()
    assert re.search(r"自分のタスク\s*1", page.locator(".site-nav").inner_text())

    page.goto(f"{base}/queues/mine")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/tasks/.*queue=mine.*"))
    _shot(page, "task")
    page.select_option("#f-decision", "return")
    page.fill("#f-reason", "印鑑がありません")
    page.click("text=完了して次のタスクへ")
    page.wait_for_load_state()
    assert "この一覧に残っているタスクはありません" in page.content()

    page.goto(f"{base}/cases/{number}")
    page.wait_for_selector("#diagram[data-state=ready]", timeout=15000)
    active = page.locator('.djs-element[data-element-id="await_correction"]')
    assert "marker-active" in active.get_attribute("class")
    finished = page.locator('.djs-element[data-element-id="review"]')
    assert "marker-finished" in finished.get_attribute("class")
    timer = page.locator('.djs-element[data-element-id="timer_no_reply"]')
    assert "marker-timer" in timer.get_attribute("class")
    _shot(page, "case")
    page.emulate_media(media="print")
    _shot(page, "case-print")
    _no_csp_errors(page)


def test_supervisor_dashboard_and_queue_on_a_tablet(live, page_for):
    base, _app = live
    page = page_for("supervisor")
    page.goto(f"{base}/dashboard/")
    assert page.locator("svg.chart").count() == 2
    _shot(page, "dashboard")
    page.click("text=期限超過のタスクをすべて見る")
    page.wait_for_url(re.compile(r".*/queues/all\?due=overdue"))
    tablet = page_for("supervisor", 768, 1024)
    tablet.goto(f"{base}/queues/all")
    assert tablet.locator("tr[data-row]").count() >= 4
    tablet.check("input[data-select-all]")
    assert tablet.locator("input[name=task_ids]:checked").count() == \
        tablet.locator("tr[data-row]").count()
    width = tablet.evaluate("document.documentElement.scrollWidth")
    assert width <= 768, width  # the table scrolls inside its box, not the page
    _shot(tablet, "queue-all-tablet")
    _no_csp_errors(page)
    _no_csp_errors(tablet)
