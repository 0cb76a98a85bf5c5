"""Moderators see the count of open reports wherever they see the group: the group page,
the group's discussions, and the header of each discussion (issue #13). The discussions
never import moderation: their templates load moderation's template tag."""

import pytest
from django.urls import reverse

from studygroups.moderation import services
from tests.discussions.test_queries import BOUND
from tests.factories import add_member, post

pytestmark = pytest.mark.django_db


def report_posts(group, document, count):
    for n in range(count):
        author = add_member(group).user
        p = post(group, document, author, f"Post {n}")
        services.report_create(reporter=add_member(group).user, post=p, category="spam")


def pages(group, document):
    return [
        reverse("discussions:document", args=[group.slug, document.slug]),
        reverse("discussions:group", args=[group.slug]),
        reverse("groups:detail", args=[group.slug]),
    ]


def test_moderators_see_the_open_report_count_on_the_groups_pages(setup, client):
    group, document, author, member, facilitator, p = setup
    report_posts(group, document, 2)
    client.force_login(facilitator)
    for url in pages(group, document):
        html = client.get(url).content.decode()
        assert reverse("moderation:queue", args=[group.slug]) in html, url
        assert '2<span class="visually-hidden"> open reports</span>' in html, url


def test_members_see_no_queue_and_no_count(setup, client):
    group, document, author, member, facilitator, p = setup
    report_posts(group, document, 2)
    client.force_login(member)
    for url in pages(group, document):
        html = client.get(url).content.decode()
        assert reverse("moderation:queue", args=[group.slug]) not in html, url
        assert "open report" not in html, url


def test_no_badge_when_nothing_is_open(setup, client):
    group, document, author, member, facilitator, p = setup
    client.force_login(facilitator)
    html = client.get(pages(group, document)[0]).content.decode()
    assert reverse("moderation:queue", args=[group.slug]) in html
    assert "open report" not in html


def test_the_count_is_in_spanish_too(setup, client):
    group, document, author, member, facilitator, p = setup
    report_posts(group, document, 1)
    client.force_login(facilitator)
    html = client.get(pages(group, document)[0], HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Moderación" in html and "denuncia abierta" in html


@pytest.mark.parametrize("reports", [1, 8])
def test_the_discussion_page_stays_within_its_query_bound(
    setup, client, reports, django_assert_max_num_queries
):
    group, document, author, member, facilitator, p = setup
    report_posts(group, document, reports)
    client.force_login(facilitator)
    url = pages(group, document)[0]
    # The reader's bound for members, and the one COUNT of open reports for moderators.
    with django_assert_max_num_queries(BOUND + 1):
        assert client.get(url).status_code == 200


def test_the_dashboard_shows_each_moderated_groups_open_reports_in_constant_queries(
    setup, client, django_assert_max_num_queries
):
    from studygroups.groups.models import Membership
    from tests.factories import make_document, make_group

    group, document, author, member, facilitator, p = setup
    report_posts(group, document, 2)
    client.force_login(facilitator)
    url = reverse("groups:dashboard")
    with django_assert_max_num_queries(40) as one_group:
        html = client.get(url).content.decode()
    assert reverse("moderation:queue", args=[group.slug]) in html
    assert "2 open reports" in html
    # Two more moderated groups with reports: the same number of queries.
    for _ in range(2):
        other = make_group(organizer=None)
        add_member(other, user=facilitator, role=Membership.Role.FACILITATOR)
        report_posts(other, make_document(), 1)
    with django_assert_max_num_queries(len(one_group.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("1 open report<") == 2
    # A plain member of the group sees no count.
    client.force_login(member)
    assert "open report" not in client.get(url).content.decode()
