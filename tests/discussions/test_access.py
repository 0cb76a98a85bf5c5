"""`access_discussion` reads the document with the group's discussion of it in one plain
statement: the same objects as the ORM, the same 404 for a missing document or a group
the viewer may not see, and never another group's discussion."""

import pytest
from django.http import Http404

from studygroups.discussions.access import access_discussion
from studygroups.discussions.models import Discussion
from studygroups.library.models import Document
from tests.factories import make_group, post


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_a_started_discussion_with_its_document(group, document, member):
    post(group, document, member, "root")
    ctx = access_discussion(member, group.slug, document.slug)
    expected = Discussion.objects.select_related("document").get(group=group, document=document)
    assert _fields(ctx.discussion) == _fields(expected)
    assert _fields(ctx.document) == _fields(expected.document)
    assert type(ctx.discussion.created_at) is type(expected.created_at)
    assert ctx.discussion.document is ctx.document
    assert ctx.discussion.group is ctx.group
    assert ctx.group.viewer_membership.user_id == member.pk


def test_not_started_yet_is_the_document_alone(group, document, member, django_assert_num_queries):
    with django_assert_num_queries(2):  # the group, the document
        ctx = access_discussion(member, group.slug, document.slug)
    assert ctx.discussion is None
    assert _fields(ctx.document) == _fields(Document.objects.get(pk=document.pk))


def test_another_groups_discussion_is_not_this_ones(group, document, member):
    other = make_group()
    post(other, document, other.memberships.get().user, "elsewhere")
    ctx = access_discussion(member, group.slug, document.slug)
    assert ctx.discussion is None
    assert ctx.document.pk == document.pk


def test_missing_document_or_forbidden_group_is_404(group, document, member, outsider):
    with pytest.raises(Http404):
        access_discussion(member, group.slug, "no-such-text")
    with pytest.raises(Http404):
        access_discussion(outsider, group.slug, document.slug)
    with pytest.raises(Http404):
        access_discussion(member, "no-such-group", document.slug)
