"""A hidden post's reason category is stored in the site's language (like every stored
word) and shown to each reader in theirs."""

import pytest
from django.urls import reverse
from django.utils import timezone

from studygroups.discussions.models import Post
from tests.factories import post

pytestmark = pytest.mark.django_db


def test_a_hidden_posts_category_is_shown_in_the_readers_language(
    client, group, document, member, member2
):
    hidden = post(group, document, member2, "A post a moderator hid")
    Post.objects.filter(pk=hidden.pk).update(
        hidden_at=timezone.now(), hidden_category="Harassment or abuse", hidden_reason=""
    )
    client.force_login(member)
    url = reverse("discussions:document", args=[group.slug, document.slug])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Retirada por un moderador: Acoso o abuso." in page
    assert "Harassment or abuse" not in page
