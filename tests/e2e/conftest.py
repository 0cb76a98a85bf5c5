"""Browser tests: Playwright for Python driving Debian's Chromium against the live server.

Fixtures: `browser` (one Chromium per session), `page` (a fresh context per test; a
screenshot goes to test-artifacts/ when the test fails), `new_page` (another independent
person's browser in the same test), `login(page, live_server, user)`, `check_a11y(page)`.

Every page state that `page` and `new_page` reach (each load, each htmx swap) is checked
automatically with axe-core and for sideways scrolling at 360 px; a test whose pages have
problems fails at teardown with the list (see `PageChecks` below).
"""

import contextlib
import os
import re
import shutil
import time
from pathlib import Path

import greenlet
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


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "page_checks(enabled): False turns off the automatic axe and 360 px checks of a "
        "browser test's pages (say why beside it)",
    )


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
    from playwright._impl._sync_base import SyncBase
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        PAGE_CHECKS["main"] = greenlet.getcurrent()
        original = SyncBase._sync

        def checked_sync(self, awaitable):
            __tracebackhide__ = True
            checks = PAGE_CHECKS.get("current")
            if checks is not None:
                checks.before_call()
            return original(self, awaitable)

        SyncBase._sync = checked_sync
        try:
            yield browser
        finally:
            SyncBase._sync = original
            browser.close()


def _new_page(browser, width=1280, height=900):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.dismiss())
    return context, page


@pytest.fixture
def page_checks(browser, request):
    marker = request.node.get_closest_marker("page_checks")
    checks = PageChecks(PAGE_CHECKS["main"], seen=PAGE_CHECKS["seen"])
    checks.enabled = not (marker and marker.args and marker.args[0] is False)
    PAGE_CHECKS["current"] = checks
    try:
        yield checks
    finally:
        PAGE_CHECKS.pop("current", None)
        PAGE_CHECKS["states"] += checks.checked
        PAGE_CHECKS["seconds"] += checks.seconds
    report = checks.report()
    if report:
        pytest.fail(report, pytrace=False)


def pytest_terminal_summary(terminalreporter):
    if PAGE_CHECKS["states"]:
        terminalreporter.write_line(
            f"page checks: {PAGE_CHECKS['states']} page states checked with axe-core and at "
            f"{PHONE_WIDTH} px in {PAGE_CHECKS['seconds']:.1f} s"
        )


@pytest.fixture
def page(browser, request, page_checks):
    context, page = _new_page(browser)
    page_checks.watch(page)
    yield page
    page_checks.flush()
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        # A failed screenshot must not hide the test's own failure.
        with contextlib.suppress(Exception):
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


@pytest.fixture
def new_page(browser, page_checks):
    """A factory for more independent browsers (another member, a phone)."""
    contexts = []

    def make(width=1280, height=900):
        context, page = _new_page(browser, width, height)
        page_checks.watch(page)
        contexts.append(context)
        return page

    yield make
    page_checks.flush()
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


# --- Every page state, checked (issue #15) ------------------------------------------------
#
# Every page a browser test opens through `page` or `new_page` is watched: after each load
# and each htmx swap, the next time the test touches Playwright the page is left to settle
# and then checked with axe-core and for sideways scrolling at 360 px (the viewport is
# narrowed for the check and put back). Problems are collected and the test fails at
# teardown with the page address, what led there (load or swap) and each problem, so the
# owner of the page knows what to fix. `@pytest.mark.page_checks(False)` turns the
# watching off for one test (say why beside it).

PHONE_WIDTH = 360
AXE_OPTIONS = {"resultTypes": ["violations"], "iframes": False}
AXE_RUN_JS = """([ids, options]) => {
  const found = ids.map((id) => document.getElementById(id)).filter(Boolean);
  const context = found.length && found.length === ids.length
    ? {include: found} : document;
  return axe.run(context, options);
}"""
# Not ours to fix: Django's admin pages.
UNCHECKED_PATHS = re.compile(r"^/admin/")

