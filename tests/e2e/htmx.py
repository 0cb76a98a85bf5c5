"""Waiting for htmx in browser tests."""

import time

BUSY = "!!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"


def settled(page, timeout: float = 5.0) -> None:
    """Wait until htmx has finished swapping and wired up what it swapped in.

    htmx inserts new content, then attaches its triggers to it after `settleDelay`
    (20 ms); the new nodes carry `htmx-added` until then. A test that acts on a swapped
    control at once (select an option the instant it appears) would race that window,
    which a person never does. (Polled from here: `wait_for_function` evaluates a
    string, which the site's Content Security Policy rightly refuses.)"""
    deadline = time.monotonic() + timeout
    while page.evaluate(BUSY):
        if time.monotonic() > deadline:
            raise AssertionError("htmx did not settle")
        time.sleep(0.02)
