"""Browser tests: Playwright for Python driving Debian's Chromium against the live server.

Fixtures: `browser` (one Chromium per session), `page` (a fresh context per test; a
screenshot goes to test-artifacts/ when the test fails), `new_page` (another independent
person's browser in the same test), `login(page, live_server, user)`, `check_a11y(page)`.
"""

import contextlib
import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
# beside one unless told it is safe (the test thread only seeds and checks data).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium was not found at {CHROMIUM}. Install it with "
            "`apt-get install -y chromium` (make test does this when run as root), "
            "or set CHROMIUM_PATH.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser, width=1280, height=900):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.dismiss())
    return context, page


@pytest.fixture
def page(browser, request):
    context, page = _new_page(browser)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        # A failed screenshot must not hide the test's own failure.
        with contextlib.suppress(Exception):
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


@pytest.fixture
def new_page(browser):
    """A factory for more independent browsers (another member, a phone)."""
    contexts = []

    def make(width=1280, height=900):
        context, page = _new_page(browser, width, height)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def login(password):
    def do_login(page, live_server, user):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-mail address").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
        page.wait_for_load_state()
        return page

    return do_login


@pytest.fixture
def check_a11y():
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page)
        serious = [
            v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}
        ]
        report = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(", ".join(n["target"]) for n in v["nodes"][:5])
            for v in serious
        )
        assert not serious, f"Accessibility violations on {page.url}:\n{report}"

    return check


# --- Layout checks shared by the browser tests (issue #15) -------------------------------

SMALL_TARGETS_JS = """() => [...document.querySelectorAll('a[href], button, summary, select')]
  .filter(el => {
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (!r.width || !r.height || cs.visibility === 'hidden') return false;
    if (cs.display === 'inline') return false;  // a link inside a sentence is exempt
    if (el.closest('.visually-hidden, .skip-link')) return false;
    return r.height < 23.5 || r.width < 23.5;
  })
  .map(el => {
    const r = el.getBoundingClientRect();
    return `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}" `
      + `${Math.round(r.width)}x${Math.round(r.height)}`;
  })"""


@pytest.fixture
def check_layout():
    """No sideways scrolling at 360 px, and every standalone target at least 24 x 24 px
    (WCAG 2.2 target size). Restores the page's viewport afterwards."""

    def check(page):
        small = page.evaluate(SMALL_TARGETS_JS)
        assert not small, f"Targets smaller than 24 x 24 px on {page.url}: {small}"
        size = page.viewport_size
        page.set_viewport_size({"width": 360, "height": 740})
        try:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{page.url} scrolls sideways at 360 px ({width}px wide)"
            small = page.evaluate(SMALL_TARGETS_JS)
            assert not small, f"Targets smaller than 24 x 24 px at 360 px on {page.url}: {small}"
        finally:
            page.set_viewport_size(size)

    return check
