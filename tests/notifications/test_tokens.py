import pytest
from django.core import signing

from studygroups.notifications.tokens import (
    LEGACY_DISCUSSIONS_SALT,
    LEGACY_GROUPS_SALT,
    SALT,
    Recipient,
    read_unsubscribe_token,
    unsubscribe_token,
)

pytestmark = pytest.mark.django_db


def test_a_token_names_a_user_or_an_address_and_a_kind(person):
    token = unsubscribe_token(kind="discussions", user=person)
    assert read_unsubscribe_token(token) == Recipient(kind="discussions", user_id=person.pk)
    token = unsubscribe_token(kind="all", address="Someone@Example.org")
    assert read_unsubscribe_token(token) == Recipient(kind="all", address="someone@example.org")


@pytest.mark.parametrize(
    "kwargs",
    [{"kind": "reminders"}, {"kind": "weekly", "address": "a@example.org"}],
)
def test_a_token_needs_one_recipient_and_a_known_kind(person, kwargs):
    with pytest.raises(ValueError):
        unsubscribe_token(**kwargs)
    with pytest.raises(ValueError):
        unsubscribe_token(kind="reminders", user=person, address="a@example.org")


def test_tampered_forged_and_odd_tokens_are_refused(person):
    token = unsubscribe_token(kind="reminders", user=person)
    assert read_unsubscribe_token(token[:-2] + "xx") is None
    assert read_unsubscribe_token("forged-token") is None
    assert read_unsubscribe_token(signing.dumps({"k": "reminders", "u": 1}, salt="other")) is None
    for data in (
        {"k": "weekly", "u": person.pk},
        {"k": "reminders", "u": person.pk, "e": "a@example.org"},
        {"k": "reminders"},
        ["reminders", person.pk],
    ):
        assert read_unsubscribe_token(signing.dumps(data, salt=SALT)) is None


def test_links_already_sent_by_the_groups_app_are_read_with_its_salt():
    old = signing.dumps({"e": "a@example.org", "k": "invitations"}, salt=LEGACY_GROUPS_SALT)
    assert read_unsubscribe_token(old) == Recipient(kind="invitations", address="a@example.org")
    # The old groups format never had other kinds.
    odd = signing.dumps({"e": "a@example.org", "k": "all"}, salt=LEGACY_GROUPS_SALT)
    assert read_unsubscribe_token(odd) is None


def test_links_already_sent_by_the_discussions_app_are_read_with_its_salt(person):
    old = signing.dumps({"u": person.pk}, salt=LEGACY_DISCUSSIONS_SALT, compress=True)
    assert read_unsubscribe_token(old) == Recipient(kind="discussions", user_id=person.pk)
    assert read_unsubscribe_token(signing.dumps({"u": "1"}, salt=LEGACY_DISCUSSIONS_SALT)) is None
