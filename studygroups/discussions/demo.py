"""Demo discussion for `load_demo`: a few threaded posts, one anchored with a quote."""

from studygroups.library.models import Block

from .models import Discussion
from .posting import post_create, post_reply


def create_demo_discussion(*, group, document, members):
    """Create a small discussion of `document` in `group` by `members` (at least one;
    they must be active members). Safe to run again: does nothing if the group already
    discusses the document."""
    members = list(members)
    if not members:
        return None
    existing = Discussion.objects.filter(group=group, document=document).first()
    if existing is not None and existing.posts.exists():
        return existing
    first, second = members[0], members[1 % len(members)]
    third = members[2 % len(members)]
    blocks = list(
        Block.objects.filter(document=document)
        .exclude(kind=Block.Kind.HEADING)
        .order_by("order")[:3]
    )
    opening, _ = post_create(
        author=first,
        group=group,
        document=document,
        body="What struck me most is how *little* the text assumes about its reader. "
        "Did anyone else find the opening slow?",
    )
    reply, _ = post_reply(
        author=second,
        parent=opening,
        body="A little, yes, but it pays off later. I marked two passages to bring up on Thursday.",
    )
    post_reply(
        author=third,
        parent=reply,
        body=f"Same here, @{first.public_name.split()[0]}: the second section answers the first.",
    )
    if blocks:
        block = blocks[min(1, len(blocks) - 1)]
        words = block.text.split()
        quote = " ".join(words[: min(8, len(words))])
        anchored, _ = post_create(
            author=second,
            group=group,
            document=document,
            body="This sentence carries the whole argument. Is it a claim or a definition?",
            anchor=block.anchor,
            quote=quote,
        )
        post_reply(
            author=first,
            parent=anchored,
            body="I read it as a definition, which is why the rest follows so quickly.",
        )
    return Discussion.objects.get(group=group, document=document)