WATCH_HTMX_JS = """document.addEventListener('htmx:afterSettle', (event) => {
  const t = (event.detail && event.detail.target) || event.target;
  const name = t && t.id ? '#' + t.id : (t && t.tagName ? t.tagName.toLowerCase() : '?');
  if (window.__pageChecksSwap) window.__pageChecksSwap(name);
});"""

# A state is its page's structure: elements, classes, roles, ARIA and which elements hold
# text, with numbers (ids, counts) blanked. The same page reached in another test, or with
# other words in it, is the same state and is checked once per run.
STATE_JS = """() => {
  const isHtml = !!document.body && document.contentType === 'text/html';
  if (!isHtml) return {url: location.href, hash: 0, html: false};
  const blank = (v) => v.replace(/[0-9]+/g, 'N');
  const hashOf = (text) => {
    let h = 0;
    for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
    return h;
  };
  // A list of three posts and one of thirty are the same state: repeated siblings of the
  // same shape count once.
  const shape = (el) => {
    let s = '<' + el.tagName;
    for (const a of el.attributes) {
      const n = a.name;
      if (n === 'class' || n === 'id' || n === 'role' || n === 'alt' || n === 'for'
          || n === 'open' || n === 'hidden' || n === 'type' || n.startsWith('aria-')) {
        s += ' ' + n + '=' + blank(a.value);
      }
    }
    if ([...el.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim())) s += '+t';
    let last = null;
    for (const child of el.children) {
      const h = shape(child);
      if (h !== last) s += ',' + h;
      last = h;
    }
    return hashOf(s);
  };
  return {url: location.href, hash: shape(document.body), html: true};
}"""

# What sticks out at this width: the outermost elements whose box passes the right edge
# and that no scrolling container of their own holds in.
OVERFLOW_JS = """(limit) => {
  const width = document.documentElement.scrollWidth;
  if (width <= limit + 1) return null;
  const held = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll' || ox === 'hidden' || ox === 'clip') return true;
    }
    return false;
  };
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    const cls = [...el.classList].slice(0, 2).join('.');
    if (cls) s += '.' + cls;
    return s;
  };
  const wide = [...document.body.querySelectorAll('*')].filter((el) => {
    const r = el.getBoundingClientRect();
    // A closed <details> still lays out its content, hidden: it cannot stick out.
    return r.width && r.right > limit + 1 && !held(el) && el.checkVisibility();
  });
  const outer = wide.filter((el) => !wide.includes(el.parentElement));
  return {width: width, elements: outer.slice(0, 5).map((el) => {
    const r = el.getBoundingClientRect();
    return `${name(el)} (${Math.round(r.left)}–${Math.round(r.right)} px)`;
  })};
}"""


PAGE_CHECKS = {"main": None, "seen": set(), "states": 0, "seconds": 0.0}


