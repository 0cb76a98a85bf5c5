"""Waiting for htmx in browser tests."""


def settled(page) -> None:
    """Wait until htmx has finished swapping and wired up what it swapped in.

    htmx inserts new content, then attaches its triggers to it after `settleDelay`
    (20 ms); the new nodes carry `htmx-added` until then. A test that acts on a swapped
    control at once (select an option the instant it appears) would race that window,
    which a person never does."""
    page.wait_for_function(
        "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )
