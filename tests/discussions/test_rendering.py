"""Markdown and @mentions in posts (the sanitizer's own cases: test_sanitization.py)."""

import pytest

from tests.factories import post

pytestmark = pytest.mark.django_db


def test_mentions_link_group_members_only(group, document, member, member2, outsider):
    name = member2.public_name.replace(" ", "")
    outsider_name = outsider.public_name.replace(" ", "")
    p = post(group, document, member, f"Hi @{name}, and @{outsider_name}, mail a@b.org `@{name}`")
    assert f'href="/discussions/{group.slug}/members/{member2.pk}/"' in p.body_html
    assert f"@{member2.public_name}</a>" in p.body_html
    assert f"/members/{outsider.pk}/" not in p.body_html
    assert p.body_html.count("/members/") == 1  # not inside code, not the e-mail address


def test_mention_by_unique_first_name(group, document, member):
    from tests.factories import add_member, verified_user

    ada = add_member(group, verified_user(display_name="Ada Lovelace")).user
    add_member(group, verified_user(display_name="Sam One"))
    add_member(group, verified_user(display_name="Sam Two"))
    p = post(group, document, member, "@Ada and @AdaLovelace, but not @Sam")
    assert p.body_html.count(f"/members/{ada.pk}/") == 2
    assert "@Sam" in p.body_html and p.body_html.count("/members/") == 2