class PageChecks:
    """Watches pages and checks each new state once (see above). `seen` holds the states
    already checked in this run (address, structure, width): the login page is checked
    once, not in every test."""

    def __init__(self, main_greenlet, *, seen):
        self.main = main_greenlet
        self.seen = seen
        self.pages = []  # see watch()
        self.problems = []
        self.enabled = True
        self.busy = False
        self.checked = 0
        self.seconds = 0.0

    def watch(self, page):
        # What led to the unchecked state (None: checked), the swapped element ids to
        # check (None: the whole document), and failures in a row.
        entry = {"page": page, "reason": None, "scope": None, "failures": 0}
        self.pages.append(entry)

        def loaded(_page):
            entry["reason"], entry["scope"] = "after loading", None

        def swapped(_source, target):
            fresh = entry["reason"] is None
            entry["reason"] = f"after an htmx swap into {target}"
            if not target.startswith("#"):
                entry["scope"] = None
            elif fresh:
                entry["scope"] = {target[1:]}
            elif entry["scope"] is not None:
                entry["scope"].add(target[1:])

        page.on("load", loaded)
        page.expose_binding("__pageChecksSwap", swapped)
        page.add_init_script(WATCH_HTMX_JS)

    def before_call(self):
        if self.busy or not self.enabled or greenlet.getcurrent() is not self.main:
            return
        if not any(entry["reason"] for entry in self.pages):
            return
        self.busy = True
        started = time.monotonic()
        try:
            for entry in self.pages:
                if entry["reason"]:
                    self._check(entry)
        except Exception as exc:  # a check must never break the test's own call
            self.problems.append(f"the page checks could not run: {exc!r}")
        finally:
            self.seconds += time.monotonic() - started
            self.busy = False

    def _check(self, entry):
        from playwright.sync_api import Error

        from tests.e2e.htmx import settled

        page, reason, scope = entry["page"], entry["reason"], entry["scope"]
        if page.is_closed():
            entry["reason"] = None
            return
        try:
            settled(page)
            state = page.evaluate(STATE_JS)
            path = re.sub(r"^https?://[^/]+", "", state["url"])
            key = (
                re.sub(r"\d+", "N", path.split("#")[0]),
                state["hash"],
                page.viewport_size["width"],
            )
            entry["reason"], entry["scope"] = None, None
            if not state["html"] or UNCHECKED_PATHS.match(path) or key in self.seen:
                return
            where = f"{path} ({reason}, {page.viewport_size['width']} px wide)"
            self._axe(page, where, scope)
            self._sideways(page, where)
            self.seen.add(key)
            self.checked += 1
            entry["failures"] = 0
        except (Error, AssertionError):
            # The page moved on while being checked (a navigation), or htmx kept busy:
            # check the state it settles in next, whole.
            entry["failures"] += 1
            if entry["failures"] < 3 and not page.is_closed():
                entry["reason"] = entry["reason"] or reason

    def _axe(self, page, where, scope):
        """axe-core over the document after a load; after swaps, over the swapped
        elements only (the rest was checked before, and axe costs)."""
        from axe_playwright_python.sync_playwright import Axe

        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(Axe().axe_script)
        results = page.evaluate(AXE_RUN_JS, [sorted(scope or ()), AXE_OPTIONS])
        for v in results["violations"]:
            targets = "; ".join(", ".join(map(str, n["target"])) for n in v["nodes"][:4])
            more = f" (+{len(v['nodes']) - 4} more)" if len(v["nodes"]) > 4 else ""
            summary = (v["nodes"][0].get("failureSummary") or "").replace("\n", " ")[:240]
            self.problems.append(
                f"{where}\n    axe {v['id']} ({v['impact']}): {v['help']}\n"
                f"      at {targets}{more}\n      {summary}"
            )

    def _sideways(self, page, where):
        size = page.viewport_size
        if size["width"] == PHONE_WIDTH:
            wide = page.evaluate(OVERFLOW_JS, PHONE_WIDTH)
        else:
            page.set_viewport_size({"width": PHONE_WIDTH, "height": size["height"]})
            try:
                wide = page.evaluate(OVERFLOW_JS, PHONE_WIDTH)
            finally:
                page.set_viewport_size(size)
        if wide:
            self.problems.append(
                f"{where}\n    scrolls sideways at {PHONE_WIDTH} px: the page is "
                f"{wide['width']} px wide; sticking out: {', '.join(wide['elements']) or '?'}"
            )

    def flush(self):
        self.before_call()
        self.enabled = False

    def report(self):
        if not self.problems:
            return None
        listed = "\n".join(f"- {p}" for p in dict.fromkeys(self.problems))
        return (
            f"The page checks (tests/e2e/conftest.py: axe-core, no sideways scrolling at "
            f"{PHONE_WIDTH} px) found {len(self.problems)} problem(s) in the page states "
            f"this test visited:\n{listed}"
        )
