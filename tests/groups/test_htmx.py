"""Every htmx endpoint of the groups pages, asked with HX-Request (a fragment of the page
that owns the markup), without it (the whole page, or a message and a redirect), and as
a boosted navigation (the whole page: only core.htmx.wants_partial decides)."""

import pytest
from django.urls import reverse

from studygroups.groups import sessions
from tests.factories import make_session

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def _targets(session, document, extra):
    args = [session.group.slug, session.pk]
    first = session.units.first().readings.first()
    return {
        "rsvp": ("post", reverse("groups:session_rsvp", args=args), {"answer": "going"}),
        "progress": (
            "post",
            reverse("groups:session_progress", args=args),
            {"reading": f"r{first.pk}", "done": "1"},
        ),
        "search": ("get", reverse("groups:session_reading_search", args=args), {"q": "Text"}),
        "choose": (
            "get",
            reverse("groups:session_reading_choose", args=args),
            {"document": document.slug},
        ),
        "add": (
            "post",
            reverse("groups:session_add_reading", args=args),
            {"document": document.slug, "extent": "whole"},
        ),
        "remove": (
            "post",
            reverse("groups:session_remove_reading", args=[*args, extra.pk]),
            {},
        ),
    }


@pytest.mark.parametrize("name", ["rsvp", "progress", "search", "choose", "add", "remove"])
@pytest.mark.parametrize(
    "headers,partial",
    [({}, False), (HX, True), (HX | {"HTTP_HX_BOOSTED": "true"}, False)],
    ids=["plain", "htmx", "boosted"],
)
def test_htmx_endpoint_with_and_without_hx_request(
    client, organizer, private_group, document, name, headers, partial
):
    session = make_session(private_group, units=list(private_group.curriculum.units.all()[:1]))
    extra = sessions.session_add_reading(session=session, document=document)
    client.force_login(organizer)
    method, target, data = _targets(session, document, extra)[name]
    response = getattr(client, method)(target, data, **headers)
    if partial:
        assert response.status_code == 200, response.content[:300]
        assert b"<html" not in response.content
    elif response.status_code == 302:
        assert method == "post"
    else:
        assert response.status_code == 200
        assert b"<html" in response.content
