"""Questions that ask for an answer before showing the others'."""

import pytest

from studygroups.discussions import questions, rules, threads
from studygroups.discussions.models import Post
from tests.factories import make_question, post, reply

pytestmark = pytest.mark.django_db


def test_answer_before_seeing(group, document, member, member2, organizer):
    question = make_question(group, document, gated=True)
    answer = post(group, document, member, "my answer", question=question)
    r = reply(answer, organizer, "follow-up")
    discussion = answer.discussion

    def visible(user):
        gate = questions.answer_gate(user, discussion, group)
        qs = Post.objects.filter(discussion=discussion).for_display()
        return [n.post.pk for n in threads.build_threads(qs, gate=gate)]

    assert visible(member2) == []
    assert not rules.can_see_post(member2, answer)
    assert not rules.can_see_post(member2, r)
    assert visible(member) == [answer.pk]
    assert visible(organizer) == [answer.pk]  # moderators see every answer
    own = post(group, document, member2, "mine", question=question)
    assert visible(member2) == [answer.pk, own.pk]
    assert rules.can_see_post(member2, r)
