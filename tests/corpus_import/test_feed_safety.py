"""Feeds that declare a DTD are refused wherever the declaration sits (the billion
laughs), with a one-line error for that file only; normal feeds still import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from corpus_import.data import Ledger
from corpus_import.models import ImportBatch
from corpus_import.pipeline import run_file
from corpus_import.readers.feed import FeedError, FeedReader

from .conftest import fixture_bytes

pytestmark = pytest.mark.django_db

# Not in fixtures/: that folder is imported whole by other tests and must import cleanly.
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0">
  <channel>
    <title>Laughs</title>
    <item>
      <title>Many laughs</title>
      <description>&lol4; &lol4; &lol4; &lol4; &lol4; &lol4; &lol4; &lol4;</description>
    </item>
  </channel>
</rss>
"""


# -- 1. feeds with a DTD are refused, wherever it is ------------------------------------
def _padded_dtd() -> str:
    """The billion laughs after 21 KB of padding (a comment naming <rss> so the feed
    reader is chosen); the old guard looked at the first 20,000 characters only."""
    head, rest = LAUGHS.split("\n", 1)
    padding = '<!-- <rss version="2.0"> ' + "padding " * 2700 + "-->\n"
    return f"{head}\n{padding}{rest}"


@pytest.mark.parametrize(
    "text",
    [
        LAUGHS,
        _padded_dtd(),
        LAUGHS.replace("<!DOCTYPE", "<!doctype").replace("<!ENTITY", "<!entity"),
    ],
    ids=["billion-laughs", "padded", "lowercase"],
)
def test_feed_with_dtd_is_refused_with_one_line_error(text):
    with pytest.raises(FeedError):
        FeedReader().read(text, Ledger())
    result = run_file("laughs.xml", text.encode())
    assert result.format == "feed" and not result.documents
    assert len(result.errors) == 1 and "\n" not in result.errors[0]
    assert "doctype" in result.errors[0].lower()


def test_padded_dtd_upload_fails_that_file_only(staff_client):
    files = [
        SimpleUploadedFile("laughs.xml", _padded_dtd().encode()),
        SimpleUploadedFile("feed.xml", fixture_bytes("feed_rss.xml")),
    ]
    staff_client.post(reverse("corpus_import:upload"), {"files": files})
    report = ImportBatch.objects.get().report
    assert report["totals"]["files_failed"] == 1
    assert report["totals"]["words_read"] < 5000
    feed = next(f for f in report["files"] if f["file"] == "feed.xml")
    assert feed["documents"] and not feed["errors"]


def test_normal_feeds_still_import():
    for name in ("feed_rss.xml", "feed_atom.xml", "feed_one_line.xml"):
        result = run_file(name, fixture_bytes(name))
        assert result.format == "feed" and result.documents and not result.errors
