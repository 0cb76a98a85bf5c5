import re
from html.parser import HTMLParser

import pytest

from studygroups.discussions.models import Post
from tests.factories import post

from .xss_payloads import XSS_PAYLOADS

pytestmark = pytest.mark.django_db

ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "hr",
    "del",
    "s",
}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_inert(html: str) -> None:
    """Parse the stored HTML as a browser would: only allowlisted tags, no event handler
    or style attributes, and every link http(s), mailto or site-relative."""
    parser = _Collector()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, f"<{tag}> survived in {html!r}"
        for name, value in attrs:
            assert name in {"href", "title", "rel", "start"}, f"{name}= survived in {html!r}"
            if name == "href":
                # As the browser reads it: control characters and spaces are dropped
                # before the scheme. A scheme, if any, must be http(s) or mailto;
                # anything else is a harmless relative link.
                squashed = re.sub(r"[\x00-\x20]", "", value or "").lower()
                scheme = re.match(r"^([a-z][a-z0-9+.-]*):", squashed)
                assert scheme is None or scheme.group(1) in {"http", "https", "mailto"}, (
                    f"href {value!r} in {html!r}"
                )
    assert "\x00" not in html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_is_stored_inert(group, document, member, payload):
    p = post(group, document, member, payload)
    stored = Post.objects.get(pk=p.pk).body_html
    assert_inert(stored)


def test_links_are_marked_and_limited(group, document, member):
    p = post(group, document, member, "see https://example.org and [m](mailto:a@b.org)")
    assert 'href="https://example.org"' in p.body_html
    assert 'rel="nofollow ugc noopener"' in p.body_html
    assert 'href="mailto:a@b.org"' in p.body_html


def test_quote_is_escaped_on_display(member_client, group, document, member):
    """Quotes are plain text from the paragraph; they are escaped, never trusted."""
    p = post(group, document, member, "<b>bold?</b>")
    response = member_client.get(p.get_absolute_url())
    assert b"<b>bold?</b>" not in response.content
