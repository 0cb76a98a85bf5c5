"""Write the discussion page as six viewers see it (moderator, author, member, newcomer
with a held post, non-member, visitor) at several moments (first visit, second visit,
after new posts, focused, sorted, after clearing the cache), to compare the HTML of two
checkouts byte for byte. Not a test (pytest collects only test_*.py):

    ROOT=/path/to/main .venv/bin/python tests/discussions/compare_pages.py /tmp/before
    ROOT=$PWD .venv/bin/python tests/discussions/compare_pages.py /tmp/after
    diff -r /tmp/before /tmp/after

What every request has of its own (CSRF tokens, the composer's key) and the times shown
(the data is made anew in each run) are masked.
"""

import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(os.environ.get("ROOT") or Path(__file__).resolve().parents[2])
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
TMP = tempfile.mkdtemp(prefix="compare-pages-")
os.environ["DJANGO_SETTINGS_MODULE"] = "studygroups.settings.test"
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/compare.sqlite3"

MASKED = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), "CSRF"),
    (re.compile(r'"X-CSRFToken": "[^"]+"'), "CSRF"),
    (re.compile(r'name="key" value="[^"]+"'), "KEY"),
    (re.compile(r'<time datetime="[^"]+">[^<]+</time>'), "TIME"),
]


def main(out: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    setup_test_environment()
    call_command("migrate", "-v0")
    from studygroups.core import fragments
    from studygroups.discussions import posting
    from studygroups.discussions.models import Post
    from studygroups.groups.models import Group, Membership
    from studygroups.moderation import services as moderation
    from tests.factories import (
        add_member,
        first_anchor,
        make_document,
        make_group,
        make_question,
        post,
        reply,
        verified_user,
    )

    out.mkdir(parents=True, exist_ok=True)
    group = make_group(organizer=None, visibility=Group.Visibility.PUBLIC, name="Readers")
    document = make_document(title="A text", sections=2, paragraphs=4)
    moderator = add_member(group, role=Membership.Role.FACILITATOR).user
    author = add_member(group, display_name="Ada Author").user
    member = add_member(group, display_name="Mo Member").user
    newcomer = add_member(group, display_name="Nell Newcomer").user
    outsider = verified_user()
    question = make_question(group, document, text="What is claimed?", gated=True)
    post(group, document, author, "An answer", question=question)
    root = post(group, document, author, "The author's thread")
    reply(root, member, "The member's reply")
    other = post(group, document, member, "The member's thread")
    anchor = first_anchor(document)
    post(group, document, author, "On a paragraph", anchor=anchor)
    held = post(group, document, newcomer, "Held back")
    Post.objects.filter(pk=held.pk).update(
        awaiting_approval=True, hidden_at=held.created_at, hidden_category="x"
    )
    for i in range(8):
        thread = post(group, document, member if i % 2 else author, f"Thread {i}")
        for j in range(i):
            reply(thread, author if j % 2 else member, f"Reply {j} to {i}")
    moderation.post_hide(actor=moderator, post=other, reason="Rude")
    posting.post_edit(editor=author, post=root, body="The author's thread, edited")
    viewers = {
        "moderator": moderator,
        "author": author,
        "member": member,
        "newcomer": newcomer,
        "outsider": outsider,
        "anonymous": None,
    }
    clients = {}
    for name, user in viewers.items():
        clients[name] = Client()
        if user is not None:
            clients[name].force_login(user)
    kwargs = {"group_slug": group.slug, "document_slug": document.slug}
    url = reverse("discussions:document", kwargs=kwargs)

    def dump(step: str, query: str = "") -> None:
        for name, client in clients.items():
            html = client.get(url + query).content.decode()
            for pattern, stand_in in MASKED:
                html = pattern.sub(stand_in, html)
            (out / f"{step}-{name}.html").write_text(html)

    dump("1-first")
    dump("2-again")
    post(group, document, member, "A new thread after the visits")
    reply(root, member, "A new reply after the visits")
    post(group, document, author, "A new post on a paragraph", anchor=anchor)
    dump("3-after-posts")
    dump("4-after-posts-focus", f"?post={root.pk}")
    dump("5-newest", "?sort=newest")
    fragments.cache().clear()
    dump("6-cleared")
    print("written to", out)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
